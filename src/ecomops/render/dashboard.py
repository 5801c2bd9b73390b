"""The dashboard's plan lines (``ecomops today``): this week's Monday plan and, for the
department head, the department's weekly summary."""

from __future__ import annotations

from ecomops.views import DashboardOut


def _state(status: str | None, L: dict[str, str]) -> str:
    if status in ("on_time", "late"):
        return L["plan_in"]
    if status == "not_expected":  # not a member on its deadline's day: nothing to hand in
        return f"— ({L['not_expected']})"
    return L["plan_not_in"]


def plan_lines(d: DashboardOut, L: dict[str, str]) -> list[str]:
    """Rich markup lines (no user text in them) for this week's plans on the dashboard."""
    due = f"{d.monday_plan_due:%Y-%m-%d %H:%M}"
    if not d.person:
        counts = ", ".join(f"{L[k]} {v}" for k, v in d.monday_plan_counts.items())
        return [f"  {L['monday_plan']} {d.week}: {counts}"]
    lines = [f"  {L['monday_plan']} {d.week}: {_state(d.monday_plan_status, L)} ({L['due']} {due})"]
    if d.department_summary_status is not None:
        lines.append(
            f"  {L['dept_plan']} {d.week}: {_state(d.department_summary_status, L)} "
            f"({L['due']} {due})"
        )
    return lines
