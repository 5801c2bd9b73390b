"""Processes that race on one database (or one mailbox), started cheaply.

Each racer is a process of its own (its own connections, its own locks, released together by a
barrier where the test says so), forked from multiprocessing's fork server, which imported
ecomops, SQLAlchemy and the database drivers once for the test process: a spawned interpreter
paid 0.5–1 s of CPU for those imports per racer (16 racers a test, on each backend), which is
what made the race tests the slowest of the suite. The race itself is the same: separate
processes on one database.

The fork server keeps the environment it was started with, so a racer takes the test's whole
environment (:func:`environment`) and puts it in place first (:func:`enter`).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

#: imported once in the fork server, before it forks a racer
PRELOAD = [
    "sqlalchemy",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.psycopg2",
    "psycopg2",
    "ecomops.db.session",
    "ecomops.errors",
    "ecomops.identity",
    "ecomops.services.appraisal",
    "ecomops.services.plans",
    "ecomops.cli",
    "tests.conftest",
]


def context() -> BaseContext:
    """multiprocessing's fork server, preloaded with :data:`PRELOAD` (it starts on first use
    and serves every later test of this process)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def environment() -> dict[str, str]:
    """The test's environment as it is now, for a racer to :func:`enter`."""
    return dict(os.environ)


def enter(env: dict[str, str]) -> None:
    """In a racer: exactly the test's environment, nothing the fork server started with."""
    os.environ.clear()
    os.environ.update(env)


@dataclass
class Finished:
    """How one ``ecomops`` process ended, as ``subprocess.run`` would tell it."""

    returncode: int | None
    stdout: bytes
    stderr: bytes


def _command(env: dict[str, str], args: list[str], out: str, err: str, barrier) -> None:
    """In a racer: ``ecomops ARGS`` as ``python -m ecomops`` runs it (``ecomops.cli.main``,
    which exits with the command's status), its stdout and stderr in files of their own."""
    import sys

    enter(env)
    for path, fd in ((out, 1), (err, 2)):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.argv = ["ecomops", *args]
    barrier.wait(timeout=120)  # every racer ready: they start together
    from ecomops.cli import main

    main()


def ecomops_at_once(args: list[str], processes: int) -> list[Finished]:
    """``ecomops ARGS`` in ``processes`` processes released together (as cron starting a run
    while others are still at it), each in the test's environment; how each ended."""
    ctx = context()
    env = environment()
    barrier = ctx.Barrier(processes)
    with tempfile.TemporaryDirectory(prefix="ecomops-racers-") as folder:
        files = [(Path(folder, f"{i}.out"), Path(folder, f"{i}.err")) for i in range(processes)]
        procs = [ctx.Process(target=_command, args=(env, args, str(out), str(err), barrier))
                 for out, err in files]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=300)
        return [Finished(p.exitcode, out.read_bytes(), err.read_bytes())
                for p, (out, err) in zip(procs, files, strict=True)]
