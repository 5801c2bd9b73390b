"""Shell completion of people, positions, task ids and cycles, without the ORM."""

from __future__ import annotations

import os
import subprocess
import sys


def complete(words: str) -> tuple[list[str], str]:
    env = dict(os.environ, _ECOMOPS_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "ecomops"], env=env,
                         capture_output=True, text=True, timeout=60)
    return out.stdout.split(), out.stderr


def test_people_positions_tasks_and_cycles(db, cli):
    cli("staff", "add", "李娜", "-p", "copywriter")
    cli("staff", "add", "李强", "-p", "clerk")
    cli("staff", "add", "王芳", "-p", "manager")
    cli("cycle", "open", "2026-11")
    people, imports = complete("ecomops staff deactivate 李")
    assert people == ["李娜", "李强"]
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in imports.splitlines()
              if line.startswith("import time:")}
    # (Typer itself loads pydantic for completion; the ORM and YAML stay out)
    assert not loaded & {"sqlalchemy", "sqlmodel", "yaml", "alembic"}
    assert complete("ecomops rubric show co")[0] == ["copywriter"]
    assert complete("ecomops roles show 策")[0] == ["策劃主管"]
    assert complete("ecomops appraisals list --cycle 20")[0] == ["2026-11"]
    assert complete("ecomops tasks done 4")[0][:2] == ["4", "42"]
    assert complete("ecomops appraise --as 王")[0] == ["王芳"]


def test_completion_without_a_database_completes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_DB", str(tmp_path / "none.db"))
    assert complete("ecomops staff deactivate 李")[0] == []
    assert not (tmp_path / "none.db").exists()


def test_completion_reads_the_database_of_the_settings_file(tmp_path, monkeypatch, cli):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nfile = "team.db"\n', encoding="utf-8")
    monkeypatch.setenv("ECOMOPS_CONFIG", str(config))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    assert cli("init", "--simulated-clock").exit_code == 0
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    assert complete("ecomops staff deactivate 李")[0] == ["李娜"]
