"""``ecomops phases``: the build-up phases of §8.1 as they stand."""

from __future__ import annotations

import typer

from ecomops.cli.common import command, lang_of, now, session
from ecomops.cli.output import console, emit, fmt, table


def register(root: typer.Typer) -> None:
    @command(root, "phases")
    def phases(
    ) -> None:
        """The build-up phases (§8.1): each phase's window from the effective date, its
        items done, the current phase and what is overdue.

        A phase runs from the end of the one before it (between that one's target, its
        earliest end, and its due date, its latest end); the current phase is the first whose
        due date has not passed. Items are the phase tasks (ecomops tasks list --source phase).

        Example: ecomops phases --lang zh-hans
        """
        from ecomops.render.labels import words
        from ecomops.services.phases import phases_overview

        language = lang_of()
        with session(write=False) as s:
            out = phases_overview(s, now=now(), lang=language)
        w = words(language)

        def render(o) -> None:
            from ecomops.cli.output import esc

            c = console()
            current = o.current
            if language != "en":  # the phase's name, not its id
                current = next((p.name for p in o.phases if p.id == o.current), o.current)
            where = {
                "before": w("not begun yet"),
                "after": w("every phase's window has passed"),
            }.get(o.stage, f"{w('current phase')}: {current}")
            c.print(
                f"[bold]{w('Phases (§8.1)')}[/], {w('counted from')} {fmt(o.effective)}; "
                f"{w('as of')} {fmt(o.as_of)}: {esc(where)}"
            )
            table(
                o.phases,
                [
                    (w("phase"), lambda p: f"{p.number} {p.name}{' ◀' if p.current else ''}", True),
                    (w("starts"), lambda p: p.start),
                    (w("target"), lambda p: p.target),
                    (w("due"), lambda p: p.due),
                    (w("done"), lambda p: f"{p.done}/{p.total}"),
                    (w("late"), lambda p: p.overdue),
                    (w("status"), lambda p: w(f"phase:{p.status}")),
                ],
                title=w("Phases"),
                empty="the handbook has no phases",
            )
            names = {p.id: f"{p.number} {p.name}" for p in o.phases}

            def phase_of(ref: str | None) -> str:
                item = (ref or "").removeprefix("phase:")  # "preparation.2": the phase's item
                if language == "en":
                    return item
                return names.get(item.split(".")[0], item)  # in Chinese the phase, by name

            if o.overdue:
                table(
                    o.overdue,
                    [
                        ("#", lambda t: t.id),
                        (w("overdue item"), lambda t: t.title, True),
                        (w("phase"), lambda t: phase_of(t.ref)),
                        (w("owner"), lambda t: t.owner),
                        (w("due"), lambda t: t.due),
                        (w("days"), lambda t: t.days_overdue),
                    ],
                    title=w("Overdue"),
                )

        emit(out, render=render)
