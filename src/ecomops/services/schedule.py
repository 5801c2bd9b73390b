"""``ecomops schedule``: the jobs that run ecomops on their own (``remind`` every 15 minutes,
``plan collect`` every hour), for cron or systemd, printed or installed for the current user.

What the jobs run is settled here, once, from the settings in force (see
:mod:`ecomops.core.jobs` for how each line and unit is written):

- **the command**: this Python (``sys.executable``, not resolved: a virtual environment's
  ``python`` is what makes it one) with ``-m ecomops``, and ``PYTHONPATH`` when this ecomops
  was found through it;
- **the variables on the line** (no secrets): ``ECOMOPS_CONFIG`` (the settings file, absolute),
  the database (``ECOMOPS_DB``, or ``ECOMOPS_DATABASE_URL`` unless it carries a password),
  ``ECOMOPS_LANG`` when set;
- **the environment file** (``~/.config/ecomops/ecomops.env``, 0600): every other
  ``ECOMOPS_*`` setting in force (passwords, the robot's URL, a database URL with a password)
  and libpq's ``PG*`` variables; never ``ECOMOPS_NOW`` (a test's clock), ``ECOMOPS_AS`` or
  ``ECOMOPS_DEBUG``;
- **the log folder** (``~/.local/state/ecomops``, 0700) for cron; the journal for systemd.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecomops.core.jobs import (
    COLLECT,
    JOBS,
    REMIND,
    Job,
    Setup,
    cron_block,
    merge_cron,
    merge_env,
    systemd_units,
)
from ecomops.db.engine import Target
from ecomops.errors import InvalidInput

#: settings that are the running command's own, never a scheduled job's
_NOT_FOR_JOBS = {
    "ECOMOPS_NOW", "ECOMOPS_AS", "ECOMOPS_DEBUG", "ECOMOPS_TEST_DATABASE_URL",
    "ECOMOPS_STRICT_OUTPUT", "ECOMOPS_CONFIG", "ECOMOPS_DB", "ECOMOPS_DATABASE_URL",
    "ECOMOPS_LANG",
}


@dataclass(frozen=True)
class Schedule:
    """The jobs and where they find everything; ``secrets``: the environment file's values
    (never printed: only their names are)."""

    jobs: tuple[Job, ...]
    setup: Setup
    secrets: dict[str, str]
    #: what the keeper should know (a job that will fail until a setting is made)
    notes: tuple[str, ...] = ()


def user_paths(environ: Mapping[str, str]) -> tuple[Path, Path, Path]:
    """(the environment file, the log folder, the user units' folder), as the XDG base
    directories say (``XDG_CONFIG_HOME``, ``XDG_STATE_HOME``; else ``~/.config``,
    ``~/.local/state``) in ``environ`` (the caller's environment: a service reads none)."""
    env = environ
    home = Path(env.get("HOME") or Path.home())
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    state = Path(env.get("XDG_STATE_HOME") or home / ".local" / "state")
    return config / "ecomops" / "ecomops.env", state / "ecomops", config / "systemd" / "user"


def _command(environ: Mapping[str, str]) -> tuple[tuple[str, ...], str | None]:
    """This ecomops as an absolute command, and the PYTHONPATH it needs (None: none)."""
    import ecomops

    python = os.path.abspath(sys.executable)
    root = Path(ecomops.__file__).resolve().parent.parent
    entries = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    needed = any(Path(p).resolve() == root for p in entries)
    return (python, "-m", "ecomops"), str(root) if needed else None


def _database(target: Target) -> tuple[str, str, bool]:
    """(variable, value, secret) naming the database for a job."""
    path = target.sqlite_path
    if target.is_sqlite:
        if path is None:
            raise InvalidInput(
                "a database in memory cannot be scheduled", "name a database file", param="db"
            )
        return "ECOMOPS_DB", str(path.absolute()), False
    url = target.url
    return "ECOMOPS_DATABASE_URL", url.render_as_string(hide_password=False), bool(
        url.password or any("password" in k.lower() for k in url.query)
    )


def plan(
    target: Target,
    *,
    settings: Path,
    lang: str | None = None,
    environ: Mapping[str, str],
    mailbox: bool = True,
    channels: bool = True,
) -> Schedule:
    """The jobs for the database ``target`` with the settings file ``settings``, in the
    environment ``environ`` (the caller's): ``collect`` only with a ``mailbox`` to
    read; a note when ``remind`` has no ``channels`` to send through."""
    env = environ
    command, pythonpath = _command(env)
    env_file, log_folder, _units = user_paths(env)
    variables = [("ECOMOPS_CONFIG", str(settings.absolute()))]
    key, value, secret = _database(target)
    secrets = {k: v for k, v in env.items() if _for_jobs(k)}
    if secret:
        secrets[key] = value
    else:
        variables.append((key, value))
    language = lang or env.get("ECOMOPS_LANG")
    if language:
        variables.append(("ECOMOPS_LANG", language))
    if pythonpath:
        variables.append(("PYTHONPATH", pythonpath))
    notes = []
    if not settings.exists():
        notes.append(f"the settings file {settings} does not exist yet: the jobs will read it")
    path = target.sqlite_path
    if path is not None and not path.exists():
        notes.append(f"the database {path} does not exist yet: create it with ecomops init")
    if not channels:
        notes.append(
            "remind has nowhere to send ([smtp] host or [webhook] url in the settings file, or "
            "ECOMOPS_SMTP_HOST / ECOMOPS_WEBHOOK_URL): its job fails until one is set"
        )
    jobs: tuple[Job, ...] = JOBS
    if not mailbox:
        jobs = (REMIND,)
        notes.append(
            f"no mailbox to collect plans from ([imap] in the settings file, or "
            f"ECOMOPS_IMAP_HOST): only remind is scheduled; schedule again once it is set "
            f"to add {' '.join(COLLECT.args)}"
        )
    setup = Setup(command, tuple(variables), str(env_file), str(log_folder))
    return Schedule(jobs, setup, secrets, tuple(notes))


def _for_jobs(key: str) -> bool:
    if key.startswith("ECOMOPS_"):
        return key not in _NOT_FOR_JOBS
    return key.startswith("PG")


def crontab_text(schedule: Schedule) -> str:
    """The crontab block of ``schedule``."""
    return cron_block(schedule.jobs, schedule.setup)


def units(schedule: Schedule) -> dict[str, str]:
    """The systemd user units of ``schedule``, by file name."""
    out: dict[str, str] = {}
    for job in schedule.jobs:
        out.update(systemd_units(job, schedule.setup))
    return out


def write_env_file(schedule: Schedule) -> Path:
    """Write the environment file (0600, a new folder 0700), keeping lines added by hand."""
    from ecomops.services.files import private_folder, replace_atomically

    path = Path(schedule.setup.env_file)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    text = merge_env(existing, schedule.secrets)
    private_folder(path.parent)

    def fill(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    replace_atomically(path, fill)
    return path


def make_log_folder(schedule: Schedule) -> Path:
    """The log folder, readable by its owner only (0700)."""
    from ecomops.services.files import private_folder

    folder = Path(schedule.setup.log_folder)
    private_folder(folder)
    folder.chmod(0o700)
    return folder


Runner = Callable[..., subprocess.CompletedProcess]


def install_cron(schedule: Schedule, *, run: Runner = subprocess.run) -> str:
    """Put the block into the user's crontab (``crontab -l``, then ``crontab -``), every other
    line kept; write the environment file and make the log folder. Returns the new crontab."""
    try:
        listed = run(["crontab", "-l"], capture_output=True, text=True)
    except FileNotFoundError:
        raise InvalidInput(
            "there is no crontab command here", "install cron (Debian: apt-get install cron)"
        ) from None
    if listed.returncode != 0 and "no crontab" not in (listed.stderr or "").lower():
        raise InvalidInput(f"crontab -l failed: {(listed.stderr or '').strip()}")
    existing = listed.stdout if listed.returncode == 0 else ""
    text = merge_cron(existing, crontab_text(schedule))
    write_env_file(schedule)
    make_log_folder(schedule)
    if text != existing:
        done = run(["crontab", "-"], input=text, capture_output=True, text=True)
        if done.returncode != 0:
            raise InvalidInput(f"crontab - failed: {(done.stderr or '').strip()}")
    return text


def install_systemd(schedule: Schedule, environ: Mapping[str, str]) -> list[Path]:
    """Write the user units (and the environment file). Enabling the timers is the user's:
    ``systemctl --user enable --now …``."""
    _env, _logs, folder = user_paths(environ)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in units(schedule).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    write_env_file(schedule)
    return written
