"""Processes that race on one database, started cheaply.

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
from multiprocessing.context import BaseContext

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
