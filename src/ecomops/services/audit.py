"""The audit trail: one entry per write command, in the command's own transaction."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ecomops.clock import zone
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.identity import Actor
from ecomops.services.handbook import current
from ecomops.views import AuditOut

AU = schema.audit


def _plain(value):
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def record(conn: Connection, *, command: str, params: dict, actor: Actor, now: datetime) -> None:
    """Record one write command: who, when, which command, and its parameters."""
    details = {
        k: _plain(v)
        for k, v in sorted(params.items())
        if v not in (None, False, [], ()) and k not in ("db", "database_url", "as_json")
    }
    conn.execute(
        insert(AU).values(at=now, actor=actor.name, command=command, details=details)
    )


def audit_list(session: Session, *, since: date | None, limit: int | None) -> list[AuditOut]:
    """The audit trail, oldest first: from the day ``since``, the last ``limit`` entries."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    q = select(AU).order_by(AU.c.id)
    if since:
        start = datetime.combine(since, datetime.min.time(), tzinfo=tz)
        q = q.where(AU.c.at >= start)
    rows = session.connection().execute(q).all()
    if limit:
        rows = rows[-limit:]
    return [
        AuditOut(
            id=r.id, at=r.at.astimezone(tz), actor=r.actor, command=r.command, details=r.details
        )
        for r in rows
    ]
