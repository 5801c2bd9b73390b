"""The year's official holiday schedule read from the State Council's notice, an iCalendar feed
or a CSV/YAML list: the days off and the adjusted working days a user's calendar will follow.

The notices of 2017-2026 in tests/fixtures/notices are the published texts; read, they must give
the days chinese-calendar (the holiday package the tool falls back on) knows for those years.
"""

from __future__ import annotations

import codecs
from datetime import date, timedelta
from pathlib import Path

import pytest
from chinese_calendar import constants as cc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomops.core.schedule import (
    Schedule,
    parse_ics,
    parse_notice,
    parse_table,
    read_schedule,
)
from ecomops.errors import InvalidInput
from ecomops.text import converter

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
YEARS = range(2017, 2027)


def notice(year: int | str) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def D(text: str) -> date:  # noqa: N802 - reads like a literal
    return date.fromisoformat(text)


# --- the published notices against chinese-calendar ------------------------------------------

#: What the State Council changed after the year's notice (chinese-calendar has the change):
#: 2019's 劳动节 became 5月1日至4日 with 4月28日 and 5月5日 worked (国办发明电〔2019〕3号), and
#: 2020's 春节 was extended to 2月2日 for COVID-19, 2月1日 no longer worked (〔2020〕1号). Both
#: texts are in the fixtures; they change one holiday and are refused as a year's schedule.
CHANGES: dict[int, tuple[set[date], set[date], set[date]]] = {  # year: (+off, +work, -work)
    2019: (days(D("2019-05-02"), D("2019-05-04")), {D("2019-04-28"), D("2019-05-05")}, set()),
    2020: (days(D("2020-01-31"), D("2020-02-02")), set(), {D("2020-02-01")}),
}
#: chinese-calendar's quirk: for "X日放假，与周末连休" it sometimes counts the weekend as holiday
#: days too (2019's three Friday holidays; 2023-12-30/31 before 2024's 元旦 on a Monday) and
#: sometimes not (2017's 劳动节, 2018's 元旦/端午节/中秋节, 2024's 端午节). The notice names the
#: one day; the parser gives that day only. The weekend is off either way.
CC_WEEKEND_EXTRAS: dict[int, set[date]] = {
    2019: {D("2019-04-06"), D("2019-04-07"), D("2019-06-08"), D("2019-06-09"),
           D("2019-09-14"), D("2019-09-15")},
    2023: {D("2023-12-30"), D("2023-12-31")},
}


def cc_year(table: dict[date, object], year: int) -> set[date]:
    return {d for d in table if d.year == year}


def expected_from_notices(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """The year's days off and working days from its notice, the days the next year's notice
    sets in December (its 元旦), and the later changes."""
    sched = parse_notice(notice(year))
    off, work = dict(sched.off), dict(sched.work)
    if (NOTICES / f"{year + 1}.txt").exists():
        for d, (kind, name) in parse_notice(notice(year + 1)).outside.items():
            assert d.year == year
            (off if kind == "off" else work)[d] = name
    plus_off, plus_work, minus_work = CHANGES.get(year, (set(), set(), set()))
    off.update(dict.fromkeys(plus_off, "change"))
    work.update(dict.fromkeys(plus_work, "change"))
    for d in minus_work:
        del work[d]
    return off, work


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_gives_chinese_calendars_days_off_and_working_days(year):
    off, work = expected_from_notices(year)
    extras = CC_WEEKEND_EXTRAS.get(year, set())
    assert all(d.weekday() >= 5 for d in extras)  # the quirk touches weekend days only
    assert set(off) | extras == cc_year(cc.holidays, year)
    assert set(off).isdisjoint(extras)
    assert set(work) == cc_year(cc.workdays, year)


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_gives_chinese_calendars_working_days_on_every_day_of_the_year(year):
    off, work = expected_from_notices(year)
    for d in days(date(year, 1, 1), date(year, 12, 31)):
        ours = d in work or (d.weekday() < 5 and d not in off)
        theirs = d in cc.workdays or (d.weekday() < 5 and d not in cc.holidays)
        assert ours == theirs, d


@pytest.mark.parametrize("year", YEARS)
def test_each_day_carries_its_holidays_name(year):
    sched = parse_notice(notice(year))
    chinese = {h.value: h.chinese for h in cc.Holiday}  # 清明, 端午, 中秋: without 节
    for d, name in [*sched.off.items(), *sched.work.items()]:
        table = cc.holidays if d in sched.off else cc.workdays
        if d in table:
            assert chinese[table[d]] in name, (d, name)
    assert set(sched.off.values()) | set(sched.work.values()) <= {
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
        "中秋节、国庆节", "国庆节、中秋节",
    }


def test_2026_as_a_user_reads_it():
    sched = parse_notice(notice(2026))
    assert (sched.year, sched.kind, sched.outside) == (2026, "notice", {})
    assert sched.work == {
        D("2026-01-04"): "元旦",
        D("2026-02-14"): "春节",
        D("2026-02-28"): "春节",
        D("2026-05-09"): "劳动节",
        D("2026-09-20"): "国庆节",
        D("2026-10-10"): "国庆节",
    }
    assert {d for d, n in sched.off.items() if n == "春节"} == days(D("2026-02-15"), D("2026-02-23"))
    assert sched.off[D("2026-09-25")] == "中秋节"  # the last Friday of September
    assert len(sched.off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert D("2025-11-04") not in sched.off  # the signature's date
    assert list(sched.off) == sorted(sched.off)


@pytest.mark.parametrize(
    ("year", "day", "name"),
    [
        (2017, D("2017-10-04"), "中秋节、国庆节"),
        (2020, D("2020-10-08"), "国庆节、中秋节"),
        (2023, D("2023-09-29"), "中秋节、国庆节"),
        (2025, D("2025-10-06"), "国庆节、中秋节"),
        (2017, D("2017-01-02"), "元旦"),  # 1月2日（星期一）补休
        (2025, D("2025-01-01"), "元旦"),  # 放假1天，不调休
    ],
)
def test_merged_and_single_holidays_are_named_as_the_notice_names_them(year, day, name):
    assert parse_notice(notice(year)).off[day] == name


def test_a_remark_in_brackets_is_no_day_off():
    # 2024: "鼓励各单位……安排职工在除夕（2月9日）休息" encourages; it makes no day off
    assert D("2024-02-09") not in parse_notice(notice(2024)).off


def test_the_2025_preamble_gives_no_day():
    # "自2025年1月1日起……国庆节自10月1日起……（如逢周三则只在当日放假）"
    sched = parse_notice(notice(2025))
    assert sched.off[D("2025-01-01")] == "元旦" and D("2025-01-02") not in sched.off


@pytest.mark.parametrize(
    ("year", "outside", "first_off"),
    [
        (2019, {D("2018-12-29"): ("work", "元旦"), D("2018-12-30"): ("off", "元旦"),
                D("2018-12-31"): ("off", "元旦")}, D("2019-01-01")),
        (2023, {D("2022-12-31"): ("off", "元旦")}, D("2023-01-01")),
    ],
)
def test_a_new_years_day_starting_in_december_sets_those_days_outside(year, outside, first_off):
    sched = parse_notice(notice(year))
    assert sched.outside == outside
    assert min(sched.off) == first_off and all(d.year == year for d in [*sched.off, *sched.work])


# --- the same notice, written otherwise ------------------------------------------------------

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("year", [2017, 2024, 2026])
def test_traditional_characters_and_full_width_digits_give_the_same_schedule(year):
    text = converter("s2t").convert(notice(year)).replace("周", "週")
    assert "節" in text and "勞動節" in text and "國" in text
    text = text.translate(FULL_WIDTH_DIGITS)
    assert parse_notice(text) == parse_notice(notice(year))


ASCII = str.maketrans({"：": ":", "（": "(", "）": ")", "，": ",", "。": ".", "　": " "})


@pytest.mark.parametrize("year", [2019, 2023, 2025, 2026])
def test_ascii_punctuation_gives_the_same_schedule(year):
    text = notice(year).translate(ASCII)
    assert "：" not in text and "（" not in text
    assert parse_notice(text) == parse_notice(notice(year))


@pytest.mark.parametrize("year", [2020, 2026])
def test_a_notice_pasted_as_one_paragraph_gives_the_same_schedule(year):
    text = "".join(line.strip() for line in notice(year).splitlines())
    assert parse_notice(text) == parse_notice(notice(year))


def test_a_notice_copied_from_a_news_page_with_its_header_and_footer():
    page = (
        "正在阅读：国务院办公厅关于2026年部分节假日安排的通知\n首页> 时政频道> 国内 > 正文\n"
        "来源：新华网2025-11-04 22:15\n"
        "  新华社北京11月4日电 国务院办公厅关于2026年部分节假日安排的通知，全文如下：\n  各省、"
        + notice(2026).split("各省、", 1)[1]
        + "\n[ 责编：张倩 ]\n相关阅读\n1. 来源：新华社 2025年11月5日\n"
    )
    assert parse_notice(page) == parse_notice(notice(2026))


@pytest.mark.parametrize(
    ("text", "year", "off", "work"),
    [
        ("一、元旦：1月1日（周三）放假1天，不调休。", 2025, {D("2025-01-01")}, set()),
        ("元旦：1月1日放假，与周末连休。", 2024, {D("2024-01-01")}, set()),
        ("五、端午节：5月31日（周六）放假。", 2025, {D("2025-05-31")}, set()),
        ("三、清明节：4月5日放假，4月6日（星期一）补休。", 2015, {D("2015-04-05"), D("2015-04-06")},
         set()),
        ("六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。", 2023,
         days(D("2023-09-29"), D("2023-10-06")), set()),
        ("四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日），5月11日（星期六）上班。", 2024,
         days(D("2024-05-01"), D("2024-05-05")), {D("2024-04-28"), D("2024-05-11")}),
        ("二、春节：2月13日至19日放假调休，共7天。2月20日（星期六）、21日（星期日）上班。", 2010,
         days(D("2010-02-13"), D("2010-02-19")), {D("2010-02-20"), D("2010-02-21")}),
        ("二、春节：2月15日-23日放假调休，共9天。", 2026, days(D("2026-02-15"), D("2026-02-23")),
         set()),
        ("二、春节：\n2月15日至23日放假调休，共9天。", 2026, days(D("2026-02-15"), D("2026-02-23")),
         set()),
        ("2. 春节: 2月15日(周日)至23日(周一)放假调休,共9天; 2月14日(周六)上班", 2026,
         days(D("2026-02-15"), D("2026-02-23")), {D("2026-02-14")}),
        ("七、国庆节：10月1日至7日放假调休，共七天。", 2026, days(D("2026-10-01"), D("2026-10-07")),
         set()),
    ],
)
def test_the_ways_a_notice_writes_its_days(text, year, off, work):
    sched = parse_notice(text, year=year)
    assert (set(sched.off), set(sched.work)) == (off, work)


def test_a_new_years_day_across_years_written_without_years():
    # chinese-calendar quotes 2019's notice so: "12月30日至1月1日放假，共3天。12月29日（星期六）上班。"
    sched = parse_notice("一、元旦：12月30日至1月1日放假，共3天。12月29日（星期六）上班。", year=2019)
    assert sched.off == {D("2019-01-01"): "元旦"}
    assert sched.outside == {D("2018-12-29"): ("work", "元旦"), D("2018-12-30"): ("off", "元旦"),
                             D("2018-12-31"): ("off", "元旦")}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("一、國慶節、中秋節：10月1日至8日放假調休，共8天。", "国庆节、中秋节"),
        ("三、清明：4月4日至6日放假，共3天。", "清明节"),
        ("四、勞動節：5月1日至5日放假調休，共5天。", "劳动节"),
    ],
)
def test_section_names_are_simplified_and_completed(text, name):
    assert set(parse_notice(text, year=2025).off.values()) == {name}


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("国务院办公厅关于2026年部分节假日安排的通知\n二、春节：2月15日至23日放假调休，共9天。", None),
        ("2026年放假安排\n二、春节：2月15日至23日放假调休，共9天。", None),
        ("二、春节：2月15日至23日放假调休，共9天。", 2026),
        ("国务院办公厅关于2026年部分节假日安排的通知\n二、春节：2月15日至23日放假调休，共9天。", 2026),
    ],
)
def test_the_year_comes_from_the_title_the_first_line_or_the_caller(text, year):
    assert parse_notice(text, year=year).year == 2026


# --- what is refused, in one line ------------------------------------------------------------

N26 = notice(2026)


@pytest.mark.parametrize(
    ("text", "year", "message"),
    [
        ("", None, "the notice is empty"),
        ("  \n\t\n", None, "the notice is empty"),
        ("hello world", None, "no holiday found: is this the State Council's notice?"),
        (N26.split("一、")[0], None, "no holiday found: is this the State Council's notice?"),
        ("二、春节：2月15日至23日放假调休，共9天。", None, "the notice names no year"),
        ("二、春节：2月30日放假。", 2026, "line 1 of the notice: '2月30日' is not a day"),
        ("标题\n二、春节：13月1日放假。", 2026, "line 2 of the notice: '13月1日' is not a day"),
        ("七、国庆节：10月8日至10月1日放假。", 2026,
         "line 1 of the notice: the range '10月8日至10月1日' ends before it starts"),
        ("七、国庆节：9月1日至10月8日放假。", 2026,
         "line 1 of the notice: the range '9月1日至10月8日' is longer than a month"),
        ("一、元旦：3日放假。", 2026, "line 1 of the notice: '3日' names no month"),
        ("一、元旦：2030年1月1日放假。", 2026, "line 1 of the notice: '2030年1月1日' is not in 2026"),
        ("二、春节：2月15日放假，2月16日。", 2026,
         "line 1 of the notice: '2月16日' is neither 放假 nor 上班"),
        ("二、春节：2月15日，2月16日。", 2026,
         "line 1 of the notice: '春节' gives days but neither 放假 nor 上班"),
        ("二、春节：2月15日放假。\n三、清明节：2月15日上班。", 2026,
         "line 2 of the notice: 2月15日 is already a day off (line 1)"),
        (N26.replace("关于2026年", "关于2025年").replace("现将2026年", "现将2025年"), None,
         "line 9 of the notice: '1月1日' is a Wednesday in 2025, not 周四"),
        (N26, 2025, "the notice is for 2026, not 2025"),
        ("国务院办公厅关于3000年部分节假日安排的通知\n一、元旦：1月1日放假。", None,
         "the notice's year '3000' is out of range"),
        (notice("2019-labour-day-change"), None,
         "this notice changes one holiday (关于调整… / 关于延长…); it is not a year's schedule"),
        (notice("2020-spring-festival-extension"), None,
         "this notice changes one holiday (关于调整… / 关于延长…); it is not a year's schedule"),
    ],
)
def test_bad_notices_are_refused_in_one_line(text, year, message):
    with pytest.raises(InvalidInput) as err:
        parse_notice(text, year=year)
    assert err.value.message.startswith(message)
    assert "\n" not in str(err.value) and err.value.hint


def test_a_count_that_does_not_match_names_the_line_and_both_numbers():
    with pytest.raises(InvalidInput) as err:
        parse_notice(N26.replace("共9天", "共8天"))
    assert err.value.message == "line 11 of the notice: '春节' gives 9 days off, not the 8 it says"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02\x03BEGIN", "the notice is not text (it holds NUL bytes)"),
        (b"\x80\x81\xff\xfe\xfd", "the notice is neither UTF-8 nor GB18030 text"),
        (bytes(range(256)) * 4, "the notice is not text (it holds NUL bytes)"),
        (b"", "the notice is empty"),
    ],
)
def test_files_that_are_not_text_are_refused(data, message):
    with pytest.raises(InvalidInput, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        read_schedule("notice.txt", data)


# --- the 2027 sample (made up, for tests of the commands) ------------------------------------


def test_the_2027_sample_says_it_is_a_sample_and_gives_these_days():
    text = notice("2027-sample")
    assert "SAMPLE" in text.splitlines()[0] and "NOT AN OFFICIAL NOTICE" in text.splitlines()[0]
    [sched] = read_schedule("2027-sample.txt", text.encode("utf-8"))
    assert (sched.year, sched.kind, sched.outside) == (2027, "notice", {})
    assert sched.off == {
        **dict.fromkeys(days(D("2027-01-01"), D("2027-01-03")), "元旦"),
        **dict.fromkeys(days(D("2027-02-05"), D("2027-02-13")), "春节"),
        **dict.fromkeys(days(D("2027-04-03"), D("2027-04-05")), "清明节"),
        **dict.fromkeys(days(D("2027-04-30"), D("2027-05-04")), "劳动节"),
        D("2027-06-09"): "端午节",
        D("2027-09-15"): "中秋节",
        **dict.fromkeys(days(D("2027-10-01"), D("2027-10-07")), "国庆节"),
    }
    assert sched.work == {
        D("2027-01-31"): "春节",
        D("2027-02-20"): "春节",
        D("2027-04-25"): "劳动节",
        D("2027-05-08"): "劳动节",
        D("2027-09-26"): "国庆节",
        D("2027-10-09"): "国庆节",
    }
    assert D("2027-02-08").weekday() == 0 and D("2027-02-08") in sched.off  # a Monday off
    assert D("2027-04-30").weekday() == 4 and D("2027-04-30") in sched.off  # April's last Friday
    assert D("2027-02-20").weekday() == 5 and D("2027-02-20") in sched.work  # a Saturday worked


# --- iCalendar feeds -------------------------------------------------------------------------


def feed(*events: str, crlf: bool = True) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//holidays//CN"]
    for i, ev in enumerate(events):
        body += ["BEGIN:VEVENT", f"UID:ev{i}@test", "DTSTAMP:20251104T000000Z",
                 *ev.strip().splitlines(), "END:VEVENT"]
    body.append("END:VCALENDAR")
    return ("\r\n" if crlf else "\n").join(body).encode("utf-8") + b"\r\n"


def ev(summary: str, start: str, end: str | None = None, extra: str = "") -> str:
    lines = [f"SUMMARY:{summary}", f"DTSTART;VALUE=DATE:{start}"]
    if end:
        lines.append(f"DTEND;VALUE=DATE:{end}")
    return "\n".join(lines) + ("\n" + extra if extra else "")


FEED_2026 = feed(
    ev("元旦 (休)", "20260101", extra="DURATION:P3D"),
    ev("Workday", "20260104"),
    ev("春节 休", "20260215", "20260224"),  # DTEND is exclusive: the 15th to the 23rd
    ev("春节 班", "20260214"),
    ev("春节调休上班", "20260228", "20260301"),
    ev("清明节", "20260404", "20260407", extra="X-APPLE-SPECIAL-DAY:WORK-HOLIDAY"),
    ev("National Day holiday", "20261001", "20261008"),
    ev("補班", "20261010"),
)


def test_a_feed_gives_days_off_and_working_days_with_their_names():
    [sched] = parse_ics(FEED_2026)
    assert (sched.year, sched.kind) == (2026, "ics")
    assert {d for d, n in sched.off.items() if n == "春节"} == days(D("2026-02-15"), D("2026-02-23"))
    assert {d for d, n in sched.off.items() if n == "元旦"} == days(D("2026-01-01"), D("2026-01-03"))
    assert {d for d, n in sched.off.items() if n == "国庆节"} == days(D("2026-10-01"), D("2026-10-07"))
    assert {d for d, n in sched.off.items() if n == "清明节"} == days(D("2026-04-04"), D("2026-04-06"))
    assert sched.work == {
        D("2026-01-04"): "元旦",  # no name: the nearest holiday's
        D("2026-02-14"): "春节",
        D("2026-02-28"): "春节",
        D("2026-10-10"): "国庆节",
    }
    assert D("2026-02-24") not in sched.off and D("2026-03-01") not in sched.work


def test_a_feed_gives_the_notices_days():
    notice_2026 = parse_notice(notice(2026))
    events = [ev(f"{name} 休", d.strftime("%Y%m%d")) for d, name in notice_2026.off.items()]
    events += [ev(f"{name} 班", d.strftime("%Y%m%d")) for d, name in notice_2026.work.items()]
    [sched] = parse_ics(feed(*events, crlf=False))
    assert (sched.off, sched.work) == (notice_2026.off, notice_2026.work)


def test_a_feed_built_by_the_icalendar_library_is_read():
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//test//CN")
    cal.add("version", "2.0")
    for summary, start, end in [("春節 休", D("2026-02-15"), D("2026-02-24")),
                                ("春節 班", D("2026-02-14"), D("2026-02-15"))]:
        event = Event()
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("uid", f"{start}@test")
        cal.add_component(event)
    [sched] = parse_ics(cal.to_ical())
    assert set(sched.off) == days(D("2026-02-15"), D("2026-02-23"))
    assert sched.work == {D("2026-02-14"): "春节"}


TWO_YEARS = feed(
    ev("元旦 休", "20251231", "20260102"),  # one event across the new year
    ev("班", "20251228"),
    ev("春节 假期", "20260215", "20260217"),
)


def test_a_feed_across_two_years_gives_one_schedule_a_year():
    first, second = parse_ics(TWO_YEARS)
    assert (first.year, first.off, first.work) == (
        2025, {D("2025-12-31"): "元旦"}, {D("2025-12-28"): "元旦"}
    )
    assert (second.year, second.off) == (
        2026, {D("2026-01-01"): "元旦", D("2026-02-15"): "春节", D("2026-02-16"): "春节"}
    )
    assert [s.year for s in parse_ics(TWO_YEARS, year=2026)] == [2026]


@pytest.mark.parametrize(
    ("data", "year", "message"),
    [
        (feed(), None, "the calendar has no events"),
        (b"", None, "the file is not an iCalendar feed"),
        (b"hello", None, "the file is not an iCalendar feed"),
        (b"BEGIN:VCALENDAR\r\ngarbage\r\nEND:VCALENDAR\r\n", None,
         "the iCalendar feed does not parse"),
        (feed(ev("除夕", "20260216")), None, "event '除夕' on 2026-02-16 says neither 休 nor 班"),
        (feed(ev("春节 休", "20260215", extra="RRULE:FREQ=YEARLY")), None,
         "event '春节 休' repeats (RRULE)"),
        (feed(ev("春节 休", "20260215", "20260210")), None, "event '春节 休' ends before it starts"),
        (feed(ev("春节 休", "20260215", "20260415")), None, "event '春节 休' is longer than a month"),
        (feed(ev("春节 休", "20261301")), None, "event '春节 休': its DTSTART does not parse"),
        (feed("SUMMARY:春节 休"), None, "event '春节 休' has no start day (DTSTART)"),
        (feed(ev("春节 休", "20260215"), ev("春节 班", "20260215")), None,
         "event '春节 班' on 2026-02-15: 2026-02-15 is both a day off and a working day"),
        (TWO_YEARS, 2027, "the calendar has no day in 2027"),
        (TWO_YEARS, 3000, "year 3000 is out of range"),
    ],
)
def test_bad_feeds_are_refused_in_one_line(data, year, message):
    with pytest.raises(InvalidInput) as err:
        parse_ics(data, year=year)
    assert err.value.message.startswith(message)
    assert "\n" not in str(err.value)


# --- CSV and YAML lists ----------------------------------------------------------------------

EXPECTED_TABLE = [
    Schedule(2026, "csv", {D("2026-02-15"): "春节", D("2026-02-16"): "春节"},
             {D("2026-02-14"): "春节", D("2026-02-28"): "春节"}),
]


@pytest.mark.parametrize(
    "text",
    [
        "date,kind,name\n2026-02-14,work,春节\n2026-02-15,off,春节\n2026-02-16,off,春节\n"
        "2026-02-28,work,春节\n",
        "2026-02-14,班,春节\n2026-02-15,休,春节\n2026-02-16,放假,春節\n2026-02-28,上班,春节\n",
        "名称,日期,类型\n春节,2026/02/14,workday\n春节,2026/2/15,holiday\n春节,20260216,Off\n"
        "春节,2026年2月28日,补班\n",
        "# 2026's Spring Festival\n\n2026-02-14\twork\t春节\n2026-02-15\toff\t春节\n"
        "2026-02-16\toff\n2026-02-28\twork\n",
        "日期，类型，名称\r\n２０２６-02-14，班，春节\r\n2026-02-15，休，春节\r\n2026-02-16，休，春节\r\n"
        "2026-02-28，班，春节\r\n",
    ],
    ids=["english-header", "no-header-chinese-kinds", "chinese-header-reordered", "tabs",
         "full-width"],
)
def test_a_csv_list_gives_the_days(text):
    assert parse_table(text, fmt="csv") == EXPECTED_TABLE


@pytest.mark.parametrize(
    "text",
    [
        "- {date: 2026-02-14, kind: work, name: 春节}\n- {date: 2026-02-15, kind: off, name: 春节}\n"
        "- {date: '2026-02-16', kind: 休, name: 春節}\n- {date: 2026-02-28, kind: 班}\n",
        "2026-02-14: 班 春节\n2026-02-15: off 春节\n2026-02-16: 春节 休\n2026-02-28: workday\n",
        "- 日期: 2026-02-14\n  类型: 上班\n  名称: 春节\n- {日期: 2026-02-15, 类型: off, 名称: 春节}\n"
        "- {date: 2026-02-16, kind: off}\n- {date: 2026-02-28, kind: work}\n",
        "2026-02-14: {kind: work, name: 春节}\n2026-02-15: {kind: off, name: 春节}\n"
        "2026-02-16: off\n2026-02-28: work\n",
    ],
    ids=["list", "mapping", "chinese-keys", "mapping-of-mappings"],
)
def test_a_yaml_list_gives_the_days(text):
    [sched] = parse_table(text, fmt="yaml")
    assert (sched.year, sched.kind, sched.off, sched.work) == (
        2026, "yaml", EXPECTED_TABLE[0].off, EXPECTED_TABLE[0].work
    )


def test_a_table_across_two_years_gives_one_schedule_a_year():
    text = "2025-12-31,off,元旦\n2026-01-01,off,元旦\n2026-01-04,work,元旦\n"
    first, second = parse_table(text, fmt="csv")
    assert (first.year, first.off) == (2025, {D("2025-12-31"): "元旦"})
    assert (second.year, second.off, second.work) == (
        2026, {D("2026-01-01"): "元旦"}, {D("2026-01-04"): "元旦"}
    )
    [only] = parse_table(text, fmt="csv", year=2025)
    assert only == first


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("", "csv", "the CSV lists no day"),
        ("date,kind,name\n", "csv", "the CSV lists no day"),
        ("date,kind,name\n2026-02-15,off,春节\n2026-02-16,maybe,春节\n", "csv",
         "line 3 of the CSV: kind 'maybe' is neither off nor work"),
        ("2026-02-30,off,春节\n", "csv", "line 1 of the CSV: '2026-02-30' is not a day"),
        ("tomorrow,off,春节\n", "csv", "line 1 of the CSV: 'tomorrow' is not a date"),
        ("2026-02-15\n", "csv", "line 1 of the CSV: '2026-02-15' is not date,kind,name"),
        ("date,name\n2026-02-15,春节\n", "csv", "line 1 of the CSV: the header names no kind column"),
        ("2026-02-15,off,春节\n2026-02-15,work,春节\n", "csv",
         "line 2 of the CSV: 2026-02-15 is both a day off and a working day (line 1 of the CSV)"),
        ("- [unclosed", "yaml", "the YAML does not parse at line 1"),
        ("date: 2026-13-45\n", "yaml", "the YAML does not parse"),
        ("just words", "yaml", "the YAML is neither a list of days nor a mapping of days"),
        ("- 2026-02-15\n", "yaml", "entry 1 of the YAML is not a mapping {date, kind, name}"),
        ("- {date: 2026-02-15}\n", "yaml", "entry 1 of the YAML has no kind"),
        ("- {date: 2026-02-15, kind: maybe}\n", "yaml",
         "entry 1 of the YAML: kind 'maybe' is neither off nor work"),
        ("2026-02-15: 春节\n", "yaml", "entry '2026-02-15' of the YAML: '春节' says neither off nor work"),
        ("2026-02-15,off\n", "xlsx", "unknown table format 'xlsx'"),
    ],
)
def test_bad_tables_are_refused_in_one_line(text, fmt, message):
    with pytest.raises(InvalidInput) as err:
        parse_table(text, fmt=fmt)
    assert err.value.message.startswith(message)
    assert "\n" not in str(err.value)


# --- files: the reader by extension or content, and the encoding -----------------------------


@pytest.mark.parametrize(
    ("filename", "data", "kind"),
    [
        ("2026.txt", N26.encode("utf-8"), "notice"),
        ("2026.md", codecs.BOM_UTF8 + N26.encode("utf-8"), "notice"),
        ("通知", N26.encode("gb18030"), "notice"),
        ("2026.txt", N26.encode("utf-16"), "notice"),
        ("feed.ics", FEED_2026, "ics"),
        ("C:\\Users\\me\\Holidays.ICAL", FEED_2026, "ics"),
        ("feed.txt", FEED_2026, "ics"),  # BEGIN:VCALENDAR inside
        ("days.csv", "date,kind,name\n2026-02-15,off,春节\n".encode("gb18030"), "csv"),
        ("days.yml", codecs.BOM_UTF8 + "2026-02-15: off 春节\n".encode(), "yaml"),
        ("days.yaml", "- {date: 2026-02-15, kind: off, name: 春节}\n".encode(), "yaml"),
    ],
)
def test_a_file_is_read_by_its_extension_or_content_in_utf8_or_gb18030(filename, data, kind):
    [sched] = read_schedule(filename, data)
    assert (sched.year, sched.kind, sched.off[D("2026-02-15")]) == (2026, kind, "春节")


def test_the_year_given_picks_it_from_a_file_with_several():
    text = "2025-12-31,off,元旦\n2026-01-01,off,元旦\n"
    assert [s.year for s in read_schedule("x.csv", text.encode(), year=2026)] == [2026]


# --- nothing but InvalidInput, whatever the input --------------------------------------------

NOTICE_BITS = st.sampled_from([
    "一、", "二、", "七、", "元旦", "春节", "國慶節", "中秋节、国庆节", "：", ":", "（周六）", "(星期日)",
    "（", "）", "1", "2", "12", "13", "30", "2026", "2026年", "2025年", "月", "日", "号", "至", "-",
    "放假", "调休", "补休", "上班", "补班", "共", "天", "3天", "共九天", "，", "、", "。", ".", "\n",
    " ", "关于2026年部分节假日", "与周末连休", "不调休", "农历除夕", "〔2025〕", "0", "9",
])


def _refused_or_read(call) -> None:
    try:
        result = call()
    except InvalidInput as err:
        assert "\n" not in str(err)
        assert len(err.message) < 200
    else:
        assert all(isinstance(s, Schedule) for s in (result if isinstance(result, list) else [result]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.one_of(st.none(), st.integers(1800, 3100)))
def test_any_text_is_read_or_refused_as_a_notice(text, year):
    _refused_or_read(lambda: parse_notice(text, year=year))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NOTICE_BITS, max_size=60).map("".join), st.one_of(st.none(), st.just(2026)))
def test_notice_like_text_is_read_or_refused(text, year):
    _refused_or_read(lambda: parse_notice(text, year=year))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["a.txt", "a.ics", "a.csv", "a.yaml", "a"]),
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: ("BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + t).encode()),
        st.text(alphabet="0123456789-,:年月日休班offwork \n{}[]", max_size=120).map(str.encode),
    ),
)
def test_any_file_is_read_or_refused(filename, data):
    _refused_or_read(lambda: read_schedule(filename, data))


ICS_LINES = st.sampled_from([
    "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "SUMMARY:春节 休",
    "SUMMARY:班", "SUMMARY:除夕", "SUMMARY:", "DTSTART;VALUE=DATE:20260215",
    "DTSTART;VALUE=DATE:99991231", "DTSTART;VALUE=DATE:00010101", "DTSTART;VALUE=DATE:20261301",
    "DTSTART:20260215T100000Z", "DTSTART;TZID=Asia/Shanghai:20260215T000000",
    "DTEND;VALUE=DATE:20260220", "DTEND;VALUE=DATE:20260210", "DTEND:20260216T000000Z",
    "DURATION:P3D", "DURATION:-P3D", "DURATION:PT5H", "DURATION:P99999999D", "RRULE:FREQ=DAILY",
    "STATUS:CANCELLED", "X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY", "garbage", " folded",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ICS_LINES, max_size=25).map("\n".join), st.one_of(st.none(), st.just(2026)))
def test_feed_like_text_is_read_or_refused(text, year):
    _refused_or_read(lambda: parse_ics(text.encode(), year=year))
