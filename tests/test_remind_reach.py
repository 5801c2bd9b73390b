"""Rules that wait on someone reach them (issue 23, items 4 and 6), through a real SMTP server
(aiosmtpd): the head's weekly department summary (and the general manager the day after), leave
exceptions waiting for approval, handover forms not acknowledged, a Monday on approved leave,
and, once company mail applies (§3.2 rule 3), no mail to a personal address."""

# ruff: noqa: F811 (pytest fixtures imported from their module, taken as parameters)
from __future__ import annotations

import pytest

from tests.test_remind import _text, _to, smtp  # noqa: F401 (the fixture)

PEOPLE = [
    ("总经理甲", "general_manager", "gm@huhao.example"),
    ("张伟", "manager", "zhangwei@huhao.example"),
    ("李娜", "copywriter", "lina@huhao.example"),
    ("王强", "supervisor", "wangqiang@huhao.example"),
    ("陈静", "clerk", "chenjing@huhao.example"),
]
GM, HEAD, LINA = "gm@huhao.example", "zhangwei@huhao.example", "lina@huhao.example"


def _special_leave(cli):
    """李娜 asks for leave on Monday 30 November (a plan day: an exception), as JSON."""
    return ok(cli("leave", "request", "--as", "李娜", "--from", "2026-11-30", "--reason", "体检",
                  "--special", "--json"))


def ok(r):
    assert r.exit_code == 0, r.stderr
    return r


@pytest.fixture
def dept(db, cli, monkeypatch):
    """Five people, added on 16 November; nothing handed in yet."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-16T09:00")
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    for name, pos, mail in PEOPLE:
        ok(cli("staff", "add", name, "-p", pos, "--email", mail))
    return db


def kinds(out: dict) -> set[tuple[str, str, str, str]]:
    return {(x["kind"], x["item"], x["occasion"], x["recipient"]) for x in out["reminders"]}


# --- leave exceptions waiting for approval ---------------------------------------------------


def test_a_leave_exception_still_pending_days_later_reaches_the_head_once(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T09:00")
    r = _special_leave(cli)
    leave = r.json()["id"]
    assert r.json()["status"] == "pending"
    # Friday 4 December: the 30 November request is still pending
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-04T10:30")
    today = ok(cli("today", "--as", "张伟", "--json")).json()
    assert [(x["id"], x["name"], x["start"], x["end"]) for x in today["leave_pending"]] == [
        (leave, "李娜", "2026-11-30", "2026-11-30")
    ]
    text = ok(cli("today", "--as", "张伟")).stdout
    assert "2026-11-30" in text and f"ecomops leave approve {leave}" in text
    # a member does not decide it, and does not see it
    assert ok(cli("today", "--as", "王强", "--json")).json()["leave_pending"] == []

    out = ok(cli("remind", "--json")).json()
    assert ("exception", str(leave), "started", "张伟") in kinds(out)
    mail = _text(_to(smtp, HEAD)[0])
    assert "李娜's leave from 2026-11-30 to 2026-11-30" in mail
    assert f"ecomops leave approve {leave}" in mail
    assert all("leave " + str(leave) not in _text(m) for m in _to(smtp, LINA))
    again = ok(cli("remind", "--json")).json()
    assert [x for x in again["reminders"] if x["kind"] == "exception"] == []  # once

    ok(cli("leave", "approve", str(leave), "--as", "张伟"))
    assert ok(cli("today", "--as", "张伟", "--json")).json()["leave_pending"] == []


def test_the_heads_own_exception_goes_to_the_general_manager(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T11:00")
    leave = ok(
        cli(
            "leave",
            "request",
            "--as",
            "张伟",
            "--from",
            "2026-11-30",
            "--reason",
            "家事",
            "--special",
            "--json",
        )
    ).json()["id"]
    assert ok(cli("today", "--as", "张伟", "--json")).json()["leave_pending"] == []
    gm = ok(cli("today", "--as", "总经理甲", "--json")).json()
    assert [x["id"] for x in gm["leave_pending"]] == [leave]
    out = ok(cli("remind", "--json")).json()
    assert ("exception", str(leave), "pending", "总经理甲") in kinds(out)
    assert not any(k[0] == "exception" and k[3] == "张伟" for k in kinds(out))
    assert "张伟 asks for leave from 2026-11-30 to 2026-11-30" in _text(_to(smtp, GM)[0])


# --- handovers not acknowledged --------------------------------------------------------------


def test_an_unacknowledged_handover_reaches_the_head_until_acknowledged(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T11:00")
    form = ok(
        cli(
            "handover",
            "add",
            "--as",
            "王强",
            "--to",
            "陈静",
            "--start",
            "2026-11-26T13:00",
            "--end",
            "2026-11-26T18:00",
            "--place",
            "双龙项目现场",
            "--matter",
            "线下活动踩点",
            "--json",
        )
    ).json()["id"]
    head = ok(cli("today", "--as", "张伟", "--json")).json()
    assert [(h["id"], h["name"], h["cover"]) for h in head["handovers_unacked"]] == [
        (form, "王强", "陈静")
    ]
    out = ok(cli("remind", "--json")).json()
    assert ("handover", str(form), "unacked", "张伟") in kinds(out)
    assert f"ecomops handover ack {form}" in _text(_to(smtp, HEAD)[0])
    ok(cli("handover", "ack", str(form), "--as", "张伟"))
    assert ok(cli("today", "--as", "张伟", "--json")).json()["handovers_unacked"] == []


# --- the head's weekly department summary ------------------------------------------------------


def test_the_department_summary_reaches_the_head_then_the_general_manager(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T15:00")  # W48's Monday
    out = ok(cli("remind", "--json")).json()
    assert ("dept", "2026-W48", "before", "张伟") in kinds(out)
    assert not any(k[0] == "dept_missing" for k in kinds(out))
    assert "Your weekly department summary for 2026-W48 is not in yet" in _text(_to(smtp, HEAD)[0])
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T10:15")  # the day after
    out = ok(cli("remind", "--json")).json()
    assert ("dept", "2026-W48", "after", "张伟") in kinds(out)
    assert ("dept_missing", "2026-W48", "after", "总经理甲") in kinds(out)
    gm_mail = _text(_to(smtp, GM)[-1])
    assert "by the department head 张伟 was due 2026-11-23 23:59 and is not in" in gm_mail
    gm = ok(cli("today", "--as", "总经理甲", "--json")).json()
    assert [p["name"] for p in gm["department_summaries_missing"]] == ["张伟"]
    assert ok(cli("today", "--as", "张伟", "--json")).json()["department_summaries_missing"] == []


def test_a_department_summary_handed_in_is_not_reminded(dept, cli, smtp, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T11:00")
    ok(cli("plan", "submit", "--as", "张伟", "--department", "--summary", "s", "--plan", "p"))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T10:15")
    out = ok(cli("remind", "--json")).json()
    assert not any(k[0] in ("dept", "dept_missing") for k in kinds(out))


# --- a Monday on approved leave --------------------------------------------------------------


def test_a_monday_on_approved_leave_is_on_leave_not_missing(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T09:00")
    leave = _special_leave(cli).json()["id"]
    ok(cli("leave", "approve", str(leave), "--as", "张伟"))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T15:00")  # W49's Monday
    status = ok(cli("plan", "status", "--week", "2026-W49", "--json", "--as", "张伟")).json()
    rows = {r["name"]: r["status"] for r in status["members"]}
    assert rows["李娜"] == "on_leave" and rows["王强"] == "open"
    assert status["counts"]["on_leave"] == 1
    head = ok(cli("today", "--as", "张伟", "--json")).json()
    assert "李娜" not in [p["name"] for p in head["plans_missing"]]
    assert head["monday_plan_counts"]["on_leave"] == 1
    assert ok(cli("today", "--as", "李娜", "--json")).json()["monday_plan_status"] == "on_leave"
    out = ok(cli("remind", "--json")).json()
    assert ("plan", "2026-W49", "before", "王强") in kinds(out)
    assert not any(k[0] == "plan" and k[3] == "李娜" for k in kinds(out))
    (listed,) = [ln for ln in _text(_to(smtp, HEAD)[0]).splitlines() if "Monday plans" in ln]
    assert "王强" in listed and "李娜" not in listed
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T10:00")  # past due: still on leave
    status = ok(cli("plan", "status", "--week", "2026-W49", "--json", "--as", "张伟")).json()
    assert {r["name"]: r["status"] for r in status["members"]}["李娜"] == "on_leave"


# --- company mail only (§3.2 rule 3) ---------------------------------------------------------


def test_remind_does_not_mail_a_personal_address_and_tells_the_head(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    ok(cli("staff", "edit", "李娜", "--email", "lina.home@163.example"))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T09:00")
    ok(cli("staff", "company-mail", "huhao.example", "--from", "2026-11-23"))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T15:00")
    out = ok(cli("remind", "--json")).json()
    lina = [x for x in out["reminders"] if x["recipient"] == "李娜"]
    assert [(x["kind"], x["status"]) for x in lina] == [("plan", "skipped")]
    assert lina[0]["error"].startswith("not company mail: lina.home@163.example")
    assert all(rcpt != ["lina.home@163.example"] for rcpt, _ in smtp.messages)
    assert ("address", str(_id(cli, "李娜")), "personal", "张伟") in kinds(out)
    head = _text(_to(smtp, HEAD)[0])
    assert "李娜 was not reminded by e-mail: their address lina.home@163.example is not " in head
    assert "ecomops staff edit 李娜 --email" in head
    # the head hears it once; 王强 (company mail) is mailed as before
    assert len(_to(smtp, "wangqiang@huhao.example")) == 1
    again = ok(cli("remind", "--json")).json()
    assert not any(x["kind"] == "address" for x in again["reminders"])


def test_before_the_company_mail_day_a_personal_address_is_mailed(
    dept,
    cli,
    smtp,
    monkeypatch,
):
    ok(cli("staff", "edit", "李娜", "--email", "lina.home@163.example"))
    ok(cli("staff", "company-mail", "huhao.example", "--from", "2026-12-01"))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T15:00")
    out = ok(cli("remind", "--json")).json()
    assert not any(x["kind"] == "address" for x in out["reminders"])
    assert len(_to(smtp, "lina.home@163.example")) == 1


def _id(cli, name: str) -> int:
    return ok(cli("staff", "show", name, "--json")).json()["id"]
