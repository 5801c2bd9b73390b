"""Messages shaped as the common mail clients send replies, forwards, attached plans and pasted
tables (issue 23): the quote and forward blocks of Outlook (Chinese), Tencent Exmail/QQ Mail,
Foxmail, Coremail/163, Gmail and Apple Mail, as they write them in text/plain and text/html,
in the charsets and transfer encodings they use."""

from __future__ import annotations

import base64
import io
import quopri
from dataclasses import dataclass

HEAD = "zhangwei@huhao.example"

NEW = "上周工作总结：\n{summary}\n\n本周工作计划：\n{plan}\n"
#: the plan quoted below a reply: last week's, which must not be read
OLD = "上周工作总结：\n旧的总结\n\n本周工作计划：\n旧的计划\n"


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode().replace("\n", "\r\n")


def _qp(data: bytes) -> str:
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n").decode()


def _word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def part(
    body: str | bytes,
    ctype: str,
    *,
    charset: str = "utf-8",
    encoding: str = "base64",
    filename: str | None = None,
    filename_charset: str = "utf-8",
) -> str:
    """One MIME part (its headers and encoded body)."""
    data = body if isinstance(body, bytes) else body.replace("\n", "\r\n").encode(charset)
    head = [
        f'Content-Type: {ctype}; charset="{charset}"'
        if ctype.startswith("text/")
        else f"Content-Type: {ctype}"
    ]
    if filename is not None:
        if filename_charset == "rfc2231":
            from urllib.parse import quote

            head[0] += f'; name="{filename}"'
            head.append(f"Content-Disposition: attachment; filename*=utf-8''{quote(filename)}")
        else:
            word = _word(filename, filename_charset)
            head[0] += f'; name="{word}"'
            head.append(f'Content-Disposition: attachment; filename="{word}"')
    head.append(f"Content-Transfer-Encoding: {encoding}")
    text = (
        _b64(data)
        if encoding == "base64"
        else _qp(data)
        if encoding == "quoted-printable"
        else data.decode(charset)
    )
    return "\r\n".join(head) + "\r\n\r\n" + text


def multipart(kind: str, parts: list[str], boundary: str) -> str:
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
    return f'Content-Type: multipart/{kind}; boundary="{boundary}"\r\n\r\n' + body


def message(
    sender: str, subject: str, mid: str, mime: str, *, mailer: str, subject_charset: str = "utf-8"
) -> bytes:
    head = [
        f"Message-ID: {mid}",
        f"From: {sender}",
        f"To: =?utf-8?B?{base64.b64encode('张伟'.encode()).decode()}?= <{HEAD}>",
        f"Subject: {_word(subject, subject_charset)}",
        "Date: Mon, 23 Nov 2026 09:00:00 +0800",
        "MIME-Version: 1.0",
        f"X-Mailer: {mailer}",
    ]
    return ("\r\n".join(head) + "\r\n" + mime).encode("utf-8")


# --- the documents attached ------------------------------------------------------------------


def docx_plan(summary: str, plan: str) -> bytes:
    """A Word document as people write a plan: a title, two headings and a table under one."""
    import docx

    d = docx.Document()
    d.add_paragraph("陈静 工作计划")
    d.add_heading("上周工作总结", level=2)
    d.add_paragraph(summary)
    d.add_heading("本周工作计划", level=2)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "事项", "完成时间"
    t.cell(1, 0).text, t.cell(1, 1).text = plan, "周五"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx_plan(summary: str, plan: str) -> bytes:
    """A workbook as a plan is kept in Excel: the section in the first column (merged down
    over its rows), the items beside it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["类别", "工作内容", "负责人"])
    ws.append(["上周工作总结", summary, "王强"])
    ws.append(["本周工作计划", plan, "王强"])
    ws.append([None, "复盘会议", "王强"])
    ws.merge_cells("A3:A4")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Shape:
    """A client's message: who sends it, what it is, and the plan it must give."""

    name: str
    sender: str
    subject: str
    raw: bytes
    summary: str
    plan: str


def _plan(who: str, n: int) -> tuple[str, str]:
    return f"{who}完成事项{n}", f"{who}计划事项{n}"


def shapes() -> list[Shape]:  # noqa: PLR0915  (one per client, each as it is)
    out: list[Shape] = []

    # Outlook (Chinese), a reply on last week's thread: a rule, then the 发件人 block; its HTML
    # puts the block in divRplyFwdMsg
    s, p = _plan("李娜", 1)
    text = NEW.format(summary=s, plan=p) + (
        "\n________________________________\n发件人: 张伟 <zhangwei@huhao.example>\n"
        "发送时间: 2026年11月16日 8:30\n收件人: 李娜 <lina@huhao.example>\n"
        "主题: 第47周工作计划\n\n" + OLD
    )
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<style>p.MsoNormal{margin:0}</style></head><body lang=ZH-CN><div class=WordSection1>"
        f"<p class=MsoNormal>上周工作总结：</p><p class=MsoNormal>{s}</p><p class=MsoNormal>&nbsp;</p>"
        f"<p class=MsoNormal>本周工作计划：</p><p class=MsoNormal>{p}</p></div>"
        '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" '
        'dir="ltr"><font face="Calibri" style="font-size:11pt"><b>发件人:</b> 张伟 '
        "&lt;zhangwei@huhao.example&gt;<br><b>发送时间:</b> 2026年11月16日 8:30<br><b>收件人:</b> "
        "李娜<br><b>主题:</b> 第47周工作计划</font><div>&nbsp;</div></div>"
        "<div><p>上周工作总结：</p><p>旧的总结</p><p>本周工作计划：</p><p>旧的计划</p></div>"
        "</body></html>"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", charset="gb2312", encoding="base64"),
            part(html, "text/html", charset="gb2312", encoding="base64"),
        ],
        "_000_outlook_reply",
    )
    out.append(
        Shape(
            "outlook reply",
            "lina@huhao.example",
            "回复: 第47周工作计划",
            message(
                "李娜 <lina@huhao.example>",
                "回复: 第47周工作计划",
                "<outlook-reply@huhao.example>",
                mime,
                mailer="Microsoft Outlook 16.0",
                subject_charset="gb2312",
            ),
            s,
            p,
        )
    )

    # Outlook 2016 (Chinese), a forward of one's own plan with nothing added: -----原始邮件-----
    # and full-width colons
    s, p = _plan("王强", 2)
    text = (
        "\n\n-----原始邮件-----\n发件人： 王强 <wangqiang@huhao.example> \n"
        "发送时间： 2026年11月23日 8:05\n收件人： 张伟 <wangzw@other.example>\n"
        "主题： 第48周工作计划\n\n" + NEW.format(summary=s, plan=p)
    )
    mime = part(text, "text/plain", charset="gb2312", encoding="base64")
    out.append(
        Shape(
            "outlook forward",
            "wangqiang@huhao.example",
            "转发: 第48周工作计划",
            message(
                "王强 <wangqiang@huhao.example>",
                "转发: 第48周工作计划",
                "<outlook-fwd@huhao.example>",
                "MIME-Version: 1.0\r\n" + mime,
                mailer="Microsoft Outlook 16.0",
                subject_charset="gb2312",
            ),
            s,
            p,
        )
    )

    # Tencent Exmail / QQ Mail, a reply: GB18030 in base64, the ------ 原始邮件 ------ block
    # with &nbsp; around the words in HTML
    s, p = _plan("陈静", 3)
    text = NEW.format(summary=s, plan=p) + (
        "\n\n------------------ 原始邮件 ------------------\n"
        '发件人: "张伟"<zhangwei@huhao.example>;\n发送时间: 2026年11月23日(星期一) 上午8:30\n'
        '收件人: "陈静"<chenjing@huhao.example>;\n主题: [ecomops] 周工作计划 2026-W48\n\n'
        "请在今天 23:59 前提交第48周计划。\n本周计划\n请写清楚\n"
    )
    html = (
        f"<div>上周工作总结：</div><div>{s}</div><div><br></div><div>本周工作计划：</div><div>{p}"
        '</div><div><br></div><div style="font-size: 12px;font-family: Arial Narrow;padding:2px '
        '0 2px 0;">------------------&nbsp;原始邮件&nbsp;------------------</div><div '
        'style="font-size: 12px;background:#efefef;padding:8px;"><div><b>发件人:</b>&nbsp;"张伟"'
        "&lt;zhangwei@huhao.example&gt;;</div><div><b>发送时间:</b>&nbsp;2026年11月23日(星期一) "
        "上午8:30</div><div><b>主题:</b>&nbsp;[ecomops] 周工作计划 2026-W48</div></div><div><br>"
        "</div>请在今天 23:59 前提交第48周计划。<div>本周计划</div><div>请写清楚</div>"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", charset="gb18030"),
            part(html, "text/html", charset="gb18030"),
        ],
        "----=_NextPart_6A1B_exmail",
    )
    out.append(
        Shape(
            "exmail reply",
            "chenjing@huhao.example",
            "回复：[ecomops] 周工作计划 2026-W48",
            message(
                '"陈静" <chenjing@huhao.example>',
                "回复：[ecomops] 周工作计划 2026-W48",
                "<tencent_exmail_1@qq.com>",
                mime,
                mailer="QQMail 2.x",
                subject_charset="gb18030",
            ),
            s,
            p,
        )
    )

    # Foxmail, a forward with nothing added (its forward block is the 原始邮件 one)
    s, p = _plan("李娜", 4)
    text = (
        "\n\n\n------------------ 原始邮件 ------------------\n"
        '发件人: "李娜"<lina@huhao.example>;\n发送时间: 2026年11月30日(星期一) 上午9:00\n'
        '收件人: "zhangwei"<old-head@huhao.example>;\n主题: 第49周工作计划\n\n'
        + NEW.format(summary=s, plan=p)
    )
    mime = part(text, "text/plain", charset="gb18030")
    out.append(
        Shape(
            "foxmail forward",
            "lina@huhao.example",
            "Fw: 第49周工作计划",
            message(
                "lina@huhao.example",
                "Fw: 第49周工作计划",
                "<foxmail-fw@huhao.example>",
                "MIME-Version: 1.0\r\n" + mime,
                mailer="Foxmail 7.2.25",
            ),
            s,
            p,
        )
    )

    # Coremail / 163, a reply: 在 …，… 写道： and a blockquote in HTML, > in text
    s, p = _plan("王强", 5)
    quoted = "\n".join("> " + x for x in OLD.splitlines())
    text = NEW.format(summary=s, plan=p) + (
        '\n\n在 2026-11-16 08:30:00，"张伟" <zhangwei@huhao.example> 写道：\n' + quoted + "\n"
    )
    html = (
        f'<div style="line-height:1.7"><div>上周工作总结：</div><div>{s}</div><div>本周工作计划：'
        f'</div><div>{p}</div></div><br><div style="position:relative;zoom:1"></div>'
        '<div id="divNeteaseMailCard"></div><br><pre><br>在 2026-11-16 08:30:00，"张伟" '
        '&lt;zhangwei@huhao.example&gt; 写道：</pre><blockquote id="isReplyContent" style="PADDING-'
        'LEFT: 1ex; MARGIN: 0px 0px 0px 0.8ex; BORDER-LEFT: #ccc 1px solid"><p>上周工作总结：</p>'
        "<p>旧的总结</p><p>本周工作计划：</p><p>旧的计划</p></blockquote>"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", charset="gbk"),
            part(html, "text/html", charset="gbk"),
        ],
        "----=_Part_163_reply",
    )
    out.append(
        Shape(
            "163 reply",
            "wangqiang@huhao.example",
            "Re:第48周工作计划",
            message(
                "wangqiang@huhao.example",
                "Re:第48周工作计划",
                "<163-reply@163.com>",
                mime,
                mailer="Coremail Webmail Server Version XT5.0.14",
                subject_charset="gbk",
            ),
            s,
            p,
        )
    )

    # Coremail / 163, a forward: -------- 转发邮件信息 -------- and a line of the sender's own
    s, p = _plan("陈静", 6)
    text = (
        '请查收。\n\n-------- 转发邮件信息 --------\n发件人："陈静" <chenjing@huhao.example>\n'
        '发送日期：2026-11-23 08:50:11\n收件人："zhang" <zw@163.com>\n主题：第48周工作计划\n'
        + NEW.format(summary=s, plan=p)
    )
    mime = part(text, "text/plain", charset="gbk")
    out.append(
        Shape(
            "163 forward",
            "chenjing@huhao.example",
            "Fw:第48周工作计划",
            message(
                "chenjing@huhao.example",
                "Fw:第48周工作计划",
                "<163-fwd@163.com>",
                "MIME-Version: 1.0\r\n" + mime,
                mailer="Coremail Webmail Server Version XT5.0.14",
            ),
            s,
            p,
        )
    )

    # Gmail, a reply: On … wrote: (wrapped over two lines) and > quoting; gmail_quote in HTML
    s, p = _plan("李娜", 7)
    text = NEW.format(summary=s, plan=p) + (
        "\nOn Mon, Nov 23, 2026 at 8:30 AM 张伟 <zhangwei@huhao.example>\nwrote:\n\n"
        + "\n".join("> " + x for x in OLD.splitlines())
        + "\n"
    )
    html = (
        f'<div dir="ltr"><div>上周工作总结：</div><div>{s}</div><div>本周工作计划：</div><div>{p}'
        '</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
        'class="gmail_attr">On Mon, Nov 23, 2026 at 8:30 AM 张伟 &lt;<a href="mailto:'
        'zhangwei@huhao.example">zhangwei@huhao.example</a>&gt; wrote:<br></div><blockquote '
        'class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div>上周工作总结：</div><div>旧的'
        "总结</div><div>本周工作计划：</div><div>旧的计划</div></blockquote></div>"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", encoding="quoted-printable"),
            part(html, "text/html", encoding="quoted-printable"),
        ],
        "000000000000gmail_reply",
    )
    out.append(
        Shape(
            "gmail reply",
            "lina@huhao.example",
            "Re: W49 plan",
            message(
                "Li Na <lina@huhao.example>",
                "Re: W49 plan",
                "<CAgmail-re@mail.gmail.com>",
                mime,
                mailer="Gmail",
            ),
            s,
            p,
        )
    )

    # Gmail, a forward with nothing added: ---------- Forwarded message ---------
    s, p = _plan("王强", 8)
    text = (
        "\n\n---------- Forwarded message ---------\nFrom: 王强 <wq.personal@gmail.com>\n"
        "Date: Mon, Nov 23, 2026 at 8:40 AM\nSubject: 第48周工作计划\nTo: <wangqiang@huhao.example>"
        "\n\n\n" + NEW.format(summary=s, plan=p)
    )
    html = (
        '<div dir="ltr"><br><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
        'class="gmail_attr">---------- Forwarded message ---------<br>From: <strong '
        'class="gmail_sendername" dir="auto">王强</strong> <span dir="auto">&lt;wq.personal@gmail'
        ".com&gt;</span><br>Date: Mon, Nov 23, 2026 at 8:40 AM<br>Subject: 第48周工作计划<br>To: "
        f"&lt;wangqiang@huhao.example&gt;<br></div><br><br><div>上周工作总结：</div><div>{s}</div>"
        f"<div>本周工作计划：</div><div>{p}</div></div></div>"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", encoding="quoted-printable"),
            part(html, "text/html", encoding="quoted-printable"),
        ],
        "000000000000gmail_fwd",
    )
    out.append(
        Shape(
            "gmail forward",
            "wangqiang@huhao.example",
            "Fwd: 第48周工作计划",
            message(
                "王强 <wangqiang@huhao.example>",
                "Fwd: 第48周工作计划",
                "<CAgmail-fwd@mail.gmail.com>",
                mime,
                mailer="Gmail",
            ),
            s,
            p,
        )
    )

    # Apple Mail (Chinese), a reply: a blockquote type=cite under 在 …，… 写道：
    s, p = _plan("陈静", 9)
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        f'<body dir="auto"><div>上周工作总结：</div><div>{s}</div><div><br></div><div>本周工作计划：'
        f'</div><div>{p}</div><div><br><blockquote type="cite">在 2026年11月23日，08:30，张伟 '
        '&lt;zhangwei@huhao.example&gt; 写道：<br><br></blockquote></div><blockquote type="cite">'
        "<div>上周工作总结：</div><div>旧的总结</div><div>本周工作计划：</div><div>旧的计划</div>"
        "</blockquote></body></html>"
    )
    text = NEW.format(summary=s, plan=p) + (
        "\n> 在 2026年11月23日，08:30，张伟 <zhangwei@huhao.example> 写道：\n> \n"
        + "\n".join("> " + x for x in OLD.splitlines())
        + "\n"
    )
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", encoding="quoted-printable"),
            part(html, "text/html", encoding="quoted-printable"),
        ],
        "Apple-Mail-reply",
    )
    out.append(
        Shape(
            "apple reply",
            "chenjing@huhao.example",
            "Re: 第48周工作计划",
            message(
                "陈静 <chenjing@huhao.example>",
                "Re: 第48周工作计划",
                "<A1B2-apple@huhao.example>",
                mime,
                mailer="iPhone Mail (22A3354)",
            ),
            s,
            p,
        )
    )

    # Apple Mail, a forward: 开始转发的邮件： and the 发件人 block, nothing added
    s, p = _plan("李娜", 10)
    text = (
        "\n\n开始转发的邮件：\n\n发件人: 李娜 <lina@huhao.example>\n主题: 第48周工作计划\n"
        "日期: 2026年11月23日 GMT+8 08:10:00\n收件人: old@huhao.example\n\n"
        + NEW.format(summary=s, plan=p)
    )
    mime = part(text, "text/plain", encoding="quoted-printable")
    out.append(
        Shape(
            "apple forward",
            "lina@huhao.example",
            "转发：第48周工作计划",
            message(
                "李娜 <lina@huhao.example>",
                "转发：第48周工作计划",
                "<apple-fwd@huhao.example>",
                "MIME-Version: 1.0\r\n" + mime,
                mailer="Apple Mail (2.3774)",
            ),
            s,
            p,
        )
    )

    # Outlook, the plan in an attached Word document, a line of text in the body
    s, p = _plan("陈静", 11)
    mime = multipart(
        "mixed",
        [
            part("张伟您好：\n本周计划见附件，请查收。\n", "text/plain", charset="gb2312"),
            part(
                docx_plan(s, p),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                filename="陈静第48周计划.docx",
                filename_charset="gb2312",
            ),
        ],
        "_004_outlook_docx",
    )
    out.append(
        Shape(
            "outlook docx",
            "chenjing@huhao.example",
            "第48周工作计划",
            message(
                "陈静 <chenjing@huhao.example>",
                "第48周工作计划",
                "<outlook-docx@x>",
                mime,
                mailer="Microsoft Outlook 16.0",
            ),
            s,
            f"事项            完成时间\n{p}  周五",
        )
    )

    # Exmail, the plan in an attached workbook, no body text at all (RFC 2231 file name)
    s, p = _plan("王强", 12)
    mime = multipart(
        "mixed",
        [
            part("", "text/plain", charset="gb18030"),
            part(
                xlsx_plan(s, p),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                filename="王强-W48.xlsx",
                filename_charset="rfc2231",
            ),
        ],
        "----=_NextPart_exmail_xlsx",
    )
    out.append(
        Shape(
            "exmail xlsx",
            "wangqiang@huhao.example",
            "第四十八周工作计划",
            message(
                "wangqiang@huhao.example",
                "第四十八周工作计划",
                "<exmail-xlsx@qq.com>",
                mime,
                mailer="QQMail 2.x",
                subject_charset="gb18030",
            ),
            f"{s}  王强",
            f"{p}  王强\n复盘会议        王强",
        )
    )

    # Gmail, the plan as an attached Markdown file; Foxmail, as a GBK text file
    s, p = _plan("李娜", 13)
    mime = multipart(
        "mixed",
        [
            part("", "text/plain"),
            part(
                f"## 上周总结\n{s}\n\n## 本周计划\n{p}\n".encode(),
                "text/markdown",
                charset="utf-8",
                filename="plan.md",
            ),
        ],
        "000000000000gmail_md",
    )
    out.append(
        Shape(
            "gmail md",
            "lina@huhao.example",
            "2026-W48",
            message(
                "lina@huhao.example",
                "2026-W48",
                "<CAgmail-md@mail.gmail.com>",
                mime,
                mailer="Gmail",
            ),
            s,
            p,
        )
    )

    # Outlook, a table pasted from Excel (Word HTML), the plain part flattening it
    s, p = _plan("王强", 14)
    html = (
        "<html><body><p class=MsoNormal>张伟您好，本周计划如下：</p><table class=MsoNormalTable "
        "border=0 cellspacing=0 cellpadding=0 width=400><tr><td><p class=MsoNormal><span>类别"
        "</span></p></td><td><p class=MsoNormal>内容</p></td><td><p class=MsoNormal>状态</p></td>"
        f"</tr><tr><td rowspan=1><p>上周总结</p></td><td><p>{s}</p></td><td><p>完成</p></td></tr>"
        f"<tr><td rowspan=2><p>本周计划</p></td><td><p>{p}</p></td><td><p>进行中</p></td></tr>"
        "<tr><td><p>准备周报</p></td><td><p>未开始</p></td></tr></table>"
        "<p class=MsoNormal>王强</p></body></html>"
    )
    text = f"张伟您好，本周计划如下：\n\n类别\n内容\n状态\n上周总结\n{s}\n完成\n本周计划\n{p}\n进行中\n"
    mime = multipart(
        "alternative",
        [
            part(text, "text/plain", charset="gb2312"),
            part(html, "text/html", charset="gb2312", encoding="quoted-printable"),
        ],
        "_000_outlook_table",
    )
    out.append(
        Shape(
            "outlook table",
            "wangqiang@huhao.example",
            "W49 周计划",
            message(
                "王强 <wangqiang@huhao.example>",
                "W49 周计划",
                "<outlook-table@x>",
                mime,
                mailer="Microsoft Outlook 16.0",
            ),
            f"{s}  完成",
            f"{p}  进行中\n准备周报        未开始\n王强",
        )
    )
    return out
