"""Scale benchmarks (issue 6): each figure a median of several runs, as a ratio against a
baseline measured in the same run, the two interleaved (ours, baseline, ours, …) so that a
noisy neighbour slows both alike.

    python benchmarks/run.py [--people 10000] [--months 12] [--runs 7] [--only NAME[,NAME]]
    python benchmarks/run.py --write-readme   # and write benchmarks/README.md from the run

Builds the group-sized SQLite database once (``ecomops demo --people N``) and a 20-person one.
When ECOMOPS_DATABASE_URL points at a PostgreSQL server, it builds both there too, in two
databases it (re)creates on that server: ``ecomops_bench_big`` and ``ecomops_bench_small``.
``--only`` runs the figures named (see FIGURES); the databases are built only when one of them
needs them.
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
HERE = Path(__file__).resolve().parent
NOW = "2026-12-01T09:00"
CRITERIA = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]
sys.path.insert(0, str(HERE))
from results import Figure, save  # noqa: E402

#: this run's figures, saved as benchmarks/results/run[-postgresql].json
MEASURED: list[Figure] = []
#: the backend being measured (for the figures' rows)
BACKEND = ["sqlite"]
FIGURES = ("startup", "read", "quota", "today", "cycle-list", "report", "memory", "import")


def figures(text: str) -> set[str]:
    """``--only``'s comma-separated figure names."""
    names = {n.strip() for n in text.split(",") if n.strip()}
    if not names or names - set(FIGURES):
        raise argparse.ArgumentTypeError(
            f"unknown figure {', '.join(sorted(names - set(FIGURES))) or '(none)'}; "
            f"choose from {', '.join(FIGURES)}")
    return names


def timed(cmd: list[str], env: dict) -> float:
    """Seconds one run takes (exit 1 is an answer too: quota check's "violated")."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1) or b"error:" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return took


def paired(ours: list[str], base: list[str], runs: int, env: dict) -> tuple[float, float]:
    """Medians of ``runs`` interleaved runs of each (after one warm-up run each)."""
    timed(ours, env), timed(base, env)
    a, b = [], []
    for _ in range(runs):
        a.append(timed(ours, env))
        b.append(timed(base, env))
    return statistics.median(a), statistics.median(b)


def peak_rss_mb(cmd: list[str], env: dict) -> float:
    """Peak resident memory of one run of ``cmd``, measured by the kernel (wait4)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed")
    return usage.ru_maxrss / 1024


def line(name: str, ours: float, base: float, bound: float, unit: str = "ms") -> None:
    ratio = ours / base
    ok = "ok" if ratio <= bound else "OVER"
    print(f"  {name:<52} {ours * 1000:7.0f} {unit} vs {base * 1000:7.0f} {unit}  "
          f"{ratio:5.2f}x  (bound {bound}x: {ok})", flush=True)
    MEASURED.append(Figure(name=name, backend=BACKEND[0],
                           measured=f"{ours * 1000:.0f} / {base * 1000:.0f} {unit} = "
                           f"**{ratio:.2f}×**", bound=f"≤ {bound:g}×", ok=ratio <= bound,
                           value=round(ratio, 3)))


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def build(people: int, months: int, sel: list[str], env: dict) -> None:
    subprocess.run(ecomops("demo", "--people", str(people), "--months", str(months), *sel),
                   env=env, check=True, stdout=subprocess.DEVNULL)


def general_manager(b: Backend, which: str) -> str:
    return b.query(which, "SELECT name FROM staff WHERE position_id='general_manager' "
                   "ORDER BY id LIMIT 1")[0][0]


def first_head(b: Backend, which: str) -> str:
    """The first department's head (its manager): each database's own, since the generator
    puts the general managers first and so names a different person at 20 and at 10,000."""
    return b.query(which, "SELECT name FROM staff WHERE position_id='manager' "
                   "ORDER BY id LIMIT 1")[0][0]


class Backend:
    """One place the benchmark databases live: a directory of SQLite files, or a server."""

    def __init__(self, name: str, tmp: Path, url: str | None = None) -> None:
        self.name, self.tmp, self.url = name, tmp, url

    def sel(self, which: str) -> list[str]:
        if self.url is None:
            return ["--db", str(self.tmp / f"{which}.db")]
        return ["--database-url", self._db_url(which)]

    #: the server databases' names: ``<PREFIX>_big`` and ``<PREFIX>_small``
    PREFIX = "ecomops_bench"

    def _db_url(self, which: str) -> str:
        base, _, _ = self.url.rpartition("/")
        return f"{base}/{self.PREFIX}_{which}"

    def prepare(self) -> None:
        if self.url is None:
            return
        conn = _pg(self.url)
        conn.autocommit = True
        with conn.cursor() as cur:
            for which in ("big", "small"):
                cur.execute(f"DROP DATABASE IF EXISTS {self.PREFIX}_{which} WITH (FORCE)")
                cur.execute(f"CREATE DATABASE {self.PREFIX}_{which}")
        conn.close()

    def query(self, which: str, sql: str) -> list[tuple]:
        if self.url is None:
            with sqlite3.connect(self.tmp / f"{which}.db") as conn:
                return conn.execute(sql).fetchall()
        conn = _pg(self._db_url(which))
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall()
        conn.close()
        return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--write-readme", action="store_true",
                    help="save the figures and write benchmarks/README.md from every saved run")
    ap.add_argument("--only", type=figures, default=set(FIGURES), metavar="NAME[,NAME]",
                    help=f"run only these figures: {', '.join(FIGURES)}")
    opts = ap.parse_args()
    only = opts.only
    tmp = Path(tempfile.mkdtemp(prefix="ecomops-bench-"))
    env = dict(os.environ, ECOMOPS_NOW=NOW, XDG_DATA_HOME=str(tmp))
    env.pop("ECOMOPS_DB", None)
    url = env.pop("ECOMOPS_DATABASE_URL", None)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
          f"(medians), ECOMOPS_NOW={NOW}", flush=True)

    if "startup" in only:
        three = tmp / "three.py"
        three.write_text((HERE / "startup.py").read_text().split("BASELINE = '''")[1]
                         .split("'''")[0])
        print("\n== start-up")
        line("ecomops --help vs a 3-command Typer app --help",
             *paired(ecomops("--help"), [PY, str(three), "--help"], opts.runs, env), 1.15)
    if not only - {"startup"}:
        _finish(opts, url)
        return

    backends = [Backend("sqlite", tmp)]
    if url:
        backends.append(Backend("postgresql", tmp, url))
    for b in backends:
        BACKEND[0] = b.name
        print(f"\n== {b.name}: building {opts.people} people x {opts.months} months", flush=True)
        b.prepare()
        start = time.perf_counter()
        build(opts.people, opts.months, b.sel("big"), env)
        print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)
        build(20, opts.months, b.sel("small"), env)
        gm, sgm = general_manager(b, "big"), general_manager(b, "small")
        head, shead = first_head(b, "big"), first_head(b, "small")
        if "read" in only:
            overdue = b.query("big", "SELECT COUNT(*) FROM task WHERE status <> 'done' "
                              "AND due < '2026-12-01'")[0][0]
            line(f"tasks list --overdue --json ({overdue} rows) vs import typer, sqlmodel",
                 *paired(ecomops("tasks", "list", "--overdue", "--json", *b.sel("big")),
                         [PY, "-c", "import typer, sqlmodel"], opts.runs, env), 1.25)
        if "quota" in only:
            quota = ("quota", "check", "-c", "2026-11", "--json")
            line(f"quota check, {opts.people} vs 20 people",
                 *paired(ecomops(*quota, "--as", gm, *b.sel("big")),
                         ecomops(*quota, "--as", sgm, *b.sel("small")), opts.runs, env), 1.5)
        if "today" in only:
            line(f"today --as a department head, {opts.people} vs 20 people",
                 *paired(ecomops("today", "--json", "--as", head, *b.sel("big")),
                         ecomops("today", "--json", "--as", shead, *b.sel("small")),
                         opts.runs, env), 1.5)
        if "cycle-list" in only:
            line(f"cycle list, {opts.people} vs 20 people",
                 *paired(ecomops("cycle", "list", "--json", *b.sel("big")),
                         ecomops("cycle", "list", "--json", *b.sel("small")), opts.runs, env),
                 1.5)
        report = ("report", "--month", "2026-11", "--format", "json")
        if "report" in only:
            line(f"report --format json, {opts.people} vs 20 people",
                 *paired(ecomops(*report, "--as", gm, *b.sel("big")),
                         ecomops(*report, "--as", sgm, *b.sel("small")), opts.runs, env), 3)
        if "memory" in only:
            rss = peak_rss_mb(ecomops(*report, "--as", gm, *b.sel("big")), env)
            print(f"  {'peak memory of that report':<52} {rss:7.0f} MB  (bound 250 MB: "
                  f"{'ok' if rss <= 250 else 'OVER'})", flush=True)
            MEASURED.append(Figure(name=f"peak memory of `report --format json`, {opts.people} "
                                   "people", backend=b.name, measured=f"**{rss:.0f} MB**",
                                   bound="≤ 250 MB", ok=rss <= 250, value=round(rss, 1)))
        if "import" in only:
            _import_ratio(b, tmp, env, opts.runs)
    _finish(opts, url)


def _finish(opts, url: str | None) -> None:
    """Save this run's figures; with --write-readme, write the README from every saved run."""
    if not MEASURED:
        return
    notes = (f"{opts.runs} interleaved runs each, medians; {opts.people} people x {opts.months} "
             "months against 20 people, or the baseline named.")
    for backend, name, title in (("sqlite", "run", "Scale figures (issue 6), SQLite"),
                                 ("postgresql", "run-postgresql",
                                  "Scale figures (issue 6), PostgreSQL")):
        mine = [f for f in MEASURED if f.backend == backend]
        if mine:
            save(name, title, mine, notes=notes)
    if opts.write_readme:
        import readme

        print(f"wrote {readme.write()}")


# --- bulk import ----------------------------------------------------------------------------


def _sheets_csv(b: Backend, tmp: Path) -> tuple[Path, list[tuple[str, str, int]]]:
    """10,000 sheets: every general manager rates supervisors (a rubric of five criteria)."""
    people = [r[0] for r in b.query("big", "SELECT name FROM staff WHERE position_id="
                                    "'supervisor' ORDER BY id")]
    gms = [r[0] for r in b.query("big", "SELECT name FROM staff WHERE position_id="
                                 "'general_manager' ORDER BY id")]
    rows = [(p, g, 70 + (i % 30)) for i, (g, p) in
            enumerate((g, p) for g in gms for p in people)][:10_000]
    path = tmp / "sheets.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["employee", "rater", *CRITERIA])
        for p, g, score in rows:
            w.writerow([p, g, *[score] * 5])
    return path, rows


def _import_ratio(b: Backend, tmp: Path, env: dict, runs: int) -> None:
    """The import of 10,000 sheets from CSV (reading, checking every row, writing sheets and
    scores, in one transaction) against the driver's own executemany of the same rows.

    Both run in this process, so neither pays Python's start-up; the whole command (with
    start-up) is printed as well."""
    os.environ.update(ECOMOPS_NOW=NOW)
    from ecomops import clock
    from ecomops.db.engine import resolve
    from ecomops.db.session import Database
    from ecomops.services.appraisal import rate_from_csv
    from ecomops.services.identity import acting

    path, rows = _sheets_csv(b, tmp)
    ids = dict(b.query("big", "SELECT name, id FROM staff"))
    now = clock.now()
    sheet_rows = [("2026-12", ids[p], ids[g], "general_manager", 1, True, None, now)
                  for p, g, _ in rows]
    ours, raw, whole = [], [], []
    for _ in range(runs):
        with _fresh_copy(b, tmp, env) as sel:
            db = Database(resolve(*_target(sel)))
            start = time.perf_counter()
            with db.session(write=True) as s:
                keeper = acting(s, None)  # single-keeper mode: the generated group binds no login
                out = rate_from_csv(s, cycle="2026-12", path=path, actor=keeper, now=now)
            ours.append(time.perf_counter() - start)
            db.dispose()
            assert out.sheets == len(rows), out
        with _fresh_copy(b, tmp, env) as sel:
            raw.append(_raw_insert(sel, sheet_rows, [score for _, _, score in rows]))
        with _fresh_copy(b, tmp, env) as sel:
            whole.append(timed(ecomops("appraise", "-c", "2026-12", "--from", str(path), *sel),
                               env))
    o, r, w = (statistics.median(x) for x in (ours, raw, whole))
    n = len(rows)
    share = r / o
    MEASURED.append(Figure(name="bulk import of 10,000 sheets (+50,000 scores), share of the "
                           "driver's rows/s", backend=BACKEND[0],
                           measured=f"{n / o:.0f} vs {n / r:.0f} rows/s = **{share:.2f}** of raw "
                           f"(whole command: {n / w:.0f} rows/s, {w:.2f} s)", bound="≥ 0.25",
                           ok=share >= 0.25, value=round(share, 3)))
    print(f"  {'bulk import of 10,000 sheets (+50,000 scores)':<52} {n / o:7.0f}/s vs "
          f"{n / r:7.0f}/s raw  {share:5.2f} of raw  (bound >= 0.25: "
          f"{'ok' if share >= 0.25 else 'UNDER'})")
    print(f"  {'  the same as a whole command, start-up included':<52} {n / w:7.0f}/s "
          f"({w:.2f} s)", flush=True)


def _pg(url: str):
    import psycopg2

    return psycopg2.connect(url.replace("+psycopg2", ""))


def _target(sel: list[str]) -> tuple[str | None, str | None]:
    return (sel[1], None) if sel[0] == "--db" else (None, sel[1])


class _fresh_copy:
    """A copy of the big database with cycle 2026-12 open and no sheets in it yet."""

    def __init__(self, b: Backend, tmp: Path, env: dict) -> None:
        self.b, self.tmp, self.env = b, tmp, env

    def __enter__(self) -> list[str]:
        if self.b.url is None:
            db = self.tmp / "import.db"
            for ext in ("", "-wal", "-shm"):
                Path(f"{db}{ext}").unlink(missing_ok=True)
            shutil.copy(self.tmp / "big.db", db)
            self.sel = ["--db", str(db)]
        else:
            self.sel = self.b.sel("big")
            self.audit = self.b.query("big", "SELECT COALESCE(MAX(id), 0) FROM audit")[0][0]
        subprocess.run(ecomops("cycle", "open", "2026-12", *self.sel), env=self.env,
                       check=True, capture_output=True)
        return self.sel

    def __exit__(self, *exc) -> None:
        if self.b.url is not None:  # put the server database back as it was
            conn = _pg(self.b._db_url("big"))
            with conn, conn.cursor() as cur:
                cur.execute("DELETE FROM sheet_score WHERE sheet_id IN "
                            "(SELECT id FROM sheet WHERE cycle_id = '2026-12')")
                cur.execute("DELETE FROM sheet WHERE cycle_id = '2026-12'")
                cur.execute("DELETE FROM audit WHERE id > %s", (self.audit,))
                cur.execute("DELETE FROM cycle_member WHERE cycle_id = '2026-12'")
                cur.execute("DELETE FROM cycle WHERE id = '2026-12'")
            conn.close()


def _raw_insert(sel: list[str], sheets: list[tuple], scores: list[int]) -> float:
    """The same rows straight through the driver: executemany of sheets (ids given) and of
    their scores, one transaction."""
    from datetime import UTC

    if sel[0] == "--db":
        conn = sqlite3.connect(sel[1])
        ts = lambda t: t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    else:
        conn = _pg(sel[1])
        ts = lambda t: t.astimezone(UTC).replace(tzinfo=None)  # noqa: E731
    cur = conn.cursor()
    cur.execute("SELECT COALESCE(MAX(id), 0) FROM sheet")
    top = cur.fetchone()[0]
    sheet_rows = [(top + 1 + i, *s[:7], ts(s[7])) for i, s in enumerate(sheets)]
    score_rows = [(top + 1 + i, c, "supervisor", score, None)
                  for i, score in enumerate(scores) for c in CRITERIA]
    sheet_sql = ("INSERT INTO sheet (id, cycle_id, employee_id, rater_id, rater_position_id, "
                 "version, is_current, note, created_at) VALUES ")
    score_sql = "INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score, level) VALUES "
    start = time.perf_counter()
    if sel[0] == "--db":
        cur.executemany(sheet_sql + "(?, ?, ?, ?, ?, ?, ?, ?, ?)", sheet_rows)
        cur.executemany(score_sql + "(?, ?, ?, ?, ?)", score_rows)
    else:  # psycopg2's fast executemany: many rows per statement
        from psycopg2.extras import execute_values

        execute_values(cur, sheet_sql + "%s", sheet_rows, page_size=1000)
        execute_values(cur, score_sql + "%s", score_rows, page_size=1000)
    conn.commit()
    took = time.perf_counter() - start
    conn.close()
    return took


if __name__ == "__main__":
    main()
