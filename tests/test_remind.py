"""``ecomops remind`` against real servers: aiosmtpd (STARTTLS, a login) for e-mail and an HTTP
server on 127.0.0.1 that answers as a WeCom, DingTalk or Feishu group robot, checking each
body and recomputing each signature. Every reminder goes once; a failed one is recorded and
sent by the next run."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.mailserver import PASSWORD, USER, free_port, serve

KEY = "k3y-0f-the-r0bot"
SECRET = "SECsigning-secret-42"
MONDAY_15 = "2026-11-23T15:00"  # W48's Monday: plans due at 23:59:59


# --- a group robot on 127.0.0.1 ------------------------------------------------------------


@dataclass
class Robot:
    """What the robot received, and how it answers (``status``, ``answer``)."""

    kind: str
    port: int = 0
    posts: list[dict] = field(default_factory=list)
    status: int = 200
    answer: dict | None = None
    #: seconds before each answer
    delay: float = 0.0

    @property
    def url(self) -> str:
        paths = {
            "wecom": f"/cgi-bin/webhook/send?key={KEY}",
            "dingtalk": f"/robot/send?access_token={KEY}",
            "feishu": f"/open-apis/bot/v2/hook/{KEY}",
        }
        return f"http://127.0.0.1:{self.port}{paths[self.kind]}"

    def texts(self) -> list[str]:
        out = []
        for p in self.posts:
            body = p["body"]
            out.append(
                body["content"]["text"] if self.kind == "feishu" else body["text"]["content"]
            )
        return out


OK = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
}


#: what each robot takes, and what it answers past it (WeCom: a text's content of 2,048 bytes,
#: a markdown's of 4,096; DingTalk: a body of 20,000 bytes; Feishu: a body of 20 KB)
def _over_the_limit(kind: str, raw: bytes) -> dict | None:
    body = json.loads(raw.decode("utf-8"))
    if kind == "wecom":
        kind_of = body.get("msgtype")
        limit = {"text": 2048, "markdown": 4096}[kind_of]
        if len(body[kind_of]["content"].encode("utf-8")) > limit:
            return {
                "errcode": 40058,
                "errmsg": f"{kind_of}.content exceed max length {limit}. invalid Request "
                "Parameter",
            }
    elif kind == "dingtalk" and len(raw) > 20_000:
        return {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
    elif kind == "feishu" and len(raw) > 20 * 1024:
        return {"code": 9499, "msg": "request body too large"}
    return None


@contextmanager
def robot(kind: str) -> Iterator[Robot]:
    state = Robot(kind)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the library's name)
            length = int(self.headers["Content-Length"])
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            refusal = _over_the_limit(kind, raw)
            state.posts.append(
                {
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "type": self.headers["Content-Type"],
                    "body": json.loads(raw.decode("utf-8")),
                    "at": time.time(),
                    "refused": refusal is not None,
                }
            )
            if state.delay:
                time.sleep(state.delay)
            data = json.dumps(refusal or state.answer or OK[kind]).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    # shutdown() waits for the loop's next look at its flag: every 20 ms, not every 0.5 s
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# --- the department --------------------------------------------------------------------------


def _mail_settings(monkeypatch, port: int, cafile) -> None:
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", str(port))
    monkeypatch.setenv("ECOMOPS_SMTP_FROM", "ecomops@huhao.example")
    monkeypatch.setenv("ECOMOPS_SMTP_USER", USER)
    monkeypatch.setenv("ECOMOPS_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("ECOMOPS_SMTP_CAFILE", str(cafile))


@pytest.fixture
def smtp(monkeypatch, tmp_path):
    with serve(tmp_path) as (inbox, port, cafile):
        _mail_settings(monkeypatch, port, cafile)
        yield inbox


@pytest.fixture
def wecom(monkeypatch):
    with robot("wecom") as r:
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", r.url)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", "wecom")
        yield r


PEOPLE = [
    ("总经理甲", "general_manager", "gm@huhao.example"),
    ("张伟", "manager", "zhangwei@huhao.example"),
    ("李娜", "copywriter", "lina@huhao.example"),
    ("王强", "supervisor", "wangqiang@huhao.example"),
    ("陈静", "clerk", "chenjing@huhao.example"),
]


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    """Five people (the general manager outside the department); 张伟 and 陈静 have handed in
    W48's Monday plan, 李娜 and 王强 have not."""
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")

    def build():
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-16T09:00")
        for name, pos, mail in PEOPLE:
            assert cli("staff", "add", name, "-p", pos, "--email", mail).exit_code == 0
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:30")
        for name in ("张伟", "陈静"):
            r = cli("plan", "submit", "--as", name, "--summary", "s", "--plan", "p")
            assert r.exit_code == 0, r.stderr

    prepared(build)
    monkeypatch.setenv("ECOMOPS_NOW", MONDAY_15)
    return db


def _to(inbox, address: str) -> list[Message]:
    return [m for rcpt, m in inbox.messages if rcpt == [address]]


def _body(m: Message) -> str:
    return m.get_content() if hasattr(m, "get_content") else m.get_payload(decode=True).decode()


def _text(m: Message) -> str:
    payload = m.get_payload(decode=True)
    return payload.decode(m.get_content_charset() or "utf-8")


def _ledger(backend) -> list[dict]:
    from sqlalchemy import create_engine, text

    url = backend.url
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(text("SELECT * FROM reminder ORDER BY key")).mappings().all()
            return [dict(r) for r in rows]
    finally:
        eng.dispose()


# --- the "done when" -----------------------------------------------------------------


def test_two_members_missing_on_monday_afternoon_are_mailed_once_and_the_group_told_once(
    dept, cli, smtp, wecom
):
    r = cli("remind", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    plan = [x for x in out["reminders"] if x["kind"] == "plan"]
    assert {(x["recipient"], x["status"], x["occasion"]) for x in plan} == {
        ("李娜", "sent", "before"),
        ("王强", "sent", "before"),
    }
    # each of them: one e-mail, with the plan's reminder in it
    for name, address in (("李娜", "lina@huhao.example"), ("王强", "wangqiang@huhao.example")):
        mails = _to(smtp, address)
        assert len(mails) == 1, (name, [m["Subject"] for m in mails])
        assert "Your Monday plan for 2026-W48 is not in yet" in _text(mails[0])
        assert "2026-11-23 23:59" in _text(mails[0])
    # those who handed it in are not reminded of it
    for address in ("zhangwei@huhao.example", "chenjing@huhao.example"):
        assert all("Your Monday plan" not in _text(m) for m in _to(smtp, address))
    # the head hears who is missing
    head = _to(smtp, "zhangwei@huhao.example")
    assert len(head) == 1
    assert "not in yet: 李娜, 王强." in _text(head[0])
    # the group: ONE message naming both (and nobody else)
    assert len(wecom.posts) == 1
    text = wecom.texts()[0]
    assert "李娜" in text and "王强" in text and "陈静" not in text and "张伟" not in text
    mailed = len(smtp.messages)

    again = cli("remind", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["reminders"] == []
    assert again.json()["already_sent"] == len(out["reminders"])
    assert len(smtp.messages) == mailed and len(wecom.posts) == 1  # nothing sent twice


def test_the_ledger_holds_one_row_per_reminder(dept, cli, smtp, wecom, backend):
    assert cli("remind").exit_code == 0
    rows = {r["key"]: r for r in _ledger(backend)}
    assert rows["missing:2026-W48:before:group:webhook"]["status"] == "sent"
    assert rows["missing:2026-W48:before:group:webhook"]["address"] == (
        f"http://127.0.0.1:{wecom.port} (wecom)"
    )
    assert all(KEY not in (r["address"] or "") for r in rows.values())
    lina = [
        r for r in rows.values() if r["kind"] == "plan" and r["address"] == "lina@huhao.example"
    ]
    assert len(lina) == 1 and lina[0]["attempts"] == 1 and lina[0]["sent_at"] is not None


def test_the_day_after_the_deadline_is_a_new_occasion(dept, cli, smtp, wecom, monkeypatch):
    assert cli("remind").exit_code == 0
    before = len(smtp.messages)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T10:15")
    out = cli("remind", "--json").json()
    assert {(x["recipient"], x["occasion"]) for x in out["reminders"] if x["kind"] == "plan"} == {
        ("李娜", "after"),
        ("王强", "after"),
    }
    assert len(wecom.posts) == 2 and "still not in: 李娜, 王强" in wecom.texts()[1]
    assert len(smtp.messages) > before
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T10:15")  # and then no more about W48
    later = cli("remind", "--json").json()
    assert [x for x in later["reminders"] if x["item"] == "2026-W48"] == []


def test_nothing_before_the_configured_hour(dept, cli, smtp, wecom, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:45")
    r = cli("remind", "--json")
    assert r.exit_code == 0 and r.json()["reminders"] == []
    monkeypatch.setenv("ECOMOPS_REMIND_PLAN_HOUR", "9")
    r = cli("remind", "--json")
    assert {x["recipient"] for x in r.json()["reminders"] if x["kind"] == "plan"} == {
        "李娜",
        "王强",
    }


def test_dry_run_sends_and_writes_nothing(dept, cli, smtp, wecom, backend):
    r = cli("remind", "--dry-run", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["dry_run"] is True
    assert {x["status"] for x in out["reminders"]} == {"would_send"}
    assert "missing:2026-W48:before:group:webhook" in {x["key"] for x in out["reminders"]}
    assert smtp.messages == [] and wecom.posts == []
    assert _ledger(backend) == []
    table = cli("remind", "--dry-run")
    assert "would send" in table.stdout and "would send" in table.stderr


def test_chinese_reminders(dept, cli, smtp, wecom):
    assert cli("remind", "--lang", "zh-hans").exit_code == 0
    lina = _to(smtp, "lina@huhao.example")[0]
    assert "你的周工作计划（2026年第48周）尚未提交，今天 2026年11月23日 23:59 截止。" in _text(lina)
    assert wecom.texts()[0].endswith("尚未提交：李娜、王强。")


# --- the three robots ------------------------------------------------------------------------


def _sign_dingtalk(stamp: str) -> str:
    digest = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _sign_feishu(stamp: str) -> str:
    digest = hmac.new(f"{stamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
@pytest.mark.parametrize("signed", [False, True], ids=["plain", "signed"])
def test_each_robot_gets_its_own_body_and_signature(dept, cli, monkeypatch, kind, signed):
    monkeypatch.delenv("ECOMOPS_SMTP_HOST", raising=False)
    with robot(kind) as r:
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", r.url)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", kind)
        if signed:
            monkeypatch.setenv("ECOMOPS_WEBHOOK_SECRET", SECRET)
        out = cli("remind", "--json")
        assert out.exit_code == 0, out.stderr
    assert out.json()["channels"] == ["webhook"]
    assert len(r.posts) == 1
    post = r.posts[0]
    body, query = post["body"], post["query"]
    assert post["type"].startswith("application/json")
    text = r.texts()[0]
    assert text.startswith("[ecomops] Monday plans 2026-W48: not in yet\n")
    assert "not in yet: 李娜, 王强." in text
    if kind == "wecom":
        assert body == {"msgtype": "text", "text": {"content": text}}
        assert query == {"key": [KEY]}  # WeCom has no signature
    elif kind == "dingtalk":
        assert body == {"msgtype": "text", "text": {"content": text}}
        assert query["access_token"] == [KEY]
        if signed:
            (stamp,) = query["timestamp"]
            assert abs(int(stamp) / 1000 - post["at"]) < 120  # milliseconds, real time
            assert query["sign"] == [_sign_dingtalk(stamp)]  # parse_qs undid the URL encoding
        else:
            assert "sign" not in query and "timestamp" not in query
    else:
        assert post["path"] == f"/open-apis/bot/v2/hook/{KEY}"
        if signed:
            stamp = body.pop("timestamp")
            assert isinstance(stamp, str) and abs(int(stamp) - post["at"]) < 120  # seconds
            assert body.pop("sign") == _sign_feishu(stamp)
        assert body == {"msg_type": "text", "content": {"text": text}}


def test_the_kind_is_told_by_the_robots_host():
    from ecomops.config import load

    env = {"ECOMOPS_CONFIG": "/nonexistent/config.toml"}
    for url, kind in [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "wecom"),
        ("https://oapi.dingtalk.com/robot/send?access_token=x", "dingtalk"),
        ("https://open.feishu.cn/open-apis/bot/v2/hook/x", "feishu"),
    ]:
        hook = load({**env, "ECOMOPS_WEBHOOK_URL": url}).webhook
        assert hook is not None and hook.kind == kind
        assert "x" not in hook.describe().split("//")[1].split(".")[0] or True
        assert "key=x" not in repr(hook) and "key=x" not in hook.describe()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://robot.example.cn/send?key=abc", "is not https"),
        ("https://robot.example.cn/send?key=abc", "cannot tell which robot"),
        ("ftp://robot.example.cn/", "is not an http(s) URL"),
    ],
)
def test_bad_webhook_settings_are_refused_in_one_line(dept, cli, monkeypatch, url, message):
    monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", url)
    r = cli("remind")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert "abc" not in r.stderr


# --- failures: recorded, tried again ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (500, {"errcode": -1, "errmsg": "system busy"}, "answered HTTP 500"),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "93000 invalid webhook url"),
    ],
    ids=["http-500", "errcode"],
)
def test_a_failed_post_is_recorded_and_sent_by_the_next_run(
    dept, cli, smtp, wecom, backend, status, answer, error
):
    wecom.status, wecom.answer = status, answer
    r = cli("remind", "--json")
    assert r.exit_code == 1
    assert "error: 1 message(s) could not be sent" in r.stderr
    group = [x for x in r.json()["reminders"] if x["channel"] == "webhook"]
    assert [(x["status"], x["attempts"]) for x in group] == [("failed", 1)]
    assert error in group[0]["error"] and KEY not in group[0]["error"]
    assert KEY not in r.stdout + r.stderr
    row = {x["key"]: x for x in _ledger(backend)}["missing:2026-W48:before:group:webhook"]
    assert row["status"] == "failed" and error in row["error"] and row["sent_at"] is None
    mailed = len(smtp.messages)

    wecom.status, wecom.answer = 200, None
    again = cli("remind", "--json")
    assert again.exit_code == 0, again.stderr
    assert [(x["channel"], x["status"], x["attempts"]) for x in again.json()["reminders"]] == [
        ("webhook", "sent", 2)
    ]
    assert len(wecom.posts) == 2 and len(smtp.messages) == mailed  # the mails went once
    row = {x["key"]: x for x in _ledger(backend)}["missing:2026-W48:before:group:webhook"]
    assert row["status"] == "sent" and row["error"] is None and row["attempts"] == 2


def test_smtp_down_then_up(dept, cli, wecom, monkeypatch, tmp_path):
    port = free_port()
    with serve(tmp_path) as (_inbox, _port, cafile):
        pass  # only for the CA file
    _mail_settings(monkeypatch, port, cafile)
    down = cli("remind", "--json")
    assert down.exit_code == 1
    mails = [x for x in down.json()["reminders"] if x["channel"] == "email"]
    assert mails and {x["status"] for x in mails} == {"failed"}
    assert "cannot reach the SMTP server" in mails[0]["error"]
    assert PASSWORD not in down.stdout + down.stderr
    assert len(wecom.posts) == 1  # the group message went all the same
    with serve(tmp_path, port=port) as (inbox, _port, cafile2):
        monkeypatch.setenv("ECOMOPS_SMTP_CAFILE", str(cafile2))
        up = cli("remind", "--json")
    assert up.exit_code == 0, up.stderr
    assert {(x["status"], x["attempts"]) for x in up.json()["reminders"]} == {("sent", 2)}
    assert len(_to(inbox, "lina@huhao.example")) == 1
    assert len(wecom.posts) == 1


def test_a_reminder_claimed_by_a_run_that_died_is_sent_again_after_the_lease(
    dept, cli, smtp, wecom, backend
):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import create_engine, text

    url = backend.url.replace("postgresql://", "postgresql+psycopg2://", 1)
    eng = create_engine(url)
    key = "missing:2026-W48:before:group:webhook"
    now = datetime.now(UTC).replace(tzinfo=None)
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO reminder (key, kind, item, occasion, channel, status, attempts, "
                "first_at, last_at) VALUES (:k, 'missing', '2026-W48', 'before', 'webhook', "
                "'sending', 1, :t, :t)"
            ),
            {"k": key, "t": now},
        )
    busy = cli("remind", "--json").json()
    assert [(x["key"], x["status"]) for x in busy["reminders"] if x["channel"] == "webhook"] == [
        (key, "busy")  # another run is sending it: not sent twice
    ]
    assert wecom.posts == []
    with eng.begin() as conn:
        conn.execute(
            text("UPDATE reminder SET last_at = :t WHERE key = :k"),
            {"k": key, "t": now - timedelta(hours=2)},
        )
    eng.dispose()
    again = cli("remind", "--json").json()
    assert [(x["status"], x["attempts"]) for x in again["reminders"]] == [("sent", 2)]
    assert len(wecom.posts) == 1


# --- who may, what is recorded ---------------------------------------------------------------


def test_a_member_may_not_send_the_departments_reminders(dept, cli, smtp, wecom):
    r = cli("remind", "--as", "李娜")
    assert r.exit_code == 1 and r.stderr.startswith(
        "error: 李娜 (Copywriter) may not send the department's reminders"
    )
    assert "--as someone else" not in r.stderr
    assert smtp.messages == [] and wecom.posts == []
    assert cli("remind", "--as", "张伟").exit_code == 0


def test_no_channel_configured(dept, cli, backend):
    """A preview needs no server: who would be told what, through no channel yet; a real run
    refuses in one line."""
    r = cli("remind")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: no channel to send reminders through; set [smtp] host (e-mail) or [webhook] "
        "url (the group robot) in /nonexistent/config.toml, or ECOMOPS_SMTP_HOST or "
        "ECOMOPS_WEBHOOK_URL; --dry-run shows what would go out\n"
    )
    r = cli("remind", "--dry-run", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["channels"], out["dry_run"], out["messages_sent"]) == ([], True, 0)
    assert {(x["recipient"], x["kind"], x["channel"], x["address"], x["status"])
            for x in out["reminders"]} == {
        ("李娜", "plan", "none", "lina@huhao.example", "would_send"),
        ("王强", "plan", "none", "wangqiang@huhao.example", "would_send"),
        ("张伟", "missing", "none", "zhangwei@huhao.example", "would_send"),
        # the head has not sent the week's department summary either (§3.2 rule 7)
        ("张伟", "dept", "none", "zhangwei@huhao.example", "would_send"),
    }
    assert all(x["key"].endswith(":none") for x in out["reminders"])
    table = cli("remind", "--dry-run")
    assert table.exit_code == 0
    rows = [line.split("  ") for line in table.stdout.splitlines()[1:]]
    assert {tuple(c.strip() for c in row if c.strip())[:3] for row in rows} == {
        ("would send", "no channel configured", "李娜"),
        ("would send", "no channel configured", "王强"),
        ("would send", "no channel configured", "张伟"),
    }
    assert table.stderr == "ecomops: would send 4 reminder(s)\n"
    zh = cli("remind", "--dry-run", "--lang", "zh-hans")
    assert "未配置发送渠道" in zh.stdout and "no channel" not in zh.stdout
    assert _ledger(backend) == []  # nothing recorded


def test_a_run_is_audited_with_counts_only(dept, cli, smtp, wecom):
    assert cli("remind").exit_code == 0
    assert cli("remind").exit_code == 0  # an idle run is not recorded
    entries = [e for e in cli("audit", "--json").json() if e["command"] == "remind"]
    assert len(entries) == 1
    details = entries[0]["details"]
    assert details["messages_sent"] == len(smtp.messages) + len(wecom.posts)
    assert details["reminders_sent"] >= 4
    assert "李娜" not in json.dumps(details) and "plan" not in json.dumps(details)


@pytest.mark.skipif(
    __import__("tests.conftest", fromlist=["PG_ADMIN_URL"]).PG_ADMIN_URL is None,
    reason="row-level security is PostgreSQL's",
)
def test_on_postgresql_only_the_keeper_reads_the_ledger_or_sends(dept, cli, smtp, wecom, backend):
    import uuid

    import psycopg2
    from sqlalchemy.engine import make_url

    assert cli("remind").exit_code == 0
    role = f"zhangwei_{uuid.uuid4().hex[:8]}"
    r = cli("db", "grant", "张伟", "--login", role, "--password-stdin", input="pw-x")
    assert r.exit_code == 0, r.stderr
    try:
        url = make_url(backend.url).set(username=role, password="pw-x")
        conn = psycopg2.connect(
            host=url.host, port=url.port, dbname=url.database, user=role, password="pw-x"
        )
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM reminder")
            assert cur.fetchone() == (0,)  # the head's own role sees none of the ledger
        conn.close()
        mailed = len(smtp.messages)
        refused = cli("remind", "--database-url", url.render_as_string(hide_password=False))
        assert refused.exit_code == 1
        assert "only the database's keeper" in refused.stderr
        assert len(smtp.messages) == mailed
    finally:
        admin_url = make_url(backend.url)
        admin = psycopg2.connect(
            host=admin_url.host,
            port=admin_url.port,
            dbname=admin_url.database,
            user=admin_url.username,
            password=admin_url.password,
        )
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{role}"')
            cur.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def test_a_month_end_summary_due_on_the_months_last_day_is_reminded_of_next_month(
    db, cli, smtp, monkeypatch
):
    # July 2026's summary is due on Friday the 31st; the working day after is Monday 3 August
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-07-01T09:00")
    for name, pos, mail in PEOPLE[1:3]:
        assert cli("staff", "add", name, "-p", pos, "--email", mail).exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-07-31T12:00")
    assert (
        cli(
            "plan", "submit", "--as", "张伟", "--month", "2026-07", "--summary", "s", "--plan", "p"
        ).exit_code
        == 0
    )
    monkeypatch.setenv("ECOMOPS_NOW", "2026-08-03T11:00")
    out = cli("remind", "--json")
    assert out.exit_code == 0, out.stderr
    summary = {
        (x["kind"], x["recipient"], x["occasion"])
        for x in out.json()["reminders"]
        if x["item"] == "2026-07"
    }
    assert summary == {("summary", "李娜", "after"), ("missing", "张伟", "after")}
    assert "was due 2026-07-31 23:59" in _text(_to(smtp, "lina@huhao.example")[0])


def test_runs_at_the_same_moment_send_each_reminder_once(dept, cli, smtp, wecom):
    """Cron starting a run while others are still at it (16 processes at once, on SQLite and
    on PostgreSQL): every reminder is claimed by one of them, nothing goes twice."""
    from tests.processes import ecomops_at_once

    runs = ecomops_at_once(["remind", "--json"], 16)
    assert [run.returncode for run in runs] == [0] * 16, [run.stderr.decode() for run in runs]
    sent = [x for run in runs for x in json.loads(run.stdout)["reminders"]
            if x["status"] == "sent"]
    keys = [x["key"] for x in sent]
    assert len(keys) == len(set(keys)) and "missing:2026-W48:before:group:webhook" in keys
    assert len(wecom.posts) == 1
    rcpts = [tuple(rcpt) for rcpt, _m in smtp.messages]
    assert len(rcpts) == len(set(rcpts))  # one e-mail per person
    assert {("lina@huhao.example",), ("wangqiang@huhao.example",)} <= set(rcpts)


def test_tasks_and_ratings_ride_in_the_same_one_mail(dept, cli, smtp, wecom, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T09:00")
    for args in (
        ["元旦活动海报", "--owner", "李娜", "--due", "2026-11-24"],
        ["双龙招商资料", "--owner", "李娜", "--due", "2026-11-20"],
    ):
        assert cli("tasks", "add", *args).exit_code == 0
    assert cli("cycle", "open", "2026-11").exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", MONDAY_15)
    out = cli("remind", "--json").json()
    lina = [(x["kind"], x["occasion"]) for x in out["reminders"] if x["recipient"] == "李娜"]
    assert ("plan", "before") in lina and ("task", "due_tomorrow") in lina
    assert ("task", "overdue") in lina
    mails = _to(smtp, "lina@huhao.example")
    assert len(mails) == 1
    body = _text(mails[0])
    assert "“元旦活动海报” is due 2026-11-24." in body
    assert "“双龙招商资料” was due 2026-11-20: 3 day(s) overdue." in body
    assert mails[0]["Subject"].startswith("[ecomops] ") and "reminders" in mails[0]["Subject"]
    assert mails[0]["Date"] and mails[0]["Message-ID"]  # clients sort by it, filters want it
    # the general manager rates the supervisor 王强 (and, with the manager, 李娜 and 陈静)
    gm = _to(smtp, "gm@huhao.example")
    assert len(gm) == 1 and "Appraisal cycle 2026-11 is open and you still have to rate:" in (
        _text(gm[0])
    )
    assert "王强" in _text(gm[0])
    # a person's tasks and ratings never go to the group
    assert len(wecom.posts) == 1 and "元旦活动海报" not in wecom.texts()[0]


def test_a_cancelled_task_is_never_reminded(dept, cli, smtp, wecom, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T09:00")
    ids = {}
    for title, due in (("元旦活动海报", "2026-11-24"), ("双龙招商资料", "2026-11-20"),
                       ("双龙微信文案", "2026-11-24")):
        r = cli("tasks", "add", title, "--owner", "李娜", "--due", due, "--json")
        ids[title] = r.json()["id"]
    for title in ("双龙招商资料", "双龙微信文案"):
        r = cli("tasks", "cancel", str(ids[title]), "--reason", "项目暂停", "--as", "张伟")
        assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_NOW", MONDAY_15)
    out = cli("remind", "--dry-run", "--json").json()
    tasks = {x["item"] for x in out["reminders"] if x["kind"] == "task"}
    assert tasks == {f"{ids['元旦活动海报']}@2026-11-24"}
    assert smtp.messages == [] and wecom.posts == []


def test_someone_with_no_address_is_shown_once_and_mailed_once_they_have_one(
    dept, cli, smtp, wecom, backend
):
    """No e-mail address: not a failure retried every 15 minutes (exit 0, shown once, the head
    and the group are told as usual), and mailed as soon as the roster gives an address."""
    assert cli("staff", "add", "赵敏", "-p", "copywriter").exit_code == 0
    first = cli("remind", "--json")
    assert first.exit_code == 0, first.stderr
    zhao = [x for x in first.json()["reminders"] if x["recipient"] == "赵敏"]
    assert [(x["kind"], x["status"], x["error"]) for x in zhao] == [
        ("plan", "skipped", "no e-mail address on the roster")
    ]
    assert first.json()["messages_failed"] == 0
    assert "赵敏" in wecom.texts()[0]  # the group still hears who is missing
    again = cli("remind", "--json")
    assert again.exit_code == 0 and again.json()["reminders"] == []
    edited = cli("staff", "edit", "赵敏", "--email", "zhaomin@huhao.example")
    assert edited.exit_code == 0, edited.stderr
    third = cli("remind", "--json")
    assert third.exit_code == 0, third.stderr
    assert [(x["recipient"], x["status"]) for x in third.json()["reminders"]] == [("赵敏", "sent")]
    assert len(_to(smtp, "zhaomin@huhao.example")) == 1
    rows = [r for r in _ledger(backend) if r["key"].startswith("plan:2026-W48:before:")]
    assert {r["status"] for r in rows} == {"sent"}


def test_the_table_in_chinese(dept, cli, smtp, wecom):
    """--lang zh-hans: the reminders' table has Chinese headers and words, no English ids."""
    r = cli("remind", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    for word in ("状态", "渠道", "对象", "已发送", "周一计划", "截止前", "工作群", "邮件"):
        assert word in out, word
    for english in ("status", "channel", "before", "webhook", "sent"):
        assert english not in out, english
