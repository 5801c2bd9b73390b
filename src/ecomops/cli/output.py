"""The one output layer: JSON for programs, Rich tables for people.

JSON: sorted keys, ISO dates, decimals as numbers, ``[]`` for an empty list, UTF-8 as is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

_console = None


def console():
    """The stdout console, built on first use (the terminal width is read then)."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=False, emoji=False)
    return _console


def reset_console() -> None:
    global _console
    _console = None


def _encode(value: Any) -> Any:
    """Leaves orjson cannot write itself: decimals as numbers, output models as their fields."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="python", by_alias=True)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: Any) -> str:
    """``data`` as indented JSON with sorted keys (orjson: the 10k-row listings in milliseconds).

    Dates and times are ISO 8601 (orjson writes them as ``date.isoformat()`` does)."""
    import orjson

    if isinstance(data, list) and data and hasattr(data[0], "model_dump"):
        from ecomops.views import dump_list

        plain = dump_list(data)
        data = data if plain is None else plain
    return orjson.dumps(
        data,
        default=_encode,
        option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
    ).decode()


class OutputFailed(BaseException):
    """Standard output could not be written (a full disk, a closed pipe). A BaseException, as
    SystemExit is, so that it passes the commands' error edge (which reports any Exception as
    an internal error) up to :func:`ecomops.cli.main`, which says so in one line (nothing for
    a closed pipe) and exits."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Around writing data to stdout: a failed write raises :class:`OutputFailed`."""
    try:
        yield
    except OSError as exc:
        raise OutputFailed(exc) from exc


def print_json(data: Any) -> None:
    text = to_json(data) + "\n"
    with writing_stdout():
        sys.stdout.write(text)
        sys.stdout.flush()


def emit(data: Any, *, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        with writing_stdout():
            render(data)
            sys.stdout.flush()


def fmt(value: Any) -> str:
    from datetime import date, datetime
    from decimal import Decimal

    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(_encode(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(fmt(v) for v in value) or "—"
    from ecomops.text import safe

    return safe(str(value))


def esc(value: Any, *, lines: bool = False) -> str:
    """``value`` (as :func:`fmt` shows it) for a Rich markup string: shown as typed, never as
    markup (``[/red]``, ``[link=…]``) nor as terminal codes (ESC → ␛); ``lines`` keeps line
    breaks (a plan's text)."""
    from rich.markup import escape

    from ecomops.text import safe

    return escape(safe(value, lines=True) if lines and isinstance(value, str) else fmt(value))


def cell(value: Any, style: str = ""):
    """A table cell (or title: ``style="table.title"``): :func:`fmt`'s text as a Rich ``Text``,
    never parsed as markup or emoji."""
    from rich.text import Text

    return Text(fmt(value), style=style)


#: a table column: its header, how to get the cell from a row, and whether it may wrap
Column = tuple[str, Callable[[Any], Any]] | tuple[str, Callable[[Any], Any], bool]


def table(
    rows: Sequence[Any],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    empty: str = "nothing to show",
) -> None:
    """Print ``rows`` as a table, one column per (header, getter[, wraps]).

    Columns keep to one line unless ``wraps`` is true (long text such as a rule or a goal).
    """
    if not rows:
        from ecomops.cli.common import note

        note(empty)
        return
    from rich.table import Table

    t = Table(
        title=None if title is None else cell(title, "table.title"),
        show_lines=False,
        header_style="bold",
    )
    for header, *rest in columns:
        wraps = rest[1] if len(rest) > 1 else False
        if wraps:
            t.add_column(header, overflow="fold", ratio=1, min_width=12)
        else:
            t.add_column(header, no_wrap=True, overflow="ellipsis")
    for row in rows:
        t.add_row(*(cell(col[1](row)) for col in columns))
    console().print(t)
