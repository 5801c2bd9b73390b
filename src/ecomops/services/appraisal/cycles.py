"""Opening, listing and closing appraisal cycles (a month, a quarter, the year-end)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, insert, literal, select, update
from sqlalchemy.engine import Row

from ecomops.core.cycles import parse_cycle_id
from ecomops.db import locks
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, Suggest
from ecomops.handbook.model import Manual
from ecomops.services.appraisal.outputs import cycle_out
from ecomops.services.appraisal.quota import build_quota
from ecomops.services.appraisal.state import CM, CY, ST, Progress, find_cycle, progress
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import require
from ecomops.views import CycleOut


def _counted(session: Session, m: Manual, rows: Sequence[Row[Any]]) -> dict[str, Progress]:
    """Each cycle's progress: as stored when it closed (a closed cycle cannot change), else
    counted now."""
    out = {
        r.id: Progress(r.closed_members, r.closed_complete)
        for r in rows
        if r.status == "closed" and r.closed_members is not None
    }
    return {**progress(session, m, [r.id for r in rows if r.id not in out]), **out}


def _one(session: Session, cycle_id: str) -> CycleOut:
    m = current(session).manual
    row = session.connection().execute(select(CY).where(CY.c.id == cycle_id)).one()
    return cycle_out(m, row, _counted(session, m, [row])[cycle_id], staff_names(session))


def cycle_open(
    session: Session, cycle: str, *, actor: Actor, year_end: bool, now: datetime
) -> CycleOut:
    """Open cycle ``cycle``; everyone active in a rated position becomes a member."""
    require(session, actor, "open_cycle")
    m = current(session).manual
    cid, kind = parse_cycle_id(cycle, year_end=year_end)
    conn = session.connection()
    locks.cycle(conn, cid)  # a second opener waits, then finds it open
    existing = conn.execute(select(CY.c.status).where(CY.c.id == cid)).scalar()
    if existing is not None:
        raise InvalidInput(
            f"cycle {cid} already exists ({existing})",
            "see: {command}",
            suggest=Suggest("cycle.list"),
        )
    conn.execute(insert(CY).values(id=cid, kind_id=kind, status="open", opened_at=now))
    rated = [p.id for p in m.positions if p.rubric is not None]
    conn.execute(
        insert(CM).from_select(
            ["cycle_id", "staff_id", "position_id"],
            select(literal(cid, String(8)), ST.c.id, ST.c.position_id).where(
                ST.c.active, ST.c.position_id.in_(rated)
            ),
        )
    )
    return _one(session, cid)


def cycle_list(session: Session) -> list[CycleOut]:
    """Every cycle with its progress (counted in the database, not loaded)."""
    m = current(session).manual
    rows = session.connection().execute(select(CY).order_by(CY.c.id)).all()
    counted = _counted(session, m, rows)
    names = staff_names(session)
    return [cycle_out(m, r, counted[r.id], names) for r in rows]


def cycle_close(
    session: Session, cycle: str, *, actor: Actor, override: str | None, now: datetime
) -> CycleOut:
    """Close cycle ``cycle``: refused while the forced distribution is broken or an appraisal
    is pending, unless an ``override`` reason is given by someone who may override (kept)."""
    require(session, actor, "close_cycle")
    m = current(session).manual
    row = find_cycle(session, cycle, open_only=True, lock=True)
    report = build_quota(session, m, row, by="department", strict=None, viewer=None)
    final = progress(session, m, [row.id])[row.id]
    reason = override.strip() if override and override.strip() else None
    if not report.ok or final.pending:
        if reason is None:
            broken = "; ".join(
                f"{g.group}: {v.grades} {v.count} > {v.limit}"
                for g in report.groups
                for v in g.violations
            )
            raise InvalidInput(  # (two messages, so the catalog has each whole)
                f"cycle {row.id} breaks the forced distribution ({broken})"
                if not report.ok
                else f"cycle {row.id} has {final.pending} appraisals pending"
                if final.pending > 1
                else f"cycle {row.id} has 1 appraisal pending",
                "calibrate grades or finish the ratings (see: {command}; {command:1}), or close "
                "with an override reason",
                param="override",
                suggest=(
                    Suggest("quota.check", options={"cycle": row.id}),
                    Suggest("appraisals.list", options={"cycle": row.id}),
                ),
            )
        require(session, actor, "override_quota")
    else:
        reason = None  # nothing to override
    session.connection().execute(
        update(CY)
        .where(CY.c.id == row.id)
        .values(
            status="closed",
            closed_at=now,
            closed_by_id=actor.person.id if actor.person else None,
            close_override=reason,
            closed_members=final.members,
            closed_complete=final.complete,
        )
    )
    return _one(session, row.id)


def cycle_reopen(
    session: Session, cycle: str, *, actor: Actor, reason: str, now: datetime
) -> CycleOut:
    """Reopen closed cycle ``cycle`` for ``reason`` (kept with who and when): its sheets can be
    revised and its grades calibrated again."""
    require(session, actor, "reopen_cycle")
    if not reason.strip():
        raise InvalidInput("reopening a cycle needs a reason", "give the reason", param="reason")
    row = find_cycle(session, cycle, lock=True)
    if row.status != "closed":
        raise InvalidInput(f"cycle {row.id} is open", "only a closed cycle can be reopened")
    session.connection().execute(
        update(CY)
        .where(CY.c.id == row.id)
        .values(
            status="open",
            reopened_at=now,
            reopened_by_id=actor.person.id if actor.person else None,
            reopen_reason=reason.strip(),
            closed_members=None,
            closed_complete=None,
        )
    )
    return _one(session, row.id)
