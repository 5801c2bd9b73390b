"""``ecomops manual show|check`` and ``ecomops rules``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import command, lang_of, session
from ecomops.cli.output import Column, console, emit, table

app = typer.Typer(
    help="Read and check the handbook.\n\nExample: ecomops manual show 6", no_args_is_help=True
)


_WEIGHT = {"en": "weight", "zh": "權重", "zh-hans": "权重"}


def _label(s, lang: str) -> str:
    """A section's heading: ``§3.2 Title`` for a section of the manual; a rubric's criterion
    with its weight (``Analysis (weight 20%)``), a rubric with its own number in the grade
    table (``3. Title``): neither is a section."""
    number = s.number
    if not number:
        return s.title
    if s.id.startswith("rubrics."):
        if number.endswith("%"):
            return f"{s.title} ({_WEIGHT.get(lang, _WEIGHT['en'])} {number})"
        return f"{number}. {s.title}"
    if number[0].isdigit():
        return f"§{number} {s.title}"
    return f"{s.title} ({number})"


def _render_sections(sections, depth: int = 0, lang: str = "en") -> None:
    from rich.padding import Padding
    from rich.table import Table

    from ecomops.cli.output import cell, esc

    out = console()
    for s in sections:
        style = "bold underline" if depth == 0 else "bold"
        label = _label(s, lang)
        out.print(Padding(f"[{style}]{esc(label)}[/]", (0, 0, 0, 2 * depth)))
        if s.text:
            out.print(Padding(esc(s.text, lines=True), (0, 0, 0, 2 * depth)))
        if s.items:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", no_wrap=True)
            grid.add_column(overflow="fold")
            for item in s.items:
                grid.add_row(cell(f"{item.number}."), cell(item.text))
            out.print(Padding(grid, (0, 0, 0, 2 * depth + 2)))
        _render_sections(s.sections, depth + 1, lang)
        if depth == 0:
            out.print()


@command(app, "show")
def show(
    section: Annotated[
        str | None,
        typer.Argument(
            help="A section: 1–9, 3.1, 8.2, or a name such as functions, "
            "positions, appraisal, goals, phases, tasks.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show the handbook in force, whole or one section.

    Example: ecomops manual show functions --lang en
    """
    from ecomops.services.manual import manual_show

    language = lang_of()
    with session(write=False) as s:
        out = manual_show(s, section, language)
    emit(out, render=lambda secs: _render_sections(secs, lang=language))


@command(app, "check", without=("db", "database_url"))
def check(
    file: Annotated[
        str | None,
        typer.Argument(
            help="Handbook YAML to check \\[default: the bundled one].", show_default=False
        ),
    ] = None,
) -> None:
    """Validate a handbook file and report the manual's own inconsistencies.

    Exit status: 0 when the file is valid (warnings only), 1 when it has errors.

    Example: ecomops manual check data/seed_manual.yaml
    """
    from ecomops.render.labels import words
    from ecomops.services.manual import manual_check

    language = lang_of()
    out = manual_check(file, language)

    def render(o) -> None:
        from ecomops.cli.output import esc
        from ecomops.i18n import gettext as _
        from ecomops.i18n import ngettext, translate
        from ecomops.text import safe

        c = console()
        for e in o.errors:
            message = safe(translate(e), lines=True)
            typer.echo(_("error: {message}").format(message=message), err=True)
        for w in o.warnings:
            where = f"§{w.section}" if w.section[:1].isdigit() else w.section
            if language == "en":
                c.print(f"[yellow]warning[/] {esc(where)} [dim]{esc(w.id)}[/]: {esc(w.message)}")
            else:  # the check's id is English (it is in --json): the warning in words only
                c.print(
                    f"[yellow]{esc(words(language)('warning'))}[/] {esc(where)}: {esc(w.message)}"
                )
        n, m = len(o.errors), len(o.warnings)
        warned = ngettext("{m} warning", "{m} warnings", m).format(m=m)
        if o.valid:
            line = _("{file}: valid, {warnings}").format(file=safe(o.file), warnings=warned)
        else:
            line = ngettext(
                "{file}: not valid ({n} error), {warnings}",
                "{file}: not valid ({n} errors), {warnings}",
                n,
            ).format(file=safe(o.file), n=n, warnings=warned)
        typer.echo(line, err=True)

    emit(out, render=render)
    if not out.valid:
        raise typer.Exit(code=1)


def register(root: typer.Typer) -> None:
    @command(root, "rules")
    def rules(
    ) -> None:
        """List the code of conduct (§3.1) and the daily work rules (§3.2).

        Example: ecomops rules --lang zh-hans
        """
        from ecomops.render.labels import words
        from ecomops.services.manual import rules_list

        language = lang_of()
        with session(write=False) as s:
            out = rules_list(s, language)
        w = words(language)
        columns: list[Column] = [
            ("§", lambda r: f"{r.section}.{r.number}"),
            (w("rule"), lambda r: r.text, True),
        ]
        if language == "en":  # the rule's key is an English id: English only (and --json)
            columns.append((w("key"), lambda r: r.key))
        emit(
            out,
            render=lambda rows: table(rows, columns, title=w("Rules")),
        )
