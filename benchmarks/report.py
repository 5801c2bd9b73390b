"""The month-end report in every format at scale (issue 26, item 1): ``ecomops report --month
2026-11 --format F`` for F in table (the terminal, its output to a file), markdown, html, json
and xlsx (``-o``), on groups of 1,000 and 10,000 people (and 100,000 with ``--huge``) against
the same command on 20 people, the baseline, measured in the same run. Every run of every
size and format is interleaved with the others (20, 1k, 10k, 20, 1k, 10k, … for one format,
then the next), after one warm-up each; the figures are medians of the whole command's wall
time (start-up included), its processor time (user + system: the kernel's count, which other
work on a busy machine inflates less) and its peak memory (wait4).

    python benchmarks/report.py [--runs 5] [--sizes 1000,10000] [--huge] [--dir DIR]
    python benchmarks/report.py --formats xlsx,json --runs 3

Bounds (issue 26): at 10,000 people each format within 3× of its 20-person time; at 100,000
within 15× and under 500 MB. The groups are made with ``ecomops demo --people N`` (12 months;
the 100,000-person group with ``--months 2``, against a 20-person group of 2 months as its
baseline: building 12 months of 100,000 people takes most of an hour here). ``--dir`` keeps
the databases between runs (made once, reused when there). The run is saved as
``benchmarks/results/report.json`` for ``benchmarks/readme.py``.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import Figure, save  # noqa: E402

PY = sys.executable
NOW = "2026-12-01T09:00"
FORMATS = ("table", "markdown", "html", "json", "xlsx")
#: people → the bound on the ratio to 20 people (None: shown, no bound)
BOUNDS = {1000: None, 10_000: 3.0, 100_000: 15.0}
MEMORY_BOUND_MB = {100_000: 500.0}


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def run(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """One run of ``cmd``: wall seconds, processor seconds (user + system), peak RSS in MB."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build(path: Path, people: int, months: int, env: dict) -> None:
    if path.exists():
        return
    start = time.perf_counter()
    subprocess.run(ecomops("demo", "--people", str(people), "--months", str(months),
                           "--db", str(path)), env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    print(f"  built {people} people x {months} months in {time.perf_counter() - start:.0f} s",
          flush=True)


def command(fmt: str, db: Path, tmp: Path) -> list[str]:
    out = ["-o", str(tmp / f"report-{db.stem}.xlsx")] if fmt == "xlsx" else []
    return ecomops("report", "--month", "2026-11", "--format", fmt, *out, "--db", str(db))


def measure(fmt: str, dbs: dict[int, Path], runs: int, env: dict, tmp: Path) -> dict:
    """Interleaved runs of one format on every size: {people: (wall, cpu, rss) medians}."""
    cmds = {n: command(fmt, db, tmp) for n, db in dbs.items()}
    for cmd in cmds.values():  # one warm-up each (the page cache, the compiled bytecode)
        run(cmd, env)
    seen: dict[int, list[tuple[float, float, float]]] = {n: [] for n in cmds}
    for _ in range(runs):
        for n, cmd in cmds.items():
            seen[n].append(run(cmd, env))
    return {n: (statistics.median(w for w, _, _ in s), statistics.median(c for _, c, _ in s),
                max(r for _, _, r in s)) for n, s in seen.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000,10000",
                    help="group sizes besides the 20-person baseline (comma-separated)")
    ap.add_argument("--huge", action="store_true",
                    help="also 100,000 people (2 months, against 20 people of 2 months)")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--dir", type=Path, default=None,
                    help="keep the databases here (made once, reused)")
    opts = ap.parse_args()
    formats = [f.strip() for f in opts.formats.split(",") if f.strip()]
    if set(formats) - set(FORMATS):
        raise SystemExit(f"unknown format; choose from {', '.join(FORMATS)}")
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="ecomops-report-bench-"))
    where = opts.dir or tmp
    where.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ECOMOPS_NOW=NOW, XDG_DATA_HOME=str(tmp), COLUMNS="100", LINES="50")
    for name in ("ECOMOPS_DB", "ECOMOPS_DATABASE_URL", "ECOMOPS_AS"):
        env.pop(name, None)
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
          f"(medians), load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)

    groups = [({20: where / "p20.db", **{n: where / f"p{n}.db" for n in sizes}}, 12)]
    if opts.huge:
        groups.append(({20: where / "m2p20.db", 100_000: where / "m2p100000.db"}, 2))
    for dbs, months in groups:
        for n, db in dbs.items():
            build(db, n, months, env)

    figures: list[Figure] = []
    print(f"\n{'format':<9} {'people':>7}  {'wall ms':>8} {'vs 20':>7} {'ratio':>6}  "
          f"{'cpu ratio':>9}  {'peak MB':>7}  bound", flush=True)
    for fmt in formats:
        for dbs, months in groups:
            got = measure(fmt, dbs, opts.runs, env, tmp)
            base_wall, base_cpu, _ = got[20]
            for n in dbs:
                if n == 20:
                    continue
                wall, cpu, rss = got[n]
                ratio, cpu_ratio = wall / base_wall, cpu / base_cpu
                bound = BOUNDS.get(n)
                mem_bound = MEMORY_BOUND_MB.get(n)
                ok = None if bound is None else ratio <= bound
                if mem_bound is not None:
                    ok = bool(ok) and rss <= mem_bound
                limits = " ".join(x for x in (
                    f"≤ {bound:g}×" if bound else "",
                    f"< {mem_bound:g} MB" if mem_bound else "") if x)
                verdict = "" if ok is None else ("ok" if ok else "MISSED")
                print(f"{fmt:<9} {n:>7}  {wall * 1000:8.0f} {base_wall * 1000:7.0f} "
                      f"{ratio:5.2f}×  {cpu_ratio:8.2f}×  {rss:7.0f}  {limits} {verdict}",
                      flush=True)
                figures.append(Figure(
                    name=f"`report --format {fmt}`, {n:,} vs 20 people"
                    + (f" ({months} months)" if months != 12 else ""),
                    backend="sqlite",
                    measured=(f"{wall * 1000:.0f} / {base_wall * 1000:.0f} ms = "
                              f"**{ratio:.2f}×** (processor time {cpu_ratio:.2f}×), "
                              f"peak {rss:.0f} MB"),
                    bound=limits, ok=ok, value=round(ratio, 3)))
    path = save("report", "The month-end report in every format (issue 26)", figures,
                notes=f"{opts.runs} interleaved runs per size and format, medians; wall time of "
                "the whole command, start-up included; the ratio is against 20 people in the "
                f"same run; load average at the start {load[0]:.1f} (1 min), {load[2]:.1f} "
                "(15 min); the one above is at the end.")
    print(f"\nsaved {path}")


if __name__ == "__main__":
    main()
