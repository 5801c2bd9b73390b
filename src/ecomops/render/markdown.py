"""The report as Markdown (GitHub tables).

Every text is data: raw HTML is shown, not run (``<script>`` → ``&lt;script&gt;``), a pipe
cannot end a table cell, and control characters are shown (text.safe: ESC → ␛)."""

from __future__ import annotations

from collections.abc import Iterator

from ecomops.render.document import (
    SIGNS,
    Cell,
    report_labels,
    sections,
    subtitle,
    text,
    title,
)
from ecomops.text import safe
from ecomops.views import ReportOut

#: HTML's three, and a backslash before what Markdown would read as emphasis, code or a link
#: (``![x](http://…)`` would fetch an image when the report is opened)
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"} | {ch: "\\" + ch for ch in "\\`*_[]~"}
)


def _text(text: str) -> str:
    """One line of text: no HTML, no Markdown, no control characters, no line break."""
    return safe(text).translate(_ESCAPES)


#: the same, and a pipe, which would end a table's cell
_CELL_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|"} | {ch: "\\" + ch for ch in "\\`*_[]~"}
)


def _cell(text: str) -> str:
    return safe(text).translate(_CELL_ESCAPES)


def _shown(c: Cell, seen: dict[tuple[type, Cell], str], lang: str) -> str:
    """A table's cell as Markdown in ``lang``; a text is escaped as it comes, anything else (a
    sign, a date, a number) once per distinct value."""
    if c.__class__ is str:
        return _cell(c)
    k = (c.__class__, c)
    got = seen.get(k)
    if got is None:
        got = seen[k] = _cell(text(c, lang))
    return got


def render(r: ReportOut) -> str:
    return "".join(pieces(r))


#: lines made before they are handed on
_CHUNK = 2000


def pieces(r: ReportOut) -> Iterator[str]:
    """The text in pieces, a table a few thousand rows at a time (a report of 100,000 people
    is written as it is made, never held whole); joined, the text as :func:`render` gives."""
    lines = [f"# {_text(title(r))}", "", _text(subtitle(r)), ""]
    seen: dict[tuple[type, Cell], str] = {}  # the cells that repeat (signs, positions, dates)
    for s in sections(r):
        lines += [f"## {_text(s.title)}", ""]
        for n in s.notes:
            lines += [_text(n), ""]
        for t in s.tables:
            lines.append("| " + " | ".join(_cell(h) for h in t.headers) + " |")
            lines.append("|" + "|".join("---" for _ in t.headers) + "|")
            for row in t.rows:
                if len(lines) >= _CHUNK:  # a row always follows: the end is never cut here
                    yield "\n".join(lines) + "\n"
                    lines.clear()
                lines.append("| " + " | ".join([_shown(c, seen, r.lang) for c in row]) + " |")
            lines.append("")
        if s.id == "plans" and s.tables:
            L = report_labels(r.lang)
            lines += [
                _text(
                    "  ".join(f"{SIGNS[k]} {L[k]}" for k in SIGNS if k != "not_expected")
                    + f"  — {L['not_expected']}"
                ),
                "",
            ]
    yield "\n".join(lines).rstrip() + "\n"
