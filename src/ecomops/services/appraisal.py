"""Appraisals (§6): cycles, rating sheets, scores and grades, the quota, calibration.

Scores are computed from the current sheets on every read (nothing derived is stored), with
the pure rules of :mod:`ecomops.core.scoring` and :mod:`ecomops.core.quota`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    update,
)

from ecomops.clock import zone
from ecomops.core import quota as q
from ecomops.core.cycles import parse_cycle_id
from ecomops.core.grades import Band
from ecomops.core.scoring import final_score, grade_for, level_for, rater_total, round_score
from ecomops.db import schema
from ecomops.db.bulk import insert_rows, next_ids
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound
from ecomops.handbook.model import Manual, Rubric
from ecomops.services.files import read_text
from ecomops.services.manual import current, find_criterion
from ecomops.services.people import find_person as _person
from ecomops.services.people import names as _names
from ecomops.text import key, localize
from ecomops.views import (
    AppraisalDetailOut,
    AppraisalOut,
    BulkRatedOut,
    CalibrationOut,
    CycleOut,
    MoveOut,
    QuotaGroupOut,
    QuotaOut,
    RatedOut,
    ScoreOut,
    SheetOut,
    ViolationOut,
)

CY = schema.cycle
CM = schema.cycle_member
SH = schema.sheet
SS = schema.sheet_score
CAL = schema.calibration
ST = schema.staff
MAX_SHEETS_PER_IMPORT = 1_000_000


# --- plain data the rules work on ----------------------------------------------------------------


@dataclass
class SheetData:
    id: int
    rater_id: int
    rater: str
    rater_position: str
    version: int
    current: bool
    at: datetime
    note: str | None
    scores: dict[str, Decimal]
    given: dict[str, str | None]
    total: Decimal = Decimal(0)


@dataclass
class Appraisal:
    employee_id: int
    name: str
    position: str
    rubric: Rubric
    required: list[str]
    sheets: list[SheetData] = field(default_factory=list)
    calibrations: list[dict] = field(default_factory=list)
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
        return self.calibrations[-1]["grade_after"] if self.calibrations else self.grade


def bands_of(m: Manual) -> list[Band]:
    return [Band(g.id, g.min, g.max) for g in m.appraisal.grades]


def _score(ap: Appraisal, m: Manual, bands: list[Band] | None = None) -> None:
    if any(s.scores for s in ap.sheets):  # else the totals were summed in the database
        weights = {c.id: c.weight for c in ap.rubric.criteria}
        for s in ap.sheets:
            if s.scores:
                s.total = rater_total(weights, s.scores)
    if ap.complete and ap.have is None:
        ap.score = final_score([s.total for s in ap.sheets])
        ap.grade = grade_for(ap.score, bands if bands is not None else bands_of(m))


# --- lookups -------------------------------------------------------------------------------------


def _cycle(session: Session, text: str, *, year_end: bool = False, open_only: bool = False):
    cid, _ = parse_cycle_id(text, year_end=year_end)
    row = session.connection().execute(select(CY).where(CY.c.id == cid)).first()
    if row is None:
        raise NotFound(f"no appraisal cycle {cid}", f"open it with: ecomops cycle open {cid}")
    if open_only and row.status != "open":
        raise InvalidInput(f"cycle {cid} is closed; a closed cycle is read-only")
    return row


ONE_MILLION = Decimal(1_000_000)
CR = schema.criterion


def _hundredths():
    """(Σ (100·weight)(100·score), Σ 100·weight) over a query's scores, in exact integers."""
    w = func.cast(func.round(CR.c.weight * 100), Integer)
    sc = func.cast(func.round(SS.c.score * 100), Integer)
    return func.sum(w * sc), func.sum(w)


def _with_weights(q):
    """``q`` joined to each score and its criterion's weight."""
    return q.join(SS, SS.c.sheet_id == SH.c.id).join(
        CR, and_(CR.c.rubric_id == SS.c.rubric_id, CR.c.id == SS.c.criterion_id)
    )


def _summaries(conn, m: Manual, out: dict[int, Appraisal], cond: list) -> set[int]:
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


def _sheet_totals(conn, cond: list) -> list:
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
    """Every member's appraisal in a cycle, scored (``detail``: with each sheet's time, note
    and version, which the quota does not need)."""
    conn = session.connection()
    names = _names(session)
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
    sheets: dict[int, SheetData] = {}
    owner: dict[int, int] = {}
    if detail:
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
    else:
        left = _summaries(conn, m, out, cond) if not history else set(out)
        cond.append(SH.c.employee_id.in_(sorted(left)))
        totals = _sheet_totals(conn, cond) if left else []
    history_sheets: dict[int, list[SheetData]] = defaultdict(list)
    if detail:
        for sid, s in sheets.items():
            (out[owner[sid]].sheets if s.current else history_sheets[owner[sid]]).append(s)
    else:
        hundred = Decimal(100)
        for sid, employee, rater, rater_pos, is_current, num, den in totals:
            ap = out.get(employee)
            if ap is None:
                continue
            sheet = SheetData(
                sid,
                rater,
                names[rater],
                rater_pos,
                0,
                is_current,
                None,
                None,
                {},
                {},  # type: ignore[arg-type]
                Decimal(int(num)) / Decimal(int(den)) / hundred,
            )
            (ap.sheets if is_current else history_sheets[employee]).append(sheet)
    cal_cond = [CAL.c.cycle_id == cycle_id]
    if employee_ids is not None:
        cal_cond.append(CAL.c.employee_id.in_(employee_ids))
    for r in conn.execute(select(CAL).where(*cal_cond).order_by(CAL.c.id)).mappings():
        if r["employee_id"] in out:
            out[r["employee_id"]].calibrations.append(dict(r))
    bands = bands_of(m)
    for ap in out.values():
        _score(ap, m, bands)
        if history:
            weights = {c.id: c.weight for c in ap.rubric.criteria}
            for s in history_sheets[ap.employee_id]:
                s.total = rater_total(weights, s.scores)
            ap.sheets_history = history_sheets[ap.employee_id]  # type: ignore[attr-defined]
    return out


# --- views ---------------------------------------------------------------------------------------


def _may_see(viewer, ap: Appraisal) -> bool:
    return viewer.id == ap.employee_id or viewer.position_id in ap.required


def _criteria_means(ap: Appraisal) -> dict[str, Decimal]:
    if not ap.sheets:
        return {}
    out = {}
    for c in ap.rubric.criteria:
        vals = [s.scores[c.id] for s in ap.sheets if c.id in s.scores]
        if vals:
            out[c.id] = (sum(vals, Decimal(0)) / len(vals)).quantize(Decimal("0.01"))
    return out


def _appraisal_out(ap: Appraisal, visible: bool) -> AppraisalOut:
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


def _sheet_out(s: SheetData, ap: Appraisal, m: Manual, lang: str) -> SheetOut:
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
    return SheetOut(
        rater=s.rater,
        rater_position=s.rater_position,
        version=s.version,
        current=s.current,
        at=s.at.astimezone(tz),
        note=s.note,
        total=s.total.quantize(Decimal("0.01")),
        scores=scores,
    )


def _cal_out(c: dict, cycle_id: str, names: dict[int, str], tz) -> CalibrationOut:
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


def _cycle_out(session: Session, m: Manual, row) -> CycleOut:
    state = load_cycle(session, m, row.id)
    complete = sum(1 for ap in state.values() if ap.complete)
    kinds = {k.id: k for k in m.appraisal.cycle_kinds}
    names = _names(session)
    tz = zone(m.calendar.timezone)
    return CycleOut(
        id=row.id,
        kind=row.kind_id,
        forced_distribution=kinds[row.kind_id].forced_distribution,
        status=row.status,
        opened_at=row.opened_at.astimezone(tz),
        closed_at=row.closed_at.astimezone(tz) if row.closed_at else None,
        closed_by=names.get(row.closed_by_id),
        close_override=row.close_override,
        members=len(state),
        complete=complete,
        pending=len(state) - complete,
    )


# --- cycles --------------------------------------------------------------------------------------


def cycle_open(session: Session, text: str, *, year_end: bool, now: datetime) -> CycleOut:
    m = current(session).manual
    cid, kind = parse_cycle_id(text, year_end=year_end)
    conn = session.connection()
    existing = conn.execute(select(CY.c.status).where(CY.c.id == cid)).scalar()
    if existing is not None:
        raise InvalidInput(f"cycle {cid} already exists ({existing})", "see: ecomops cycle list")
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
    return _cycle_out(session, m, conn.execute(select(CY).where(CY.c.id == cid)).one())


def cycle_list(session: Session) -> list[CycleOut]:
    m = current(session).manual
    rows = session.connection().execute(select(CY).order_by(CY.c.id)).all()
    return [_cycle_out(session, m, r) for r in rows]


def cycle_close(
    session: Session, text: str, *, by: str, override: str | None, now: datetime
) -> CycleOut:
    m = current(session).manual
    row = _cycle(session, text, open_only=True)
    closer = _person(session, by)
    report = _quota(session, m, row, by="department", strict=None, viewer=None)
    if not report.ok and not (override and override.strip()):
        broken = "; ".join(
            f"{g.group}: {v.grades} {v.count} > {v.limit}"
            for g in report.groups
            for v in g.violations
        )
        raise InvalidInput(
            f"cycle {row.id} breaks the forced distribution ({broken})",
            f"calibrate grades (see: ecomops quota check --cycle {row.id}) "
            "or close with --override REASON",
        )
    session.connection().execute(
        update(CY)
        .where(CY.c.id == row.id)
        .values(
            status="closed",
            closed_at=now,
            closed_by_id=closer.id,
            close_override=override.strip() if override and not report.ok else None,
        )
    )
    return _cycle_out(
        session, m, session.connection().execute(select(CY).where(CY.c.id == row.id)).one()
    )


# --- rating --------------------------------------------------------------------------------------


def _parse_pairs(items: list[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InvalidInput(
                f"{what} {item!r} is not CRITERION=VALUE",
                "write it like --score analysis=85 or --level 分析能力=B",
            )
        pairs.append((name.strip(), value.strip()))
    return pairs


def parse_score(value: str, where: str = "") -> Decimal:
    try:
        score = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{where}score {value!r} is not a number", "give 0–100") from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise InvalidInput(f"{where}score {value} is outside 0–100", "give 0–100")
    if score.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"{where}score {value} has more than two decimals")
    return score


def _scores_for(
    m: Manual, rubric: Rubric, scores: list[tuple[str, str]], levels: list[tuple[str, str]]
) -> tuple[dict[str, Decimal], dict[str, str | None]]:
    points = {g.id: g.points for g in m.appraisal.grades}
    out: dict[str, Decimal] = {}
    given: dict[str, str | None] = {}
    for name, value in scores + levels:
        crit = find_criterion(rubric, name)
        if crit.id in out:
            raise InvalidInput(f"criterion {crit.id} is given twice", "give each criterion once")
        if (name, value) in levels:
            grade = value.upper()
            if grade not in points:
                raise InvalidInput(
                    f"level {value!r} for {crit.id} is not one of {', '.join(points)}"
                )
            out[crit.id], given[crit.id] = points[grade], grade
        else:
            out[crit.id], given[crit.id] = parse_score(value, f"{crit.id}: "), None
    missing = [c.id for c in rubric.criteria if c.id not in out]
    if missing:
        raise InvalidInput(
            f"no score for {', '.join(missing)}",
            f"the {rubric.id} rubric has {len(rubric.criteria)} criteria; give every one",
        )
    return out, given


def _check_rater(m: Manual, ap_position: str, employee, rater) -> None:
    if rater.id == employee.id:
        raise InvalidInput("nobody rates themselves", "ask one of your raters")
    allowed = m.raters_of(m.position(ap_position))
    if rater.position_id not in allowed:
        raise InvalidInput(
            f"{rater.name} ({rater.position_id}) does not rate {ap_position}s",
            f"the handbook names: {', '.join(allowed) or 'nobody'}",
        )


def _ensure_member(session: Session, m: Manual, cycle_id: str, employee) -> str:
    conn = session.connection()
    pos = conn.execute(
        select(CM.c.position_id).where(CM.c.cycle_id == cycle_id, CM.c.staff_id == employee.id)
    ).scalar()
    if pos is not None:
        return pos
    position = m.position(employee.position_id)
    if position.rubric is None:
        raise InvalidInput(f"{employee.name} ({employee.position_id}) is not appraised")
    conn.execute(
        insert(CM).values(cycle_id=cycle_id, staff_id=employee.id, position_id=employee.position_id)
    )
    return employee.position_id


def rubric_of(session: Session, employee: str) -> tuple[Rubric, Manual]:
    m = current(session).manual
    emp = _person(session, employee)
    pos = m.position(emp.position_id)
    if pos.rubric is None:
        raise InvalidInput(f"{emp.name} ({pos.id}) is not appraised")
    return m.rubric(pos.rubric), m


def rate(
    session: Session,
    *,
    cycle: str,
    employee: str,
    rater: str,
    scores: list[str],
    levels: list[str],
    note: str | None,
    now: datetime,
    lang: str,
) -> RatedOut:
    m = current(session).manual
    row = _cycle(session, cycle, open_only=True)
    emp = _person(session, employee)
    who = _person(session, rater, role="rater")
    position = _ensure_member(session, m, row.id, emp)
    _check_rater(m, position, emp, who)
    rubric = m.rubric(m.position(position).rubric)  # type: ignore[arg-type]
    values, given = _scores_for(
        m, rubric, _parse_pairs(scores, "score"), _parse_pairs(levels, "level")
    )
    _write_sheets(
        session, row.id, [(emp.id, who.id, who.position_id, rubric.id, values, given, note)], now
    )
    ap = load_cycle(session, m, row.id, employee_ids={emp.id})[emp.id]
    mine = next(s for s in ap.sheets if s.rater_id == who.id)
    return RatedOut(sheet=_sheet_out(mine, ap, m, lang), appraisal=_appraisal_out(ap, True))


def _write_sheets(session: Session, cycle_id: str, items: list, now: datetime) -> int:
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
    )
    rows = [
        (cycle_id, e, r, rp, latest.get((e, r), 0) + 1, True, note, now)
        for e, r, rp, _rub, _vals, _given, note in items
    ]
    ids = next_ids(conn, SH, len(rows))
    if ids is not None:  # SQLite: this transaction holds the write lock; the ids are ours
        insert_rows(
            conn, SH, ("id", *sheet_cols), [(i, *r) for i, r in zip(ids, rows, strict=True)]
        )
    else:
        stmt = insert(SH).returning(SH.c.id, sort_by_parameter_order=True)
        dicts = [dict(zip(sheet_cols, r, strict=True)) for r in rows]
        ids = conn.execute(stmt, dicts).scalars().all()
    insert_rows(
        conn,
        SS,
        ("sheet_id", "criterion_id", "rubric_id", "score", "level"),
        [
            (sid, c, rub, vals[c], given.get(c))
            for sid, (_e, _r, _rp, rub, vals, given, _n) in zip(ids, items, strict=True)
            for c in vals
        ],
    )
    return len(ids)


def rate_from_csv(
    session: Session, *, cycle: str, path: Path, now: datetime, lang: str
) -> BulkRatedOut:
    """All sheets of a CSV (employee, rater, one column per criterion id[, note]) or none."""
    m = current(session).manual
    row = _cycle(session, cycle, open_only=True)
    file = str(path)
    text = read_text(path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{file} is empty", "the first line names the columns") from None
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: {exc}") from None
    problems: list[str] = []
    criteria_ids = {c.id for r in m.appraisal.rubrics for c in r.criteria}
    for need in ("employee", "rater"):
        if need not in header:
            problems.append(f"{file}:1: the column {need!r} is missing")
    for h in header:
        if h not in criteria_ids | {"employee", "rater", "note"}:
            problems.append(
                f"{file}:1: unknown column {h!r} (employee, rater, note, or a criterion id)"
            )
    if problems:
        raise InvalidInput(f"{file}: the header is wrong; nothing was imported", problems=problems)
    conn = session.connection()
    staff = {
        r.name_key: r
        for r in conn.execute(
            select(ST.c.id, ST.c.name, ST.c.name_key, ST.c.position_id, ST.c.active)
        )
    }
    members = dict(
        conn.execute(select(CM.c.staff_id, CM.c.position_id).where(CM.c.cycle_id == row.id)).all()
    )
    points = {g.id: g.points for g in m.appraisal.grades}
    in_header = criteria_ids & set(header)
    parsed: dict[str, Decimal] = {}
    items = []
    seen: dict[tuple[int, int], int] = {}
    new_members: dict[int, str] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(f"{file}:{line}: {len(record)} fields, expected {len(header)}")
                continue
            values = dict(zip(header, (c.strip() for c in record), strict=True))
            try:
                emp = staff.get(key(values["employee"]))
                who = staff.get(key(values["rater"]))
                if emp is None or not emp.active:
                    raise InvalidInput(f"no active staff member named {values['employee']!r}")
                if who is None or not who.active:
                    raise InvalidInput(f"no active rater named {values['rater']!r}")
                position = members.get(emp.id) or new_members.get(emp.id) or emp.position_id
                pos = m.position(position)
                if pos.rubric is None:
                    raise InvalidInput(f"{emp.name} ({pos.id}) is not appraised")
                _check_rater(m, position, emp, who)
                if (emp.id, who.id) in seen:
                    raise InvalidInput(
                        f"{who.name} rates {emp.name} also on line {seen[(emp.id, who.id)]}"
                    )
                rubric = m.rubric(pos.rubric)
                mine = {c.id for c in rubric.criteria}
                stray = [c for c in in_header if c not in mine and values[c]]
                if stray:
                    raise InvalidInput(f"{', '.join(sorted(stray))} not in the {rubric.id} rubric")
                scores: dict[str, Decimal] = {}
                given: dict[str, str | None] = {}
                for c in rubric.criteria:
                    v = values.get(c.id, "")
                    if not v:
                        raise InvalidInput(f"no score for {c.id}")
                    if v.upper() in points:
                        scores[c.id], given[c.id] = points[v.upper()], v.upper()
                    else:
                        if v not in parsed:  # a file repeats a few dozen distinct scores
                            parsed[v] = parse_score(v, f"{c.id}: ")
                        scores[c.id], given[c.id] = parsed[v], None
            except (InvalidInput, NotFound) as exc:
                problems.append(f"{file}:{line}: {exc}")
                continue
            seen[(emp.id, who.id)] = line
            if emp.id not in members:
                new_members[emp.id] = position
            items.append(
                (
                    emp.id,
                    who.id,
                    who.position_id,
                    rubric.id,
                    scores,
                    given,
                    values.get("note") or None,
                )
            )
    except csv.Error as exc:
        problems.append(f"{file}:{reader.line_num}: {exc}")
    if problems:
        n = len(problems)
        raise InvalidInput(
            f"{file}: {n} problem{'s' if n > 1 else ''}; nothing was imported",
            "fix the lines below and run the import again",
            problems=problems,
        )
    if new_members:
        conn.execute(
            insert(CM),
            [dict(cycle_id=row.id, staff_id=s, position_id=p) for s, p in new_members.items()],
        )
    count = _write_sheets(session, row.id, items, now) if items else 0
    touched = {e for e, *_ in items}
    positions = {**members, **new_members}
    complete = _complete_count(session, m, row.id, {e: positions[e] for e in touched})
    return BulkRatedOut(
        cycle=row.id,
        file=file,
        sheets=count,
        employees=len(touched),
        complete=complete,
        pending=len(touched) - complete,
    )


def _complete_count(session: Session, m: Manual, cycle_id: str, people: dict[int, str]) -> int:
    """How many of ``people`` (staff id → position) have a current sheet from every rater
    position their position requires (what :attr:`Appraisal.complete` says, without scoring)."""
    have: dict[int, set[str]] = defaultdict(set)
    rows = session.connection().execute(
        select(SH.c.employee_id, SH.c.rater_position_id)
        .where(SH.c.cycle_id == cycle_id, SH.c.is_current)
        .distinct()
    )
    for employee, rater_position in rows:
        if employee in people:
            have[employee].add(rater_position)
    required = {p.id: set(m.raters_of(p)) for p in m.positions}
    return sum(1 for e, pos in people.items() if have[e] and required[pos] <= have[e])


# --- reading -------------------------------------------------------------------------------------


def _rates_in_cycle(session: Session, m: Manual, viewer, cycle_id: str) -> bool:
    """Whether the viewer's position rates anyone who is appraised in the cycle."""
    member_positions = (
        session.connection()
        .execute(select(CM.c.position_id).where(CM.c.cycle_id == cycle_id).distinct())
        .scalars()
    )
    return any(viewer.position_id in m.raters_of(m.position(p)) for p in member_positions)


def appraisals_list(session: Session, *, cycle: str, viewer: str) -> list[AppraisalOut]:
    m = current(session).manual
    row = _cycle(session, cycle)
    who = _person(session, viewer, active=False)
    state = load_cycle(session, m, row.id)
    if not _rates_in_cycle(session, m, who, row.id):
        raise InvalidInput(
            f"{who.name} is not a rater in cycle {row.id}; appraisals are confidential (§3.1)",
            f"see your own with: ecomops appraisals show {who.name} --cycle {row.id} "
            f"--as {who.name}",
        )
    return [
        _appraisal_out(ap, _may_see(who, ap))
        for ap in sorted(state.values(), key=lambda a: (a.position, a.name))
    ]


def appraisal_show(
    session: Session, *, cycle: str, employee: str, viewer: str, lang: str
) -> AppraisalDetailOut:
    m = current(session).manual
    row = _cycle(session, cycle)
    emp = _person(session, employee, active=False)
    who = _person(session, viewer, active=False)
    state = load_cycle(session, m, row.id, employee_ids={emp.id}, history=True)
    if emp.id not in state:
        raise NotFound(f"{emp.name} is not appraised in cycle {row.id}")
    ap = state[emp.id]
    if not _may_see(who, ap):
        raise InvalidInput(
            f"{who.name} may not see {emp.name}'s appraisal; it is confidential (§3.1)",
            "only its raters and the person appraised may",
        )
    tz = zone(m.calendar.timezone)
    names = _names(session)
    sheets = [*ap.sheets, *getattr(ap, "sheets_history", [])]
    sheets.sort(key=lambda s: (s.rater, -s.version))
    base = _appraisal_out(ap, True)
    return AppraisalDetailOut(
        **base.model_dump(),
        cycle=row.id,
        sheets=[_sheet_out(s, ap, m, lang) for s in sheets],
        calibrations=[_cal_out(c, row.id, names, tz) for c in ap.calibrations],
    )


# --- the quota -----------------------------------------------------------------------------------


def explain(m: Manual, strict: bool) -> str:
    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    if strict:
        parts = ", ".join(f"{g} {s}%" for g, s in zip(grades, shares, strict=True))
        return (
            f"Strict: with N complete appraisals in a group, the grade counts must be exactly "
            f"the largest-remainder shares of N ({parts}; floors first, the seats left to the "
            f"largest remainders, ties to the higher grade). Suggested grades follow the "
            f"ranking by score. The year-end appraisal is exempt (§6.2)."
        )
    caps = []
    cum = Decimal(0)
    for k, s in enumerate(shares[:-1]):
        cum += s
        caps.append(f"at most ceil({cum}%·N) {q.group_label(grades, k)}")
    return (
        "With N complete appraisals in a group, the favourable grades are capped cumulatively: "
        + ", ".join(caps)
        + f" (so at least floor({shares[-1]}%·N) {grades[-1]}), computed exactly. "
        "Moves, top down: while a cumulative group is over its limit, the lowest-scoring person "
        "in its lowest grade moves one grade down (ties: lower score, then name). The year-end "
        "appraisal is exempt (§6.2)."
        + (
            f" Groups of fewer than {m.appraisal.quota.min_group_size} are advisory only."
            if m.appraisal.quota.min_group_size > 1
            else ""
        )
    )


def _quota(
    session: Session,
    m: Manual,
    row,
    *,
    by: str,
    strict: bool | None,
    viewer,
    state: dict[int, Appraisal] | None = None,
) -> QuotaOut:
    strict = m.appraisal.quota.strict if strict is None else strict
    kinds = {k.id: k for k in m.appraisal.cycle_kinds}
    exempt = not kinds[row.kind_id].forced_distribution
    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    if state is None:
        state = load_cycle(session, m, row.id, detail=False)
    groups: dict[str, list[Appraisal]] = defaultdict(list)
    for ap in state.values():
        groups["department" if by == "department" else ap.position].append(ap)
    out_groups = []
    for name in sorted(groups):
        members = groups[name]
        done = [ap for ap in members if ap.complete]
        people = [q.Person(ap.name, ap.score, ap.final_grade) for ap in done]  # type: ignore[arg-type]
        counts = q.counts_of(people, grades)
        n = len(people)
        if strict:
            exact = q.largest_remainder(n, shares)
            limits = dict(zip(grades, exact, strict=True))
            vio = [q.Violation(g, counts[g], lim) for g, lim in limits.items() if counts[g] != lim]
            moves = q.strict_moves(people, grades, shares)
        else:
            caps = q.cumulative_limits(n, shares)
            limits = {q.group_label(grades, k): c for k, c in enumerate(caps)}
            vio = q.violations(counts, grades, caps)
            moves = q.fewest_moves(people, grades, caps)
        advisory = n < m.appraisal.quota.min_group_size
        by_name = {ap.name: ap for ap in done}
        ok = exempt or advisory or not vio
        out_groups.append(
            QuotaGroupOut(
                group=name,
                size=n,
                pending=len(members) - n,
                advisory=advisory,
                counts=counts,
                limits=limits,
                ok=ok,
                violations=[]
                if exempt
                else [ViolationOut(grades=v.grades, count=v.count, limit=v.limit) for v in vio],
                moves=[]
                if exempt
                else [
                    MoveOut(
                        employee=mv.name,
                        score=mv.score
                        if viewer is None or _may_see(viewer, by_name[mv.name])
                        else None,
                        from_=mv.from_grade,
                        to=mv.to_grade,
                    )
                    for mv in moves
                ],
            )
        )
    return QuotaOut(
        cycle=row.id,
        exempt=exempt,
        strict=strict,
        by=by,
        ok=all(g.ok for g in out_groups),
        rule=explain(m, strict),
        groups=out_groups,
    )


def quota_check(
    session: Session, *, cycle: str, by: str, strict: bool | None, viewer: str
) -> QuotaOut:
    if by not in ("department", "position"):
        raise InvalidInput(f"cannot group by {by!r}", "use --by department or --by position")
    m = current(session).manual
    row = _cycle(session, cycle)
    who = _person(session, viewer, active=False)
    if not _rates_in_cycle(session, m, who, row.id):
        raise InvalidInput(
            f"{who.name} is not a rater in cycle {row.id}; the quota check "
            "shows everyone's grades (§3.1)"
        )
    return _quota(session, m, row, by=by, strict=strict, viewer=who)


# --- calibration ---------------------------------------------------------------------------------


def calibrate(
    session: Session,
    *,
    cycle: str,
    employee: str,
    grade: str,
    rater: str,
    reason: str,
    now: datetime,
) -> CalibrationOut:
    m = current(session).manual
    row = _cycle(session, cycle, open_only=True)
    emp = _person(session, employee, active=False)
    who = _person(session, rater, role="rater")
    if not reason.strip():
        raise InvalidInput("a calibration needs a reason", "give --reason TEXT")
    target = grade.strip().upper()
    grades = [g.id for g in m.appraisal.grades]
    if target not in grades:
        raise InvalidInput(f"{grade!r} is not a grade", f"use one of {', '.join(grades)}")
    state = load_cycle(session, m, row.id, employee_ids={emp.id})
    if emp.id not in state:
        raise NotFound(f"{emp.name} is not appraised in cycle {row.id}")
    ap = state[emp.id]
    _check_rater(m, ap.position, emp, who)
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
    return _cal_out(values, row.id, _names(session), zone(m.calendar.timezone))
