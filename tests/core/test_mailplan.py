"""Plans by e-mail, the pure rules: the period a subject names, a message's text in its
charset, HTML as text, and the two sections as mail clients write them."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest

from ecomops.core.mailplan import (
    CUT,
    Filing,
    Letter,
    aligned,
    chinese_number,
    decode_bytes,
    decode_header_value,
    filing,
    html_to_text,
    imap_date,
    is_reply,
    letter_plan,
    normal_message_id,
    parse_internaldate,
    period_of,
    plan_text,
    read_attachment,
    read_message,
    sections,
    split_reply,
    week_gap_reason,
    weeks_apart,
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
        # Chinese numbers (issue 23)
        ("第四十九周工作计划", date(2026, 12, 7), ("week", "2026-W49")),  # received in W50
        ("第十周", date(2026, 3, 2), ("week", "2026-W10")),
        ("第五十三周", MON, ("week", "2026-W53")),
        ("第一周", date(2026, 12, 30), ("week", "2027-W01")),
        ("2026年第四十八周", MON, ("week", "2026-W48")),
        ("十一月月度总结", MON, ("month", "2026-11")),
        ("十二月二十五日周计划", MON, ("week", "2026-W52")),
        # a month's week N: the N-th week whose Monday is in that month
        ("12月第1周工作计划", date(2026, 11, 27), ("week", "2026-W50")),  # Monday 7 December
        ("12月第一周", date(2026, 11, 27), ("week", "2026-W50")),
        ("十二月第一周", date(2026, 11, 27), ("week", "2026-W50")),
        ("11月第4周计划", MON, ("week", "2026-W48")),  # Monday 23 November
        ("11月份第五周", MON, ("week", "2026-W49")),  # Monday 30 November
        ("1月第1周", date(2026, 12, 28), ("week", "2027-W01")),  # Monday 4 January 2027
        # this week, next week: relative to the day received
        ("本周工作计划", date(2026, 11, 27), ("week", "2026-W48")),
        ("上周总结及本周计划", MON, ("week", "2026-W48")),
        ("本周总结及下周计划", date(2026, 11, 27), ("week", "2026-W49")),  # a Friday
        ("下周工作安排", date(2026, 11, 27), ("week", "2026-W49")),
        ("Next week's plan", date(2026, 12, 31), ("week", "2027-W01")),
        ("本周计划（下周一前补充）", MON, ("week", "2026-W48")),
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
        ("2月第5周计划", "week 5 of 2027-02, which has 4 weeks starting in it"),
        ("第五十四周", "week 54 of 2026"),
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
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("四十九", 49),
        ("五十三", 53),
        ("两", 2),
        ("一〇", 10),
        ("零", 0),
        ("十十", None),
        ("一百", None),
        ("", None),
        ("四十九十", None),
        ("一二三", None),
    ],
)
def test_chinese_numbers(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize(
    ("subject", "received", "reason"),
    [
        (
            "2026-W50",
            date(2026, 11, 27),
            "2026-W50, 2 weeks after the week it was received in (2026-W48)",
        ),
        ("2026-W44", date(2026, 11, 27), "2026-W44, 4 weeks before"),
        ("2026-W49", date(2026, 11, 27), None),  # next week's plan, sent on Friday
        ("2026-W47", date(2026, 11, 23), None),  # last week's, late
        ("2026-W48", date(2026, 11, 29), None),
    ],
)
def test_a_week_far_from_the_one_received_needs_a_look(subject, received, reason):
    _, period = period_of(subject, received)
    got = week_gap_reason(period, received)
    assert got is None if reason is None else (got is not None and reason in got)


def test_weeks_apart_and_replies():
    assert weeks_apart("2027-W01", date(2026, 12, 27)) == 2  # 2026 has a week 53
    assert weeks_apart("2027-W01", date(2026, 12, 31)) == 1
    assert weeks_apart("2026-W48", date(2026, 11, 29)) == 0
    assert [
        is_reply(s)
        for s in (
            "Re: W48",
            "回复：第48周",
            "答复: x",
            "RE:RE: x",
            "Fw: W48",
            "转发：第48周",
            "第48周",
            "Re：回复: W48",
        )
    ] == [True, True, True, True, False, False, False, True]


# --- replies and forwards: the new text above the quoted part ------------------------------------

NEW = "上周总结：\nA\n本周计划：\nB"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "outlook zh",
            NEW + "\n\n________________________________\n发件人: 张伟 <z@x>\n"
            "发送时间: 2026年11月20日 9:00\n收件人: 李娜\n主题: 第47周工作计划\n\n上周总结：\nold",
        ),
        (
            "outlook full-width",
            NEW + "\n\n发件人： 张伟\n发送时间： 2026年11月20日\n主题： 第47周计划\n"
            "\n本周计划：\nold",
        ),
        (
            "outlook en",
            NEW + "\n\nFrom: Zhang Wei <z@x>\nSent: Friday, November 20, 2026 9:00 AM\n"
            "To: Li Na\nSubject: W47 plan\n\nPlan:\nold",
        ),
        ("outlook bold", NEW + "\n\n*From:* Zhang Wei\n*Sent:* Friday\n*Subject:* W47\n\nold"),
        ("outlook 2010", NEW + "\n-----原始邮件-----\n发件人: 张伟 [mailto:z@x]\n本周计划：\nold"),
        ("outlook 2010 en", NEW + "\n-----Original Message-----\nFrom: z@x\nPlan:\nold"),
        (
            "exmail",
            NEW + "\n------------------ 原始邮件 ------------------\n"
            '发件人: "张伟"<z@x>;\n主题: 第48周工作计划\n本周计划\nold',
        ),
        ("foxmail en", NEW + "\n------------------\u00a0Original\u00a0------------------\nFrom: z"),
        ("163 reply", NEW + '\n在 2026-11-20 09:00:00，"张伟" <z@x> 写道：\n>本周计划\n>old'),
        (
            "163 forward",
            NEW + "\n-------- 转发邮件信息 --------\n发件人：z\n主题：W47\n本周计划\nold",
        ),
        ("gmail", NEW + "\n\nOn Fri, Nov 20, 2026 at 9:00 AM Zhang <z@x> wrote:\n\n> Plan:\n> old"),
        (
            "gmail wrapped",
            NEW + "\n\nOn Fri, Nov 20, 2026 at 9:00 AM Zhang Wei <\nz@x> wrote:\n> x",
        ),
        ("gmail zh", NEW + "\n\n张伟 <z@x> 于2026年11月20日周五 09:00写道：\n> 本周计划\n> old"),
        ("gmail forward", NEW + "\n---------- Forwarded message ---------\nFrom: z\n\n本周计划\nx"),
        ("apple zh", NEW + "\n\n> 2026年11月20日 09:00，张伟 <z@x> 写道：\n> \n> 本周计划\n> old"),
        ("apple zh 在", NEW + "\n\n在 2026年11月20日，09:00，张伟 <z@x> 写道：\n\n本周计划：\nold"),
        ("apple forward", NEW + "\n\n开始转发的邮件：\n\n发件人: z\n主题: W47\n\n本周计划\nold"),
        ("apple forward en", NEW + "\n\nBegin forwarded message:\n\nFrom: z\n\nPlan:\nold"),
        ("> quoting", NEW + "\n> 本周计划\n> old"),
        ("html cut", NEW + f"\n{CUT}\n本周计划\nold"),
        ("iphone", NEW + "\n\n发自我的iPhone\n\n在 2026年11月20日，09:00，张伟 写道：\n\n> old"),
        ("signature", NEW + "\n-- \n李娜 | 文案\n电话 123"),
        (
            "outlook mobile",
            NEW + "\n\nGet Outlook for iOS\n________________________________\n"
            "From: z\nSent: x\n\nold",
        ),
    ],
)
def test_the_new_text_above_the_quoted_part(name, text):
    part = split_reply(text)
    assert part.new == NEW, name
    assert sections(plan_text(text)) == ("A", "B")


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        # a forward with nothing of its own: the forwarded plan, its header block gone
        ("Fw: 第48周", "\n-----原始邮件-----\n发件人： 李娜\n主题： 第48周工作计划\n\n" + NEW, NEW),
        (
            "转发：W48",
            '-------- 转发邮件信息 --------\n发件人："李娜" <l@x>\n发送日期：2026-11-23\n'
            "主题：第48周工作计划\n" + NEW,
            NEW,
        ),
        (
            "Fwd: W48",
            "---------- Forwarded message ---------\nFrom: 李娜 <l@x>\nDate: Mon\n"
            "Subject: 第48周工作计划\nTo: <z@x>\n\n\n" + NEW,
            NEW,
        ),
        # a line of one's own without a section: still the forwarded plan
        ("Fw: W48", "请查收\n\n开始转发的邮件：\n\n发件人: 李娜\n主题: W48\n\n" + NEW, NEW),
        # a forward of a reply: the forwarded message's own new text
        (
            "Fw: W48",
            "\n---------- Forwarded message ---------\nFrom: l@x\nSubject: Re: W48\n\n"
            + NEW
            + "\n\nOn Mon, Nov 23, 2026, 张伟 wrote:\n> 本周计划：\n> old",
            NEW,
        ),
        # a forward quoted with > (Thunderbird inline)
        (
            "Fwd: W48",
            "-------- Forwarded Message --------\n> 上周总结：\n> A\n> 本周计划：\n> B",
            NEW,
        ),
        # a reply with nothing of its own is not the quoted message's plan
        ("Re: W48", "\n\n在 2026-11-20，张伟 写道：\n> " + NEW.replace("\n", "\n> "), ""),
        ("回复: W48", "收到\n\n-----原始邮件-----\n发件人: z\n主题: W48\n" + NEW, "收到"),
    ],
)
def test_a_forward_of_nothing_takes_the_forwarded_plan(subject, text, expected):
    assert plan_text(text, subject) == expected


@pytest.mark.parametrize(
    "line",
    [
        "主题: 第48周工作计划",
        "主题：第48周工作计划",
        "发件人： plans@huhao.example 本周计划",
        "Subject: W48 plan",
        "*Subject:* W48 plan",
        "> 主题: 本周计划",
    ],
)
def test_a_quoted_header_line_is_never_a_heading(line):
    with pytest.raises(InvalidInput, match="has no plan section"):
        sections(line + "\n上周\n")


@pytest.mark.parametrize(
    "text",
    [
        NEW + "\n在推文中写道：\n“新品上市”",
        NEW + "\nOn the landing page we wrote:\n“New”",
        NEW + "\n发件人一栏写清楚\n主题写清楚",
    ],
)
def test_a_plan_that_looks_like_a_quote_is_not_cut(text):
    assert split_reply(text).new == text


def test_a_line_of_a_section_already_open_is_its_text():
    assert sections("上周总结：\n完成A\n本周计划：\n制定元旦活动计划\n筹备年会计划") == (
        "完成A",
        "制定元旦活动计划\n筹备年会计划",
    )


# --- tables -------------------------------------------------------------------------------------


def test_aligned_rows_count_chinese_as_two_columns():
    assert aligned([["事项", "状态"], ["双十一复盘报告", "完成"], [], ["a", "b", "c"]]) == [
        "事项            状态",
        "双十一复盘报告  完成",
        "a               b     c",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # a table pasted from Excel, the sections in its first column (spanning rows)
        (
            "<p>您好</p><table><tr><td>类别</td><td>内容</td></tr><tr><td>上周总结</td><td>复盘</td>"
            "</tr><tr><td rowspan=2>本周计划</td><td>年会</td></tr><tr><td>周报</td></tr></table>",
            ("复盘", "年会\n周报"),
        ),
        # title rows of one cell, items below them
        (
            "<table><tr><td colspan=2>上周工作总结</td></tr><tr><td>1</td><td>复盘</td></tr>"
            "<tr><td colspan=2>本周工作计划</td></tr><tr><td>1</td><td>年会策划</td></tr>"
            "<tr><td>10</td><td>周报</td></tr></table>",
            ("1  复盘", "1   年会策划\n10  周报"),
        ),
        # a layout table holding the whole message: its lines as they are
        (
            "<table><tr><td><p>上周总结：</p><p>A</p><p>本周计划：</p><p>B</p></td></tr></table>",
            ("A", "B"),
        ),
        # headings outside, items in tables whose cells name no section
        (
            "<h3>上周总结</h3><table><tr><td>完成计划复盘</td><td>OK</td></tr></table><h3>本周计划</h3>"
            "<table><tr><td>元旦活动计划</td><td>进行中</td></tr></table>",
            ("完成计划复盘  OK", "元旦活动计划  进行中"),
        ),
    ],
)
def test_a_table_pasted_as_html_becomes_aligned_text(html, expected):
    assert sections(html_to_text(html)) == expected


def test_tab_separated_lines_in_plain_text_are_aligned():
    raw = (
        "From: a@b.example\r\nSubject: W48\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "上周总结\r\n复盘\tOK\r\n本周计划\r\n元旦活动\t进行中\r\n周报\t未开始\r\n"
    ).encode()
    assert sections(read_message(raw).text) == ("复盘  OK", "元旦活动  进行中\n周报      未开始")


# --- the message as each client sends it (tests/mailshapes.py) -----------------------------------

from tests.mailshapes import docx_plan, shapes, xlsx_plan  # noqa: E402


@pytest.mark.parametrize("shape", shapes(), ids=lambda s: s.name)
def test_each_clients_reply_forward_attachment_and_table(shape):
    summary, plan, attached = letter_plan(read_message(shape.raw))
    assert (summary, plan) == (shape.summary, shape.plan)
    assert (attached is not None) == (shape.name in ("outlook docx", "exmail xlsx", "gmail md"))


# --- attachments ---------------------------------------------------------------------------------


def test_an_attachment_is_taken_when_the_body_has_no_plan():
    import hashlib

    data = docx_plan("完成A", "计划B")
    letter = Letter("a@b", "W48", "<x>", "见附件", (read_attachment("plan.docx", data),))
    summary, plan, attached = letter_plan(letter)
    assert summary == "完成A" and plan.splitlines()[-1].startswith("计划B")
    assert attached is not None
    assert (attached.name, attached.size, attached.sha256) == (
        "plan.docx",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    # a body with a plan wins over the attachment
    letter = Letter("a@b", "W48", "<x>", "上周总结\n甲\n本周计划\n乙", letter.attachments)
    assert letter_plan(letter) == ("甲", "乙", None)


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("plan.txt", "上周总结\n甲\n本周计划\n乙".encode("gb18030"), "上周总结\n甲\n本周计划\n乙"),
        ("PLAN.MD", "\ufeff## 上周总结\n甲".encode(), "## 上周总结\n甲"),
    ],
)
def test_text_attachments(name, data, text):
    assert read_attachment(name, data).text == text


def _zip_bomb(name: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, b"\0" * (40 * 1024 * 1024))  # 40 MB of zeros: some 40 kB packed
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("bomb.docx", _zip_bomb("word/document.xml"), "it unpacks to 41,943,048 bytes"),
        ("bomb.xlsx", _zip_bomb("xl/worksheets/sheet1.xml"), "the most read is 33,554,432"),
        ("big.txt", b"x" * (5 * 1024 * 1024 + 1), "5,242,881 bytes; the most read is 5,242,880"),
        ("fake.docx", b"not a zip", "not a Word or Excel file (not a zip archive)"),
        ("broken.xlsx", docx_plan("a", "b"), "not a Excel file this tool can read"),
    ],
)
def test_attachments_are_read_within_bounds(name, data, problem):
    got = read_attachment(name, data)
    assert got.text == "" and got.problem is not None and problem in got.problem
    letter = Letter("a@b", "W48", "<x>", "见附件", (got,))
    with pytest.raises(InvalidInput, match="was not read"):
        letter_plan(letter)


def test_a_workbook_plan():
    got = read_attachment("w.xlsx", xlsx_plan("完成A", "计划B"))
    assert sections(got.text) == ("完成A  王强", "计划B     王强\n复盘会议  王强")


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


REPLY_BITS = st.sampled_from(
    [
        "\n",
        "> ",
        "发件人: z",
        "From: z",
        "主题: W48",
        "Sent: x",
        "-----原始邮件-----",
        CUT,
        "____________",
        "---------- Forwarded message ---------",
        "在 2026年，张伟 写道：",
        "On Mon, Z wrote:",
        "On Mon,",
        "上周总结：",
        "本周计划：",
        "A",
        "B",
        " ",
        "\t",
        "<x@y>",
        "开始转发的邮件：",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(REPLY_BITS, max_size=30).map("".join), st.sampled_from(["", "Re: W48", "Fw: W48"]))
def test_any_text_splits_and_gives_a_plan_text(text, subject):
    part = split_reply(text)
    assert CUT not in part.new.split("\n") and CUT not in part.quoted.split("\n")
    assert isinstance(plan_text(text, subject), str)


@pytest.mark.parametrize(
    "text",
    [
        "____________\n" * 50_000 + "\n" * 50_000,  # rules over a sea of blank lines
        ("于2026年" * 40 + "\n") * 20_000,  # attribution look-alikes
        "\n" * 100_000 + "-----原始邮件-----\n" + "\n" * 100_000 + "x",
        ("On " + "x" * 280 + "\n") * 10_000,
    ],
    ids=["rules", "attributions", "blank lines", "on lines"],
)
def test_hostile_text_is_split_quickly(text):
    import time

    began = time.monotonic()
    plan_text(text, "Fw: W48")
    assert time.monotonic() - began < 10  # a few hundred ms unloaded; a shared machine


def test_a_hostile_html_table_is_read_quickly():
    import time

    html = (
        "<table><tr><td>" + "<b>x</b>" * 50_000 + "</td><td>y</td></tr>" + "<tr><td>a</td>" * 10_000
    )
    began = time.monotonic()
    text = html_to_text(html + "</table>")
    assert time.monotonic() - began < 20 and text.count("\n") <= 20_001


def _html_only(raw: bytes) -> bytes | None:
    """The message with its HTML alternative alone (as a client set to send HTML only)."""
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes(raw)
    html = msg.get_body(preferencelist=("html",))
    if html is None or msg.get_content_type() != "multipart/alternative":
        return None
    head = raw.split(b"\r\nMIME-Version:", 1)[0]
    return head + b"\r\nMIME-Version: 1.0\r\n" + bytes(html)


@pytest.mark.parametrize(
    "shape", [s for s in shapes() if _html_only(s.raw) is not None], ids=lambda s: s.name
)
def test_each_clients_html_alone_gives_the_same_plan(shape):
    html_only = _html_only(shape.raw)
    assert html_only is not None
    summary, plan, _ = letter_plan(read_message(html_only))
    assert (summary, plan) == (shape.summary, shape.plan)


ANY_LOOK = "(any reason)"
THREAD = "a reply on the thread of 2026-W47: filed as 2026-W48, the week it was received in"


@pytest.mark.parametrize(
    ("subject", "received", "expected"),
    [
        ("第48周工作计划", MON, Filing("week", "2026-W48")),
        ("第47周工作计划", MON, Filing("week", "2026-W47")),  # last week's, late: filed
        ("回复: 第47周工作计划", MON, Filing("week", "2026-W48", note=THREAD)),
        ("RE: W47", MON, Filing("week", "2026-W48", note=THREAD)),
        ("Re: 第49周", MON, Filing("week", "2026-W49")),  # a reply naming next week: as named
        ("Fw: 第47周工作计划", MON, Filing("week", "2026-W47")),  # a forward: its own week
        ("月度总结", MON, Filing("month", "2026-11")),
        (
            "12月第一周工作计划",
            date(2026, 11, 27),
            Filing(
                "week",
                "2026-W50",
                look="the subject names 2026-W50, 2 weeks after the week it was received in "
                "(2026-W48): not filed; ask the sender to send it again naming the week meant, "
                "or enter it with plan submit --received-at",
            ),
        ),
        ("第四十九周", date(2026, 12, 7), Filing("week", "2026-W49")),
        ("第四十七周", date(2026, 12, 7), Filing("week", "2026-W47", look=ANY_LOOK)),
    ],
)
def test_where_a_message_is_filed(subject, received, expected):
    got = filing(subject, received)
    if expected.look is ANY_LOOK:
        assert got.look is not None and "3 weeks before" in got.look
        assert (got.kind, got.period, got.note) == (expected.kind, expected.period, None)
    else:
        assert got == expected
