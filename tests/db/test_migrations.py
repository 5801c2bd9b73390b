"""The schema is versioned: migrations build exactly the models' schema, and a database made by
an older release upgrades in place with its records intact."""

from __future__ import annotations

import getpass

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


def test_upgrade_of_a_populated_database_keeps_every_record(backend, cli):
    """A database at revision 0007 holding people, an appraisal cycle with sheets, plans and
    an audit trail upgrades to head: new columns and tables, no table rebuilt under rows that
    other rows refer to."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from sqlalchemy import insert

    from ecomops.db import schema
    from ecomops.handbook.loader import load_manual
    from ecomops.services.database import install_manual

    at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    database = _database(backend)
    with database.connect(write=True) as conn:
        migrate.upgrade(conn, "0007")
        install_manual(conn, load_manual(), year=2026, now=at)
        st = schema.staff
        for i, (name, pos, boss) in enumerate(
                [("总经理", "general_manager", None), ("张伟", "manager", 1)], start=1):
            conn.execute(insert(st).values(id=i, name=name, name_key=name, position_id=pos,
                                           manager_id=boss, active=True, created_at=at))
        conn.execute(insert(schema.cycle).values(id="2026-11", kind_id="monthly",
                                                 status="open", opened_at=at))
        conn.execute(insert(schema.cycle_member).values(cycle_id="2026-11", staff_id=2,
                                                        position_id="manager"))
        conn.execute(insert(schema.sheet).values(
            id=1, cycle_id="2026-11", employee_id=2, rater_id=1,
            rater_position_id="general_manager", version=1, is_current=True, created_at=at))
        for c in ("organizing_planning", "leadership", "expertise", "problem_solving",
                  "coordination"):
            conn.execute(insert(schema.sheet_score).values(
                sheet_id=1, criterion_id=c, rubric_id="supervisor", score=Decimal(90)))
        conn.execute(insert(schema.plan).values(
            staff_id=2, kind="week", period="2026-W47", version=1, is_current=True,
            summary="s", plan="p", submitted_at=at, due_at=at))
        conn.execute(insert(schema.audit).values(at=at, actor="keeper", command="init",
                                                 details={}))
    database.dispose()

    listed = cli("cycle", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert "upgraded the database schema" in listed.stderr
    assert (listed.json()[0]["members"], listed.json()[0]["complete"]) == (1, 1)
    database = _database(backend)
    with database.connect(write=False) as conn:
        assert migrate.current_revision(conn) == migrate.HEAD
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                  for t in ("staff", "sheet", "sheet_score", "plan", "audit")}
    database.dispose()
    assert counts["staff"] == 2 and counts["sheet"] == 1 and counts["sheet_score"] == 5
    assert counts["plan"] == 1 and counts["audit"] >= 1
    login = "zhangwei" if backend.kind == "postgresql" else getpass.getuser()  # the file's owner
    assert cli("staff", "link", "张伟", "--login", login).exit_code == 0


def test_upgrade_repairs_versions_that_forked_before_0011(backend, cli):
    """A database at 0010 where racing revisions left duplicate version numbers and several
    current rows (PostgreSQL before 0011): the upgrade renumbers each record's versions in
    the order they were written, keeps the newest current, and loses no row."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from ecomops.db import schema
    from ecomops.handbook.loader import load_manual
    from ecomops.services.database import install_manual

    at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    database = _database(backend)
    with database.connect(write=True) as conn:
        migrate.upgrade(conn, "0010")
        install_manual(conn, load_manual(), year=2026, now=at)
        for i, (name, pos, boss) in enumerate(
                [("总经理", "general_manager", None), ("张伟", "manager", 1)], start=1):
            conn.execute(insert(schema.staff).values(
                id=i, name=name, name_key=name, position_id=pos, manager_id=boss, active=True,
                created_at=at))
        conn.execute(insert(schema.cycle).values(id="2026-11", kind_id="monthly",
                                                 status="open", opened_at=at))
        # seven sheets from one rater: versions 1, 1, 2, 2, 3, 3, 4; four of them current
        for sid, (version, current) in enumerate(
                [(1, False), (1, True), (2, False), (2, True), (3, True), (3, False), (4, True)],
                start=1):
            conn.execute(insert(schema.sheet).values(
                id=sid, cycle_id="2026-11", employee_id=2, rater_id=1,
                rater_position_id="general_manager", version=version, is_current=current,
                note=f"sheet {sid}", created_at=at))
        # a plan whose two versions are both current, and one that is fine
        for pid, (period, version, current) in enumerate(
                [("2026-W47", 1, True), ("2026-W47", 1, True), ("2026-W48", 1, True)], start=1):
            conn.execute(insert(schema.plan).values(
                id=pid, staff_id=2, kind="week", period=period, version=version,
                is_current=current, summary=f"s{pid}", plan="p", submitted_at=at, due_at=at))
    database.dispose()

    assert cli("cycle", "list", "--json").exit_code == 0  # opens and upgrades the database
    database = _database(backend)
    with database.connect(write=False) as conn:
        assert migrate.current_revision(conn) == migrate.HEAD
        sheets = conn.execute(text(
            "SELECT id, version, is_current FROM sheet ORDER BY id")).all()
        plans = conn.execute(text(
            "SELECT id, period, version, is_current FROM plan ORDER BY id")).all()
    database.dispose()
    assert [tuple(r) for r in sheets] == [(i, i, i == 7) for i in range(1, 8)]
    assert [tuple(r) for r in plans] == [(1, "2026-W47", 1, False), (2, "2026-W47", 2, True),
                                         (3, "2026-W48", 1, True)]


def _security(conn) -> dict:
    """What row-level security consists of: the policies, the functions, the indexes."""
    indexes = sorted(i["name"] for i in inspect(conn).get_indexes("staff"))
    if conn.dialect.name != "postgresql":
        return {"indexes": indexes}
    policies = conn.execute(text(
        "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = current_schema() ORDER BY 1, 2")).all()
    functions = conn.execute(text(
        "SELECT p.oid::regprocedure::text, md5(p.prosrc) FROM pg_proc p "
        "WHERE p.proname LIKE 'ecomops%' ORDER BY 1")).all()
    return {"indexes": indexes, "policies": policies, "functions": functions}


def test_downgrade_of_0016_restores_the_policies_before_it(backend):
    """Revision 0016 (set-based reads, counting functions) undone leaves row-level security
    exactly as the revision before it made it; done again, it is back."""
    from alembic import command
    from alembic.script import ScriptDirectory

    database = _database(backend)
    with database.connect(write=True) as conn:
        previous = ScriptDirectory.from_config(migrate._config(conn)).get_revision("0016")
        migrate.upgrade(conn, previous.down_revision)
        before = _security(conn)
        migrate.upgrade(conn, "0016")
        upgraded = _security(conn)
        command.downgrade(migrate._config(conn), previous.down_revision)
        after = _security(conn)
        migrate.upgrade(conn, "0016")
        again = _security(conn)
    database.dispose()
    assert after == before
    assert upgraded != before and again == upgraded
    assert "ix_staff_manager_id" in upgraded["indexes"]
