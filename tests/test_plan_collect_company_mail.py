"""Company mail only (§3.2 rule 3, issue 23 item 4): from the day ``staff company-mail`` names,
``plan collect`` on a real Dovecot lists a plan from a personal address as "not company mail"
and records nothing of it, unless ``--accept-personal``; before that day it is taken."""

# ruff: noqa: F811 (pytest fixtures imported from their module, taken as parameters)
from __future__ import annotations

from tests.test_plan_collect import PLAN_UTF8, at, dept, imap, message  # noqa: F401

HOME = "lina.home@163.example"


def _mailbox(server) -> None:
    """李娜's W47 plan from her personal address before company mail applies (Monday 16
    November), her W48 plan from it after (Monday 23 November), and 王强's W48 plan from his
    company address."""
    server.append(
        message(f"李娜 <{HOME}>", "第47周工作计划", PLAN_UTF8, mid="<home-47@163>"),
        at("2026-11-16T09:10:00"),
    )
    server.append(
        message(f"李娜 <{HOME}>", "第48周工作计划", PLAN_UTF8, mid="<home-48@163>"),
        at("2026-11-23T09:10:00"),
    )
    server.append(
        message("王强 <wangqiang@huhao.example>", "第48周工作计划", PLAN_UTF8, mid="<wq-48@huhao>"),
        at("2026-11-23T09:20:00"),
    )


def _setup(cli, server, monkeypatch) -> None:
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T09:00")
    assert cli("staff", "edit", "李娜", "--email", HOME).exit_code == 0
    r = cli("staff", "company-mail", "huhao.example", "--from", "2026-11-23")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    _mailbox(server)


def test_a_plan_from_a_personal_address_after_the_day_is_not_recorded(
    dept,
    cli,
    imap,
    monkeypatch,
):
    _setup(cli, imap, monkeypatch)
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert {(x["person"], x["period"]) for x in out["recorded"]} == {
        ("李娜", "2026-W47"),  # before company mail applied: taken
        ("王强", "2026-W48"),
    }
    [refused] = out["skipped"]
    assert (refused["sender"], refused["subject"]) == (HOME, "第48周工作计划")
    assert refused["reason"].startswith(f"not company mail: {HOME} is not at @huhao.example")
    assert "--accept-personal" in refused["reason"]
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    assert {m["name"]: m["status"] for m in status["members"]}["李娜"] == "missing"
    table = cli("plan", "collect")
    assert table.exit_code == 0 and "not company mail" in table.stdout + table.stderr


def test_accept_personal_records_it(dept, cli, imap, monkeypatch):
    _setup(cli, imap, monkeypatch)
    r = cli("plan", "collect", "--accept-personal", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert {(x["person"], x["period"], x["status"]) for x in out["recorded"]} == {
        ("李娜", "2026-W47", "on_time"),
        ("李娜", "2026-W48", "on_time"),
        ("王强", "2026-W48", "on_time"),
    }
    assert out["skipped"] == []
