"""Reading a cycle's appraisals: the list for its raters, one appraisal in full."""

from __future__ import annotations

from ecomops.clock import zone
from ecomops.db.session import Session
from ecomops.errors import NotAllowed, NotFound, Suggest
from ecomops.services.appraisal.outputs import appraisal_out, calibration_out, sheet_out
from ecomops.services.appraisal.state import find_cycle, load_cycle, may_see, rates_in_cycle
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as staff_names
from ecomops.views import AppraisalDetailOut, AppraisalOut


def appraisals_list(session: Session, *, cycle: str, viewer: Actor) -> list[AppraisalOut]:
    """Every appraisal of cycle ``cycle``, for a rater in it; scores only on the ones the
    viewer may see (§3.1: appraisals are confidential)."""
    m = current(session).manual
    row = find_cycle(session, cycle)
    who = viewer.person
    if who is not None and not rates_in_cycle(session, m, who, row.id):
        raise NotAllowed(
            f"{who.name} is not a rater in cycle {row.id}; appraisals are confidential (§3.1)",
            "see your own with: {command}",
            suggest=Suggest("appraisals.show", (who.name,), {"cycle": row.id}),
        )
    state = load_cycle(session, m, row.id)
    return [
        appraisal_out(ap, may_see(session, m, viewer, ap))
        for ap in sorted(state.values(), key=lambda a: (a.position, a.name))
    ]


def appraisal_show(
    session: Session, *, cycle: str, employee: Person | str, viewer: Actor, lang: str
) -> AppraisalDetailOut:
    """``employee``'s appraisal in cycle ``cycle`` with every sheet (and earlier versions)
    and the calibration log; for the person appraised and their raters only."""
    m = current(session).manual
    row = find_cycle(session, cycle)
    emp = resolve(session, employee, active=False)
    state = load_cycle(session, m, row.id, employee_ids={emp.id}, history=True)
    if emp.id not in state:
        raise NotFound(f"{emp.name} is not appraised in cycle {row.id}")
    ap = state[emp.id]
    if not may_see(session, m, viewer, ap):
        who = viewer.person.name if viewer.person else viewer.login
        raise NotAllowed(
            f"{who} may not see {emp.name}'s appraisal; it is confidential (§3.1)",
            "only the person appraised, their raters in their reporting line and the general "
            "manager may (the handbook's permissions.read_appraisal)",
        )
    tz = zone(m.calendar.timezone)
    names = staff_names(session)
    sheets = [*ap.sheets, *ap.history]
    sheets.sort(key=lambda s: (s.rater, -s.version))
    base = appraisal_out(ap, True)
    return AppraisalDetailOut(
        **base.model_dump(),
        cycle=row.id,
        sheets=[sheet_out(s, ap, m, lang) for s in sheets],
        calibrations=[calibration_out(c, row.id, names, tz) for c in ap.calibrations],
    )
