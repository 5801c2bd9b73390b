"""Days, months and ISO weeks as people type them (issue 20, item 4): each form, and a value
without its year as the nearest one to the caller's today, at the edges of a year, on leap
days and in the years with an ISO week 53. Pure: every test names its today."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ecomops.core.calendar import Month, parse_date, parse_month, parse_week, weeks_in
from ecomops.errors import InvalidInput

D = date

# --- days --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        # each form without the year
        ("1月8日", D(2026, 12, 31), D(2027, 1, 8)),
        ("1月8号", D(2026, 12, 31), D(2027, 1, 8)),
        ("01-08", D(2026, 12, 31), D(2027, 1, 8)),
        ("1-8", D(2026, 12, 31), D(2027, 1, 8)),
        ("1/8", D(2026, 12, 31), D(2027, 1, 8)),
        ("1.8", D(2026, 12, 31), D(2027, 1, 8)),
        ("１月８日", D(2026, 12, 31), D(2027, 1, 8)),  # full-width digits
        ("０１／０８", D(2026, 12, 31), D(2027, 1, 8)),
        (" 1 月 8 日 ", D(2026, 12, 31), D(2027, 1, 8)),
        # the nearest, across the turn of the year: 31 Dec, 1 Jan, 2 Jan
        ("1月1日", D(2026, 12, 31), D(2027, 1, 1)),
        ("12月31日", D(2026, 12, 31), D(2026, 12, 31)),  # today itself
        ("12月30日", D(2027, 1, 1), D(2026, 12, 30)),
        ("12月30日", D(2027, 1, 2), D(2026, 12, 30)),
        ("1月2日", D(2027, 1, 2), D(2027, 1, 2)),
        ("1月3日", D(2027, 1, 2), D(2027, 1, 3)),
        ("11-30", D(2027, 1, 2), D(2026, 11, 30)),
        # mid-year: whichever is nearer, in the past or in the future
        ("1月8日", D(2026, 6, 15), D(2026, 1, 8)),
        ("12月1日", D(2026, 6, 15), D(2026, 12, 1)),
        ("7月1日", D(2027, 1, 1), D(2027, 7, 1)),  # 181 days ahead, 184 back
        # equally near (183 days each way, 29 February 2028 between them): the later one
        ("3月1日", D(2027, 8, 31), D(2028, 3, 1)),
        ("3月1日", D(2027, 8, 30), D(2027, 3, 1)),  # a day earlier: the past one is nearer
        # 29 February: the nearest of last, this and next year that has one
        ("2月29日", D(2027, 1, 2), D(2028, 2, 29)),
        ("2/29", D(2029, 1, 2), D(2028, 2, 29)),
        ("2月29日", D(2028, 9, 1), D(2028, 2, 29)),
        ("02-29", D(2027, 12, 31), D(2028, 2, 29)),
        # a year typed: today plays no part
        ("2026-01-08", D(2030, 6, 1), D(2026, 1, 8)),
        ("2026年1月8日", D(2030, 6, 1), D(2026, 1, 8)),
    ],
)
def test_a_day_without_its_year_is_the_nearest(typed, today, expected):
    assert parse_date(typed, "--due", today=today) == expected


@pytest.mark.parametrize(
    ("typed", "today", "message"),
    [
        ("2月29日", D(2026, 12, 31),
         "--due '2月29日' has no year, and none of 2025, 2026 and 2027 has a 29 February; "
         "give the year, e.g. 2028-02-29"),
        ("2月29日", D(2099, 6, 1),  # 2100 is no leap year: the nearest one is behind
         "none of 2098, 2099 and 2100 has a 29 February; give the year, e.g. 2096-02-29"),
        ("2月30日", D(2026, 12, 31), "--due '2月30日' is not a day of the calendar"),
        ("13/1", D(2026, 12, 31), "--due '13/1' is not a day of the calendar"),
        ("1月1日", D(2999, 12, 31), "--due '1月1日' is out of range; give a year from 1900 to 2999"),
        ("12月31日", D(1900, 1, 1), "--due '12月31日' is out of range"),
        ("1月8日", None, "--due '1月8日' has no year"),
        ("8日", D(2026, 12, 31), "--due '8日' is not a date"),
        ("2026年1月", D(2026, 12, 31), "--due '2026年1月' is not a date"),
    ],
)
def test_a_day_that_cannot_be_placed_is_refused_in_one_line(typed, today, message):
    with pytest.raises(InvalidInput) as err:
        parse_date(typed, "--due", today=today)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_the_hint_for_a_day_lists_the_forms():
    with pytest.raises(InvalidInput) as err:
        parse_date("tomorrow", "--due", today=D(2026, 12, 31))
    assert err.value.hint == ("write it as YYYY-MM-DD (2026-11-30, 2026/11/30, 2026年11月30日), "
                              "or 11月30日 or 11/30 for the nearest 30 November")


# --- months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11", Month(2026, 11)),
        ("2026-1", Month(2026, 1)),
        ("2026/12", Month(2026, 12)),
        ("2026.12", Month(2026, 12)),
        ("2026年12月", Month(2026, 12)),
        ("2026年12月份", Month(2026, 12)),
        ("2026年1月", Month(2026, 1)),
        (" 2026 年 12 月 ", Month(2026, 12)),
        ("２０２６年１２月", Month(2026, 12)),
        ("２０２６-１１", Month(2026, 11)),
        ("２０２６／１２", Month(2026, 12)),
    ],
)
def test_the_forms_of_a_month(typed, expected):
    assert parse_month(typed) == expected
    assert parse_month(typed, today=D(2031, 7, 1)) == expected  # a year typed: today plays no part


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("1月", D(2026, 12, 15), "2027-01"),
        ("11月", D(2026, 12, 15), "2026-11"),
        ("12月", D(2026, 12, 15), "2026-12"),
        ("12月份", D(2026, 12, 15), "2026-12"),
        ("１月", D(2026, 12, 31), "2027-01"),
        ("1月份", D(2026, 12, 31), "2027-01"),
        ("12月", D(2027, 1, 1), "2026-12"),
        ("12月", D(2027, 1, 2), "2026-12"),
        ("2月", D(2027, 1, 2), "2027-02"),
        ("1月", D(2026, 6, 15), "2026-01"),  # 5 months back, 7 ahead
        ("12月", D(2026, 6, 15), "2026-12"),  # 6 months either way: the later
        ("7月", D(2026, 1, 31), "2026-07"),  # 6 months either way: the later
        ("8月", D(2026, 1, 31), "2025-08"),
    ],
)
def test_a_month_without_its_year_is_the_nearest(typed, today, expected):
    assert str(parse_month(typed, today=today)) == expected


@pytest.mark.parametrize(
    ("typed", "today", "message"),
    [
        ("12月", None, "'12月' has no year; write it with the year, e.g. 2026-12"),
        ("2026-13", None, "'2026-13' is not a month; write it as YYYY-MM with a month from 01 to 12"),
        ("13月", D(2026, 12, 1), "'13月' is not a month; write it as YYYY-MM with a month from 01"),
        ("0月", D(2026, 12, 1), "'0月' is not a month"),
        ("2026年0月", None, "'2026年0月' is not a month"),
        ("11", D(2026, 12, 1), "'11' is not a month; write it as YYYY-MM (2026-11), 2026/11, "
         "2026年11月(份), or 11月(份) for the nearest November"),
        ("2026", D(2026, 12, 1), "'2026' is not a month"),
        ("2026年", D(2026, 12, 1), "'2026年' is not a month"),
        ("2026-11-30", D(2026, 12, 1), "'2026-11-30' is not a month"),
        ("2026-W49", D(2026, 12, 1), "'2026-W49' is not a month"),
        ("十二月", D(2026, 12, 1), "'十二月' is not a month"),
        ("0000-11", None, "month '0000-11' is out of range; give a year from 1900 to 2999"),
        ("1月", D(2999, 12, 31), "month '1月' is out of range"),
    ],
)
def test_a_month_that_cannot_be_placed_is_refused_in_one_line(typed, today, message):
    with pytest.raises(InvalidInput) as err:
        parse_month(typed, today=today)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert err.value.param == "month"  # the command line names its option


# --- ISO weeks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["2026-W49", "2026W49", "2026-w49", "2026w49", "2026 - W 49", "2026年第49周", "2026年第49週",
     "2026年49周", "２０２６－Ｗ４９", "２０２６年第４９周"],
)
def test_the_forms_of_a_week_with_its_year(typed):
    assert parse_week(typed) == (2026, 49)
    assert parse_week(typed, today=D(2031, 7, 1)) == (2026, 49)


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        # each form without the year
        ("W49", D(2026, 12, 30), (2026, 49)),
        ("w49", D(2026, 12, 30), (2026, 49)),
        ("第49周", D(2026, 12, 30), (2026, 49)),
        ("第49週", D(2026, 12, 30), (2026, 49)),
        ("49周", D(2026, 12, 30), (2026, 49)),
        ("Ｗ４９", D(2026, 12, 30), (2026, 49)),
        ("第４９周", D(2026, 12, 30), (2026, 49)),
        # the nearest, across the turn of the year
        ("W1", D(2026, 12, 30), (2027, 1)),
        ("第1周", D(2026, 12, 30), (2027, 1)),
        ("W01", D(2026, 12, 31), (2027, 1)),
        ("W53", D(2026, 12, 30), (2026, 53)),
        ("W53", D(2026, 12, 31), (2026, 53)),
        ("W53", D(2027, 1, 1), (2026, 53)),
        ("W53", D(2027, 1, 2), (2026, 53)),  # 2 Jan 2027 is in 2026-W53
        ("W1", D(2027, 1, 2), (2027, 1)),
        ("W52", D(2027, 1, 2), (2026, 52)),
        ("W2", D(2027, 1, 2), (2027, 2)),
        ("W53", D(2027, 6, 1), (2026, 53)),  # the only week 53 among 2026, 2027, 2028
        ("W53", D(2021, 1, 2), (2020, 53)),  # 2020 has one
        ("W53", D(2032, 12, 30), (2032, 53)),  # and 2032
        ("W53", D(2032, 1, 1), (2032, 53)),
        # equally near (26 weeks either way): the later; a week before, the past one
        ("W28", D(2025, 1, 6), (2025, 28)),
        ("W28", D(2025, 1, 5), (2024, 28)),
        ("W49", D(2026, 6, 15), (2026, 49)),
        ("W10", D(2026, 12, 30), (2027, 10)),
    ],
)
def test_a_week_without_its_year_is_the_nearest(typed, today, expected):
    assert parse_week(typed, today=today) == expected


@pytest.mark.parametrize(("year", "weeks"), [(2020, 53), (2026, 53), (2032, 53), (2027, 52),
                                             (2025, 52), (2028, 52)])
def test_week_53_in_the_years_that_have_one(year, weeks):
    assert weeks_in(year) == weeks
    if weeks == 53:
        assert parse_week(f"{year}-W53") == (year, 53)
    else:
        with pytest.raises(InvalidInput, match=re.escape(f"({year} has weeks 1 to 52)")):
            parse_week(f"{year}-W53")


@pytest.mark.parametrize(
    ("typed", "today", "message"),
    [
        ("2027-W53", None, "'2027-W53' is not an ISO week (2027 has weeks 1 to 52)"),
        ("2027年第53周", None, "'2027年第53周' is not an ISO week (2027 has weeks 1 to 52)"),
        ("2026-W54", None, "'2026-W54' is not an ISO week (2026 has weeks 1 to 53)"),
        ("2026-W00", None, "'2026-W00' is not an ISO week (2026 has weeks 1 to 53)"),
        ("W53", D(2028, 6, 15),
         "'W53' is not an ISO week near 2028-06-15 (2027, 2028 and 2029 have weeks 1 to 52); "
         "give the year of a week 53, e.g. 2026-W53"),
        ("W54", D(2026, 12, 30), "'W54' is not an ISO week (a year has weeks 1 to 52, some 1 to 53)"),
        ("第0周", D(2026, 12, 30), "'第0周' is not an ISO week (a year has weeks 1 to 52"),
        ("W49", None, "'W49' has no year; write it with the year, e.g. 2026-W49"),
        ("2026-48", None, "'2026-48' is not an ISO week; write it like 2026-W49, 2026W49, "
         "2026年第49周, or W49, 第49周 or 49周 for the nearest week 49"),
        ("2026-W049", None, "'2026-W049' is not an ISO week"),
        ("2026-Wxx", None, "'2026-Wxx' is not an ISO week"),
        ("第四十九周", D(2026, 12, 30), "'第四十九周' is not an ISO week"),
        ("W", D(2026, 12, 30), "'W' is not an ISO week"),
        ("", D(2026, 12, 30), "'' is not an ISO week"),
        ("9999-W52", None, "week '9999-W52' is out of range; give a year from 1900 to 2999"),
        ("W52", D(1900, 1, 1), "week 'W52' is out of range"),  # 1899-W52
    ],
)
def test_a_week_that_cannot_be_placed_is_refused_in_one_line(typed, today, message):
    with pytest.raises(InvalidInput) as err:
        parse_week(typed, today=today)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert err.value.param == "week"  # the command line names its option


def test_the_edges_of_the_calendar():
    assert parse_week("3000-W01") == (3000, 1)  # it holds 2999-12-30 and 31
    assert parse_week("W1", today=D(2999, 12, 31)) == (3000, 1)
    assert parse_week("W1", today=D(1900, 1, 1)) == (1900, 1)
    assert parse_month("12月", today=D(2999, 12, 31)) == Month(2999, 12)
    assert parse_date("1月1日", "--due", today=D(1900, 1, 1)) == D(1900, 1, 1)
