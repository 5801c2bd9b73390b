"""Sixteen processes race on one record, released together by a barrier (SQLite file, and
PostgreSQL when configured, whose writers are not serialised by the database): revisions get
versions 1…16 with exactly one current, plans do not fork, one cycle is opened once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests.processes import context, enter, environment

PROCESSES = 16
CRITERIA = ("organizing_planning", "leadership", "expertise", "problem_solving", "coordination")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _worker(env: dict, job: str, index: int, barrier, queue) -> None:
    enter(env)
    from ecomops.db.session import Database
    from ecomops.errors import EcomopsError
    from ecomops.services.appraisal import cycle_open, rate
    from ecomops.services.identity import acting
    from ecomops.services.plans import store
    from tests.conftest import selected_target

    database = Database(selected_target())
    outcome: list[str] = []
    try:
        with database.connect(write=False) as conn:  # connected before the start signal
            conn.execute(text("SELECT 1"))
        barrier.wait(timeout=120)
        for n in range(3 if job == "plan" else 1):
            try:
                with database.session(write=True) as s:
                    if job == "rate":
                        rate(s, cycle="2026-11", employee="主管甲", rater=acting(s, "总经理"),
                             ratings=dict.fromkeys(CRITERIA, Decimal(60 + index)),
                             note=f"revision by worker {index}", now=NOW, lang="en")
                    elif job == "plan":
                        store(s, who="员工甲", kind="week", period="2026-W45",
                              summary=f"summary {index}.{n}", plan=f"plan {index}.{n}", now=NOW)
                    else:
                        cycle_open(s, "2026-12", actor=acting(s, "总经理"), year_end=False,
                                   now=NOW)
                outcome.append("ok")
            except EcomopsError as exc:  # what the user would have seen
                outcome.append(f"error: {exc}")
    finally:
        database.dispose()
    queue.put((index, outcome))


def _race(job: str) -> dict[int, list[str]]:
    env = environment()
    ctx = context()  # racers forked from a server that imported ecomops once
    queue = ctx.Queue()
    barrier = ctx.Barrier(PROCESSES)
    procs = [
        ctx.Process(target=_worker, args=(env, job, i, barrier, queue)) for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def _rows(sql: str) -> list[tuple]:
    from ecomops.db.session import Database
    from tests.conftest import selected_target

    database = Database(selected_target())
    try:
        with database.connect(write=False) as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        database.dispose()


def _department(cli) -> None:
    for name, position in (("总经理", "general_manager"), ("主管甲", "supervisor"),
                           ("员工甲", "copywriter")):
        assert cli("staff", "add", name, "-p", position).exit_code == 0


def test_sixteen_revisions_of_one_sheet_number_1_to_16_with_one_current(db, cli):
    _department(cli)
    assert cli("cycle", "open", "2026-11").exit_code == 0
    results = _race("rate")
    assert {i: out for i, out in results.items() if out != ["ok"]} == {}
    versions = _rows("SELECT version, is_current, note FROM sheet ORDER BY version")
    assert [v for v, _, _ in versions] == list(range(1, PROCESSES + 1))
    current = [note for _, cur, note in versions if cur]
    assert len(current) == 1 and current[0] == versions[-1][2]
    # the appraisal is the current sheet's score, not an average over forked ones
    winner = int(current[0].rsplit(" ", 1)[1])
    shown = cli("appraisals", "show", "主管甲", "-c", "2026-11", "--as", "总经理",
                "--json").json()
    assert Decimal(str(shown["score"])) == Decimal(60 + winner)


def test_sixteen_times_three_resubmissions_make_48_versions_one_current(db, cli):
    _department(cli)
    results = _race("plan")
    assert {i: out for i, out in results.items() if out != ["ok"] * 3} == {}
    rows = _rows("SELECT version, is_current FROM plan ORDER BY version")
    assert [v for v, _ in rows] == list(range(1, 3 * PROCESSES + 1))
    assert sum(1 for _, cur in rows if cur) == 1 and rows[-1][1]
    status = cli("plan", "status", "--week", "2026-W45", "--json").json()
    mine = next(m for m in status["members"] if m["name"] == "员工甲")
    assert mine["versions"] == 3 * PROCESSES


def test_sixteen_openers_of_one_cycle_one_opens_it_the_others_are_told(db, cli):
    _department(cli)
    results = _race("open")
    outcomes = sorted(out[0] for out in results.values())
    assert outcomes.count("ok") == 1
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == PROCESSES - 1
    assert all("cycle 2026-12 already exists (open)" in o for o in refused), refused[:3]
    assert _rows("SELECT COUNT(*) FROM cycle WHERE id = '2026-12'") == [(1,)]
    members = _rows("SELECT COUNT(*) FROM cycle_member WHERE cycle_id = '2026-12'")
    assert members == [(2,)]  # the supervisor and the copywriter, once each
