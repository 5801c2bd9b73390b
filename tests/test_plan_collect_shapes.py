"""Mail as people really send it (issue 23): a real Dovecot mailbox holding one message shaped
like each client's reply, forward, attached plan and pasted table (tests/mailshapes.py: Outlook
in Chinese, Tencent Exmail/QQ, Foxmail, Coremail/163, Gmail, Apple Mail) is collected with every
plan recorded under the right person and week, from the text above the quoted part; subjects
whose week is far from the week received are listed for the head, not filed."""

from __future__ import annotations

import base64
import hashlib

import pytest
from sqlalchemy import create_engine, text

from tests.mailshapes import HEAD, part, shapes
from tests.mailshapes import message as client_message
from tests.test_plan_collect import at, dept, imap  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dept")


@pytest.fixture
def box(request):
    """The Dovecot mailbox of tests/test_plan_collect.py (its ``imap`` fixture)."""
    return request.getfixturevalue("imap")

#: when each client's message reached the server (the rest: Monday 23 November, W48)
RECEIVED = {
    "foxmail forward": "2026-11-27T09:00",  # Fw: 第49周工作计划, on the Friday before
    "gmail reply": "2026-11-27T09:10",  # Re: W49 plan
    "outlook table": "2026-11-27T09:20",  # W49 周计划
}
#: the person and week each must be recorded under
EXPECTED = {
    "outlook reply": ("李娜", "2026-W48"),  # 回复: 第47周工作计划, received in W48
    "outlook forward": ("王强", "2026-W48"),
    "exmail reply": ("陈静", "2026-W48"),
    "foxmail forward": ("李娜", "2026-W49"),
    "163 reply": ("王强", "2026-W48"),
    "163 forward": ("陈静", "2026-W48"),
    "gmail reply": ("李娜", "2026-W49"),
    "gmail forward": ("王强", "2026-W48"),
    "apple reply": ("陈静", "2026-W48"),
    "apple forward": ("李娜", "2026-W48"),
    "outlook docx": ("陈静", "2026-W48"),
    "exmail xlsx": ("王强", "2026-W48"),  # 第四十八周工作计划
    "gmail md": ("李娜", "2026-W48"),
    "outlook table": ("王强", "2026-W49"),
}


def _rows(db) -> dict[str, tuple]:
    engine = create_engine(db.url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.message_id, s.name, p.period, p.summary, p.plan, p.attachment_name, "
                "p.attachment_size, p.attachment_sha256 FROM plan p JOIN staff s ON s.id = "
                "p.staff_id"
            )
        ).all()
    engine.dispose()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_every_clients_reply_forward_attachment_and_table(db, cli, box):
    made = shapes()
    assert set(EXPECTED) == {s.name for s in made}
    for shape in made:
        box.append(shape.raw, at(RECEIVED.get(shape.name, "2026-11-23T08:30")))
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["skipped"] == [] and out["needs_a_look"] == []
    by_subject = {x["subject"]: x for x in out["recorded"]}
    assert len(out["recorded"]) == len(made)
    rows = _rows(db)
    for shape in made:
        got = by_subject[shape.subject]
        assert (got["person"], got["period"]) == EXPECTED[shape.name], shape.name
        person, period, summary, plan, name, size, sha = rows[got["message_id"]]
        assert (person, period) == EXPECTED[shape.name], shape.name
        # the new text, never the quoted one (旧的…: last week's plan below the reply)
        assert (summary, plan) == (shape.summary, shape.plan), shape.name
        assert got["attachment"] == (
            None if name is None else {"name": name, "size": size, "sha256": sha}
        ), shape.name
    # the plans attached keep their file's name, size and SHA-256
    attached = {
        x["attachment"]["name"]: x["attachment"] for x in out["recorded"] if x["attachment"]
    }
    assert set(attached) == {"陈静第48周计划.docx", "王强-W48.xlsx", "plan.md"}
    md = [s for s in made if s.name == "gmail md"][0].raw
    body = md.split(b'filename="=?utf-8?B?cGxhbi5tZA==?="', 1)[1].split(b"\r\n\r\n", 1)[1]
    data = base64.b64decode(body.split(b"\r\n--", 1)[0])
    assert attached["plan.md"] == {
        "name": "plan.md",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    # plan show gives the file with the plan (陈静's W48: the Word document came last)
    shown = cli("plan", "show", "陈静", "--week", "2026-W48", "--json").json()
    assert shown["attachment"] == attached["陈静第48周计划.docx"]
    assert shown["versions"] == 4 and "陈静计划事项11" in shown["plan"]
    text = cli("plan", "show", "陈静", "--week", "2026-W48").stdout
    assert "read from the attachment 陈静第48周计划.docx" in text
    assert attached["陈静第48周计划.docx"]["sha256"] in text
    # the reply on last week's thread says how its week was told
    [outlook] = [x for x in out["recorded"] if x["subject"] == "回复: 第47周工作计划"]
    assert outlook["note"] == (
        "a reply on the thread of 2026-W47: filed as 2026-W48, the week it was received in"
    )
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    states = {m["name"]: m["status"] for m in status["members"]}
    assert states == {"张伟": "missing", "李娜": "on_time", "王强": "on_time", "陈静": "on_time"}
    again = cli("plan", "collect", "--json").json()
    assert again["recorded"] == [] and again["already"] == len(made)


def _plain(sender: str, subject: str, body: str, mid: str) -> bytes:
    return client_message(
        sender, subject, mid, "MIME-Version: 1.0\r\n" + part(body, "text/plain"), mailer="Foxmail"
    )


PLAN = "上周工作总结：\n完成复盘\n\n本周工作计划：\n准备年会\n"


def test_a_week_far_from_the_one_received_is_listed_for_the_head(db, cli, box, monkeypatch):
    """ "12月第一周" sent on 27 November is W50 (the first week whose Monday is in December):
    two weeks away, listed and not filed; "第四十九周" received in W50 is W49, filed late."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-11T10:00")
    box.append(
        _plain("lina@huhao.example", "12月第一周工作计划", PLAN, "<far@x>"), at("2026-11-27T09:00")
    )
    box.append(
        _plain("wangqiang@huhao.example", "第四十九周工作计划", PLAN, "<w49@x>"),
        at("2026-12-07T09:00"),
    )
    box.append(
        _plain("chenjing@huhao.example", "本周总结及下周计划", PLAN, "<next@x>"),
        at("2026-12-04T17:00"),
    )
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    got = {(x["person"], x["period"], x["status"]) for x in out["recorded"]}
    assert got == {("王强", "2026-W49", "late"), ("陈静", "2026-W50", "on_time")}
    [look] = out["needs_a_look"]
    assert (look["person"], look["subject"], look["period"], look["received_week"]) == (
        "李娜",
        "12月第一周工作计划",
        "2026-W50",
        "2026-W48",
    )
    assert look["reason"].startswith(
        "the subject names 2026-W50, 2 weeks after the week it was received in (2026-W48)"
    )
    assert out["skipped"] == []
    assert cli("plan", "show", "李娜", "--week", "2026-W50").exit_code == 1
    assert cli("plan", "show", "李娜", "--week", "2026-W48").exit_code == 1
    # the table: a list for the head, and a line saying so
    r = cli("plan", "collect")
    assert r.exit_code == 0, r.stderr
    assert "Needs a look" in r.stdout and "12月第一周工作计划" in r.stdout
    assert "needs a look 1" in r.stderr
    # still listed, never filed, until someone acts; not moved with the recorded ones
    r = cli("plan", "collect", "--move-to", "Done", "--json")
    assert len(r.json()["needs_a_look"]) == 1 and r.json()["moved"] == 2
    assert [raw for _, raw in box.folder() if b"<far@x>" in raw]


def test_a_reply_of_nothing_and_a_broken_attachment_are_listed(db, cli, box):
    """A reply whose sender wrote nothing is not the quoted message's plan (here the tool's own
    reminder); a Word file that unpacks to too much is not read."""
    reminder = "[ecomops] 周工作计划 2026-W48\n上周工作总结：\n请写\n本周工作计划：\n请写\n"
    quoted = "\n".join("> " + x for x in reminder.splitlines())
    box.append(
        _plain(
            "lina@huhao.example",
            "Re: [ecomops] 周工作计划 2026-W48",
            f"\n\nOn Mon, Nov 23, 2026 at 8:00 AM ecomops <{HEAD}> wrote:\n{quoted}\n",
            "<empty-reply@x>",
        ),
        at("2026-11-23T09:00"),
    )
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (40 * 1024 * 1024))
    mime = (
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        + part("见附件", "text/plain")
        + "\r\n--b\r\n"
        + part(bomb.getvalue(), "application/octet-stream", filename="plan.docx")
        + "\r\n--b--\r\n"
    )
    box.append(
        client_message("chenjing@huhao.example", "W48", "<bomb@x>", mime, mailer="x"),
        at("2026-11-23T09:05"),
    )
    out = cli("plan", "collect", "--json").json()
    assert out["recorded"] == []
    reasons = {x["sender"]: x["reason"] for x in out["skipped"]}
    assert reasons["lina@huhao.example"] == "the message has no summary and no plan section"
    assert (
        "the attachment 'plan.docx' was not read: it unpacks to 41,943,"
        in reasons["chenjing@huhao.example"]
    )
