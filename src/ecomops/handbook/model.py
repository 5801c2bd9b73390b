"""The schema of the handbook file (``data/seed_manual.yaml``).

Structure is checked by Pydantic (``extra="forbid"`` everywhere); the rules that span several
parts of the file (weights, bands, shares, references, unique ids) are checked by
:func:`semantic_problems`, which reports each problem with the key path it is about.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecomops.core.grades import Band, band_problems
from ecomops.text import key as name_key

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
GradeId = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
Score = Annotated[Decimal, Field(ge=0, le=100)]

Path = tuple[str | int, ...]


class Strict(BaseModel):
    # defer_build: the validators are built when a handbook is first validated, not at import
    # (a listing that needs only the time zone never builds them)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Strict):
    zh: NonEmpty
    en: NonEmpty


class Item(Text):
    key: Ident | None = None


class TitledText(Strict):
    title: Text
    text: Text


class ItemList(Strict):
    title: Text
    items: list[Item] = Field(min_length=1)


class ExtraDay(Strict):
    date: dt.date
    name: NonEmpty


class Calendar(Strict):
    year: int | None = Field(default=None, ge=1900, le=2999)
    effective_month: int = Field(ge=1, le=12)
    effective_day: int = Field(ge=1, le=31)
    timezone: NonEmpty = "Asia/Shanghai"
    #: days off the library does not know (company holidays, a year not yet published)
    extra_holidays: list[ExtraDay] = []
    #: weekend days the company works (a 调休 the library does not know)
    extra_workdays: list[ExtraDay] = []
    defaults: list[str] = []


class Card(Strict):
    reports_to: str | None = None
    summary: Text
    duties: list[Text] = Field(min_length=1)


class Position(Strict):
    id: Ident
    name: Text
    aliases: list[NonEmpty] = []
    in_department: bool = True
    head: bool = False
    reports_to: Ident | None = None
    rubric: Ident | None = None
    raters: list[Ident] | None = None
    defaults: list[str] = []
    card: Card | None = None


class Grade(Strict):
    id: GradeId
    name: Text
    meaning: Text
    share: Score
    min: Score
    max: Score
    band: NonEmpty
    points: Score


class CycleKind(Strict):
    id: Ident
    name: Text
    forced_distribution: bool


class Quota(Strict):
    rule: Literal["cumulative"] = "cumulative"
    min_group_size: int = Field(default=1, ge=1)
    strict: bool = False
    defaults: list[str] = []


class Criterion(Strict):
    id: Ident
    name: Text
    aliases: list[NonEmpty] = []
    weight: Annotated[Decimal, Field(gt=0, le=100)]
    levels: dict[GradeId, Text]


class Rubric(Strict):
    id: Ident
    name: Text
    number: int | None = None
    raters: list[Ident] = Field(min_length=1)
    total: Text
    criteria: list[Criterion] = Field(min_length=1)


class Appraisal(Strict):
    title: Text
    purpose: Text
    declared_levels: list[NonEmpty] = []
    grades: list[Grade] = Field(min_length=1)
    defaults: list[str] = []
    cycle_kinds: list[CycleKind] = Field(min_length=1)
    quota: Quota = Quota()
    rubrics: list[Rubric] = Field(min_length=1)


class GoalMonth(Strict):
    id: Ident
    month: int = Field(ge=1, le=12)
    title: Text
    items: list[Text] = Field(min_length=1)


class Goals(Strict):
    title: Text
    central: Text
    months: list[GoalMonth] = []


class Phase(Strict):
    id: Ident
    name: Text
    months_min: int = Field(ge=0, le=120)
    months_max: int = Field(ge=1, le=120)
    items: list[Text] = Field(min_length=1)


class Task(Text):
    serves: NonEmpty | None = None


class Assignment(Strict):
    position: Ident
    section: NonEmpty
    truncated: bool = False
    defaults: list[str] = []
    tasks: list[Task] = []


class Workflow(Strict):
    title: Text
    phases: list[Phase] = []
    assignments: list[Assignment] = []


class Supplementary(Strict):
    title: Text
    truncated: bool = False
    text: Text | None = None


class Erratum(Text):
    id: Ident
    section: NonEmpty


#: what the permission table rules on, and what each means (``roles permissions`` shows them)
ACTIONS: dict[str, tuple[str, str]] = {
    "open_cycle": ("開啟考核周期", "open an appraisal cycle"),
    "close_cycle": ("關閉考核周期", "close an appraisal cycle"),
    "reopen_cycle": ("重開考核周期", "reopen a closed cycle"),
    "calibrate": ("校準等級", "calibrate a final grade"),
    "override_quota": ("不顧比例關閉周期", "close a cycle despite the quota or pending appraisals"),
    "rate": ("評分", "rate a person"),
    "read_appraisal": ("查看個人考核", "read a person's scores and sheets"),
    "read_cycle": ("查看周期分布", "read a cycle's grade counts and quota moves"),
    "read_audit": ("查看審計記錄", "read the audit trail"),
    "read_records": ("查看他人的計劃與請假", "read another person's plans and leave requests"),
    "manage_staff": ("管理人員名冊", "add, edit or deactivate staff; bind logins"),
    "act_for_others": ("代他人操作", "act for another person (--as someone else)"),
    "work_task": ("開始/完成任務", "start, finish or reopen a task"),
    "assign_task": ("指派任務", "add a task for someone else, assign it, change its due date"),
    "approve_leave": ("批准請假與調休", "approve or decline a leave or shift-swap request"),
    "ack_handover": ("確認收到交接表", "acknowledge that a handover form was handed in"),
}
#: who a permission may name besides positions: words for relations to the person concerned
RELATIONS: dict[str, tuple[str, str]] = {
    "self": ("本人", "the person concerned"),
    "reporting_line": (
        "匯報線上的評分人",
        "a rater position the rubric names, in the person's reporting line (their manager, "
        "that manager's manager, …; the top of the organisation is above everyone)",
    ),
    "cycle_rater": ("周期內的評分人", "someone who rates a member of the cycle"),
    "task_owner": ("任務負責人", "the task's owner"),
}
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    "open_cycle": ["general_manager", "manager"],
    "close_cycle": ["general_manager", "manager"],
    "reopen_cycle": ["general_manager", "manager"],
    "calibrate": ["general_manager"],
    "override_quota": ["general_manager"],
    "rate": ["reporting_line"],
    "read_appraisal": ["self", "reporting_line", "general_manager"],
    "read_cycle": ["cycle_rater"],
    "read_audit": ["general_manager", "manager"],
    "read_records": ["self", "general_manager", "manager"],
    "manage_staff": ["general_manager", "manager"],
    "act_for_others": ["general_manager", "manager"],
    "work_task": ["task_owner", "general_manager", "manager"],
    "assign_task": ["general_manager", "manager"],
    "approve_leave": ["general_manager", "manager"],
    "ack_handover": ["general_manager", "manager"],
}


class Manual(Strict):
    schema_version: Literal[1]
    title: Text
    dated: NonEmpty
    company: Text
    department: Text
    calendar: Calendar
    preamble: Text
    general: TitledText
    functions: ItemList
    conduct: ItemList
    daily_rules: ItemList
    organisation: TitledText
    positions: list[Position] = Field(min_length=1)
    appraisal: Appraisal
    goals: Goals
    workflow: Workflow
    supplementary: Supplementary
    errata: list[Erratum] = []
    #: who may do what, by action: position ids and relations (``RELATIONS``). The manual says
    #: who rates whom (§6) and who approves a visit (§3.1); the rest is the tool's default.
    permissions: dict[str, list[Ident]] = Field(default_factory=lambda: dict(DEFAULT_PERMISSIONS))
    defaults: list[str] = []

    # --- lookups used by the services -------------------------------------------------------

    @cached_property
    def top_positions(self) -> frozenset[str]:
        """The positions that report to nobody: the top of the organisation."""
        return frozenset(p.id for p in self.positions if p.reports_to is None)

    @cached_property
    def permission_table(self) -> dict[str, list[str]]:
        """Who may do what: the file's ``permissions``, the defaults for actions it omits."""
        return {**DEFAULT_PERMISSIONS, **self.permissions}

    # lookups by id, built once per manual (a 10k-row import asks 20k times)
    @cached_property
    def positions_by_id(self) -> dict[str, Position]:
        return {p.id: p for p in self.positions}

    @cached_property
    def rubrics_by_id(self) -> dict[str, Rubric]:
        return {r.id: r for r in self.appraisal.rubrics}

    def position(self, position_id: str) -> Position:
        return self.positions_by_id[position_id]

    def rubric(self, rubric_id: str) -> Rubric:
        return self.rubrics_by_id[rubric_id]

    def raters_of(self, position: Position) -> list[str]:
        """Who rates a position: its own ``raters``, else its rubric's."""
        if position.raters is not None:
            return list(position.raters)
        if position.rubric is None:
            return []
        return list(self.rubric(position.rubric).raters)

    def goal_items(self) -> Iterator[tuple[str, GoalMonth, int, Text]]:
        for month in self.goals.months:
            for n, item in enumerate(month.items, start=1):
                yield f"{month.id}.{n}", month, n, item

    def head(self) -> Position | None:
        return next((p for p in self.positions if p.head), None)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _field_names(model: type[BaseModel]) -> set[str]:
    """Keys a ``defaults`` list may name: fields, and ``field.sub`` for nested models."""
    names: set[str] = set()
    for name, info in model.model_fields.items():
        if name == "defaults":
            continue
        names.add(name)
        ann = info.annotation
        inner = getattr(ann, "__args__", (ann,))
        for t in inner:
            if isinstance(t, type) and issubclass(t, BaseModel):
                names |= {f"{name}.{sub}" for sub in t.model_fields}
    return names


def _check_defaults(obj: BaseModel, path: Path) -> Iterator[Problem]:
    fields = _field_names(type(obj))
    for i, name in enumerate(getattr(obj, "defaults", [])):
        if name not in fields:
            yield Problem((*path, "defaults", i), f"names {name!r}, which is not a key here")


def semantic_problems(m: Manual) -> list[Problem]:
    """Every rule the file breaks that its structure alone does not show."""
    out: list[Problem] = []
    add = out.append

    try:
        ZoneInfo(m.calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        add(Problem(("calendar", "timezone"), f"unknown time zone {m.calendar.timezone!r}"))
    import calendar as _cal

    if m.calendar.effective_day > _cal.monthrange(2024, m.calendar.effective_month)[1]:
        add(Problem(("calendar", "effective_day"), "is not a day of the effective month"))
    out.extend(_check_defaults(m.calendar, ("calendar",)))

    # Items: unique keys across the rule lists.
    keys: list[str] = []
    for section in ("functions", "conduct", "daily_rules"):
        keys += [i.key for i in getattr(m, section).items if i.key]
    for dup in _duplicates(keys):
        add(Problem(("daily_rules",), f"duplicate item key {dup!r}"))

    # Positions.
    pos_ids = [p.id for p in m.positions]
    rubric_ids = [r.id for r in m.appraisal.rubrics]
    for dup in _duplicates(pos_ids):
        add(Problem(("positions",), f"duplicate position id {dup!r}"))
    names: dict[str, str] = {}
    for i, p in enumerate(m.positions):
        path: Path = ("positions", i)
        for label in [p.id, p.name.zh, p.name.en, *p.aliases]:
            k = name_key(label)
            if names.setdefault(k, p.id) != p.id:
                add(Problem((*path, "aliases"), f"name {label!r} also names position {names[k]!r}"))
        if p.reports_to is not None and p.reports_to not in pos_ids:
            add(Problem((*path, "reports_to"), f"unknown position {p.reports_to!r}"))
        if p.reports_to == p.id:
            add(Problem((*path, "reports_to"), "a position cannot report to itself"))
        if p.rubric is not None and p.rubric not in rubric_ids:
            add(Problem((*path, "rubric"), f"unknown rubric {p.rubric!r}"))
        for j, rater_id in enumerate(p.raters or []):
            if rater_id not in pos_ids:
                add(Problem((*path, "raters", j), f"unknown rater position {rater_id!r}"))
        if p.raters is not None and p.rubric is None:
            add(Problem((*path, "raters"), "raters given but no rubric to rate with"))
        out.extend(_check_defaults(p, path))
    heads = [p.id for p in m.positions if p.head]
    if len(heads) > 1:
        add(Problem(("positions",), f"more than one department head: {', '.join(heads)}"))

    # Grades: ids, bands, shares, points.
    ap = m.appraisal
    grade_ids = [g.id for g in ap.grades]
    for dup in _duplicates(grade_ids):
        add(Problem(("appraisal", "grades"), f"duplicate grade id {dup!r}"))
    bands = [Band(g.id, g.min, g.max) for g in ap.grades]
    for message in band_problems(bands):
        add(Problem(("appraisal", "grades"), message))
    total_share = sum((g.share for g in ap.grades), Decimal(0))
    if total_share != 100:
        add(Problem(("appraisal", "grades"), f"shares add up to {total_share}%, not 100%"))
    for i, g in enumerate(ap.grades):
        upper_ok = g.points < g.max or (g.points == g.max == 100)
        if not (g.min <= g.points and upper_ok):
            add(
                Problem(
                    ("appraisal", "grades", i, "points"),
                    f"{g.points} points fall outside grade {g.id}'s band {g.min}–{g.max}",
                )
            )
    out.extend(_check_defaults(ap, ("appraisal",)))
    out.extend(_check_defaults(ap.quota, ("appraisal", "quota")))
    for dup in _duplicates([k.id for k in ap.cycle_kinds]):
        add(Problem(("appraisal", "cycle_kinds"), f"duplicate cycle kind {dup!r}"))

    # Rubrics.
    for dup in _duplicates(rubric_ids):
        add(Problem(("appraisal", "rubrics"), f"duplicate rubric id {dup!r}"))
    for i, r in enumerate(ap.rubrics):
        path = ("appraisal", "rubrics", i)
        for j, rater in enumerate(r.raters):
            if rater not in pos_ids:
                add(Problem((*path, "raters", j), f"unknown rater position {rater!r}"))
        for dup in _duplicates([c.id for c in r.criteria]):
            add(Problem((*path, "criteria"), f"duplicate criterion id {dup!r}"))
        total = sum((c.weight for c in r.criteria), Decimal(0))
        if total != 100:
            add(Problem((*path, "criteria"), f"weights add up to {total}, not 100"))
        crit_names: dict[str, str] = {}
        for j, c in enumerate(r.criteria):
            cpath: Path = (*path, "criteria", j)
            if sorted(c.levels) != sorted(grade_ids):
                add(
                    Problem(
                        (*cpath, "levels"),
                        f"levels {', '.join(sorted(c.levels))} do not match the grades "
                        f"{', '.join(sorted(grade_ids))}",
                    )
                )
            for label in [c.id, c.name.zh, c.name.en, *c.aliases]:
                k = name_key(label)
                if crit_names.setdefault(k, c.id) != c.id:
                    add(
                        Problem((*cpath, "aliases"), f"name {label!r} also names {crit_names[k]!r}")
                    )

    # Goals and phases.
    for dup in _duplicates([g.id for g in m.goals.months]):
        add(Problem(("goals", "months"), f"duplicate goal month id {dup!r}"))
    for dup in _duplicates([str(g.month) for g in m.goals.months]):
        add(Problem(("goals", "months"), f"month {dup} has two goal lists"))
    for dup in _duplicates([p.id for p in m.workflow.phases]):
        add(Problem(("workflow", "phases"), f"duplicate phase id {dup!r}"))
    for i, ph in enumerate(m.workflow.phases):
        if ph.months_min > ph.months_max:
            add(Problem(("workflow", "phases", i), "months_min is larger than months_max"))
    goal_ids = {gid for gid, *_ in m.goal_items()}
    for dup in _duplicates([a.position for a in m.workflow.assignments]):
        add(Problem(("workflow", "assignments"), f"position {dup!r} has two task lists"))
    for i, a in enumerate(m.workflow.assignments):
        path = ("workflow", "assignments", i)
        if a.position not in pos_ids:
            add(Problem((*path, "position"), f"unknown position {a.position!r}"))
        for j, t in enumerate(a.tasks):
            if t.serves is not None and t.serves not in goal_ids:
                add(Problem((*path, "tasks", j, "serves"), f"unknown goal {t.serves!r}"))
        out.extend(_check_defaults(a, path))
    for dup in _duplicates([e.id for e in m.errata]):
        add(Problem(("errata",), f"duplicate erratum id {dup!r}"))

    # The permission table: known actions, each naming known positions or relations.
    out.extend(_check_defaults(m, ()))
    for action, who in m.permissions.items():
        if action not in ACTIONS:
            add(Problem(("permissions", action), f"unknown action; known: {', '.join(ACTIONS)}"))
        for j, name in enumerate(who):
            if name not in pos_ids and name not in RELATIONS:
                add(
                    Problem(
                        ("permissions", action, j),
                        f"{name!r} is neither a position nor one of {', '.join(RELATIONS)}",
                    )
                )
    return out
