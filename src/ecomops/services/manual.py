"""Reading the handbook in force: positions, rubrics, rules, the whole manual, and checking a
handbook file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import ManualError, NotFound
from ecomops.services.handbook import current, find_position
from ecomops.text import localize

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual, Position, Text

from ecomops.views import (
    CheckOut,
    CriterionOut,
    FindingOut,
    ItemOut,
    LevelOut,
    Named,
    PermissionOut,
    PositionDetailOut,
    PositionOut,
    RubricOut,
    RuleOut,
    SectionOut,
)

# --- positions -------------------------------------------------------------------------------


def _staff_counts(session: Session) -> dict[str, int]:
    st = schema.staff
    rows = session.connection().execute(
        select(st.c.position_id, func.count()).where(st.c.active).group_by(st.c.position_id)
    )
    return {pid: n for pid, n in rows}


def _position_out(m: Manual, p: Position, lang: str, staff: dict[str, int]) -> dict:
    return dict(
        id=p.id,
        name=localize(p.name.zh, p.name.en, lang),
        in_department=p.in_department,
        head=p.head,
        reports_to=p.reports_to,
        rubric=p.rubric,
        raters=m.raters_of(p),
        staff=staff.get(p.id, 0),
        defaults=list(p.defaults),
    )


def roles_list(session: Session, lang: str) -> list[PositionOut]:
    """The positions: whom they report to, their rubric, raters and active staff."""
    m = current(session).manual
    staff = _staff_counts(session)
    return [PositionOut(**_position_out(m, p, lang, staff)) for p in m.positions]


def role_show(session: Session, name: str, lang: str) -> PositionDetailOut:
    """One position (by id or any of its names): its card, reporting line and raters."""
    m = current(session).manual
    p = find_position(m, name, lang)
    card = p.card
    return PositionDetailOut(
        **_position_out(m, p, lang, _staff_counts(session)),
        aliases=list(p.aliases),
        card=card is not None,
        card_reports_to=card.reports_to if card else None,
        summary=localize(card.summary.zh, card.summary.en, lang) if card else None,
        duties=[localize(d.zh, d.en, lang) for d in card.duties] if card else [],
        reports=[q.id for q in m.positions if q.reports_to == p.id],
    )


def rubric_show(session: Session, name: str, lang: str) -> RubricOut:
    """A position's rubric: criteria, weights, the four level descriptors, its raters."""
    m = current(session).manual
    p = find_position(m, name, lang)
    if p.rubric is None:
        rated = ", ".join(q.id for q in m.positions if q.rubric is not None)
        raise NotFound(
            f"position {p.id} has no appraisal rubric",
            f"positions with rubrics: {rated}",
        )
    r = m.rubric(p.rubric)
    points = {g.id: g.points for g in m.appraisal.grades}
    order = [g.id for g in m.appraisal.grades]
    raters = [m.position(rid) for rid in m.raters_of(p)]
    return RubricOut(
        position=Named(id=p.id, name=localize(p.name.zh, p.name.en, lang)),
        rubric=Named(id=r.id, name=localize(r.name.zh, r.name.en, lang)),
        raters=[Named(id=q.id, name=localize(q.name.zh, q.name.en, lang)) for q in raters],
        total=localize(r.total.zh, r.total.en, lang),
        total_weight=sum((c.weight for c in r.criteria), start=0),
        criteria=[
            CriterionOut(
                id=c.id,
                name=localize(c.name.zh, c.name.en, lang),
                weight=c.weight,
                levels=[
                    LevelOut(
                        grade=g,
                        points=points[g],
                        text=localize(c.levels[g].zh, c.levels[g].en, lang),
                    )
                    for g in order
                ],
            )
            for c in r.criteria
        ],
        defaults=[d for d in p.defaults if d in ("rubric", "raters")],
    )


# --- rules and the whole manual ----------------------------------------------------------------

_RULE_SECTIONS = (("conduct", "3.1"), ("daily_rules", "3.2"))


def rules_list(session: Session, lang: str) -> list[RuleOut]:
    """The code of conduct (§3.1) and the daily work rules (§3.2)."""
    m = current(session).manual
    out = []
    for attr, number in _RULE_SECTIONS:
        for n, item in enumerate(getattr(m, attr).items, start=1):
            out.append(
                RuleOut(
                    id=f"{attr}.{n}",
                    section=number,
                    number=n,
                    key=item.key,
                    text=localize(item.zh, item.en, lang),
                )
            )
    return out


def _items(prefix: str, texts: Sequence[Text], lang: str) -> list[ItemOut]:
    return [
        ItemOut(id=f"{prefix}.{n}", number=str(n), text=localize(t.zh, t.en, lang))
        for n, t in enumerate(texts, start=1)
    ]


def _section(
    id: str,
    number: str,
    title: Text,
    lang: str,
    *,
    text: Text | None = None,
    items: list[ItemOut] | None = None,
    sections: list[SectionOut] | None = None,
) -> SectionOut:
    return SectionOut(
        id=id,
        number=number,
        title=localize(title.zh, title.en, lang),
        text=localize(text.zh, text.en, lang) if text else None,
        items=items or [],
        sections=sections or [],
    )


def manual_sections(m: Manual, lang: str) -> list[SectionOut]:
    """The whole manual as a tree of sections, in the manual's order."""
    L = lambda t: localize(t.zh, t.en, lang)  # noqa: E731
    from ecomops.handbook.model import Text as T

    cards = []
    for p in m.positions:
        if p.card is None:
            continue
        cards.append(
            _section(
                f"positions.{p.id}",
                "5",
                p.name,
                lang,
                text=p.card.summary,
                items=_items(f"positions.{p.id}.duties", p.card.duties, lang),
            )
        )
    grade_items = [
        ItemOut(
            id=f"grades.{g.id}",
            number=g.id,
            text=f"{L(g.name)} ({g.band}, {g.share}%): {L(g.meaning)}",
        )
        for g in m.appraisal.grades
    ]
    rubric_sections = []
    for r in m.appraisal.rubrics:
        crits = []
        for c in r.criteria:
            crits.append(
                _section(
                    f"rubrics.{r.id}.{c.id}",
                    f"{c.weight}%",
                    c.name,
                    lang,
                    items=[
                        ItemOut(id=f"rubrics.{r.id}.{c.id}.{g}", number=g, text=L(t))
                        for g, t in c.levels.items()
                    ],
                )
            )
        rubric_sections.append(
            _section(f"rubrics.{r.id}", str(r.number or ""), r.name, lang, sections=crits)
        )
    goal_sections = [
        _section(
            f"goals.{gm.id}",
            f"7.2.{i}",
            gm.title,
            lang,
            items=_items(f"goals.{gm.id}", gm.items, lang),
        )
        for i, gm in enumerate(m.goals.months, start=1)
    ]
    phase_sections = [
        _section(
            f"phases.{ph.id}",
            f"8.1.{i}",
            ph.name,
            lang,
            text=T(
                zh=f"{ph.months_min}~{ph.months_max}個月",
                en=f"{ph.months_min}–{ph.months_max} months",
            ),
            items=_items(f"phases.{ph.id}", ph.items, lang),
        )
        for i, ph in enumerate(m.workflow.phases, start=1)
    ]
    task_sections = []
    for a in m.workflow.assignments:
        pos = m.position(a.position)
        note = T(zh="(副本中被截斷)", en="(cut off in the copy)") if a.truncated else None
        task_sections.append(
            _section(
                f"tasks.{a.position}",
                a.section,
                pos.name,
                lang,
                text=note,
                items=_items(f"tasks.{a.position}", a.tasks, lang),
            )
        )
    return [
        _section("preamble", "", m.title, lang, text=m.preamble),
        _section("general", "1", m.general.title, lang, text=m.general.text),
        _section(
            "functions",
            "2",
            m.functions.title,
            lang,
            items=_items("functions", m.functions.items, lang),
        ),
        _section(
            "conduct",
            "3",
            T(zh="行為規范", en="Code of conduct"),
            lang,
            sections=[
                _section(
                    "conduct.basic",
                    "3.1",
                    m.conduct.title,
                    lang,
                    items=_items("conduct", m.conduct.items, lang),
                ),
                _section(
                    "conduct.daily",
                    "3.2",
                    m.daily_rules.title,
                    lang,
                    items=_items("daily_rules", m.daily_rules.items, lang),
                ),
            ],
        ),
        _section("organisation", "4", m.organisation.title, lang, text=m.organisation.text),
        _section("positions", "5", T(zh="崗位職責", en="Position cards"), lang, sections=cards),
        _section(
            "appraisal",
            "6",
            m.appraisal.title,
            lang,
            text=m.appraisal.purpose,
            items=grade_items,
            sections=rubric_sections,
        ),
        _section("goals", "7", m.goals.title, lang, text=m.goals.central, sections=goal_sections),
        _section(
            "workflow",
            "8",
            m.workflow.title,
            lang,
            sections=[
                _section(
                    "phases",
                    "8.1",
                    T(zh="分階段部門工作流程", en="Phases"),
                    lang,
                    sections=phase_sections,
                ),
                _section(
                    "tasks",
                    "8.2",
                    T(zh="現階段工作任務及責任分派", en="Current tasks and who owns them"),
                    lang,
                    sections=task_sections,
                ),
            ],
        ),
        _section(
            "supplementary",
            "9",
            m.supplementary.title,
            lang,
            text=m.supplementary.text
            or (
                T(zh="(副本中被截斷)", en="(cut off in the copy)")
                if m.supplementary.truncated
                else None
            ),
        ),
    ]


SECTION_ALIASES = {
    "1": "general",
    "2": "functions",
    "3": "conduct",
    "3.1": "conduct.basic",
    "3.2": "conduct.daily",
    "rules": "conduct",
    "4": "organisation",
    "5": "positions",
    "roles": "positions",
    "6": "appraisal",
    "grades": "appraisal",
    "rubrics": "appraisal",
    "7": "goals",
    "8": "workflow",
    "8.1": "phases",
    "8.2": "tasks",
    "9": "supplementary",
}


def _flatten(sections: list[SectionOut]):
    for s in sections:
        yield s
        yield from _flatten(s.sections)


def manual_show(session: Session, section: str | None, lang: str) -> list[SectionOut]:
    """The handbook in force as sections: whole, or the one ``section`` names (an id, a
    number such as ``3.2``, or an alias)."""
    cur = current(session)
    tree = manual_sections(cur.manual, lang)
    if section is None:
        return tree
    wanted = section.strip().lower().lstrip("§")
    wanted = SECTION_ALIASES.get(wanted, wanted)
    for s in _flatten(tree):
        if s.id == wanted:
            return [s]
    top = ", ".join(s.id for s in tree)
    raise NotFound(f"no section {section!r} in the manual", f"try one of: {top} (or 1–9)")


def manual_check(file: str | Path | None, lang: str) -> CheckOut:
    """Validate a handbook file and report the manual's own inconsistencies."""
    from ecomops.handbook.checks import assumptions, inconsistencies
    from ecomops.handbook.loader import load_manual  # YAML: only for this command

    try:
        loaded = load_manual(file)
    except ManualError as exc:
        return CheckOut(
            file=str(file) if file else "(bundled)",
            valid=False,
            errors=exc.problems or [str(exc)],
            warnings=[],
        )
    return CheckOut(
        file=str(loaded.path),
        valid=True,
        errors=[],
        warnings=[
            FindingOut(id=f.id, section=f.section, message=localize(f.text.zh, f.text.en, lang))
            for f in [*inconsistencies(loaded.manual), *assumptions(loaded.manual)]
        ],
    )


def permissions_list(session: Session, lang: str) -> list[PermissionOut]:
    """The permission table in force: each action, who may take it, and whether that is the
    tool's default rather than the manual's word."""
    from ecomops.handbook.model import ACTIONS, RELATIONS

    m = current(session).manual
    default = "permissions" in m.defaults
    out = []
    for action, who in m.permission_table.items():
        zh, en = ACTIONS.get(action, (action, action))
        words = [
            localize(*RELATIONS[w], lang) if w in RELATIONS else _position_name(m, w, lang)
            for w in who
        ]
        out.append(
            PermissionOut(
                action=action,
                description=localize(zh, en, lang),
                who=list(who),
                who_text=words,
                default=default,
            )
        )
    return out


def _position_name(m: Manual, position_id: str, lang: str) -> str:
    p = m.position(position_id)
    return localize(p.name.zh, p.name.en, lang)
