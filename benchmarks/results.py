"""The benchmarks' measured figures, kept so that ``benchmarks/README.md`` is written from a
run (``python benchmarks/readme.py``) and never typed by hand.

Each benchmark saves its latest run as ``benchmarks/results/<name>.json``: when and where it
ran (commit, machine, command line) and one row per figure, with its bound and whether the
figure kept it. A figure that misses its bound is shown as missed in the README.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


@dataclass
class Figure:
    """One measured figure: what (``name``), where (``backend``: sqlite, postgresql, …),
    the measurement as people read it (``measured``: "1234 / 567 ms = 2.18×"), the
    ``ratio`` or value the bound is about, the ``bound`` as text ("≤ 3×") and whether the
    figure kept it (None: no bound)."""

    name: str
    backend: str
    measured: str
    bound: str = ""
    ok: bool | None = None
    value: float | None = None
    #: when it was measured (filled in by :func:`save`)
    when: str = ""


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = f", load average {os.getloadavg()[0]:.1f}"
    except OSError:
        load = ""
    return (f"{os.cpu_count()} CPUs ({cpu or platform.machine()}){load}, "
            f"Python {sys.version.split()[0]}")


def commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(HERE), "log", "-1", "--format=%h %s"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def save(name: str, title: str, figures: list[Figure], *, notes: str = "") -> Path:
    """Keep this run's figures as the latest of benchmark ``name``: a figure measured again
    replaces its last reading; the others stay, each with the date it was measured."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    for f in figures:
        f.when = f.when or when
    kept: list[dict] = []
    if path.exists():
        new = {(f.name, f.backend) for f in figures}
        old = json.loads(path.read_text(encoding="utf-8")).get("figures", [])
        kept = [f for f in old if (f["name"], f["backend"]) not in new]
    data = {
        "name": name,
        "title": title,
        "command": "python " + " ".join([os.path.relpath(sys.argv[0], HERE.parent),
                                         *sys.argv[1:]]),
        "when": when,
        "commit": commit(),
        "machine": machine(),
        "notes": notes,
        "figures": kept + [asdict(f) for f in figures],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_all() -> dict[str, dict]:
    if not RESULTS.is_dir():
        return {}
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(RESULTS.glob("*.json"))}
