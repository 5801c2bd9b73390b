"""The dashboard on the terminal (``ecomops today``): Rich markup lines, every label in the
chosen language, positions by name, user text (names, titles) escaped.

A member's lines: their overdue tasks, their tasks due in the next three working days, their
Monday plan (in, or not in yet), their month-end summary when near, whom they still have to
rate. The team view adds the overdue tasks by person, who has not sent the Monday plan and,
near month-end, the month's summary, and the ratings still owed, by rater."""

from __future__ import annotations

from typing import Any

from ecomops.core.plans import IN_STATUSES as IN
from ecomops.core.plans import NOT_IN_STATUSES as NOT_IN
from ecomops.views import DashboardOut, DashboardPersonOut, TaskOut


def _e(value: Any) -> str:
    """User text for a markup line: shown as typed, never as markup nor terminal codes."""
    from rich.markup import escape

    from ecomops.text import safe

    return escape(safe(str(value)))


def _state(status: str | None, L: dict[str, str]) -> str:
    if status in IN:
        return L["plan_in"]
    if status == "not_expected":  # not a member on its deadline's day: nothing to hand in
        return f"— ({L['not_expected']})"
    if status == "on_leave":  # on approved leave on the deadline's day: excused
        return f"— ({L['on_leave']})"
    if status == "missing":  # the deadline has passed: not a to-do that can wait
        return f"[red]{L['plan_overdue']}[/]"
    return L["plan_not_in"]


def _who(people: list[DashboardPersonOut]) -> str:
    return ", ".join(f"{_e(p.name)} ({_e(p.position_name)})" for p in people)


def _task(t: TaskOut, L: dict[str, str], *, owner: bool, lang: str = "en") -> str:
    from ecomops.i18n import date_short

    late = f"[red]{t.days_overdue}{L['days_unit']}[/] " if t.overdue else ""
    whose = f"{_e(t.owner or '—')}, " if owner else ""
    due = t.due if lang == "en" else date_short(t.due, lang)  # 12月7日 周一
    return f"{late}#{t.id} {_e(t.title)} ({whose}{L['due']} {due})"


def plan_lines(d: DashboardOut, L: dict[str, str], lang: str = "en") -> list[str]:
    """This week's Monday plans: the viewer's own, the head's department summary, and on the
    team view who has not sent theirs (or, acting as nobody, the counts)."""
    from ecomops.i18n import deadline_text, period_text

    due = deadline_text(d.monday_plan_due, lang)  # 11月30日 周一 23:59
    week = period_text(d.week, lang)  # 2026年第49周
    lines = []
    if d.person and d.monday_plan_status is not None:
        lines.append(
            f"  {L['monday_plan']} {week}: {_state(d.monday_plan_status, L)} ({L['due']} {due})"
        )
    if d.department_summary_status is not None:
        lines.append(
            f"  {L['dept_plan']} {week}: {_state(d.department_summary_status, L)} "
            f"({L['due']} {due})"
        )
    if d.view == "team":
        if not d.person:
            counts = ", ".join(f"{L[k]} {v}" for k, v in d.monday_plan_counts.items())
            lines.append(f"  {L['monday_plan']} {week}: {counts}")
        if d.plans_missing:
            lines.append(
                f"  [yellow]{L['plans_missing']} {week}[/] ({L['due']} {due}): "
                f"{_who(d.plans_missing)}"
            )
        elif d.person:
            lines.append(f"  {L['plans_missing']} {week}: — ({L['all_in']})")
    return lines


def waiting_lines(d: DashboardOut, L: dict[str, str], lang: str = "en") -> list[str]:
    """What waits on the viewer: leave exceptions to approve (with their dates), handover
    forms to acknowledge, and (for the general manager) a head's missing department summary."""
    from ecomops.i18n import date_short, deadline_text, period_text

    def day(value) -> str:
        return str(value) if lang == "en" else date_short(value, lang)

    out = []
    if d.department_summaries_missing:
        out.append(
            f"  [red]{L['dept_missing']} {period_text(d.week, lang)}[/] ({L['due']} "
            f"{deadline_text(d.monday_plan_due, lang)}): {_who(d.department_summaries_missing)}"
        )
    if d.leave_pending:
        out.append(f"  [yellow]{L['leave_waiting']}[/]:")
        out.extend(
            f"    #{lv.id} {_e(lv.name)}: {day(lv.start)}"
            + (f" – {day(lv.end)}" if lv.end != lv.start else "")
            + f" ({_e(lv.reason)}) — ecomops leave approve {lv.id}"
            for lv in d.leave_pending
        )
    if d.handovers_unacked:
        out.append(f"  [yellow]{L['handover_waiting']}[/]:")
        out.extend(
            f"    #{h.id} {_e(h.name)} → {_e(h.cover)}: {deadline_text(h.start_at, lang)} – "
            f"{deadline_text(h.end_at, lang)} ({_e(h.matter)}) — ecomops handover ack {h.id}"
            for h in d.handovers_unacked
        )
    return out


def calendar_lines(d: DashboardOut, lang: str) -> list[str]:
    """The calendar's warnings: deadlines counted by weekends only (a year whose schedule is
    not loaded), and, in December, next year's schedule still to load."""
    from ecomops.render.labels import words

    w = words(lang)
    texts = [w("calendar:weekends only").format(year=y) for y in d.unknown_years]
    if d.next_year_missing is not None:
        texts.append(w("calendar:next year").format(year=d.next_year_missing))
    out = [f"  [yellow]{_e(t)}[/]" for t in texts]
    return out


def dashboard_lines(d: DashboardOut, lang: str) -> list[str]:
    """The whole dashboard as Rich markup lines."""
    from ecomops.render.labels import labels

    L = labels(lang)
    team = d.view == "team"
    who = f" — {_e(d.person)}" if d.person else ""
    from ecomops.i18n import date_long, date_short, deadline_text, period_text

    # the day as the language writes it: 2026年12月7日（星期一） 09:00
    day = f"{d.now:%Y-%m-%d}" if lang == "en" else date_long(d.now.date(), lang)
    out = [f"[bold]{L['today']} {day} {d.now:%H:%M}{who}[/]"]
    out.extend(calendar_lines(d, lang))
    if team and d.overdue_by_person:
        out.append(f"  [red]{L['team_overdue']}[/]:")
        for group in d.overdue_by_person:
            name = _e(group.name) if group.name else f"— ({L['unheld']})"
            out.append(f"    {name} ({_e(group.position_name or '—')}):")
            out.extend(f"      {_task(t, L, owner=False, lang=lang)}" for t in group.tasks)
    else:
        out.extend(
            f"  [red]{L['my_overdue']}[/] {_task(t, L, owner=False, lang=lang)}" for t in d.overdue
        )
    if d.due_soon:
        until = d.due_soon_until if lang == "en" else date_short(d.due_soon_until, lang)
        out.append(f"  [yellow]{L['due_soon']}[/] ({L['until']} {until}):")
        out.extend(f"    {_task(t, L, owner=team, lang=lang)}" for t in d.due_soon)
    out.extend(plan_lines(d, L, lang))
    month = period_text(d.month, lang)
    if d.month_end_near:
        due = deadline_text(d.month_end_due, lang)
        if d.month_end_status in IN:
            out.append(f"  {L['month_summary']} {month}: {L['plan_in']} ({L['due']} {due})")
        elif d.month_end_status == "missing":
            out.append(f"  [red]{L['month_end_missing']} {due}[/] ({month})")
        elif d.month_end_status not in (None, "not_expected"):
            out.append(f"  [yellow]{L['month_end_near']} {due}[/] ({month})")
        if d.summaries_missing:
            out.append(
                f"  [yellow]{L['summaries_missing']} {month}[/] ({L['due']} {due}): "
                f"{_who(d.summaries_missing)}"
            )
        elif team:
            out.append(f"  {L['summaries_missing']} {month} ({L['due']} {due}): — ({L['all_in']})")
    if d.cycle:
        out.append(
            f"  {L['cycle_progress']} {_e(period_text(d.cycle.id, lang))}: "
            f"{L['complete']} {d.cycle.complete}, {L['pending']} {d.cycle.pending}"
        )
        if d.to_rate:
            out.append(f"  {L['to_rate']}: {_e(', '.join(d.to_rate))}")
        if d.ratings_owed:
            out.append(f"  [yellow]{L['ratings_owed']}[/]:")
            out.extend(
                f"    {_e(r.name)} ({_e(r.position_name)}): {_e(', '.join(r.to_rate))}"
                for r in d.ratings_owed
            )
    out.extend(waiting_lines(d, L, lang))
    mine_due = d.month_end_near and d.month_end_status in NOT_IN
    if not (
        d.overdue
        or d.due_soon
        or d.to_rate
        or d.plans_missing
        or d.summaries_missing
        or d.ratings_owed
        or d.leave_pending
        or d.handovers_unacked
        or d.department_summaries_missing
        or mine_due
        or d.monday_plan_status in NOT_IN
    ):
        out.append(f"  {L['nothing']}")
    return out
