"""The report as a list of sections of plain rows (labels applied), shared by every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ecomops.render.labels import labels
from ecomops.views import ReportOut


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    id: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    return str(value)


def sections(r: ReportOut) -> list[Section]:
    L = labels(r.lang)

    def st(s: str) -> str:
        return L.get(f"status_{s}", L.get(s, s))

    out: list[Section] = []
    goal_headers = [L["goal"], L["due"], L["progress"], L["status"]]
    for sid, title, goals in (
        ("goals", f"{L['goals']} ({r.month})", r.goals),
        ("next_goals", f"{L['next_goals']} ({r.next_month})", r.next_goals),
    ):
        rows = [
            [f"{g.id} {g.text}", g.due.isoformat(), f"{g.done}/{g.total}", st(g.status)]
            for g in goals
        ]
        out.append(
            Section(
                sid, title, [Table(goal_headers, rows)] if rows else [], [] if rows else [L["none"]]
            )
        )
    done_rows = [
        [str(t.id), t.title, t.owner or "—", f"{t.done_at:%Y-%m-%d}" if t.done_at else "—"]
        for t in r.tasks_done
    ]
    overdue_rows = [
        [str(t.id), t.title, t.owner or "—", t.due.isoformat(), str(t.days_overdue)]
        for t in r.tasks_overdue
    ]
    owner_rows = [[o.owner, str(o.done), str(o.overdue)] for o in r.by_owner]
    tasks = Section("tasks", L["tasks"])
    tasks.notes.append(
        f"{L['tasks_done']}: {len(done_rows)}; {L['tasks_overdue']}: {len(overdue_rows)}"
    )
    if owner_rows:
        tasks.tables.append(Table([L["owner"], L["done"], L["overdue"]], owner_rows))
    if done_rows:
        tasks.tables.append(Table(["#", L["tasks_done"], L["owner"], L["done"]], done_rows))
    if overdue_rows:
        tasks.tables.append(
            Table(["#", L["tasks_overdue"], L["owner"], L["due"], L["days_overdue"]], overdue_rows)
        )
    out.append(tasks)
    p = r.plans

    def plan_st(s: str) -> str:  # a period not expected of the person is a dash
        return "—" if s == "not_expected" else st(s)

    plan_rows = [
        [
            m.name,
            r.position_names.get(m.position, m.position),
            *(plan_st(m.weeks.get(w, "not_expected")) for w in p.weeks),
            plan_st(m.month_end),
        ]
        for m in p.members
    ]
    # the head's weekly summary of the department: due with the Monday plans, no month-end
    plan_rows += [
        [
            d.name,
            L["dept_summary"],
            *(plan_st(d.weeks.get(w, "not_expected")) for w in p.weeks),
            "—",
        ]
        for d in p.department
    ]
    plans = Section(
        "plans",
        L["plans"],
        [
            Table(
                [L["member"], L["position"], *(w.split("-")[-1] for w in p.weeks), L["month_end"]],
                plan_rows,
            )
        ]
        if plan_rows
        else [],
        [] if plan_rows else [L["none"]],
    )
    plans.notes.append(", ".join(f"{st(k)} {v}" for k, v in p.totals.items()))
    for d in p.department:
        counts = ", ".join(
            f"{st(k)} {getattr(d, k)}"
            for k in ("on_time", "late", "missing", "open", "not_expected")
        )
        plans.notes.append(f"{L['dept_summary']} ({d.name}): {counts}")
    out.append(plans)
    a = r.appraisal
    if a is not None:
        sec = Section("appraisal", f"{L['appraisal']} {a.cycle}")
        verdict = L["exempt"] if a.exempt else (L["quota_ok"] if a.ok else L["quota_broken"])
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
                        r.position_names.get(p.position, p.position),
                        st(p.status),
                        num(p.score) if p.visible else L["confidential"],
                        p.grade or "—",
                        p.final_grade or "—",
                    ]
                    for p in a.people
                ],
            )
        )
        sec.tables.append(
            Table(
                [L["grade"], L["count"], L["share"], L["quota"]],
                [
                    [d.grade, str(d.count), f"{num(d.share)}%", f"{num(d.quota_share)}%"]
                    for d in a.distribution
                ],
            )
        )
        if a.violations:
            sec.tables.append(
                Table(
                    [L["violations"], L["count"], L["limit"]],
                    [[v.grades, str(v.count), str(v.limit)] for v in a.violations],
                )
            )
        if a.calibrations:
            sec.tables.append(
                Table(
                    [L["calibrations"], L["from"], L["to"], L["reason"]],
                    [
                        [f"{c.employee} ({c.by}, {c.at:%Y-%m-%d})", c.before, c.after, c.reason]
                        for c in a.calibrations
                    ],
                )
            )
        out.append(sec)
    leave_rows = [
        [
            x.name,
            L.get(f"kind_{x.kind}", x.kind),
            x.start.isoformat(),
            x.end.isoformat(),
            x.reason,
            L["yes"] if x.special else L["no"],
            L.get(f"leave_{x.status}", x.status),
        ]
        for x in r.leave
    ]
    out.append(
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
                )
            ]
            if leave_rows
            else [],
            [] if leave_rows else [L["none"]],
        )
    )
    ho_rows = [
        [
            h.name,
            h.cover,
            f"{h.start_at:%Y-%m-%d %H:%M}",
            f"{h.end_at:%Y-%m-%d %H:%M}",
            h.place,
            h.matter,
        ]
        for h in r.handovers
    ]
    out.append(
        Section(
            "handovers",
            L["handovers"],
            [Table([L["member"], L["cover"], L["from"], L["to"], L["place"], L["matter"]], ho_rows)]
            if ho_rows
            else [],
            [] if ho_rows else [L["none"]],
        )
    )
    vi_rows = [
        [
            v.name,
            v.approved_by,
            v.escort,
            f"{v.arrived_at:%Y-%m-%d %H:%M}",
            f"{v.left_at:%H:%M}" if v.left_at else "—",
            v.purpose or "—",
        ]
        for v in r.visitors
    ]
    out.append(
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
                )
            ]
            if vi_rows
            else [],
            [] if vi_rows else [L["none"]],
        )
    )
    out.extend(year_sections(r))
    return out


def title(r: ReportOut) -> str:
    L = labels(r.lang)
    return f"{r.department} — {L['report_title']} {r.month}"


def subtitle(r: ReportOut) -> str:
    L = labels(r.lang)
    return f"{r.company} · {L['as_of']} {r.as_of:%Y-%m-%d %H:%M}"


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


def year_sections(r: ReportOut) -> list[Section]:
    """The year's appraisals, when the report has them (``report --year``): each person's
    final grade per cycle, and who was graded A or D more than once."""
    from ecomops.views import YearReportOut

    if not isinstance(r, YearReportOut):
        return []
    L, Y = labels(r.lang), _year_labels(r.lang)
    y = r.year_appraisal
    sec = Section("year_appraisal", f"{Y['year_appraisal']} {y.year}")
    sec.notes.append(f"{Y['year_cycles']}: {', '.join(c.id for c in y.cycles) or '—'}")
    if y.people:
        sec.tables.append(
            Table(
                [L["employee"], L["position"], *(c.id for c in y.cycles)],
                [
                    [
                        p.employee,
                        r.position_names.get(p.position, p.position),
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
                [[x.employee, x.grade, str(x.count), ", ".join(x.cycles)] for x in y.repeated],
            )
        )
    return [sec]
