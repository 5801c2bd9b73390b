"""The audit trail: one entry per write command, in the command's own transaction.

An entry holds who (the caller, and the person acted for), the real time, the command and the
identifiers it touched, taken from an allow-list per command: never a score, level, note,
reason or password (a database URL is kept with its password hidden).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ecomops.clock import zone
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.permissions import require
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


#: the parameters each write command's entry keeps: what it touched, nothing it was told
ALLOWED: dict[str, tuple[str, ...]] = {
    "init": ("manual", "year", "simulated_clock", "since"),
    "demo": ("people", "months", "seed"),
    "staff add": ("name", "position", "manager", "login", "joined"),
    "staff edit": ("name", "position", "manager", "login", "joined", "effective"),
    "staff import": ("file", "update", "deactivate_missing"),
    "staff link": ("name", "login"),
    "staff deactivate": ("name", "left"),
    "staff reactivate": ("name", "effective"),
    "staff company-mail": ("domain", "from_"),
    "cycle open": ("cycle", "year_end"),
    "cycle close": ("cycle",),
    "cycle reopen": ("cycle",),
    "appraise": ("employee", "cycle", "from_"),
    "calibrate": ("employee", "cycle"),
    "plan submit": ("week", "month", "received_at", "department"),
    "plan send": ("name", "week", "month", "department"),
    "plan collect": ("since", "move_to", "recorded", "skipped", "already"),
    "leave request": ("from_", "to", "kind", "special"),
    "leave approve": ("leave",),
    "leave decline": ("leave",),
    "handover add": ("to", "start", "end"),
    "handover ack": ("handover",),
    "visitor add": ("approved_by", "escort", "at"),
    "visitor leave": ("visit", "at"),
    "tasks add": ("owner", "due", "goal", "past"),
    "tasks start": ("task",),
    "tasks done": ("task",),
    "tasks reopen": ("task",),
    "tasks cancel": ("task",),
    "tasks assign": ("task", "owner"),
    "tasks due": ("task", "due", "past"),
    "db backup": ("path",),
    "db restore": ("path",),
    "db copy": ("to",),
    "db grant": ("name", "login", "no_password", "host", "port", "sslmode"),
    "calendar load": ("file", "year"),
    "remind": ("reminders_sent", "reminders_failed", "messages_sent", "messages_failed"),
}


def _safe(value: object) -> object:
    """A parameter as stored: plain JSON, a database URL with its password hidden."""
    plain = _plain(value)
    if isinstance(plain, str) and "://" in plain:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(plain)
        except (ArgumentError, ValueError):
            return "(a URL)"
        query = {k: ("***" if "pass" in k.lower() else v) for k, v in url.query.items()}
        return url.set(query=query).render_as_string(hide_password=True)
    return plain


def details_of(command: str, params: dict[str, object]) -> dict[str, object]:
    """What an entry keeps of a command's parameters (``ALLOWED``; nothing for others)."""
    return {
        k: _safe(params[k])
        for k in sorted(ALLOWED.get(command, ()))
        if params.get(k) not in (None, False, [], ())
    }


def record(
    conn: Connection, *, command: str, params: dict[str, object], actor: Actor, now: datetime
) -> None:
    """Record one write command: who (and for whom), when, which command, what it touched."""
    acted_for = actor.acted_for
    entry = dict(
        at=now,
        actor=actor.name,
        acted_for=acted_for.name if acted_for is not None else None,
        command=command,
        details=details_of(command, params),
    )
    # inline: no RETURNING, which row-level security would check against the reading rule
    # (a member writes the trail's entry for their own command, but may not read the trail)
    conn.execute(insert(AU).inline().values(**entry))


def audit_list(
    session: Session, *, actor: Actor, since: date | None, limit: int | None
) -> list[AuditOut]:
    """The audit trail, oldest first: from the day ``since``, the last ``limit`` entries; for
    those who may read it (``read_audit``)."""
    require(session, actor, "read_audit")
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
            id=r.id,
            at=r.at.astimezone(tz),
            actor=r.actor,
            acted_for=r.acted_for,
            command=r.command,
            details=r.details,
        )
        for r in rows
    ]
