"""Calibration: a final grade set apart from the computed one, with its reason (§6.2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from ecomops.clock import zone
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound
from ecomops.services.appraisal.outputs import calibration_out
from ecomops.services.appraisal.state import CAL, find_cycle, load_cycle
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import require
from ecomops.views import CalibrationOut


def calibrate(
    session: Session,
    *,
    cycle: str,
    employee: Person | str,
    grade: str,
    actor: Actor,
    reason: str,
    now: datetime,
) -> CalibrationOut:
    """The person ``actor`` acts as sets ``employee``'s final grade in an open cycle to
    ``grade`` (a letter), apart from the computed one, for ``reason``; every change is
    logged."""
    m = current(session).manual
    row = find_cycle(session, cycle, open_only=True, lock=True)
    emp = resolve(session, employee, active=False)
    who = actor.required()
    require(session, actor, "calibrate")
    if who.id == emp.id or (actor.caller is not None and actor.caller.id == emp.id):
        raise InvalidInput("nobody calibrates their own grade")
    if not reason.strip():
        raise InvalidInput("a calibration needs a reason", "give the reason", param="reason")
    target = grade.strip().upper()
    grades = [g.id for g in m.appraisal.grades]
    if target not in grades:
        raise InvalidInput(
            f"{grade!r} is not a grade", f"use one of {', '.join(grades)}", param="grade"
        )
    state = load_cycle(session, m, row.id, employee_ids={emp.id})
    if emp.id not in state:
        raise NotFound(f"{emp.name} is not appraised in cycle {row.id}")
    ap = state[emp.id]
    if not ap.complete:
        raise InvalidInput(
            f"{emp.name}'s appraisal is pending (missing: {', '.join(ap.missing)})",
            "a grade can be calibrated once every rater has rated",
        )
    if ap.final_grade == target:
        raise InvalidInput(f"{emp.name}'s final grade is already {target}")
    values = dict(
        cycle_id=row.id,
        employee_id=emp.id,
        computed_grade=ap.grade,
        grade_before=ap.final_grade,
        grade_after=target,
        reason=reason.strip(),
        by_id=who.id,
        at=now,
    )
    session.connection().execute(insert(CAL).values(**values))
    return calibration_out(values, row.id, staff_names(session), zone(m.calendar.timezone))
