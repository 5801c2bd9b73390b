"""``db status``: where the data is, its schema and handbook, row counts, who keeps it, and
what would let someone act as someone else.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from ecomops.core.pgservice import is_local
from ecomops.db import schema
from ecomops.db.engine import Target
from ecomops.db.migrate import current_revision
from ecomops.db.session import Database
from ecomops.services.dbtools.tables import count_all


def _connection(conn: Connection) -> dict | None:
    """What a PostgreSQL connection uses: TLS or not (protocol and cipher), the server's
    address (None: a Unix socket)."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(
        text(
            "SELECT s.ssl, s.version, s.cipher, host(inet_server_addr()), inet_server_port() "
            "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()"
        )
    ).one()
    return {
        "ssl": bool(row[0]),
        "protocol": row[1],
        "cipher": row[2],
        "server": None if row[3] is None else f"{row[3]}:{row[4]}",
    }


def _keeper(conn: Connection, path: Path | None) -> tuple[str, str]:
    """(the login running this, the keeper's login): on SQLite the operating-system user and
    the file's owner; on PostgreSQL the connected role and the role that owns the tables."""
    from ecomops.services.identity import os_user, owner_of_file

    if conn.dialect.name != "postgresql":
        return os_user(), owner_of_file(path)
    row = conn.execute(
        text(
            "SELECT current_user, pg_get_userbyid(relowner) FROM pg_class "
            "WHERE oid = 'staff'::regclass"
        )
    ).one()
    return str(row[0]), str(row[1])


def status(target: Target, database: Database) -> dict:
    """Where the database is, its schema version, the handbook in force and row counts; who
    keeps it, and (PostgreSQL) what the connection uses: TLS or not."""
    path = target.sqlite_path
    with database.connect(write=False) as conn:
        revision = current_revision(conn)
        counts = count_all(conn)
        mv = schema.manual_version
        latest = conn.execute(
            select(mv.c.source, mv.c.year, mv.c.loaded_at, mv.c.sha256)
            .order_by(mv.c.id.desc())
            .limit(1)
        ).first()
        st, opt = schema.staff, schema.database_option
        bound = dict(
            conn.execute(select(st.c.login, st.c.name).where(st.c.login.is_not(None))).all()
        )
        clock = conn.execute(select(opt.c.value).where(opt.c.key == "clock")).scalar() or "real"
        login, keeper = _keeper(conn, path)
        connection = _connection(conn)
    logins = len(bound)
    warnings = []
    if path is None and logins == 0:
        warnings.append(
            "single-keeper mode: no login is bound to anyone on the roster, so anyone who can "
            "write this database can act as anyone (give each person a role of their own: "
            "ecomops db grant NAME --login LOGIN)"
        )
    if path is not None:
        from ecomops.services.files import readable_by_others, writable_by_others

        open_to_write = [p for p in writable_by_others(path) if p.exists()]
        if open_to_write:
            paths = ", ".join(str(p) for p in open_to_write)
            warnings.append(
                f"writable by other users: {paths}: anyone who can write this database can act "
                f"as anyone; a SQLite file has one keeper, its owner ({keeper}) (make it "
                "private: chmod 600 FILE, chmod 700 FOLDER; for several people on their own "
                "logins, use PostgreSQL)"
            )
        loose = [p for p in readable_by_others(path) if p.exists() and p not in open_to_write]
        if loose:
            paths = ", ".join(str(p) for p in loose)
            warnings.append(
                f"readable by other users: {paths} (make it private: chmod 600 FILE, chmod 700 "
                "FOLDER)"
            )
        others = sorted(k for k in bound if k != keeper)
        if others:
            warnings.append(
                "logins bound on a SQLite file act as nobody unless they are its owner's "
                f"({keeper}): {', '.join(f'{k} ({bound[k]})' for k in others)} "
                "(for several people on their own logins, use PostgreSQL)"
            )
    elif connection is not None and not connection["ssl"] and not _local(connection["server"]):
        warnings.append(
            f"the connection to {connection['server']} is not encrypted: passwords and records "
            "cross the network in the clear (sslmode=verify-full, and ssl = on on the server)"
        )
    return {
        "mode": "single-keeper" if path is not None or logins == 0 else "bound logins",
        "logins": logins,
        "login": login,
        "keeper": keeper,
        "connection": connection,
        "clock": clock,
        "warnings": warnings,
        "database": target.display(),
        "backend": "sqlite" if target.is_sqlite else "postgresql",
        "size_bytes": path.stat().st_size if path is not None and path.exists() else None,
        "schema": revision,
        "handbook": {
            "source": latest.source,
            "year": latest.year,
            "sha256": latest.sha256,
            "loaded_at": latest.loaded_at,
        }
        if latest
        else None,
        "rows": counts,
    }


def _local(server: str | None) -> bool:
    """Whether a server address (``host:port``; None: a Unix socket) is this machine's."""
    return server is None or is_local(server.rsplit(":", 1)[0])
