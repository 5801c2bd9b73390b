"""`ecomops --help` stays fast: the ORM, YAML and Pydantic load only inside commands."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "yaml", "pydantic", "alembic", "opencc", "rich")


def test_importing_the_cli_loads_no_heavy_module():
    code = (
        "import sys, ecomops.cli; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_loads_no_orm_yaml_or_pydantic():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ecomops", "--help"],
        capture_output=True, text=True, check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines()
              if line.startswith("import time:")}
    assert "ecomops" in loaded and "typer" in loaded
    assert loaded & {"sqlalchemy", "sqlmodel", "yaml", "pydantic", "alembic"} == set()
    assert "Usage: ecomops" in out.stdout
