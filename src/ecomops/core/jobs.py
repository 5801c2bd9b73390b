"""The scheduled jobs, written for cron and for systemd (pure): what runs when, the crontab
block, the user units, the environment file, and merging the block into a crontab.

A job runs ecomops by absolute paths (cron's PATH is ``/usr/bin:/bin``, and its environment
holds little more than HOME and LOGNAME): the Python that runs this ecomops, the settings file
named (``ECOMOPS_CONFIG``), the database named (``ECOMOPS_DB`` or ``ECOMOPS_DATABASE_URL``),
secrets read from an environment file of mode 0600, output appended to a log in a folder only
its owner reads (cron) or to the journal (systemd).

Every job runs every day: the commands themselves skip what is not theirs (``remind`` sends
nothing on a day off or before the hour), and a weekend made a working day (调休) is then
reminded like any other; cron's day-of-week field knows no holidays.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ecomops.errors import InvalidInput

BEGIN, END = "# BEGIN ecomops", "# END ecomops"


@dataclass(frozen=True, slots=True)
class Job:
    """One scheduled command: its ``name`` (units, logs), ecomops's arguments, when (cron's
    five fields; systemd's OnCalendar=) and what it does, in words."""

    name: str
    args: tuple[str, ...]
    cron: str
    calendar: str
    every: str
    does: str


REMIND = Job(
    "remind",
    ("remind",),
    "*/15 * * * *",
    "*-*-* *:00/15:00",
    "every 15 minutes",
    "send the reminders due now (days off are skipped by the command)",
)
COLLECT = Job(
    "collect",
    ("plan", "collect"),
    "0 * * * *",
    "*-*-* *:00:00",
    "every hour",
    "record the plans mailed to the department head",
)
JOBS = (REMIND, COLLECT)


@dataclass(frozen=True, slots=True)
class Setup:
    """Where a job finds everything: the command that runs ecomops (absolute paths), the
    variables set on its line or in its unit (no secrets), the environment file and the log
    folder (absolute paths)."""

    command: tuple[str, ...]
    variables: tuple[tuple[str, str], ...]
    env_file: str
    log_folder: str


def _checked(value: str, what: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise InvalidInput(f"{what} holds a line break, which a job's line cannot carry")
    return value


def cron_line(job: Job, setup: Setup) -> str:
    """The crontab line of ``job``: the log folder made (0700), the environment file read
    when it is there, the variables set, ecomops run, everything it prints appended to the
    job's log. ``%`` (cron's newline) is escaped."""
    q = shlex.quote
    log = f"{setup.log_folder}/{job.name}.log"
    env = q(setup.env_file)
    assigns = " ".join(f"{k}={q(_checked(v, k))}" for k, v in setup.variables)
    run = " ".join(q(_checked(a, "the command")) for a in (*setup.command, *job.args))
    shell = (
        f"umask 077; mkdir -p {q(setup.log_folder)} && "
        f"{{ [ ! -r {env} ] || {{ set -a; . {env}; set +a; }}; {assigns} {run}; }} "
        f">>{q(log)} 2>&1"
    )
    return f"{job.cron} {shell.replace('%', chr(92) + '%')}"


def cron_block(jobs: Sequence[Job], setup: Setup) -> str:
    """The block ecomops keeps in a crontab, between its markers (ending in a newline)."""
    lines = [BEGIN, "# ecomops's jobs: `ecomops schedule --cron --install` rewrites this block"]
    for job in jobs:
        lines += [f"# {job.name} {job.every}: {job.does}", cron_line(job, setup)]
    return "\n".join([*lines, END]) + "\n"


def command_of(line: str) -> str:
    """The shell command of a crontab line, as cron hands it to ``/bin/sh -c``: after the five
    time fields, ``\\%`` read as ``%`` (an unescaped ``%`` would end the command)."""
    fields = line.split(None, 5)
    if len(fields) < 6:
        raise InvalidInput(f"{line!r} is not a crontab line")
    command = fields[5]
    if re.search(r"(?<!\\)%", command):
        command = re.split(r"(?<!\\)%", command, maxsplit=1)[0]
    return command.replace("\\%", "%")


def merge_cron(existing: str, block: str) -> str:
    """``existing`` crontab with ecomops's block put in: where the old one was (between its
    markers), else at the end. Every other line is kept as it was."""
    lines = existing.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == END]
    if len(starts) > 1 or len(ends) > 1 or len(starts) != len(ends) or (
        starts and ends[0] < starts[0]
    ):
        raise InvalidInput(
            f"the crontab's {BEGIN!r} and {END!r} lines do not pair up",
            "mend them with crontab -e, then install again",
        )
    if starts:
        return "".join(lines[: starts[0]]) + block + "".join(lines[ends[0] + 1 :])
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines) + block


# --- systemd --------------------------------------------------------------------------------


def systemd_word(value: str) -> str:
    """One word of a unit's command line or Environment= (quoted when it must be; ``%``
    doubled, specifiers being expanded even inside quotes; ``$`` doubled on command lines is
    the caller's: see :func:`systemd_exec`)."""
    _checked(value, "a unit's value")
    value = value.replace("%", "%%")
    if value and not re.search(r"[\s\"'\\;]", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_exec(words: Sequence[str]) -> str:
    """ExecStart='s value: each word quoted as it must be, ``$`` kept from expansion."""
    return " ".join(systemd_word(w.replace("$", "$$")) for w in words)


def service_name(job: Job) -> str:
    return f"ecomops-{job.name}"


def systemd_units(job: Job, setup: Setup) -> dict[str, str]:
    """The user units of ``job``: ``ecomops-NAME.service`` (one run; its output to the
    journal) and ``ecomops-NAME.timer`` (when), by file name."""
    name = service_name(job)
    service = [
        "[Unit]",
        f"Description=ecomops {' '.join(job.args)}: {job.does}",
        "",
        "[Service]",
        "Type=oneshot",
        *(f"Environment={systemd_word(f'{k}={v}')}" for k, v in setup.variables),
        f"EnvironmentFile=-{systemd_word(setup.env_file)}",
        f"ExecStart={systemd_exec([*setup.command, *job.args])}",
    ]
    timer = [
        "[Unit]",
        f"Description=ecomops {' '.join(job.args)} {job.every}",
        "",
        "[Timer]",
        f"OnCalendar={job.calendar}",
        "Persistent=true",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]
    return {f"{name}.service": "\n".join(service) + "\n", f"{name}.timer": "\n".join(timer) + "\n"}


# --- the environment file -------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_line(key: str, value: str) -> str:
    """``KEY='value'``: read alike by ``sh`` (``.``) and systemd's EnvironmentFile=."""
    if not _NAME.fullmatch(key):
        raise InvalidInput(f"{key!r} is not a variable's name")
    return f"{key}={shlex.quote(_checked(value, key))}"


def merge_env(existing: str, values: Mapping[str, str]) -> str:
    """The environment file with ``values`` set: a key's line replaced where it was, new keys
    added at the end, every other line (comments, keys added by hand) kept."""
    out: list[str] = []
    done: set[str] = set()
    for line in existing.splitlines():
        key = line.split("=", 1)[0].strip() if "=" in line else ""
        if key in values and not line.lstrip().startswith("#"):
            if key not in done:
                out.append(env_line(key, values[key]))
                done.add(key)
            continue
        out.append(line)
    if not existing.strip():
        out = [
            "# ecomops: settings for its scheduled jobs (cron sources this file, systemd reads",
            "# it as EnvironmentFile=); readable by its owner only. Written by",
            "# `ecomops schedule --install`, which keeps lines added by hand.",
        ]
    out += [env_line(k, v) for k, v in sorted(values.items()) if k not in done]
    return "\n".join(out) + "\n"
