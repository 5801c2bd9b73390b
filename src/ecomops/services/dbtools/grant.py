"""``db grant`` (PostgreSQL): a login role for a person on the roster, holding only what the
tool needs, and the connection service the member uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection

from ecomops.core.pgservice import ENCRYPTED, SERVICE, Service, default_sslmode, is_local
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, Suggest
from ecomops.services.identity import Actor

#: what a staff role may write (row-level security and the permission table decide the rest);
#: the handbook's tables, the clock setting and the schema version stay read-only (of
#: database_option, row-level security lets only the company_mail_* keys be written, by those
#: who may manage staff)
_INSERT = (
    "sheet", "sheet_score", "calibration", "plan", "leave", "handover", "visitor", "task",
    "task_event", "audit", "cycle", "cycle_member", "staff", "staff_change", "database_option",
    "calendar_year", "calendar_day",
)
#: a year's official schedule is replaced whole (row-level security: the top, or the keeper)
_DELETE = ("calendar_year", "calendar_day")
#: (None: every column but the id.) UPDATE is granted column by column, never on a whole table:
#: a table-wide UPDATE (or DELETE) privilege lets its holder ``LOCK TABLE … IN ACCESS EXCLUSIVE
#: MODE`` and stall every command; column privileges do not (revision 0019)
_UPDATE: dict[str, str | None] = {
    "sheet": "(is_current)",
    "plan": "(is_current, sent_at, sent_to, send_error)",
    "task": None,
    "cycle": None,
    "staff": None,
    "visitor": "(left_at)",
    "leave": "(status, decided_by_id, decided_at, decision_reason)",
    "handover": "(acked_at, acked_by_id)",
    "database_option": "(value)",
}


def update_columns(table: str) -> str:
    """The column list a staff role may UPDATE in ``table`` (``(a, b, …)``)."""
    from ecomops.db import schema

    cols = _UPDATE[table]
    if cols is not None:
        return cols
    return "(" + ", ".join(c.name for c in getattr(schema, table).columns if c.name != "id") + ")"


@dataclass(frozen=True)
class Granted:
    """What ``db grant`` made: the person and role, the member's connection service and, once,
    the password (None: the role has none, for peer or certificate authentication)."""

    name: str
    login: str
    service: Service
    password: str | None = field(default=None, repr=False)  # shown once, stored nowhere
    #: the password was made here (not given)
    generated: bool = False
    #: the SCRAM verifier was computed here, so the password itself never reached the server
    verifier: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def pgpass(self) -> str | None:
        """The member's password-file line (None without a password)."""
        return None if self.password is None else self.service.pgpass(self.password)


def _scram(conn: Connection, role: str, password: str) -> tuple[str, bool]:
    """What ``ALTER ROLE … PASSWORD`` is given: a SCRAM-SHA-256 verifier computed here (libpq's
    PQencryptPasswordConn, through psycopg2), so that the password never crosses the wire nor
    lands in the server's statement log; the password itself where the driver cannot."""
    raw = conn.connection.dbapi_connection
    try:
        from psycopg2.extensions import encrypt_password

        return encrypt_password(password, role, raw, "scram-sha-256"), True  # type: ignore[arg-type]
    except (ImportError, TypeError, AttributeError):  # pragma: no cover - another driver
        return password, False


def _where(conn: Connection) -> tuple[str | None, int | None]:
    """The host (or socket folder) and port this connection reached, as libpq resolved them
    (a service file's too)."""
    info = getattr(conn.connection.dbapi_connection, "info", None)
    host = getattr(info, "host", None) or None
    port = getattr(info, "port", None)
    return host, int(port) if port else None


def grant(
    session: Session,
    *,
    name: str,
    login: str,
    password: str | None,
    actor: Actor,
    generate: bool = False,
    host: str | None = None,
    port: int | None = None,
    sslmode: str | None = None,
    ca: str | os.PathLike[str] | None = None,
    service: str = SERVICE,
) -> Granted:
    """Give the person ``name`` a PostgreSQL login role ``login`` (made, or reused) holding only
    what the tool needs: no superuser, no ``BYPASSRLS``, not the tables' owner; row-level
    security then shows that role what the person may see. Run by the role that owns the
    database.

    The role gets ``password`` (``generate``: a new random one; None: none, for peer or
    certificate authentication), sent as a SCRAM verifier. Returns what the member needs: a
    connection service for the server at ``host``/``port`` (default: where this connection
    went), TLS as :mod:`ecomops.core.pgservice` says (``sslmode``; ``ca``: the CA file that
    signed the server's certificate, named as ``sslrootcert``), and the password, once."""
    from sqlalchemy import text

    from ecomops.services.identity import owns_the_database
    from ecomops.services.people import find_person
    from ecomops.services.staff import clean_login, staff_link

    conn = session.connection()
    if conn.dialect.name != "postgresql":
        raise InvalidInput(
            "db grant gives PostgreSQL roles; a SQLite file has one keeper, its owner",
            "for several people on their own logins, use PostgreSQL ({command})",
            suggest=Suggest("db.copy"),
        )
    if not owns_the_database(session):
        raise NotAllowed(
            f"only the role that owns the database may grant access, not {actor.login!r}",
            "connect as the owner (the role that ran {command})",
            suggest=Suggest("init"),
        )
    role = clean_login(login)
    if role is None:
        raise InvalidInput("the login is empty", "give the role's name", param="login")
    find_person(session, name)  # before any role is made
    rootcert = _ca_file(ca) if ca is not None else None
    reached_host, reached_port = _where(conn)
    dbname, schema_now = conn.execute(text("SELECT current_database(), current_schema()")).one()
    entry = Service(
        host=host or reached_host,
        port=port or reached_port,
        dbname=dbname,
        user=role,
        sslmode=sslmode or default_sslmode(host or reached_host, rootcert),
        sslrootcert=rootcert,
        name=service,
    )
    if generate:
        import secrets

        password = secrets.token_urlsafe(24)
    if password is not None and not password:
        raise InvalidInput("the password is empty", "give one, or none", param="password")
    quote = conn.dialect.identifier_preparer.quote
    owner = conn.execute(
        text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'staff'::regclass")
    ).scalar_one()
    found = conn.execute(
        text(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb AS mighty, "
            "pg_has_role(oid, :owner, 'MEMBER') AS owns FROM pg_roles WHERE rolname = :r"
        ),
        {"r": role, "owner": owner},
    ).first()
    if role.startswith("pg_"):
        raise InvalidInput(f"{role!r} is a name PostgreSQL keeps for itself", param="login")
    if found is None:
        conn.execute(text(f"CREATE ROLE {quote(role)} LOGIN"))
    elif found.mighty or found.owns:
        raise InvalidInput(
            f"the role {role!r} is a superuser, bypasses row-level security, makes roles or "
            "databases, or owns (or belongs to the owner of) this database",
            "a staff member's role must see only what the handbook lets them: use another",
        )
    else:
        conn.execute(text(f"ALTER ROLE {quote(role)} LOGIN"))
    verifier = False
    if password is None:
        conn.execute(text(f"ALTER ROLE {quote(role)} PASSWORD NULL"))
    else:
        secret, verifier = _scram(conn, role, password)
        conn.execute(text(f"ALTER ROLE {quote(role)} PASSWORD :pw"), {"pw": secret})
    who = quote(role)
    schema_name = quote(schema_now)
    for sql in (
        f"GRANT CONNECT ON DATABASE {quote(dbname)} TO {who}",
        f"GRANT USAGE ON SCHEMA {schema_name} TO {who}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema_name} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {who}",
        f"GRANT INSERT ON {', '.join(_INSERT)} TO {who}",
        # a role granted by an older ecomops held UPDATE on whole tables: revoked (with any
        # column privileges), then granted column by column
        f"REVOKE UPDATE ON {', '.join(_UPDATE)} FROM {who}",
        *(f"GRANT UPDATE {update_columns(t)} ON {t} TO {who}" for t in _UPDATE),
        f"GRANT DELETE ON {', '.join(_DELETE)} TO {who}",
    ):
        conn.execute(text(sql))
    staff_link(session, name, login=role, actor=actor, lang="en")
    server_ssl = conn.execute(text("SHOW ssl")).scalar_one() == "on"
    return Granted(
        name=find_person(session, name).name,
        login=role,
        service=entry,
        password=password,
        generated=generate,
        verifier=verifier,
        warnings=tuple(_grant_warnings(entry, server_ssl)),
    )


def _ca_file(ca: str | os.PathLike[str]) -> str:
    """The CA certificate file given, as an absolute path (refused unless it holds one)."""
    path = Path(ca).expanduser().absolute()
    try:
        pem = path.read_bytes()[:1 << 20]
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the CA certificate {path}: {exc.strerror}", param="ca"
        ) from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise InvalidInput(
            f"{path} holds no certificate (PEM)",
            "give the certificate of the CA that signed the server's certificate",
            param="ca",
        )
    return str(path)


def _grant_warnings(entry: Service, server_ssl: bool) -> list[str]:
    """What the keeper should know about the member's connection."""
    out = []
    encrypted = entry.sslmode in ENCRYPTED
    if encrypted and not server_ssl:
        out.append(
            f"the server has ssl = off: sslmode={entry.sslmode} connections are refused until "
            "it is on (ssl = on in postgresql.conf, hostssl lines in pg_hba.conf)"
        )
    if not encrypted and not is_local(entry.host):
        out.append(
            f"sslmode={entry.sslmode} to {entry.host}: the password and the records may cross "
            "the network in the clear"
        )
    if entry.sslmode.startswith("verify-") and entry.sslrootcert is None:
        out.append(
            "the member needs the CA certificate that signed the server's certificate, in "
            "~/.postgresql/root.crt (libpq's default; or name its file with the CA given here)"
        )
    elif entry.sslrootcert is not None:
        out.append(
            f"sslrootcert names {entry.sslrootcert}: the member needs that file at that path "
            "(or change the line to where they keep it)"
        )
    return out
