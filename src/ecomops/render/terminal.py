"""The report on the terminal: Rich tables, with the two charts as bars."""

from __future__ import annotations

from ecomops.render.document import sections, subtitle, title
from ecomops.render.labels import labels
from ecomops.text import safe
from ecomops.views import ReportOut


def escape(text: str) -> str:
    """``text`` for a Rich markup string: shown as typed, never as markup (``[/red]``) nor as
    terminal codes (text.safe: ESC → ␛)."""
    from rich.markup import escape as markup_escape

    return markup_escape(safe(text))


def render(r: ReportOut, console) -> None:
    from rich.table import Table

    L = labels(r.lang)
    console.print(f"[bold]{escape(title(r))}[/]")
    console.print(f"[dim]{escape(subtitle(r))}[/]\n")
    for s in sections(r):
        console.print(f"[bold underline]{escape(s.title)}[/]")
        for n in s.notes:
            console.print(escape(n))
        if s.id == "plans" and r.plans.members:
            for m in r.plans.members:
                bar = (
                    "[green]"
                    + "█" * m.on_time
                    + "[/][yellow]"
                    + "█" * m.late
                    + "[/][red]"
                    + "█" * m.missing
                    + "[/][dim]"
                    + "░" * m.open
                    + "·" * m.not_expected
                    + "[/]"
                )
                console.print(f"  {escape(m.name):<8} {bar}")
            console.print(
                f"  [green]█[/] {L['on_time']}  [yellow]█[/] {L['late']}  "
                f"[red]█[/] {L['missing']}  [dim]░[/] {L['open']}  [dim]·[/] {L['not_expected']}"
            )
        if s.id == "appraisal" and r.appraisal is not None:
            for d in r.appraisal.distribution:
                actual = "█" * round(float(d.share) / 5)
                quota = "░" * round(float(d.quota_share) / 5)
                console.print(
                    f"  {d.grade} [blue]{actual:<20}[/] {d.share}%  "
                    f"[dim]{quota:<20}[/] {d.quota_share}%"
                )
        for t in s.tables:
            table = Table(header_style="bold", show_lines=False)
            for i, h in enumerate(t.headers):
                table.add_column(h, overflow="fold", ratio=3 if i == 1 else None)
            for row in t.rows:
                table.add_row(*(escape(c) for c in row))
            console.print(table)
        console.print()
