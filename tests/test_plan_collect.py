"""Plans by e-mail (issue 15): ``ecomops plan collect`` against a real Dovecot on 127.0.0.1,
with messages as mail clients send them (UTF-8, GBK in base64, quoted-printable, HTML only,
RFC 2047 subjects), placed with IMAP APPEND at the times the server received them."""

from __future__ import annotations

import base64
import quopri
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
HEAD = "zhangwei@huhao.example"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def b64_header(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def message(
    sender: str,
    subject: str,
    body: str,
    *,
    mid: str | None,
    charset: str = "utf-8",
    encoding: str = "8bit",
    subtype: str = "plain",
    subject_charset: str | None = None,
    declared: str | None = None,
) -> bytes:
    """A message as a mail client writes it (``encoding``: 8bit, base64 or
    quoted-printable; ``subject_charset``: an RFC 2047 subject in that charset; ``declared``:
    the charset the header names, when the client names another than it uses)."""
    data = body.replace("\n", "\r\n").encode(charset)
    if encoding == "base64":
        data = base64.encodebytes(data).replace(b"\n", b"\r\n")
    elif encoding == "quoted-printable":
        data = quopri.encodestring(data)  # keeps the CRLF line ends, soft breaks too
    subj = b64_header(subject, subject_charset) if subject_charset else subject
    head = [
        f"From: {sender}",
        f"To: 张伟 <{HEAD}>",
        f"Subject: {subj}",
        "Date: Mon, 23 Nov 2026 09:00:00 +0800",
        "MIME-Version: 1.0",
        f'Content-Type: text/{subtype}; charset="{declared or charset}"',
        f"Content-Transfer-Encoding: {encoding}",
    ]
    if mid is not None:
        head.insert(0, f"Message-ID: {mid}")
    return "\r\n".join(head).encode("utf-8") + b"\r\n\r\n" + data + b"\r\n"


PLAN_UTF8 = "## 上周工作总结\n完成双龙微信文案\n\n## 本周工作计划\n元旦活动文案初稿\n"
# Foxmail's way: headings as lines of their own, no Markdown; 镕 is GBK, not GB2312
PLAN_GBK = "上周工作总结：\n完成朱镕基纪念馆图片\n\n本周工作计划：\n拍摄新品主图\n"
PLAN_HTML = (
    "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
    "<div>陈静 第48周</div><h3>上周总结</h3><p>整理客户资料<br>归档合同</p>"
    "<h3>本周计划</h3><ul><li>准备年终盘点</li><li>更新通讯录</li></ul></body></html>"
)


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    """The department of the Done-when scenario, with roster addresses; 'now' on the Friday
    after the Monday plans were due."""
    def build():
        monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T09:00")
        for name, pos, mail in [
            ("总经理甲", "general_manager", "gm@huhao.example"),
            ("张伟", "manager", HEAD),
            ("李娜", "copywriter", "lina@huhao.example"),
            ("王强", "supervisor", "wangqiang@huhao.example"),
            ("陈静", "clerk", "chenjing@huhao.example"),
        ]:
            assert cli("staff", "add", name, "-p", pos, "--email", mail).exit_code == 0

    prepared(build)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    return db


@pytest.fixture
def imap(tmp_path, monkeypatch, dovecot):
    """Dovecot in plain text (the TLS cases have tests of their own), a mailbox of the test's
    own on the session's server."""
    server = dovecot("none")
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
    return server


def done_when_mailbox(imap) -> None:
    """Monday plans from three members (GBK as a Chinese client sends it, HTML only, one
    received after the deadline) and one from an address not on the roster."""
    imap.append(
        message(
            "=?GBK?B?"
            + base64.b64encode("李娜".encode("gbk")).decode()
            + "?= <LiNa@HuHao.example>",
            "第48周工作计划",
            PLAN_GBK,
            mid="<foxmail-1@huhao.example>",
            charset="gbk",
            declared="gb2312",
            encoding="base64",
            subject_charset="gbk",
        ),
        at("2026-11-23T08:47:10"),
    )
    imap.append(
        message(
            "陈静 <chenjing@huhao.example>",
            "周计划",
            PLAN_HTML,
            mid="<html-1@huhao.example>",
            subtype="html",
            encoding="quoted-printable",
        ),
        at("2026-11-23T17:30:00"),
    )
    imap.append(
        message(
            "wangqiang@huhao.example", "2026-W48 plan", PLAN_UTF8, mid="<late-1@huhao.example>"
        ),
        at("2026-11-24T09:15:00"),
    )
    imap.append(
        message("stranger@spam.example", "Re: 周计划", PLAN_UTF8, mid="<spam-1@spam.example>"),
        at("2026-11-23T10:00:00"),
    )


def test_done_when(dept, cli, imap):
    done_when_mailbox(imap)
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    got = {(x["person"], x["period"], x["submitted_at"], x["status"]) for x in out["recorded"]}
    assert got == {
        ("李娜", "2026-W48", "2026-11-23T08:47:10+08:00", "on_time"),
        ("陈静", "2026-W48", "2026-11-23T17:30:00+08:00", "on_time"),
        ("王强", "2026-W48", "2026-11-24T09:15:00+08:00", "late"),
    }
    [unknown] = out["skipped"]
    assert (unknown["sender"], unknown["subject"]) == ("stranger@spam.example", "Re: 周计划")
    assert "not on the roster" in unknown["reason"]
    assert out["already"] == 0 and out["dry_run"] is False and out["moved"] == 0
    assert "imap-s3cret" not in r.stdout + r.stderr

    # the text as the member wrote it: GB2312 declared, GBK sent; HTML as text
    lina = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert (lina["summary"], lina["plan"]) == ("完成朱镕基纪念馆图片", "拍摄新品主图")
    chen = cli("plan", "show", "陈静", "--week", "2026-W48", "--json").json()
    assert chen["summary"] == "整理客户资料\n归档合同"
    assert chen["plan"] == "- 准备年终盘点\n- 更新通讯录"
    assert "alert" not in chen["summary"] + chen["plan"]

    again = cli("plan", "collect", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["recorded"] == [] and again.json()["already"] == 3

    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    got_status = {m["name"]: m["status"] for m in status["members"]}
    assert got_status == {"张伟": "missing", "李娜": "on_time", "王强": "late", "陈静": "on_time"}
    report = cli("report", "--month", "2026-11", "--json").json()
    weeks = {m["name"]: m["weeks"]["2026-W48"] for m in report["plans"]["members"]}
    assert weeks == {"张伟": "missing", "李娜": "on_time", "王强": "late", "陈静": "on_time"}
    # nothing was marked read, moved or deleted
    left = imap.folder()
    assert len(left) == 4 and not any(b"\\Seen" in flags for flags, _ in left)
    # one audit entry for the run that recorded, with the counts and no message text
    entries = [a for a in cli("audit", "--json").json() if a["command"] == "plan collect"]
    assert [e["details"] for e in entries] == [
        {"recorded": 3, "skipped": 1},
        {"already": 3, "skipped": 1},
    ]


def test_the_table(dept, cli, imap):
    done_when_mailbox(imap)
    r = cli("plan", "collect")
    assert r.exit_code == 0, r.stderr
    assert "李娜" in r.stdout and "stranger@spam.example" in r.stdout
    assert "recorded 3, not used 1" in r.stderr


def test_utf8_qp_rfc2047_and_the_same_message_twice(dept, cli, imap):
    qp = message(
        "李娜 <lina@huhao.example>",
        "月度总结",
        "## 本月总结\n完成十一月目标，超额 5%\n## 下月计划\n元旦活动=策划\n",
        mid="<qp-1@huhao.example>",
        encoding="quoted-printable",
        subject_charset="utf-8",
    )
    imap.append(qp, at("2026-11-26T18:00"))
    imap.append(qp, at("2026-11-26T18:01"))  # the same message, resent
    out = cli("plan", "collect", "--json").json()
    [one] = out["recorded"]
    assert (one["kind"], one["period"], one["status"], one["subject"]) == (
        "month",
        "2026-11",
        "on_time",
        "月度总结",
    )
    assert out["already"] == 1 and out["skipped"] == []
    shown = cli("plan", "show", "李娜", "--month", "2026-11", "--json").json()
    assert (shown["summary"], shown["plan"]) == ("完成十一月目标，超额 5%", "元旦活动=策划")


def test_a_second_message_for_the_period_is_a_new_version(dept, cli, imap):
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<v1@x>"), at("2026-11-23T09:00")
    )
    imap.append(
        message(
            "lina@huhao.example", "W48 修改版", PLAN_UTF8.replace("初稿", "定稿"), mid="<v2@x>"
        ),
        at("2026-11-25T09:00"),
    )
    out = cli("plan", "collect", "--json").json()
    assert [(x["version"], x["status"]) for x in out["recorded"]] == [
        (1, "on_time"),
        (2, "on_time"),
    ]
    shown = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert (shown["versions"], shown["plan"]) == (2, "元旦活动文案定稿")


def test_what_it_cannot_use_it_lists(dept, cli, imap, monkeypatch):
    monkeypatch.setenv("ECOMOPS_IMAP_MAX_BYTES", "3000")
    imap.append(
        message("lina@huhao.example", "W54 周计划", PLAN_UTF8, mid="<p1@x>"), at("2026-11-23T09:00")
    )
    imap.append(
        message("wangqiang@huhao.example", "13月 月度总结", PLAN_UTF8, mid="<p2@x>"),
        at("2026-11-23T09:00"),
    )
    imap.append(
        message("chenjing@huhao.example", "周计划", "收到，谢谢", mid="<p3@x>"),
        at("2026-11-23T09:00"),
    )
    big = PLAN_UTF8 + "附件说明 " * 400
    imap.append(message("lina@huhao.example", "周计划", big, mid="<p4@x>"), at("2026-11-23T09:30"))
    imap.append(
        message("gm@huhao.example", "周计划", PLAN_UTF8, mid="<p5@x>"), at("2026-11-23T09:40")
    )
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["recorded"] == []
    by_uid = {x["uid"]: x["reason"] for x in out["skipped"]}
    assert by_uid[1] == "the subject names week 54 of 2026, which has weeks 1 to 53"
    assert by_uid[2] == "the subject names month 13; there are months 1 to 12"
    assert by_uid[3] == "the message has no summary and no plan section"
    assert by_uid[4].startswith("too big: ") and "more than 3000" in by_uid[4]
    assert "outside the department" in by_uid[5]
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    assert {m["status"] for m in status["members"]} == {"missing"}
    assert len(imap.folder()) == 5


def test_dry_run_records_nothing(dept, cli, imap):
    done_when_mailbox(imap)
    out = cli("plan", "collect", "--dry-run", "--move-to", "Plans", "--json").json()
    assert out["dry_run"] is True and len(out["recorded"]) == 3 and out["moved"] == 0
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    assert {m["status"] for m in status["members"]} == {"missing"}
    assert len(imap.folder()) == 4 and imap.folder("Plans") == []
    assert [a for a in cli("audit", "--json").json() if a["command"] == "plan collect"] == []


def test_since_and_move_to(dept, cli, imap):
    done_when_mailbox(imap)
    out = cli("plan", "collect", "--since", "2026-11-24", "--move-to", "已收计划", "--json").json()
    assert [x["person"] for x in out["recorded"]] == ["王强"]
    assert (out["moved_to"], out["moved"], out["since"]) == ("已收计划", 1, "2026-11-24")
    assert len(imap.folder()) == 3 and len(imap.folder("已收计划")) == 1
    # the rest, and the moved one stays recorded once
    out = cli("plan", "collect", "--move-to", "已收计划", "--json").json()
    assert sorted(x["person"] for x in out["recorded"]) == ["李娜", "陈静"]
    assert out["moved"] == 2
    [(_, raw)] = imap.folder()
    assert b"stranger@spam.example" in raw  # only what was recorded moves
    r = cli("plan", "collect", "--move-to", "INBOX")
    assert r.exit_code == 1 and "--move-to 'INBOX' is not another folder" in r.stderr


def test_copy_and_expunge_when_the_server_cannot_move(dept, imap):
    """The fallback for a server without MOVE: COPY, \\Deleted and UID EXPUNGE of those
    messages alone (a message someone else marked deleted stays)."""
    from ecomops.config import load
    from ecomops.services.mailbox import open_mailbox

    for i in range(3):
        imap.append(
            message("lina@huhao.example", f"m{i}", "x", mid=f"<m{i}@x>"), at("2026-11-23T09:00")
        )
    with imap.client() as c:
        c.select("INBOX")
        c.uid("STORE", "3", "+FLAGS", r"(\Deleted)")
    settings = load().imap
    assert settings is not None
    with open_mailbox(settings) as box:
        box.move([1, 2], "Done", use_move=False)
    assert len(imap.folder("Done")) == 2
    [(flags, raw)] = imap.folder()
    assert b"m2" in raw and b"\\Deleted" in flags


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_over_tls(dept, cli, tmp_path, monkeypatch, tls, dovecot):
    server = dovecot(tls)
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
    server.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<t@x>"), at("2026-11-23T09:00")
    )
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["李娜"]
    # a certificate nobody vouches for: one line, nothing recorded
    monkeypatch.delenv("ECOMOPS_IMAP_CAFILE")
    server.append(
        message("wangqiang@huhao.example", "W48", PLAN_UTF8, mid="<t2@x>"),
        at("2026-11-23T09:00"),
    )
    r = cli("plan", "collect")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "certificate verify failed" in r.stderr
    assert cli("plan", "show", "王强", "--week", "2026-W48").exit_code == 1


def test_no_password_over_plain_text_unless_allowed(dept, cli, imap, monkeypatch):
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<p@x>"), at("2026-11-23T09:00")
    )
    monkeypatch.delenv("ECOMOPS_IMAP_INSECURE")
    monkeypatch.setenv("ECOMOPS_IMAP_STARTTLS", "0")
    r = cli("plan", "collect")
    assert r.exit_code == 1 and "over an unencrypted connection" in r.stderr
    monkeypatch.delenv("ECOMOPS_IMAP_STARTTLS")  # STARTTLS by default: this server has none
    r = cli("plan", "collect")
    assert r.exit_code == 1 and "offers no STARTTLS" in r.stderr
    assert cli("plan", "show", "李娜", "--week", "2026-W48").exit_code == 1


def test_refused_login_and_unreachable_server(dept, cli, imap, monkeypatch):
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<p@x>"), at("2026-11-23T09:00")
    )
    monkeypatch.setenv("ECOMOPS_IMAP_FOLDER", "Nope")
    r = cli("plan", "collect")
    assert r.exit_code == 1 and "has no folder 'Nope'" in r.stderr
    monkeypatch.delenv("ECOMOPS_IMAP_FOLDER")
    monkeypatch.setenv("ECOMOPS_IMAP_PASSWORD", "wrong-pw")
    r = cli("plan", "collect")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert f"refused the login for {imap.user}" in r.stderr and "wrong-pw" not in r.stderr
    from tests.mailserver import free_port

    monkeypatch.setenv("ECOMOPS_IMAP_PORT", str(free_port()))
    r = cli("plan", "collect")
    assert r.exit_code == 1 and "cannot reach the IMAP server 127.0.0.1" in r.stderr
    monkeypatch.delenv("ECOMOPS_IMAP_HOST")
    r = cli("plan", "collect")
    assert r.exit_code == 1 and "no mailbox to collect plans from is configured" in r.stderr
    assert cli("plan", "show", "李娜", "--week", "2026-W48").exit_code == 1
    assert [a for a in cli("audit", "--json").json() if a["command"] == "plan collect"] == []


def test_who_may_collect(dept, cli, imap):
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<p@x>"), at("2026-11-23T09:00")
    )
    r = cli("plan", "collect", "--as", "王强")
    assert (
        r.exit_code == 1 and "may not collect the department's plans from the mailbox" in r.stderr
    )
    r = cli("plan", "collect", "--as", "张伟", "--json")
    assert r.exit_code == 0 and [x["person"] for x in r.json()["recorded"]] == ["李娜"]


@pytest.fixture
def logins(dept, cli):
    """张伟 and 李娜 with login roles of their own (PostgreSQL's row-level security applies to
    them); dropped afterwards."""
    if dept.kind != "postgresql":
        pytest.skip("row-level security is PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    suffix = uuid.uuid4().hex[:8]
    made = {"张伟": f"zhangwei_{suffix}", "李娜": f"lina_{suffix}"}
    for name, role in made.items():
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
        assert r.exit_code == 0, r.stderr
    base = make_url(dept.url)
    yield {
        n: base.set(username=r, password="pw-" + suffix).render_as_string(hide_password=False)
        for n, r in made.items()
    }
    engine = create_engine(base.set(drivername="postgresql+psycopg2"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for role in made.values():
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    engine.dispose()


def test_the_heads_own_role_collects(dept, cli, imap, monkeypatch, logins):
    """Through the head's own PostgreSQL role: row-level security lets the plans in as the
    senders', entered by the head, at the server's received time; the head's own message is
    not taken (its received time is the mailbox owner's to set); a copywriter may not run it."""
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<rls-1@x>"), at("2026-11-23T09:00")
    )
    imap.append(message(HEAD, "W48", PLAN_UTF8, mid="<rls-2@x>"), at("2026-11-23T09:05"))
    monkeypatch.delenv("ECOMOPS_DATABASE_URL")
    r = cli("plan", "collect", "--database-url", logins["李娜"])
    assert (
        r.exit_code == 1 and "may not collect the department's plans from the mailbox" in r.stderr
    )
    r = cli("plan", "collect", "--json", "--database-url", logins["张伟"])
    assert r.exit_code == 0, r.stderr
    assert [(x["person"], x["status"]) for x in r.json()["recorded"]] == [("李娜", "on_time")]
    [own] = r.json()["skipped"]
    assert own["sender"] == HEAD and "the department head's own message" in own["reason"]
    from sqlalchemy import create_engine, text

    engine = create_engine(dept.url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT p.submitted_at, e.name, p.message_id FROM plan p "
                "JOIN staff e ON e.id = p.entered_by_id"
            )
        ).one()
    engine.dispose()
    # stored in UTC: 09:00 in Shanghai, as the server received it
    assert (row[0], row[1], row[2]) == (datetime(2026, 11, 23, 1, 0), "张伟", "<rls-1@x>")


def test_run_by_the_heads_bound_login(dept, cli, imap, caller):
    """Once the head's login is bound, the head runs it: the plans are the senders', entered
    by the head; the head's own message is not taken."""
    assert cli("staff", "link", "张伟", "--login", caller).exit_code == 0
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<b-1@x>"), at("2026-11-23T09:00")
    )
    imap.append(message(HEAD, "W48", PLAN_UTF8, mid="<b-2@x>"), at("2026-11-23T09:05"))
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["李娜"]
    assert [x["sender"] for x in r.json()["skipped"]] == [HEAD]
    from sqlalchemy import create_engine, text

    engine = create_engine(dept.url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.name, e.name FROM plan p JOIN staff s ON s.id = p.staff_id "
                "LEFT JOIN staff e ON e.id = p.entered_by_id"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("李娜", "张伟")]
    [entry] = [a for a in cli("audit", "--json").json() if a["command"] == "plan collect"]
    assert entry["actor"] == "张伟"


def test_a_plan_too_long_to_store_is_listed_and_the_rest_recorded(dept, cli, imap):
    """A refusal inside the store (the text limit) rolls back that message alone."""
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<ok-0@x>"), at("2026-11-23T08:00")
    )
    long = "## 上周总结\n" + "字" * 20_001 + "\n## 本周计划\n计划\n"
    imap.append(
        message("lina@huhao.example", "W48 again", long, mid="<long@x>"), at("2026-11-23T09:00")
    )
    imap.append(
        message("chenjing@huhao.example", "W48", PLAN_UTF8, mid="<ok-1@x>"), at("2026-11-23T10:00")
    )
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["李娜", "陈静"]
    [long_one] = r.json()["skipped"]
    assert long_one["reason"] == "the plan summary is 20,001 characters long; the most is 20,000"
    shown = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert (shown["versions"], shown["summary"]) == (1, "完成双龙微信文案")


def test_what_the_head_and_forgers_send_is_not_taken(dept, cli, imap):
    """Run by the scheduled job (the keeper): the head's own message is not filed as a Monday
    plan; a colleague's Message-ID cannot shut out a member's plan; a message whose domain
    disowns it (DMARC failed at the receiving server) or that names two senders is not taken."""
    imap.append(message(HEAD, "2026-W48 部门总结", PLAN_UTF8, mid="<h@x>"), at("2026-11-23T09:00"))
    imap.append(
        message("wangqiang@huhao.example", "W48", PLAN_UTF8, mid="<same@x>"),
        at("2026-11-23T09:01"),
    )
    imap.append(
        message("chenjing@huhao.example", "W48", PLAN_UTF8, mid="<same@x>"),
        at("2026-11-23T09:02"),
    )
    forged = message("lina@huhao.example", "W48", PLAN_UTF8, mid="<f@x>").replace(
        b"From:",
        b"Authentication-Results: mx.huhao.example; dmarc=fail header.from=huhao.example\r\nFrom:",
        1,
    )
    imap.append(forged, at("2026-11-23T09:03"))
    imap.append(
        message("wangqiang@huhao.example, lina@huhao.example", "W48", PLAN_UTF8, mid="<two@x>"),
        at("2026-11-23T09:04"),
    )
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [(x["person"], x["period"]) for x in r.json()["recorded"]] == [("王强", "2026-W48")]
    reasons = {(x["sender"], x["uid"]): x["reason"] for x in r.json()["skipped"]}
    by_sender = {s: why for (s, _), why in reasons.items()}
    assert "the department head's own message" in by_sender[HEAD]
    assert "already recorded for another member's plan" in by_sender["chenjing@huhao.example"]
    assert "dmarc=fail" in by_sender["lina@huhao.example"]
    assert len(reasons) == 4
    assert any("more than one sender" in why for why in reasons.values())
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    states = {row["name"]: row["status"] for row in status["members"]}
    assert states["王强"] == "on_time"
    assert states["陈静"] != "on_time" and states["李娜"] != "on_time"
    again = cli("plan", "collect", "--json")  # still listed, never recorded
    assert again.json()["recorded"] == [] and again.json()["already"] == 1


def test_the_table_in_chinese(dept, cli, imap):
    imap.append(
        message("lina@huhao.example", "W48", PLAN_UTF8, mid="<zh-1@x>"), at("2026-11-23T09:00")
    )
    imap.append(
        message("x@elsewhere.example", "W48", PLAN_UTF8, mid="<zh-2@x>"), at("2026-11-23T09:01")
    )
    r = cli("plan", "collect", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    for word in ("已记录，来自", "发件人", "成员", "周一计划", "按时", "未采用"):
        assert word in r.stdout, word
    # the headers and words are Chinese (a reason stays in English, as every message does)
    for english in ("Recorded", "on time", "Not used", "person", "subject"):
        assert english not in r.stdout, english


def test_runs_at_the_same_moment_record_each_message_once(dept, cli, imap, backend):
    """Cron starting a run while others are still at it (16 processes at once, on SQLite and
    on PostgreSQL): each message becomes one plan version; a run that meets another's write
    says so in one line and writes nothing; the next run finds all of them recorded."""
    from tests.processes import ecomops_at_once

    done_when_mailbox(imap)
    for run in ecomops_at_once(["plan", "collect", "--json"], 16):
        err = run.stderr.decode()
        assert run.returncode == 0 or (
            run.returncode == 1 and "another command has written the same record" in err
        ), err
    from sqlalchemy import create_engine, text

    url = backend.url.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT message_id, version FROM plan WHERE message_id IS NOT NULL")
        ).all()
    engine.dispose()
    assert sorted(rows) == [
        ("<foxmail-1@huhao.example>", 1),
        ("<html-1@huhao.example>", 1),
        ("<late-1@huhao.example>", 1),
    ]
    again = cli("plan", "collect", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["recorded"] == [] and again.json()["already"] == 3


def test_a_preview_without_a_mailbox_says_what_to_set(dept, cli, tmp_path, monkeypatch):
    """Unlike remind, whose preview reads the database, plan collect previews the mailbox's
    messages: with no mailbox configured there is nothing to preview (exit 1, one line)."""
    config = tmp_path / "config.toml"
    monkeypatch.setenv("ECOMOPS_CONFIG", str(config))
    for args in (["plan", "collect", "--dry-run"], ["plan", "collect"]):
        r = cli(*args)
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr == (
            "error: no mailbox to collect plans from is configured; set host, user and password "
            f"under [imap] in {config} (or ECOMOPS_IMAP_HOST, _USER and _PASSWORD); --dry-run "
            "reads the mailbox too\n"
        )
