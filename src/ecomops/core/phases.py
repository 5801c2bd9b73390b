"""The build-up phases of §8.1 in time (pure): each phase's window, the current phase, and a
phase's status.

The manual counts the phases from its effective date (11.17): preparation 1–3 months, then
practice 3–6 more, then integration 3–6 more. A phase therefore begins when the one before it
ends, which is between that phase's earliest end (its *target*: the sum of the minimums so
far) and its latest end (its *due* date: the sum of the maximums); the first begins on the
effective date. The dates are those :func:`ecomops.core.tasks.phase_windows` gives the phase
tasks, so a phase and its tasks never disagree.

The current phase, on a day, is the first phase whose due date has not passed (its window runs
through the end of its due date); there is none before the effective date, nor after the last
phase's due date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ecomops.core.tasks import phase_windows

#: where the department stands in the build-up on a day
BEFORE, DURING, AFTER = "before", "during", "after"
#: a phase's status: every item done; an item overdue; the current phase; begun at the
#: earliest (the phase before it may have ended); not begun yet
STATUSES = ("done", "overdue", "current", "open", "upcoming")


@dataclass(frozen=True)
class PhaseWindow:
    phase: str
    start: date  # earliest start: the previous phase's target (the effective date for the first)
    latest_start: date  # the previous phase's due date (the effective date for the first)
    target: date  # earliest end
    due: date  # latest end


def windows(effective: date, phases: Sequence[tuple[str, int, int]]) -> list[PhaseWindow]:
    """(phase id, months_min, months_max) in the manual's order → each phase's window."""
    out = []
    start = latest = effective
    for w in phase_windows(effective, phases):
        out.append(PhaseWindow(w.phase, start, latest, w.target, w.due))
        start, latest = w.target, w.due
    return out


def stage(effective: date, spans: Sequence[PhaseWindow], today: date) -> str:
    """``before`` the effective date, ``after`` the last phase's due date, else ``during``."""
    if today < effective:
        return BEFORE
    if not spans or today > spans[-1].due:
        return AFTER
    return DURING


def current_phase(effective: date, spans: Sequence[PhaseWindow], today: date) -> str | None:
    """The phase ``today`` falls in: the first whose due date has not passed; None before the
    effective date and after the last due date."""
    if stage(effective, spans, today) != DURING:
        return None
    return next(w.phase for w in spans if today <= w.due)


def phase_status(
    window: PhaseWindow, *, done: int, total: int, overdue: int, current: bool, today: date
) -> str:
    """A phase's status from its items (``done`` of ``total``, ``overdue`` of them past their
    own due dates, which may have been moved by hand) and the day: ``done`` when every item
    is; else ``overdue`` when an item is; else ``current``; else ``open`` once its earliest
    start has come, ``upcoming`` before."""
    if total and done == total:
        return "done"
    if overdue:
        return "overdue"
    if current:
        return "current"
    return "open" if today >= window.start else "upcoming"
