"""Eight processes write at once to one database: every write lands, nobody sees
"database is locked", the counts match exactly (SQLite file, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.processes import context, enter, environment

PROCESSES = 8
EACH = 50


def _worker(env: dict, index: int, queue) -> None:
    enter(env)
    from ecomops.db.session import Database
    from ecomops.errors import EcomopsError
    from ecomops.services.appraisal import rate
    from ecomops.services.identity import acting
    from ecomops.services.plans import store
    from tests.conftest import selected_target

    database = Database(selected_target())
    tz = ZoneInfo("Asia/Shanghai")
    errors = []
    try:
        for n in range(EACH):
            now = datetime(2026, 11, 2, 9, 0, tzinfo=tz)
            try:
                with database.session(write=True) as s:
                    store(s, who=f"员工{index}", kind="week", period=f"2026-W{n + 1:02d}",
                          summary=f"summary {n}", plan=f"plan {n}", now=now)
                with database.session(write=True) as s:
                    rate(s, cycle="2026-11", employee=f"主管{n:02d}",
                         rater=acting(s, f"总经理{index}"),
                         ratings={c: Decimal(60 + (n + index) % 40) for c in (
                             "organizing_planning", "leadership", "expertise",
                             "problem_solving", "coordination")},
                         note=None, now=now, lang="en")
            except EcomopsError as exc:  # what a user would have seen
                errors.append(str(exc))
    finally:
        database.dispose()
    queue.put((index, errors))


def test_eight_writers_lose_nothing(db, cli):
    for i in range(PROCESSES):
        assert cli("staff", "add", f"员工{i}", "-p", "copywriter").exit_code == 0
        assert cli("staff", "add", f"总经理{i}", "-p", "general_manager", "--force").exit_code == 0
    rows = "name,position\n" + "".join(f"主管{n:02d},supervisor\n" for n in range(EACH))
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(rows)
    assert cli("staff", "import", f.name).exit_code == 0
    assert cli("cycle", "open", "2026-11").exit_code == 0

    env = environment()
    ctx = context()  # racers forked from a server that imported ecomops once
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(env, i, queue)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert {i: errs for i, errs in results.items() if errs} == {}

    status = cli("plan", "status", "--week", "2026-W07", "--json").json()
    assert sum(1 for m in status["members"] if m["versions"] == 1) == PROCESSES
    listed = cli("appraisals", "list", "-c", "2026-11", "--as", "总经理0", "--json").json()
    supervisors = [a for a in listed if a["position"] == "supervisor"]
    assert len(supervisors) == EACH and all(a["status"] == "complete" for a in supervisors)

    from sqlalchemy import text

    from ecomops.db.session import Database
    from tests.conftest import selected_target

    database = Database(selected_target())
    with database.connect(write=False) as conn:
        plans = conn.execute(text("SELECT COUNT(*) FROM plan")).scalar()
        sheets = conn.execute(text("SELECT COUNT(*) FROM sheet")).scalar()
        scores = conn.execute(text("SELECT COUNT(*) FROM sheet_score")).scalar()
        distinct = conn.execute(text(
            "SELECT COUNT(*) FROM (SELECT DISTINCT employee_id, rater_id FROM sheet) x")).scalar()
    database.dispose()
    assert (plans, sheets, scores, distinct) == (PROCESSES * EACH, PROCESSES * EACH,
                                                 PROCESSES * EACH * 5, PROCESSES * EACH)
