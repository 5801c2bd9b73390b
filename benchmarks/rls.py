"""Row-level security's cost (issue 21 item 6): each read as a member's own role and as the
department head's own role, against the same read by the owner acting as that person
(``--as``), measured in the same run, interleaved, medians.

    ECOMOPS_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres \\
        python benchmarks/rls.py [--people 10000] [--months 12] [--runs 5] [--keep|--reuse]

Builds ``ecomops demo --people N`` in a database it (re)creates on that server
(``ecomops_bench_rls``), grants two login roles (``ecomops_bench_rls_head``: the first
department's manager; ``ecomops_bench_rls_member``: the first copywriter under him) and drops
them afterwards (``--keep`` keeps the database and roles; ``--reuse`` uses them as kept).
Besides the times it prints whether each role's answer says the same counts as the owner's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from sqlalchemy.engine import make_url

PY = sys.executable
NOW = "2026-12-01T09:00"
BOUND = 1.5
DB = "ecomops_bench_rls"
ROLES = {"head": "ecomops_bench_rls_head", "member": "ecomops_bench_rls_member"}
PASSWORD = "bench-rls-pw"


def _pg(url: str, db: str | None = None):
    import psycopg2

    u = make_url(url)
    return psycopg2.connect(host=u.host, port=u.port, dbname=db or u.database,
                            user=u.username, password=u.password)


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def run(cmd: list[str], env: dict) -> tuple[float, bytes]:
    """Seconds one run takes and its output (exit 1 is an answer too: a violated quota)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1) or b"error:" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return took, done.stdout


def paired(ours: list[str], base: list[str], runs: int, env: dict) -> tuple[float, float]:
    """Medians of ``runs`` interleaved runs of each, after one warm-up run each."""
    run(ours, env), run(base, env)
    a, b = [], []
    for _ in range(runs):
        a.append(run(ours, env)[0])
        b.append(run(base, env)[0])
    return statistics.median(a), statistics.median(b)


def _counts(read: str, out: bytes) -> object:
    """What an answer says that every reader must say alike: counts and verdicts."""
    data = json.loads(out)
    if read == "quota":
        return data["ok"], [(g["group"], g["size"], g["pending"], g["counts"])
                            for g in data["groups"]]
    if read == "today":
        c = data["cycle"]
        return c and (c["members"], c["complete"], c["pending"])
    if read == "cycle-list":
        return [(c["id"], c["members"], c["complete"], c["pending"]) for c in data]
    a = data["appraisal"]
    return a and (a["complete"], a["pending"], [(d["grade"], d["count"])
                                                 for d in a["distribution"]])


def build(url: str, people: int, months: int, env: dict) -> dict[str, tuple[str, str]]:
    """The database and the two roles: {reader: (person, their own role's URL)}."""
    drop(url)
    admin = _pg(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {DB}")
    admin.close()
    owner = make_url(url).set(database=DB).render_as_string(hide_password=False)
    start = time.perf_counter()
    subprocess.run(ecomops("demo", "--people", str(people), "--months", str(months),
                           "--database-url", owner), env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  built {people} people x {months} months in {time.perf_counter() - start:.0f} s",
          flush=True)
    readers = _readers(url)
    for reader, (name, _) in readers.items():
        grant = ecomops("db", "grant", name, "--login", ROLES[reader], "--password-stdin",
                        "--database-url", owner)
        subprocess.run(grant, env=env, check=True, input=PASSWORD.encode(),
                       stdout=subprocess.DEVNULL)
    return readers


def _readers(url: str) -> dict[str, tuple[str, str]]:
    conn = _pg(url, DB)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, name FROM staff WHERE position_id = 'manager' ORDER BY id LIMIT 1")
        head_id, head = cur.fetchone()
        cur.execute("SELECT name FROM staff WHERE position_id = 'copywriter' AND manager_id IN "
                    "(SELECT id FROM staff WHERE manager_id = %s OR id = %s) ORDER BY id LIMIT 1",
                    (head_id, head_id))
        (member,) = cur.fetchone()
    conn.close()
    base = make_url(url).set(database=DB)
    return {r: (n, base.set(username=ROLES[r], password=PASSWORD)
                .render_as_string(hide_password=False))
            for r, n in (("head", head), ("member", member))}


def drop(url: str) -> None:
    admin = _pg(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        for role in ROLES.values():
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if cur.fetchone():
                cur.execute(f'DROP ROLE "{role}"')
    admin.close()


READS = {
    "today": ("today", "--json"),
    "cycle-list": ("cycle", "list", "--json"),
    "report": ("report", "--month", "2026-11", "--format", "json"),
    "quota": ("quota", "check", "-c", "2026-11", "--json"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the database and the roles")
    ap.add_argument("--reuse", action="store_true", help="use the database and roles kept")
    opts = ap.parse_args()
    env = dict(os.environ, ECOMOPS_NOW=NOW)
    url = env.pop("ECOMOPS_DATABASE_URL", None)
    env.pop("ECOMOPS_DB", None)
    if not url or not url.startswith("postgresql"):
        raise SystemExit("set ECOMOPS_DATABASE_URL to a PostgreSQL server (row-level security)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
          f"(medians), ECOMOPS_NOW={NOW}", flush=True)
    readers = _readers(url) if opts.reuse else build(url, opts.people, opts.months, env)
    owner = make_url(url).set(database=DB).render_as_string(hide_password=False)
    worst = 0.0
    try:
        for reader, (name, own) in readers.items():
            print(f"\n== {reader}: {name}'s own role vs the owner --as {name}", flush=True)
            for read, args in READS.items():
                if reader == "member" and read == "quota":
                    continue  # a copywriter rates nobody: quota check refuses her either way
                mine = ecomops(*args, "--database-url", own)
                # cycle list is the same for everyone (it takes no --as): the owner's own
                acting = ("--as", name) if read != "cycle-list" else ()
                theirs = ecomops(*args, *acting, "--database-url", owner)
                same = _counts(read, run(mine, env)[1]) == _counts(read, run(theirs, env)[1])
                ours, base = paired(mine, theirs, opts.runs, env)
                ratio = ours / base
                worst = max(worst, ratio)
                print(f"  {read:<12} {ours * 1000:7.0f} ms vs {base * 1000:7.0f} ms  "
                      f"{ratio:5.2f}x  (bound {BOUND}x: {'ok' if ratio <= BOUND else 'OVER'}); "
                      f"counts {'the same' if same else 'DIFFER'}", flush=True)
    finally:
        if not opts.keep and not opts.reuse:
            drop(url)
    print(f"\nworst ratio {worst:.2f}x (bound {BOUND}x)")


if __name__ == "__main__":
    main()
