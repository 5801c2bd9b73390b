"""The build-up phases (§8.1) as they stand: each phase's window counted from the effective
date, its items done out of the total (the phase tasks ``ecomops init`` made), the current
phase and what is overdue."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from ecomops.clock import zone
from ecomops.core import phases as rules
from ecomops.db.session import Session
from ecomops.services.handbook import current
from ecomops.services.tasks import tasks_list
from ecomops.text import localize
from ecomops.views import PhaseOut, PhasesOut


def _phase_of(ref: str | None) -> str | None:
    """The phase a handbook task belongs to, from its reference (``phase:practice.3``)."""
    if not ref or not ref.startswith("phase:"):
        return None
    return ref[len("phase:") :].rpartition(".")[0] or None


def phases_overview(session: Session, *, now: datetime, lang: str) -> PhasesOut:
    """Each §8.1 phase with its window (earliest and latest start, target and due date, from
    the effective date in the database's year), its items done of the total and overdue (from
    the task table: a due date moved by hand counts as moved), its status; the current phase
    as of ``now``, and every overdue phase item."""
    cur = current(session)
    m = cur.manual
    tz = zone(m.calendar.timezone)
    local_now = now.astimezone(tz)
    today = local_now.date()
    effective = date(cur.year, m.calendar.effective_month, m.calendar.effective_day)
    spans = rules.windows(
        effective, [(p.id, p.months_min, p.months_max) for p in m.workflow.phases]
    )
    now_phase = rules.current_phase(effective, spans, today)
    tasks = tasks_list(session, now=now, lang=lang, source="phase")
    total: Counter[str] = Counter()
    done: Counter[str] = Counter()
    late: Counter[str] = Counter()
    overdue = []
    for t in tasks:
        pid = _phase_of(t.ref)
        if pid is None or t.status == "cancelled":  # dropped: no longer one of its items
            continue
        total[pid] += 1
        done[pid] += t.status == "done"
        if t.overdue:
            late[pid] += 1
            overdue.append(t)
    out = []
    for i, (phase, w) in enumerate(zip(m.workflow.phases, spans, strict=True), start=1):
        out.append(
            PhaseOut(
                id=phase.id,
                number=f"8.1.{i}",
                name=localize(phase.name.zh, phase.name.en, lang),
                months_min=phase.months_min,
                months_max=phase.months_max,
                start=w.start,
                latest_start=w.latest_start,
                target=w.target,
                due=w.due,
                done=done[phase.id],
                total=total[phase.id],
                overdue=late[phase.id],
                current=phase.id == now_phase,
                status=rules.phase_status(
                    w,
                    done=done[phase.id],
                    total=total[phase.id],
                    overdue=late[phase.id],
                    current=phase.id == now_phase,
                    today=today,
                ),
            )
        )
    return PhasesOut(
        effective=effective,
        as_of=local_now,
        stage=rules.stage(effective, spans, today),
        current=now_phase,
        phases=out,
        overdue=overdue,
    )
