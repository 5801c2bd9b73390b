"""Bring a database's schema up to date (Alembic, run on our own connection and transaction)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from ecomops.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"
#: The newest revision this release knows; a test checks it against the migrations folder.
HEAD = "0019"


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> list[str]:
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def _config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: Connection, target: str = "head") -> None:
    """Upgrade in the caller's transaction."""
    from alembic import command

    command.upgrade(_config(conn), target)


def needs_upgrade(conn: Connection) -> bool:
    rev = current_revision(conn)
    if rev == HEAD:
        return False
    if rev is not None and rev not in known_revisions():
        raise DatabaseError(
            f"the database's schema ({rev}) is newer than this ecomops knows ({HEAD})",
            "upgrade ecomops",
        )
    return True
