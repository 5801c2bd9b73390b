"""The services' words shown as the command line's (:mod:`ecomops.errors`): ``{param:NAME}``
becomes the option that sets the parameter, ``{command}`` the command line of a
:class:`~ecomops.errors.Suggest`, both looked up in the command tree (a renamed option or
command changes in its declaration only)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

from ecomops.errors import Suggest, render

PROGRAM = "ecomops"
#: a value the shell would split or expand is quoted; names such as 赵敏 are not
_UNSAFE = re.compile(r"[\s'\"\\$`&;|<>()*?!#~{}\[\]]")


def _running_command() -> Any:
    """The running command's Click command (the command line's :class:`Invocation`)."""
    from ecomops.cli.state import current

    run = current()
    return run.command if run is not None else None


#: the command tree's loader (``ecomops.cli.load``: a top-level command, built with the one
#: sub-command named), set by ``ecomops.cli`` as it is imported (this module sits below it)
LOADER: list[Callable[[str, str | None], Any]] = []


def _command_of(action: str) -> Any:
    """The Click command of ``action`` (``"staff.link"``), built as the command line builds
    it; None when the tree has no such command."""
    top, _, sub = action.partition(".")
    if not LOADER:
        return None
    try:
        command = LOADER[0](top, sub or None)
    except Exception:  # an error message must not fail for its suggestion
        return None
    for part in sub.split(".") if sub else ():
        commands = getattr(command, "commands", None)
        if not commands or part not in commands:
            return None
        command = commands[part]
    return command


def _flag(command: Any, param: str) -> str | None:
    """``command``'s option for the service parameter ``param`` (its longest spelling): the
    parameter of that name, or of the name the command gives it (``command(renamed=…)``), or
    with Python's trailing ``_`` (``from_``, ``as_``)."""
    if command is None:
        return None
    renamed = getattr(getattr(command, "callback", None), "renamed", None) or {}
    names = (renamed.get(param, param), param, f"{param}_")
    for name in names:
        for p in getattr(command, "params", ()):
            opts = getattr(p, "opts", None)
            if p.name == name and opts and opts[0].startswith("-"):
                return max(opts, key=len)
    return None


def _fallback(param: str) -> str:
    return "--" + param.rstrip("_").replace("_", "-")


def _placeholder(text: str) -> str | None:
    """A placeholder the user replaces (``NAME``), in the user's language."""
    from ecomops.i18n import pgettext

    words = {
        "NAME": pgettext("placeholder", "NAME"),
        "FILE": pgettext("placeholder", "FILE"),
        "PATH": pgettext("placeholder", "PATH"),
        "LOGIN": pgettext("placeholder", "LOGIN"),
    }
    return words.get(text)


def _value(text: str) -> str:
    shown = _placeholder(text)
    if shown is not None:
        return shown
    return shlex.quote(text) if text == "" or _UNSAFE.search(text) else text


def command_line(suggest: Suggest) -> str:
    """``suggest`` as the command line that runs it: ``ecomops staff link 赵 --login zhao``."""
    command = _command_of(suggest.action)
    words = [PROGRAM, *suggest.action.split(".")]
    words += [_value(a) for a in suggest.args]
    for name, value in suggest.options.items():
        words += [_flag(command, name) or _fallback(name), _value(value)]
    words += [_flag(command, name) or _fallback(name) for name in suggest.flags]
    return " ".join(words)


def option(param: str, suggested: tuple[Suggest, ...] = (), renamed: dict | None = None) -> str:
    """The option for the service parameter ``param``: the running command's (``renamed``
    maps a service's names to the command's), else a suggested command's, else
    ``--param-name``."""
    name = (renamed or {}).get(param, param)
    found = _flag(_running_command(), name)
    for s in suggested:
        if found is None and (param in s.options or param in s.flags):
            found = _flag(_command_of(s.action), param)
    return found or _fallback(name)


def shown(text: str, suggested: tuple[Suggest, ...] = (), renamed: dict | None = None) -> str:
    """``text`` (translated already) with its markers as the command line says them."""
    return render(text, suggested, command_line, lambda p, s: option(p, s, renamed))
