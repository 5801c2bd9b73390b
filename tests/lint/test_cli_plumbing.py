"""The command line's plumbing (issue 25, item 3): one context object for the global options
and the open database, no module-level mutable state, no private Typer or Click imports, the
global options declared once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ecomops"
CLI = SRC / "cli"
#: the global options a command takes after its name, declared in cli/common.py only
GLOBAL_FLAGS = ("--db", "--database-url", "--lang", "--json")
#: where a command declares one of them itself, as it means something else there
OWN = {
    ("report.py", "--db"),  # demo: where to build a new database
    ("report.py", "--database-url"),  # demo --people: an empty database to fill
    ("schedule.py", "--lang"),  # the reminders' language, written into the jobs
    ("__init__.py", "--db"),  # the root: the options typed before the command
    ("__init__.py", "--database-url"),
    ("__init__.py", "--lang"),
}


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_nothing_imports_typer_s_vendored_click_or_click():
    found = []
    for path in _modules(SRC):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [
                    f"{node.module}.{a.name}" for a in node.names
                ]
            for name in names:
                parts = name.split(".")
                if parts[0] == "click" or (parts[0] == "typer" and "_click" in parts):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {name}")
                elif parts[0] == "typer" and any(
                    p.startswith("_") and p != "__init__" for p in parts[1:]
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {name}")
    assert found == []


def _mutable(value: ast.expr | None) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp
                  | ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in ("list", "dict", "set", "defaultdict", "OrderedDict", "Counter",
                        "ContextVar", "deque")
    return False


_MUTATORS = {"append", "extend", "insert", "pop", "popitem", "clear", "update",
             "setdefault", "add", "discard", "remove", "set", "__setitem__"}


def _mutated(tree: ast.Module, name: str) -> bool:
    """Whether the module changes its ``name`` anywhere (an item stored or deleted, a
    mutating method called)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            if isinstance(node.value, ast.Name) and node.value.id == name:
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if (isinstance(target, ast.Name) and target.id == name
                    and node.func.attr in _MUTATORS):
                return True
    return False


@pytest.mark.parametrize("path", _modules(CLI) + [SRC / "i18n.py"], ids=lambda p: p.name)
def test_no_module_level_mutable_state(path):
    """A command's state lives in its Invocation (``ctx.obj``): no module keeps a container
    it changes, nor a ``global``. The one context variable that makes the Invocation
    reachable is cli/state.py's, and i18n's chosen language is one too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and _mutable(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [ast.unparse(t) for t in targets]
            call = node.value
            if isinstance(call, ast.Call) and ast.unparse(call.func) == "ContextVar":
                if (path.name, names) in (("state.py", ["_RUNNING"]), ("i18n.py", ["_CHOSEN"])):
                    continue
                found.append(f"{path.name}:{node.lineno}: {', '.join(names)} (a ContextVar)")
                continue
            found += [
                f"{path.name}:{node.lineno}: {n}" for n in names if _mutated(tree, n)
            ]
    found += [
        f"{path.name}:{n.lineno}: global {', '.join(n.names)}"
        for n in ast.walk(tree)
        if isinstance(n, ast.Global)
    ]
    assert found == []


def test_the_state_check_finds_what_it_looks_for():
    before = ast.parse("_OPEN: dict = {}\ndef f(s):\n    _OPEN['session'] = s\n")
    chosen = ast.parse("_chosen = [None]\ndef use(x):\n    _chosen.pop()\n")
    table = ast.parse("LAZY = {'init': 1}\ndef f():\n    return LAZY['init']\n")
    assert _mutated(before, "_OPEN") and _mutated(chosen, "_chosen")
    assert not _mutated(table, "LAZY")


def test_the_global_options_are_declared_once():
    """``--db``, ``--database-url``, ``--lang`` and ``--json`` are declared in cli/common.py
    (``guarded`` adds them to every command); no command lists them."""
    found = []
    for path in _modules(CLI):
        if path.name == "common.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ("DbOpt", "UrlOpt", "LangOpt",
                                                           "JsonOpt"):
                found.append(f"{path.name}:{node.lineno}: {node.id}")
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in ("typer.Option", "Option")
            ):
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and arg.value in GLOBAL_FLAGS
                        and (path.name, arg.value) not in OWN
                    ):
                        found.append(f"{path.name}:{node.lineno}: {arg.value}")
    assert found == []


def test_every_command_takes_the_global_options_after_its_name():
    """Typed after any command, they are accepted (and listed in its --help)."""
    from ecomops.cli import LAZY, load

    missing = []
    for name in LAZY:
        top = load(name)
        stack = [(name, top)]
        while stack:
            path, command = stack.pop()
            subs = getattr(command, "commands", None)
            if subs:
                stack += [(f"{path} {n}", c) for n, c in subs.items()]
                continue
            opts = {o for p in command.params for o in getattr(p, "opts", [])}
            for flag in ("--db", "--database-url", "--lang"):
                if flag not in opts and (path, flag) not in (
                    ("manual check", "--db"), ("manual check", "--database-url")
                ):
                    missing.append(f"{path}: {flag}")
    assert missing == []
