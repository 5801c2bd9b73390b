"""The report as a workbook: one sheet per section (openpyxl).

Every text is data: a cell whose text could be read as a formula (``=``, ``+``, ``-``, ``@``,
a tab or a carriage return first, as OWASP's CSV-injection advice lists) is a text cell with
Excel's quote prefix, and control characters, which a workbook cannot hold, are shown
(text.safe: ESC → ␛)."""

from __future__ import annotations

import io
import re
from typing import Any

from ecomops.render.document import sections, subtitle, title
from ecomops.text import safe
from ecomops.views import ReportOut

#: what a spreadsheet may take for the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INT = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+", re.ASCII)


def render(r: ReportOut) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    for default in wb.worksheets:
        wb.remove(default)
    for s in sections(r):
        ws = wb.create_sheet(s.id[:31])
        _append(ws, [s.title])
        ws["A1"].font = Font(bold=True, size=13)
        _append(ws, [f"{title(r)} · {subtitle(r)}"])
        for n in s.notes:
            _append(ws, [n])
        for t in s.tables:
            ws.append([])
            _append(ws, t.headers)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for row in t.rows:
                _append(ws, [_value(c) for c in row])
        for col in ws.columns:
            width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
            ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append(ws, values: list[Any]) -> None:
    """Append a row; its texts stay texts (never formulas) and hold no control characters."""
    ws.append([safe(v, lines=True) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl made "=…" a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _value(text: str) -> Any:
    """Numbers as numbers, so the sheet can sum them; any other text as text."""
    if _INT.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text
