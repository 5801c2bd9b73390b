"""The forced distribution of grades (§6.2: 45/30/20/5 %, the year-end exempt): the check, the
fewest moves, and the rule in words."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.engine import Row

from ecomops.core import quota as q
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput
from ecomops.handbook.model import Manual
from ecomops.services.appraisal.state import (
    Appraisal,
    counted_by_server,
    find_cycle,
    load_cycle,
    may_see,
    require_cycle_reader,
)
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import about_rated, may
from ecomops.views import MoveOut, QuotaGroupOut, QuotaOut, ViolationOut

_T = TypeVar("_T")


def _scored(value: _T | None) -> _T:
    """A complete appraisal's score or grade (never None)."""
    assert value is not None, "a complete appraisal is scored"
    return value


def _ceilings(m: Manual) -> list[tuple[str, Decimal]]:
    """The quota rule's cumulative ceilings, top down: each group of the better grades (its
    label) and the share of N it may hold at most (the last grade has none)."""
    grades = [g.id for g in m.appraisal.grades]
    out = []
    cum = Decimal(0)
    for k, g in enumerate(m.appraisal.grades[:-1]):
        cum += g.share
        out.append((q.group_label(grades, k), cum))
    return out


def explain(m: Manual, strict: bool) -> str:
    """The quota rule in words, the handbook's part told apart from the tool's: the shares and
    the year-end exemption are §6.2's; how they apply to a group of N (cumulative ceilings, or
    with ``strict`` exact largest-remainder counts) and the suggested moves are ecomops's."""
    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    parts = ", ".join(f"{g} {s}%" for g, s in zip(grades, shares, strict=True))
    exempt = [k.id for k in m.appraisal.cycle_kinds if not k.forced_distribution]
    forced = [k.id for k in m.appraisal.cycle_kinds if k.forced_distribution]
    handbook = (
        f"The handbook's (§6.2): the shares {parts}"
        + (", and the year-end appraisal is exempt" if exempt else "")
        + ". "
    )
    cycles = (
        f" The {' and '.join(forced)} cycles the rule applies to are the tool's too (§6.2 "
        "names only the year-end appraisal)."
        if forced and exempt
        else ""
    )
    if strict:
        return handbook + (
            "The tool's (strict, set by --strict or the handbook file's quota.strict): with N "
            "complete appraisals in a group, the grade counts must be exactly the "
            "largest-remainder shares of N (floors first, the seats left to the largest "
            "remainders, ties to the higher grade); the suggested grades follow the ranking by "
            "score." + cycles
        )
    caps = [f"at most ceil({cum}%·N) {label}" for label, cum in _ceilings(m)]
    return (
        handbook + "The tool's (ecomops manual check lists them as assumptions): with N complete "
        "appraisals in a group, the favourable grades are capped cumulatively: "
        + ", ".join(caps)
        + f" (so at least floor({shares[-1]}%·N) {grades[-1]}), computed exactly; the "
        "moves, top down: while a cumulative group is over its limit, the lowest-scoring "
        "person in its lowest grade moves one grade down (ties: lower score, then name)."
        + (
            f" Groups of fewer than {m.appraisal.quota.min_group_size} are advisory only."
            if m.appraisal.quota.min_group_size > 1
            else ""
        )
        + cycles
    )


def explain_zh(m: Manual, strict: bool) -> str:
    """The quota rule in words, as :func:`explain` says it, in simplified Chinese for the
    terminal (--json keeps the English)."""
    from ecomops.text import localize

    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    parts = "、".join(f"{g} {s}%" for g, s in zip(grades, shares, strict=True))
    kinds = m.appraisal.cycle_kinds
    exempt = [k for k in kinds if not k.forced_distribution]
    forced = [k for k in kinds if k.forced_distribution]
    handbook = (
        f"手册的规定（§6.2）：各级别比例 {parts}"
        + ("，年末绩效不受强制分布限制" if exempt else "")
        + "。"
    )
    names = "、".join(localize(k.name.zh, k.name.en, "zh-hans") for k in forced)
    cycles = (
        f"强制分布适用于{names}，这也是工具的规定（§6.2 只提到年末绩效）。"
        if forced and exempt
        else ""
    )
    if strict:
        return (
            handbook
            + "工具的规定（严格模式，由 --strict 或手册文件的 quota.strict 设定）：一组有 N 份"
            "已完成的考核时，各级别人数须恰为按最大余额法分配的 N 的份额（先取整数部分，余下"
            "名额给余数最大者，余数相同给较高级别）；建议的级别按得分排名。" + cycles
        )
    caps = [f"{label} 最多 ⌈{cum}%·N⌉ 人" for label, cum in _ceilings(m)]
    small = m.appraisal.quota.min_group_size
    return (
        handbook + "工具的规定（ecomops manual check 列为假设）：一组有 N 份已完成的考核时，较好的"
        "级别按累计比例封顶（⌈ ⌉ 为向上取整，⌊ ⌋ 为向下取整）："
        + "、".join(caps)
        + f"（即 {grades[-1]} 至少 ⌊{shares[-1]}%·N⌋ 人），精确计算；调整自上而下："
        "累计的级别组超出上限时，该组最低级别中得分最低者降一级（同分按姓名）。"
        + (f"少于 {small} 人的组仅供参考。" if small > 1 else "")
        + cycles
    )


def quota_rule(session: Session, *, strict: bool | None, lang: str) -> str:
    """The quota rule in words, in English (``lang`` en) or in simplified Chinese (``strict``:
    None for the handbook's setting)."""
    m = current(session).manual
    exact = m.appraisal.quota.strict if strict is None else strict
    return explain(m, exact) if lang == "en" else explain_zh(m, exact)


def build_quota(
    session: Session,
    m: Manual,
    row: Row[Any],
    *,
    by: str,
    strict: bool | None,
    viewer: Actor | None,
    state: dict[int, Appraisal] | None = None,
) -> QuotaOut:
    """The quota check of cycle ``row`` grouped ``by`` department or position; a move is
    shown only to a ``viewer`` who may read that person (every move when ``viewer`` is
    None: the check behind ``cycle close``)."""
    strict = m.appraisal.quota.strict if strict is None else strict
    kinds = {k.id: k for k in m.appraisal.cycle_kinds}
    exempt = not kinds[row.kind_id].forced_distribution
    if counted_by_server(session):
        out_groups = _counted_by_server(session, m, row, by, strict, exempt, viewer)
    else:
        if state is None:
            state = load_cycle(session, m, row.id, detail=False)
        out_groups = _counted_here(session, m, state, by, strict, exempt, viewer)
    return QuotaOut(
        cycle=row.id,
        exempt=exempt,
        strict=strict,
        by=by,
        ok=all(g.ok for g in out_groups),
        rule=explain(m, strict),
        groups=out_groups,
    )


def _counted_here(
    session: Session,
    m: Manual,
    state: dict[int, Appraisal],
    by: str,
    strict: bool,
    exempt: bool,
    viewer: Actor | None,
) -> list[QuotaGroupOut]:
    """The quota's groups counted from the appraisals read (the keeper's, SQLite's)."""
    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    groups: dict[str, list[Appraisal]] = defaultdict(list)
    for ap in state.values():
        groups["department" if by == "department" else ap.position].append(ap)
    out_groups = []
    for name in sorted(groups):
        members = groups[name]
        done = [ap for ap in members if ap.complete]
        people = [q.Person(ap.name, _scored(ap.score), _scored(ap.final_grade)) for ap in done]
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
                    MoveOut(employee=mv.name, score=mv.score, from_=mv.from_grade, to=mv.to_grade)
                    for mv in moves
                    if viewer is None or may_see(session, m, viewer, by_name[mv.name])
                ],
            )
        )
    return out_groups


def _may_read(session: Session, m: Manual, viewer: Actor, employee: int) -> bool:
    """Whether ``viewer`` (the role, or whom it acts for) may read ``employee``'s appraisal."""
    if viewer.person is None:
        return viewer.keeper
    position = (
        session.connection()
        .execute(select(schema.staff.c.position_id).where(schema.staff.c.id == employee))
        .scalar_one()
    )
    raters = m.raters_of(m.position(position))
    return may(session, viewer, "read_appraisal", about_rated(session, employee, raters))


def _counted_by_server(
    session: Session,
    m: Manual,
    row: Row[Any],
    by: str,
    strict: bool,
    exempt: bool,
    viewer: Actor | None,
) -> list[QuotaGroupOut]:
    """The quota's groups under row-level security: counted by the server over every sheet
    (revision 0016's ``ecomops_cycle_quota``), with the moves of those the role may read; the
    grade counts for the cycle's readers only (zeros, and no violations named, for anyone
    else: the report shows them only the verdict)."""
    conn = session.connection()
    grades = [g.id for g in m.appraisal.grades]
    shares = [g.share for g in m.appraisal.grades]
    rows = conn.execute(
        text(
            "SELECT grp, members, complete, counts, violated, moves "
            "FROM ecomops_cycle_quota(:c, :b, :s)"
        ),
        {"c": row.id, "b": by, "s": strict},
    ).all()
    names = staff_names(session)
    moved: dict[str, list[MoveOut]] = defaultdict(list)
    for r in rows:
        for employee, score, from_, to in r.moves or []:
            if viewer is None or _may_read(session, m, viewer, employee):
                moved[r.grp].append(
                    MoveOut(employee=names[employee], score=Decimal(str(score)), from_=from_, to=to)
                )
    out = []
    for r in sorted(rows, key=lambda r: r.grp):
        n = int(r.complete)
        counts = dict.fromkeys(grades, 0)
        if r.counts is not None:
            counts.update({g: int(c) for g, c in r.counts.items()})
        if strict:
            limits = dict(zip(grades, q.largest_remainder(n, shares), strict=True))
            vio = [q.Violation(g, counts[g], lim) for g, lim in limits.items() if counts[g] != lim]
        else:
            caps = q.cumulative_limits(n, shares)
            limits = {q.group_label(grades, k): c for k, c in enumerate(caps)}
            vio = q.violations(counts, grades, caps)
        if r.counts is None:
            vio = []
        advisory = n < m.appraisal.quota.min_group_size
        out.append(
            QuotaGroupOut(
                group=r.grp,
                size=n,
                pending=int(r.members) - n,
                advisory=advisory,
                counts=counts,
                limits=limits,
                ok=exempt or advisory or not r.violated,
                violations=[]
                if exempt
                else [ViolationOut(grades=v.grades, count=v.count, limit=v.limit) for v in vio],
                moves=[] if exempt else moved[r.grp],
            )
        )
    return out


def quota_check(
    session: Session, *, cycle: str, by: str, strict: bool | None, viewer: Actor
) -> QuotaOut:
    """Check cycle ``cycle``'s grades against the forced distribution, grouped ``by``
    ``department`` or ``position``, with the fewest moves that satisfy it; for a rater in
    the cycle."""
    if by not in ("department", "position"):
        raise InvalidInput(
            f"cannot group by {by!r}", "group by department or by position", param="by"
        )
    m = current(session).manual
    row = find_cycle(session, cycle)
    require_cycle_reader(session, m, viewer, row.id)
    return build_quota(session, m, row, by=by, strict=strict, viewer=viewer)
