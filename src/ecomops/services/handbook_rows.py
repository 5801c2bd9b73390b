"""The handbook as table rows (pure: a Manual in, plain dicts out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual

Rows = dict[str, list[dict[str, Any]]]


def handbook_rows(m: Manual, year: int) -> Rows:
    """The handbook's tables (positions, rubrics, criteria, grades, …) as rows for ``year``."""
    ap = m.appraisal
    rows: Rows = {
        "rubric": [{"id": r.id, "name_zh": r.name.zh, "name_en": r.name.en} for r in ap.rubrics],
        "criterion": [
            {
                "rubric_id": r.id,
                "id": c.id,
                "seq": n,
                "name_zh": c.name.zh,
                "name_en": c.name.en,
                "weight": c.weight,
            }
            for r in ap.rubrics
            for n, c in enumerate(r.criteria, start=1)
        ],
        "grade": [
            {
                "id": g.id,
                "seq": n,
                "min_score": g.min,
                "max_score": g.max,
                "share": g.share,
                "points": g.points,
            }
            for n, g in enumerate(ap.grades, start=1)
        ],
        "cycle_kind": [
            {"id": k.id, "forced_distribution": k.forced_distribution} for k in ap.cycle_kinds
        ],
        "position": [
            {
                "id": p.id,
                "seq": n,
                "name_zh": p.name.zh,
                "name_en": p.name.en,
                "in_department": p.in_department,
                "rubric_id": p.rubric,
            }
            for n, p in enumerate(m.positions, start=1)
        ],
        "goal": [
            {
                "id": gid,
                "month": f"{year:04d}-{month.month:02d}",
                "seq": n,
                "text_zh": item.zh,
                "text_en": item.en,
            }
            for gid, month, n, item in m.goal_items()
        ],
    }
    return rows


PRIMARY_KEYS = {
    "rubric": ("id",),
    "criterion": ("rubric_id", "id"),
    "grade": ("id",),
    "cycle_kind": ("id",),
    "position": ("id",),
    "goal": ("id",),
}
#: Parents before children for inserts; deletes run in reverse.
ORDER = ("rubric", "criterion", "grade", "cycle_kind", "position", "goal")
