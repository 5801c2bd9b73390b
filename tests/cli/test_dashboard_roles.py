"""``ecomops today`` for each role (issue 14, item 1): the department head sees the team — who
has not sent this week's Monday plan, by name; near month-end, whose summary is not in; the
overdue tasks by person; the tasks due in the next three working days; the ratings still owed,
by rater — and a member sees their own items, each gone once done. Runs on SQLite and on
PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

import re

import pytest

from ecomops.render.labels import EN, labels

DEPARTMENT = [
    # name, position, manager, e-mail
    ("赵海", "general_manager", None, "zhaohai@huhao.example"),
    ("张伟", "manager", "赵海", "zhangwei@huhao.example"),
    ("李娜", "copywriter", "张伟", None),
    ("陈静", "clerk", "张伟", None),
    ("王强", "supervisor", "赵海", None),
]


@pytest.fixture
def dept(db, cli, monkeypatch):
    """A five-person department, on the roster since 1 September."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-09-01T09:00")
    for name, position, manager, mail in DEPARTMENT:
        args = ["staff", "add", name, "-p", position]
        args += ["--manager", manager] if manager else []
        args += ["--email", mail] if mail else []
        r = cli(*args)
        assert r.exit_code == 0, r.stderr
    return db


def _at(monkeypatch, when: str) -> None:
    monkeypatch.setenv("ECOMOPS_NOW", when)


def _ok(r):
    assert r.exit_code == 0, r.stderr
    return r


@pytest.fixture
def monday(dept, cli, monkeypatch):
    """Monday 30 November 2026 (W49, due at its end), 15:00: the head (张伟) and 王强 have sent
    their Monday plans, 李娜 and 陈静 have not; 李娜 sent November's summary (due Friday the
    27th), nobody else did; the November cycle is open and 张伟 has rated 李娜."""
    _at(monkeypatch, "2026-11-26T10:00")
    _ok(
        cli("plan", "submit", "--as", "李娜", "--month", "2026-11", "--summary", "s", "--plan", "p")
    )
    _at(monkeypatch, "2026-11-30T09:00")
    for name in ("王强", "张伟"):
        _ok(cli("plan", "submit", "--as", name, "--summary", "s", "--plan", "p"))
    _ok(cli("cycle", "open", "2026-11", "--as", "张伟"))
    _ok(
        cli(
            "appraise",
            "李娜",
            "-c",
            "2026-11",
            "--as",
            "张伟",
            "-l",
            "analysis=B",
            "-l",
            "execution=A",
            "-s",
            "expertise=80",
            "-s",
            "communication=88",
            "-s",
            "collaboration=90",
        )
    )
    _at(monkeypatch, "2026-11-30T15:00")
    return dept


def test_the_head_names_both_members_missing_by_monday_afternoon(monday, cli):
    d = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert d["view"] == "team" and d["week"] == "2026-W49"
    assert [(p["name"], p["position"]) for p in d["plans_missing"]] == [
        ("李娜", "copywriter"),
        ("陈静", "clerk"),
    ]
    assert d["monday_plan_status"] == "on_time"  # her own is in: not a to-do
    assert d["monday_plan_counts"]["open"] == 2 and d["monday_plan_counts"]["on_time"] == 2
    text = _ok(cli("today", "--as", "张伟")).stdout
    line = next(s for s in text.splitlines() if "Monday plans not in 2026-W49" in s)
    assert "李娜 (Copywriter)" in line and "陈静 (Clerk)" in line
    assert "王强" not in line and "张伟" not in line
    # once 李娜 sends hers, only 陈静 is named
    _ok(cli("plan", "submit", "--as", "李娜", "--summary", "s", "--plan", "p"))
    d = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert [p["name"] for p in d["plans_missing"]] == ["陈静"]


def test_a_member_sees_only_their_own_items(monday, cli):
    d = _ok(cli("today", "--as", "李娜", "--json")).json()
    assert d["view"] == "own"
    assert d["plans_missing"] == [] and d["summaries_missing"] == []
    assert d["ratings_owed"] == [] and d["overdue_by_person"] == []
    assert d["monday_plan_status"] == "open"
    assert d["monday_plan_counts"] == {
        "on_time": 0,
        "late": 0,
        "missing": 0,
        "open": 1,
        "on_leave": 0,
        "not_expected": 0,
    }
    assert d["due_soon"] == []  # the goal tasks are the manager's
    text = _ok(cli("today", "--as", "李娜")).stdout
    assert "This week's Monday plan 2026-W49: not in yet" in text
    assert "陈静" not in text
    # sent: shown as in, not as a to-do
    _ok(cli("plan", "submit", "--as", "李娜", "--summary", "s", "--plan", "p"))
    text = _ok(cli("today", "--as", "李娜")).stdout
    assert "This week's Monday plan 2026-W49: in" in text
    assert "Nothing needs doing now." in text


def test_a_sent_month_summary_is_no_longer_due(monday, cli, monkeypatch):
    # 李娜 sent hers on the 26th: in, never "due"
    d = _ok(cli("today", "--as", "李娜", "--json")).json()
    assert (d["month"], d["month_end_near"], d["month_end_status"]) == ("2026-11", True, "on_time")
    text = _ok(cli("today", "--as", "李娜")).stdout
    assert "This month's summary 2026-11: in" in text
    assert "Month-end summary due" not in text
    # the head's was due on Friday and is not in: a to-do for her; the team's missing named
    d = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert d["month_end_status"] == "missing"
    assert [p["name"] for p in d["summaries_missing"]] == ["张伟", "王强", "陈静"]
    text = _ok(cli("today", "--as", "张伟")).stdout
    # its deadline has passed: missing, not a to-do that can wait
    assert "Month-end summary missing, it was due 2026-11-27 23:59" in text
    assert "Month-end summary due" not in text
    _ok(
        cli("plan", "submit", "--as", "张伟", "--month", "2026-11", "--summary", "s", "--plan", "p")
    )
    d = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert d["month_end_status"] == "late"
    assert [p["name"] for p in d["summaries_missing"]] == ["王强", "陈静"]
    text = _ok(cli("today", "--as", "张伟")).stdout
    assert "Month-end summary due" not in text and "This month's summary 2026-11: in" in text
    # far from month-end: nobody is named for it
    _at(monkeypatch, "2026-12-07T10:00")
    d = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert (d["month"], d["month_end_near"], d["summaries_missing"]) == ("2026-12", False, [])


def test_ratings_owed_by_rater(monday, cli):
    head = _ok(cli("today", "--as", "张伟", "--json")).json()
    owed = {r["name"]: (r["position"], r["to_rate"]) for r in head["ratings_owed"]}
    # 张伟 rated 李娜 already; the general manager rates everyone in the cycle
    assert owed == {
        "张伟": ("manager", ["陈静"]),
        "赵海": ("general_manager", ["张伟", "李娜", "王强", "陈静"]),
    }
    assert head["to_rate"] == ["陈静"]
    gm = _ok(cli("today", "--as", "赵海", "--json")).json()
    assert gm["view"] == "team" and gm["to_rate"] == ["张伟", "李娜", "王强", "陈静"]
    assert gm["department_summary_status"] is None and gm["monday_plan_status"] is None
    text = _ok(cli("today", "--as", "张伟")).stdout
    assert "张伟 (E-commerce Department Manager): 陈静" in text
    assert "赵海 (General Manager): 张伟, 李娜, 王强, 陈静" in text
    _ok(
        cli(
            "appraise",
            "陈静",
            "-c",
            "2026-11",
            "--as",
            "张伟",
            "-l",
            "analysis=B",
            "-l",
            "execution=A",
            "-s",
            "expertise=80",
            "-s",
            "communication=88",
            "-s",
            "collaboration=90",
        )
    )
    head = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert [r["name"] for r in head["ratings_owed"]] == ["赵海"] and head["to_rate"] == []


def _titles(tasks):
    return [t["title"] for t in tasks]


def test_tasks_due_in_the_next_three_working_days(dept, cli, monkeypatch):
    """Eve of National Day 2026 (1–7 October off, Saturday the 10th worked): the next three
    working days are 30 September, 8 and 9 October."""
    _at(monkeypatch, "2026-09-30T10:00")
    for title, due in [
        ("国庆海报", "2026-10-05"),
        ("节后复盘", "2026-10-09"),
        ("周六补班", "2026-10-10"),
        ("周一例会", "2026-10-12"),
        ("周二总结", "2026-10-13"),
    ]:
        _ok(cli("tasks", "add", title, "--owner", "李娜", "--due", due, "--as", "张伟"))
    mine = _ok(cli("today", "--as", "李娜", "--json")).json()
    assert mine["due_soon_until"] == "2026-10-09"
    assert _titles(mine["due_soon"]) == ["国庆海报", "节后复盘"]
    text = _ok(cli("today", "--as", "李娜")).stdout
    assert "Due in the next three working days (to 2026-10-09)" in text
    assert "周六补班" not in text
    # on Friday the 9th: the adjusted working Saturday counts, Sunday does not
    _at(monkeypatch, "2026-10-09T10:00")
    mine = _ok(cli("today", "--as", "李娜", "--json")).json()
    assert mine["due_soon_until"] == "2026-10-12"
    assert _titles(mine["due_soon"]) == ["节后复盘", "周六补班", "周一例会"]
    assert _titles(mine["overdue"]) == ["国庆海报"] and mine["overdue"][0]["days_overdue"] == 4
    # the head: the team's, the overdue by person
    head = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert {"节后复盘", "周六补班", "周一例会"} <= set(_titles(head["due_soon"]))
    assert "周二总结" not in _titles(head["due_soon"])
    groups = {g["name"]: _titles(g["tasks"]) for g in head["overdue_by_person"]}
    assert groups["李娜"] == ["国庆海报"]
    text = _ok(cli("today", "--as", "张伟")).stdout
    assert "Overdue tasks, by person" in text and "李娜 (Copywriter):" in text
    # done: gone
    task = next(t["id"] for t in mine["overdue"])
    _ok(cli("tasks", "done", str(task), "--as", "李娜"))
    mine = _ok(cli("today", "--as", "李娜", "--json")).json()
    assert mine["overdue"] == []
    head = _ok(cli("today", "--as", "张伟", "--json")).json()
    assert "李娜" not in {g["name"] for g in head["overdue_by_person"]}
    # an overdue task of someone who has left: under "no active owner", by position
    _at(monkeypatch, "2026-10-09T09:00")
    _ok(cli("tasks", "add", "交接清单", "--owner", "陈静", "--due", "2026-10-09", "--as", "张伟"))
    _ok(cli("staff", "deactivate", "陈静", "--as", "张伟"))
    _at(monkeypatch, "2026-10-12T10:00")
    head = _ok(cli("today", "--as", "张伟", "--json")).json()
    left = [g for g in head["overdue_by_person"] if g["name"] is None]
    assert [(g["position"], _titles(g["tasks"])) for g in left] == [("clerk", ["交接清单"])]
    assert "— (no active owner) (Clerk):" in _ok(cli("today", "--as", "张伟")).stdout
    everyone = _ok(cli("today", "--json")).json()  # the keeper, acting as nobody: the team
    assert everyone["view"] == "team" and everyone["person"] is None
    assert "交接清单" in _titles(everyone["overdue"])


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_the_head_dashboard_in_chinese(monday, cli, lang):
    text = _ok(cli("today", "--as", "张伟", "--lang", lang)).stdout
    L = labels(lang)
    for key in (
        "today",
        "plans_missing",
        "summaries_missing",
        "ratings_owed",
        "to_rate",
        "cycle_progress",
        "due_soon",
    ):
        assert L[key] in text, key
    copywriter, clerk = ("文案", "文员") if lang == "zh-hans" else ("文案", "文員")
    assert f"李娜 ({copywriter})" in text and f"陈静 ({clerk})" in text
    # no English label, no position id: the only Latin letter is the W of the week's id
    assert re.findall(r"[A-Za-z]{2,}", text) == []
    assert not any(v in text for v in EN.values() if len(v) > 3)
    if lang == "zh":
        assert "尚未提交週一計劃" in text  # the manual's (traditional) characters


def test_a_plan_whose_deadline_passed_reads_missing_not_due(monday, cli, monkeypatch):
    """The day after W49's deadline: 陈静's plan is missing (red), not "not in yet"."""
    _at(monkeypatch, "2026-12-01T10:00")
    d = _ok(cli("today", "--as", "陈静", "--json")).json()
    assert (d["week"], d["monday_plan_status"]) == ("2026-W49", "missing")
    text = _ok(cli("today", "--as", "陈静")).stdout
    assert "This week's Monday plan 2026-W49: missing: the deadline has passed" in text
    assert "not in yet" not in text
    zh = _ok(cli("today", "--as", "陈静", "--lang", "zh-hans")).stdout
    assert "未提交，已过截止时间" in zh
