"""A year's official holiday schedule, read from what people are given: the State Council's
notice (国务院办公厅关于YYYY年部分节假日安排的通知), an iCalendar feed, or a plain list.
Pure: no clock, no files, no database; bad input is an :class:`InvalidInput` of one line.

Every reader gives :class:`Schedule` values: the days off of the year's holiday periods
(``off``) and the adjusted working days (``work``, 调休上班), each with its holiday's name in
simplified characters (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节; a merged one as
the notice writes it, e.g. 国庆节、中秋节).

The notice (:func:`parse_notice`)
    Pasted from the government's site or a news page, in simplified or traditional characters,
    with full-width or ASCII punctuation and digits. The year comes from the title or the
    sentence "现将2026年元旦、春节……" (else the first line; else ``year=``). Only the numbered
    lines "一、元旦：…" (and unnumbered "春节：…" lines) are read: the preamble, the closing
    paragraph and the signature are not. In a line, each sentence (up to "。") gives its days
    to the word that follows them: 放假, 补休 or 调休 make them days off, 上班 or 补班 working
    days; "共9天" / "放假1天" must match the days the sentence gives. Dates in brackets
    ("除夕（2月9日）") are remarks, not days; a weekday in brackets after a date ("（周六）") must
    be that date's weekday. "与周末连休" adds no day: the weekend is off anyway (so the
    Schedule lists 2024's 端午节 as 6月10日 only; chinese-calendar counts that weekend in
    some years and not in others). A notice that changes one holiday of a year already
    announced (关于调整2019年劳动节…, 关于延长2020年春节假期…) is refused: it is no year's
    schedule. A 元旦 that starts in the December before
    ("2022年12月31日至2023年1月2日", or "12月30日至1月1日") gives its days of that December to
    :attr:`Schedule.outside`, not to ``off``/``work``: ``off`` and ``work`` hold the notice's
    year only.

The iCalendar feed (:func:`parse_ics`)
    All-day events (DTSTART;VALUE=DATE, with an exclusive DTEND or a DURATION, or one day);
    an event whose SUMMARY says 班 (上班, 补班, 调休上班), workday or working day is a working
    day, one that says 休, 假, holiday or day off is a day off (Apple's X-APPLE-SPECIAL-DAY
    WORK-HOLIDAY / ALTERNATE-WORKDAY too); what remains of the SUMMARY is the name ("春节 休"
    → 春节). An event that says neither is refused, and so is a repeating one (RRULE).

The tables (:func:`parse_table`)
    CSV: one day a line, ``date,kind,name`` (name optional), with or without a header line
    (``date,kind,name`` or ``日期,类型,名称``, in any order); ``#`` starts a comment line; tabs
    instead of commas are fine. YAML: a list of mappings ``{date: 2026-02-15, kind: off, name:
    春节}``, or a mapping of days to ``"off 春节"`` / ``"班 春节"`` (or to ``{kind, name}``).
    A kind is off (休, 放假, 假, holiday) or work (班, 上班, 补班, workday); a date is
    YYYY-MM-DD (also YYYY/MM/DD, YYYYMMDD, 2026年2月15日). A day without a name takes the
    name of the nearest named day off.

Tables and feeds give one Schedule per year they hold (only ``year`` when given).
:func:`read_schedule` picks the reader by the file's extension (or BEGIN:VCALENDAR in it) and
decodes UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ecomops.core.calendar import FIRST_YEAR, LAST_YEAR, YEARS, check_year, shown
from ecomops.errors import InvalidInput
from ecomops.i18n import N_

KINDS = ("notice", "ics", "csv", "yaml")
#: the longest holiday period (or event) believed: 2020's Spring Festival ran 10 days
MAX_PERIOD = 31


@dataclass(frozen=True)
class Schedule:
    """One year's official schedule (``kind``: where it was read from: notice, ics, csv,
    yaml). ``off``: every day off of the year's holiday periods, weekend days inside a period
    included; ``work``: the adjusted working days (调休上班); both map a day of ``year`` to
    its holiday's name. ``outside``: days the source sets in another year (a notice's 元旦
    that starts in the December before), day → (``"off"`` or ``"work"``, name)."""

    year: int
    kind: str
    off: dict[date, str]
    work: dict[date, str]
    outside: dict[date, tuple[str, str]] = field(default_factory=dict)


# --- names and words ---------------------------------------------------------------------------

_NAMES = {
    "元旦": "元旦",
    "元旦节": "元旦",
    "新年": "元旦",
    "春节": "春节",
    "清明": "清明节",
    "清明节": "清明节",
    "劳动节": "劳动节",
    "五一": "劳动节",
    "五一劳动节": "劳动节",
    "国际劳动节": "劳动节",
    "端午": "端午节",
    "端午节": "端午节",
    "中秋": "中秋节",
    "中秋节": "中秋节",
    "国庆": "国庆节",
    "国庆节": "国庆节",
    "new year's day": "元旦",
    "new year": "元旦",
    "new years day": "元旦",
    "spring festival": "春节",
    "chinese new year": "春节",
    "lunar new year": "春节",
    "tomb-sweeping day": "清明节",
    "tomb sweeping day": "清明节",
    "qingming festival": "清明节",
    "qingming": "清明节",
    "labour day": "劳动节",
    "labor day": "劳动节",
    "may day": "劳动节",
    "dragon boat festival": "端午节",
    "mid-autumn festival": "中秋节",
    "mid autumn festival": "中秋节",
    "national day": "国庆节",
}
_NAME_SPLIT = re.compile(r"\s*(?:、|,|/|&|\+|和|及|与)\s*")
_KNOWN = "|".join(sorted((re.escape(n) for n in _NAMES if not n.isascii()), key=len, reverse=True))
_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    """``text`` in the form read: NFKC (full-width digits and punctuation to ASCII),
    simplified characters."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        from ecomops.text import to_simplified

        text = to_simplified(text)
    return text


def _holiday_name(raw: str) -> str:
    """A holiday's name as stored: simplified, each part of a merged one by its usual name
    (清明 → 清明节, National Day → 国庆节), parts joined by 、."""
    parts = [p for p in _NAME_SPLIT.split(_SPACE.sub(" ", raw).strip()) if p]
    return "、".join(_NAMES.get(p.casefold(), p) for p in parts)


def _known_name(raw: str) -> bool:
    parts = [p for p in _NAME_SPLIT.split(raw.strip()) if p]
    return bool(parts) and all(p.casefold() in _NAMES for p in parts)


# --- decoding ----------------------------------------------------------------------------------


def decode(data: bytes, what: str = "file") -> str:
    """``data`` as text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else GB18030."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data and not utf16:
        raise InvalidInput(f"the {what} is not text (it holds NUL bytes)", "give a text file")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif utf16:
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"the {what} is neither UTF-8 nor GB18030 text", "save it as UTF-8 text"
        ) from None
    if "\x00" in text:
        raise InvalidInput(f"the {what} is not text (it holds NUL bytes)", "give a text file")
    return text


# --- the notice --------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|\d{1,2}\s*[、.)]|\(\s*[一二三四五六七八九十\d]{1,3}\s*\)"
    r"|第[一二三四五六七八九十]{1,3}\s*[、,:]?)\s*"
)
_HEADER = re.compile(r"^(?P<name>[^:\d()]{1,24}?)\s*:\s*(?P<body>.*)$")
_HEADER_NO_COLON = re.compile(
    rf"^(?P<name>(?:{_KNOWN})(?:\s*[、和及与]\s*(?:{_KNOWN}))*)\s*(?P<body>\d.*)$"
)
# a notice pasted as one paragraph: "…共3天。二、春节：…" starts a line at "二、", and the
# closing paragraph and the signature ("…上班。节假日期间，…。国务院办公厅2025年11月4日") their own
_RUN_ON = re.compile(
    r"(?<=[。;.])\s*(?=[一二三四五六七八九十]{1,3}\s*、|节假日期间|鼓励|国务院办公厅)"
)
_KEYWORD = re.compile(r"放假|补休|调休|上班|补班")
_TOKEN = re.compile(
    r"(?P<date>(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,3})\s*月\s*)?(?P<d>\d{1,3})\s*[日号])"
    r"|(?P<paren>\([^()]*\))"
    r"|(?P<to>至|到|~|-|—|–|―)"
    r"|(?P<work>调休上班|上班|补班)"
    r"|(?P<offcount>放假\s*(?P<n1>\d{1,3})\s*天)"
    r"|(?P<off>放假|补休|调休)"
    r"|(?P<count>共\s*(?P<n2>\d{1,3}|[一二三四五六七八九十]{1,3})\s*天)"
)
_TOKEN_KINDS = ("date", "paren", "to", "work", "offcount", "off", "count")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)\s*([一二三四五六日天])")
_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_YEAR_PATTERNS = (
    re.compile(r"关于\s*(?:调整\s*)?(\d{4})\s*年"),
    re.compile(r"现将\s*(?:调整\s*)?(\d{4})\s*年"),
    re.compile(r"(\d{4})\s*年\s*(?:部分)?节假日"),
)
#: the title of a notice that changes one holiday (2019's 劳动节, 2020's 春节 for COVID-19)
_CHANGE = re.compile(r"关于\s*(?:调整|延长)")
_NOTICE_HINT = N_("paste the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知)")


def _chinese_number(text: str) -> int:
    if text.isdecimal():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)


def _notice_year(head: list[str], year: int | None, lines: list[str]) -> int:
    """The year the notice is for: its title or first sentence (in ``lines``), else the
    first line of ``head`` (the lines before the first holiday's), else ``year``; ``year``
    and the notice must agree."""
    text = "\n".join(lines)
    named: int | None = None
    for pattern in _YEAR_PATTERNS:
        found = pattern.search(text)
        if found:
            named = int(found.group(1))
            break
    if named is None:
        first = next((line for line in head if line.strip()), "")
        found = re.search(r"(\d{4})\s*年", first)
        named = int(found.group(1)) if found else None
    if named is not None and year is not None and named != year:
        raise InvalidInput(
            f"the notice is for {named}, not {year}", f"give the notice of {year}, or no year"
        )
    chosen = named if named is not None else year
    if chosen is None:
        raise InvalidInput(
            "the notice names no year", "give the year (the notice's title names it: 关于2026年…)"
        )
    return check_year(chosen, str(chosen), "the notice's year")


@dataclass
class _Section:
    line: int
    name: str
    body: str


def _sections(lines: list[tuple[int, str]]) -> list[_Section]:
    """The notice's holiday lines ("一、元旦：…"), in order."""
    found: list[_Section] = []
    i = 0
    while i < len(lines):
        number, line = lines[i]
        i += 1
        numbering = _NUMBERING.match(line)
        rest = line[numbering.end() :] if numbering else line.strip()
        header = _HEADER.match(rest)
        if header is None and numbering:
            header = _HEADER_NO_COLON.match(rest)
        if header is None:
            continue
        name = header.group("name").strip()
        known = _known_name(name)
        if not known and not numbering:
            continue
        body = header.group("body").strip()
        if not body and i < len(lines):  # "二、春节：" with the days on the next line
            next_number, nxt = lines[i]
            if not _NUMBERING.match(nxt) and _KEYWORD.search(nxt):
                number, body = next_number, nxt.strip()
                i += 1
        if not _KEYWORD.search(body):
            if known and re.search(r"\d", body):
                raise InvalidInput(
                    f"line {number} of the notice: {shown(name)} gives days but neither "
                    "放假 nor 上班",
                    _NOTICE_HINT,
                )
            continue  # a numbered paragraph that is no holiday ("三、劳动节期间，要…")
        found.append(_Section(number, _holiday_name(name), body))
    return found


class _NoticeReader:
    """Reads the sections of one notice of ``year`` into days off and working days."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.days: dict[date, tuple[str, str, int]] = {}  # day -> (kind, name, line)
        self.month: int | None = None  # the month of the date before ("1月27日至2月2日")

    def fail(self, line: int, message: str, hint: str = _NOTICE_HINT) -> InvalidInput:
        return InvalidInput(f"line {line} of the notice: {message}", hint)

    def read(self, section: _Section) -> None:
        self.month = None
        for sentence in re.split(r"[。;.]", section.body):
            if sentence.strip():
                self.sentence(section, sentence)

    def day(self, section: _Section, m: re.Match[str], after: date | None) -> date:
        """The day a date token names; ``after``: the start of the range it ends."""
        text = m.group("date")
        y = int(m.group("y")) if m.group("y") else None
        month = int(m.group("m")) if m.group("m") else (after.month if after else self.month)
        if month is None:
            raise self.fail(section.line, f"{shown(text)} names no month")
        if y is None:
            if after is not None:
                y = after.year + (1 if after.month == 12 and month == 1 else 0)
            elif month == 12 and section.name.startswith("元旦"):
                y = self.year - 1  # 元旦 starting on 12月30日 of the year before
            else:
                y = self.year
        try:
            d = date(y, month, int(m.group("d")))
        except ValueError:
            raise self.fail(section.line, f"{shown(text)} is not a day") from None
        if d.year not in (self.year - 1, self.year):
            raise self.fail(section.line, f"{shown(text)} is not in {self.year}")
        self.month = d.month
        return d

    def sentence(self, section: _Section, sentence: str) -> None:
        pending: list[tuple[date, date, str]] = []  # (first, last, as written)
        counted: list[date] = []  # the days off this sentence gave
        last: str | None = None  # the kind of the token before
        ranging = False
        for m in _TOKEN.finditer(sentence):
            kind = next(k for k in _TOKEN_KINDS if m.group(k) is not None)
            if kind == "date":
                if ranging and pending:
                    first, _, written = pending[-1]
                    end = self.day(section, m, first)
                    shown_range = f"{written}至{m.group('date')}"
                    if end < first:
                        raise self.fail(
                            section.line, f"the range {shown(shown_range)} ends before it starts"
                        )
                    if (end - first).days >= MAX_PERIOD:
                        raise self.fail(
                            section.line, f"the range {shown(shown_range)} is longer than a month"
                        )
                    pending[-1] = (first, end, shown_range)
                else:
                    d = self.day(section, m, None)
                    pending.append((d, d, m.group("date")))
                ranging = False
            elif kind == "paren":
                if last == "date" and pending:
                    self.check_weekday(section, pending[-1], m.group("paren"))
                continue  # a remark: "（周六）" may stand between a date and 至
            elif kind == "to":
                ranging = last == "date"
            elif kind in ("work", "off", "offcount"):
                day_kind = "work" if kind == "work" else "off"
                for first, end, _ in pending:
                    for d in _span(first, end):
                        self.put(section, d, day_kind)
                        if day_kind == "off":
                            counted.append(d)
                pending = []
                ranging = False
                if kind == "offcount":
                    self.check_count(section, counted, int(m.group("n1")))
            elif kind == "count":
                self.check_count(section, counted, _chinese_number(m.group("n2")))
            last = kind
        if pending:
            raise self.fail(section.line, f"{shown(pending[0][2])} is neither 放假 nor 上班")

    def check_weekday(self, section: _Section, day: tuple[date, date, str], remark: str) -> None:
        said = _WEEKDAY.search(remark)
        if said is None:
            return
        d = day[1]
        weekday = _WEEKDAYS.index("日" if said.group(1) == "天" else said.group(1))
        if d.weekday() != weekday:
            written = day[2].split("至")[-1]
            raise self.fail(
                section.line,
                f"{shown(written)} is a {_EN_WEEKDAYS[d.weekday()]} in {d.year}, "
                f"not {said.group(0)}",
                "check the notice's year and its dates",
            )

    def check_count(self, section: _Section, counted: list[date], said: int) -> None:
        if len(counted) != said:
            raise self.fail(
                section.line,
                f"{shown(section.name)} gives {len(counted)} days off, not the {said} it says",
                "check the dates against the number of days",
            )

    def put(self, section: _Section, d: date, kind: str) -> None:
        before = self.days.get(d)
        if before is not None:
            what = "a day off" if before[0] == "off" else "a working day"
            raise self.fail(
                section.line,
                f"{d.month}月{d.day}日 is already {what} (line {before[2]})",
            )
        self.days[d] = (kind, section.name, section.line)


def _span(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=i) for i in range((last - first).days + 1))


def parse_notice(text: str, *, year: int | None = None) -> Schedule:
    """The schedule the State Council's notice sets for its year (``year``: when the text
    does not name it). See the module's documentation for what is read."""
    if not text.strip():
        raise InvalidInput("the notice is empty", _NOTICE_HINT)
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for part in _RUN_ON.split(_normal(raw)):
            lines.append((number, part))
    sections = _sections(lines)
    if not sections and _CHANGE.search("".join(line for _, line in lines[:8])):
        raise InvalidInput(
            "this notice changes one holiday (关于调整… / 关于延长…); it is not a year's schedule",
            "load the year's notice, or the year's days as a CSV or YAML list with the change",
        )
    if not sections:
        raise InvalidInput(
            "no holiday found: is this the State Council's notice?",
            "give its numbered lines, e.g. '二、春节：2月15日至23日放假调休，共9天。'",
        )
    head = [line for number, line in lines if number < sections[0].line]
    the_year = _notice_year(head or [""], year, [line for _, line in lines])
    reader = _NoticeReader(the_year)
    for section in sections:
        reader.read(section)
    off: dict[date, str] = {}
    work: dict[date, str] = {}
    outside: dict[date, tuple[str, str]] = {}
    for d in sorted(reader.days):
        kind, name, _ = reader.days[d]
        if d.year != the_year:
            outside[d] = (kind, name)
        elif kind == "off":
            off[d] = name
        else:
            work[d] = name
    return Schedule(the_year, "notice", off, work, outside)


# --- tables and feeds: days of any year --------------------------------------------------------


@dataclass
class _Entry:
    where: str  # "line 3 of the CSV"
    day: date
    kind: str  # off | work
    name: str  # "" when not given


def _schedules(entries: list[_Entry], kind: str, what: str, year: int | None) -> list[Schedule]:
    """One Schedule a year of ``entries`` (only ``year``'s when given)."""
    if year is not None:
        check_year(year)
    if not entries:
        raise InvalidInput(f"the {what} lists no day", "list the year's days off and working days")
    named = sorted((e.day, e.name) for e in entries if e.kind == "off" and e.name)

    def nearest(d: date) -> str:
        if not named:
            return "节假日"
        return min(named, key=lambda item: (abs((item[0] - d).days), item[0]))[1]

    days: dict[date, _Entry] = {}
    for e in entries:
        if not FIRST_YEAR <= e.day.year <= LAST_YEAR:
            raise InvalidInput(
                f"{e.where}: {e.day.isoformat()} is out of range", f"give days of {YEARS}"
            )
        before = days.get(e.day)
        if before is None:
            days[e.day] = e
        elif before.kind != e.kind:
            raise InvalidInput(
                f"{e.where}: {e.day.isoformat()} is both a day off and a working day "
                f"({before.where})",
                "keep one of the two",
            )
        elif e.name and e.name not in before.name.split("、"):
            before.name = f"{before.name}、{e.name}" if before.name else e.name
    years = sorted({d.year for d in days})
    if year is not None:
        if year not in years:
            raise InvalidInput(
                f"the {what} has no day in {year}",
                f"it has days in {', '.join(map(str, years))}",
            )
        years = [year]
    found: list[Schedule] = []
    for y in years:
        off = {
            d: e.name or nearest(d)
            for d, e in sorted(days.items())
            if d.year == y and e.kind == "off"
        }
        work = {
            d: e.name or nearest(d)
            for d, e in sorted(days.items())
            if d.year == y and e.kind == "work"
        }
        found.append(Schedule(y, kind, off, work))
    return found


_OFF_WORDS = frozenset(
    "off 休 放假 假 休假 休息 休息日 假日 节假日 假期 补休 holiday holidays rest dayoff".split()
    + ["day off", "public holiday"]
)
_WORK_WORDS = frozenset(
    "work 班 上班 补班 调休上班 workday workdays working 工作日".split()
    + ["working day", "work day"]
)
_KIND_HINT = N_("write off (休, 放假, holiday) or work (班, 上班, workday)")


def _kind(word: str) -> str | None:
    key = _SPACE.sub(" ", _normal(word)).strip().casefold()
    if key in _OFF_WORDS:
        return "off"
    if key in _WORK_WORDS:
        return "work"
    return None


_DAY = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$"
)


_DATE_HINT = N_("write it as YYYY-MM-DD")


def _day(value: object, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _normal(str(value)).strip()
    m = _DAY.match(text)
    if m is None:
        raise InvalidInput(f"{where}: {shown(text)} is not a date", _DATE_HINT)
    y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return date(y, mo, d)
    except ValueError:
        raise InvalidInput(f"{where}: {shown(text)} is not a day", _DATE_HINT) from None


# --- CSV ---------------------------------------------------------------------------------------

_DATE_HEADS = frozenset({"date", "day", "日期"})
_KIND_HEADS = frozenset({"kind", "type", "类型", "类别", "状态", "off/work"})
_NAME_HEADS = frozenset({"name", "holiday", "名称", "节日", "节假日", "假日", "说明"})


def _csv(text: str, year: int | None) -> list[Schedule]:
    text = unicodedata.normalize("NFKC", text)
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    first = next(lines, "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns: tuple[int, int, int | None] | None = None
    entries: list[_Entry] = []
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            where = f"line {reader.line_num} of the CSV"
            if columns is None:
                heads = [_normal(c).casefold() for c in cells]
                if heads[0] in _DATE_HEADS | _KIND_HEADS | _NAME_HEADS or any(
                    h in _DATE_HEADS for h in heads
                ):
                    columns = _csv_columns(heads, where)
                    continue
                columns = (0, 1, 2)
            at_date, at_kind, at_name = columns
            if len(cells) <= max(at_date, at_kind):
                raise InvalidInput(
                    f"{where}: {shown(delimiter.join(cells))} is not date,kind,name",
                    "write one day a line: 2026-02-15,off,春节",
                )
            day = _day(cells[at_date], where)
            kind = _kind(cells[at_kind])
            if kind is None:
                raise InvalidInput(
                    f"{where}: kind {shown(cells[at_kind])} is neither off nor work", _KIND_HINT
                )
            name = cells[at_name] if at_name is not None and at_name < len(cells) else ""
            entries.append(_Entry(where, day, kind, _holiday_name(_normal(name))))
    except csv.Error as err:
        where = f"line {reader.line_num} of the CSV"
        raise InvalidInput(f"{where} does not parse: {err}", None) from None
    return _schedules(entries, "csv", "CSV", year)


def _csv_columns(heads: list[str], where: str) -> tuple[int, int, int | None]:
    def find(names: frozenset[str]) -> int | None:
        return next((i for i, h in enumerate(heads) if h in names), None)

    at_date, at_kind, at_name = find(_DATE_HEADS), find(_KIND_HEADS), find(_NAME_HEADS)
    if at_date is None or at_kind is None:
        raise InvalidInput(
            f"{where}: the header names no {'date' if at_date is None else 'kind'} column",
            "start with the line date,kind,name (or 日期,类型,名称), or with no header",
        )
    return at_date, at_kind, at_name


# --- YAML --------------------------------------------------------------------------------------

_YAML_HINT = N_(
    "write a list of {date: 2026-02-15, kind: off, name: 春节}, or 2026-02-15: off 春节"
)


def _yaml(text: str, year: int | None) -> list[Schedule]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or "not YAML"
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"the YAML does not parse{at}: {problem}", _YAML_HINT) from None
    except (ValueError, OverflowError, RecursionError) as err:
        raise InvalidInput(f"the YAML does not parse: {shown(str(err))}", _YAML_HINT) from None
    entries: list[_Entry] = []
    if isinstance(doc, list):
        for i, item in enumerate(doc, start=1):
            where = f"entry {i} of the YAML"
            if not isinstance(item, dict):
                raise InvalidInput(f"{where} is not a mapping {{date, kind, name}}", _YAML_HINT)
            fields = {_normal(str(k)).strip().casefold(): v for k, v in item.items()}
            at_date = next((fields[k] for k in fields if k in _DATE_HEADS), None)
            at_kind = next((fields[k] for k in fields if k in _KIND_HEADS), None)
            at_name = next((fields[k] for k in fields if k in _NAME_HEADS), None)
            if at_date is None or at_kind is None:
                missing = "date" if at_date is None else "kind"
                raise InvalidInput(f"{where} has no {missing}", _YAML_HINT)
            entries.append(_yaml_entry(where, at_date, at_kind, at_name))
    elif isinstance(doc, dict):
        for key, value in doc.items():
            where = f"entry {shown(str(key), 20)} of the YAML"
            if isinstance(value, dict):
                fields = {_normal(str(k)).strip().casefold(): v for k, v in value.items()}
                at_kind = next((fields[k] for k in fields if k in _KIND_HEADS), None)
                at_name = next((fields[k] for k in fields if k in _NAME_HEADS), None)
                if at_kind is None:
                    raise InvalidInput(f"{where} has no kind", _YAML_HINT)
                entries.append(_yaml_entry(where, key, at_kind, at_name))
            elif isinstance(value, (str, bool)):
                kind, name = _kind_and_name(value, where)
                entries.append(_Entry(where, _day(key, where), kind, name))
            else:
                raise InvalidInput(f"{where} is neither 'off NAME' nor 'work NAME'", _YAML_HINT)
    elif doc is None:
        entries = []
    else:
        raise InvalidInput("the YAML is neither a list of days nor a mapping of days", _YAML_HINT)
    return _schedules(entries, "yaml", "YAML", year)


def _yaml_kind(value: object, where: str) -> str:
    # YAML 1.1 reads a bare off as false
    kind = "off" if value is False else _kind(str(value)) if isinstance(value, str) else None
    if kind is None:
        raise InvalidInput(f"{where}: kind {shown(str(value))} is neither off nor work", _KIND_HINT)
    return kind


def _yaml_entry(where: str, day: object, kind: object, name: object) -> _Entry:
    text = "" if name is None else _normal(str(name))
    return _Entry(where, _day(day, where), _yaml_kind(kind, where), _holiday_name(text))


def _kind_and_name(value: str | bool, where: str) -> tuple[str, str]:
    """ "off 春节", "春节 休", "班": the kind word, and the rest as the name."""
    if isinstance(value, bool):
        return _yaml_kind(value, where), ""
    words = _normal(value).split()
    for i, word in enumerate(words):
        kind = _kind(word)
        if kind is not None:
            return kind, _holiday_name(" ".join(words[:i] + words[i + 1 :]))
    raise InvalidInput(f"{where}: {shown(value)} says neither off nor work", _KIND_HINT)


def parse_table(text: str, *, fmt: str, year: int | None = None) -> list[Schedule]:
    """The schedules a CSV (``fmt="csv"``) or YAML (``fmt="yaml"``) list holds, one a year
    (only ``year``'s when given); see the module's documentation for the layout."""
    if fmt == "csv":
        return _csv(text, year)
    if fmt == "yaml":
        return _yaml(text, year)
    raise InvalidInput(f"unknown table format {shown(fmt)}", "use csv or yaml")


# --- iCalendar ---------------------------------------------------------------------------------

_WORK_CLUE = re.compile(r"班|workday|working\s*day|work\s*day|\bwork\b", re.IGNORECASE)
_OFF_CLUE = re.compile(r"休|假|holiday|day\s*off|\boff\b|\brest\b", re.IGNORECASE)
_CLUE_WORDS = re.compile(
    r"调休上班|补班|上班|放假|调休|假期|休假|休息|补休|班|休|假"
    r"|\b(?:public\s+)?holidays?\b|\bwork(?:ing)?\s*days?\b|\bdays?\s+off\b|\bwork\b|\boff\b"
    r"|\brest\b",
    re.IGNORECASE,
)
_NAME_PUNCT = re.compile(r"[()\[\]{}<>【】《》\-–—:;,.·|/\\_*#~!?]+")


def _ics_name(summary: str) -> str:
    name = _NAME_PUNCT.sub(" ", _CLUE_WORDS.sub(" ", summary))
    return _holiday_name(name)


def _ics_days(event: Any, where: str) -> list[date]:
    def value(prop: str) -> Any:
        found = event.get(prop)
        if found is None:
            return None
        try:
            return found.dt
        except Exception:  # icalendar's broken property: a value that does not parse
            raise InvalidInput(
                f"{where}: its {prop} does not parse",
                "give all-day dates: DTSTART;VALUE=DATE:20260215",
            ) from None

    start = value("DTSTART")
    if not isinstance(start, date):
        raise InvalidInput(f"{where} has no start day (DTSTART)", "give DTSTART;VALUE=DATE:…")
    end = value("DTEND")
    if end is None:
        duration = value("DURATION")
        if isinstance(duration, timedelta):
            try:
                end = start + duration
            except OverflowError:
                raise InvalidInput(f"{where} ends out of range (DURATION)", None) from None
    first = start.date() if isinstance(start, datetime) else start
    if end is None:
        last = first
    elif not isinstance(end, date):
        raise InvalidInput(f"{where}: its end (DTEND) is not a day", None)
    else:
        if isinstance(end, datetime) != isinstance(start, datetime):
            end = end if isinstance(end, datetime) else datetime.combine(end, datetime.min.time())
            start = (
                start
                if isinstance(start, datetime)
                else datetime.combine(start, datetime.min.time())
            )
        try:
            if end < start:
                raise InvalidInput(f"{where} ends before it starts", "check DTSTART and DTEND")
        except TypeError:  # one with a time zone and one without
            raise InvalidInput(f"{where}: its start and end do not compare", None) from None
        if isinstance(end, datetime):  # exclusive: an event ending at 00:00 ends the day before
            last = (end - timedelta(microseconds=1)).date() if end > start else first
        else:
            last = end - timedelta(days=1) if end > start else first
    if (last - first).days >= MAX_PERIOD:
        raise InvalidInput(f"{where} is longer than a month", "give each holiday as its own event")
    return list(_span(first, last))


_ICS_HINT = N_("give a .ics file (BEGIN:VCALENDAR)")


def parse_ics(data: bytes, *, year: int | None = None) -> list[Schedule]:
    """The schedules an iCalendar holiday feed holds, one a year (only ``year``'s when
    given); see the module's documentation for the events read."""
    from icalendar import Calendar

    text = decode(data, "calendar")
    if "BEGIN:" not in text.upper():
        raise InvalidInput("the file is not an iCalendar feed", _ICS_HINT)
    try:
        calendars = Calendar.from_ical(text, multiple=True)
        events = [ev for cal in calendars for ev in cal.walk("VEVENT")]
    except Exception as err:  # the library's parse errors have no common class
        problem = str(err).split(":")[0] if str(err) else type(err).__name__
        raise InvalidInput(
            f"the iCalendar feed does not parse: {shown(problem, 60)}",
            _ICS_HINT,
        ) from None
    if not events:
        raise InvalidInput("the calendar has no events", "give a feed of holiday events")
    entries: list[_Entry] = []
    for event in events:
        summary = _normal(str(event.get("SUMMARY", "")))
        status = str(event.get("STATUS", "")).upper()
        if status == "CANCELLED":
            continue
        where = f"event {shown(summary.strip() or '(no summary)', 30)}"
        if event.get("RRULE") is not None:
            raise InvalidInput(f"{where} repeats (RRULE)", "give each year's days as events")
        days = _ics_days(event, where)
        where = f"{where} on {days[0].isoformat()}"
        special = str(event.get("X-APPLE-SPECIAL-DAY", "")).upper()
        if _WORK_CLUE.search(summary) or special == "ALTERNATE-WORKDAY":
            kind = "work"
        elif _OFF_CLUE.search(summary) or special == "WORK-HOLIDAY":
            kind = "off"
        else:
            raise InvalidInput(
                f"{where} says neither 休 nor 班",
                "name a day off '春节 休' (or holiday) and a working day '春节 班' (or workday)",
            )
        name = _ics_name(summary)
        entries.extend(_Entry(where, d, kind, name) for d in days)
    if not entries:
        raise InvalidInput("the calendar has no events", "give a feed of holiday events")
    return _schedules(entries, "ics", "calendar", year)


# --- files -------------------------------------------------------------------------------------


def read_schedule(filename: str, data: bytes, *, year: int | None = None) -> list[Schedule]:
    """The schedules of a file named ``filename``: .ics/.ical a feed, .csv/.tsv and
    .yaml/.yml a list, anything else a notice (a feed when it starts BEGIN:VCALENDAR)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1].casefold() if "." in base else ""
    if ext in ("ics", "ical", "ifb", "icalendar"):
        return parse_ics(data, year=year)
    what = {"csv": "CSV", "tsv": "CSV", "yaml": "YAML", "yml": "YAML"}.get(ext, "notice")
    text = decode(data, what if what == "notice" else f"{what} file")
    if what == "CSV":
        return parse_table(text, fmt="csv", year=year)
    if what == "YAML":
        return parse_table(text, fmt="yaml", year=year)
    if text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR"):
        return parse_ics(text.encode("utf-8"), year=year)
    if year is not None:
        check_year(year)
    return [parse_notice(text, year=year)]
