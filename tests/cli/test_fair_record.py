"""A fair record (issue 13 items 2 and 10): Monday plans and month-end summaries are expected
only of whoever is a member of the department on the deadline's day; the general manager hands
in none; the department head hands in the department's own weekly summary.

The scenario: a department set up on Friday 27 November 2026 (its people joined that day), one
member who joined in October and left on 20 November, one deactivated on 18 November without a
leaving date, and the report of November read on 1 December.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ecomops.db import schema
from ecomops.db.engine import resolve
from ecomops.db.session import Database

TZ = ZoneInfo("Asia/Shanghai")
WEEKS = ["2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
NE = "not_expected"


def _database(backend) -> Database:
    if backend.path is not None:
        return Database(resolve(db=str(backend.path)))
    return Database(resolve(database_url=backend.url))


def _set(backend, name: str, **values) -> None:
    """Set ``staff`` columns of ``name`` directly (where ``staff add --joined`` or
    ``staff deactivate --left`` is not there, or to make an entry without a join date)."""
    database = _database(backend)
    try:
        with database.connect(write=True) as conn:
            st = schema.staff
            conn.execute(st.update().where(st.c.name == name).values(**values))
    finally:
        database.dispose()


def _has_option(cli, command: list[str], option: str) -> bool:
    return option in cli(*command, "--help").stdout


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    """The department set up on 27 November; 刘洋 (joined 8 October, left 20 November) and 孙悦
    (joined 8 October, deactivated 18 November) were members before. 陈静's entry has no join
    date (as one made before join dates were recorded): the day it was made counts."""

    def build():
        joined_option = _has_option(cli, ["staff", "add"], "--joined")
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
        for name, pos, mail, joined in [
            ("赵海", "general_manager", "zhaohai@huhao.example", "2026-11-27"),
            ("张伟", "manager", "zhangwei@huhao.example", "2026-11-27"),
            ("李娜", "copywriter", None, "2026-11-27"),
            ("王强", "supervisor", None, "2026-11-27"),
            ("陈静", "clerk", None, None),
            ("刘洋", "planning_supervisor", None, "2026-10-08"),
            ("孙悦", "copywriter", None, "2026-10-08"),
        ]:
            args = ["staff", "add", name, "-p", pos] + (["--email", mail] if mail else [])
            if joined and joined_option:
                args += ["--joined", joined]
            r = cli(*args)
            assert r.exit_code == 0, r.stderr
            if not (joined and joined_option):  # no `staff add --joined`, or 陈静's entry
                _set(db, name, joined_on=date.fromisoformat(joined) if joined else None)
        # before they left: 刘洋 handed in W46's plan on time
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-09T09:00")
        assert cli("plan", "submit", "--as", "刘洋", "--summary", "s", "--plan", "p").exit_code == 0
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-18T10:00")
        assert cli("staff", "deactivate", "孙悦").exit_code == 0  # that day (or its time) counts
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-21T10:00")
        if _has_option(cli, ["staff", "deactivate"], "--left"):
            assert cli("staff", "deactivate", "刘洋", "--left", "2026-11-20").exit_code == 0
        else:
            assert cli("staff", "deactivate", "刘洋").exit_code == 0
            _set(db, "刘洋", left_on=date(2026, 11, 20))
        # the first Monday after the set-up: W49, due Monday 30 November
        for who, when in (("张伟", "2026-11-30T09:00"), ("李娜", "2026-11-30T09:30"),
                          ("王强", "2026-12-01T08:00")):
            monkeypatch.setenv("ECOMOPS_NOW", when)
            r = cli("plan", "submit", "--as", who, "--summary", "s", "--plan", "p")
            assert r.exit_code == 0, r.stderr
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T15:00")  # the month-end summary's own day
        assert cli("plan", "submit", "--as", "李娜", "--month", "2026-11", "--summary", "十一月",
                   "--plan", "十二月").exit_code == 0

    prepared(build)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    return db


def _head_summary(cli, monkeypatch, tmp_path, when="2026-11-30T10:00", *extra):
    plan = tmp_path / "dept.md"
    plan.write_text("# 电商部 2026-W49\n## 上周\n部门完成组建\n## 本周\n平台策划案\n",
                    encoding="utf-8")
    monkeypatch.setenv("ECOMOPS_NOW", when)
    r = cli("plan", "submit", "--as", "张伟", "--department", "--file", str(plan), *extra)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    return r


def test_no_missing_before_joining_in_the_report(dept, cli, monkeypatch, tmp_path):
    assert _head_summary(cli, monkeypatch, tmp_path).exit_code == 0
    out = cli("report", "--month", "2026-11", "--json").json()["plans"]
    assert out["weeks"] == WEEKS
    got = {m["name"]: ([m["weeks"][w] for w in WEEKS], m["month_end"]) for m in out["members"]}
    assert got == {
        # joined on the 27th: nothing before W49 was theirs; the month-end (due the 27th) was
        "张伟": ([NE, NE, NE, NE, "on_time"], "missing"),
        "李娜": ([NE, NE, NE, NE, "on_time"], "on_time"),
        "王强": ([NE, NE, NE, NE, "late"], "missing"),
        "陈静": ([NE, NE, NE, NE, "missing"], "missing"),  # no join date: her entry's day
        # left on the 20th: W48, W49 and the month-end were no longer his
        "刘洋": (["missing", "on_time", "missing", NE, NE], NE),
        # deactivated on the 18th without a leaving date: that day
        "孙悦": (["missing", "missing", "missing", NE, NE], NE),
    }
    assert "赵海" not in got  # the general manager: outside the plan rule
    by_name = {m["name"]: m for m in out["members"]}
    assert {k: by_name["陈静"][k] for k in ("on_time", "late", "missing", "open", NE)} == {
        "on_time": 0, "late": 0, "missing": 2, "open": 0, NE: 4}
    # the totals count every cell once; missing only where the plan was expected
    assert out["totals"] == {"on_time": 4, "late": 1, "missing": 9, "open": 0, NE: 22, "on_leave": 0}
    assert sum(out["totals"].values()) == len(got) * (len(WEEKS) + 1)
    # the head's summary of the department, due with the Monday plans
    assert out["department"] == [{
        "name": "张伟", "position": "manager", "weeks": dict(zip(WEEKS, [NE] * 4 + ["on_time"],
                                                                   strict=True)),
        "on_time": 1, "late": 0, "missing": 0, "open": 0, NE: 4, "on_leave": 0}]


def test_the_report_shows_a_dash_where_nothing_was_expected(dept, cli, monkeypatch, tmp_path):
    assert _head_summary(cli, monkeypatch, tmp_path).exit_code == 0
    md = cli("report", "--month", "2026-11", "--format", "markdown").stdout
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in md.splitlines() if line.startswith("| ") and "W45" not in line}
    # each status with its sign (the grid reads without colour)
    assert rows["李娜"] == ["Copywriter", "—", "—", "—", "—", "✓ on time", "✓ on time"]
    assert rows["陈静"][1:] == ["—", "—", "—", "—", "✗ missing", "✗ missing"]
    assert rows["刘洋"][1:] == ["✗ missing", "✓ on time", "✗ missing", "—", "—", "—"]
    # the department's summary is a row of its own
    dept_rows = [line for line in md.splitlines() if "Department summary" in line]
    assert any("张伟" in line and line.count("—") == 5 and "on time" in line for line in dept_rows)
    assert "on time 4, late 1, missing 9, open 0, on leave 0, not expected 22" in md
    table = cli("report", "--month", "2026-11")
    assert table.exit_code == 0 and "not expected" in table.stdout


def test_plan_status_of_a_week_before_they_joined(dept, cli):
    out = cli("plan", "status", "--week", "2026-W47", "--json").json()
    got = {m["name"]: m["status"] for m in out["members"]}
    # the two who were members then (one since deactivated) and the four who were not yet
    assert got == {"张伟": NE, "李娜": NE, "王强": NE, "陈静": NE, "刘洋": "missing",
                   "孙悦": "missing"}
    assert out["counts"] == {"on_time": 0, "late": 0, "missing": 2, "open": 0, NE: 4, "on_leave": 0}
    assert [(d["name"], d["status"]) for d in out["department"]] == [("张伟", NE)]
    plain = cli("plan", "status", "--week", "2026-W47")
    assert plain.exit_code == 0 and "missing" not in plain.stdout.split("刘洋")[0]


def test_plan_status_after_leaving(dept, cli, monkeypatch, tmp_path):
    out = cli("plan", "status", "--week", "2026-W49", "--json").json()
    got = {m["name"]: m["status"] for m in out["members"]}
    assert got == {"张伟": "on_time", "李娜": "on_time", "王强": "late", "陈静": "missing"}
    assert out["counts"] == {"on_time": 2, "late": 1, "missing": 1, "open": 0, NE: 0, "on_leave": 0}
    assert [(d["name"], d["status"]) for d in out["department"]] == [("张伟", "missing")]
    assert _head_summary(cli, monkeypatch, tmp_path, "2026-12-01T08:30").exit_code == 0
    out = cli("plan", "status", "--week", "2026-W49", "--json").json()
    assert [(d["name"], d["status"], d["versions"]) for d in out["department"]] == [
        ("张伟", "late", 1)]
    month = cli("plan", "status", "--month", "2026-11", "--json").json()
    assert {m["name"]: m["status"] for m in month["members"]} == {
        "张伟": "missing", "李娜": "on_time", "王强": "missing", "陈静": "missing"}
    assert month["department"] == []  # the department's summary is weekly


def test_a_plan_handed_in_for_a_week_before_joining_is_kept_but_not_counted(dept, cli,
                                                                             monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T11:00")
    r = cli("plan", "submit", "--as", "李娜", "--week", "2026-W48", "--summary", "s",
            "--plan", "p", "--json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["status"], r.json()["expected"]) == ("late", False)
    assert "not expected of 李娜" in r.stderr
    row = {m["name"]: m for m in
           cli("plan", "status", "--week", "2026-W48", "--json").json()["members"]}["李娜"]
    assert (row["status"], row["versions"]) == (NE, 1)
    shown = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert shown["expected"] is False
    assert cli("plan", "show", "李娜", "--week", "2026-W49", "--json").json()["expected"] is True


def test_the_general_managers_plan_is_refused_with_the_reason(dept, cli):
    r = cli("plan", "submit", "--as", "赵海", "--summary", "s", "--plan", "p")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert "赵海 is the General Manager, outside the department" in r.stderr
    assert "§3.2 rules 6–7" in r.stderr and "nothing was stored" in r.stderr
    month = cli("plan", "submit", "--as", "赵海", "--month", "2026-11", "--summary", "s",
                "--plan", "p")
    assert month.exit_code == 1 and "outside the department" in month.stderr
    shown = cli("plan", "show", "赵海", "--week", "2026-W49")
    assert shown.exit_code == 1 and "赵海 has no Monday plan for 2026-W49" in shown.stderr


def test_only_the_head_hands_in_the_departments_summary(dept, cli, monkeypatch, tmp_path):
    r = cli("plan", "submit", "--as", "李娜", "--department", "--summary", "s", "--plan", "p")
    assert r.exit_code == 1
    assert ("the department's weekly summary is the department head's (E-commerce Department "
            "Manager) to hand in; 李娜 is the Copywriter") in r.stderr
    assert "--department" in r.stderr
    gm = cli("plan", "submit", "--as", "赵海", "--department", "--summary", "s", "--plan", "p")
    assert gm.exit_code == 1 and "outside the department" in gm.stderr
    both = cli("plan", "submit", "--as", "张伟", "--department", "--month", "2026-11",
               "--summary", "s", "--plan", "p")
    assert both.exit_code == 1 and "--department and --month both given" in both.stderr
    r = _head_summary(cli, monkeypatch, tmp_path, "2026-11-30T10:00", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["kind"], out["period"], out["status"], out["expected"]) == (
        "dept", "2026-W49", "on_time", True)
    assert out["due_at"] == "2026-11-30T23:59:59+08:00"  # with the Monday plans
    assert (out["summary"], out["plan"]) == ("部门完成组建", "平台策划案")  # 上周 / 本周
    assert "department summary 2026-W49" in r.stderr
    shown = cli("plan", "show", "张伟", "--week", "2026-W49", "--department", "--json").json()
    assert shown["kind"] == "dept" and shown["summary"] == "部门完成组建"
    # his own Monday plan is a different record
    own = cli("plan", "show", "张伟", "--week", "2026-W49", "--json").json()
    assert own["kind"] == "week" and own["summary"] == "s"
    plain = cli("plan", "show", "张伟", "--week", "2026-W49", "--department")
    assert "Department summary 2026-W49" in plain.stdout


def test_the_dashboard(dept, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:30")  # W48, due the 23rd: before them
    d = cli("today", "--as", "李娜", "--json").json()
    assert (d["week"], d["monday_plan_status"]) == ("2026-W48", NE)
    assert d["department_summary_status"] is None  # not the head
    assert d["monday_plan_counts"] == {"on_time": 0, "late": 0, "missing": 0, "open": 0, NE: 1, "on_leave": 0}
    everyone = cli("today", "--json").json()  # the keeper reads everyone's
    assert everyone["monday_plan_counts"] == {"on_time": 0, "late": 0, "missing": 0, "open": 0,
                                              NE: 4, "on_leave": 0}
    text = cli("today", "--as", "李娜").stdout
    assert "This week's Monday plan 2026-W48: — (not expected)" in text
    head = cli("today", "--as", "张伟", "--json").json()
    assert head["department_summary_status"] == NE
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T08:00")
    head = cli("today", "--as", "张伟")
    assert "This week's department summary 2026-W49: not in yet" in head.stdout
    assert _head_summary(cli, monkeypatch, tmp_path).exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T12:00")
    head = cli("today", "--as", "张伟", "--json").json()
    assert (head["monday_plan_status"], head["department_summary_status"]) == (
        "on_time", "on_time")
    everyone = cli("today", "--json").json()  # (王强's, in the record already, came late)
    assert everyone["monday_plan_counts"] == {"on_time": 2, "late": 1, "missing": 0,
                                              "open": 1, NE: 0, "on_leave": 0}


# --- the SQL of the rule is the rule ----------------------------------------------------------

CASES = [
    # joined_on, left_on, created_at (Shanghai), deactivated_at (Shanghai; None: active)
    (None, None, "2026-11-27T00:00", None),
    (None, None, "2026-11-26T23:59:59", None),
    ("2026-11-27", None, "2026-10-01T09:00", None),
    ("2026-10-08", "2026-11-20", "2026-11-27T09:00", "2026-11-21T10:00"),
    ("2026-10-08", "2026-11-20", "2026-11-27T09:00", None),
    ("2026-10-08", None, "2026-11-27T09:00", "2026-11-18T00:00"),
    ("2026-10-08", None, "2026-11-27T09:00", "2026-11-17T23:59:59"),
    (None, "2026-11-27", "2026-11-02T08:00", "2026-12-03T09:00"),
]


def test_the_sql_rule_agrees_with_the_core_rule(db, cli, monkeypatch):
    from ecomops.core.plans import joined_day, left_day, member_on
    from ecomops.services.plans import membership_sql

    def local(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=TZ)

    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    for i, (joined_on, left_on, created, off) in enumerate(CASES):
        assert cli("staff", "add", f"员工{i}", "-p", "copywriter").exit_code == 0
        _set(db, f"员工{i}", joined_on=date.fromisoformat(joined_on) if joined_on else None,
             left_on=date.fromisoformat(left_on) if left_on else None,
             created_at=local(created), active=off is None,
             deactivated_at=local(off) if off else None)
    every_day = [date(2026, 11, 14) + timedelta(days=n) for n in range(24)]
    # the report's deadline days (W45–W49 and the month-end), and every day around them
    for days in ([date(2026, 11, d) for d in (2, 9, 16, 23, 27, 30)], every_day):
        lo, hi = membership_sql(days, TZ)
        database = _database(db)
        try:
            with database.connect(write=False) as conn:
                st = schema.staff
                rows = conn.execute(
                    select(st.c.name, st.c.joined_on, st.c.left_on, st.c.created_at,
                           st.c.active, st.c.deactivated_at, lo, hi)
                    .where(st.c.name.like("员工%")).order_by(st.c.id)).all()
        finally:
            database.dispose()
        assert len(rows) == len(CASES)
        for name, joined_on, left_on, created, active, off, low, high in rows:
            joined, left = joined_day(joined_on, created, TZ), left_day(left_on, active, off, TZ)
            core = [member_on(d, joined, left) for d in days]
            assert [low <= j < high for j in range(len(days))] == core, (name, low, high)
