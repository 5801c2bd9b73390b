"""Start-up time of `ecomops --help` against a three-command Typer app's `--help`.

Both are run the same number of times, interleaved, in this process's Python; the script prints
the medians and their ratio (the bound in issue 6 is 1.15x). Run: python benchmarks/startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = '''
import typer
app = typer.Typer()
@app.command()
def one() -> None:
    """One."""
@app.command()
def two() -> None:
    """Two."""
@app.command()
def three() -> None:
    """Three."""
app()
'''


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(runs: int = 15) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "three.py"
        base.write_text(BASELINE)
        ours = [sys.executable, "-m", "ecomops", "--help"]
        theirs = [sys.executable, str(base), "--help"]
        timed(ours), timed(theirs)  # warm the file cache
        a, b = [], []
        for _ in range(runs):
            a.append(timed(ours))
            b.append(timed(theirs))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"ecomops --help        median {ma * 1000:7.1f} ms  ({runs} runs)")
    print(f"3-command Typer app   median {mb * 1000:7.1f} ms  ({runs} runs)")
    print(f"ratio                 {ma / mb:.2f}x  (bound 1.15x)")


if __name__ == "__main__":
    main()
