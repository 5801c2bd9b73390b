"""The command line in the user's language: ``--help`` (our text and Click's own words) and
Click's errors, from the catalogs (:mod:`ecomops.i18n`).

Typer vendors Click without gettext, and Typer's help and error panels (``typer.rich_utils``,
imported only when they are shown) keep their words in module constants: :func:`start` chooses
the language of a command line and arranges for those panels to be drawn in it; the help of
every command is translated once it is built (:func:`translate_command`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from ecomops import i18n
from ecomops.i18n import N_, gettext

#: Click's and Typer's words, for the catalogs (templates: what Click fills in by itself)
CLICK_WORDS = (
    N_("Usage: "),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("Show this message and exit."),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Error"),
    N_("Aborted."),
    N_("Aborted!"),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("[default: {}]"),
    N_("[env var: {}]"),
    N_("[required]"),
    N_("(deprecated) "),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("(dynamic)"),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing argument {name}. {message}"),
    N_("Missing option {name}. {message}"),
    N_("Missing parameter: {name}"),
    N_("No such option: {name}"),
    N_("No such option: {name} (Possible options: {options})"),
    N_("No such option: {name} Did you mean {shown}?"),
    N_("No such command {name}."),
    N_("No such command {name}. Did you mean {shown}?"),
    N_("Invalid value for {hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
    N_("Value {value} is not a valid {label}."),
    N_("{value} is not one of {choices}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean."),
    N_("Could not open file {name}: {message}"),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    # the types Typer shows beside each option
    N_("<str>"),
    N_("<int>"),
    N_("<bool>"),
    N_("<float>"),
    N_("<path>"),
)

#: words the services pass into their messages as values (``no {role} named {name!r}``)
VALUE_WORDS = (
    N_("staff member"),
    N_("rater"),
    N_("active "),
    N_("position"),
    N_("email"),
    N_("manager"),
    N_("login"),
    N_("joined"),
    N_("left"),
    N_("monthly"),
    N_("quarterly"),
    N_("year-end"),
    N_("started"),
    N_("done"),
    N_("reopened"),
    N_("would record"),
    N_("recorded"),
    N_("would send"),
    N_("sent"),
    N_("created"),
    N_("updated"),
    N_("yes"),
    N_("no"),
    N_("Monday plan"),
    N_("month-end summary"),
    N_("department summary"),
    N_("on time"),
    N_("late"),
    N_("missing"),
    N_("the plan is stored"),
    N_("retry with: {command}"),
    # the operating system's words for a failed connection or file (strerror)
    N_("Connection refused"),
    N_("Connection timed out"),
    N_("timed out"),
    N_("Name or service not known"),
    N_("Temporary failure in name resolution"),
    N_("No route to host"),
    N_("Network is unreachable"),
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Is a directory"),
    N_("Read-only file system"),
    N_("No space left on device"),
    # the help of the commands made from one function (cli/tasks.py: _status_command)
    N_("Mark a task started.\n\nExample: ecomops tasks start 3"),
    N_("Mark a task done.\n\nExample: ecomops tasks done 3 --note 已交付"),
    N_(
        "Reopen a done or cancelled task (a cancelled one: by whoever may assign tasks).\n\n"
        "Example: ecomops tasks reopen 3"
    ),
)

_RICH_WORDS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def start(args: Sequence[str] | None) -> None:
    """At the start of a command line: its language (the last ``--lang`` on it, else the
    settings'), and Typer's and Click's words in it."""
    argv = list(sys.argv[1:] if args is None else args)
    i18n.use(lang_given(argv))
    _patch()


def lang_given(argv: list[str]) -> str | None:
    """The language of the last ``--lang`` typed (before ``--``), if it names one."""
    from ecomops.errors import EcomopsError
    from ecomops.text import parse_lang

    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    if found is None:
        return None
    try:
        return parse_lang(found)
    except EcomopsError:
        return None


def _patch() -> None:
    """Typer's and Click's own words through our catalog; its help and error panels patched
    when (if ever) they are imported. Once per process (``_patch.done``).

    The smallest patch, on Typer's public classes only (``typer.core``; never the Click it
    vendors, ``typer._click``, which Typer keeps private): Typer looks its words up with the
    standard library's ``gettext`` in the process-wide default domain, and Click writes
    "Usage: " and "Show this message and exit." with no lookup at all. Binding our catalog
    to that default domain (``gettext.textdomain``) would change the domain of every other
    library in the process and choose the language from the environment, not ``--lang``;
    subclasses (``cls=``) cannot reach the options, whose class Typer picks itself, nor the
    commands Typer builds for sub-apps. So: Typer's ``_`` is ours, and three methods of
    Typer's command and parameter classes wrap the originals to translate what they return.
    """
    if getattr(_patch, "done", False):
        return
    _patch.done = True  # type: ignore[attr-defined]
    import typer.core
    from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

    typer.core._ = gettext

    def format_usage(self, ctx, formatter) -> None:  # Click's, with its prefix translated
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), gettext("Usage: "))

    for cls in (TyperCommand, TyperGroup):
        help_option = cls.get_help_option

        def get_help_option(self, ctx, _original=help_option):
            option = _original(self, ctx)
            if option is not None and option.help:
                option.help = i18n.translate(option.help)
            return option

        cls.format_usage = format_usage  # type: ignore[method-assign]
        cls.get_help_option = get_help_option  # type: ignore[method-assign]
    for param in (TyperOption, TyperArgument):
        shown_type = param.display_type

        def display_type(self, ctx, _original=shown_type):
            return gettext(_original(self, ctx))

        param.display_type = display_type  # type: ignore[method-assign]
    if "typer.rich_utils" in sys.modules:
        _patch_rich(sys.modules["typer.rich_utils"])
    else:
        sys.meta_path.insert(0, _RichFinder())


class _RichFinder:
    """Patches ``typer.rich_utils`` once it is imported (Rich is heavy: only for help and
    errors)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None):
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        from importlib.util import find_spec

        spec = find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def run(module) -> None:
            exec_module(module)
            _patch_rich(module)

        loader.exec_module = run  # type: ignore[method-assign]
        return spec


def _patch_rich(rich_utils) -> None:
    def words() -> None:
        for constant, english in _RICH_WORDS.items():
            setattr(rich_utils, constant, gettext(english))

    format_help = rich_utils.rich_format_help
    format_error = rich_utils.rich_format_error
    abort = rich_utils.rich_abort_error

    def rich_format_help(*, obj, ctx, markup_mode):
        words()
        translate_command(obj)
        return format_help(obj=obj, ctx=ctx, markup_mode=markup_mode)

    def rich_format_error(self) -> None:
        words()
        if i18n.current() != "en":
            english = self.format_message()
            self.format_message = lambda: i18n.translate(english)
        return format_error(self)

    def rich_abort_error() -> None:
        words()
        return abort()

    rich_utils.rich_format_help = rich_format_help
    rich_utils.rich_format_error = rich_format_error
    rich_utils.rich_abort_error = rich_abort_error


def translate_command(command: Any) -> None:
    """``command``'s help, its options' and its sub-commands' in the current language (in
    place; a text with no translation stays as it is)."""
    if i18n.current() == "en" or getattr(command, "_ecomops_lang", None) == i18n.current():
        return
    command._ecomops_lang = i18n.current()
    for attr in ("help", "short_help", "epilog"):
        text = getattr(command, attr, None)
        if isinstance(text, str) and text:
            setattr(command, attr, i18n.translate(text))
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = gettext("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = gettext("COMMAND [ARGS]...")
    for param in getattr(command, "params", []):
        for attr in ("help", "rich_help_panel"):
            text = getattr(param, attr, None)
            if isinstance(text, str) and text:
                setattr(param, attr, i18n.translate(text))
    for attr in ("rich_help_panel",):
        text = getattr(command, attr, None)
        if isinstance(text, str) and text:
            setattr(command, attr, i18n.translate(text))
    for sub in (getattr(command, "commands", None) or {}).values():
        translate_command(sub)
