"""Plans by e-mail, the pure rules: the period a subject names, a message's text in its
charset, HTML as text, and the two sections as mail clients write them."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest

from ecomops.core.mailplan import (
    decode_bytes,
    decode_header_value,
    html_to_text,
    imap_date,
    normal_message_id,
    parse_internaldate,
    period_of,
    read_message,
    sections,
)
from ecomops.errors import InvalidInput

MON = date(2026, 11, 23)  # a Monday of 2026-W48


@pytest.mark.parametrize(
    ("subject", "received", "expected"),
    [
        ("2026-W49 周计划", MON, ("week", "2026-W49")),
        ("2026W49", MON, ("week", "2026-W49")),
        ("W49", MON, ("week", "2026-W49")),
        ("w49 plan", MON, ("week", "2026-W49")),
        ("Week 48 plan", MON, ("week", "2026-W48")),
        ("第49周工作计划", MON, ("week", "2026-W49")),
        ("第49週", MON, ("week", "2026-W49")),
        ("2026年第48周", MON, ("week", "2026-W48")),
        ("２０２６－Ｗ４９", MON, ("week", "2026-W49")),  # full-width
        ("第４８周", MON, ("week", "2026-W48")),
        ("11月23日周计划", MON, ("week", "2026-W48")),  # a day: the week holding it
        ("2026-11-23 weekly plan", MON, ("week", "2026-W48")),
        ("2026-11 月度总结", MON, ("month", "2026-11")),
        ("2026年11月工作总结", MON, ("month", "2026-11")),
        ("11月月度总结", MON, ("month", "2026-11")),
        ("１１月 月度總結", MON, ("month", "2026-11")),
        ("月度总结", MON, ("month", "2026-11")),  # the month received
        ("月度總結", MON, ("month", "2026-11")),
        ("Monthly summary", MON, ("month", "2026-11")),
        ("周计划", MON, ("week", "2026-W48")),  # the week received
        ("11月周计划", MON, ("week", "2026-W48")),
        ("", MON, ("week", "2026-W48")),
        ("Re: 工作", date(2026, 11, 29), ("week", "2026-W48")),  # a Sunday
        # the nearest year: last December, last year's week 52, next year's week 1
        ("12月总结", date(2027, 1, 2), ("month", "2026-12")),
        ("W52", date(2027, 1, 5), ("week", "2026-W52")),
        ("W1", date(2026, 12, 30), ("week", "2027-W01")),
        ("W53", MON, ("week", "2026-W53")),  # 2026 has 53 weeks
    ],
)
def test_the_period_a_subject_names(subject, received, expected):
    assert period_of(subject, received) == expected


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        ("W54 周计划", "week 54 of 2026, which has weeks 1 to 53"),
        ("第0周", "week 0 of 2026"),
        ("2027-W53", "week 53 of 2027, which has weeks 1 to 52"),
        ("13月", "month 13; there are months 1 to 12"),
        ("2026-13 总结", "month 13"),
        ("2月30日周计划", "the day 2-30, which does not exist"),
        ("11月第4周计划", "week 4 of month 11, not an ISO week"),
    ],
)
def test_a_period_that_does_not_exist_is_refused(subject, reason):
    with pytest.raises(InvalidInput, match=reason):
        period_of(subject, MON)


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("镕".encode("gbk"), "gb2312", "镕"),  # GB2312 declared, GBK sent
        ("数据".encode("gb18030"), "GBK", "数据"),
        ("資料".encode("big5"), "big5", "資料"),
        ("数据".encode(), None, "数据"),
        ("数据".encode("gb18030"), None, "数据"),  # undeclared, not UTF-8: GB18030
        ("数据".encode(), "x-unknown", "数据"),
    ],
)
def test_charsets(data, charset, text):
    assert decode_bytes(data, charset) == text


def test_headers_in_rfc2047_and_raw_8bit():
    gbk = "=?GBK?B?" + base64.b64encode("第48周计划".encode("gbk")).decode() + "?="
    assert decode_header_value(gbk) == "第48周计划"
    assert decode_header_value("=?utf-8?Q?=E5=91=A8=E8=AE=A1=E5=88=92?= W48") == "周计划 W48"
    raw = "周计划".encode("gbk").decode("ascii", "surrogateescape")  # an 8-bit header as read
    assert decode_header_value(raw) == "周计划"
    assert decode_header_value(None) == ""


def test_html_as_text():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body><script>x()</script>"
        "<h2>上周总结</h2><p>a&amp;b<br>c</p><div>d  e</div><ul><li>f</li><li>g</li></ul>"
        "</body></html>"
    )
    assert html_to_text(html) == "## 上周总结\na&b\nc\nd e\n- f\n- g"


@pytest.mark.parametrize(
    "text",
    [
        "## 上周工作总结\nA\n## 本周工作计划\nB\n",
        "上周工作总结：\nA\n\n本周工作计划：\nB\n",
        "【上周总结】\nA\n【本周计划】\nB",
        "一、上周工作总结\nA\n二、本周工作计划\nB",
        "Summary:\nA\nPlan:\nB\n",
        "张伟您好：\n上周总结\nA\n本周计划\nB\n\n李娜",
    ],
)
def test_sections_as_mail_clients_write_them(text):
    summary, plan = sections(text)
    assert summary == "A" and plan.splitlines()[0] == "B"


def test_a_line_of_text_is_not_a_heading():
    with pytest.raises(InvalidInput, match="no summary and no plan section"):
        sections("本周计划完成了大半。\n收到，谢谢")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<abc@example.com>", "<abc@example.com>"),
        ("  <abc@ex\r\n ample.com>  ", "<abc@example.com>"),
        ("abc@example.com", "<abc@example.com>"),
        ("", None),
        (None, None),
    ],
)
def test_message_ids(raw, expected):
    assert normal_message_id(raw) == expected


def test_a_message_without_a_message_id_gets_a_stable_one():
    raw = b"From: a@b.example\r\nSubject: W48\r\nDate: Mon, 23 Nov 2026 09:00:00 +0800\r\n\r\nx\r\n"
    one, two = read_message(raw), read_message(raw)
    assert one.message_id == two.message_id and one.message_id.startswith("<sha256:")
    other = read_message(raw.replace(b"x\r\n", b"y\r\n"))
    assert other.message_id != one.message_id
    assert (one.sender, one.subject, one.text.strip()) == ("a@b.example", "W48", "x")


def test_internaldate_and_since():
    assert parse_internaldate("23-Nov-2026 01:00:00 +0000") == datetime(2026, 11, 23, 1, tzinfo=UTC)
    assert parse_internaldate(" 3-Dec-2026 09:10:11 +0800").utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        parse_internaldate("23-Foo-2026 01:00:00 +0000")
    assert imap_date(date(2026, 3, 5)) == "5-Mar-2026"


# --- whatever arrives: a period or a reason, never a crash ---------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SUBJECT_BITS = st.sampled_from(
    [
        "W",
        "w",
        "第",
        "周",
        "週",
        "月",
        "年",
        "-",
        "/",
        ".",
        "日",
        "号",
        "总结",
        "Week ",
        "month",
        "0",
        "1",
        "5",
        "12",
        "13",
        "49",
        "53",
        "54",
        "2026",
        "９",
        " ",
        "Re: ",
        "计划",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(SUBJECT_BITS, max_size=8).map("".join),
    st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)),
)
def test_any_subject_gives_a_period_or_a_reason(subject, received):
    try:
        kind, period = period_of(subject, received)
    except InvalidInput as exc:
        assert exc.message.startswith("the subject names")
    else:
        assert kind in ("week", "month") and period[:4].isdigit()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_read_as_a_message(raw):
    letter = read_message(raw)
    assert letter.message_id.startswith("<") and isinstance(letter.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_html_reads_as_text(html):
    assert isinstance(html_to_text(html), str)
