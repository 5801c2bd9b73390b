"""Rating a person: one sheet per rater, a revision keeps the old version (§6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, insert, select, update

from ecomops.core.scoring import Rating, rating_points
from ecomops.db.bulk import insert_rows, next_ids
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed
from ecomops.handbook.model import Manual, Rubric
from ecomops.services.appraisal.outputs import appraisal_out, sheet_out
from ecomops.services.appraisal.state import CM, SH, SS, find_cycle, load_cycle
from ecomops.services.handbook import current, find_criterion
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.permissions import about_person, position_label, require
from ecomops.views import RatedOut

#: one sheet to write: (employee id, rater id, rater position, rubric id, scores, given as,
#: note, entered by (None: by the rater))
SheetItem = tuple[
    int, int, str, str, dict[str, Decimal], dict[str, str | None], str | None, int | None
]


def check_rater(
    session: Session, m: Manual, position: str, employee: Person, rater: Person
) -> None:
    """Refuse a rater who is the person rated, whose position the rubric does not name, or
    who is not in the person's reporting line (the permission table's ``rate``)."""
    if rater.id == employee.id:
        raise InvalidInput("nobody rates themselves", "ask one of your raters")
    allowed = m.raters_of(m.position(position))
    if rater.position_id not in allowed:
        from ecomops import i18n

        # in English the ids (what --position takes), in Chinese the manual's names
        rater_position = position_label(m, rater.position_id)
        rated = position_label(m, position)
        names = ("、" if i18n.current() != "en" else ", ").join(
            position_label(m, p) for p in allowed
        ) or i18n.gettext("nobody")
        raise NotAllowed(
            f"{rater.name} ({rater_position}) does not rate {rated}s",
            f"the handbook names: {names}",
        )
    about = about_person(session, m, employee, position)
    require(session, Actor.of(rater), "rate", about, what=employee.name)


def scores_for(
    m: Manual, rubric: Rubric, ratings: Mapping[str, Rating], lang: str = "zh"
) -> tuple[dict[str, Decimal], dict[str, str | None]]:
    """Ratings by criterion (id or any of its names) as scores by criterion id, with the
    grade letter each was given as; every criterion of the rubric, once (an unknown one is
    refused, listing the criteria in the script of ``lang``)."""
    points = {g.id: g.points for g in m.appraisal.grades}
    out: dict[str, Decimal] = {}
    given: dict[str, str | None] = {}
    for name, value in ratings.items():
        crit = find_criterion(rubric, name, lang)
        if crit.id in out:
            raise InvalidInput(f"criterion {crit.id} is given twice", "give each criterion once")
        out[crit.id], given[crit.id] = rating_points(value, points, f"{crit.id}: ")
    left = [c for c in rubric.criteria if c.id not in out]
    if left:
        # in Chinese by the rubric's names, each with its id (what -l/-s also take)
        from ecomops.text import localize

        missing = (
            ", ".join(c.id for c in left)
            if lang == "en"
            else "、".join(f"{localize(c.name.zh, c.name.en, lang)}({c.id})" for c in left)
        )
        raise InvalidInput(
            f"no score for {missing}",
            f"the {rubric.id} rubric has {len(rubric.criteria)} criteria; give every one",
        )
    return out, given


def _ensure_member(session: Session, m: Manual, cycle_id: str, employee: Person) -> str:
    conn = session.connection()
    pos = conn.execute(
        select(CM.c.position_id).where(CM.c.cycle_id == cycle_id, CM.c.staff_id == employee.id)
    ).scalar()
    if pos is not None:
        return str(pos)
    position = m.position(employee.position_id)
    if position.rubric is None:
        raise InvalidInput(f"{employee.name} ({employee.position_id}) is not appraised")
    conn.execute(
        insert(CM).values(cycle_id=cycle_id, staff_id=employee.id, position_id=employee.position_id)
    )
    return employee.position_id


def rubric_of(session: Session, employee: Person | str) -> tuple[Rubric, Manual]:
    """The rubric ``employee`` (active) is rated on, with the handbook in force."""
    m = current(session).manual
    emp = resolve(session, employee)
    pos = m.position(emp.position_id)
    if pos.rubric is None:
        raise InvalidInput(f"{emp.name} ({pos.id}) is not appraised")
    return m.rubric(pos.rubric), m


def rate(
    session: Session,
    *,
    cycle: str,
    employee: Person | str,
    rater: Actor,
    ratings: Mapping[str, Rating],
    note: str | None,
    now: datetime,
    lang: str,
) -> RatedOut:
    """The person ``rater`` acts as rates ``employee`` in an open cycle: a rating (a score
    0–100 or a grade letter) for every criterion of the rubric, by criterion id or name. A
    second sheet from the same rater is a new version; the old one is kept."""
    m = current(session).manual
    row = find_cycle(session, cycle, open_only=True, lock=True)
    emp = resolve(session, employee)
    who = resolve(session, rater.required(), role="rater")
    position = _ensure_member(session, m, row.id, emp)
    if rater.caller is not None and rater.caller.id == emp.id:
        raise InvalidInput("nobody rates themselves", "not even on another's behalf")
    check_rater(session, m, position, emp, who)
    entered_by = rater.caller.id if rater.caller and rater.caller.id != who.id else None
    rubric_id = m.position(position).rubric
    assert rubric_id is not None, "a member's position has a rubric"
    rubric = m.rubric(rubric_id)
    values, given = scores_for(m, rubric, ratings, lang)
    write_sheets(
        session,
        row.id,
        [(emp.id, who.id, who.position_id, rubric.id, values, given, note, entered_by)],
        now,
    )
    ap = load_cycle(session, m, row.id, employee_ids={emp.id})[emp.id]
    mine = next(s for s in ap.sheets if s.rater_id == who.id)
    return RatedOut(sheet=sheet_out(mine, ap, m, lang), appraisal=appraisal_out(ap, True))


def write_sheets(
    session: Session, cycle_id: str, items: Sequence[SheetItem], now: datetime
) -> int:
    """Insert new sheet versions in bulk (Core executemany), retiring the current ones."""
    conn = session.connection()
    pairs = {(e, r) for e, r, *_ in items}
    latest: dict[tuple[int, int], int] = {}
    for e, r, v in conn.execute(
        select(SH.c.employee_id, SH.c.rater_id, func.max(SH.c.version))
        .where(SH.c.cycle_id == cycle_id)
        .group_by(SH.c.employee_id, SH.c.rater_id)
    ):
        if (e, r) in pairs:
            latest[(e, r)] = v
    if latest:
        retire = [{"e": e, "r": r} for (e, r) in latest]
        conn.execute(
            update(SH)
            .where(
                and_(
                    SH.c.cycle_id == cycle_id,
                    SH.c.employee_id == bindparam("e"),
                    SH.c.rater_id == bindparam("r"),
                    SH.c.is_current,
                )
            )
            .values(is_current=False),
            retire,
        )
    sheet_cols = (
        "cycle_id",
        "employee_id",
        "rater_id",
        "rater_position_id",
        "version",
        "is_current",
        "note",
        "created_at",
        "entered_by_id",
    )
    rows = [
        (cycle_id, e, r, rp, latest.get((e, r), 0) + 1, True, note, now, by)
        for e, r, rp, _rub, _vals, _given, note, by in items
    ]
    ids = next_ids(conn, SH, len(rows))
    if ids is not None:  # SQLite: this transaction holds the write lock; the ids are ours
        insert_rows(
            conn, SH, ("id", *sheet_cols), [(i, *r) for i, r in zip(ids, rows, strict=True)]
        )
    else:
        stmt = insert(SH).returning(SH.c.id, sort_by_parameter_order=True)
        dicts = [dict(zip(sheet_cols, r, strict=True)) for r in rows]
        ids = list(conn.execute(stmt, dicts).scalars().all())
    insert_rows(
        conn,
        SS,
        ("sheet_id", "criterion_id", "rubric_id", "score", "level"),
        [
            (sid, c, rub, vals[c], given.get(c))
            for sid, (_e, _r, _rp, rub, vals, given, _n, _by) in zip(ids, items, strict=True)
            for c in vals
        ],
    )
    return len(ids)
