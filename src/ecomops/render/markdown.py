"""The report as Markdown (GitHub tables)."""

from __future__ import annotations

from ecomops.render.document import sections, subtitle, title
from ecomops.views import ReportOut


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(r: ReportOut) -> str:
    lines = [f"# {title(r)}", "", subtitle(r), ""]
    for s in sections(r):
        lines += [f"## {s.title}", ""]
        for n in s.notes:
            lines += [n, ""]
        for t in s.tables:
            lines.append("| " + " | ".join(_cell(h) for h in t.headers) + " |")
            lines.append("|" + "|".join("---" for _ in t.headers) + "|")
            for row in t.rows:
                lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
