"""Every ``--json`` output of the demo department, held byte-equal to golden copies.

The ``--json`` output is a contract (docs/json.md): a refactoring must not change a byte of
it. The demo database is built once, every read command runs against it, then a sequence of
write commands runs in order (each output is golden too), then the reads that follow them.
They run as production does, without the suite's validation of every output model.

Regenerate after an intended change of the contract with ``ECOMOPS_UPDATE_GOLDEN=1 pytest
tests/golden`` and review the diff of ``tests/golden/demo/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL, _pg_database, run

GOLDEN = Path(__file__).parent / "demo"
UPDATE = os.environ.get("ECOMOPS_UPDATE_GOLDEN") == "1"
NOW = "2026-12-01T09:00"

PLAN = "## 上周总结\n完成双龙微信文案\n\n## 本周计划\n写元旦活动文案\n"
SHEETS = "employee,rater,analysis,execution,expertise,communication,collaboration,note\n"

# (golden name, arguments); every command gets --json
READS: list[tuple[str, list[str]]] = [
    ("manual-show", ["manual", "show"]),
    ("manual-show-6-zh", ["manual", "show", "6", "--lang", "zh"]),
    ("manual-show-goals-zh-hans", ["manual", "show", "goals", "--lang", "zh-hans"]),
    ("manual-check", ["manual", "check"]),
    ("rules", ["rules"]),
    ("rules-zh-hans", ["rules", "--lang", "zh-hans"]),
    ("roles-list", ["roles", "list"]),
    ("roles-show", ["roles", "show", "策划主管"]),
    ("rubric-show", ["rubric", "show", "copywriter"]),
    ("roles-permissions", ["roles", "permissions"]),
    ("roles-permissions-zh-hans", ["roles", "permissions", "--lang", "zh-hans"]),
    ("goals-list", ["goals", "list"]),
    ("goals-list-month", ["goals", "list", "--month", "2026-11"]),
    ("staff-list", ["staff", "list"]),
    ("staff-list-all", ["staff", "list", "--all"]),
    ("cycle-list", ["cycle", "list"]),
    ("appraisals-list-gm", ["appraisals", "list", "-c", "2026-11", "--as", "赵海"]),
    ("appraisals-list-manager", ["appraisals", "list", "-c", "2026-11", "--as", "张伟"]),
    ("appraisals-show", ["appraisals", "show", "李娜", "-c", "2026-11", "--as", "赵海"]),
    ("appraisals-show-calibrated", ["appraisals", "show", "王强", "-c", "2026-11", "--as", "王强"]),
    ("quota-check", ["quota", "check", "-c", "2026-11", "--as", "赵海"]),
    ("quota-check-position", ["quota", "check", "-c", "2026-11", "--as", "张伟", "--by", "position"]),
    ("quota-check-strict", ["quota", "check", "-c", "2026-11", "--as", "赵海", "--strict"]),
    ("calendar", ["calendar", "--month", "2026-11"]),
    ("calendar-feb", ["calendar", "--month", "2026-02"]),
    ("plan-status-week", ["plan", "status", "--week", "2026-W48"]),
    ("plan-status-now", ["plan", "status"]),
    ("plan-status-month", ["plan", "status", "--month", "2026-11"]),
    ("plan-show", ["plan", "show", "李娜", "--week", "2026-W48"]),
    ("plan-show-month", ["plan", "show", "张伟", "--month", "2026-11"]),
    ("leave-list", ["leave", "list"]),
    ("handover-list", ["handover", "list"]),
    ("visitor-list", ["visitor", "list"]),
    ("tasks-list", ["tasks", "list"]),
    ("tasks-list-overdue", ["tasks", "list", "--overdue"]),
    ("tasks-list-filtered", ["tasks", "list", "--due-within", "30", "--owner", "张伟", "--source", "goal"]),
    ("tasks-show", ["tasks", "show", "1"]),
    ("report", ["report", "--month", "2026-11"]),
    ("report-gm", ["report", "--month", "2026-11", "--as", "赵海"]),
    ("report-zh-hans", ["report", "--month", "2026-11", "--as", "张伟", "--lang", "zh-hans"]),
    ("today", ["today"]),
    ("today-manager", ["today", "--as", "张伟"]),
    ("today-member", ["today", "--as", "李娜"]),
]

# in this order, each on the database the one before left
WRITES: list[tuple[str, list[str]]] = [
    ("staff-add", ["staff", "add", "孙悦", "--position", "文案", "--email", "sy@huhao.example", "--manager", "张伟"]),
    ("cycle-open", ["cycle", "open", "2026-12"]),
    ("today-open-cycle", ["today", "--as", "张伟"]),
    ("today-open-cycle-gm", ["today", "--as", "赵海"]),
    ("appraise", ["appraise", "李娜", "-c", "2026-12", "--as", "张伟", "-l", "analysis=B", "-l", "execution=A", "-s", "expertise=80", "-s", "communication=88.5", "-s", "collaboration=90", "--note", "好"]),
    ("appraise-again", ["appraise", "李娜", "-c", "2026-12", "--as", "张伟", "-s", "analysis=81", "-s", "execution=92", "-s", "expertise=80", "-s", "communication=88.5", "-s", "collaboration=90"]),
    ("appraise-csv", ["appraise", "-c", "2026-12", "--from", "{sheets}"]),
    ("cycle-list-after", ["cycle", "list"]),
    ("today-to-rate-gm", ["today", "--as", "赵海"]),
    ("today-to-rate-manager", ["today", "--as", "张伟"]),
    ("calibrate", ["calibrate", "李娜", "-c", "2026-12", "--as", "赵海", "--grade", "A", "--reason", "年终冲刺"]),
    ("appraisals-list-after", ["appraisals", "list", "-c", "2026-12", "--as", "赵海"]),
    ("appraisals-show-after", ["appraisals", "show", "李娜", "-c", "2026-12", "--as", "张伟", "--lang", "zh-hans"]),
    ("quota-after", ["quota", "check", "-c", "2026-12", "--as", "赵海", "--explain"]),
    ("cycle-close", ["cycle", "close", "2026-12", "--as", "赵海", "--override", "样本太小"]),
    ("tasks-add", ["tasks", "add", "元旦活动海报", "--owner", "李娜", "--due", "2026-12-20", "--goal", "dec.1", "--as", "张伟"]),
    ("tasks-start", ["tasks", "start", "2", "--as", "张伟"]),
    ("tasks-done", ["tasks", "done", "2", "--note", "已交付", "--as", "张伟"]),
    ("tasks-reopen", ["tasks", "reopen", "2", "--as", "张伟"]),
    ("tasks-assign", ["tasks", "assign", "3", "刘洋", "--as", "张伟"]),
    ("tasks-due", ["tasks", "due", "3", "2026-12-15", "--as", "张伟"]),
    ("plan-submit", ["plan", "submit", "--as", "李娜", "--file", "{plan}", "--no-send"]),
    ("plan-submit-month", ["plan", "submit", "--as", "陈静", "--month", "2026-12", "--summary", "本月完成", "--plan", "下月计划", "--no-send"]),
    ("leave-request", ["leave", "request", "--as", "李娜", "--from", "2026-12-02", "--to", "2026-12-03", "--reason", "体检"]),
    ("handover-add", ["handover", "add", "--as", "李娜", "--to", "陈静", "--start", "2026-12-02T09:00", "--end", "2026-12-03T17:30", "--place", "双龙项目现场", "--matter", "客户拍摄", "--duties", "接电话"]),
    ("visitor-add", ["visitor", "add", "--name", "刘先生", "--approved-by", "张伟", "--escort", "李娜", "--purpose", "供应商洽谈"]),
    ("visitor-leave", ["visitor", "leave", "2", "--at", "2026-12-01T10:30"]),
    ("tasks-list-after", ["tasks", "list", "--owner", "李娜"]),
    ("plan-status-after", ["plan", "status"]),
    ("report-after", ["report", "--month", "2026-12", "--as", "赵海"]),
    ("today-after", ["today", "--as", "李娜"]),
]


def _bundled() -> str:
    """Where the bundled handbook is (the checkout's data/, or the installed package's)."""
    from ecomops.handbook.loader import bundled_manual_path

    return str(bundled_manual_path())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo department, built once for the module, with its own clock."""
    work = tmp_path_factory.mktemp("golden")
    gen = None
    r = run("demo", "--db", str(work / "demo.db"))
    assert r.exit_code == 0, r.stderr
    target = ("--db", str(work / "demo.db"))
    if PG_ADMIN_URL:  # the demo is a SQLite file; the same department, copied to PostgreSQL
        gen = _pg_database()
        target = ("--database-url", next(gen))
        r = run("db", "copy", "--db", str(work / "demo.db"), "--to", target[1])
        assert r.exit_code == 0, r.stderr
    (work / "plan.md").write_text(PLAN, encoding="utf-8")
    (work / "sheets.csv").write_text(
        SHEETS + "陈静,张伟,80,80,85,90,70,\n李娜,赵海,B,A,90,85.5,88,稳定\n陈静,赵海,C,B,75,80,82,\n", encoding="utf-8"
    )
    yield work, target
    if gen is not None:
        for _ in gen:
            pass


def _check(name: str, args: list[str], demo, monkeypatch: pytest.MonkeyPatch) -> None:
    work, (option, where) = demo
    # production's output path (rows built by views.trusted without re-validation): the rest
    # of the suite validates every one in full (ECOMOPS_STRICT_OUTPUT, tests/conftest.py), and
    # these copies were written so; byte-equal here, the two paths agree on every output
    from ecomops import views

    monkeypatch.setattr(views, "STRICT", False)
    monkeypatch.delenv("ECOMOPS_STRICT_OUTPUT", raising=False)
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    monkeypatch.setenv("ECOMOPS_DB" if option == "--db" else "ECOMOPS_DATABASE_URL", where)
    argv = [a.format(plan=work / "plan.md", sheets=work / "sheets.csv") for a in args]
    r = run(*argv, "--json")
    assert r.exit_code == 0, f"{name}: {r.stderr}"
    out = r.stdout.replace(str(work), "{work}").replace(_bundled(), "{bundled}")
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"no golden copy of {name}; run with ECOMOPS_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), f"{name}: the --json output changed"


@pytest.mark.parametrize(("name", "args"), READS, ids=[n for n, _ in READS])
def test_read(demo, name: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _check(name, args, demo, monkeypatch)


def test_writes_in_order(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    # after the reads (pytest runs a module's tests in order), on the same database
    for name, args in WRITES:
        _check(name, args, demo, monkeypatch)
