"""The schema is versioned: migrations build exactly the models' schema, and a database made by
an older release upgrades in place with its records intact."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from ecomops.db import migrate
from ecomops.db.engine import resolve
from ecomops.db.session import Database
from ecomops.errors import DatabaseError


def _database(backend) -> Database:
    if backend.path is not None:
        backend.path.parent.mkdir(parents=True, exist_ok=True)
        return Database(resolve(db=str(backend.path)))
    return Database(resolve(database_url=backend.url))


def test_head_constant_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == migrate.HEAD
    assert migrate.known_revisions()[-1] == migrate.HEAD


@pytest.mark.parametrize("which", ["sqlmodel", "core"])
def test_migrations_build_exactly_the_models(backend, which):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ecomops.db import codegen, schema

    metadata = codegen.sqlmodel_metadata() if which == "sqlmodel" else schema.metadata
    database = _database(backend)
    with database.connect(write=True) as conn:
        migrate.upgrade(conn)
    with database.connect(write=False) as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [d for d in compare_metadata(ctx, metadata)
                 if not (isinstance(d, tuple) and d[0] == "remove_table"
                         and d[1].name == "alembic_version")]
    database.dispose()
    assert diffs == []


def test_upgrade_from_the_first_schema_keeps_every_record(backend, cli):
    """A database at revision 0001 holding a loaded handbook upgrades to head on first use."""
    from ecomops import clock
    from ecomops.handbook.loader import load_manual
    from ecomops.services.database import install_manual

    database = _database(backend)
    loaded = load_manual()
    with database.connect(write=True) as conn:
        migrate.upgrade(conn, "0001")
        install_manual(conn, loaded, year=2026, now=clock.now())
    with database.connect(write=False) as conn:
        assert migrate.current_revision(conn) == "0001"
        assert not inspect(conn).has_table("staff")
        before = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                  for t in ("position", "criterion", "grade", "goal", "manual_version")}
    database.dispose()

    r = cli("staff", "add", "王芳", "--position", "文案", "--json")
    assert r.exit_code == 0, r.stderr
    assert "upgraded the database schema" in r.stderr
    assert r.json()["position"] == "copywriter"

    database = _database(backend)
    with database.connect(write=False) as conn:
        assert migrate.current_revision(conn) == migrate.HEAD
        after = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                 for t in ("position", "criterion", "grade", "goal", "manual_version")}
    database.dispose()
    assert before == after == {"position": 6, "criterion": 10, "grade": 4, "goal": 14,
                               "manual_version": 1}


def test_a_database_from_a_newer_release_is_refused(db):
    database = _database(db)
    with database.connect(write=True) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with database.connect(write=False) as conn, pytest.raises(DatabaseError, match="newer"):
        migrate.needs_upgrade(conn)
    database.dispose()
