"""Days, months and ISO weeks typed as people type them, through the commands (issue 20, item
4): a value without its year is the nearest one to the database's today — ``ECOMOPS_NOW`` on a
simulated-clock database, pinned in every test, so that they pass on any machine date."""

from __future__ import annotations

import pytest


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-30T09:00")

    def build():
        for name, pos in [("张伟", "manager"), ("李娜", "copywriter")]:
            assert cli("staff", "add", name, "-p", pos, "--joined", "2026-11-02").exit_code == 0

    prepared(build)
    return db


def ok(r):
    assert r.exit_code == 0, r.stderr
    return r.json()


def error(r) -> str:
    assert r.exit_code == 1, r.stdout
    lines = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, r.stderr
    return lines[0]


# --- --week --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "typed", "period"),
    [
        ("2026-12-30T09:00", "W53", "2026-W53"),
        ("2026-12-30T09:00", "2026-W53", "2026-W53"),
        ("2026-12-30T09:00", "第53周", "2026-W53"),
        ("2027-01-02T09:00", "W53", "2026-W53"),  # 2 January 2027 is in 2026-W53
        ("2026-12-30T09:00", "W1", "2027-W01"),
        ("2026-12-30T09:00", "第1周", "2027-W01"),
        ("2027-01-02T09:00", "2027年第1週", "2027-W01"),
        ("2027-01-02T09:00", "w52", "2026-W52"),
    ],
)
def test_plan_status_takes_a_week_as_typed(dept, cli, monkeypatch, now, typed, period):
    monkeypatch.setenv("ECOMOPS_NOW", now)
    assert ok(cli("plan", "status", "--week", typed, "--json"))["period"] == period


def test_week_53_is_due_on_its_monday(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-31T09:00")
    out = ok(cli("plan", "status", "--week", "W53", "--json"))
    assert (out["period"], out["due_at"]) == ("2026-W53", "2026-12-28T23:59:59+08:00")


def test_a_plan_for_a_week_typed_in_chinese(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-30T09:00")
    out = ok(cli("plan", "submit", "--as", "李娜", "--week", "第49周", "--summary", "s",
                 "--plan", "p", "--json"))
    assert (out["period"], out["status"]) == ("2026-W49", "late")
    for typed in ("2026年第49周", "W49", "49周", "２０２６－Ｗ４９"):
        assert ok(cli("plan", "show", "李娜", "--week", typed, "--json"))["period"] == "2026-W49"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2027-W53", "error: '2027-W53' is not an ISO week (2027 has weeks 1 to 52); write it like"),
        ("W54", "'W54' is not an ISO week (a year has weeks 1 to 52, some 1 to 53)"),
        ("2026-49", "for the nearest week 49 (--week)"),
    ],
)
def test_a_week_that_does_not_exist_is_refused(dept, cli, typed, message):
    assert message in error(cli("plan", "status", "--week", typed))


def test_week_53_far_from_a_year_with_one_is_refused_with_an_example(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2028-06-15T09:00")
    assert error(cli("plan", "status", "--week", "W53")) == (
        "error: 'W53' is not an ISO week near 2028-06-15 (2027, 2028 and 2029 have weeks 1 to 52); "
        "give the year of a week 53, e.g. 2026-W53 (--week)")


# --- --month -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "typed", "month"),
    [
        ("2026-12-30T09:00", "2026年12月", "2026-12"),
        ("2026-12-30T09:00", "2026年11月份", "2026-11"),
        ("2026-12-30T09:00", "2026/10", "2026-10"),
        ("2026-12-30T09:00", "1月", "2027-01"),
        ("2026-12-30T09:00", "11月", "2026-11"),
        ("2027-01-02T09:00", "12月份", "2026-12"),
        ("2027-01-02T09:00", "１２月", "2026-12"),
    ],
)
def test_calendar_takes_a_month_as_typed(dept, cli, monkeypatch, now, typed, month):
    monkeypatch.setenv("ECOMOPS_NOW", now)
    assert ok(cli("calendar", "--month", typed, "--json"))["month"] == month


def test_the_month_end_summary_and_the_goals_of_last_december(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-02T09:00")
    out = ok(cli("plan", "submit", "--as", "李娜", "--month", "12月份", "--summary", "s",
                 "--plan", "p", "--json"))
    assert out["period"] == "2026-12"
    goals = ok(cli("goals", "list", "--month", "12月", "--json"))
    assert goals and {g["month"] for g in goals} == {"2026-12"}


def test_a_month_that_does_not_exist_is_refused(dept, cli):
    assert error(cli("calendar", "--month", "13月")) == (
        "error: '13月' is not a month; write it as YYYY-MM with a month from 01 to 12, "
        "e.g. 2026-11, or as 11月 (--month)")


# --- days: --due, --from/--to, --joined, --left ------------------------------------------------


def test_a_due_date_without_its_year_is_the_nearest(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-31T09:00")
    task = ok(cli("tasks", "add", "元旦活动海报", "--owner", "李娜", "--due", "1月8日",
                  "--as", "张伟", "--json"))
    assert task["due"] == "2027-01-08"
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-02T09:00")
    moved = ok(cli("tasks", "due", str(task["id"]), "1/15", "--as", "张伟", "--json"))
    assert moved["due"] == "2027-01-15"
    late = cli("tasks", "due", str(task["id"]), "12月31日", "--as", "张伟")
    assert "before today" in error(late)  # 2026-12-31, the nearest: --past needed


def test_29_february_without_a_year_far_from_a_leap_year_is_refused(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-31T09:00")
    r = cli("tasks", "add", "t", "--owner", "李娜", "--due", "2月29日", "--as", "张伟")
    assert error(r) == (
        "error: --due '2月29日' has no year, and none of 2025, 2026 and 2027 has a 29 February; "
        "give the year, e.g. 2028-02-29")
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-02T09:00")
    r = cli("tasks", "add", "t", "--owner", "李娜", "--due", "2月29日", "--as", "张伟", "--json")
    assert ok(r)["due"] == "2028-02-29"


def test_leave_from_and_to_across_the_new_year(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-30T09:00")
    out = ok(cli("leave", "request", "--as", "李娜", "--from", "1月5日", "--to", "1/6",
                 "--reason", "体检", "--json"))
    assert (out["start"], out["end"]) == ("2027-01-05", "2027-01-06")
    assert [x["start"] for x in ok(cli("leave", "list", "--month", "1月", "--json"))] == [
        "2027-01-05"]
    assert ok(cli("leave", "list", "--month", "2026年12月", "--json")) == []


def test_joined_and_left_without_the_year(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-02T09:00")
    added = ok(cli("staff", "add", "王强", "-p", "supervisor", "--joined", "12月1日", "--json"))
    assert added["joined"] == "2026-12-01"
    gone = ok(cli("staff", "deactivate", "王强", "--left", "１２月３１日", "--json"))
    assert gone["left"] == "2026-12-31"
