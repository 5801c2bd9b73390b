"""The one output layer: JSON for programs, Rich tables for people.

JSON: sorted keys, ISO dates, decimals as numbers, ``[]`` for an empty list, UTF-8 as is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def console():
    """The running command's stdout console, built on first use (the terminal width is read
    then) and kept in its :class:`~ecomops.cli.state.Invocation`."""
    from rich.console import Console

    from ecomops.cli.state import current

    run = current()
    if run is not None and run.console is not None:
        return run.console
    made = Console(highlight=False, soft_wrap=False, emoji=False)
    if run is not None:
        run.console = made
    return made


def reset_console() -> None:
    """Nothing to reset any more: each command line builds its own console (kept for the
    tests that call it after changing the terminal's width)."""


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


#: a list longer than this is written a chunk of its items at a time (:func:`json_pieces`)
_JSON_CHUNK = 1000


def json_pieces(data: Any) -> Iterator[bytes]:
    """:func:`to_json`'s text (encoded, without the final line break) in pieces, each a few
    hundred kB at most: an output model is written field by field and a long list of models
    a thousand items at a time, so that a report of 100,000 people is never held whole as
    plain data (its dump was 700 MB). The pieces joined are byte for byte :func:`to_json`."""
    yield from _pieces(data, 0)


def _pieces(value: Any, depth: int) -> Iterator[bytes]:
    import orjson

    from ecomops.views import dump_list

    opts = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    pad = b"  " * depth
    if _plain_model(value):
        fields = type(value).model_fields
        keys = sorted((info.alias or name, name) for name, info in fields.items())
        if not keys:
            yield b"{}"
            return
        yield b"{\n"
        for n, (shown, name) in enumerate(keys):
            yield pad + b"  " + orjson.dumps(shown) + b": "
            yield from _pieces(getattr(value, name), depth + 1)
            yield b",\n" if n < len(keys) - 1 else b"\n"
        yield pad + b"}"
        return
    if isinstance(value, list) and len(value) > _JSON_CHUNK and hasattr(value[0], "model_dump"):
        yield b"[\n"
        for start in range(0, len(value), _JSON_CHUNK):
            chunk = value[start : start + _JSON_CHUNK]
            plain = dump_list(chunk)
            text = orjson.dumps(chunk if plain is None else plain, default=_encode, option=opts)
            body = text[2:-2]  # the items, without "[\n" and "\n]", each two spaces in
            yield (pad + body.replace(b"\n", b"\n" + pad)) if depth else body
            yield b",\n" if start + _JSON_CHUNK < len(value) else b"\n"
        yield pad + b"]"
        return
    text = to_json(value).encode()
    yield text.replace(b"\n", b"\n" + pad) if depth else text


def _plain_model(value: Any) -> bool:
    """Whether ``value`` is an output model whose dump is its fields, each dumped in turn."""
    from pydantic import BaseModel

    if not isinstance(value, BaseModel):
        return False
    model = type(value)
    decorators = model.__pydantic_decorators__
    return not (
        model.model_computed_fields or decorators.field_serializers or decorators.model_serializers
    )


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


def emit(data: Any, *, as_json: bool | None = None, render: Callable[[Any], None]) -> None:
    """``data`` as JSON on stdout (``as_json``; None: the running command's ``--json``), or
    drawn by ``render``."""
    if as_json is None:
        from ecomops.cli.common import wants_json

        as_json = wants_json()
    if as_json:
        print_json(data)
    else:
        with writing_stdout():
            render(data)
            sys.stdout.flush()


def fmt(value: Any) -> str:
    from datetime import date, datetime
    from decimal import Decimal

    from ecomops import i18n

    if value is None:
        return "—"
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    if isinstance(value, Decimal):
        return str(_encode(value))
    if isinstance(value, datetime):  # as the language writes it (2026年12月7日 09:00)
        return i18n.datetime_text(value)
    if isinstance(value, date):
        return i18n.date_text(value)
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

    On a terminal, a listing that fits the screen is a Rich table, whose columns keep to one
    line unless ``wraps`` is true (long text such as a rule or a goal). A listing for a pipe or
    a file, or longer than the screen, is streamed as plain aligned rows (:func:`plain_rows`).
    """
    if not rows:
        from ecomops.cli.common import note

        note(empty)
        return
    out = console()
    if not out.is_terminal or len(rows) + _TABLE_LINES > out.size.height:
        plain_rows(rows, columns, title=title, bold=out.is_terminal)
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


#: the lines a Rich table takes besides its rows (title, borders, header)
_TABLE_LINES = 6
#: the widest a wrapping column's cells are aligned to (a longer cell pushes its row's next
#: columns right, that row only, rather than every row's)
WRAP_WIDTH = 60
#: rows written to the stream at a time
_CHUNK = 2000


def plain_rows(
    rows: Sequence[Any],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    bold: bool = False,
) -> None:
    """Print ``rows`` as plain text: a header line, then one line per row, columns two spaces
    apart and aligned by display width (a CJK character takes two columns). Cells are shown
    as :func:`fmt` shows them (user text made safe: no terminal codes, no line breaks);
    nothing is cut short. The title, if any, is the first line (``bold``: on a terminal,
    title and header in bold). 100,000 rows of eight columns take about a second."""
    text, width = _cell_text(), _cell_width()
    headers = [fmt(col[0]) for col in columns]
    getters = [col[1] for col in columns]
    caps = [WRAP_WIDTH if len(col) > 2 and col[2] else None for col in columns]
    widths = [width(h) for h in headers]
    n = len(columns)
    cells: list[list[str]] = []
    sizes: list[list[int]] = []
    for row in rows:  # the first pass: every cell's text and width, and each column's width
        line = [text(get(row)) for get in getters]
        size = [width(value) for value in line]
        for i in range(n):
            if size[i] > widths[i]:
                widths[i] = size[i]
        cells.append(line)
        sizes.append(size)
    widths = [w if cap is None else min(w, cap) for w, cap in zip(widths, caps, strict=True)]
    pad = [" " * w for w in widths]
    last = n - 1

    def aligned(line: list[str], size: list[int]) -> str:
        parts = [value + pad[i][size[i] :] if i < last else value for i, value in enumerate(line)]
        return "  ".join(parts).rstrip() + "\n"

    stream = console().file
    with writing_stdout():
        head = aligned(headers, [width(h) for h in headers])
        if title is not None:
            shown = fmt(title)
            stream.write(f"\x1b[1m{shown}\x1b[0m\n" if bold else f"{shown}\n")
        stream.write(f"\x1b[1m{head[:-1]}\x1b[0m\n" if bold else head)
        for start in range(0, len(cells), _CHUNK):
            end = start + _CHUNK
            stream.write("".join(map(aligned, cells[start:end], sizes[start:end])))
        stream.flush()


def _cell_text() -> Callable[[Any], str]:
    """:func:`fmt` for many cells: the common types first, the rest through :func:`fmt`."""
    from datetime import date

    from ecomops import i18n
    from ecomops.text import safe

    if i18n.current() != "en":  # dates and yes/no as the language writes them
        return fmt

    def text(value: Any) -> str:
        kind = type(value)
        if kind is str:
            return safe(value)
        if value is None:
            return "—"
        if kind is int:
            return str(value)
        if kind is bool:
            return "yes" if value else "no"
        if kind is date:
            return value.isoformat()
        return fmt(value)

    return text


def _cell_width() -> Callable[[str], int]:
    from ecomops.text import cell_width

    return cell_width()
