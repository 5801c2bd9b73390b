"""Which reminders are due when, under which key, saying what (pure rules, core.remind)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecomops.core.remind import (
    _T,
    EMAIL,
    WEBHOOK,
    Situation,
    TaskItem,
    Who,
    bundle,
    key,
    next_working_day,
    occasion_of,
    reminders,
)

TZ = ZoneInfo("Asia/Shanghai")
# 2026 as chinese-calendar has it: Mid-Autumn on Friday 25 September, National Day 1–7
# October, and Saturday 10 October an adjusted working day
HOLIDAYS = {date(2026, 9, 25)} | {date(2026, 10, d) for d in range(1, 8)}
WORKDAYS = {date(2026, 10, 10)}


def working(d: date) -> bool:
    if d in WORKDAYS:
        return True
    return d not in HOLIDAYS and d.weekday() < 5


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


HEAD = Who(1, "张伟", "zw@huhao.example")
LINA = Who(2, "李娜", "ln@huhao.example")
WANG = Who(3, "王强", None)
DUE = at("2026-11-23T23:59:59")  # W48's Monday


@pytest.mark.parametrize(
    ("now", "hour", "occasion"),
    [
        ("2026-11-23T09:59", 10, None),  # the deadline's day, before the hour
        ("2026-11-23T10:00", 10, "before"),
        ("2026-11-23T15:00", 10, "before"),
        ("2026-11-23T23:59:59", 10, "before"),
        ("2026-11-23T15:00", 16, None),  # a later hour configured
        ("2026-11-23T07:00", 7, "before"),
        ("2026-11-24T09:00", 10, None),  # the next working day, before the hour
        ("2026-11-24T10:00", 10, "after"),
        ("2026-11-24T23:00", 10, "after"),
        ("2026-11-25T10:00", 10, None),  # two working days on: nothing more
        ("2026-11-22T12:00", 10, None),  # the day before
    ],
)
def test_occasions_of_a_monday_deadline(now, hour, occasion):
    assert occasion_of(DUE, at(now), hour, working) == occasion


@pytest.mark.parametrize(
    ("due", "now", "occasion"),
    [
        # a Friday deadline (a month-end summary): "after" is the Monday, not the Saturday
        ("2026-11-27T23:59:59", "2026-11-28T11:00", None),
        ("2026-11-27T23:59:59", "2026-11-30T11:00", "after"),
        # W41's plan, due on Thursday 8 October (the Monday is a holiday)
        ("2026-10-08T23:59:59", "2026-10-08T11:00", "before"),
        ("2026-10-08T23:59:59", "2026-10-09T11:00", "after"),
        ("2026-10-09T23:59:59", "2026-10-10T11:00", "after"),  # an adjusted working Saturday
        ("2026-09-30T23:59:59", "2026-10-03T11:00", None),  # holidays send nothing
        ("2026-09-30T23:59:59", "2026-10-08T11:00", "after"),  # the first day back
        ("2026-09-24T23:59:59", "2026-09-28T11:00", "after"),  # Mid-Autumn Friday skipped
    ],
)
def test_occasions_across_weekends_and_holidays(due, now, occasion):
    assert occasion_of(at(due), at(now), 10, working) == occasion


@pytest.mark.parametrize(
    ("day", "following"),
    [
        ("2026-11-23", "2026-11-24"),
        ("2026-11-27", "2026-11-30"),  # Friday → Monday
        ("2026-09-30", "2026-10-08"),  # into the holiday → the first day back
        ("2026-10-09", "2026-10-10"),  # an adjusted working Saturday
    ],
)
def test_next_working_day(day, following):
    assert next_working_day(date.fromisoformat(day), working) == date.fromisoformat(following)


def _situation(now: str, **kw) -> Situation:
    base = dict(
        now=at(now),
        head=HEAD,
        week="2026-W48",
        week_due=DUE,
        plans_missing=(LINA, WANG),
        month="2026-11",
        month_due=at("2026-11-27T23:59:59"),
        summaries_missing=(),
    )
    base.update(kw)
    return Situation(**base)  # type: ignore[arg-type]


def _keys(s: Situation, channels=(EMAIL, WEBHOOK), lang="en", hour=10) -> list[str]:
    return [
        r.key
        for r in reminders(s, plan_hour=hour, is_working=working, channels=channels, lang=lang)
    ]


@pytest.mark.parametrize(
    ("now", "channels", "keys"),
    [
        (
            "2026-11-23T15:00",
            (EMAIL, WEBHOOK),
            [
                "plan:2026-W48:before:2:email",
                "plan:2026-W48:before:3:email",
                "missing:2026-W48:before:1:email",  # the head hears who is missing
                "missing:2026-W48:before:group:webhook",  # one group message naming both
            ],
        ),
        (
            "2026-11-24T10:30",
            (EMAIL, WEBHOOK),
            [
                "plan:2026-W48:after:2:email",
                "plan:2026-W48:after:3:email",
                "missing:2026-W48:after:1:email",
                "missing:2026-W48:after:group:webhook",
            ],
        ),
        ("2026-11-23T15:00", (WEBHOOK,), ["missing:2026-W48:before:group:webhook"]),
        (
            "2026-11-23T15:00",
            (EMAIL,),
            [
                "plan:2026-W48:before:2:email",
                "plan:2026-W48:before:3:email",
                "missing:2026-W48:before:1:email",
            ],
        ),
        ("2026-11-23T09:00", (EMAIL, WEBHOOK), []),  # before the hour
        ("2026-11-22T15:00", (EMAIL, WEBHOOK), []),  # Sunday
    ],
)
def test_plan_reminders_and_their_keys(now, channels, keys):
    assert _keys(_situation(now), channels) == keys


def test_nobody_missing_reminds_nobody():
    assert _keys(_situation("2026-11-23T15:00", plans_missing=())) == []


def test_month_end_summary_on_its_friday_and_the_monday_after():
    friday = _situation("2026-11-27T11:00", plans_missing=(), summaries_missing=(LINA,))
    assert _keys(friday) == [
        "summary:2026-11:before:2:email",
        "missing:2026-11:before:1:email",
        "missing:2026-11:before:group:webhook",
    ]
    monday = _situation(
        "2026-11-30T11:00",
        week="2026-W49",
        week_due=at("2026-11-30T23:59:59"),
        plans_missing=(),
        summaries_missing=(LINA,),
    )
    assert _keys(monday) == [
        "summary:2026-11:after:2:email",
        "missing:2026-11:after:1:email",
        "missing:2026-11:after:group:webhook",
    ]


def test_tasks_due_by_the_next_working_day_and_overdue_go_to_each_owner_by_mail_only():
    friday = "2026-11-27T11:00"
    tasks = dict(
        due_soon=(
            TaskItem(7, "海报", date(2026, 11, 30), 0, (LINA, WANG)),  # Monday: "tomorrow"
            TaskItem(8, "文案", date(2026, 11, 29), 0, (LINA,)),  # Sunday, before Monday
            TaskItem(9, "周报", date(2026, 12, 1), 0, (LINA,)),  # Tuesday: not yet
            TaskItem(10, "今天", date(2026, 11, 27), 0, (LINA,)),  # today: not "tomorrow"
        ),
        overdue=(TaskItem(5, "招商资料", date(2026, 11, 20), 7, (WANG,)),),
    )
    s = _situation(friday, plans_missing=(), **tasks)
    assert _keys(s) == [
        "task:7@2026-11-30:due_tomorrow:2:email",
        "task:7@2026-11-30:due_tomorrow:3:email",
        "task:8@2026-11-29:due_tomorrow:2:email",
        "task:5@2026-11-20:overdue:3:email",
    ]
    assert _keys(s, channels=(WEBHOOK,)) == []  # a person's tasks are not the group's
    # a new due date is a new item: reminded again
    moved = _situation(
        friday, plans_missing=(), overdue=(TaskItem(5, "招商资料", date(2026, 11, 25), 2, (WANG,)),)
    )
    assert _keys(moved) == ["task:5@2026-11-25:overdue:3:email"]


def test_ratings_owed_go_to_the_rater_with_whom_to_rate():
    s = _situation(
        "2026-11-25T11:00",
        plans_missing=(),
        cycle_id="2026-11",
        ratings_owed=((HEAD, (LINA, WANG)), (LINA, ())),
    )
    got = reminders(s, plan_hour=10, is_working=working, channels=(EMAIL, WEBHOOK), lang="en")
    assert [r.key for r in got] == ["rate:2026-11:owed:1:email"]
    assert got[0].line == "Appraisal cycle 2026-11 is open and you still have to rate: 李娜, 王强."
    no_cycle = _situation("2026-11-25T11:00", plans_missing=(), ratings_owed=((HEAD, (LINA,)),))
    assert _keys(no_cycle) == []


def test_one_message_per_recipient_and_channel():
    s = _situation(
        "2026-11-23T15:00",
        overdue=(TaskItem(5, "招商资料", date(2026, 11, 20), 3, (LINA,)),),
    )
    got = reminders(s, plan_hour=10, is_working=working, channels=(EMAIL, WEBHOOK), lang="zh-hans")
    messages = bundle(got, "zh-hans")
    assert [(m.channel, m.recipient.name if m.recipient else None) for m in messages] == [
        (EMAIL, "李娜"),
        (EMAIL, "王强"),
        (EMAIL, "张伟"),
        (WEBHOOK, None),
    ]
    lina = messages[0]
    assert lina.subject == "[ecomops] 2 条提醒"
    assert lina.body == (
        "李娜，你好：\n\n"
        "- 你的周工作计划（2026年第48周）尚未提交，今天 2026年11月23日 23:59 截止。\n"
        "- 任务 #5「招商资料」已于 2026年11月20日 到期，逾期 3 天。\n\n"
        "— 由 ecomops remind 发送\n"
    )
    assert messages[1].subject == "[ecomops] 周工作计划 2026年第48周"
    group = messages[3]
    assert group.body == (
        "[ecomops] 2026年第48周 周工作计划未交名单\n"
        "2026年第48周 周工作计划今天 2026年11月23日 23:59 截止，尚未提交：李娜、王强。"
    )


def test_english_texts():
    got = reminders(
        _situation("2026-11-24T10:00"),
        plan_hour=10,
        is_working=working,
        channels=(EMAIL, WEBHOOK),
        lang="en",
    )
    assert got[0].line == (
        "Your Monday plan for 2026-W48 was due 2026-11-23 23:59 and is not in: please hand it "
        "in now."
    )
    assert (
        got[-1].line
        == "Monday plans for 2026-W48 were due 2026-11-23 23:59; still not in: 李娜, 王强."
    )


def test_the_simplified_texts_are_the_traditional_ones_converted():
    """The catalog is the only source of the reminders' Chinese: zh's reads as zh-hans's."""
    from ecomops.i18n import pgettext_in
    from ecomops.text import to_simplified

    for name, en in _T.items():
        zh, hans = (pgettext_in(lang, f"remind:{name}", en) for lang in ("zh", "zh-hans"))
        assert zh != en and to_simplified(zh) == hans, name


def test_the_key():
    assert key("plan", "2026-W48", "before", LINA, EMAIL) == "plan:2026-W48:before:2:email"
    assert key("missing", "2026-W48", "after", None, WEBHOOK) == (
        "missing:2026-W48:after:group:webhook"
    )


def test_a_deadline_of_the_previous_month_is_reminded_of_the_working_day_after():
    from ecomops.core.remind import Deadline

    january = Deadline("summary", "2027-01", at("2027-01-29T23:59:59"), (LINA,))
    s = _situation(
        "2027-02-01T10:30",
        week="2027-W05",
        week_due=at("2027-02-01T23:59:59"),
        plans_missing=(),
        month="2027-02",
        month_due=at("2027-02-26T23:59:59"),
        past=(january,),
    )
    assert _keys(s) == [
        "summary:2027-01:after:2:email",
        "missing:2027-01:after:1:email",
        "missing:2027-01:after:group:webhook",
    ]
    # only on that day
    assert _keys(_situation("2027-02-02T10:30", plans_missing=(), past=(january,))) == []


# --- the calendar (issue 20) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "lang", "expected"),
    [
        (None, "en", []),
        (2027, "en", ["Next year's official holiday schedule (2027) is not loaded"]),
        (2027, "zh-hans", ["明年（2027年）的节假日安排尚未载入"]),
        (2027, "zh", ["明年（2027年）的節假日安排尚未載入"]),
    ],
)
def test_the_head_hears_once_that_next_years_schedule_is_missing(missing, lang, expected):
    s = _situation("2026-12-02T11:00", plans_missing=(), calendar_missing=missing)
    found = [
        r for r in reminders(s, plan_hour=10, is_working=working, channels=(EMAIL, WEBHOOK),
                             lang=lang)
    ]
    assert [r.key for r in found] == (["calendar:2027:unloaded:1:email"] if missing else [])
    assert [r.line[: len(e)] for r, e in zip(found, expected, strict=True)] == expected


@pytest.mark.parametrize(
    ("unknown", "lang", "suffix"),
    [
        (frozenset(), "en", ""),
        (frozenset({2026}), "en", " (weekends only: the 2026 schedule is not loaded)"),
        (frozenset({2026}), "zh-hans", "（仅按周末计算：2026年的安排尚未载入）"),
    ],
)
def test_a_deadline_in_an_unknown_year_says_weekends_only(unknown, lang, suffix):
    s = _situation("2026-11-23T15:00", unknown_years=unknown)
    found = reminders(s, plan_hour=10, is_working=working, channels=(EMAIL,), lang=lang)
    due = "2026-11-23 23:59" if lang == "en" else "2026年11月23日 23:59"
    assert found and all((due + suffix) in r.line for r in found)
