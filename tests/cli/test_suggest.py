"""A service suggests a use case in its own words (``Suggest``); the command line shows it as
its command, looked up in the command tree (cli/suggest.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ecomops.errors import InvalidInput, Note, Suggest

SRC = Path(__file__).resolve().parents[2] / "src" / "ecomops"


def _suggestions() -> list[tuple[str, str, list[str]]]:
    """Every ``Suggest(...)`` written below cli/ with a literal action: (where, action, the
    parameters it names)."""
    found = []
    for path in sorted([*(SRC / "services").rglob("*.py"), *(SRC / "core").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Suggest"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            params: list[str] = []
            given = list(node.args[2:4]) + [k.value for k in node.keywords]
            for value in given:
                if isinstance(value, ast.Dict):
                    params += [k.value for k in value.keys if isinstance(k, ast.Constant)]
                elif isinstance(value, ast.Tuple):
                    params += [e.value for e in value.elts if isinstance(e, ast.Constant)]
            where = f"{path.relative_to(SRC).as_posix()}:{node.lineno}"
            found.append((where, node.args[0].value, params))
    return found


SUGGESTED = _suggestions()


def test_the_services_suggest_use_cases() -> None:
    actions = {a for _, a, _ in SUGGESTED}
    assert {"staff.link", "staff.import", "plan.send", "init", "cycle.open"} <= actions


@pytest.mark.parametrize(("where", "action", "params"), SUGGESTED, ids=[w for w, _, _ in SUGGESTED])
def test_each_suggestion_is_a_command_with_those_options(where, action, params) -> None:
    import ecomops.cli  # noqa: F401
    from ecomops.cli import suggest  # (registers the command tree's loader)

    command = suggest._command_of(action)
    assert command is not None, f"{where}: no command {action}"
    missing = [p for p in params if suggest._flag(command, p) is None]
    assert missing == [], f"{where}: {action} has no option for {missing}"


def test_a_suggestion_renders_as_its_command_line() -> None:
    import ecomops.cli  # noqa: F401
    from ecomops.cli.suggest import command_line, shown

    assert command_line(Suggest("staff.link", ("赵敏",), {"login": "zhao"})) == (
        "ecomops staff link 赵敏 --login zhao"
    )
    assert command_line(Suggest("plan.send", ("李娜",), {"week": "2026-W48"}, ("department",))) == (
        "ecomops plan send 李娜 --week 2026-W48 --department"
    )
    # a service's parameter named otherwise by the command (company-mail's --from)
    assert command_line(Suggest("staff.company-mail", ("example.cn",), {"applies_from": "2027-01-01"})) == (
        "ecomops staff company-mail example.cn --from 2027-01-01"
    )
    # a value the shell would split is quoted; a placeholder is not
    assert command_line(Suggest("staff.edit", ("王 芳",), {"email": "…"})) == (
        "ecomops staff edit '王 芳' --email …"
    )
    both = (Suggest("staff.import", ("FILE",), flags=("update", "deactivate_missing")),)
    text = shown("{param:deactivate_missing} works with {param:update}; give both: {command}", both)
    assert text == (
        "--deactivate-missing works with --update; give both: "
        "ecomops staff import FILE --update --deactivate-missing"
    )


def test_a_library_caller_reads_the_domain_words() -> None:
    exc = InvalidInput(
        "{param:deactivate_missing} works with {param:update}",
        "give both: {command}",
        suggest=Suggest("staff.import", ("FILE",), flags=("update", "deactivate_missing")),
    )
    assert exc.said() == "{param:deactivate_missing} works with {param:update}; give both: {command}"
    assert str(exc) == exc.plain() == (
        "deactivate_missing works with update; "
        "give both: staff.import(FILE, update, deactivate_missing)"
    )
    note = Note("retry with: {command}", Suggest("plan.send", ("李娜",), {"month": "2026-11"}))
    assert note.plain() == "retry with: plan.send(李娜, month=2026-11)"
    assert isinstance(note, str)
