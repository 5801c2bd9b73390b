"""The report as a list of sections of typed rows (labels applied), shared by every format.

A cell is text, a number, a date or time, a share (:class:`Pct`) or a plan status
(:class:`Mark`); each format shows it its own way (a workbook keeps dates as dates and shares
as percentages; the terminal shows a status as a sign, the others as a sign and a word).
A table names its columns of long text (``wrap``): on a narrow terminal those wrap, names,
numbers and dates never do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ecomops.i18n import date_text, datetime_text, period_text, score_text
from ecomops.render.labels import as_the_manual, cancel_reason_shown, labels
from ecomops.views import ReportOut


@dataclass(frozen=True)
class Pct:
    """A share in percent (``Decimal("45")`` is 45 %)."""

    value: Decimal


@dataclass(frozen=True)
class Mark:
    """A plan status: its id (``on_time`` …), its sign and its word in the report's language."""

    code: str
    sign: str
    label: str


@dataclass(frozen=True)
class Score:
    """An appraisal's score out of 100 (85.0分 in Chinese; a number in a workbook)."""

    value: Decimal


Cell = str | int | Decimal | date | datetime | Pct | Score | Mark | None

#: a plan status as a sign, so the grid reads without colour
SIGNS = {
    "on_time": "✓",
    "late": "!",
    "missing": "✗",
    "open": "~",
    "on_leave": "L",
    "not_expected": "-",
}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    #: the columns of long text: the ones that wrap when the terminal is narrow
    wrap: tuple[int, ...] = ()


@dataclass
class Section:
    id: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: a short name (a workbook's sheet)
    short: str = ""


def num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    return str(value)


def text(cell: Cell, lang: str = "en") -> str:
    """A cell as the text the terminal, Markdown and HTML show, dates and scores as ``lang``
    writes them (2026年12月7日, 85.0分: :mod:`ecomops.i18n`'s formatters, as the listings)."""
    if cell is None:
        return "—"
    if isinstance(cell, str):
        return cell
    if isinstance(cell, datetime):
        return datetime_text(cell, lang)
    if isinstance(cell, date):
        return date_text(cell, lang)
    if isinstance(cell, Score):
        return num(cell.value) if lang == "en" else score_text(cell.value, lang)
    if isinstance(cell, Pct):
        return f"{num(cell.value)}%"
    if isinstance(cell, Mark):
        return "—" if cell.code == "not_expected" else f"{cell.sign} {cell.label}"
    return num(cell)


# --- labels of the report's own beyond render/labels.py ------------------------------------------

_EXTRA = {
    "en": {
        "sheet_goals": "Goals",
        "sheet_next_goals": "Next month's goals",
        "sheet_tasks": "Tasks",
        "sheet_plans": "Plans",
        "sheet_appraisal": "Appraisal",
        "sheet_leave": "Leave",
        "sheet_handovers": "Handovers",
        "sheet_visitors": "Visitors",
        "sheet_year_appraisal": "Appraisals of the year",
        "limit_rule": "{group} {count} of {n} · limit {limit} = ⌈{share} % × {n}⌉",
        "limit_strict": "{group} {count} of {n} · exactly {limit}",
        "limit_none": "{group} {count} of {n} · no limit",
        "limit_col": "Limit (the grade and those above it)",
        "limit_col_strict": "Exact count",
        "advisory": "advisory only: fewer appraisals than the quota's smallest group",
        "week": "Week",
        "calibrated_by": "By",
        "on": "On",
        "grade_before": "Grade before",
        "grade_after": "Grade after",
        "plan_chart_desc": "{name}: {counts}",
        "grade_chart_desc": "{grade}: {count} of {n} ({share} %), quota {quota} %",
    },
    "zh-hans": {
        "sheet_goals": "本月目标",
        "sheet_next_goals": "下月目标",
        "sheet_tasks": "任务",
        "sheet_plans": "周一计划与月末总结",
        "sheet_appraisal": "绩效考核",
        "sheet_leave": "请假与调休",
        "sheet_handovers": "暂时工作交接",
        "sheet_visitors": "来访登记",
        "sheet_year_appraisal": "年度绩效考核",
        "limit_rule": "{group}:{n} 人中 {count} 人 · 上限 {limit} = ⌈{share}% × {n}⌉",
        "limit_strict": "{group}:{n} 人中 {count} 人 · 规定 {limit} 人",
        "limit_none": "{group}:{n} 人中 {count} 人 · 不设上限",
        "limit_col": "上限(本级及以上)",
        "limit_col_strict": "规定人数",
        "advisory": "人数少于强制分布的最小组,仅供参考",
        "week": "周",
        "calibrated_by": "校准人",
        "on": "日期",
        "grade_before": "原级别",
        "grade_after": "校准后级别",
        "plan_chart_desc": "{name}:{counts}",
        "grade_chart_desc": "{grade}:{n} 人中 {count} 人({share}%),规定比例 {quota}%",
    },
}


@lru_cache(maxsize=4)
def report_labels(lang: str) -> dict[str, str]:
    """render/labels.py's labels and the report's own, in ``lang``."""
    if lang == "en":
        return {**labels(lang), **_EXTRA["en"]}
    if lang == "zh-hans":
        return {**labels(lang), **_EXTRA["zh-hans"]}
    from ecomops.text import converter

    conv = converter("s2t")
    merged = {**labels(lang), **{k: conv.convert(v) for k, v in _EXTRA["zh-hans"].items()}}
    return {k: as_the_manual(v) for k, v in merged.items()}


def position_shown(r: ReportOut, pid: str, short: bool) -> str:
    """The position ``pid``'s name in the report (``short``: without the department's)."""
    name = r.position_names.get(pid, pid)
    return short_position(name, r.department) if short else name


def short_position(name: str, department: str) -> str:
    """A position's name without the department's own name in front of it (the report is the
    department's): "E-commerce Department Manager" → "Manager", 电商部经理 → 经理."""
    if department and name.startswith(department) and name[len(department) :].strip():
        return name[len(department) :].strip()
    return name


def week_label(week: str, lang: str) -> str:
    """``2026-W45`` as a column head: W45, 第45周."""
    n = week.split("-W")[-1]
    return f"W{n}" if lang == "en" else f"第{int(n)}周"


def goal_label(goal_id: str, goal_text: str, lang: str) -> str:
    """A goal with its id in English (``nov.1 …``, what ``tasks add --goal`` takes), with its
    number in Chinese (``1. …``): the ids are English words."""
    if lang == "en":
        return f"{goal_id} {goal_text}"
    return f"{goal_id.rsplit('.', 1)[-1]}. {goal_text}"


def limit_text(d, n: int, strict: bool, L: dict[str, str]) -> str:
    """``A+B 4 of 5 · limit 4 = ⌈75 % × 5⌉``: the quota's count for the group a grade closes."""
    values = {"group": d.group, "count": d.group_count, "n": n, "limit": d.limit}
    if d.limit is None:
        return L["limit_none"].format(**values)
    if strict:
        return L["limit_strict"].format(**values)
    return L["limit_rule"].format(**values, share=num(d.group_share))


class _Memo(dict):
    """``memo[x]``: ``make(x)``, made once per distinct ``x``."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, x: Any) -> Any:
        value = self[x] = self.make(x)
        return value


def sections(r: ReportOut, *, short_names: bool = False) -> Iterator[Section]:
    """The report's sections, one at a time (a renderer writes each before the next is made:
    at 100,000 people each holds a table of 100,000 rows); ``short_names``: positions without
    the department's name."""
    L = report_labels(r.lang)

    def st(s: str) -> str:
        return L.get(f"status_{s}", L.get(s, s))

    def pos(pid: str) -> str:
        return position_shown(r, pid, short_names)

    goal_headers = [L["goal"], L["due"], L["progress"], L["status"]]
    # (full-width brackets in Chinese: 本月目标（2026年11月）)
    opening, closing = (" (", ")") if r.lang == "en" else ("（", "）")
    for sid, title, goals in (
        ("goals", f"{L['goals']}{opening}{period_text(r.month, r.lang)}{closing}", r.goals),
        (
            "next_goals",
            f"{L['next_goals']}{opening}{period_text(r.next_month, r.lang)}{closing}",
            r.next_goals,
        ),
    ):
        rows: list[list[Cell]] = [
            [goal_label(g.id, g.text, r.lang), g.due, f"{g.done}/{g.total}", st(g.status)]
            for g in goals
        ]
        yield (
            Section(
                sid,
                title,
                [Table(goal_headers, rows, wrap=(0,))] if rows else [],
                [] if rows else [L["none"]],
                L[f"sheet_{sid}"],
            )
        )
    done_rows: list[list[Cell]] = [
        [t.id, t.title, t.owner or "—", t.done_at.date() if t.done_at else None]
        for t in r.tasks_done
    ]
    overdue_rows: list[list[Cell]] = [
        [t.id, t.title, t.owner or "—", t.due, t.days_overdue] for t in r.tasks_overdue
    ]
    cancelled_rows: list[list[Cell]] = [
        [
            t.id,
            t.title,
            t.owner or "—",
            t.due,
            t.cancelled_at.date(),
            cancel_reason_shown(t.cancel_reason, r.lang),
        ]
        for t in r.tasks_cancelled
    ]
    owner_rows: list[list[Cell]] = [[o.owner, o.done, o.overdue] for o in r.by_owner]
    tasks = Section("tasks", L["tasks"], short=L["sheet_tasks"])
    tasks.notes.append(
        f"{L['tasks_done']}: {len(done_rows)}; {L['tasks_overdue']}: {len(overdue_rows)}"
        + (f"; {L['tasks_cancelled']}: {len(cancelled_rows)}" if cancelled_rows else "")
    )
    if owner_rows:
        tasks.tables.append(Table([L["owner"], L["done"], L["overdue"]], owner_rows))
    if done_rows:
        tasks.tables.append(
            Table(["#", L["tasks_done"], L["owner"], L["done"]], done_rows, wrap=(1,))
        )
    if overdue_rows:
        tasks.tables.append(
            Table(
                ["#", L["tasks_overdue"], L["owner"], L["due"], L["days_overdue"]],
                overdue_rows,
                wrap=(1,),
            )
        )
    if cancelled_rows:
        tasks.tables.append(
            Table(
                ["#", L["tasks_cancelled"], L["owner"], L["due"], L["cancelled_on"], L["reason"]],
                cancelled_rows,
                wrap=(1, 5),
            )
        )
    yield tasks
    del tasks, done_rows, overdue_rows, cancelled_rows
    p = r.plans

    # one Mark per status (immutable, shared) and one name per position: at 100,000 people
    # the grid has 600,000 cells
    marks = _Memo(lambda s: Mark(s, SIGNS.get(s, "?"), L.get(s, s)))
    mark = marks.__getitem__
    shown_pos = _Memo(pos)
    plan_rows: list[list[Cell]] = [
        [
            m.name,
            shown_pos[m.position],
            *[marks[m.weeks.get(w, "not_expected")] for w in p.weeks],
            marks[m.month_end],
        ]
        for m in p.members
    ]
    # the head's weekly summary of the department: due with the Monday plans, no month-end
    plan_rows += [
        [
            d.name,
            L["dept_summary"],
            *(mark(d.weeks.get(w, "not_expected")) for w in p.weeks),
            mark("not_expected"),
        ]
        for d in p.department
    ]
    plans = Section(
        "plans",
        L["plans"],
        [
            Table(
                [
                    L["member"],
                    L["position"],
                    *(week_label(w, r.lang) for w in p.weeks),
                    L["month_end"],
                ],
                plan_rows,
                wrap=(1,),
            )
        ]
        if plan_rows
        else [],
        [] if plan_rows else [L["none"]],
        L["sheet_plans"],
    )
    plans.notes.append(", ".join(f"{st(k)} {v}" for k, v in p.totals.items()))
    for d in p.department:
        counts = ", ".join(
            f"{st(k)} {getattr(d, k)}"
            for k in ("on_time", "late", "missing", "open", "on_leave", "not_expected")
        )
        plans.notes.append(f"{L['dept_summary']} ({d.name}): {counts}")
    yield plans
    del plans, plan_rows
    a = r.appraisal
    if a is not None:
        sec = Section(
            "appraisal",
            f"{L['appraisal']} {period_text(a.cycle, r.lang)}",
            short=L["sheet_appraisal"],
        )
        if a.exempt:
            verdict = L["exempt"]
        elif a.advisory:
            verdict = L["advisory"]
        else:
            verdict = L["quota_ok"] if a.ok else L["quota_broken"]
        sec.notes.append(f"{st('complete')} {a.complete}, {st('pending')} {a.pending}; {verdict}")
        sec.tables.append(
            Table(
                [
                    L["employee"],
                    L["position"],
                    L["status"],
                    L["score"],
                    L["grade"],
                    L["final_grade"],
                ],
                [
                    [
                        p.employee,
                        shown_pos[p.position],
                        st(p.status),
                        (None if p.score is None else Score(p.score))
                        if p.visible
                        else L["confidential"],
                        p.grade or "—",
                        p.final_grade or "—",
                    ]
                    for p in a.people
                ],
                wrap=(1,),
            )
        )
        if a.distribution:
            sec.tables.append(
                Table(
                    [
                        L["grade"],
                        L["count"],
                        L["share"],
                        L["quota"],
                        L["limit_col_strict"] if a.strict else L["limit_col"],
                    ],
                    [
                        [
                            d.grade,
                            d.count,
                            Pct(d.share),
                            Pct(d.quota_share),
                            limit_text(d, a.complete, a.strict, L),
                        ]
                        for d in a.distribution
                    ],
                    wrap=(4,),
                )
            )
        if a.violations:
            sec.tables.append(
                Table(
                    [L["violations"], L["count"], L["limit"]],
                    [[v.grades, v.count, v.limit] for v in a.violations],
                )
            )
        if a.calibrations:
            sec.tables.append(
                Table(
                    [
                        L["calibrations"],
                        L["calibrated_by"],
                        L["on"],
                        L["grade_before"],
                        L["grade_after"],
                        L["reason"],
                    ],
                    [
                        [c.employee, c.by, c.at.date(), c.before, c.after, c.reason]
                        for c in a.calibrations
                    ],
                    wrap=(5,),
                )
            )
        yield sec
        del sec
    leave_rows: list[list[Cell]] = [
        [
            x.name,
            L.get(f"kind_{x.kind}", x.kind),
            x.start,
            x.end,
            x.reason,
            L["yes"] if x.special else L["no"],
            L.get(f"leave_{x.status}", x.status),
        ]
        for x in r.leave
    ]
    yield (
        Section(
            "leave",
            L["leave"],
            [
                Table(
                    [
                        L["member"],
                        L["kind"],
                        L["from"],
                        L["to"],
                        L["reason"],
                        L["special"],
                        L["status"],
                    ],
                    leave_rows,
                    wrap=(4,),
                )
            ]
            if leave_rows
            else [],
            [] if leave_rows else [L["none"]],
            L["sheet_leave"],
        )
    )
    ho_rows: list[list[Cell]] = [
        [h.name, h.cover, h.start_at, h.end_at, h.place, h.matter] for h in r.handovers
    ]
    yield (
        Section(
            "handovers",
            L["handovers"],
            [
                Table(
                    [L["member"], L["cover"], L["from"], L["to"], L["place"], L["matter"]],
                    ho_rows,
                    wrap=(4, 5),
                )
            ]
            if ho_rows
            else [],
            [] if ho_rows else [L["none"]],
            L["sheet_handovers"],
        )
    )
    vi_rows: list[list[Cell]] = [
        [
            v.name,
            v.approved_by,
            v.escort,
            v.arrived_at,
            f"{v.left_at:%H:%M}" if v.left_at else "—",
            v.purpose or "—",
        ]
        for v in r.visitors
    ]
    yield (
        Section(
            "visitors",
            L["visitors"],
            [
                Table(
                    [
                        L["visitor"],
                        L["approved_by"],
                        L["escort"],
                        L["arrived"],
                        L["left"],
                        L["reason"],
                    ],
                    vi_rows,
                    wrap=(5,),
                )
            ]
            if vi_rows
            else [],
            [] if vi_rows else [L["none"]],
            L["sheet_visitors"],
        )
    )
    yield from year_sections(r, short_names=short_names)


def title(r: ReportOut) -> str:
    L = report_labels(r.lang)
    return f"{r.department} — {L['report_title']} {period_text(r.month, r.lang)}"


def subtitle(r: ReportOut) -> str:
    L = report_labels(r.lang)
    return f"{r.company} · {L['as_of']} {datetime_text(r.as_of, r.lang)}"


# --- the year's appraisals (``report --year``) ----------------------------------------------------

_YEAR_LABELS = {
    "en": {
        "year_appraisal": "Appraisals of the year",
        "year_cycles": "cycles",
        "repeated": "Graded A or D more than once",
        "times": "Times",
        "none_graded": "No grades to show.",
    },
    "zh-hans": {
        "year_appraisal": "年度绩效考核",
        "year_cycles": "考核周期",
        "repeated": "多次获评 A 或 D",
        "times": "次数",
        "none_graded": "没有可显示的级别。",
    },
    # written out in the manual's own characters (OpenCC would write 考覈 for its 考核)
    "zh": {
        "year_appraisal": "年度績效考核",
        "year_cycles": "考核周期",
        "repeated": "多次獲評 A 或 D",
        "times": "次數",
        "none_graded": "沒有可顯示的級別。",
    },
}


def _year_labels(lang: str) -> dict[str, str]:
    return _YEAR_LABELS.get(lang, _YEAR_LABELS["en"])


def year_sections(r: ReportOut, *, short_names: bool = False) -> list[Section]:
    """The year's appraisals, when the report has them (``report --year``): each person's
    final grade per cycle, and who was graded A or D more than once."""
    from ecomops.views import YearReportOut

    if not isinstance(r, YearReportOut):
        return []
    L, Y = report_labels(r.lang), _year_labels(r.lang)
    y = r.year_appraisal
    sec = Section(
        "year_appraisal",
        f"{Y['year_appraisal']} {period_text(str(y.year), r.lang)}",
        short=L["sheet_year_appraisal"],
    )
    cycles = [period_text(c.id, r.lang) for c in y.cycles]
    sec.notes.append(f"{Y['year_cycles']}: {', '.join(cycles) or '—'}")
    if y.people:
        sec.tables.append(
            Table(
                [L["employee"], L["position"], *cycles],
                [
                    [
                        p.employee,
                        position_shown(r, p.position, short_names),
                        *(
                            (p.grades.get(c.id) or (L["pending"] if c.id in p.grades else "—"))
                            if p.visible
                            else L["confidential"]
                            for c in y.cycles
                        ),
                    ]
                    for p in y.people
                ],
            )
        )
    else:
        sec.notes.append(Y["none_graded"])
    if y.repeated:
        sec.tables.append(
            Table(
                [Y["repeated"], L["grade"], Y["times"], L["cycle"]],
                [
                    [
                        x.employee,
                        x.grade,
                        x.count,
                        ", ".join(period_text(c, r.lang) for c in x.cycles),
                    ]
                    for x in y.repeated
                ],
                wrap=(3,),
            )
        )
    return [sec]
