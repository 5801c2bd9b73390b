"""Grades over time (§6.1: a basis for hiring, rewards, training and changes of post): one
person's appraisal in every cycle they were a member of, and a year's grades for everyone.

Both read as ``appraisals show`` does: a person's scores, grades and calibrations only for a
reader who may read that appraisal (the permission table's ``read_appraisal``: the person, their
raters in their reporting line, the general manager), decided cycle by cycle (the raters follow
the position the person held in that cycle).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.core import history as rules
from ecomops.db.session import Session
from ecomops.errors import NotAllowed
from ecomops.handbook.model import Manual
from ecomops.services.appraisal.outputs import calibration_out
from ecomops.services.appraisal.state import CM, CY, Appraisal, load_cycle, may_see
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import about_person, may
from ecomops.text import key
from ecomops.views import (
    AppraisalHistoryOut,
    HistoryCycleOut,
    RepeatedGradeOut,
    YearAppraisalOut,
    YearCycleOut,
    YearPersonOut,
)


def _refused(viewer: Actor, name: str) -> NotAllowed:
    who = viewer.person.name if viewer.person else viewer.login
    return NotAllowed(
        f"{who} may not see {name}'s appraisals; they are confidential (§3.1)",
        "only the person appraised, their raters in their reporting line and the general "
        "manager may (the handbook's permissions.read_appraisal)",
    )


def appraisal_history(
    session: Session, *, employee: Person | str, viewer: Actor
) -> AppraisalHistoryOut:
    """``employee``'s appraisal in every cycle they were a member of (monthly, quarterly,
    year-end), in time order: score, computed and final grade, and the calibrations. A cycle
    whose appraisal the viewer may not read is left out (``hidden`` counts them); a viewer who
    may read none of them is refused, as ``appraisals show`` refuses."""
    m = current(session).manual
    emp = resolve(session, employee, active=False)
    conn = session.connection()
    rows = conn.execute(
        select(CY.c.id, CY.c.kind_id, CY.c.status)
        .select_from(CM.join(CY, CY.c.id == CM.c.cycle_id))
        .where(CM.c.staff_id == emp.id)
    ).all()
    kinds = {k.id: k for k in m.appraisal.cycle_kinds}
    tz = zone(m.calendar.timezone)
    names = staff_names(session)
    cycles: list[HistoryCycleOut] = []
    hidden = 0
    for row in sorted(rows, key=lambda r: rules.cycle_key(r.id)):
        ap = load_cycle(session, m, row.id, employee_ids={emp.id}, detail=False).get(emp.id)
        if ap is None:  # a member in a position without a rubric: not appraised
            continue
        if not may_see(session, m, viewer, ap):
            hidden += 1
            continue
        cycles.append(
            HistoryCycleOut(
                cycle=row.id,
                kind=row.kind_id,
                forced_distribution=kinds[row.kind_id].forced_distribution,
                cycle_status=row.status,
                position=ap.position,
                status="complete" if ap.complete else "pending",
                score=ap.score,
                grade=ap.grade,
                final_grade=ap.final_grade,
                calibrations=[calibration_out(c, row.id, names, tz) for c in ap.calibrations],
            )
        )
    if hidden and not cycles:
        raise _refused(viewer, emp.name)
    if (
        not hidden
        and not cycles
        and not may(session, viewer, "read_appraisal", about_person(session, m, emp))
    ):
        raise _refused(viewer, emp.name)
    counts = {g.id: 0 for g in m.appraisal.grades}
    for c in cycles:
        if c.final_grade is not None:
            counts[c.final_grade] += 1
    return AppraisalHistoryOut(
        employee=emp.name,
        position=emp.position_id,
        active=emp.active,
        cycles=cycles,
        hidden=hidden,
        final_grades=counts,
    )


def year_appraisal(
    session: Session, m: Manual, year: int, viewer: Actor | None
) -> YearAppraisalOut:
    """Everyone's final grades across the cycles of ``year`` (its months, quarters and
    year-end), each only where ``viewer`` may read it, and who was given the top or the bottom
    grade (A or D) in more than one of those cycles (counting only what the viewer may read;
    nobody: no grades at all)."""
    who = viewer or Actor("", keeper=False)
    conn = session.connection()
    meta = {
        r.id: r
        for r in conn.execute(select(CY.c.id, CY.c.kind_id, CY.c.status)).all()
        if rules.cycle_year(r.id) == year
    }
    ordered = rules.in_time_order(meta)
    people: dict[int, dict[str, Any]] = {}
    seen: dict[tuple[int, tuple[str, ...]], bool] = {}  # the rule depends on these alone
    graded: list[tuple[str, str, str]] = []
    for cid in ordered:
        for ap in load_cycle(session, m, cid, detail=False).values():
            entry = people.setdefault(
                ap.employee_id,
                {"name": ap.name, "position": ap.position, "visible": False, "grades": {}},
            )
            entry["position"] = ap.position  # the latest, cycles being in time order
            visible = _may_see(session, m, who, ap, seen)
            if not visible:
                continue
            entry["visible"] = True
            entry["grades"][cid] = ap.final_grade
            if ap.final_grade is not None:
                graded.append((ap.name, cid, ap.final_grade))
    grades = [g.id for g in m.appraisal.grades]
    ends = [grades[0], grades[-1]] if len(grades) > 1 else grades
    return YearAppraisalOut(
        year=year,
        cycles=[
            YearCycleOut(id=cid, kind=meta[cid].kind_id, status=meta[cid].status) for cid in ordered
        ],
        people=[
            YearPersonOut(
                employee=p["name"], position=p["position"], visible=p["visible"], grades=p["grades"]
            )
            for p in sorted(people.values(), key=lambda p: (p["position"], key(p["name"])))
        ],
        repeated=[
            RepeatedGradeOut(employee=r.name, grade=r.grade, count=r.count, cycles=list(r.cycles))
            for r in rules.repeated(graded, ends)
        ],
    )


def _may_see(
    session: Session,
    m: Manual,
    viewer: Actor,
    ap: Appraisal,
    seen: dict[tuple[int, tuple[str, ...]], bool],
) -> bool:
    """:func:`may_see`, asked once per person and rater positions (a year of cycles asks the
    same question a dozen times)."""
    k = (ap.employee_id, tuple(ap.required))
    if k not in seen:
        seen[k] = may_see(session, m, viewer, ap)
    return seen[k]
