"""Babel's extractor for ecomops (babel.cfg): the messages a user reads, found in the code.

Besides ``_()``, ``N_()``, ``ngettext()`` and ``pgettext()``, it records as they are written:

* the message and hint of every error raised (``NotFound(f"no person named {name}", hint)``),
  and notes (``note(...)``) and warnings appended to a list, an f-string as a template whose
  fields are named after their expressions (``{name}``; ``{o.period}`` → ``{o_period}``):
  :func:`ecomops.i18n.translate` matches the English message against it where it is shown;
* in the commands (``cli/``): option and argument help, help panels, the commands' docstrings
  (their ``--help``) and the summaries of the command table;
* the labels of tables and reports (``render/labels.py``), each under its key as context.

Run by ``pybabel extract -F babel.cfg`` (docs/translating.md) and by the test that checks the
catalogs are up to date with the code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

#: the errors a user reads (ecomops.errors and the services' own)
ERRORS = {
    "EcomopsError", "NotFound", "InvalidInput", "ManualError", "NotAllowed", "DatabaseError",
    "NoDatabase", "MailError", "MailboxError", "WebhookError", "_Bad",
}
#: functions whose first argument is a message for the user
MESSAGES = {"note", "confirm", "prompt", "translate", "Note"}
#: keyword arguments that are help text in the commands
HELP = {"help", "short_help", "rich_help_panel", "epilog"}
_FUNCS = {"_": "_", "N_": "_", "gettext": "_", "ngettext": "ngettext", "pgettext": "pgettext"}

Found = tuple[int, str, Any, list[str]]


def extract(fileobj, keywords, comment_tags, options) -> Iterator[Found]:
    """Babel's extraction method: ``(line, function, message(s), comments)`` per message."""
    source = fileobj.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    filename = getattr(fileobj, "name", "") or ""
    yield from messages_in(source, str(filename))


def messages_in(source: str, filename: str = "") -> Iterator[Found]:
    tree = ast.parse(source)
    commands = "/ecomops/cli/" in "/" + filename.replace("\\", "/")  # not the checkout's path
    labels = filename.replace("\\", "/").endswith("render/labels.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from _call(node, commands)
        elif commands and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(_is_command_decorator(d) for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    yield node.lineno, "_", doc, []
        elif commands and isinstance(node, ast.Assign | ast.AnnAssign):
            yield from _constant(node)
    if labels:
        yield from _labels(tree)
    if filename.replace("\\", "/").endswith("handbook/model.py"):
        yield from _actions(tree)
    if filename.replace("\\", "/").endswith("core/remind.py"):
        yield from _reminders(tree)


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _call(node: ast.Call, commands: bool) -> Iterator[Found]:
    name = _name(node.func)
    if name in _FUNCS:
        kind = _FUNCS[name]
        texts = [_literal(a) for a in node.args[:2]]
        if kind == "_" and texts and texts[0]:
            yield node.lineno, "_", texts[0], []
        elif kind != "_" and len(texts) == 2 and all(texts):
            yield node.lineno, kind, tuple(texts), []
        return
    if name in ERRORS:
        args = list(node.args[:2]) + [
            k.value for k in node.keywords if k.arg in ("message", "hint")
        ]
        if name == "ManualError":  # (message, problems, hint)
            args = node.args[:1] + node.args[2:3] + [
                k.value for k in node.keywords if k.arg in ("message", "hint")
            ]
        for arg in args:
            yield from _text(arg, node.lineno)
    elif name in MESSAGES and node.args:
        yield from _text(node.args[0], node.lineno)
    elif name == "append" and isinstance(node.func, ast.Attribute) and node.args:
        owner = _name(node.func.value) or ""
        if re.search(r"warn|problem|note", owner, re.I):
            yield from _text(node.args[0], node.lineno)
    for k in node.keywords:
        if k.arg in HELP and commands or k.arg == "empty":  # table(..., empty="none yet")
            yield from _text(k.value, node.lineno)


def _text(node: ast.expr, line: int) -> Iterator[Found]:
    found = _literal(node)
    if found and re.search(r"[A-Za-z]{2}", found):
        yield line, "_", found, []
    elif isinstance(node, ast.IfExp):  # "a" if x else "b"
        yield from _text(node.body, line)
        yield from _text(node.orelse, line)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # f"…" + (" (…)" …)
        yield from _text(node.left, line)
        yield from _text(node.right, line)


def _literal(node: ast.expr) -> str | None:
    """A string constant as it is; an f-string as its template (``{name}`` fields)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return template(node)
    return None


def template(node: ast.JoinedStr) -> str:
    """The f-string ``node`` as a template: literal text with braces doubled, each value a
    field named after its expression (``{name}``, ``{o_period}``), with its conversion."""
    out: list[str] = []
    used: dict[str, str] = {}
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(part, ast.FormattedValue):
            source = ast.unparse(part.value)
            name = field_name(source)
            if name in used and used[name] != source:
                n = 2
                while f"{name}_{n}" in used and used[f"{name}_{n}"] != source:
                    n += 1
                name = f"{name}_{n}"
            used[name] = source
            conv = {-1: "", 115: "!s", 114: "!r", 97: "!a"}[part.conversion]
            out.append("{" + name + conv + "}")
    return "".join(out)


def field_name(source: str) -> str:
    """A placeholder's name for the expression ``source``: itself when it is a name, else its
    words joined by ``_`` (``o.period`` → ``o_period``, ``len(rows)`` → ``len_rows``)."""
    if source.isidentifier():
        return source
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\d+", source)
    name = "_".join(w.strip("_") for w in words if w.strip("_"))[:40].strip("_")
    if not name or not name.isidentifier():
        name = "value" if not name else "v_" + name
    return name


def _is_command_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = _name(target)
    return name in ("command", "callback")


def _constant(node: ast.Assign | ast.AnnAssign) -> Iterator[Found]:
    """A command module's constant that goes into help: an upper-case name holding text with
    words (``DAY_FORMS``, a help panel's title)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    if not names or not all(n.lstrip("_").isupper() for n in names) or node.value is None:
        return
    if names[0] == "LAZY" and isinstance(node.value, ast.Dict):  # the command table
        for value in node.value.values:
            if isinstance(value, ast.Tuple) and len(value.elts) == 3:
                yield from _text(value.elts[2], value.lineno)
        return
    found = _literal(node.value)
    if found and " " in found.strip():
        yield node.lineno, "_", found, []


def _labels(tree: ast.Module) -> Iterator[Found]:
    """The English labels (``EN = {key: text}`` and the words table ``(key, text)``), each
    with its key as context."""
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else (
            node.target if isinstance(node, ast.AnnAssign) else None
        )
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or value is None:
            continue
        if target.id == "EN" and isinstance(value, ast.Dict):
            for k, v in zip(value.keys, value.values, strict=True):
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant):
                    yield v.lineno, "pgettext", (k.value, v.value), []
        elif target.id == "_WORDS" and isinstance(value, ast.Tuple):
            for row in value.elts:
                if isinstance(row, ast.Tuple) and len(row.elts) >= 2:
                    k, v = row.elts[0], row.elts[1]
                    if isinstance(k, ast.Constant) and isinstance(v, ast.Constant):
                        yield v.lineno, "pgettext", (f"w:{k.value!s}", v.value), []


def _actions(tree: ast.Module) -> Iterator[Found]:
    """The permission table's actions and relations (``ACTIONS = {key: (Chinese, English)}``):
    their English goes into messages (``… may not open an appraisal cycle``)."""
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None
        )
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id in ("ACTIONS", "RELATIONS") and isinstance(
            value, ast.Dict
        ):
            for row in value.values:
                if isinstance(row, ast.Tuple) and len(row.elts) == 2:
                    found = _literal(row.elts[1])
                    if found:
                        yield row.lineno, "_", found, []


def _reminders(tree: ast.Module) -> Iterator[Found]:
    """The reminders' texts (``_T = {key: English}``), each under ``remind:<key>``."""
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None
        )
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "_T" and isinstance(value, ast.Dict):
            for key, row in zip(value.keys, value.values, strict=True):
                first = row.elts[0] if isinstance(row, ast.Tuple) and row.elts else row
                if isinstance(key, ast.Constant):
                    english = _literal(first)
                    if english:
                        yield row.lineno, "pgettext", (f"remind:{key.value!s}", english), []
