"""An appraisal cycle's state as plain data: its members, their sheets, scores and grades.

Scores are computed from the current sheets on every read (nothing derived is stored), with
the pure rules of :mod:`ecomops.core.scoring`. Other services use the public names here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, select, text
from sqlalchemy.engine import Connection, Row

from ecomops.core.cycles import parse_cycle_id
from ecomops.core.grades import Band
from ecomops.core.permissions import About
from ecomops.core.scoring import final_score, grade_for, rater_total, round_score
from ecomops.db import locks, schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.handbook.model import Manual, Rubric
from ecomops.services.identity import Actor
from ecomops.services.people import Person
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import about_rated, may, require

CY = schema.cycle
CM = schema.cycle_member
SH = schema.sheet
SS = schema.sheet_score
CAL = schema.calibration
CR = schema.criterion
ST = schema.staff
ONE_MILLION = Decimal(1_000_000)


# --- plain data the rules work on ----------------------------------------------------------------


@dataclass
class SheetData:
    """One rater's sheet: its scores (``given``: the grade letter a score was given as)."""

    id: int
    rater_id: int
    rater: str
    rater_position: str
    version: int
    current: bool
    at: datetime | None
    note: str | None
    scores: dict[str, Decimal]
    given: dict[str, str | None]
    total: Decimal = Decimal(0)
    #: who entered it on the rater's behalf (None: the rater)
    entered_by: str | None = None


@dataclass
class Appraisal:
    """A member's appraisal in a cycle: the current sheets (``history``: the superseded ones,
    when asked for), calibrations, and the score and grade once complete."""

    employee_id: int
    name: str
    position: str
    rubric: Rubric
    required: list[str]
    sheets: list[SheetData] = field(default_factory=list)
    history: list[SheetData] = field(default_factory=list)
    calibrations: list[dict[str, Any]] = field(default_factory=list)
    score: Decimal | None = None
    grade: str | None = None

    # a summary load (the quota, the report) keeps no sheets: the rater positions that sent
    # one, how many current sheets, and the score computed from the database's sums
    have: set[str] | None = None
    sheet_count: int = 0
    # computed once, when first asked after loading (the sheets are all there by then)
    _missing: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def _have(self) -> set[str]:
        return self.have if self.have is not None else {s.rater_position for s in self.sheets}

    @property
    def done(self) -> list[str]:
        have = self._have()
        return [p for p in self.required if p in have]

    @property
    def missing(self) -> list[str]:
        if self._missing is None:
            have = self._have()
            self._missing = [p for p in self.required if p not in have]
        return self._missing

    @property
    def complete(self) -> bool:
        return bool(self.sheets or self.sheet_count) and not self.missing

    @property
    def final_grade(self) -> str | None:
        if not self.complete:
            return None
        if self.calibrations:
            return str(self.calibrations[-1]["grade_after"])
        return self.grade


def bands_of(m: Manual) -> list[Band]:
    """The handbook's grade bands, best first."""
    return [Band(g.id, g.min, g.max) for g in m.appraisal.grades]


def _score(ap: Appraisal, bands: Sequence[Band]) -> None:
    if any(s.scores for s in ap.sheets):  # else the totals were summed in the database
        weights = {c.id: c.weight for c in ap.rubric.criteria}
        for s in ap.sheets:
            if s.scores:
                s.total = rater_total(weights, s.scores)
    if ap.complete and ap.have is None:
        ap.score = final_score([s.total for s in ap.sheets])
        ap.grade = grade_for(ap.score, bands)


def may_see(session: Session, m: Manual, viewer: Actor, ap: Appraisal) -> bool:
    """Whether ``viewer`` may read ``ap``'s scores (the permission table's
    ``read_appraisal``: the person appraised, their raters in their reporting line, the
    general manager)."""
    if viewer.person is None:
        return viewer.keeper
    return may(session, viewer, "read_appraisal", about_rated(session, ap.employee_id, ap.required))


def _as_cycle_reader(session: Session, m: Manual, viewer: Actor, cycle_id: str) -> About:
    rater = viewer.person is not None and rates_in_cycle(session, m, viewer.person, cycle_id)
    return About(cycle_rater=rater)


def may_read_cycle(session: Session, m: Manual, viewer: Actor, cycle_id: str) -> bool:
    """Whether ``viewer`` may read the cycle's grade counts (``read_cycle``: its raters)."""
    return may(session, viewer, "read_cycle", _as_cycle_reader(session, m, viewer, cycle_id))


def require_cycle_reader(session: Session, m: Manual, viewer: Actor, cycle_id: str) -> None:
    """Refuse a viewer who may not read the cycle's counts (``read_cycle``: its raters)."""
    about = _as_cycle_reader(session, m, viewer, cycle_id)
    require(session, viewer, "read_cycle", about, what=cycle_id)


# --- lookups -------------------------------------------------------------------------------------


def find_cycle(
    session: Session,
    cycle: str,
    *,
    year_end: bool = False,
    open_only: bool = False,
    lock: bool = False,
) -> Row[Any]:
    """The cycle ``cycle`` (``2026-11``, ``2026-Q4``, ``2026``); ``open_only``: refused when
    it is closed. ``lock``: for a write to the cycle or its sheets, hold the cycle's lock
    first, so that the row read is the one the last writer committed."""
    cid, _ = parse_cycle_id(cycle, year_end=year_end)
    if lock:
        locks.cycle(session.connection(), cid)
    row = session.connection().execute(select(CY).where(CY.c.id == cid)).first()
    if row is None:
        raise NotFound(
            f"no appraisal cycle {cid}",
            "open it with: {command}",
            suggest=Suggest("cycle.open", (cid,)),
        )
    if open_only and row.status != "open":
        raise InvalidInput(f"cycle {cid} is closed; a closed cycle is read-only")
    return row


def rates_in_cycle(session: Session, m: Manual, viewer: Person, cycle_id: str) -> bool:
    """Whether the viewer's position rates anyone who is appraised in the cycle."""
    member_positions = (
        session.connection()
        .execute(select(CM.c.position_id).where(CM.c.cycle_id == cycle_id).distinct())
        .scalars()
    )
    return any(viewer.position_id in m.raters_of(m.position(p)) for p in member_positions)


# --- counting without loading --------------------------------------------------------------------


def counted_by_server(session: Session) -> bool:
    """Whether counts come from the server's functions (revision 0016): on PostgreSQL under a
    member's own role (bound to a person, not the keeper), row-level security hides rows that
    a count the role may know (complete, pending, the quota's verdict) is made of; the
    functions count every row and return counts only."""
    known = session.info.get("counted_by_server")
    if known is None:
        conn = session.connection()
        # a role bound to nobody (not the keeper either) reads no row, and is told nothing
        known = conn.dialect.name == "postgresql" and conn.execute(
            text("SELECT NOT ecomops_keeper() AND ecomops_me() IS NOT NULL")
        ).scalar_one()
        session.info["counted_by_server"] = known
    return bool(known)


@dataclass(frozen=True, slots=True)
class Progress:
    """How many members a cycle has and how many of their appraisals are complete."""

    members: int
    complete: int

    @property
    def pending(self) -> int:
        return self.members - self.complete


def progress(
    session: Session,
    m: Manual,
    cycle_ids: Iterable[str],
    *,
    employees: Collection[int] | None = None,
) -> dict[str, Progress]:
    """Each cycle's members and complete appraisals, counted in the database (one grouped
    query; nothing loaded per sheet). Complete means what :attr:`Appraisal.complete` says: a
    current sheet, and one from every rater position the member's position requires.
    ``employees`` (staff ids) counts only those people."""
    ids = sorted(set(cycle_ids))
    if not ids:
        return {}
    if employees is None and counted_by_server(session):
        counted = {
            cid: Progress(int(n), int(c))
            for cid, n, c in session.connection().execute(
                text("SELECT cycle_id, members, complete FROM ecomops_cycle_progress(:ids)"),
                {"ids": ids},
            )
        }
        return {cid: counted.get(cid, Progress(0, 0)) for cid in ids}
    rated = {p.id: m.raters_of(p) for p in m.positions if p.rubric is not None}
    if not rated:
        return {cid: Progress(0, 0) for cid in ids}
    conn = session.connection()
    pairs = [(pos, r) for pos, raters in rated.items() for r in raters]
    # per member: is there any current sheet, and how many required rater positions sent one
    required = (
        case(
            *[(and_(CM.c.position_id == pos, SH.c.rater_position_id == r), SH.c.rater_position_id)
              for pos, r in pairs],
            else_=None,
        )
        if pairs
        else None
    )
    need = case(
        *[(CM.c.position_id == pos, len(raters)) for pos, raters in rated.items()], else_=0
    )
    columns = [CM.c.cycle_id, CM.c.staff_id, need.label("need"), func.count(SH.c.id).label("any")]
    if required is not None:
        columns.append(func.count(func.distinct(required)).label("have"))
    query = select(*columns).select_from(
        CM.outerjoin(
            SH,
            and_(
                SH.c.cycle_id == CM.c.cycle_id,
                SH.c.employee_id == CM.c.staff_id,
                SH.c.is_current,
            ),
        )
    )
    query = query.where(CM.c.cycle_id.in_(ids), CM.c.position_id.in_(sorted(rated)))
    if employees is not None:
        query = query.where(CM.c.staff_id.in_(sorted(employees)))
    member = query.group_by(CM.c.cycle_id, CM.c.staff_id, CM.c.position_id).subquery()
    have = member.c.have if required is not None else literal(0)
    done = case((and_(member.c["any"] > 0, have == member.c.need), 1), else_=0)
    rows = conn.execute(
        select(member.c.cycle_id, func.count(), func.sum(done)).group_by(member.c.cycle_id)
    ).all()
    found = {cid: Progress(int(n), int(c or 0)) for cid, n, c in rows}
    return {cid: found.get(cid, Progress(0, 0)) for cid in ids}


# --- loading -------------------------------------------------------------------------------------


def _hundredths() -> tuple[Any, Any]:
    """(Σ (100·weight)(100·score), Σ 100·weight) over a query's scores, in exact integers."""
    w = func.cast(func.round(CR.c.weight * 100), Integer)
    sc = func.cast(func.round(SS.c.score * 100), Integer)
    return func.sum(w * sc), func.sum(w)


def _with_weights(q: Any) -> Any:
    """``q`` joined to each score and its criterion's weight."""
    return q.join(SS, SS.c.sheet_id == SH.c.id).join(
        CR, and_(CR.c.rubric_id == SS.c.rubric_id, CR.c.id == SS.c.criterion_id)
    )


def _summaries(conn: Connection, m: Manual, out: dict[int, Appraisal], cond: list) -> set[int]:
    """Fill in each member's rater positions, sheet count and score from one aggregate over
    the scores (10k people: one row each); returns whom it could not (see below).

    Exact, and equal to the Python path: with the rubric's weights summing to 100 (the
    handbook says so) every complete sheet weighs Σ 100·weight = 10,000, so a sheet's total is
    num / 10^6 exactly (num = Σ (100·weight)(100·score)), and the mean of k totals is the one
    division Σnum / (10^6·k), rounded half-up as :func:`final_score` does. A member whose
    weights do not add up so (a sheet short of a criterion) is left to the per-sheet path."""
    raters = sorted({r for p in m.positions for r in m.raters_of(p)})
    present = [func.sum(case((SH.c.rater_position_id == r, 1), else_=0)) for r in raters]
    rows = conn.execute(
        _with_weights(
            select(SH.c.employee_id, func.count(func.distinct(SH.c.id)), *_hundredths(), *present)
        )
        .where(*cond, SH.c.is_current)
        .group_by(SH.c.employee_id)
    ).all()
    bands = bands_of(m)
    left: set[int] = set()
    for employee, k, num, den, *counts in rows:
        ap = out.get(employee)
        if ap is None:
            continue
        if int(den) != 10_000 * k:
            left.add(employee)
            continue
        ap.sheet_count = k
        ap.have = {r for r, n in zip(raters, counts, strict=True) if n}
        if ap.complete:
            ap.score = round_score(Decimal(int(num)) / (ONE_MILLION * k))
            ap.grade = grade_for(ap.score, bands)
    return left


def _sheet_totals(conn: Connection, cond: list) -> Sequence[Any]:
    """Each sheet's rater total, summed in the database in whole hundredths (exact: no
    floats): Σ (100·weight)(100·score) / Σ 100·weight / 100 = Σ weight·score / Σ weight."""
    return conn.execute(
        _with_weights(
            select(
                SH.c.id,
                SH.c.employee_id,
                SH.c.rater_id,
                SH.c.rater_position_id,
                SH.c.is_current,
                *_hundredths(),
            )
        )
        .where(*cond)
        .group_by(SH.c.id, SH.c.employee_id, SH.c.rater_id, SH.c.rater_position_id, SH.c.is_current)
        .order_by(SH.c.id)
    ).all()


def load_cycle(
    session: Session,
    m: Manual,
    cycle_id: str,
    *,
    employee_ids: set[int] | None = None,
    history: bool = False,
    detail: bool = True,
) -> dict[int, Appraisal]:
    """Every member's appraisal in a cycle, scored. ``detail``: with each sheet's scores,
    time, note and version (the quota and the report need only the totals); ``history``
    (with detail): the superseded sheets too."""
    if history and not detail:
        raise ValueError("the history of sheets is loaded with detail")
    conn = session.connection()
    names = staff_names(session)
    rubrics = {r.id: r for r in m.appraisal.rubrics}
    positions = {p.id: p for p in m.positions}
    raters = {p.id: m.raters_of(p) for p in m.positions if p.rubric is not None}
    members = conn.execute(
        select(CM.c.staff_id, CM.c.position_id).where(CM.c.cycle_id == cycle_id)
    ).all()
    out: dict[int, Appraisal] = {}
    for staff_id, position_id in members:
        if employee_ids is not None and staff_id not in employee_ids:
            continue
        pos = positions.get(position_id)
        if pos is None or pos.rubric is None:
            continue
        out[staff_id] = Appraisal(
            staff_id, names[staff_id], position_id, rubrics[pos.rubric], raters[position_id]
        )
    cond = [SH.c.cycle_id == cycle_id]
    if not history:
        cond.append(SH.c.is_current)
    if employee_ids is not None:
        cond.append(SH.c.employee_id.in_(employee_ids))
    if detail:
        _load_sheets(conn, out, cond, names)
    else:
        left = _summaries(conn, m, out, cond)
        if left:
            _load_totals(conn, out, [*cond, SH.c.employee_id.in_(sorted(left))], names)
    cal_cond = [CAL.c.cycle_id == cycle_id]
    if employee_ids is not None:
        cal_cond.append(CAL.c.employee_id.in_(employee_ids))
    for r in conn.execute(select(CAL).where(*cal_cond).order_by(CAL.c.id)).mappings():
        if r["employee_id"] in out:
            out[r["employee_id"]].calibrations.append(dict(r))
    bands = bands_of(m)
    for ap in out.values():
        _score(ap, bands)
        if ap.history:
            weights = {c.id: c.weight for c in ap.rubric.criteria}
            for s in ap.history:
                s.total = rater_total(weights, s.scores)
    if not detail and counted_by_server(session):
        _complete_as_counted(conn, out, cycle_id)
    return out


def _complete_as_counted(conn: Connection, out: dict[int, Appraisal], cycle_id: str) -> None:
    """Under row-level security: each member's complete-or-pending as the server counts it
    over every sheet (one the role may not read is complete without a score here)."""
    rows = conn.execute(
        text("SELECT employee_id, complete FROM ecomops_cycle_status(:c)"), {"c": cycle_id}
    )
    for employee, complete in rows:
        ap = out.get(employee)
        if ap is not None and complete and not ap.complete:
            ap.have = set(ap.required)
            ap.sheet_count = max(ap.sheet_count, 1)
            ap._missing = None


def _load_sheets(
    conn: Connection, out: dict[int, Appraisal], cond: list, names: dict[int, str]
) -> None:
    sheets: dict[int, SheetData] = {}
    owner: dict[int, int] = {}
    for r in conn.execute(select(SH).where(*cond).order_by(SH.c.id)):
        if r.employee_id not in out:
            continue
        sheets[r.id] = SheetData(
            r.id,
            r.rater_id,
            names[r.rater_id],
            r.rater_position_id,
            r.version,
            r.is_current,
            r.created_at,
            r.note,
            {},
            {},
            entered_by=names[r.entered_by_id] if r.entered_by_id is not None else None,
        )
        owner[r.id] = r.employee_id
    score_rows = conn.execute(
        select(SS.c.sheet_id, SS.c.criterion_id, SS.c.score, SS.c.level)
        .join(SH, SH.c.id == SS.c.sheet_id)
        .where(*cond)
    )
    for sheet_id, crit, score, level in score_rows:
        if sheet_id in sheets:
            sheets[sheet_id].scores[crit] = Decimal(score)
            sheets[sheet_id].given[crit] = level
    for sid, s in sheets.items():
        ap = out[owner[sid]]
        (ap.sheets if s.current else ap.history).append(s)


def _load_totals(
    conn: Connection, out: dict[int, Appraisal], cond: list, names: dict[int, str]
) -> None:
    hundred = Decimal(100)
    per_employee: dict[int, list[SheetData]] = defaultdict(list)
    for sid, employee, rater, rater_pos, is_current, num, den in _sheet_totals(conn, cond):
        if employee not in out or not is_current:
            continue
        total = Decimal(int(num)) / Decimal(int(den)) / hundred
        per_employee[employee].append(
            SheetData(sid, rater, names[rater], rater_pos, 0, True, None, None, {}, {}, total)
        )
    for employee, sheets in per_employee.items():
        out[employee].sheets.extend(sheets)
