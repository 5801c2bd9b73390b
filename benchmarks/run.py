"""Scale benchmarks (issue 6): each figure a median of several runs, as a ratio against a
baseline measured in the same run (the machines are shared and noisy).

    python benchmarks/run.py [--people 10000] [--months 12] [--runs 5]

Builds the group-sized SQLite database once (ecomops demo --people N), and, when
ECOMOPS_DATABASE_URL points at an empty PostgreSQL database, that one too.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], env: dict | None = None) -> float:
    """Seconds one run takes (exit 1 is an answer too: quota check's "violated")."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1) or b"error:" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return time.perf_counter() - start


def median(cmd, runs, env=None) -> float:
    timed(cmd, env)  # warm the file cache
    return statistics.median(timed(cmd, env) for _ in range(runs))


def peak_rss_mb(cmd, env) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def line(name: str, ours: float, base: float, bound: str) -> None:
    print(f"{name:<46} {ours * 1000:9.0f} ms  vs {base * 1000:7.0f} ms  "
          f"{ours / base:5.2f}x  (bound {bound})")


def build(people: int, months: int, target: dict, env: dict) -> None:
    args = ["--db", target["db"]] if "db" in target else ["--database-url", target["url"]]
    subprocess.run([PY, "-m", "ecomops", "demo", "--people", str(people), "--months",
                    str(months), *args], env=env, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--runs", type=int, default=5)
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ecomops-bench-"))
    env = dict(os.environ, ECOMOPS_NOW="2026-12-01T09:00", XDG_DATA_HOME=str(tmp))
    env.pop("ECOMOPS_DB", None)
    url = env.pop("ECOMOPS_DATABASE_URL", None)

    three = tmp / "three.py"
    three.write_text((HERE / "startup.py").read_text().split("BASELINE = '''")[1]
                     .split("'''")[0])
    line("ecomops --help vs a 3-command Typer app",
         median([PY, "-m", "ecomops", "--help"], opts.runs, env),
         median([PY, str(three), "--help"], opts.runs, env), "1.15x")

    backends = [("sqlite", {"db": str(tmp / "big.db")}, {"db": str(tmp / "small.db")})]
    if url:
        backends.append(("postgresql", {"url": url}, None))
    for name, big, small in backends:
        print(f"\n== {name}: building {opts.people} people x {opts.months} months")
        start = time.perf_counter()
        build(opts.people, opts.months, big, env)
        print(f"   built in {time.perf_counter() - start:.1f} s")
        if small is not None:
            build(20, opts.months, small, env)
        sel = ["--db", big["db"]] if "db" in big else ["--database-url", big["url"]]
        gm = _general_manager(big)
        line("tasks list --overdue --json vs import typer, sqlmodel",
             median([PY, "-m", "ecomops", "tasks", "list", "--overdue", "--json", *sel],
                    opts.runs, env),
             median([PY, "-c", "import typer, sqlmodel"], opts.runs, env), "1.25x")
        if small is not None:
            ssel = ["--db", small["db"]]
            sgm = _general_manager(small)
            line("quota check (10k) vs the same on 20 people",
                 median([PY, "-m", "ecomops", "quota", "check", "-c", "2026-11", "--as", gm,
                         "--json", *sel], opts.runs, env),
                 median([PY, "-m", "ecomops", "quota", "check", "-c", "2026-11", "--as", sgm,
                         "--json", *ssel], opts.runs, env), "1.5x")
            line("report --format json (10k) vs 20 people",
                 median([PY, "-m", "ecomops", "report", "--month", "2026-11", "--format",
                         "json", "--as", gm, *sel], opts.runs, env),
                 median([PY, "-m", "ecomops", "report", "--month", "2026-11", "--format",
                         "json", "--as", sgm, *ssel], opts.runs, env), "3x")
            rss = peak_rss_mb([PY, "-m", "ecomops", "report", "--month", "2026-11", "--format",
                               "json", "--as", gm, *sel], env)
            print(f"{'peak memory of that report':<46} {rss:9.0f} MB  (bound 250 MB)")
            _import_ratio(big["db"], tmp, env, opts.runs)


def _general_manager(target: dict) -> str:
    if "db" in target:
        with sqlite3.connect(target["db"]) as conn:
            return conn.execute("SELECT name FROM staff WHERE position_id='general_manager' "
                                "ORDER BY id LIMIT 1").fetchone()[0]
    import psycopg

    with psycopg.connect(target["url"].replace("+psycopg", "")) as conn:
        return conn.execute("SELECT name FROM staff WHERE position_id='general_manager' "
                            "ORDER BY id LIMIT 1").fetchone()[0]


def _import_ratio(big_db: str, tmp: Path, env: dict, runs: int) -> None:
    """10,000 sheets from CSV through ecomops vs raw sqlite3.executemany of the same rows."""
    src = sqlite3.connect(big_db)
    people = [r[0] for r in src.execute(
        "SELECT s.name FROM staff s WHERE s.position_id='supervisor' ORDER BY s.id LIMIT 10000")]
    gms = [r[0] for r in src.execute(
        "SELECT name FROM staff WHERE position_id='general_manager' ORDER BY id")]
    src.close()
    crits = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]
    sheets = tmp / "sheets.csv"
    rows = []
    for g in gms:
        for p in people:
            rows.append([p, g] + [str(70 + (len(rows) % 30))] * 5)
            if len(rows) >= 10_000:
                break
        if len(rows) >= 10_000:
            break
    with sheets.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["employee", "rater", *crits])
        w.writerows(rows)
    ours, raw = [], []
    for _ in range(runs):
        db = tmp / "import.db"
        subprocess.run(["cp", big_db, db], check=True)
        subprocess.run([PY, "-m", "ecomops", "cycle", "open", "2026-12", "--db", str(db)],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours.append(timed([PY, "-m", "ecomops", "appraise", "-c", "2026-12", "--from",
                           str(sheets), "--db", str(db)], env))
        conn = sqlite3.connect(db)
        start = time.perf_counter()
        with conn:
            conn.executemany("INSERT INTO sheet (cycle_id, employee_id, rater_id, "
                             "rater_position_id, version, is_current, created_at) VALUES "
                             "('2026-12', ?, ?, 'general_manager', 99, 0, '2026-12-01')",
                             [(i, i) for i in range(len(rows))])
            conn.executemany("INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, "
                             "score) VALUES (?, ?, 'supervisor', ?)",
                             [(-(i + 1), c, 80) for i in range(len(rows)) for c in crits])
        raw.append(time.perf_counter() - start)
        conn.close()
    o, r = statistics.median(ours), statistics.median(raw)
    print(f"{'bulk import of 10,000 sheets (rows/s)':<46} {len(rows) / o:9.0f}/s vs "
          f"{len(rows) / r:7.0f}/s raw  {r / o:5.2f} of raw  (bound >= 0.25)")


if __name__ == "__main__":
    main()
