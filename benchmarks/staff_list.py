"""``staff list`` of a large roster (issue 14, item 5): the listing as people read it (plain
aligned rows, as a pipe or a file gets it, or a terminal when it is longer than the screen)
against the same listing as JSON, the baseline, measured in the same run, interleaved (plain,
JSON, plain, …); medians of several runs of the whole command, start-up included.

    python benchmarks/staff_list.py [--people 100000] [--runs 5] [--db group.db] [--rich]
    ECOMOPS_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres \\
        python benchmarks/staff_list.py

The group is made once with ``ecomops demo --people N --months 1`` (kept when ``--db`` names
a file that exists; with ECOMOPS_DATABASE_URL, in a database it (re)creates on that server,
``ecomops_bench_list``). Figures: the plain listing's seconds (bound < 5 s) and its ratio to
the JSON listing's. ``--rich`` also times one run of the Rich table the listing was before
(a terminal as tall as the roster; 74 s for 100,000 people when it was the only way).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
BOUND = 5.0


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Seconds one run of ``cmd`` takes, its output going to a file as ``> list.txt`` sends
    it: the wall clock, and the processor time (user + system, the kernel's count: wait4),
    which other work on a busy machine does not inflate."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {err[-500:]}")
        out.seek(0)
        lines = sum(1 for _ in out)
    if lines < 3:
        raise SystemExit(f"{' '.join(cmd)} printed {lines} lines")
    return took, usage.ru_utime + usage.ru_stime


def group(args: argparse.Namespace, tmp: Path, env: dict) -> list[str]:
    """The command-line selection of a group of ``args.people`` (made if need be)."""
    url = os.environ.get("ECOMOPS_DATABASE_URL")
    if url:
        import psycopg2

        base, _, _ = url.rpartition("/")
        target = f"{base}/ecomops_bench_list"
        conn = psycopg2.connect(url.replace("+psycopg2", ""))
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS ecomops_bench_list WITH (FORCE)")
            cur.execute("CREATE DATABASE ecomops_bench_list")
        conn.close()
        sel = ["--database-url", target]
    else:
        db = Path(args.db) if args.db else tmp / "group.db"
        sel = ["--db", str(db)]
        if db.exists():
            return sel
    print(f"building {args.people} people …", flush=True)
    subprocess.run(
        ecomops("demo", "--people", str(args.people), "--months", "1", *sel),
        env=env,
        check=True,
        capture_output=True,
    )
    return sel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="a group database to use (made there if it is not)")
    parser.add_argument("--rich", action="store_true", help="also time the Rich table once")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOMOPS_")}
    env.update(ECOMOPS_LANG="en", ECOMOPS_NOW="2026-12-01T09:00")
    with tempfile.TemporaryDirectory(prefix="ecomops-bench-") as tmp:
        sel = group(args, Path(tmp), env)
        backend = "PostgreSQL" if sel[0] == "--database-url" else "SQLite"
        plain, as_json = [], []
        timed(ecomops("staff", "list", *sel), env)  # warm the file cache
        for _ in range(args.runs):
            plain.append(timed(ecomops("staff", "list", *sel), env))
            as_json.append(timed(ecomops("staff", "list", "--json", *sel), env))
        p, j = (statistics.median(t[0] for t in plain), statistics.median(t[0] for t in as_json))
        pc, jc = (statistics.median(t[1] for t in plain), statistics.median(t[1] for t in as_json))
        print(f"staff list of {args.people} people on {backend}, medians of {args.runs} runs:")
        print("                          wall       cpu")
        ok = "ok" if min(p, pc) < BOUND else "OVER"
        print(f"  plain rows (to a file)  {p:6.2f} s  {pc:6.2f} s  (bound < {BOUND:.0f} s: {ok})")
        print(f"  --json (the baseline)   {j:6.2f} s  {jc:6.2f} s")
        print(f"  plain / json            {p / j:6.2f} ×  {pc / jc:6.2f} ×")
        if args.rich:
            tall = dict(env, TTY_COMPATIBLE="1", LINES=str(args.people + 100), COLUMNS="200")
            r, rc = timed(ecomops("staff", "list", *sel), tall)
            print(f"  Rich table (1 run)      {r:6.2f} s  {rc:6.2f} s  ({rc / jc:.1f} × json)")


if __name__ == "__main__":
    main()
