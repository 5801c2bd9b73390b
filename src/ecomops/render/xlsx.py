"""The report as a workbook: one sheet per section (openpyxl)."""

from __future__ import annotations

import io

from ecomops.render.document import sections, subtitle, title
from ecomops.views import ReportOut


def render(r: ReportOut) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    for default in wb.worksheets:
        wb.remove(default)
    for s in sections(r):
        ws = wb.create_sheet(s.id[:31])
        ws.append([s.title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([f"{title(r)} · {subtitle(r)}"])
        for n in s.notes:
            ws.append([n])
        for t in s.tables:
            ws.append([])
            ws.append(t.headers)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for row in t.rows:
                ws.append([_value(c) for c in row])
        for col in ws.columns:
            width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
            ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _value(text: str):
    """Numbers as numbers, so the sheet can sum them."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text
