"""``ecomops schedule``: run remind and plan collect on their own, with cron or systemd."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ecomops.cli.common import command, note
from ecomops.errors import InvalidInput


def register(root: typer.Typer) -> None:
    @command(root, "schedule", without=("as_json",))
    def schedule(
        cron: Annotated[
            bool, typer.Option("--cron", help="Lines for the user's crontab.")
        ] = False,
        systemd: Annotated[
            bool, typer.Option("--systemd", help="systemd user units (a service and a timer each).")
        ] = False,
        install: Annotated[
            bool,
            typer.Option(
                "--install",
                help="Install them for the current user: merge the lines into the crontab "
                "(between # BEGIN ecomops and # END ecomops), or write the units to "
                "~/.config/systemd/user; and write the environment file.",
            ),
        ] = False,
        lang: Annotated[
            str | None,
            typer.Option(
                "--lang",
                help="The reminders' language: en, zh or zh-hans \\[env: ECOMOPS_LANG].",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Run remind every 15 minutes and plan collect every hour, with cron or systemd.

        The jobs run this ecomops by its absolute path, name the settings file
        (ECOMOPS_CONFIG) and the database, read the secrets in force (passwords, the robot's
        URL) from ~/.config/ecomops/ecomops.env (0600), and log to
        ~/.local/state/ecomops (cron) or the journal (systemd). They run every day: the
        commands skip days off and holidays themselves. Printed, or installed with
        --install.

        Example: ecomops schedule --cron --install
        """
        from ecomops.cli.common import chosen_database, settings
        from ecomops.config import config_path
        from ecomops.db.engine import resolve
        from ecomops.services import schedule as service
        from ecomops.text import parse_lang

        if cron == systemd:
            raise InvalidInput("say which: --cron or --systemd", "one of them")
        choice = chosen_database()
        target = resolve(db=choice.file, database_url=choice.url)
        inforce = settings()
        plan = service.plan(
            target,
            settings=config_path(),
            environ=os.environ,
            lang=parse_lang(lang) if lang else None,
            mailbox=inforce.imap is not None,
            channels=inforce.smtp is not None or inforce.webhook is not None,
        )
        for line in plan.notes:
            note(f"note: {line}")
        kept = ", ".join(sorted(plan.secrets)) or "nothing yet"
        if cron:
            if install:
                service.install_cron(plan)
                note(
                    f"installed in your crontab between '# BEGIN ecomops' and '# END ecomops' "
                    f"(other lines untouched); {plan.setup.env_file} (0600) holds {kept}; logs "
                    f"in {plan.setup.log_folder}"
                )
                return
            typer.echo(service.crontab_text(plan), nl=False)
            note(
                f"for `crontab -e`, or run with --install; the jobs read {plan.setup.env_file} "
                f"(0600), which --install writes with {kept}"
            )
            return
        if install:
            written = service.install_systemd(plan, os.environ)
            timers = " ".join(p.name for p in written if p.suffix == ".timer")
            note(
                f"wrote {', '.join(str(p) for p in written)}; {plan.setup.env_file} (0600) holds "
                f"{kept}. Now run: systemctl --user daemon-reload && systemctl --user enable "
                f"--now {timers} (and loginctl enable-linger $USER, so that they run while you "
                "are logged out); their output: journalctl --user -u 'ecomops-*'"
            )
            return
        _env, _logs, folder = service.user_paths(os.environ)
        for name, text in service.units(plan).items():
            typer.echo(f"# {folder / name}\n{text}")
        note(
            f"or run with --install; the units read {plan.setup.env_file} (0600), which "
            f"--install writes with {kept}"
        )
