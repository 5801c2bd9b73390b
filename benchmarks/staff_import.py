"""The roster import at scale (issue 13): 100,000 people from CSV, as a whole command and
in-process, against the driver's own bulk insert of the same rows (the baseline, measured in
the same run, interleaved: ours, baseline, ours, …); medians of several runs.

    python benchmarks/staff_import.py [--rows 100000] [--runs 5]
    ECOMOPS_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres \
        python benchmarks/staff_import.py

Figures (the bounds are issue 13's):

- ``staff import roster.csv`` into an empty roster, the whole command (start-up included):
  seconds and peak RSS (wait4) — bound < 10 s and < 300 MB;
- ``staff import roster.csv --update`` of the same roster with one address changed: the
  same two figures, same bounds ("a roster re-imported with one change changes one person");
- the import in-process (``services.staff.staff_import``: reading, checking every row,
  writing, one transaction) as a share of the driver's rows/s (``sqlite3`` executemany;
  psycopg2 ``execute_values``) inserting the same rows, ids given.

The CSV: ``员工000001`` the general manager, ``员工000002`` the department head (manager), then
copywriters, clerks, supervisors and planning supervisors in turn, each under the superior
the handbook names (an earlier row), with an address at example.cn and a join date.
With ECOMOPS_DATABASE_URL it runs on that server, in a database it (re)creates there
(``ecomops_bench_staff``).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
NOW = "2026-12-01T09:00"
CYCLE = ("copywriter", "clerk", "supervisor", "planning_supervisor")
SECONDS, MEGABYTES = 10.0, 300.0


def roster_csv(path: Path, rows: int) -> None:
    """``rows`` people (see the module's doc), written to ``path``."""
    people = [
        ("员工000001", "general_manager", "e000001@example.cn", "", "2026-01-05"),
        ("员工000002", "manager", "e000002@example.cn", "员工000001", "2026-01-05"),
    ]
    for i in range(3, rows + 1):
        position = CYCLE[i % len(CYCLE)]
        boss = "员工000002" if position in ("copywriter", "clerk") else "员工000001"
        people.append(
            (
                f"员工{i:06d}",
                position,
                f"e{i:06d}@example.cn",
                boss,
                f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}",
            )
        )
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "position", "email", "manager", "joined"])
        w.writerows(people)


def read_people(path: Path) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [tuple(r) for r in list(csv.reader(f))[1:]]


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def whole(cmd: list[str], env: dict) -> tuple[float, float]:
    """Seconds and peak resident MB of one run of ``cmd`` (the kernel's count, wait4). Run
    while this process is small: a child's peak counts what it shared of its parent before
    it became the command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err[-500:]}")
    return took, usage.ru_maxrss / 1024


class Target:
    """An empty ecomops database to import into, fresh for every run: a copy of a template
    file (SQLite), or the server database made again (PostgreSQL)."""

    def __init__(self, tmp: Path, env: dict, url: str | None) -> None:
        self.tmp, self.env, self.url = tmp, env, url
        if url is None:
            self.template = tmp / "template.db"
            subprocess.run(
                ecomops("init", "--db", str(self.template), "--year", "2026", "--simulated-clock"),
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            base, _, _ = url.rpartition("/")
            self.db_url = f"{base}/ecomops_bench_staff"

    def fresh(self) -> list[str]:
        """The command-line selection of an empty roster."""
        if self.url is None:
            db = self.tmp / "run.db"
            for ext in ("", "-wal", "-shm"):
                Path(f"{db}{ext}").unlink(missing_ok=True)
            shutil.copy(self.template, db)
            return ["--db", str(db)]
        # made again: deleting 100,000 people who manage each other is quadratic (each row's
        # foreign-key check scans the roster for reports)
        assert self.url is not None
        conn = _pg(self.url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS ecomops_bench_staff WITH (FORCE)")
            cur.execute("CREATE DATABASE ecomops_bench_staff")
        conn.close()
        subprocess.run(
            ecomops("init", "--database-url", self.db_url, "--year", "2026", "--simulated-clock"),
            env=self.env,
            check=True,
            capture_output=True,
        )
        return ["--database-url", self.db_url]


def _pg(url: str):
    import psycopg2

    return psycopg2.connect(url.replace("+psycopg2", ""))


def in_process(sel: list[str], path: Path) -> float:
    """Seconds ``services.staff.staff_import`` takes, in this process (no start-up)."""
    os.environ.update(ECOMOPS_NOW=NOW)
    from ecomops import clock
    from ecomops.db.engine import resolve
    from ecomops.db.session import Database
    from ecomops.services.identity import acting
    from ecomops.services.staff import staff_import

    db = Database(resolve(*((sel[1], None) if sel[0] == "--db" else (None, sel[1]))))
    start = time.perf_counter()
    with db.session(write=True) as s:
        out = staff_import(s, path, actor=acting(s, None), now=clock.now(), lang="en", show=50)
    took = time.perf_counter() - start
    db.dispose()
    assert out.added > 0, out
    return took


def raw(sel: list[str], people: list[tuple[str, ...]]) -> float:
    """The same people through the driver alone: one bulk insert, ids and managers given."""
    from datetime import UTC, datetime

    ids = {p[0]: i for i, p in enumerate(people, start=1)}
    now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC).replace(tzinfo=None)
    rows = [
        (ids[n], n, n, pos, mail, ids.get(boss), True, now, joined)
        for n, pos, mail, boss, joined in people
    ]
    sql = (
        "INSERT INTO staff (id, name, name_key, position_id, email, manager_id, active, "
        "created_at, joined_on) VALUES "
    )
    if sel[0] == "--db":
        conn = sqlite3.connect(sel[1])
        rows = [(*r[:7], str(r[7]), r[8]) for r in rows]
        start = time.perf_counter()
        conn.executemany(sql + "(?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    else:
        from psycopg2.extras import execute_values

        conn = _pg(sel[1])
        start = time.perf_counter()
        with conn.cursor() as cur:
            execute_values(cur, sql + "%s", rows, page_size=1000)
    conn.commit()
    took = time.perf_counter() - start
    conn.close()
    return took


def report(name: str, seconds: list[float], megabytes: list[float]) -> None:
    s, mb = statistics.median(seconds), statistics.median(megabytes)
    ok = "ok" if s < SECONDS and mb < MEGABYTES else "OVER"
    print(
        f"  {name:<58} {s:6.2f} s  {mb:6.0f} MB  (bound < {SECONDS:.0f} s, "
        f"< {MEGABYTES:.0f} MB: {ok})",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ecomops-bench-staff-"))
    env = dict(os.environ, ECOMOPS_NOW=NOW, XDG_DATA_HOME=str(tmp), ECOMOPS_LANG="en")
    env.pop("ECOMOPS_DB", None)
    url = env.pop("ECOMOPS_DATABASE_URL", None)
    os.environ.pop("ECOMOPS_DATABASE_URL", None)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
        f"(medians), {opts.rows:,} rows, {'PostgreSQL' if url else 'SQLite'}",
        flush=True,
    )
    path = tmp / "roster.csv"
    roster_csv(path, opts.rows)
    changed = tmp / "roster-one-change.csv"
    middle = f"e{opts.rows // 2:06d}@example.cn"
    changed.write_text(
        path.read_text(encoding="utf-8").replace(f",{middle},", f",x{middle},"), encoding="utf-8"
    )
    target = Target(tmp, env, url)

    # the whole commands first, while this process holds nothing (see whole())
    fresh_s, fresh_mb, update_s, update_mb, ours, base = [], [], [], [], [], []
    for _ in range(opts.runs):
        sel = target.fresh()
        s, mb = whole(ecomops("staff", "import", str(path), *sel), env)
        fresh_s.append(s), fresh_mb.append(mb)
        s, mb = whole(ecomops("staff", "import", str(changed), "--update", *sel), env)
        update_s.append(s), update_mb.append(mb)
    report(f"staff import, {opts.rows:,} new people (whole command)", fresh_s, fresh_mb)
    report(f"staff import --update, {opts.rows:,} people, one changed", update_s, update_mb)
    people = read_people(path)
    for _ in range(opts.runs):  # then ours and the baseline, interleaved
        ours.append(in_process(target.fresh(), path))
        base.append(raw(target.fresh(), people))
    o, b = statistics.median(ours), statistics.median(base)
    print(
        f"  {'in-process import vs the driver inserting the same rows':<58} "
        f"{len(people) / o:7.0f}/s vs {len(people) / b:7.0f}/s raw = {b / o:4.2f} of raw",
        flush=True,
    )


if __name__ == "__main__":
    main()
