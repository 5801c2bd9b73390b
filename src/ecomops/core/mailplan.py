"""Plans by e-mail (pure): the period a subject names, a message's sender, subject, Message-ID
and text (plain, or HTML turned into text), and its two sections.

A subject names a period as people write it: ``2026-W49``, ``W49``, ``第49周``/``第49週``,
``第四十九周``, ``2026年第49周``, ``12月第1周`` (the first week whose Monday is in December),
``本周``/``下周`` (the week received, the one after), a day (``11月23日``, ``2026-11-23``: the
week holding it), ``2026-11``,
``2026年11月``, ``11月`` (a month), in full-width digits too. A subject naming none is the plan
of the week the message was received in, or that month's summary when it says month (月,
``月度总结``). A period that does not exist (``W54``, ``13月``) is refused with the reason.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.header import decode_header
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

from ecomops.core.calendar import FIRST_YEAR, LAST_YEAR, week_id
from ecomops.core.plans import HEADING, KEYWORDS, _section_of, parse_markdown
from ecomops.errors import InvalidInput

# --- the period a subject names ----------------------------------------------------------------

_WEEK_OF_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*月份?\s*(?:的\s*)?第\s*(\d{1,2})\s*[周週]")
_YEAR_WEEK = re.compile(r"(?<!\d)(\d{4})\s*(?:-\s*)?w\s*(\d{1,3})(?!\d)")
_YEAR_CN_WEEK = re.compile(r"(?<!\d)(\d{4})\s*年\s*第\s*(\d{1,3})\s*[周週]")
_WEEK = re.compile(
    r"(?<![a-z0-9])w\s*(\d{1,3})(?!\d)|\bweek\s*(\d{1,3})(?!\d)|第\s*(\d{1,3})\s*[周週]"
)
_DAY = re.compile(
    r"(?<!\d)(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*([日号號])?"
)
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*(?:[-/.]\s*(\d{1,2})(?![\d.])|年\s*(\d{1,2})\s*月)")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*月")
_MONTH_WORDS = ("month", "月")
_WEEK_WORDS = ("week", "周", "週", "星期", "礼拜", "禮拜")


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"the subject names the year {year}, out of range")


def _week(year: int, week: int) -> tuple[str, str]:
    _check_year(year)
    weeks = _weeks_in(year)
    if not 1 <= week <= weeks:
        raise InvalidInput(f"the subject names week {week} of {year}, which has weeks 1 to {weeks}")
    return "week", f"{year}-W{week:02d}"


def _month(year: int, month: int) -> tuple[str, str]:
    _check_year(year)
    if not 1 <= month <= 12:
        raise InvalidInput(f"the subject names month {month}; there are months 1 to 12")
    return "month", f"{year:04d}-{month:02d}"


def _nearest_week_year(week: int, received: date) -> int:
    """The year whose week ``week`` is nearest to ``received`` (W52 received in January is
    last year's); a week that exists in none of the three years: this year's (refused later)."""
    y = received.isocalendar()[0]
    best: tuple[int, int] | None = None
    for year in (y - 1, y, y + 1):
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= week <= _weeks_in(year):
            monday = date.fromisocalendar(year, week, 1)
            gap = abs((monday - received).days)
            if best is None or gap < best[0]:
                best = (gap, year)
    return best[1] if best is not None else y


def _nearest_month_year(month: int, received: date) -> int:
    """The year whose month ``month`` is nearest to ``received`` (``12月`` in January is last
    December)."""
    if not 1 <= month <= 12:
        return received.year
    here = received.year * 12 + received.month - 1
    return min(
        (received.year + d for d in (-1, 0, 1)),
        key=lambda y: abs(y * 12 + month - 1 - here),
    )


def _day(year: int | None, month: int, day: int, received: date) -> date:
    y = year if year is not None else _nearest_month_year(month, received)
    try:
        return date(y, month, day)
    except ValueError:
        raise InvalidInput(
            f"the subject names the day {month}-{day}, which does not exist"
        ) from None


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两兩三四五六七八九十]+")
#: a Chinese number where a subject counts: after 第, or before 月/周/週/日/号
_CN_COUNTED = re.compile(
    r"(?<=第)\s*[零〇一二两兩三四五六七八九十]+|[零〇一二两兩三四五六七八九十]+(?=\s*(?:月|[周週]|日|号|號))"
)


def chinese_number(text: str) -> int | None:
    """``四十九`` → 49, ``十二`` → 12, ``一〇`` → 10, ``五十三`` → 53; None for what is not a
    number below a hundred written so."""
    t = text.strip()
    if not t or not _CN_NUMBER.fullmatch(t):
        return None
    if "十" not in t:
        value = 0
        for ch in t:
            value = value * 10 + _CN_DIGITS[ch]
        return value if len(t) <= 2 else None
    tens, _, ones = t.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _arabic(s: str) -> str:
    """The Chinese numbers a subject counts with (第四十九周, 十二月) as digits."""

    def one(m: re.Match[str]) -> str:
        n = chinese_number(m.group(0))
        return m.group(0) if n is None else str(n)

    return _CN_COUNTED.sub(one, s)


def _month_week(month: int, n: int, received: date) -> tuple[str, str]:
    """Week ``n`` of ``month`` (``12月第1周``): the ``n``-th week whose Monday is in that month,
    in the year of that month nearest to ``received``."""
    if not 1 <= month <= 12:
        raise InvalidInput(f"the subject names month {month}; there are months 1 to 12")
    year = _nearest_month_year(month, received)
    _check_year(year)
    first = date(year, month, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    mondays = [monday + timedelta(weeks=i) for i in range(5)]
    mondays = [d for d in mondays if d.month == month]
    if not 1 <= n <= len(mondays):
        raise InvalidInput(
            f"the subject names week {n} of {year}-{month:02d}, which has {len(mondays)} weeks "
            "starting in it",
            "a month's week N is the N-th week whose Monday is in the month",
        )
    return "week", week_id(mondays[n - 1])


#: "next week's plan", "this week's plan", "next week" in a subject (relative to the received
#: time: "本周总结及下周计划" sent on a Friday is next week's plan)
_NEXT_PLAN = re.compile(r"下[周週](?:的)?(?:工作)?[计計]划|\bnext\s+week'?s?\s+plan")
_THIS_PLAN = re.compile(r"(?:本|这|這)[周週](?:的)?(?:工作)?[计計]划|\bthis\s+week'?s?\s+plan")
_NEXT_WEEK = re.compile(r"下[周週]|\bnext\s+week\b")
#: a subject of a reply (not a forward): the period it names is that of the message replied to
_REPLY = re.compile(r"^\s*(?:(?:re|aw|antw|sv|答复|回复|回覆)\s*[:：]\s*)+", re.IGNORECASE)


def period_of(subject: str, received: date) -> tuple[str, str]:
    """``(kind, period)`` the ``subject`` of a message received on ``received`` (a day in the
    handbook's zone) names: ``("week", "2026-W49")`` or ``("month", "2026-11")``. Chinese
    numbers count as digits (``第四十九周``); ``12月第1周`` is the first week whose Monday is in
    December; ``本周``/``下周`` (this/next week) are the week received and the one after.
    Refused (:class:`InvalidInput`, the reason in words) when it names one that does not
    exist."""
    s = _arabic(unicodedata.normalize("NFKC", subject).casefold())
    says_month = any(w in s for w in _MONTH_WORDS) and not any(w in s for w in _WEEK_WORDS)
    m = _WEEK_OF_MONTH.search(s)
    if m:
        return _month_week(int(m.group(1)), int(m.group(2)), received)
    m = _YEAR_WEEK.search(s) or _YEAR_CN_WEEK.search(s)
    if m:
        return _week(int(m.group(1)), int(m.group(2)))
    m = _WEEK.search(s)
    if m:
        week = int(m.group(1) or m.group(2) or m.group(3))
        return _week(_nearest_week_year(week, received), week)
    m = _DAY.search(s)
    if m and (m.group(1) or m.group(4)):  # a year or 日/号: a day, not a month and a number
        d = _day(
            int(m.group(1)) if m.group(1) else None, int(m.group(2)), int(m.group(3)), received
        )
        _check_year(d.year)
        if says_month:
            return _month(d.year, d.month)
        return "week", week_id(d)
    m = _YEAR_MONTH.search(s)
    if m:
        return _month(int(m.group(1)), int(m.group(2) or m.group(3)))
    m = _MONTH.search(s)
    if m:
        month = int(m.group(1))
        if says_month:
            return _month(_nearest_month_year(month, received), month)
        if not 1 <= month <= 12:
            return _month(received.year, month)  # refused: no such month
        # "11月周计划": a week's plan in that month: the week received
        return "week", week_id(received)
    if says_month:
        return "month", f"{received.year:04d}-{received.month:02d}"
    if _NEXT_PLAN.search(s) or (_NEXT_WEEK.search(s) and not _THIS_PLAN.search(s)):
        return "week", week_id(received + timedelta(weeks=1))
    return "week", week_id(received)


def is_reply(subject: str) -> bool:
    """Whether ``subject`` is a reply's (``Re:``, ``回复：``, ``答复:``), not a new message's or a
    forward's."""
    return _REPLY.match(unicodedata.normalize("NFKC", subject)) is not None


def weeks_apart(period: str, received: date) -> int:
    """How many weeks the week ``period`` (``2026-W49``) lies after the week holding
    ``received`` (negative: before)."""
    year, _, week = period.partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return (monday - (received - timedelta(days=received.weekday()))).days // 7


# --- the message ---------------------------------------------------------------------------------

#: charsets a Chinese mail client declares, read as the superset that decodes what it sends
CHARSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
}


def decode_bytes(data: bytes, charset: str | None) -> str:
    """``data`` in its declared ``charset`` (GB2312/GBK as GB18030, Big5 as Big5-HKSCS); an
    unknown or missing one as UTF-8, else GB18030; what still does not decode is replaced."""
    name = (charset or "").strip().strip('"').lower()
    name = CHARSETS.get(name, name)
    tries = [name] if name and name not in ("us-ascii", "ascii") else []
    tries += ["utf-8", "gb18030"]
    for codec in tries:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(tries[0] if tries[0] != name else "utf-8", errors="replace")


def decode_header_value(raw: str | None) -> str:
    """A header as read with the compat32 policy (RFC 2047 words, or raw 8-bit bytes as a
    Chinese client may send them) decoded to text, each charset as :func:`decode_bytes`."""
    if not raw:
        return ""
    parts = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, str):  # no encoded word: raw bytes came as surrogate escapes
            chunk = chunk.encode("ascii", "surrogateescape")
        parts.append(decode_bytes(chunk, charset))
    text = "".join(parts)
    return " ".join(text.split())  # folded lines and tabs: one line


#: a line the HTML reader puts where a mail client's quoted or forwarded part begins (Outlook's
#: divRplyFwdMsg, Gmail's gmail_quote, Coremail's isReplyContent …); never in a message's text
CUT = "\x00quoted\x00"

#: the HTML containers in which mail clients put the message replied to or forwarded
_QUOTE_IDS = frozenset(
    (
        "divrplyfwdmsg",
        "appendonsend",
        "isreplycontent",
        "isforwardcontent",
        "mail-editor-reference-message-container",
    )
)
_QUOTE_CLASSES = frozenset(("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote"))


def text_width(text: str) -> int:
    """The columns ``text`` takes on a terminal (a Chinese character: two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines whose columns line up (two spaces between columns; Chinese
    characters two columns wide); empty rows dropped, each line right-stripped."""
    rows = [[" ".join(c.split()) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    widths = [max((text_width(r[i]) for r in rows if i < len(r)), default=0) for i in range(ncols)]
    out = []
    for r in rows:
        cells = [c + " " * (widths[i] - text_width(c)) for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
    return out


def _table_lines(rows: list[list[list[str]]], spans: list[list[int]]) -> list[str]:
    """A table (rows of cells, each cell its lines) as text: a row of one cell as its lines
    (a layout table, a title row); a row whose first cell names a section (``本周计划``, also
    spanning the rows below it) as that heading and the rest of the row; the other rows as
    aligned text."""
    out: list[str] = []
    block: list[list[str]] = []
    spanned = 0  # rows still under a section cell spanning rows
    by_section = False  # the first column names the sections: a row without one continues
    firsts = [_as_heading(" ".join(" ".join(r[0]).split())) for r in rows if len(r) > 1]
    # the first column names the sections when it names both (an item there is not a heading)
    naming = {_section_of(h[3:]) for h in firsts if h} >= {"summary", "plan"}

    def flush() -> None:
        out.extend(aligned(block))
        block.clear()

    for row, span in zip(rows, spans, strict=True):
        cells = [" ".join(" ".join(line.split()) for line in c if line.strip()) for c in row]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if spanned > 0:
            spanned -= 1
            block.append(cells)
            continue
        if len(filled) == 1:
            flush()
            [only] = [c for c in row if any(line.strip() for line in c)]
            out.extend(line.strip() for line in only if line.strip())
            continue
        heading = _as_heading(cells[0]) if cells[0] and naming else None
        if heading is not None:
            flush()
            out.append(heading)
            spanned = max(0, span[0] - 1)
            by_section = True
            block.append(cells[1:])
            continue
        block.append(cells[1:] if by_section and not cells[0] else cells)
    flush()
    return out


class _Text(HTMLParser):
    """HTML to text: script and style dropped, a line break at each block element, headings
    as Markdown headings (so that they open the plan's sections), a blockquote's lines
    quoted with ``> `` and the :data:`CUT` line where a client's quoted part begins, tables as
    aligned text."""

    BLOCK = frozenset(
        "p div br li tr table ul ol dl dt dd blockquote pre hr section article header footer "
        "h1 h2 h3 h4 h5 h6 center form fieldset address".split()
    )
    SKIP = frozenset(("script", "style", "head", "title", "template"))
    #: the most table cells kept (a hostile message's millions of empty cells: text as it comes)
    MAX_CELLS = 20_000

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.depth: dict[int, int] = {}  # a line's blockquote depth
        self.skipping = 0
        self.pre = 0
        self.quote = 0
        self.cut = False
        self.stack: list[tuple[str, bool]] = []  # open div/span: whether it opened a quote
        # the outermost table being read: its rows of cells, each cell its lines
        self.tables = 0
        self.rows: list[list[list[str]]] = []
        self.spans: list[list[int]] = []
        self.cells = 0

    def _break(self) -> None:
        if self.tables:
            if self.rows and self.rows[-1] and self.cells <= self.MAX_CELLS:
                cell = self.rows[-1][-1]
                if cell and cell[-1] != "\n":
                    cell.append("\n")
            return
        if self.lines[-1].strip():
            self.lines.append("")
        else:
            self.lines[-1] = ""

    def _cut(self) -> None:
        if not self.cut and not self.tables:
            self.cut = True
            self._break()
            self.lines[-1] = CUT
            self.lines.append("")

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
            return
        if tag in ("div", "span"):
            got = dict(attrs)
            ident = (got.get("id") or "").lower()
            classes = set((got.get("class") or "").lower().split())
            quoting = ident in _QUOTE_IDS or bool(classes & _QUOTE_CLASSES)
            if quoting:
                self._cut()
        if tag == "table":
            self.tables += 1
            if self.tables == 1:
                self._break()
                self.rows, self.spans, self.cells = [], [], 0
            return
        if self.tables == 1 and tag == "tr":
            self.rows.append([])
            self.spans.append([])
            return
        if self.tables == 1 and tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
                self.spans.append([])
            self.cells += 1
            if self.cells <= self.MAX_CELLS:
                self.rows[-1].append([])
                span = dict(attrs).get("rowspan") or "1"
                self.spans[-1].append(int(span) if span.isdigit() and len(span) < 4 else 1)
            return
        if tag == "blockquote":
            self._break()
            self.quote += 1
            return
        if tag in self.BLOCK:
            self._break()
            if self.tables:
                return
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.lines[-1] = "## "
            elif tag == "li":
                self.lines[-1] = "- "
            elif tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag, attrs) -> None:
        if tag in self.BLOCK:
            self._break()

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "table" and self.tables:
            self.tables -= 1
            if self.tables == 0:
                rows = [["".join(c).split("\n") for c in r] for r in self.rows]
                lines = _table_lines(rows, self.spans)
                for line in lines:
                    self._put(line)
                    self.lines.append("")
                self.rows, self.spans = [], []
        elif tag == "blockquote":
            self._break()
            self.quote = max(0, self.quote - 1)
        elif tag in self.BLOCK:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break()

    def _put(self, text: str) -> None:
        if not self.lines[-1]:
            self.depth[len(self.lines) - 1] = self.quote
        self.lines[-1] += text

    def handle_data(self, data) -> None:
        if self.skipping:
            return
        data = data.replace("\x00", "")
        if self.tables:
            if self.rows and self.rows[-1] and self.cells <= self.MAX_CELLS:
                text = " ".join(data.split())
                if text:
                    self.rows[-1][-1].append(" " + text)
            return
        if self.pre:
            first, *rest = data.split("\n")
            self._put(first)
            for line in rest:
                self.lines.append("")
                self._put(line)
            return
        text = " ".join(data.split())
        if text:
            if data[:1].isspace() and self.lines[-1] and not self.lines[-1].endswith(" "):
                text = " " + text
            self._put(text)

    def text(self) -> str:
        out = []
        for i, line in enumerate(self.lines):
            depth = self.depth.get(i, 0)
            line = line.rstrip()
            out.append(("> " * depth + line) if depth and line else line)
        return "\n".join(out).strip()


def _html(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def html_to_text(html: str) -> str:
    """The text of an HTML body: script and style dropped, line breaks at block elements,
    a blockquote's lines quoted with ``> ``, tables as aligned text."""
    return "\n".join(line for line in _html(html).split("\n") if line != CUT).strip()


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message that may hold the plan (.docx, .xlsx, .txt, .md)."""

    name: str
    size: int  # bytes, as attached
    sha256: str  # of those bytes, hex
    text: str  # what it says ("" when it could not be read)
    problem: str | None = None  # why it could not be read (too big, not a document …)


@dataclass(frozen=True)
class Letter:
    """What a message says, as the plan rules need it."""

    sender: str  # the From address, lower case ("" when none)
    subject: str
    message_id: str  # normalised, or a synthetic one
    text: str  # the plain-text body, or the HTML body as text ("" when neither)
    attachments: tuple[Attachment, ...] = ()


def normal_message_id(raw: str | None) -> str | None:
    """A Message-ID as stored: its ``<…>`` part without whitespace (None when blank)."""
    if not raw or not raw.strip():
        return None
    m = re.search(r"<([^<>]*)>", raw)
    inner = re.sub(r"\s", "", m.group(1) if m else raw)
    return f"<{inner}>" if inner else None


def synthetic_message_id(sender: str, date_header: str, subject: str, body: bytes) -> str:
    """A stable id for a message without a Message-ID: a hash of who, when, what."""
    h = hashlib.sha256()
    for part in (sender.encode(), date_header.encode(), subject.encode(), body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return f"<sha256:{h.hexdigest()}@ecomops>"


def _body_text(msg: EmailMessage) -> str:
    """The plain-text part, else the HTML part as text (also when it holds a table, which the
    plain part of a client flattens); "" when neither. The HTML's quoted part begins at a
    :data:`CUT` line; a plain text's tab-separated lines (cells pasted from a spreadsheet) are
    aligned."""
    parts = {}
    for kind in ("plain", "html"):
        part = msg.get_body(preferencelist=(kind,))
        if part is None or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts[kind] = decode_bytes(payload, part.get_content_charset())
    html = parts.get("html")
    if html is not None and ("plain" not in parts or "<table" in html.lower()):
        return _html(html)
    if "plain" in parts:
        return _tabs_aligned(re.sub(r"\r+\n?", "\n", parts["plain"]))
    return ""


def _tabs_aligned(text: str) -> str:
    """Runs of lines holding tabs (cells pasted from a spreadsheet) as aligned text."""
    out: list[str] = []
    run: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line.strip():
            run.append(line.strip().split("\t"))
            continue
        if run:
            out.extend(aligned(run))
            run = []
        out.append(line)
    out.extend(aligned(run))
    return "\n".join(out)


# --- attachments -------------------------------------------------------------------------------

#: the kinds of file a plan may come in
ATTACHED = (".docx", ".xlsx", ".txt", ".md")
#: the largest attachment read, and the most a .docx/.xlsx (a zip) may unpack to
ATTACHMENT_MAX = 5 * 1024 * 1024
UNPACKED_MAX = 32 * 1024 * 1024
#: the most members a .docx/.xlsx may hold, rows and columns of a sheet read
MEMBERS_MAX = 2000
ROWS_MAX = 2000
COLS_MAX = 50


def _unpacked_size(data: bytes) -> str | None:
    """Why the zip ``data`` may not be opened (too many members, unpacking to more than
    :data:`UNPACKED_MAX`: a zip bomb; not a zip at all); None when it may. A member's data
    is never read past the size its directory entry gives."""
    import zipfile
    from io import BytesIO

    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "not a Word or Excel file (not a zip archive)"
    if len(infos) > MEMBERS_MAX:
        return f"it holds {len(infos):,} parts; the most read is {MEMBERS_MAX:,}"
    total = sum(i.file_size for i in infos)
    if total > UNPACKED_MAX:
        return f"it unpacks to {total:,} bytes; the most read is {UNPACKED_MAX:,}"
    return None


def _docx_text(data: bytes) -> str:
    """A Word document's paragraphs (its headings as Markdown headings) and tables (aligned),
    in order."""
    from io import BytesIO

    import docx
    from docx.table import Table

    document = docx.Document(BytesIO(data))
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows: list[list[list[str]]] = []
            above: list[object] = []
            for r, row in enumerate(item.rows):
                if r >= ROWS_MAX:
                    break
                cells: list[list[str]] = []
                seen: list[object] = []
                for c, cell in enumerate(row.cells[:COLS_MAX]):
                    tc = cell._tc
                    if seen and seen[-1] is tc:
                        continue  # spanning columns: once
                    seen.append(tc)
                    merged_down = c < len(above) and above[c] is tc
                    cells.append([""] if merged_down else [p.text for p in cell.paragraphs])
                above = [cell._tc for cell in row.cells[:COLS_MAX]]
                rows.append(cells)
            lines.extend(_table_lines(rows, [[1] * len(r) for r in rows]))
        else:
            text = item.text.strip()
            style = (item.style.name if item.style is not None else "") or ""
            if text and (style.lower().startswith("heading") or style.startswith("标题")):
                lines.append(f"## {text}")
            else:
                lines.append(text)
    return "\n".join(lines).strip()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


def _xlsx_text(data: bytes) -> str:
    """A workbook's sheets, each as its rows (a row naming a section as its heading, the rest
    aligned)."""
    from io import BytesIO

    import openpyxl

    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        out: list[str] = []
        for sheet in book.worksheets:
            rows = []
            for r, values in enumerate(sheet.iter_rows(max_col=COLS_MAX, values_only=True)):
                if r >= ROWS_MAX:
                    break
                rows.append([[_cell(v)] for v in values])
            out.extend(_table_lines(rows, [[1] * len(r) for r in rows]))
            out.append("")
        return "\n".join(out).strip()
    finally:
        book.close()


def read_attachment(name: str, data: bytes) -> Attachment:
    """An attached file's name, size, SHA-256 and text: a .txt or .md as text (UTF-8, else
    GB18030), a .docx or .xlsx read with python-docx or openpyxl, never one larger than
    :data:`ATTACHMENT_MAX` or unpacking to more than :data:`UNPACKED_MAX`."""
    digest = hashlib.sha256(data).hexdigest()

    def refused(why: str) -> Attachment:
        return Attachment(name, len(data), digest, "", why)

    if len(data) > ATTACHMENT_MAX:
        return refused(f"{len(data):,} bytes; the most read is {ATTACHMENT_MAX:,}")
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("txt", "md"):
        return Attachment(name, len(data), digest, decode_bytes(data, None).lstrip("\ufeff"))
    why = _unpacked_size(data)
    if why is not None:
        return refused(why)
    try:
        text = _docx_text(data) if suffix == "docx" else _xlsx_text(data)
    except Exception as exc:  # noqa: BLE001  (a broken document: whatever the reader raises)
        kind = "Word" if suffix == "docx" else "Excel"
        return refused(f"not a {kind} file this tool can read ({type(exc).__name__})")
    return Attachment(name, len(data), digest, text)


def _attachments(msg: EmailMessage) -> tuple[Attachment, ...]:
    """The message's attached .docx, .xlsx, .txt and .md files, read."""
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            name = part.get_filename() or ""
        except (ValueError, LookupError, UnicodeError):
            continue
        if "=?" in name or any("\udc80" <= ch <= "\udcff" for ch in name):
            name = decode_header_value(name)
        name = " ".join(name.split())
        if not name.lower().endswith(ATTACHED):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            out.append(read_attachment(name[-255:], payload))
    return tuple(out)


def _headers(raw: bytes):
    """A message's header fields (``raw``: the whole message, or its headers alone)."""
    from email import policy
    from email.parser import BytesHeaderParser

    return BytesHeaderParser(policy=policy.compat32).parsebytes(raw)


def _senders(headers) -> list[tuple[str, str]]:
    """The (name, address) pairs of the From field."""
    return getaddresses([decode_header_value(v) for v in headers.get_all("From", [])])


def read_headers(raw: bytes) -> tuple[str, str, str | None]:
    """(sender address, subject, normalised Message-ID or None) from a message's headers."""
    headers = _headers(raw)
    pairs = _senders(headers)
    address = pairs[0][1] if pairs else ""
    return (
        address.strip().lower(),
        decode_header_value(headers.get("Subject")),
        normal_message_id(decode_header_value(headers.get("Message-ID"))),
    )


def read_message(raw: bytes) -> Letter:
    """A message's sender, subject, Message-ID (a synthetic one when it has none) and text."""
    from email import policy
    from email.parser import BytesParser

    blank = re.search(rb"\r?\n\r?\n", raw)
    head = raw if blank is None else raw[: blank.end()]  # the header parser reads no further
    headers = _headers(head)
    sender, subject, message_id = read_headers(head)
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    if message_id is None:
        pairs = _senders(headers)
        address = pairs[0][1] if pairs else ""
        body = raw.partition(b"\r\n\r\n")[2] or raw.partition(b"\n\n")[2]
        date_header = decode_header_value(headers.get("Date"))
        # the hash's input as first stored: the address lower-cased, not stripped
        message_id = synthetic_message_id(address.lower(), date_header, subject, body)
    return Letter(sender, subject, message_id, _body_text(msg), _attachments(msg))


#: what a receiving server's Authentication-Results says when a sender's domain disowns a message
_FAILED = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*(fail|softfail|permerror)\b", re.IGNORECASE)


def sender_doubt(raw: bytes) -> str | None:
    """Why the From address of a message (its headers ``raw``) cannot be taken as its sender:
    more than one address in From, or the receiving mail server's Authentication-Results
    saying that DMARC, DKIM or SPF failed; None when nothing speaks against it. (A server that
    adds no Authentication-Results leaves From unchecked: see the README.)"""
    headers = _headers(raw)
    if len([a for _, a in _senders(headers) if a]) > 1:
        return "more than one sender in From: whose plan it is cannot be told"
    for value in headers.get_all("Authentication-Results", []):
        found = _FAILED.search(decode_header_value(value))
        if found is not None:
            return (
                f"the mail server could not verify the sender ({found.group(1).lower()}="
                f"{found.group(2).lower()} in Authentication-Results): nothing recorded"
            )
    return None


# --- the sections --------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．:：]|[*•·\-]|[【\[「『])\s*"
)
_TAIL = re.compile(r"[\s】\]」』:：]*$")


def _names_a_section(text: str) -> bool:
    t = text.lower()
    return any(w in t for words in KEYWORDS.values() for w in words)


def _as_heading(line: str) -> str | None:
    """A line a mail client's user writes as a heading (``上周工作总结：``, ``【本周计划】``,
    ``一、本周计划``), as a Markdown heading; None for any other line."""
    s = line.strip()
    if not s or len(s) > 40 or s[-1] in "。.!！?？;；,，" or _FIELD.match(_plain(s)):
        return None
    core = _TAIL.sub("", _NUMBERING.sub("", s))
    if not core or len(core) > 30 or not _names_a_section(core):
        return None
    return f"## {core}"


def sections(text: str, source: str = "the message") -> tuple[str, str]:
    """(summary, plan) from a message's text, as from ``plan submit --file``: Markdown
    headings open the two sections; without them, lines written as headings do
    (``上周工作总结：``, ``【本周计划】``, ``Plan:``)."""
    lines = [line for line in text.splitlines() if line != CUT]
    marked = (HEADING.match(line) for line in lines)
    if not any(m and _names_a_section(m.group(1)) for m in marked):
        opened: set[str | None] = set()
        out = []
        for line in lines:
            heading = _as_heading(line)
            kind = _section_of(heading[3:]) if heading else None
            if heading is not None and kind not in opened:  # a line once its section is open
                opened.add(kind)  # (``制定元旦活动计划`` under 本周计划) is the section's text
                out.append(heading)
            else:
                out.append(line)
        lines = out
    return parse_markdown("\n".join(lines), source)


# --- replies and forwards ------------------------------------------------------------------------

#: a mail header field as a client quotes it (``发件人：``, ``*From:*``, ``主题: 第48周计划``)
_FIELD = re.compile(
    r"^\s*[*>\s]*(?:发件人|寄件人|寄件者|发信人|發件人|from|发送时间|發送時間|发送日期|sent|date|日期|时间|時間"
    r"|收件人|to|抄送|cc|密送|bcc|主题|主旨|標題|subject|reply-to|组织)\s*\**\s*:",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(
    r"^\s*\**\s*(?:发件人|寄件人|寄件者|发信人|發件人|from)\s*\**\s*:", re.IGNORECASE
)
#: a line that opens the message replied to (an Outlook, Exmail/QQ, Foxmail, Coremail one)
_REPLY_LINE = re.compile(
    r"^-{2,}\s*(?:原始邮件|原始郵件|原邮件|original message|original|回复的原邮件)\s*-{2,}$",
    re.IGNORECASE,
)
#: a line that opens a forwarded message (Gmail, Coremail/163, Apple Mail, Thunderbird …)
_FORWARD_LINE = re.compile(
    r"^(?:-{2,}\s*(?:转发邮件信息|轉寄郵件資訊|转发的邮件|forwarded message"
    r"|original forwarded message)\s*-{2,}|begin forwarded message:|开始转发的邮件:"
    r"|以下是转发的邮件:|-{2,}\s*转发邮件\s*-{2,})$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^_{8,}$")
#: a client's attribution line: who wrote, and when (a date: "在推文中写道：" is not one)
_ATTRIBUTION_ZH = re.compile(
    r"^(?:在|於|于)[^\d]{0,20}\d.{0,200}(?:写道|寫道):?$"
    r"|^\d{4}年\d{1,2}月\d{1,2}日.{0,200}(?:写道|寫道):?$"
    r"|^.{0,200}(?:于|於)\s*\d{4}年.{0,100}(?:写道|寫道):?$"
)
_ATTRIBUTION_EN = re.compile(r"^on\b[^\d]{0,40}\d.{0,300}\bwrote:?$", re.IGNORECASE)
#: how many lines below a From field the rest of a client's header block may come
_BLOCK = 6
#: how deep a forward of a forward is read
_DEPTH = 5
#: the longest line read as an attribution (``On … wrote:``)
_LINE = 300


@dataclass(frozen=True)
class Reply:
    """A message's text split where the quoted or forwarded part begins."""

    new: str  # what the sender wrote (all of it when nothing is quoted)
    quoted: str  # a forwarded message, its header block and quoting removed ("" for a reply)
    forward: bool  # whether the quoted part is a forwarded message


def _plain(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip().replace("\u3000", " ")


def _attribution(line: str) -> bool:
    """Whether ``line`` (as :func:`_plain` gives it) is a client's attribution line."""
    if len(line) > _LINE:
        return False
    end = line.rstrip(":")
    if end.endswith(("写道", "寫道")):
        return _ATTRIBUTION_ZH.match(line) is not None
    return end.lower().endswith("wrote") and _ATTRIBUTION_EN.match(line) is not None


def _header_block(lines: list[str], i: int) -> bool:
    """Whether a client's quoted header block (From, then Sent/Date/To/Subject) starts at
    line ``i``."""
    if not _FROM_FIELD.match(_plain(lines[i]).lstrip("> ")):
        return False
    below = [_plain(x).lstrip("> ") for x in lines[i + 1 : i + 1 + _BLOCK]]
    return any(_FIELD.match(x) for x in below if x)


def _cut_at(lines: list[str]) -> tuple[int, bool] | None:
    """The line where the quoted part begins, and whether a forward marker opens it."""
    for i, raw in enumerate(lines):
        if raw == CUT:
            rest = [_plain(x) for x in lines[i + 1 : i + 1 + _BLOCK] if x.strip()]
            return i, any(_FORWARD_LINE.match(x) for x in rest)
        line = _plain(raw)
        if not line:
            continue
        if _FORWARD_LINE.match(line):
            return i, True
        if _REPLY_LINE.match(line):
            return i, False
        if _RULE.match(line):
            ahead = range(i + 1, min(len(lines), i + 1 + _BLOCK))
            following = next((j for j in ahead if lines[j].strip()), None)
            if following is not None and _header_block(lines, following):
                return i, False
            continue
        if _header_block(lines, i):
            return i, False
        if _attribution(line):
            return i, False
        if (
            len(line) <= _LINE
            and i + 1 < len(lines)
            and (line.startswith("在") or line.lower().startswith("on "))
        ):
            two = f"{line} {_plain(lines[i + 1])}"
            if _attribution(two.replace(" ", "")) or _attribution(two):
                return i, False
        if line.startswith(">"):
            return i, False
    return None


_QUOTED = re.compile(r"^\s*> ?")


def _unquote(lines: list[str]) -> list[str]:
    """The quoted part without its markers, its header block and one level of ``>``."""
    i = 0

    def marker(line: str) -> bool:
        plain = _plain(line)
        return (
            not plain
            or line == CUT
            or _REPLY_LINE.match(plain) is not None
            or _FORWARD_LINE.match(plain) is not None
            or _RULE.match(plain) is not None
            or _attribution(plain)
        )

    while i < len(lines) and marker(lines[i]):
        i += 1
    if i < len(lines) and _FROM_FIELD.match(_plain(lines[i]).lstrip("> ")):
        # the header block: its fields, and the blank lines below it
        while i < len(lines) and (
            _FIELD.match(_plain(lines[i]).lstrip("> ")) or not lines[i].strip()
        ):
            i += 1
    out = lines[i:]
    if out and all(x.lstrip().startswith(">") or not x.strip() for x in out):
        out = [_QUOTED.sub("", x, count=1) for x in out]
    return out


def split_reply(text: str, *, forward: bool = False) -> Reply:
    """``text`` split where the part quoted or forwarded begins: the Outlook header block
    (发件人/From, 发送时间/Sent …, full-width colons too, under a rule or not), the
    ``-----原始邮件-----`` lines of Outlook, Exmail/QQ and Foxmail, the forward lines of
    Coremail/163 (``-------- 转发邮件信息 --------``), Gmail (``---------- Forwarded message
    ---------``) and Apple Mail, an attribution (``在 …，… 写道：``, ``On … wrote:``), ``>``
    quoting and (from HTML) a blockquote or a client's quote container. ``forward``: the
    subject says it is one (``Fw:``, ``转发：``)."""
    lines = text.split("\n")
    found = _cut_at(lines)
    at, forwarded = found if found is not None else (len(lines), False)
    forwarded = forwarded or (forward and found is not None)
    quoted = ""
    if forwarded:  # a reply's quoted part is never the plan: not read
        quoted = "\n".join(x for x in _unquote(lines[at:]) if x.strip() != CUT).strip()
    return Reply(_own(lines[:at]), quoted, forwarded)


#: a mobile client's line under what was written (``发自我的iPhone``, ``Sent from my iPhone``)
_SENT_FROM = re.compile(
    r"^(?:发自我的|發自我的|来自我的|來自我的|sent from my|get outlook for|获取 outlook|"
    r"从我的.{1,30}发送$|發送自我的)",
    re.IGNORECASE,
)


def _own(lines: list[str]) -> str:
    """What the sender wrote: up to a signature (a ``-- `` line), without a mobile client's
    ``发自我的iPhone`` line."""
    out = []
    for line in lines:
        if line.rstrip("\r") == "-- ":
            break
        if line.strip() == CUT or _SENT_FROM.match(_plain(line)):
            continue
        out.append(line)
    return "\n".join(out).strip()


_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:(?:re|回复|答复)\s*:\s*)*(?:fwd?|fw|转发|轉寄|转寄)\s*:", re.IGNORECASE
)


def plan_text(text: str, subject: str = "") -> str:
    """The text of the plan a message carries: what its sender wrote above the quoted part;
    for a forward whose sender wrote nothing (or nothing with a section), the forwarded
    message's own (new) text."""
    forward = _FORWARD_SUBJECT.match(unicodedata.normalize("NFKC", subject)) is not None
    for _ in range(_DEPTH):
        part = split_reply(text, forward=forward)
        if not part.forward or not part.quoted or _has_section(part.new):
            return part.new
        text, forward = part.quoted, False
    return split_reply(text).new


def _has_section(text: str) -> bool:
    try:
        sections(text)
    except InvalidInput:
        return False
    return True


# --- the server's received time ------------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_INTERNALDATE = re.compile(
    r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\s*"
)


def parse_internaldate(text: str) -> datetime:
    """An IMAP INTERNALDATE (``23-Nov-2026 01:00:00 +0000``) as an aware datetime."""
    m = _INTERNALDATE.fullmatch(text)
    if not m or m.group(2).lower() not in _MONTHS:
        raise ValueError(f"not an IMAP date: {text!r}")
    day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    return datetime(
        int(year),
        _MONTHS.index(mon.lower()) + 1,
        int(day),
        int(hh),
        int(mm),
        int(ss),
        tzinfo=timezone(offset),
    )


def imap_date(d: date) -> str:
    """A day as IMAP SEARCH SINCE takes it (``23-Nov-2026``), whatever the locale."""
    return f"{d.day}-{_MONTHS[d.month - 1].capitalize()}-{d.year:04d}"


# --- the plan a message carries --------------------------------------------------------------


def letter_plan(letter: Letter) -> tuple[str, str, Attachment | None]:
    """(summary, plan, the attachment it came from) of a message: the sections of what its
    sender wrote above the quoted part (a forward with nothing of its own: the forwarded
    message's); when that has none, those of the first attached .docx, .xlsx, .txt or .md
    that has them. Refused (:class:`InvalidInput`) with the body's reason, or an attachment's
    when it could not be read."""
    text = plan_text(letter.text, letter.subject)
    try:
        summary, plan = sections(text)
    except InvalidInput as exc:
        problems = []
        for attached in letter.attachments:
            if attached.problem is not None:
                problems.append(
                    f"the attachment {attached.name!r} was not read: {attached.problem}"
                )
                continue
            try:
                summary, plan = sections(attached.text, f"the attachment {attached.name!r}")
            except InvalidInput as why:
                problems.append(why.message)
                continue
            return summary, plan, attached
        if problems:
            raise InvalidInput(f"{exc.message}; {'; '.join(problems)}") from None
        raise
    return summary, plan, None


@dataclass(frozen=True)
class Filing:
    """The period a message is filed under, or why it waits for the head's look."""

    kind: str  # week or month
    period: str  # the subject's (a reply on an earlier week's thread: the week received)
    note: str | None = None  # how the period was told when not from the subject alone
    look: str | None = None  # why it is not filed: its week is far from the one received


def filing(subject: str, received: date) -> Filing:
    """Where a message with ``subject`` received on ``received`` (a day in the handbook's zone)
    is filed: :func:`period_of` the subject; a reply (``Re:``, ``回复：``) naming an earlier
    week than the one received is that of the message replied to, so the week received; a
    week more than a week from the one received is not filed (``look`` says why). Refused
    (:class:`InvalidInput`) as :func:`period_of`."""
    kind, period = period_of(subject, received)
    if kind != "week":
        return Filing(kind, period)
    if weeks_apart(period, received) < 0 and is_reply(subject):
        this_week = week_id(received)
        note = (
            f"a reply on the thread of {period}: filed as {this_week}, the week it was received in"
        )
        return Filing(kind, this_week, note=note)
    return Filing(kind, period, look=week_gap_reason(period, received))


def week_gap_reason(period: str, received: date) -> str | None:
    """Why a message whose subject names the week ``period`` and that was received on
    ``received`` is not filed without a look: the week is more than a week away from the
    one it was received in (``12月第一周`` sent on 27 November); None when it is not."""
    gap = weeks_apart(period, received)
    if abs(gap) <= 1:
        return None
    where = "after" if gap > 0 else "before"
    return (
        f"the subject names {period}, {abs(gap)} weeks {where} the week it was received in "
        f"({week_id(received)}): not filed; ask the sender to send it again naming the week meant, "
        "or enter it with plan submit --received-at"
    )
