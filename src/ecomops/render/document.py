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
    plan_rows = [
        [
            m.name,
            r.position_names.get(m.position, m.position),
            *(st(m.weeks.get(w, "—")) for w in p.weeks),
            st(m.month_end),
        ]
        for m in p.members
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
            st(x.kind) if x.kind in L else x.kind,
            x.start.isoformat(),
            x.end.isoformat(),
            x.reason,
            L["yes"] if x.special else L["no"],
        ]
        for x in r.leave
    ]
    out.append(
        Section(
            "leave",
            L["leave"],
            [
                Table(
                    [L["member"], L["kind"], L["from"], L["to"], L["reason"], L["special"]],
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
    return out


def title(r: ReportOut) -> str:
    L = labels(r.lang)
    return f"{r.department} — {L['report_title']} {r.month}"


def subtitle(r: ReportOut) -> str:
    L = labels(r.lang)
    return f"{r.company} · {L['as_of']} {r.as_of:%Y-%m-%d %H:%M}"
