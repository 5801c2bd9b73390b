"""The roster's pure rules, table-driven: company mail (§3.2 rule 3), position matching, the
handbook's reporting lines, reporting cycles, insertion order, what changed."""

from __future__ import annotations

from datetime import date

import pytest

from ecomops.core.roster import (
    Labelled,
    PositionMatch,
    changed,
    depths,
    listed,
    mail_allowed,
    manager_fits,
    match_position,
    reporting_cycles,
)

DEC1 = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("address", "domain", "since", "today", "allowed"),
    [
        ("li@example.cn", "example.cn", DEC1, date(2026, 12, 1), True),
        ("li@gmail.com", "example.cn", DEC1, date(2026, 11, 30), True),  # not yet
        ("li@gmail.com", "example.cn", DEC1, date(2026, 12, 1), False),  # from that day
        ("LI@EXAMPLE.CN", "example.cn", DEC1, date(2027, 1, 1), True),  # case does not matter
        ("li@example.cn.", "Example.CN", DEC1, date(2027, 1, 1), True),  # a trailing dot
        ("li@example.cn", "@example.cn", DEC1, date(2027, 1, 1), True),  # "@domain" typed
        ("li@mail.example.cn", "example.cn", DEC1, date(2027, 1, 1), False),  # a subdomain
        ("li@example.cn.evil.com", "example.cn", DEC1, date(2027, 1, 1), False),
        ("li@notexample.cn", "example.cn", DEC1, date(2027, 1, 1), False),
        ("a@b@example.cn", "example.cn", DEC1, date(2027, 1, 1), True),  # the last @ counts
        ("no-at-sign", "example.cn", DEC1, date(2027, 1, 1), False),
        (None, "example.cn", DEC1, date(2027, 1, 1), True),  # no address breaks no rule
        ("", "example.cn", DEC1, date(2027, 1, 1), True),
        ("li@gmail.com", None, DEC1, date(2027, 1, 1), True),  # no company mail yet
        ("li@gmail.com", "example.cn", None, date(1900, 1, 1), False),  # no date: always
    ],
)
def test_mail_allowed(address, domain, since, today, allowed):
    assert mail_allowed(address, domain, since, today) is allowed


POSITIONS = (
    Labelled("general_manager", (("general_manager", "general_manager"),
                                 ("总经理", "總經理"), ("general manager", "General Manager"))),
    Labelled("manager", (("manager", "manager"), ("电商部经理", "電商部經理"),
                         ("部门经理", "部門經理"), ("经理", "經理"))),
    Labelled("supervisor", (("supervisor", "supervisor"), ("主管", "主管"),
                            ("电商部主管", "電商部主管"))),
    Labelled("planning_supervisor", (("planning_supervisor", "planning_supervisor"),
                                     ("策划主管", "策劃主管"))),
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("经理", PositionMatch("manager")),  # exact (an alias) wins over 总经理 holding it
        ("manager", PositionMatch("manager")),
        ("主管", PositionMatch("supervisor")),  # exact, though 策划主管 holds it too
        ("经", PositionMatch(None, (("general_manager", "總經理"), ("manager", "經理")))),
        ("manag", PositionMatch(None, (("general_manager", "general_manager"),
                                       ("manager", "manager")))),
        ("策划", PositionMatch(None, (("planning_supervisor", "策劃主管"),))),
        ("ceo", PositionMatch(None, ())),
        ("", PositionMatch(None, ())),
    ],
)
def test_match_position(typed, expected):
    assert match_position(typed, POSITIONS) == expected


REPORTS_TO = {"general_manager": None, "manager": "general_manager",
              "supervisor": "general_manager", "copywriter": "manager", "clerk": "manager"}


@pytest.mark.parametrize(
    ("position", "manager_position", "fits"),
    [
        ("copywriter", "manager", True),
        ("copywriter", "supervisor", False),  # not the superior the handbook names
        ("copywriter", "general_manager", False),  # nor one above that
        ("manager", "general_manager", True),
        ("general_manager", "manager", False),  # the top reports to nobody
        ("copywriter", None, True),  # no manager: fits (the roster flags it)
        ("unknown", "manager", False),
    ],
)
def test_manager_fits(position, manager_position, fits):
    assert manager_fits(position, manager_position, REPORTS_TO) is fits


@pytest.mark.parametrize(
    ("manager_of", "cycles"),
    [
        ({"a": None, "b": "a", "c": "b"}, []),
        ({"a": "a"}, [["a"]]),
        ({"a": "b", "b": "a", "c": "a"}, [["a", "b"]]),
        ({"c": "a", "a": "b", "b": "c", "d": "c"}, [["c", "a", "b"]]),
        ({"a": "b", "b": "a", "x": "y", "y": "x"}, [["a", "b"], ["x", "y"]]),
        ({"a": "nobody"}, []),  # a manager not in the map ends the walk
    ],
)
def test_reporting_cycles(manager_of, cycles):
    assert reporting_cycles(manager_of) == cycles


def test_reporting_cycles_walks_a_long_chain_once():
    chain = {i: i - 1 if i else None for i in range(200_000)}
    assert reporting_cycles(chain) == []
    chain[0] = 199_999
    assert len(reporting_cycles(chain)[0]) == 200_000


@pytest.mark.parametrize(
    ("manager_of", "among", "expected"),
    [
        ({"a": None, "b": "a", "c": "b"}, {"a", "b", "c"}, {"a": 0, "b": 1, "c": 2}),
        ({"c": "b", "b": "a", "a": "x"}, {"b", "c"}, {"b": 0, "c": 1}),  # a is already there
        ({"a": None, "b": None}, {"a", "b"}, {"a": 0, "b": 0}),
    ],
)
def test_depths_put_managers_first(manager_of, among, expected):
    assert depths(manager_of, among) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"position": "copywriter", "email": None}, {"position": "clerk", "email": None},
         [("position", "copywriter", "clerk")]),
        ({"email": "a@x.cn"}, {"email": "A@x.cn"}, [("email", "a@x.cn", "A@x.cn")]),
        ({"email": "a@x.cn"}, {"email": "a@x.cn"}, []),
        ({"manager": "1"}, {"manager": None}, [("manager", "1", None)]),
    ],
)
def test_changed(old, new, expected):
    assert changed(old, new) == expected


@pytest.mark.parametrize(("items", "text"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"),
                                            (["a", "b", "c"], "a, b and c")])
def test_listed(items, text):
    assert listed(items) == text
