"""The one output layer: JSON for programs, Rich tables for people.

JSON: sorted keys, ISO dates, decimals as numbers, ``[]`` for an empty list, UTF-8 as is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

_console = None


def console():
    """The stdout console, built on first use (the terminal width is read then)."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=False)
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


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")
    sys.stdout.flush()


def emit(data: Any, *, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        render(data)


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
    return str(value)


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

    t = Table(title=title, show_lines=False, header_style="bold")
    for header, *rest in columns:
        wraps = rest[1] if len(rest) > 1 else False
        if wraps:
            t.add_column(header, overflow="fold", ratio=1, min_width=12)
        else:
            t.add_column(header, no_wrap=True, overflow="ellipsis")
    for row in rows:
        t.add_row(*(fmt(col[1](row)) for col in columns))
    console().print(t)
