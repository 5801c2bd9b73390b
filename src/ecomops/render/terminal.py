"""The report on the terminal: Rich tables that fit the width (80 columns and up), the grade
distribution as bars with the quota's limits, and plan compliance as a grid of signs by week
that reads without colour."""

from __future__ import annotations

from decimal import Decimal

from ecomops.render.document import (
    SIGNS,
    Mark,
    Pct,
    report_labels,
    sections,
    subtitle,
    text,
    title,
)
from ecomops.text import safe
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


def _cell(value) -> str:
    if isinstance(value, Mark):
        return f"[{STYLES.get(value.code, 'dim')}]{escape(value.sign)}[/]"
    return escape(text(value))


def _numeric(value) -> bool:
    return isinstance(value, int | Decimal | Pct) and not isinstance(value, bool)


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
                table.add_row(*(_cell(c) for c in row))
            console.print(table)
            if marks:
                console.print(
                    "  " + "  ".join(f"[{STYLES[k]}]{SIGNS[k]}[/] {escape(L[k])}" for k in SIGNS)
                )
        console.print()
