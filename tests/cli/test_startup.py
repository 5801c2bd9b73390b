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


def test_commands_run_on_core_tables_without_the_orm_or_yaml(tmp_path):
    """A read (and a write) command maps no ORM class and parses no YAML: start-up is the
    budget of issue 6 (``import typer, sqlmodel`` × 1.25 for a whole 10k-row listing)."""
    env = {"ECOMOPS_NOW": "2026-11-20T10:00", "PATH": "/usr/bin:/bin"}
    db = tmp_path / "d.db"
    subprocess.run([sys.executable, "-m", "ecomops", "init", "--simulated-clock", "--db", str(db)], env=env,
                   capture_output=True, check=True)
    # a listing does not even build the handbook's schema (it needs only the time zone)
    for args, also in ((["tasks", "list", "--overdue", "--json"], "ecomops.handbook.model"),
                       (["staff", "add", "王芳", "--position", "文案"], "ecomops.db.tables")):
        code = (
            "import sys, runpy; sys.argv = ['ecomops', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('ecomops', run_name='__main__')\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "mods = set(sys.modules)\n"
            "sys.stderr.write(repr(sorted(m for m in mods if m.split('.')[0] in "
            "('sqlmodel', 'yaml', 'alembic') or m.startswith('sqlalchemy.orm') "
            f"or m in ('ecomops.db.tables', {also!r}))))\n"
        )
        out = subprocess.run([sys.executable, "-c", code, *args, "--db", str(db)], env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stderr.strip().splitlines()[-1] == "[]", args
