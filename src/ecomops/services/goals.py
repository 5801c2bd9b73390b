"""The monthly goals (§7.2) and their progress: the share of their tasks done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, func, select

from ecomops.core import tasks as task_rules
from ecomops.core.calendar import Month
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.services.handbook import current
from ecomops.text import localize
from ecomops.views import GoalOut, GoalProgressOut

TK = schema.task


def goals_list(session: Session, *, month: Month | None, lang: str) -> list[GoalOut]:
    """The goals (of one month, when given), each with its due date and its progress."""
    cur = current(session)
    out = []
    for gid, gm, n, item in cur.manual.goal_items():
        if month is not None and (cur.year, gm.month) != tuple(month):
            continue
        out.append(
            GoalOut(
                id=gid,
                month=str(Month(cur.year, gm.month)),
                number=n,
                text=localize(item.zh, item.en, lang),
                due=goal_due(cur.year, gm.month),
            )
        )
    progress = goal_progress(session, [g.id for g in out])
    return [g.model_copy(update={"progress": progress.get(g.id)}) for g in out]


def goal_due(year: int, month: int) -> date:
    """A monthly goal is due on the last day of its month."""
    return task_rules.month_end(year, month)


def goal_progress(session: Session, goal_ids: Iterable[str]) -> dict[str, GoalProgressOut]:
    """Each goal's share of tasks done (its own task, the tasks serving it, and by hand); a
    cancelled task is no longer part of it."""
    ids = list(goal_ids)
    rows = (
        session.connection()
        .execute(
            select(TK.c.goal_id, func.count(), func.sum((TK.c.status == "done").cast(Integer)))
            .where(TK.c.goal_id.in_(ids), TK.c.status != "cancelled")
            .group_by(TK.c.goal_id)
        )
        .all()
        if ids
        else []
    )
    out = {}
    for gid, total, done in rows:
        done = int(done or 0)
        out[gid] = GoalProgressOut(
            done=done, total=total, share=(Decimal(done) / total).quantize(Decimal("0.01"))
        )
    return out
