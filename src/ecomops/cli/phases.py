"""``ecomops phases``: the build-up phases of §8.1 as they stand."""

from __future__ import annotations

import typer

from ecomops.cli.common import DbOpt, JsonOpt, LangOpt, UrlOpt, command, lang_of, now, session
from ecomops.cli.output import console, emit, fmt, table


def register(root: typer.Typer) -> None:
    @command(root, "phases")
    def phases(
        lang: LangOpt = None,
        db: DbOpt = None,
        database_url: UrlOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """The build-up phases (§8.1): each phase's window from the effective date, its
        items done, the current phase and what is overdue.

        A phase runs from the end of the one before it (between that one's target, its
        earliest end, and its due date, its latest end); the current phase is the first whose
        due date has not passed. Items are the phase tasks (ecomops tasks list --source phase).

        Example: ecomops phases --lang zh-hans
        """
        from ecomops.services.phases import phases_overview

        with session(db, database_url, write=False) as s:
            out = phases_overview(s, now=now(), lang=lang_of(lang))

        def render(o) -> None:
            from ecomops.cli.output import esc

            c = console()
            where = {
                "before": "not begun yet",
                "after": "every phase's window has passed",
            }.get(o.stage, f"current phase: {o.current}")
            c.print(
                f"[bold]Phases (§8.1)[/], counted from {fmt(o.effective)}; "
                f"as of {fmt(o.as_of)}: {esc(where)}"
            )
            table(
                o.phases,
                [
                    ("phase", lambda p: f"{p.number} {p.name}{' ◀' if p.current else ''}", True),
                    ("starts", lambda p: p.start),
                    ("target", lambda p: p.target),
                    ("due", lambda p: p.due),
                    ("done", lambda p: f"{p.done}/{p.total}"),
                    ("late", lambda p: p.overdue),
                    ("status", lambda p: p.status),
                ],
                title="Phases",
                empty="the handbook has no phases",
            )
            if o.overdue:
                table(
                    o.overdue,
                    [
                        ("#", lambda t: t.id),
                        ("overdue item", lambda t: t.title, True),
                        ("phase", lambda t: (t.ref or "").removeprefix("phase:")),
                        ("owner", lambda t: t.owner),
                        ("due", lambda t: t.due),
                        ("days", lambda t: t.days_overdue),
                    ],
                    title="Overdue",
                )

        emit(out, as_json=as_json, render=render)
