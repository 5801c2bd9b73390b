"""The bundled handbook is found from any working directory, installed or in a checkout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ecomops
from tests.conftest import REPO, SEED


def test_bundled_handbook_found_from_another_directory(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "ecomops", "manual", "check", "--json"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    report = json.loads(out.stdout)
    assert report["valid"] is True
    bundled = Path(report["file"])
    assert bundled.read_bytes() == SEED.read_bytes()
    package = Path(ecomops.__file__).resolve().parent
    if REPO / "src" not in package.parents:  # a real (non-editable) install: shipped inside it
        assert package in bundled.resolve().parents


def test_version_and_python_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "ecomops", "--version"], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"ecomops {ecomops.__version__}"
