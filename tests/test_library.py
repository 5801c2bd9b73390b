"""The library face (``ecomops.api``): docs/library.md's example runs as written, and what it
prints is what a user of the library is told it does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import ecomops.api as api
from ecomops.errors import InvalidInput

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def example() -> str:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]


def test_the_documented_example_runs(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(example(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOMOPS_")}
    env["HOME"] = str(tmp_path)  # no settings file of the machine's
    r = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "李雷 90.2 A"  # the head's and the general manager's sheets
    assert lines[1] == "韩梅梅 71.1 C"
    assert lines[2].startswith("quota kept") and "'A': 1" in lines[2] and "'C': 1" in lines[2]
    assert lines[3].startswith("2026-11 ")
    assert lines[4] == "refused: analysis: score 101 is outside 0–100; give 0–100"


def test_exports_are_what_the_docs_name():
    assert sorted(api.__all__) == api.__all__
    for name in api.__all__:
        assert getattr(api, name) is not None
    for method in ("create", "open", "add_person", "open_cycle", "rate", "quota", "report", "now"):
        assert callable(getattr(api.Department, method)), method
        assert f"`{method}`" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "taken"),
    [
        (85, Decimal(85)),
        (85.5, Decimal("85.5")),
        (Decimal("90.25"), Decimal("90.25")),
        ("77", Decimal(77)),
        (" 60.5 ", Decimal("60.5")),
        ("b", "B"),
        (0, Decimal(0)),
        (100, Decimal(100)),
    ],
)
def test_a_score_as_int_float_decimal_or_str(given, taken):
    assert api._rating("execution", given) == taken


@pytest.mark.parametrize("given", [101, -1, 100.001, True, None, [80], Decimal("NaN"), "1e9"])
def test_a_score_that_is_none(given):
    with pytest.raises(InvalidInput, match="execution"):
        api._rating("execution", given)
