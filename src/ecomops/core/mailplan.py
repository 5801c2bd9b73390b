"""Plans by e-mail (pure): the period a subject names, a message's sender, subject, Message-ID
and text (plain, or HTML turned into text), and its two sections.

A subject names a period as people write it: ``2026-W49``, ``W49``, ``第49周``/``第49週``,
``2026年第49周``, a day (``11月23日``, ``2026-11-23``: the week holding it), ``2026-11``,
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
from ecomops.core.plans import HEADING, KEYWORDS, parse_markdown
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


def period_of(subject: str, received: date) -> tuple[str, str]:
    """``(kind, period)`` the ``subject`` of a message received on ``received`` (a day in the
    handbook's zone) names: ``("week", "2026-W49")`` or ``("month", "2026-11")``. Refused
    (:class:`InvalidInput`, the reason in words) when it names one that does not exist, or a
    week of a month (``11月第4周``), which is not an ISO week."""
    s = unicodedata.normalize("NFKC", subject).casefold()
    says_month = any(w in s for w in _MONTH_WORDS) and not any(w in s for w in _WEEK_WORDS)
    m = _WEEK_OF_MONTH.search(s)
    if m:
        raise InvalidInput(
            f"the subject names week {m.group(2)} of month {m.group(1)}, not an ISO week",
            "write the ISO week, e.g. 2026-W49 or 第49周",
        )
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
    return "week", week_id(received)


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


class _Text(HTMLParser):
    """HTML to text: script and style dropped, a line break at each block element, headings
    as Markdown headings (so that they open the plan's sections)."""

    BLOCK = frozenset(
        "p div br li tr table ul ol dl dt dd blockquote pre hr section article header footer "
        "h1 h2 h3 h4 h5 h6 center form fieldset address".split()
    )
    SKIP = frozenset(("script", "style", "head", "title", "template"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.pre = 0

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")
        else:
            self.lines[-1] = ""

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self._break()
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
        elif tag in self.BLOCK:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break()

    def handle_data(self, data) -> None:
        if self.skipping:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
            return
        text = " ".join(data.split())
        if text:
            if data[:1].isspace() and self.lines[-1] and not self.lines[-1].endswith(" "):
                text = " " + text
            self.lines[-1] += text


def html_to_text(html: str) -> str:
    """The text of an HTML body: script and style dropped, line breaks at block elements."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(line.rstrip() for line in parser.lines).strip()


@dataclass(frozen=True)
class Letter:
    """What a message says, as the plan rules need it."""

    sender: str  # the From address, lower case ("" when none)
    subject: str
    message_id: str  # normalised, or a synthetic one
    text: str  # the plain-text body, or the HTML body as text ("" when neither)


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
    """The plain-text part, else the HTML part as text; "" when neither."""
    for kind in ("plain", "html"):
        part = msg.get_body(preferencelist=(kind,))
        if part is None or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = decode_bytes(payload, part.get_content_charset())
        return html_to_text(text) if kind == "html" else text.replace("\r\n", "\n")
    return ""


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

    headers = _headers(raw)
    sender, subject, message_id = read_headers(raw)
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    if message_id is None:
        pairs = _senders(headers)
        address = pairs[0][1] if pairs else ""
        body = raw.partition(b"\r\n\r\n")[2] or raw.partition(b"\n\n")[2]
        date_header = decode_header_value(headers.get("Date"))
        # the hash's input as first stored: the address lower-cased, not stripped
        message_id = synthetic_message_id(address.lower(), date_header, subject, body)
    return Letter(sender, subject, message_id, _body_text(msg))


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
    if not s or len(s) > 40 or s[-1] in "。.!！?？;；,，":
        return None
    core = _TAIL.sub("", _NUMBERING.sub("", s))
    if not core or len(core) > 30 or not _names_a_section(core):
        return None
    return f"## {core}"


def sections(text: str, source: str = "the message") -> tuple[str, str]:
    """(summary, plan) from a message's text, as from ``plan submit --file``: Markdown
    headings open the two sections; without them, lines written as headings do
    (``上周工作总结：``, ``【本周计划】``, ``Plan:``)."""
    lines = text.splitlines()
    marked = (HEADING.match(line) for line in lines)
    if not any(m and _names_a_section(m.group(1)) for m in marked):
        lines = [_as_heading(line) or line for line in lines]
    return parse_markdown("\n".join(lines), source)


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
