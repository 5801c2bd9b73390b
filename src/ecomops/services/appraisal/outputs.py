"""Output models of appraisals, sheets, calibrations and cycles, built from the cycle state."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Row

from ecomops.clock import zone
from ecomops.core.scoring import level_for
from ecomops.handbook.model import Manual
from ecomops.services.appraisal.state import Appraisal, Progress, SheetData, bands_of
from ecomops.text import localize
from ecomops.views import AppraisalOut, CalibrationOut, CycleOut, ScoreOut, SheetOut


def _criteria_means(ap: Appraisal) -> dict[str, Decimal]:
    if not ap.sheets:
        return {}
    out = {}
    for c in ap.rubric.criteria:
        vals = [s.scores[c.id] for s in ap.sheets if c.id in s.scores]
        if vals:
            out[c.id] = (sum(vals, Decimal(0)) / len(vals)).quantize(Decimal("0.01"))
    return out


def appraisal_out(ap: Appraisal, visible: bool) -> AppraisalOut:
    """An appraisal's status; its scores and grades only when ``visible`` to the viewer."""
    return AppraisalOut(
        employee=ap.name,
        position=ap.position,
        status="complete" if ap.complete else "pending",
        visible=visible,
        score=ap.score if visible else None,
        grade=ap.grade if visible else None,
        final_grade=ap.final_grade if visible else None,
        raters_done=ap.done,
        raters_missing=ap.missing,
        criteria=_criteria_means(ap) if visible else {},
    )


def sheet_out(s: SheetData, ap: Appraisal, m: Manual, lang: str) -> SheetOut:
    """One sheet with each score's level and the descriptor it stands for."""
    bands = bands_of(m)
    tz = zone(m.calendar.timezone)
    scores = []
    for c in ap.rubric.criteria:
        if c.id not in s.scores:
            continue
        level = level_for(s.scores[c.id], bands)
        scores.append(
            ScoreOut(
                criterion=c.id,
                name=localize(c.name.zh, c.name.en, lang),
                weight=c.weight,
                score=s.scores[c.id],
                given_as=s.given.get(c.id),
                level=level,
                descriptor=localize(c.levels[level].zh, c.levels[level].en, lang),
            )
        )
    assert s.at is not None, "a sheet loaded with detail has its time"
    return SheetOut(
        rater=s.rater,
        rater_position=s.rater_position,
        version=s.version,
        current=s.current,
        at=s.at.astimezone(tz),
        note=s.note,
        entered_by=s.entered_by,
        total=s.total.quantize(Decimal("0.01")),
        scores=scores,
    )


def calibration_out(
    c: Mapping[str, Any], cycle_id: str, names: Mapping[int, str], tz: ZoneInfo
) -> CalibrationOut:
    """A calibration row (the ``calibration`` table's columns) as shown."""
    return CalibrationOut(
        employee=names[c["employee_id"]],
        cycle=cycle_id,
        by=names[c["by_id"]],
        at=c["at"].astimezone(tz),
        computed_grade=c["computed_grade"],
        before=c["grade_before"],
        after=c["grade_after"],
        reason=c["reason"],
    )


def cycle_out(m: Manual, row: Row[Any], counted: Progress, names: Mapping[int, str]) -> CycleOut:
    """A cycle row with its progress."""
    kinds = {k.id: k for k in m.appraisal.cycle_kinds}
    tz = zone(m.calendar.timezone)
    return CycleOut(
        id=row.id,
        kind=row.kind_id,
        forced_distribution=kinds[row.kind_id].forced_distribution,
        status=row.status,
        opened_at=row.opened_at.astimezone(tz),
        closed_at=row.closed_at.astimezone(tz) if row.closed_at else None,
        closed_by=names.get(row.closed_by_id) if row.closed_by_id is not None else None,
        close_override=row.close_override,
        members=counted.members,
        complete=counted.complete,
        pending=counted.pending,
    )
