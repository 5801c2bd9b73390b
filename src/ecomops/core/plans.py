"""The Monday plan's text: a Markdown file with two sections (pure)."""

from __future__ import annotations

import re

from ecomops.errors import InvalidInput

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
KEYWORDS = {
    "summary": ("summary", "review", "总结", "總結"),
    "plan": ("plan", "计划", "計劃", "筹划", "籌劃"),
}

WEEK_TEMPLATE = """# {period} {name}

## Last week's summary / 上周工作总结

## This week's plan / 本周工作计划
"""

MONTH_TEMPLATE = """# {period} {name}

## This month's summary / 本月总结

## Next month's plan / 下月计划
"""


def _section_of(title: str) -> str | None:
    """Which section a heading opens: the kind whose keyword comes first in it, if any."""
    t = title.lower()
    found = {
        kind: min(t.find(w) for w in words if w in t)
        for kind, words in KEYWORDS.items()
        if any(w in t for w in words)
    }
    return min(found, key=lambda kind: found[kind]) if found else None


def parse_markdown(text: str, source: str = "the file") -> tuple[str, str]:
    """Return (summary, plan) from a Markdown text with a summary and a plan section."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = HEADING.match(line)
        if m:
            kind = _section_of(m.group(1))
            if kind is not None:
                if kind in sections:
                    raise InvalidInput(f"{source} has two {kind} sections", "keep one of each")
                sections[kind] = []
            current = kind
            continue
        if current is not None:
            sections[current].append(line)
    missing = [k for k in ("summary", "plan") if k not in sections]
    if missing:
        raise InvalidInput(
            f"{source} has no {' and no '.join(missing)} section",
            "write a '## Summary' (上周总结) and a '## Plan' (本周计划) heading",
        )
    summary, plan = ("\n".join(sections[k]).strip() for k in ("summary", "plan"))
    check_sections(summary, plan)
    return summary, plan


def check_sections(summary: str | None, plan: str | None) -> tuple[str, str]:
    empty = [n for n, v in (("summary", summary), ("plan", plan)) if not (v and v.strip())]
    if empty:
        raise InvalidInput(
            f"the {' and the '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty",
            "write both: last period's summary and the plan",
        )
    return summary.strip(), plan.strip()  # type: ignore[union-attr]
