"""Every command has help text with an example (as sqlite-utils's test_docs does)."""

from __future__ import annotations

import pytest

from ecomops.cli import LAZY, load


def _commands(group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield path, cmd
            yield from _commands(cmd, path)
        else:
            yield path, cmd


def _all():
    for name in LAZY:
        cmd = load(name)
        yield (name,), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (name,))


ALL = list(_all())


def test_the_command_tree_is_what_the_readme_tours():
    names = {" ".join(p) for p, _ in ALL}
    assert {"init", "rules", "manual show", "manual check", "roles list", "roles show",
            "rubric show", "goals list", "staff add", "staff list", "staff import",
            "staff deactivate", "cycle open", "cycle list", "cycle close", "appraise",
            "appraisals list", "appraisals show", "quota check", "calibrate", "calendar",
            "plan submit", "plan status", "plan show", "plan send", "leave request",
            "leave list", "handover add", "handover list", "visitor add", "visitor leave",
            "visitor list", "tasks list", "tasks show", "tasks add", "tasks start", "tasks done",
            "tasks reopen", "tasks cancel", "tasks assign", "tasks due", "report", "today", "demo", "db status",
            "db backup", "db restore", "db copy", "audit"} <= names


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help_with_an_example(cli, path):
    r = cli(*path, "--help")
    assert r.exit_code == 0
    assert "Example: ecomops" in r.stdout, r.stdout


@pytest.mark.parametrize("name", list(LAZY))
def test_the_root_listing_shows_each_commands_own_summary(name):
    real = load(name)
    first = " ".join((real.help or "").strip().split("\n\n")[0].split())
    assert LAZY[name][2] == first


def test_one_process_switches_language_between_command_lines():
    """Commands are built once per process and language: help in Chinese, then in English,
    then in Chinese again, each whole in its own language (a built command translated in
    place would keep the first one's)."""
    from tests.conftest import run

    shown = [run("tasks", "list", "--help", *lang).stdout
             for lang in (["--lang", "zh-hans"], [], ["--lang", "zh-hans"], [])]
    assert "用法" in shown[0] and "Usage" not in shown[0]
    assert "Usage" in shown[1] and "用法" not in shown[1]
    assert shown[2] == shown[0] and shown[3] == shown[1]
