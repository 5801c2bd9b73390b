"""SIGKILL in the middle of a 10,000-sheet import: the SQLite file passes integrity_check and
holds all of the import or none of it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

from ecomops.cli import app  # noqa: F401  (the installed package is the one under test)

PEOPLE = 5000  # × 2 raters = 10,000 sheets
COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]


def _run(args, env):
    return subprocess.Popen([sys.executable, "-m", "ecomops", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _count(path) -> tuple[str, int]:
    with sqlite3.connect(path) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        sheets = conn.execute("SELECT COUNT(*) FROM sheet").fetchone()[0]
    return check, sheets


def test_sigkill_mid_import_leaves_all_or_nothing(tmp_path, cli):
    db = tmp_path / "big.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOMOPS_DATABASE_URL")}
    env.update(ECOMOPS_DB=str(db), ECOMOPS_NOW="2026-11-27T10:00")
    os.environ.update(ECOMOPS_DB=str(db), ECOMOPS_NOW="2026-11-27T10:00")
    os.environ.pop("ECOMOPS_DATABASE_URL", None)
    assert cli("init", "--year", "2026", "--simulated-clock").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("name,position\n经理,manager\n总经理,general_manager\n"
                      + "".join(f"文案{i:05d},copywriter\n" for i in range(PEOPLE)),
                      encoding="utf-8")
    assert cli("staff", "import", str(roster)).exit_code == 0
    assert cli("cycle", "open", "2026-11").exit_code == 0
    sheets = tmp_path / "sheets.csv"
    with sheets.open("w", encoding="utf-8") as f:
        f.write("employee,rater," + ",".join(COPY) + "\n")
        for i in range(PEOPLE):
            for rater in ("经理", "总经理"):
                f.write(f"文案{i:05d},{rater}," + ",".join(str(60 + (i % 40))
                                                          for _ in COPY) + "\n")
    pristine = tmp_path / "pristine.db"
    shutil.copy(db, pristine)

    # how long a whole import takes here
    start = time.perf_counter()
    full = _run(["appraise", "-c", "2026-11", "--from", str(sheets)], env)
    assert full.wait(timeout=600) == 0, full.stderr.read().decode()
    duration = time.perf_counter() - start
    assert _count(db) == ("ok", 2 * PEOPLE)

    outcomes = []
    for fraction in (None, 0.5, 0.9):
        for suffix in ("", "-wal", "-shm"):
            target = f"{db}{suffix}"
            if os.path.exists(target):
                os.remove(target)
        shutil.copy(pristine, db)
        proc = _run(["appraise", "-c", "2026-11", "--from", str(sheets)], env)
        if fraction is None:
            # the moment the import holds the write lock: its transaction is open
            assert _kill_while_writing(proc, db), proc.returncode
        else:  # at a share of the whole import's time: before, during or after the commit
            time.sleep(duration * fraction)
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        check, count = _count(db)
        assert check == "ok"
        assert count in (0, 2 * PEOPLE), count
        outcomes.append((fraction, proc.returncode, count))
    print(f"full import {duration:.2f} s; kills (fraction, rc, sheets): {outcomes}")
    # the kill inside the transaction left nothing of it (the timed ones may land after the
    # commit: a first import runs slower than the next)
    assert outcomes[0][1:] == (-signal.SIGKILL, 0), outcomes


def _kill_while_writing(proc: subprocess.Popen, db) -> bool:
    """SIGKILL ``proc`` as soon as another connection cannot take the write lock (the import's
    transaction holds it); False if ``proc`` ended first."""
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        conn = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:  # "database is locked": the import is writing
            proc.send_signal(signal.SIGKILL)
            return True
        finally:
            conn.close()
        time.sleep(0.005)
    return False
