"""``remind`` for a large department (issue 23 item 5, issue 26 item 2): the group message
split into numbered messages each within the robot's limit, never cut inside a name, each
signed when it is posted, and sent before the e-mails; the e-mails over one SMTP connection
with one TLS context, each once, marked ``Auto-Submitted``; a connection the server drops is
replaced without losing or doubling a mail.

Real servers: aiosmtpd (STARTTLS and a login, tests/mailserver.py) and an HTTP robot on
127.0.0.1 that refuses what WeCom, DingTalk and Feishu refuse (tests/test_remind.py)."""

from __future__ import annotations

import csv
import json
import re
import ssl
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.mailserver import serve
from tests.test_remind import MONDAY_15, SECRET, _ledger, _mail_settings, robot

HEAD = "部门经理"


def _names(n: int) -> list[str]:
    """``n`` different names as rosters hold them: two to four Chinese characters, and some
    Latin names with spaces and a hyphen."""
    family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬"
    out: list[str] = []
    i = 0
    while len(out) < n:
        if i % 25 == 0:
            out.append(f"Anna-Maria van der Berg {i}")
        else:
            a, b, c = family[i % len(family)], given[i % len(given)], given[(i * 7) % len(given)]
            out.append([a + b, a + b + c, a + b + c + str(i)][i % 3])
        i += 1
    return out


@pytest.fixture
def big(db, cli, monkeypatch, tmp_path):
    """A head and 300 members (imported from a roster file), none of whom has handed in
    W48's Monday plan."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-16T09:00")
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    members = _names(300)
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "position", "email", "manager", "joined"])
        w.writerow([HEAD, "manager", "head@huhao.example", "", "2026-01-05"])
        for i, name in enumerate(members):
            w.writerow([name, ("copywriter", "clerk")[i % 2], f"m{i:03d}@huhao.example", HEAD,
                        "2026-01-05"])
    r = cli("staff", "import", str(roster))
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_NOW", MONDAY_15)
    return members


def _heading_and_names(texts: list[str]) -> tuple[list[str], list[str]]:
    headings = [t.split("\n", 1)[0] for t in texts]
    listed = "".join(t.split("\n", 1)[1] for t in texts)
    names = listed.split("not in yet: ", 1)[1].rstrip(".").split(", ")
    return headings, names


def test_300_names_reach_wecom_as_several_whole_messages_and_301_mails_go_over_one_connection(
    big, cli, monkeypatch, tmp_path, backend
):
    contexts = Counter()
    made = ssl.create_default_context

    def counted(*args, **kwargs):
        contexts["made"] += 1
        return made(*args, **kwargs)

    with serve(tmp_path) as (inbox, port, cafile), robot("wecom") as wecom:
        _mail_settings(monkeypatch, port, cafile)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", wecom.url)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", "wecom")
        monkeypatch.setattr(ssl, "create_default_context", counted)
        began = time.monotonic()
        r = cli("remind", "--json")
        took = time.monotonic() - began
    assert r.exit_code == 0, r.stderr
    out = r.json()
    # the group: several messages, none refused, each within WeCom's 2,048 bytes, numbered
    texts = wecom.texts()
    assert len(texts) >= 2 and not any(p["refused"] for p in wecom.posts)
    assert all(len(t.encode()) <= 2048 for t in texts)
    headings, names = _heading_and_names(texts)
    n = len(texts)
    assert headings == [
        f"[ecomops] Monday plans 2026-W48: not in yet ({i}/{n})" for i in range(1, n + 1)
    ]
    # every name whole, once, in roster order (sorted as the roster lists them)
    assert sorted(names) == sorted([*big, HEAD])
    # the e-mails: one each (300 members and the head, who also hears who is missing), over
    # ONE connection, with ONE TLS context for the run, after the group's messages
    rcpts = Counter(tuple(rcpt) for rcpt, _m in inbox.messages)
    assert len(rcpts) == 301 and set(rcpts.values()) == {1}
    assert inbox.connections == 1, inbox.connections
    assert contexts["made"] == 1
    assert max(p["at"] for p in wecom.posts) <= min(inbox.arrived)
    assert out["messages_sent"] == 301 + 1 and out["messages_failed"] == 0
    # a reminder mail is marked as sent by a program: no out-of-office reply to it
    _rcpt, first = inbox.messages[0]
    assert first["Auto-Submitted"] == "auto-generated"
    assert "OOF" in first["X-Auto-Response-Suppress"]
    rows = _ledger(backend)
    # (and the head's reminder of the department's weekly summary, in the head's one mail)
    plans = [x for x in rows if x["kind"] != "dept"]
    assert len(plans) == 301 + 1 + 1 and {x["status"] for x in rows} == {"sent"}
    assert [x["kind"] for x in rows if x["kind"] == "dept"] == ["dept"]
    # at mail-server speed: one connection instead of 301 (each with its own TLS handshake,
    # login and certificate store: ~30 s here before); generous for a busy 2-core machine
    assert took < 30, took


@pytest.mark.parametrize(
    ("kind", "limit"), [("wecom", 2048), ("dingtalk", 20_000), ("feishu", 20 * 1024)]
)
def test_a_long_list_is_split_within_each_robots_limit_never_inside_a_name(kind, limit):
    from ecomops.config import Webhook
    from ecomops.services.webhook import parts, request_of

    hook = Webhook("http://127.0.0.1:1/hook/k3y-0f-the-r0bot?key=k", kind, SECRET)
    names = _names(3000)
    text = "[ecomops] Monday plans 2026-W48: not in yet\nMonday plans for 2026-W48 are due " \
        "today, 2026-11-23 23:59; not in yet: " + ", ".join(names) + "."
    texts = parts(hook, text)
    assert len(texts) >= 2
    for t in texts:
        _url, body = request_of(hook, t, datetime(2026, 11, 23, tzinfo=UTC))
        size = (
            len(t.encode()) if kind == "wecom"
            else len(json.dumps(body, ensure_ascii=False).encode())
        )
        assert size <= limit, (kind, size)
    headings, listed = _heading_and_names(texts)
    n = len(texts)
    assert headings == [
        f"[ecomops] Monday plans 2026-W48: not in yet ({i}/{n})" for i in range(1, n + 1)
    ]
    if n < 10:
        assert listed == names  # all, whole, in order
    else:  # past ten messages (20 a minute is all WeCom and DingTalk take): how many are left
        assert listed[-1].startswith("… +")
        shown = listed[:-1]
        assert shown == names[: len(shown)]
        assert int(listed[-1].removeprefix("… +").split(".")[0]) == len(names) - len(shown)


def test_a_short_message_is_one_and_feishu_never_gets_a_tag():
    from ecomops.config import Webhook
    from ecomops.services.webhook import parts

    hook = Webhook("http://127.0.0.1:1/open-apis/bot/v2/hook/k3y-0f-the-r0bot", "feishu")
    assert parts(hook, "[ecomops] x\nnot in yet: <at user_id=\"all\">所有人</at>.") == [
        "[ecomops] x\nnot in yet: ＜at user_id=\"all\">所有人＜/at>."
    ]


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_each_message_is_signed_when_it_is_posted(kind, monkeypatch):
    """The robot answers each post after 1.5 s: the second message's signature is 1.5 s
    younger than the first's (both checked by the robot against its own clock)."""
    import base64
    import hashlib
    import hmac

    from ecomops.config import Webhook
    from ecomops.services.webhook import post

    names = _names(3000)
    text = "[ecomops] Monday plans 2026-W48: not in yet\nnot in yet: " + ", ".join(names) + "."
    with robot(kind) as r:
        r.delay = 1.5
        hook = Webhook(r.url, kind, SECRET)
        assert post(hook, text) == len(r.posts) >= 2
    stamps = []
    for p in r.posts:
        if kind == "dingtalk":
            stamp = int(p["query"]["timestamp"][0]) / 1000
            sign = p["query"]["sign"][0]
            key, msg = SECRET.encode(), f"{p['query']['timestamp'][0]}\n{SECRET}".encode()
        else:
            stamp = int(p["body"]["timestamp"])
            sign = p["body"]["sign"]
            key, msg = f"{p['body']['timestamp']}\n{SECRET}".encode(), b""
        expected = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
        assert sign == expected
        assert abs(stamp - p["at"]) < 2  # signed when it went, not when the run began
        stamps.append(stamp)
    assert stamps[1] - stamps[0] >= 1.0, stamps


def test_a_dropped_connection_is_replaced_and_no_mail_lost_or_doubled(tmp_path):
    """A server that takes three mails a connection and then answers 421 to the next MAIL
    (as servers capping mails per connection do): the mail is sent again on a new connection;
    ten mails arrive once each over four connections."""
    from ecomops.config import Smtp
    from ecomops.services.mail import Mailer
    from tests.mailserver import PASSWORD, USER

    with serve(tmp_path) as (inbox, port, cafile):
        taken: Counter = Counter()

        async def handle_MAIL(server, session, envelope, address, options):  # noqa: N802
            if taken[session.peer] >= 3:
                return "421 4.7.0 too many messages in this connection"
            taken[session.peer] += 1
            envelope.mail_from = address
            envelope.mail_options.extend(options)
            return "250 OK"

        inbox.handle_MAIL = handle_MAIL  # an aiosmtpd handler hook, looked up per command
        settings = Smtp(
            "127.0.0.1", port, USER, "ecomops@huhao.example", True, password=PASSWORD,
            cafile=str(cafile), timeout=10,
        )
        with Mailer(settings) as mailer:
            for i in range(10):
                mailer.send(to=f"m{i}@huhao.example", to_name=f"成员{i}", subject="s", body="b")
        assert mailer.connections == 4
    rcpts = Counter(rcpt[0] for rcpt, _m in inbox.messages)
    assert rcpts == Counter({f"m{i}@huhao.example": 1 for i in range(10)})
    assert inbox.connections == 4


def test_a_server_that_cannot_be_reached_is_given_up_for_the_run(tmp_path):
    """Connecting failed: the run's later mails fail at once with the same error (each would
    otherwise wait out the timeout again), for the next run to send."""
    from ecomops.config import Smtp
    from ecomops.services.mail import Mailer, MailError
    from tests.mailserver import free_port

    settings = Smtp("127.0.0.1", free_port(), None, "ecomops@huhao.example", False, timeout=5)
    errors = []
    with Mailer(settings) as mailer:
        for i in range(3):
            with pytest.raises(MailError) as caught:
                mailer.send(to=f"m{i}@huhao.example", to_name="x", subject="s", body="b")
            errors.append(str(caught.value))
    assert len(set(errors)) == 1 and "cannot reach the SMTP server" in errors[0]
    assert mailer.connections == 0


def test_headings_are_numbered_only_when_split():
    from ecomops.config import Webhook
    from ecomops.services.webhook import parts

    hook = Webhook("http://127.0.0.1:1/cgi-bin/webhook/send?key=k", "wecom")
    one = parts(hook, "[ecomops] t\nline")
    assert one == ["[ecomops] t\nline"]
    many = parts(hook, "[ecomops] t\n" + "\n".join(f"第{i}行" + "字" * 50 for i in range(100)))
    assert all(re.match(r"\[ecomops\] t \(\d+/\d+\)\n第", t) for t in many)
    lines = [ln for t in many for ln in t.split("\n")[1:]]
    assert lines == [f"第{i}行" + "字" * 50 for i in range(100)]  # lines whole, in order


def test_the_mailer_keeps_up_with_raw_smtplib_on_one_connection(tmp_path):
    """600 mails through STARTTLS and a login: :class:`Mailer` against raw ``smtplib``
    (``sendmail`` of bytes built beforehand, one connection), interleaved on the same server,
    each the best of two. A connection, a certificate store and a login for each mail (as
    before) made it more than ten times slower; a bound of 2.5× holds on a busy machine."""
    import smtplib

    from ecomops.config import Smtp
    from ecomops.services.mail import Mailer
    from tests.mailserver import PASSWORD, USER

    n = 600
    with serve(tmp_path) as (inbox, port, cafile):
        settings = Smtp(
            "127.0.0.1", port, USER, "ecomops@huhao.example", True, password=PASSWORD,
            cafile=str(cafile), timeout=30,
        )
        data = (
            "From: ecomops@huhao.example\r\nTo: x@huhao.example\r\nSubject: s\r\n\r\n"
            + "你的周工作计划（2026-W48）尚未提交。\r\n"
        ).encode()

        def ours() -> float:
            began = time.perf_counter()
            with Mailer(settings) as mailer:
                for i in range(n):
                    mailer.send(to=f"m{i}@huhao.example", to_name=f"成员{i}",
                                subject="[ecomops] 周工作计划 2026-W48",
                                body="成员，你好：\n\n你的周工作计划（2026-W48）尚未提交。\n")
            assert mailer.connections == 1
            return time.perf_counter() - began

        def raw() -> float:
            began = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.starttls(context=ssl.create_default_context(cafile=str(cafile)))
                smtp.login(USER, PASSWORD)
                for i in range(n):
                    smtp.sendmail("ecomops@huhao.example", [f"m{i}@huhao.example"], data)
            return time.perf_counter() - began

        mine, base = [], []
        for _ in range(2):
            mine.append(ours())
            base.append(raw())
    assert len(inbox.messages) == 4 * n
    assert min(mine) <= 2.5 * min(base), (mine, base)
