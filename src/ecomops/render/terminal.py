"""The report on the terminal: Rich tables that fit the width (80 columns and up), the grade
distribution as bars with the quota's limits, and plan compliance as a grid of signs by week
that reads without colour.

A table longer than the screen is not laid out by Rich (which measures every cell of every
row, 42 of 45 s of a 10,000-person report): it is written as plain aligned rows, as the
listings are (:func:`plain_table`), in time that grows with its rows."""

from __future__ import annotations

from decimal import Decimal

from ecomops.render.document import (
    SIGNS,
    Mark,
    Pct,
    Score,
    report_labels,
    sections,
    subtitle,
    text,
    title,
)
from ecomops.text import cell_width, safe
from ecomops.views import ReportOut

#: a plan status's colour: a second cue, never the only one (each has its own sign)
STYLES = {
    "on_time": "green",
    "late": "yellow",
    "missing": "bold red",
    "open": "dim",
    "on_leave": "cyan",
    "not_expected": "dim",
}


def escape(text: str) -> str:
    """``text`` for a Rich markup string: shown as typed, never as markup (``[/red]``) nor as
    terminal codes (text.safe: ESC → ␛)."""
    from rich.markup import escape as markup_escape

    return markup_escape(safe(text))


def _cell(value, lang: str = "en") -> str:
    if isinstance(value, Mark):
        return f"[{STYLES.get(value.code, 'dim')}]{escape(value.sign)}[/]"
    return escape(text(value, lang))


def _numeric(value) -> bool:
    return isinstance(value, int | Decimal | Pct | Score) and not isinstance(value, bool)


def render(r: ReportOut, console) -> None:
    from rich.table import Table

    L = report_labels(r.lang)
    console.print(f"[bold]{escape(title(r))}[/]")
    console.print(f"[dim]{escape(subtitle(r))}[/]\n")
    for s in sections(r, short_names=True):
        console.print(f"[bold underline]{escape(s.title)}[/]")
        for n in s.notes:
            console.print(escape(n))
        if s.id == "appraisal" and r.appraisal is not None:
            for d in r.appraisal.distribution:
                actual = "█" * round(float(d.share) / 5)
                quota = "░" * round(float(d.quota_share) / 5)
                limit = "" if d.limit is None else f"  {escape(d.group)} ≤ {d.limit}"
                console.print(
                    f"  {escape(d.grade)} [blue]{actual:<20}[/] {text(Pct(d.share)):>4}  "
                    f"[dim]{quota:<20}[/] {text(Pct(d.quota_share)):>3}{limit}"
                )
        for t in s.tables:
            if len(t.rows) + _TABLE_LINES > console.size.height:
                marks = plain_table(t, console, r.lang)
                if marks:
                    console.print("  " + "  ".join(f"{SIGNS[k]} {escape(L[k])}" for k in SIGNS))
                continue
            table = Table(header_style="bold", show_lines=False)
            marks = False
            for i, h in enumerate(t.headers):
                column = [row[i] for row in t.rows]
                signs = bool(column) and all(isinstance(c, Mark) for c in column)
                marks = marks or signs
                # long text wraps (by words, a long word folded); names, numbers, dates and
                # signs never do (a column of signs may wrap its head)
                wraps = i in t.wrap or signs
                table.add_column(
                    escape(h),
                    overflow="fold",
                    no_wrap=not wraps,
                    justify="center"
                    if signs
                    else ("right" if column and all(_numeric(c) for c in column) else "left"),
                    min_width=2 if signs else None,
                )
            for row in t.rows:
                table.add_row(*(_cell(c, r.lang) for c in row))
            console.print(table)
            if marks:
                console.print(
                    "  " + "  ".join(f"[{STYLES[k]}]{SIGNS[k]}[/] {escape(L[k])}" for k in SIGNS)
                )
        console.print()


#: the lines a Rich table takes besides its rows (borders, header)
_TABLE_LINES = 4
#: the widest a wrapping column's cells are aligned to (a longer cell pushes its row's next
#: columns right, that row only)
WRAP_WIDTH = 60
#: rows written to the stream at a time
_CHUNK = 2000


def plain_table(t, console, lang: str = "en") -> bool:
    """Write ``t`` as plain text: a header line, then one line per row, columns two spaces
    apart and aligned by display width (a CJK character takes two), numbers to the right;
    a plan status as its sign; user text made safe (no terminal codes, no line breaks),
    nothing cut short. On a terminal the header is bold. Whether it has a column of signs."""
    width = cell_width()
    n = len(t.headers)
    headers = [safe(h) for h in t.headers]
    widths = [width(h) for h in headers]
    right = [bool(t.rows)] * n
    signs = [bool(t.rows)] * n
    cells: list[list[str]] = []
    sizes: list[list[int]] = []
    for row in t.rows:  # the first pass: every cell's text and width, each column's width
        line = []
        size = []
        for i, c in enumerate(row):
            kind = type(c)
            if kind is str:
                shown = safe(c)
                signs[i] = right[i] = False
            elif kind is Mark:
                shown = safe(c.sign)
                right[i] = False
            else:
                shown = safe(text(c, lang))
                signs[i] = False
                if not _numeric(c):
                    right[i] = False
            w = width(shown)
            if w > widths[i]:
                widths[i] = w
            line.append(shown)
            size.append(w)
        cells.append(line)
        sizes.append(size)
    widths = [min(w, WRAP_WIDTH) if i in t.wrap else w for i, w in enumerate(widths)]
    pads = [" " * w for w in widths]
    last = n - 1

    def aligned(line: list[str], size: list[int]) -> str:
        parts = [
            pads[i][size[i] :] + value
            if right[i]
            else (value + pads[i][size[i] :] if i < last else value)
            for i, value in enumerate(line)
        ]
        return "  ".join(parts).rstrip() + "\n"

    stream = console.file
    head = aligned(headers, [width(h) for h in headers])
    stream.write(f"\x1b[1m{head[:-1]}\x1b[0m\n" if console.is_terminal else head)
    for start in range(0, len(cells), _CHUNK):
        end = start + _CHUNK
        stream.write("".join(map(aligned, cells[start:end], sizes[start:end])))
    stream.flush()
    return any(signs)
