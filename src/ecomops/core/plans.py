"""The Monday plan's rules (pure): its text, a Markdown file with two sections, and whom a
period's plan is expected of."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from ecomops.errors import InvalidInput

# --- kinds and statuses -------------------------------------------------------------------------

#: what a plan is: a member's Monday plan (``week``), a member's month-end summary (``month``),
#: the department head's weekly summary of the department (``dept``, due with the Monday plans)
KINDS = ("week", "month", "dept")
#: a period's status for someone it was expected of, then for someone it was not
EXPECTED_STATUSES = ("on_time", "late", "missing", "open")
#: of those: handed in, and not (yet) handed in
IN_STATUSES = ("on_time", "late")
NOT_IN_STATUSES = ("missing", "open")
NOT_EXPECTED = "not_expected"
#: a Monday plan (or the head's department summary) not in whose deadline's day the person
#: spends on approved leave (or an approved shift swap): excused, not missing (§3.2 rule 7)
ON_LEAVE = "on_leave"
STATUSES = (*EXPECTED_STATUSES, ON_LEAVE, NOT_EXPECTED)
#: the kinds a day of leave on the deadline's day excuses (the Monday ones)
EXCUSED_KINDS = ("week", "dept")


# --- whom a plan is expected of -----------------------------------------------------------------


def joined_day(joined_on: date | None, created_at: datetime, tz: tzinfo) -> date:
    """The day someone joined the department: ``joined_on``, or else (a roster entry made
    before join dates were recorded) the day their entry was made, in the handbook's zone."""
    return joined_on if joined_on is not None else created_at.astimezone(tz).date()


def left_day(
    left_on: date | None, active: bool, deactivated_at: datetime | None, tz: tzinfo
) -> date | None:
    """The day someone left the department (None: not yet): ``left_on``, or else, for someone
    deactivated without one, the day they were deactivated, in the handbook's zone."""
    if left_on is not None:
        return left_on
    if active or deactivated_at is None:
        return None
    return deactivated_at.astimezone(tz).date()


def member_on(day: date, joined: date, left: date | None) -> bool:
    """Whether someone who joined on ``joined`` and left on ``left`` (None: not yet) is a
    member of the department on ``day``: joined on or before it, and not yet left (left after
    it). A plan is expected of whoever is a member on its deadline's day."""
    return joined <= day and (left is None or left > day)


def cell(expected: bool, submitted: str | None, unsent: str) -> str:
    """One person's status for one period: ``not_expected`` when it was not expected of them
    (whatever they handed in: nothing counts against them, nor for them), else the status of
    their first submission (``on_time``/``late``), else ``unsent`` (``missing``/``open``)."""
    if not expected:
        return NOT_EXPECTED
    return submitted or unsent


def away_on(day: date, spans: Iterable[tuple[date, date]]) -> bool:
    """Whether ``day`` falls in one of the approved leave ``spans`` (first, last day)."""
    return any(first <= day <= last for first, last in spans)


def excused(status: str, kind: str, away: bool) -> str:
    """A period's status once leave is counted: a Monday plan or department summary not in
    (``missing``/``open``) whose deadline's day the person is ``away`` on is ``on_leave``;
    anything else (handed in, not expected, a month-end summary) stays as it is."""
    if away and kind in EXCUSED_KINDS and status in NOT_IN_STATUSES:
        return ON_LEAVE
    return status


# --- the plan's text ----------------------------------------------------------------------------

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
#: the words that make a heading open a section; a heading naming both kinds opens the one named
#: first ("Last week's summary / This week's plan" is the summary)
KEYWORDS = {
    "summary": (
        "summary",
        "review",
        "总结",
        "總結",
        "回顾",
        "回顧",
        "last week",
        "previous week",
        "上周",
        "上週",
        "上星期",
        "上礼拜",
        "上禮拜",
        "last month",
        "上月",
        "上个月",
        "上個月",
    ),
    "plan": (
        "plan",
        "计划",
        "計劃",
        "筹划",
        "籌劃",
        "安排",
        "this week",
        "next week",
        "本周",
        "本週",
        "这周",
        "這週",
        "下周",
        "下週",
        "本星期",
        "下星期",
        "next month",
        "下月",
        "下个月",
        "下個月",
    ),
}

WEEK_TEMPLATE = """# {period} {name}

## Last week's summary / 上周工作总结

## This week's plan / 本周工作计划
"""

MONTH_TEMPLATE = """# {period} {name}

## This month's summary / 本月总结

## Next month's plan / 下月计划
"""

DEPT_TEMPLATE = """# {period} {name}: the department / 电商部

## Last week: the department / 上周部门工作总结

## This week: the department's plan / 本周部门工作计划
"""


def _section_of(title: str) -> str | None:
    """Which section a heading opens: the kind whose keyword comes first in it, if any."""
    t = title.lower()
    found = {
        kind: min(t.find(w) for w in words if w in t)
        for kind, words in KEYWORDS.items()
        if any(w in t for w in words)
    }
    return min(found, key=lambda kind: found[kind]) if found else None


def parse_markdown(text: str, source: str = "the file") -> tuple[str, str]:
    """Return (summary, plan) from a Markdown text with a summary and a plan section."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = HEADING.match(line)
        if m:
            kind = _section_of(m.group(1))
            if kind is not None:
                if kind in sections:
                    raise InvalidInput(f"{source} has two {kind} sections", "keep one of each")
                sections[kind] = []
            current = kind
            continue
        if current is not None:
            sections[current].append(line)
    missing = [k for k in ("summary", "plan") if k not in sections]
    if missing:
        raise InvalidInput(
            f"{source} has no {' and no '.join(missing)} section",
            "write a '## Last week' (上周总结, Summary) and a '## This week' (本周计划, Plan) "
            "heading",
        )
    summary, plan = ("\n".join(sections[k]).strip() for k in ("summary", "plan"))
    check_sections(summary, plan)
    return summary, plan


def check_sections(summary: str | None, plan: str | None) -> tuple[str, str]:
    empty = [n for n, v in (("summary", summary), ("plan", plan)) if not (v and v.strip())]
    if empty:
        raise InvalidInput(
            f"the {' and the '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty",
            "write both: last period's summary and the plan",
        )
    return summary.strip(), plan.strip()  # type: ignore[union-attr]
