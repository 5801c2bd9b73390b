"""What waits on someone (issue 23, items 4 and 6), as pure rules: who decides, a Monday on
leave, the department summary, leave exceptions, handovers, personal addresses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecomops.core.duties import deciders
from ecomops.core.plans import away_on, excused
from ecomops.core.remind import (
    _T,
    EMAIL,
    Deadline,
    HandoverItem,
    LeaveItem,
    Reminder,
    Situation,
    Who,
    address_reminders,
    waiting_reminders,
)

TZ = ZoneInfo("Asia/Shanghai")
GM = Who(9, "总经理甲", "gm@huhao.example")
HEAD = Who(1, "张伟", "zw@huhao.example")
LINA = Who(2, "李娜", "ln@huhao.example")
HOME = Who(3, "王强", None, withheld="wq@163.example")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def working(d: date) -> bool:
    return d.weekday() < 5


@pytest.mark.parametrize(
    ("requester", "ranks", "expected"),
    [
        (2, [[1], [9]], [1]),  # a member's: the head
        (1, [[1], [9]], [9]),  # the head's own: the general manager
        (1, [[1, 4], [9]], [4]),  # a second head decides the first's
        (9, [[1], [9]], [1]),
        (1, [[1], []], []),  # nobody else may: nobody
        (2, [[], [9, 8]], [8, 9]),  # no head on the roster: the rank above
    ],
)
def test_deciders(requester, ranks, expected):
    assert deciders(requester, ranks) == expected


@pytest.mark.parametrize(
    ("status", "kind", "day", "spans", "expected"),
    [
        (
            "missing",
            "week",
            date(2026, 11, 30),
            [(date(2026, 11, 30), date(2026, 11, 30))],
            "on_leave",
        ),
        ("open", "week", date(2026, 11, 30), [(date(2026, 11, 27), date(2026, 12, 2))], "on_leave"),
        (
            "missing",
            "dept",
            date(2026, 11, 30),
            [(date(2026, 11, 30), date(2026, 11, 30))],
            "on_leave",
        ),
        (
            "on_time",
            "week",
            date(2026, 11, 30),
            [(date(2026, 11, 30), date(2026, 11, 30))],
            "on_time",
        ),
        ("late", "week", date(2026, 11, 30), [(date(2026, 11, 30), date(2026, 11, 30))], "late"),
        (
            "not_expected",
            "week",
            date(2026, 11, 30),
            [(date(2026, 11, 30), date(2026, 11, 30))],
            "not_expected",
        ),
        (
            "missing",
            "month",
            date(2026, 11, 27),
            [(date(2026, 11, 27), date(2026, 11, 27))],
            "missing",
        ),
        (
            "missing",
            "week",
            date(2026, 11, 30),
            [(date(2026, 12, 1), date(2026, 12, 2))],
            "missing",
        ),
        ("missing", "week", date(2026, 11, 30), [], "missing"),
    ],
)
def test_a_monday_on_leave_is_excused(status, kind, day, spans, expected):
    assert excused(status, kind, away_on(day, spans)) == expected


def situation(now: str, **more) -> Situation:
    return Situation(
        now=at(now),
        head=HEAD,
        week="2026-W48",
        week_due=at("2026-11-23T23:59:59"),
        plans_missing=(),
        month="2026-11",
        month_due=at("2026-11-27T23:59:59"),
        summaries_missing=(),
        tops=(GM,),
        **more,
    )


DEPT = Deadline("dept", "2026-W48", at("2026-11-23T23:59:59"), (HEAD,))


def keys(items: list[Reminder]) -> list[str]:
    return [r.key for r in items]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-23T09:00", []),  # before the hour
        ("2026-11-23T15:00", ["dept:2026-W48:before:1:email"]),
        (
            "2026-11-24T10:15",
            ["dept:2026-W48:after:1:email", "dept_missing:2026-W48:after:9:email"],
        ),
        ("2026-11-25T10:15", []),
    ],
)
def test_the_department_summary(now, expected):
    s = situation(now, dept=DEPT)
    got = waiting_reminders(s, plan_hour=10, is_working=working, lang="en")
    assert keys(got) == expected


def test_a_leave_exception_pending_then_started_with_its_dates():
    lv = LeaveItem(
        7,
        LINA,
        "leave",
        date(2026, 11, 30),
        date(2026, 12, 1),
        "体检",
        (date(2026, 11, 30),),
        (HEAD,),
    )
    before = waiting_reminders(
        situation("2026-11-25T10:30", leave_pending=(lv,)),
        plan_hour=10,
        is_working=working,
        lang="en",
    )
    assert keys(before) == ["exception:7:pending:1:email"]
    assert before[0].line == (
        "李娜 asks for leave from 2026-11-30 to 2026-12-01 (protected: 2026-11-30; reason: 体检): "
        "leave 7 waits for your decision: ecomops leave approve 7 (or decline 7)."
    )
    later = waiting_reminders(
        situation("2026-12-04T10:30", leave_pending=(lv,)),
        plan_hour=10,
        is_working=working,
        lang="zh-hans",
    )
    assert keys(later) == ["exception:7:started:1:email"]
    assert "2026年11月30日 至 2026年12月1日" in later[0].line, later[0].line
    assert "请假单 7 仍待你审批" in later[0].line


def test_a_handover_to_acknowledge():
    h = HandoverItem(
        3, LINA, "陈静", at("2026-11-26T13:00"), at("2026-11-26T18:00"), "踩点", (HEAD,)
    )
    got = waiting_reminders(
        situation("2026-11-25T10:30", handovers_unacked=(h,)),
        plan_hour=10,
        is_working=working,
        lang="en",
    )
    assert keys(got) == ["handover:3:unacked:1:email"]
    assert got[0].line == (
        "李娜 handed over to 陈静 from 2026-11-26 13:00 to 2026-11-26 18:00 (踩点): handover "
        "form 3 is not acknowledged yet: ecomops handover ack 3."
    )


def test_a_personal_address_is_reported_to_the_head_once_per_person():
    due = [
        Reminder("plan", "2026-W48", "before", EMAIL, HOME, "x", "t"),
        Reminder("task", "5@2026-11-24", "due_tomorrow", EMAIL, HOME, "y", "t"),
        Reminder("plan", "2026-W48", "before", EMAIL, LINA, "z", "t"),
    ]
    got = address_reminders(due, HEAD, "huhao.example", "en")
    assert keys(got) == ["address:3:personal:1:email"]
    assert got[0].line.startswith(
        "王强 was not reminded by e-mail: their address wq@163.example is not company mail "
        "(@huhao.example, §3.2 rule 3)."
    )
    assert address_reminders(due, None, "huhao.example", "en") == []
    assert address_reminders(due, HEAD, None, "en") == []


@pytest.mark.parametrize(
    "name",
    [
        "dept.before",
        "dept.after",
        "dept_missing.after",
        "exception.pending",
        "exception.started",
        "handover.unacked",
        "address.personal",
    ],
)
def test_every_template_in_three_languages(name):
    """English in the table; Chinese only from the catalog (``remind:<name>``)."""
    from ecomops.i18n import pgettext_in

    english = _T[name]
    assert isinstance(english, str) and english
    for lang in ("zh", "zh-hans"):
        assert pgettext_in(lang, f"remind:{name}", english) != english, (lang, name)
