"""What a backup may bring in, table-driven: each row on its own (kinds, lengths, years, names,
logins, scores, statuses, order of dates), the roster whole (one holder of a limited position,
no reporting loop, a name and a login once), and the list of problems a refusal shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ecomops.core.backup import (
    ColumnRule,
    Findings,
    Member,
    Rules,
    column_problem,
    limited_positions,
    login_problem,
    roster_problems,
    row_label,
    row_problem,
)
from ecomops.services.dbtools import column_rules

RULES = Rules(column_rules())
AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 27)

#: a row each command could have written, by table (the columns left out: empty)
GOOD = {
    "staff": {"id": 2, "name": "张伟", "name_key": "张伟", "position_id": "manager",
              "manager_id": 1, "active": True, "created_at": AT, "joined_on": DAY},
    "sheet": {"id": 1, "cycle_id": "2026-11", "employee_id": 5, "rater_id": 2,
              "rater_position_id": "manager", "version": 1, "is_current": True,
              "created_at": AT},
    "sheet_score": {"sheet_id": 1, "criterion_id": "analysis", "rubric_id": "copywriter",
                    "score": Decimal("85.50"), "level": "B"},
    "calibration": {"id": 1, "cycle_id": "2026-11", "employee_id": 5, "computed_grade": "B",
                    "grade_before": "B", "grade_after": "A", "reason": "项目", "by_id": 1,
                    "at": AT},
    "cycle": {"id": "2026-11", "kind_id": "monthly", "status": "open", "opened_at": AT},
    "plan": {"id": 1, "staff_id": 5, "kind": "week", "period": "2026-W48", "version": 1,
             "is_current": True, "summary": "s", "plan": "p", "submitted_at": AT, "due_at": AT},
    "leave": {"id": 1, "staff_id": 5, "kind": "leave", "start": DAY, "end": DAY,
              "reason": "体检", "special": False, "created_at": AT, "status": "pending"},
    "handover": {"id": 1, "staff_id": 5, "cover_id": 6, "start_at": AT, "end_at": AT,
                 "place": "现场", "matter": "拍摄", "created_at": AT},
    "visitor": {"id": 1, "name": "刘先生", "approved_by_id": 2, "escort_id": 5,
                "arrived_at": AT, "left_at": AT},
    "task": {"id": 1, "source": "manual", "title_zh": "海报", "title_en": "poster", "due": DAY,
             "status": "open", "owner_by_hand": False, "due_by_hand": False, "created_at": AT},
    "calendar_year": {"year": 2027, "kind": "notice", "source": "n.txt", "sha256": "0" * 64,
                      "loaded_at": AT, "loaded_by": "赵海"},
    "calendar_day": {"day": date(2027, 2, 6), "year": 2027, "kind": "off", "name": "春节"},
    "audit": {"id": 1, "at": AT, "actor": "root", "command": "db restore",
              "details": {"any": ["json", 1]}},
}


def row(table: str, **changes):
    return {**GOOD[table], **changes}


@pytest.mark.parametrize("table", sorted(GOOD))
def test_a_row_a_command_writes_passes(table):
    assert row_problem(table, row(table), RULES) is None


@pytest.mark.parametrize(
    ("table", "changes", "problem"),
    [
        # every column: its kind, whether it may be empty, its length, its years
        ("staff", {"bogus": 1}, "there is no column 'bogus'"),
        ("staff", {"name": None}, "no name"),
        ("staff", {"manager_id": "abc"}, "manager_id 'abc' is not a whole number"),
        ("staff", {"active": 5}, "active '5' is not true or false"),
        ("staff", {"manager_id": True}, "manager_id 'True' is not a whole number"),
        ("staff", {"joined_on": AT}, "is not a date"),
        ("staff", {"created_at": DAY}, "created_at '2026-11-27' is not a time"),
        ("staff", {"joined_on": date(1899, 12, 31)}, "joined_on 1899-12-31 is outside the years"),
        ("staff", {"name": "张" * 100_000}, "is 100,000 characters long; the most is 100"),
        ("task", {"note": "a\x00b"}, "note 'a\\x00b' holds a NUL character"),
        ("sheet_score", {"score": 50.0}, "score '50.0' is not a number"),
        # the roster's rules for a name and a login
        ("staff", {"name": " 张伟", "name_key": "张伟"}, "is not trimmed to single spaces"),
        ("staff", {"name": "张  伟", "name_key": "张 伟"}, "is not trimmed to single spaces"),
        ("staff", {"name": "", "name_key": ""}, "a name is empty"),
        ("staff", {"name": "张\u200b伟", "name_key": "张\u200b伟"}, "U+200B ZERO WIDTH SPACE"),
        ("staff", {"name_key": "李娜"}, "the name key '李娜' is not the name '张伟''s"),
        ("staff", {"name": "張偉", "name_key": "张伟"}, None),  # traditional, keyed simplified
        ("staff", {"login": "zhangwei"}, None),
        ("staff", {"login": "root"}, "the login 'root' is the system's own"),
        ("staff", {"login": "postgres"}, "the login 'postgres' is the system's own"),
        ("staff", {"login": "a b"}, "'a b' is not a login name"),
        ("staff", {"login": " zw"}, "is not a login name (blank, or spaces around it)"),
        ("staff", {"login": ""}, "is not a login name (blank, or spaces around it)"),
        ("staff", {"left_on": date(2026, 11, 1)}, "left on 2026-11-01, before joining on"),
        # scores 0–100, nobody rates or calibrates themselves
        ("sheet_score", {"score": Decimal("-500")}, "score -500 is outside 0–100"),
        ("sheet_score", {"score": Decimal("100.01")}, "score 100.01 is outside 0–100"),
        ("sheet_score", {"score": Decimal("100")}, None),
        ("sheet_score", {"score": Decimal("0")}, None),
        ("sheet_score", {"score": Decimal("NaN")}, "score NaN is outside 0–100"),
        ("sheet_score", {"score": Decimal("Infinity")}, "score Infinity is outside 0–100"),
        ("sheet", {"rater_id": 5}, "staff id 5 rates themselves"),
        ("sheet", {"entered_by_id": 5}, "staff id 5 entered a sheet about themselves"),
        ("sheet", {"entered_by_id": 1}, None),
        ("sheet", {"version": 0}, "version 0 is below 1"),
        ("calibration", {"by_id": 5}, "staff id 5 calibrated their own grade"),
        # statuses and kinds the commands write
        ("cycle", {"status": "paused"}, "status 'paused' is not one of closed, open"),
        ("cycle", {"status": "closed"}, None),
        ("cycle", {"id": "2026-13"}, "'2026-13' is not a cycle id"),
        ("cycle", {"id": "2026-Q4"}, "'2026-Q4' is not how a monthly cycle is named"),
        ("cycle", {"id": "2026-Q4", "kind_id": "quarterly"}, None),
        ("plan", {"kind": "year"}, "kind 'year' is not one of dept, month, week"),
        ("plan", {"version": -1}, "version -1 is below 1"),
        ("leave", {"status": "maybe"}, "status 'maybe' is not one of approved, declined, pending"),
        ("leave", {"kind": "sick"}, "kind 'sick' is not one of leave, swap"),
        ("leave", {"end": date(2026, 11, 26)}, "it ends on 2026-11-26, before it starts on"),
        ("task", {"status": "weird"}, "status 'weird' is not one of cancelled, doing, done, open"),
        ("task", {"status": "cancelled"}, None),
        ("task", {"source": "email"}, "source 'email' is not one of"),
        ("handover", {"cover_id": 5}, "staff id 5 hands over to themselves"),
        ("handover", {"end_at": datetime(2026, 11, 27, 1, 0, tzinfo=UTC)},
         "it ends at 2026-11-27T01:00:00+00:00, before it starts at"),
        ("visitor", {"left_at": datetime(2026, 11, 26, tzinfo=UTC)}, "they left at 2026-11-26"),
        ("visitor", {"left_at": None}, None),  # still here
        ("calendar_year", {"kind": "pdf"}, "kind 'pdf' is not one of csv, ics, notice, yaml"),
        ("calendar_day", {"kind": "hol"}, "kind 'hol' is not one of off, work"),
        ("calendar_day", {"year": 2026}, "day 2027-02-06 is not in the year 2026"),
    ],
)
def test_a_row_no_command_writes_is_refused(table, changes, problem):
    found = row_problem(table, row(table, **changes), RULES)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found, found


def test_a_table_that_is_not_ours():
    assert row_problem("invoices", {"id": 1}, RULES) == "there is no table 'invoices'"


def test_the_logins_nobody_holds_are_the_callers_to_say():
    rules = Rules(RULES.columns, frozenset({"root", "postgres", "dba"}))
    assert "the system's own" in (row_problem("staff", row("staff", login="dba"), rules) or "")
    # a role's name is case-sensitive: "Root" is not root
    assert login_problem("Root") is None and login_problem("root") is not None


@pytest.mark.parametrize(
    ("value", "rule", "problem"),
    [
        (None, ColumnRule((int,), nullable=True), None),
        (None, ColumnRule((int,), nullable=False), "no x"),
        ({"a": 1}, ColumnRule((), nullable=False), None),  # a JSON document: anything
        ("abc", ColumnRule((str,), nullable=False, limit=3), None),
        ("abcd", ColumnRule((str,), nullable=False, limit=3), "is 4 characters long"),
        (date(3000, 1, 1), ColumnRule((date,), nullable=False), "3000-01-01 is outside"),
        (datetime(2999, 12, 31, tzinfo=UTC), ColumnRule((datetime,), nullable=False), None),
    ],
)
def test_column_problem(value, rule, problem):
    found = column_problem("x", value, rule)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_row_label_names_the_key():
    assert row_label("staff", {"id": 7}, ["id"]) == "staff id 7"
    assert row_label("sheet_score", {"sheet_id": 3, "criterion_id": "analysis"},
                     ["sheet_id", "criterion_id"]) == "sheet_score sheet_id 3, criterion_id 'analysis'"


# --- the roster whole ---------------------------------------------------------------------------

LIMITED = {"general_manager": "a position at the top", "manager": "the department head"}


def roster(*people: tuple[int, str, str, int | None]) -> list[Member]:
    """(id, name, position, manager id), active, no login."""
    return [Member(i, n, n, p, boss, True) for i, n, p, boss in people]


BASE = [(1, "赵海", "general_manager", None), (2, "张伟", "manager", 1),
        (5, "李娜", "copywriter", 2), (6, "陈静", "clerk", 2)]


@pytest.mark.parametrize(
    ("people", "problems"),
    [
        (BASE, []),
        # a second general manager, a second department head: named at the second
        (BASE + [(7, "孙悦", "general_manager", None)],
         [(7, "'孙悦' would be a second general_manager (a position at the top) beside '赵海'")]),
        (BASE + [(7, "周敏", "manager", 1)],
         [(7, "'周敏' would be a second manager (the department head) beside '张伟'")]),
        # a reporting loop, named at its lowest id, whichever way round it is found
        ([(1, "赵海", "general_manager", None), (2, "张伟", "manager", 5),
          (5, "李娜", "copywriter", 2)],
         [(2, "a reporting cycle: '张伟' → '李娜' → '张伟'")]),
        ([(1, "赵海", "general_manager", 6), (6, "陈静", "clerk", 2), (2, "张伟", "manager", 1)],
         [(1, "a reporting cycle: '赵海' → '陈静' → '张伟' → '赵海'")]),
        ([(1, "赵海", "general_manager", 1)], [(1, "a reporting cycle: '赵海' → '赵海'")]),
        # a manager who is not on the roster
        ([(1, "赵海", "general_manager", None), (2, "张伟", "manager", 9)],
         [(2, "'张伟''s manager, staff id 9, is not on the roster")]),
    ],
)
def test_roster_problems(people, problems):
    assert roster_problems(roster(*people), LIMITED) == problems


def test_only_active_holders_count_and_names_and_logins_are_held_once():
    people = roster(*BASE) + [Member(7, "孙悦", "孙悦", "general_manager", None, False)]
    assert roster_problems(people, LIMITED) == []  # left: not a second general manager
    twice = [Member(1, "赵海", "赵海", "general_manager", None, True, "zhaohai"),
             Member(2, "張偉", "张伟", "manager", 1, True, "zw"),
             Member(3, "张伟", "张伟", "clerk", 2, True, "zhaohai")]
    assert roster_problems(twice, LIMITED) == [
        (3, "the name of '张伟' is also '張偉''s (staff id 2)"),
        (3, "the login of '张伟' is also '赵海''s (staff id 1)"),
    ]
    assert roster_problems(roster(*BASE, (7, "孙悦", "general_manager", None)), {}) == []


def test_limited_positions_are_the_top_and_the_head():
    positions = [("general_manager", None, False), ("manager", "general_manager", True),
                 ("copywriter", "manager", False), ("chairman", None, False)]
    assert limited_positions(positions) == {
        "general_manager": "a position at the top",
        "manager": "the department head",
        "chairman": "a position at the top",
    }


def test_findings_list_the_first_and_count_the_rest():
    found = Findings(most=3)
    assert not found and found.lines() == []
    for i in range(1, 6):
        found.add(f"task id {i}", "status 'x' is not one of …")
    assert found and found.count == 5
    assert found.lines() == [
        "task id 1: status 'x' is not one of …",
        "task id 2: status 'x' is not one of …",
        "task id 3: status 'x' is not one of …",
        "and 2 more",
    ]
