"""The head's dashboard at scale (issue 23, item 7): ``ecomops today --json --as <head>`` on a
10,000-person department against the same on a 20-person one, as a ratio of medians measured
interleaved in the same run (the house style of run.py), bound 1.5x.

    python benchmarks/today.py [--people 10000] [--months 3] [--runs 9] [--keep DIR]

Builds both SQLite databases with ``ecomops demo`` (``--keep DIR``: build them there once and
reuse them on the next run), and, when ECOMOPS_DATABASE_URL points at a PostgreSQL server, the
same there (databases ``ecomops_bench_today_big`` and ``…_small``, re-created). The
department is the whole generated group: ``today`` reads the department's roster, plans,
tasks, cycle and what waits on the head, whoever the head is, so the first head sees 10,000
people's Monday plans, overdue tasks and ratings. A second line times the service alone
(``services.dashboard.today``, in-process, CPU time, medians, the cyclic collector paused as
the command pauses it), without the start-up both commands share, to show where the growth is.
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

from run import NOW, Backend, build, ecomops, first_head, line

BOUND = 1.5


class TodayBackend(Backend):
    """run.py's backend, with server databases of its own (``ecomops_bench_today_big``,
    ``…_small``): run.py's may be in use by a run of it at the same time."""

    PREFIX = "ecomops_bench_today"


def paired_cpu(ours: list[str], base: list[str], runs: int, env: dict):
    """Medians of ``runs`` interleaved runs of each (after one warm-up each): ((wall ours,
    wall base), (cpu ours, cpu base))."""
    measure(ours, env), measure(base, env)
    a, b = [], []
    for _ in range(runs):
        a.append(measure(ours, env))
        b.append(measure(base, env))
    med = statistics.median
    return (med(x[0] for x in a), med(x[0] for x in b)), (
        med(x[1] for x in a),
        med(x[1] for x in b),
    )


def measure(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``, the CPU time from the kernel (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0 or b"error:" in err:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def in_process(sel: list[str], head: str, runs: int) -> float:
    """Median CPU seconds of the dashboard service for ``head`` on the database ``sel``
    (after one warm-up run), start-up and output excluded."""
    os.environ["ECOMOPS_NOW"] = NOW
    from ecomops import clock
    from ecomops.db.engine import resolve
    from ecomops.db.session import Database
    from ecomops.memory import paused_gc
    from ecomops.services.dashboard import today
    from ecomops.services.identity import acting

    db = Database(resolve(*((sel[1], None) if sel[0] == "--db" else (None, sel[1]))))
    os.environ.pop("ECOMOPS_DATABASE_URL", None)

    def once() -> float:
        start = time.process_time()
        with paused_gc(), db.session(write=False) as s:  # as the command runs it
            who = acting(s, head).as_person()
            today(s, who=who.person, now=clock.now(), lang="en", viewer=who)
        return time.process_time() - start

    once()
    took = statistics.median(once() for _ in range(runs))
    db.dispose()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=3)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--keep", type=Path, help="build the SQLite databases here once, reuse them")
    opts = ap.parse_args()
    tmp = opts.keep or Path(tempfile.mkdtemp(prefix="ecomops-bench-today-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ECOMOPS_NOW=NOW, XDG_DATA_HOME=str(tmp))
    env.pop("ECOMOPS_DB", None)
    url = env.pop("ECOMOPS_DATABASE_URL", None)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
        f"(medians), ECOMOPS_NOW={NOW}",
        flush=True,
    )
    backends = [TodayBackend("sqlite", tmp)]
    if url:
        backends.append(TodayBackend("postgresql", tmp, url))
    for b in backends:
        print(f"\n== {b.name}: {opts.people} people x {opts.months} months", flush=True)
        cached = b.url is None and opts.keep is not None and (tmp / "big.db").exists()
        if not cached:
            for which in ("big", "small"):
                for ext in ("", "-wal", "-shm"):
                    Path(f"{tmp / which}.db{ext}").unlink(missing_ok=True)
            b.prepare()
            start = time.perf_counter()
            build(opts.people, opts.months, b.sel("big"), env)
            build(20, opts.months, b.sel("small"), env)
            print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)
        head, shead = first_head(b, "big"), first_head(b, "small")
        wall, cpu = paired_cpu(
            ecomops("today", "--json", "--as", head, *b.sel("big")),
            ecomops("today", "--json", "--as", shead, *b.sel("small")),
            opts.runs,
            env,
        )
        line(f"today --json --as the head, {opts.people} vs 20 people", *wall, BOUND)
        line("  the same, CPU time (user + system)", *cpu, BOUND)
        big = in_process(b.sel("big"), head, opts.runs)
        small = in_process(b.sel("small"), shead, opts.runs)
        print(
            f"  {'  the service alone (CPU, no start-up)':<52} {big * 1000:7.0f} ms vs "
            f"{small * 1000:7.0f} ms  (+{(big - small) * 1000:.0f} ms)",
            flush=True,
        )


if __name__ == "__main__":
    main()
