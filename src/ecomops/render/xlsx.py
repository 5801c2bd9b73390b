"""The report as a workbook: one sheet per section, named in the report's language, written
straight to the package's XML in one pass (openpyxl reads it back in the tests).

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
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from ecomops.render.document import Mark, Pct, Score, Section, sections, subtitle, text, title
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
#: the number formats as Chinese writes them (2026年12月7日, 85.0分): the cells stay dates and
#: numbers (a sheet sorts and sums them), only their look follows the language
ZH_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
ZH_DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
ZH_SCORE_FORMAT = '0.0"分"'


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
    """The workbook as the bytes of an ``.xlsx`` file (:func:`write`)."""
    buf = io.BytesIO()
    write(r, buf)
    return buf.getvalue()


def write(r: ReportOut, target: IO[bytes]) -> None:
    """Write the report's workbook to ``target`` (:func:`write_sections`)."""
    write_sections(sections(r), f"{title(r)} · {subtitle(r)}", target, lang=r.lang)


def write_sections(
    parts: Iterable[Section], head: str, target: IO[bytes], *, lang: str = "en"
) -> None:
    """A workbook of one sheet per section, written to ``target`` in one pass: each sheet's
    XML is streamed into the package row by row, and no cell is looked at again once written
    (its time grows with its rows; openpyxl's object per cell took 70 µs a cell, and asking
    it for the last row after every row made the report quadratic). Its columns are fitted by
    a first pass over the section's rows, since a sheet names its column widths before its
    rows. ``head`` is every sheet's second line (the report's title); ``lang``: the dates'
    and scores' number formats (Chinese: 2026年12月7日, 85.0分; still dates and numbers)."""
    styles = _Styles(lang)
    taken: set[str] = set()
    names: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as z:
        for s in parts:
            name = sheet_name(s.short or s.title, taken)
            taken.add(name)
            names.append(name)
            with z.open(f"xl/worksheets/sheet{len(names)}.xml", "w") as raw:
                _sheet(io.TextIOWrapper(raw, encoding="utf-8", newline=""), s, head, styles, lang)
        z.writestr("[Content_Types].xml", _content_types(len(names)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook(names))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        z.writestr("xl/styles.xml", styles.xml())


#: zlib's level for the package: the fastest; the sheets' XML is repetitive and compresses
#: well at any level
COMPRESS_LEVEL = 1
#: rows of XML written to the package at a time
_CHUNK = 2000


def _sheet(out: io.TextIOWrapper, s: Section, head: str, styles: _Styles, lang: str = "en") -> None:
    widths = _widths(s, lang)
    if not widths:  # a section with no table: its notes alone
        widths = {0: min(max((display_width(n) for n in [s.title, *s.notes]), default=8), 60)}
    out.write(_SHEET_START)
    out.write("<cols>")
    for i in sorted(widths):
        w = min(max(widths[i] + 2, 6), MAX_WIDTH)
        out.write(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>')
    out.write("</cols><sheetData>")
    n = 0

    def line(cells: list[str]) -> str:
        nonlocal n
        n += 1
        return f'<row r="{n}">{"".join(cells)}</row>'

    title_style, bold = styles.xf(font=2), styles.xf(font=1)
    lines = [line([f'<c r="A1"{_text(s.title, title_style, styles)}'])]
    lines.append(line([f'<c r="A2"{_text(head, 0, styles)}']))
    for note in s.notes:
        lines.append(line([f'<c r="A{n + 1}"{_text(note, 0, styles)}']))
    seen: dict[tuple[type, Any, int], str] = {}  # the cells that repeat (positions, signs, dates)
    for t in s.tables:
        letters = [_column(i) for i in range(len(t.headers))]
        lines.append(line([]))
        r = n + 1
        lines.append(
            line(
                [f'<c r="{letters[i]}{r}"{_text(h, bold, styles)}' for i, h in enumerate(t.headers)]
            )
        )
        top, wrap = styles.xf(align=1), styles.xf(align=2)
        aligned = [wrap if i in t.wrap else top for i in range(len(t.headers))]
        for row in t.rows:
            r = n + 1
            cells = []
            for i, c in enumerate(row):
                if c is None:
                    continue
                k = (type(c), c, aligned[i])
                body = seen.get(k)
                if body is None:
                    body = _cell(c, aligned[i], styles)
                    if len(seen) < _REMEMBERED:
                        seen[k] = body
                cells.append(f'<c r="{letters[i]}{r}"{body}')
            lines.append(line(cells))
            if len(lines) >= _CHUNK:
                out.write("".join(lines))
                lines.clear()
    out.write("".join(lines))
    out.write("</sheetData></worksheet>")
    out.flush()
    out.detach()


#: the most distinct cells a sheet remembers the XML of
_REMEMBERED = 50_000


def _column(i: int) -> str:
    """The letters of the column at index ``i`` (0 → A, 26 → AA)."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


#: what XML 1.0 cannot carry at all (text.safe has shown every control character already;
#: this is the last guard: a stray one would make the whole workbook unreadable)
_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ud800-\\udfff\\ufffe\\uffff]")


def _xml(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text if text.isprintable() else _NOT_XML.sub("\\ufffd", text)


def _text(value: str, xf: int, styles: _Styles) -> str:
    """A text cell (what follows its reference): data, never a formula (one that starts as a
    formula would is quoted, as Excel's quote prefix keeps a typed ``=…`` a text), and no
    control characters."""
    shown = safe(value, lines=True)
    if shown.startswith(FORMULA_START):
        xf = styles.quoted(xf)
    body = _xml(shown)
    space = ' xml:space="preserve"' if body[:1].isspace() or body[-1:].isspace() else ""
    return f' s="{xf}" t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _cell(typed: Any, xf: int, styles: _Styles) -> str:
    """A table's cell with its type (what follows its reference): numbers as numbers (so the
    sheet can sum them), a share as its fraction (45 % → 0.45, shown 45%), a date as a date,
    a time as the local time."""
    if isinstance(typed, str):
        return _text(typed, xf, styles)
    if isinstance(typed, Mark):
        return _text(typed.label, xf, styles)
    if isinstance(typed, bool):
        return f' s="{xf}" t="b"><v>{int(typed)}</v></c>'
    if isinstance(typed, Pct):
        whole = typed.value == typed.value.to_integral_value()
        xf = styles.with_format(xf, PCT_WHOLE if whole else PCT_TENTH)
        value: Any = float(typed.value / 100)
    elif isinstance(typed, datetime):
        xf = styles.with_format(xf, DATETIME)
        value = _serial(typed.replace(tzinfo=None))  # as shown: the handbook's local time
    elif isinstance(typed, date):
        xf = styles.with_format(xf, DATE)
        value = _serial(datetime.combine(typed, datetime.min.time()))
    elif isinstance(typed, Score):
        xf = styles.with_format(xf, SCORE) if styles.lang != "en" else xf
        value = float(typed.value)
    elif isinstance(typed, Decimal):
        value = float(typed)
    elif isinstance(typed, int | float):
        value = typed
    else:
        return _text(str(typed), xf, styles)
    shown = repr(value) if isinstance(value, float) else str(value)
    if shown.endswith(".0"):  # a whole number is read back as one
        shown = shown[:-2]
    return f' s="{xf}"><v>{shown}</v></c>'


_EPOCH = datetime(1899, 12, 30)  # the day before Excel's day 1 (its 1900 leap-year bug)


def _serial(moment: datetime) -> float:
    """A date and time as a spreadsheet's serial number (days since 1899-12-30)."""
    delta = moment - _EPOCH
    return delta.days + delta.seconds / 86400 if delta.seconds else float(delta.days)


#: number formats: a whole share (0%), a share to a tenth (0.0%), a date, a date and time,
#: a score (Chinese only: 85.0分)
PCT_WHOLE, PCT_TENTH, DATE, DATETIME, SCORE = 9, 164, 165, 166, 167
_NUM_FMTS = {PCT_TENTH: "0.0%", DATE: DATE_FORMAT, DATETIME: DATETIME_FORMAT}
_ZH_NUM_FMTS = {
    PCT_TENTH: "0.0%",
    DATE: ZH_DATE_FORMAT,
    DATETIME: ZH_DATETIME_FORMAT,
    SCORE: ZH_SCORE_FORMAT,
}


class _Styles:
    """The workbook's few cell styles (font × alignment × number format × quote prefix),
    numbered as they are first used."""

    FONTS = (
        '<font><sz val="11"/><name val="Calibri"/></font>',
        '<font><b/><sz val="11"/><name val="Calibri"/></font>',
        '<font><b/><sz val="13"/><name val="Calibri"/></font>',
    )
    ALIGNMENTS = ("", '<alignment vertical="top"/>', '<alignment vertical="top" wrapText="1"/>')

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.formats = _NUM_FMTS if lang == "en" else _ZH_NUM_FMTS
        #: (font, alignment, number format, quote prefix) → index; 0 is the default
        self._ids: dict[tuple[int, int, int, bool], int] = {(0, 0, 0, False): 0}
        self._keys: list[tuple[int, int, int, bool]] = [(0, 0, 0, False)]

    def xf(self, font: int = 0, align: int = 0, fmt: int = 0, quoted: bool = False) -> int:
        k = (font, align, fmt, quoted)
        found = self._ids.get(k)
        if found is None:
            found = self._ids[k] = len(self._keys)
            self._keys.append(k)
        return found

    def quoted(self, xf: int) -> int:
        font, align, fmt, _ = self._keys[xf]
        return self.xf(font, align, fmt, True)

    def with_format(self, xf: int, fmt: int) -> int:
        font, align, _, quoted = self._keys[xf]
        return self.xf(font, align, fmt, quoted)

    def xml(self) -> str:
        fmts = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_xml(code).replace(chr(34), "&quot;")}"/>'
            for i, code in self.formats.items()
        )
        xfs = []
        for font, align, fmt, quoted in self._keys:
            attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
            if font:
                attrs += ' applyFont="1"'
            if fmt:
                attrs += ' applyNumberFormat="1"'
            if quoted:
                attrs += ' quotePrefix="1"'
            if align:
                xfs.append(f'<xf {attrs} applyAlignment="1">{self.ALIGNMENTS[align]}</xf>')
            else:
                xfs.append(f"<xf {attrs}/>")
        return (
            f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="{len(self.formats)}">{fmts}</numFmts>'
            f'<fonts count="{len(self.FONTS)}">{"".join(self.FONTS)}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_START = f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
_ROOT_RELS = (
    f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _content_types(sheets: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f"{parts}</Types>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, 1)
    )
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}{styles}</Relationships>'


def _widths(s: Section, lang: str = "en") -> dict[int, int]:
    """Each column's widest header or cell as shown (a CJK character counts two); the title
    and notes above the tables run over into the empty cells beside them and do not count."""
    widths: dict[int, int] = {}
    seen: dict[Any, int] = {}  # the texts that repeat (positions, dates, signs) measured once
    for t in s.tables:
        for i, h in enumerate(t.headers):
            widths[i] = max(widths.get(i, 0), display_width(h))
        for row in t.rows:
            for i, c in enumerate(row):
                shown = _shown(c, lang)
                w = seen.get(shown)
                if w is None:
                    if shown.__class__ is str and 2 * len(shown) <= widths.get(i, 0):
                        continue  # no wider than the column already is, even all wide
                    w = seen[shown] = display_width(shown)
                if w > widths.get(i, 0):
                    widths[i] = w
    return widths


def _shown(cell, lang: str = "en") -> Any:
    """What the cell shows, for its width."""
    if isinstance(cell, Mark):
        return cell.label
    if cell is None:
        return ""
    if isinstance(cell, Pct | Score) or (lang != "en" and isinstance(cell, date)):
        return text(cell, lang)
    return cell
