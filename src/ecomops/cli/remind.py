"""``ecomops remind``: send the reminders due now, each once (safe to run every 15 minutes)."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import (
    AsOpt,
    actor,
    audit,
    command,
    database,
    fail,
    lang_of,
    note,
    now,
    settings,
)
from ecomops.cli.output import emit, table
from ecomops.errors import InvalidInput


def register(root: typer.Typer) -> None:
    @command(root, "remind")
    def remind(
        dry_run: Annotated[
            bool,
            typer.Option("--dry-run", help="Show what would be sent; send and record nothing."),
        ] = False,
        as_: AsOpt = None,
    ) -> None:
        """Remind people of what they owe, each reminder once (run it every 15 minutes).

        A Monday plan or month-end summary not in (on its deadline's day from \\[remind]
        plan_hour, default 10:00, and on the next working day), tasks due by the next
        working day or overdue, ratings owed in the open cycle, by e-mail (\\[smtp],
        ECOMOPS_SMTP_*); and the department head (e-mail) and the group robot (\\[webhook],
        ECOMOPS_WEBHOOK_URL, _KIND, _SECRET) hear who has not handed in. Working days only; a
        failed send is tried again on the next run. --dry-run works with no channel configured
        too: it shows who would be told what.

        Example: ecomops remind --dry-run
        """
        from ecomops.services.remind import Channels
        from ecomops.services.remind import remind as service

        language = lang_of()
        config = settings()
        channels = Channels(smtp=config.smtp, webhook=config.webhook)
        if not channels.names and not dry_run:
            raise InvalidInput(
                "no channel to send reminders through",
                f"set [smtp] host (e-mail) or [webhook] url (the group robot) in {config.file}, "
                "or ECOMOPS_SMTP_HOST or ECOMOPS_WEBHOOK_URL; --dry-run shows what would go out",
            )
        hour = config.plan_hour
        with database(write=False) as opened:
            with opened.session(write=False) as s:
                who = actor(s, as_)
            out = service(
                opened,
                actor=who,
                now=now(),
                lang=language,
                channels=channels,
                plan_hour=hour,
                dry_run=dry_run,
            )
            tried = [r for r in out.reminders if r.status in ("sent", "failed")]
            if tried:  # a run that sent or tried something is recorded; an idle one is not
                with opened.session(write=True) as s:
                    audit(
                        s,
                        extra={
                            "reminders_sent": sum(r.status == "sent" for r in tried),
                            "reminders_failed": sum(r.status == "failed" for r in tried),
                            "messages_sent": out.messages_sent,
                            "messages_failed": out.messages_failed,
                        },
                    )
        emit(out, render=lambda o: _render(o, language))
        if out.messages_failed:
            from ecomops.errors import EcomopsError

            fail(
                EcomopsError(
                    f"{out.messages_failed} message(s) could not be sent",
                    "each is recorded and tried again on the next run",
                )
            )


def _render(out, lang: str = "en") -> None:
    from ecomops.render.labels import words

    w = words(lang)
    verb = "would send" if out.dry_run else "sent"

    def value(v: str) -> str:
        try:
            return w(f"remind:{v}")
        except KeyError:  # a value this table has no word for: shown as it is
            return v

    table(
        out.reminders,
        [
            (w("remind:status"), lambda r: value(r.status)),
            (w("remind:channel"), lambda r: value(r.channel)),
            (w("remind:to"), lambda r: r.recipient or w("remind:group")),
            (w("remind:kind"), lambda r: value(r.kind)),
            (w("remind:item"), lambda r: r.item),
            (w("remind:occasion"), lambda r: value(r.occasion)),
            (w("remind:reminder"), lambda r: r.text, True),
            (w("remind:error"), lambda r: r.error, True),
        ],
        empty=f"{w('remind:nothing')} {out.now:%Y-%m-%d %H:%M}"
        + (f" ({out.already_sent} sent earlier)" if out.already_sent else ""),
    )
    if out.reminders:
        count = sum(r.status in ("sent", "would_send") for r in out.reminders)
        note(
            f"{verb} {count} reminder(s)"
            + ("" if out.dry_run else f" in {out.messages_sent} message(s)")
            + (
                f", {out.messages_failed} message(s) failed: tried again next run"
                if out.messages_failed
                else ""
            )
            + (f"; {out.already_sent} sent earlier" if out.already_sent else "")
        )
