"""Write ``benchmarks/README.md`` from the latest saved run of each benchmark
(``benchmarks/results/*.json``): every figure as measured, with its bound, and any bound it
misses shown as missed. Nothing in the README's results is typed by hand.

    python benchmarks/readme.py            # write it from the saved runs
    python benchmarks/run.py --write-readme   # measure the scale figures, then write it
"""

# ruff: noqa: E501  (the README's Markdown tables are one line a row)
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import HERE, load_all  # noqa: E402

#: the benchmarks the README lists, in order: (results name, script, what it measures)
BENCHMARKS = [
    ("run", "run.py", "scale figures of issue 6 on SQLite: start-up, a large listing, quota, "
     "today, cycle list, the JSON report and its memory, the bulk import"),
    ("run-postgresql", "run.py (with ECOMOPS_DATABASE_URL)", "the same on PostgreSQL"),
    ("report", "report.py", "the month-end report in every format at 1,000, 10,000 (and "
     "100,000) people against 20 (issue 26, item 1)"),
    ("remind", "remind.py", "remind's sending: mails a second to a local SMTP server "
     "(issue 26, item 2)"),
    ("collect", "collect.py", "`plan collect` of 1,000 mails from a real Dovecot against raw "
     "imaplib (issue 26, item 4)"),
    ("rls", "rls.py", "reads as a member's and the head's own role against the owner, and "
     "their counts (issue 21 item 6, issue 26 item 3)"),
    ("today", "today.py", "the head's `today` at 10,000 people against 20 (issue 23 item 7)"),
    ("write_guards", "write_guards.py", "what revision 0015's write guards cost (issue 21 "
     "item 1)"),
    ("staff_import", "staff_import.py", "`staff import` of 100,000 people (issue 13)"),
    ("staff_list", "staff_list.py", "`staff list` of a large roster (issue 14)"),
    ("startup", "startup.py", "`ecomops --help` alone"),
]

INTRO = """\
# Benchmarks

This file is written by `python benchmarks/readme.py` (or `python benchmarks/run.py
--write-readme`) from the latest saved run of each benchmark (`benchmarks/results/*.json`);
do not edit it by hand. Every figure is a median of several runs, as a ratio against a
baseline measured in the same run, the two interleaved (ours, baseline, ours, …) after one
warm-up each, so that the shared machine's slow spells fall on both. A figure that misses its
bound says **missed**.

```
python benchmarks/run.py [--people 10000] [--months 12] [--runs 7] [--only NAME[,NAME]] [--write-readme]
ECOMOPS_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres python benchmarks/run.py
python benchmarks/report.py [--runs 5] [--sizes 1000,10000] [--huge] [--dir DIR]
python benchmarks/readme.py          # rewrite this file from the saved runs
```

`run.py` builds a group-sized database (`ecomops demo --people N --months M`, deterministic for
a seed) and a 20-person one (on SQLite, or with `ECOMOPS_DATABASE_URL` in two databases it
drops and re-creates on that server: `ecomops_bench_big`, `ecomops_bench_small`). `--only`
takes figure names: `startup`, `read`, `quota`, `today`, `cycle-list`, `report`, `memory`,
`import`; a partial run replaces only the figures it measured (each keeps its own date).

| figure | ours | baseline | bound |
| --- | --- | --- | --- |
| start-up | `ecomops --help` | a three-command Typer app's `--help` | ≤ 1.15× |
| read | `tasks list --overdue --json` on the 10k database | `python -c "import typer, sqlmodel"` | ≤ 1.25× |
| quota | `quota check -c 2026-11 --json`, 10k people | the same on 20 people | ≤ 1.5× |
| today | `today --as <head> --json`, 10k people (each database's first department head) | the same on 20 people | ≤ 1.5× |
| cycle list | `cycle list --json`, 10k people | the same on 20 people | ≤ 1.5× |
| report | `report --month 2026-11 --format json`, 10k people | the same on 20 people | ≤ 3× |
| memory | peak RSS of that 10k report (`wait4`) | | ≤ 250 MB |
| bulk import | 10,000 sheets from CSV, in-process | the driver's own `executemany` / `execute_values` | ≥ ¼ of its rows/s |

`report.py` runs `ecomops report --month 2026-11 --format F` for every format (`table`, the
terminal's, written to a file; `markdown`; `html`; `json`; `xlsx` with `-o`) on 1,000 and
10,000 people (and 100,000 with `--huge`, built with `--months 2` and compared with 20 people
of 2 months) against 20 people, all sizes interleaved; wall time of the whole command
(start-up included), processor time (user + system, less inflated by a busy machine) and peak
memory. Bounds (issue 26): within 3× of 20 people at 10,000; within 15× and under 500 MB at
100,000.

The machine is a shared 2-core VM on which up to eight sessions run at once: the same command
varies by ±15 % and more from one minute to the next, hence the interleaving, the medians and
the ratios; the load average at the start of each run is recorded with it.
"""


def _table(run: dict) -> list[str]:
    rows = ["| figure | backend | measured | bound | kept | when |",
            "| --- | --- | --- | --- | --- | --- |"]
    for f in run["figures"]:
        kept = "" if f["ok"] is None else ("yes" if f["ok"] else "**missed**")
        rows.append(f"| {f['name']} | {f['backend']} | {f['measured']} | {f['bound']} | "
                    f"{kept} | {f.get('when', '')} |")
    return rows


def render() -> str:
    runs = load_all()
    out = [INTRO, "## Results", ""]
    missed = [(r["title"], f["name"], f["backend"]) for r in runs.values()
              for f in r["figures"] if f["ok"] is False]
    if missed:
        out.append(f"**{len(missed)} figure(s) miss their bound:**")
        out.append("")
        out.extend(f"- {name} ({backend}), in {title}" for title, name, backend in missed)
        out.append("")
    else:
        out.extend(["Every measured figure keeps its bound.", ""])
    listed = set()
    for name, script, what in BENCHMARKS:
        listed.add(name)
        run = runs.get(name)
        out.append(f"### `benchmarks/{script}`: {what}")
        out.append("")
        notes = HERE / "notes" / f"{name}.md"
        if run is None and notes.exists():  # measured and written down by hand, not saved
            out.append(f"(from `benchmarks/notes/{name}.md`: measured by hand, not a saved run)")
            out.append("")
            out.append(notes.read_text(encoding="utf-8").strip())
            out.append("")
            continue
        if run is None:
            if (HERE / script.split()[0]).exists():
                out.append(f"(not run yet: run `python benchmarks/{script.split()[0]}` and then "
                           "`python benchmarks/readme.py`)")
            else:
                out.append(f"(placeholder: `benchmarks/{script.split()[0]}` is not in this "
                           "branch yet; its figures appear here once it saves a run)")
            out.append("")
            continue
        out.append(f"`{run['command']}`, {run['when']}, commit {run['commit']}; "
                   f"{run['machine']}. {run.get('notes', '')}".rstrip())
        out.append("")
        out.extend(_table(run))
        out.append("")
        if notes.exists():  # what the run's figures came from, written down with it
            out.append(notes.read_text(encoding="utf-8").strip())
            out.append("")
    for name, run in runs.items():
        if name not in listed:
            out.append(f"### {run['title']}")
            out.append("")
            out.append(f"`{run['command']}`, {run['when']}, commit {run['commit']}; "
                       f"{run['machine']}.")
            out.append("")
            out.extend(_table(run))
            out.append("")
    out.append("Earlier runs and what each change measured, as recorded at the time (those "
               "figures are not current): [HISTORY.md](HISTORY.md).")
    return "\n".join(out) + "\n"


def write() -> Path:
    path = HERE / "README.md"
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")
