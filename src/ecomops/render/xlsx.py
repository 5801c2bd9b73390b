"""The report as a workbook: one sheet per section (openpyxl), named in the report's language.

Cells keep their types: a date is a date (``yyyy-mm-dd``), a time a date and time, a share a
percentage (the number 0.45 shown as 45%), a count or score a number; Decimal becomes float
only here, at the cell. Columns are as wide as their contents (a Chinese character counts
double), long text wraps inside its column.

Every text is data: a cell whose text could be read as a formula (``=``, ``+``, ``-``, ``@``,
a tab or a carriage return first, as OWASP's CSV-injection advice lists) is a text cell with
Excel's quote prefix, and control characters, which a workbook cannot hold, are shown
(text.safe: ESC → ␛)."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ecomops.render.document import Mark, Pct, Section, num, sections, subtitle, title
from ecomops.text import safe
from ecomops.views import ReportOut

#: what a spreadsheet may take for the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: what a sheet's name may not hold (Excel), and its longest
_SHEET_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})
SHEET_NAME_MAX = 31
#: the widest a column grows; long text wraps inside it
MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as a sheet's name: none of ``[]:*?/\\``, no quote at either end, at most 31
    characters, and unlike every name in ``taken`` (Excel compares them in any case)."""
    base = " ".join(safe(name).translate(_SHEET_FORBIDDEN).split()).strip("'") or "Sheet"
    base = base[:SHEET_NAME_MAX].strip()
    candidate, n = base, 1
    while candidate.casefold() in {t.casefold() for t in taken}:
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    return candidate


def display_width(value: Any) -> int:
    """How many columns ``value`` takes as shown: a wide (CJK) character counts two."""
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    shown = value if isinstance(value, str) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in shown)


def render(r: ReportOut) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    for default in wb.worksheets:
        wb.remove(default)
    taken: set[str] = set()
    for s in sections(r):
        name = sheet_name(s.short or s.title, taken)
        taken.add(name)
        ws = wb.create_sheet(name)
        _append(ws, [s.title])
        ws["A1"].font = Font(bold=True, size=13)
        _append(ws, [f"{title(r)} · {subtitle(r)}"])
        for n in s.notes:
            _append(ws, [n])
        widths: dict[int, int] = {}
        wraps: set[int] = set()
        for t in s.tables:
            ws.append([])
            _append(ws, t.headers)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for i, h in enumerate(t.headers):
                widths[i] = max(widths.get(i, 0), display_width(h))
            wraps.update(t.wrap)
            for row in t.rows:
                _append(ws, [_value(c) for c in row])
                for cell, c in zip(ws[ws.max_row], row, strict=False):
                    _format(cell, c)
                    if cell.column - 1 in t.wrap:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    else:
                        cell.alignment = Alignment(vertical="top")
                for i, c in enumerate(row):
                    widths[i] = max(widths.get(i, 0), display_width(_shown(c)))
        _fit(ws, s, widths)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fit(ws, s: Section, widths: dict[int, int]) -> None:
    """Each column as wide as its widest header or cell (the title and notes above the tables
    run over into the empty cells beside them and do not count), at most ``MAX_WIDTH``."""
    from openpyxl.utils import get_column_letter

    if not widths:  # a section with no table: its notes alone
        widths = {0: min(max((display_width(n) for n in [s.title, *s.notes]), default=8), 60)}
    for i, w in widths.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(w + 2, 6), MAX_WIDTH)


def _shown(cell) -> Any:
    """What the cell shows, for its width."""
    if isinstance(cell, Pct):
        return f"{num(cell.value)}%"
    if isinstance(cell, Mark):
        return cell.label
    if cell is None:
        return ""
    return cell


def _value(cell) -> Any:
    """A typed cell as the workbook's value: numbers as numbers (so the sheet can sum them),
    a share as its fraction (45 % → 0.45), a date as a date, a time as the local time."""
    if isinstance(cell, Pct):
        return float(cell.value / 100)
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, Mark):
        return cell.label
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)  # as shown: the handbook's local time
    return cell


def _format(cell, typed) -> None:
    if isinstance(typed, Pct):
        whole = typed.value == typed.value.to_integral_value()
        cell.number_format = "0%" if whole else "0.0%"
    elif isinstance(typed, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(typed, date):
        cell.number_format = DATE_FORMAT


def _append(ws, values: list[Any]) -> None:
    """Append a row; its texts stay texts (never formulas) and hold no control characters."""
    ws.append([safe(v, lines=True) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl made "=…" a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
