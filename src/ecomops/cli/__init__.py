"""The ``ecomops`` command line: one Typer app, one sub-app per noun."""

from __future__ import annotations

import typer

from ecomops import __version__
from ecomops.cli import (
    appraisal,
    db,
    goals,
    init,
    manual,
    office,
    plans,
    report,
    roles,
    staff,
    tasks,
)

app = typer.Typer(
    name="ecomops",
    help="Run the E-commerce Department by its operations manual (電商部運營管理手冊).\n\n"
    "Example: ecomops rubric show copywriter",
    invoke_without_command=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecomops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Run the E-commerce Department by its operations manual (電商部運營管理手冊).

    With no command: what needs doing today (ecomops today).

    Example: ecomops rubric show copywriter
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(report.today_command)


init.register(app)
manual.register(app)
app.add_typer(manual.app, name="manual")
app.add_typer(roles.app, name="roles")
app.add_typer(roles.rubric_app, name="rubric")
app.add_typer(goals.app, name="goals")
app.add_typer(staff.app, name="staff")
app.add_typer(appraisal.cycle_app, name="cycle")
appraisal.register(app)
app.add_typer(appraisal.appraisals_app, name="appraisals")
app.add_typer(appraisal.quota_app, name="quota")
app.add_typer(plans.app, name="plan")
plans.register(app)
app.add_typer(office.leave_app, name="leave")
app.add_typer(office.handover_app, name="handover")
app.add_typer(office.visitor_app, name="visitor")
app.add_typer(tasks.app, name="tasks")
report.register(app)
report.register_demo(app)
app.add_typer(db.app, name="db")
db.register_audit(app)


def main() -> None:
    app(prog_name="ecomops")
