"""Mondays and month-ends: the plan, its e-mail to the department head, the calendar, leave,
handover forms and the visitor log."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest

from tests.mailserver import PASSWORD, USER, free_port, serve


def _mail_settings(monkeypatch, port: int, cafile) -> None:
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", str(port))
    monkeypatch.setenv("ECOMOPS_SMTP_FROM", "plans@huhao.example")
    monkeypatch.setenv("ECOMOPS_SMTP_USER", USER)
    monkeypatch.setenv("ECOMOPS_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("ECOMOPS_SMTP_CAFILE", str(cafile))


@pytest.fixture
def smtp(monkeypatch, tmp_path):
    """A real SMTP server on 127.0.0.1 that wants STARTTLS and a login (a throwaway CA)."""
    with serve(tmp_path) as (inbox, port, cafile):
        _mail_settings(monkeypatch, port, cafile)
        yield inbox


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")

    def build():
        for name, pos, mail in [("总经理甲", "general_manager", "gm@huhao.example"),
                                ("张伟", "manager", "zhangwei@huhao.example"),
                                ("李娜", "copywriter", None), ("王强", "supervisor", None),
                                ("陈静", "clerk", None)]:
            args = ["staff", "add", name, "-p", pos] + (["--email", mail] if mail else [])
            assert cli(*args).exit_code == 0

    prepared(build)
    return db


PLAN_MD = "# W48\n## 上周工作总结\n完成双龙微信文案\n## 本周工作计划\n元旦活动文案初稿\n"


def submit(cli, monkeypatch, when, *args):
    monkeypatch.setenv("ECOMOPS_NOW", when)
    return cli("plan", "submit", *args)


def test_on_time_at_23_59_59_late_one_second_later(dept, cli, monkeypatch):
    a = submit(cli, monkeypatch, "2026-11-23T23:59:59", "--as", "李娜", "--summary", "s",
               "--plan", "p", "--json")
    b = submit(cli, monkeypatch, "2026-11-24T00:00:00", "--as", "王强", "--week", "2026-W48",
               "--summary", "s", "--plan", "p", "--json")
    assert (a.json()["status"], a.json()["due_at"]) == ("on_time", "2026-11-23T23:59:59+08:00")
    assert b.json()["status"] == "late"
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T08:00")
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    got = {m["name"]: m["status"] for m in status["members"]}
    assert got == {"张伟": "missing", "李娜": "on_time", "王强": "late", "陈静": "missing"}
    assert status["counts"] == {
        "late": 1, "missing": 2, "on_time": 1, "open": 0, "on_leave": 0, "not_expected": 0
    }
    assert "总经理甲" not in got  # outside the department


def test_not_yet_due_is_open(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    status = cli("plan", "status", "--json").json()
    assert status["period"] == "2026-W48"
    assert {m["status"] for m in status["members"]} == {"open"}


def test_a_monday_in_the_national_day_holiday(dept, cli, monkeypatch):
    r = submit(cli, monkeypatch, "2026-10-08T18:00", "--as", "李娜", "--summary", "s",
               "--plan", "p", "--json")
    assert r.json()["period"] == "2026-W41"
    assert r.json()["due_at"] == "2026-10-08T23:59:59+08:00" and r.json()["status"] == "on_time"


def test_resubmission_keeps_versions_and_the_first_fixes_the_status(dept, cli, monkeypatch, tmp_path):
    f = tmp_path / "plan.md"
    f.write_text(PLAN_MD, encoding="utf-8")
    first = submit(cli, monkeypatch, "2026-11-23T10:00", "--as", "李娜", "--file", str(f),
                   "--json").json()
    assert (first["summary"], first["plan"]) == ("完成双龙微信文案", "元旦活动文案初稿")
    again = submit(cli, monkeypatch, "2026-11-25T10:00", "--as", "李娜", "--summary",
                   "完成双龙微信文案", "--plan", "元旦活动文案定稿", "--json").json()
    assert (again["version"], again["versions"], again["status"]) == (2, 2, "on_time")
    assert again["first_submitted_at"] == "2026-11-23T10:00:00+08:00"
    shown = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert shown["plan"] == "元旦活动文案定稿"
    status = cli("plan", "status", "--week", "2026-W48", "--json").json()
    assert {m["name"]: m["versions"] for m in status["members"]}["李娜"] == 2


def test_the_month_end_summary(dept, cli, monkeypatch):
    r = submit(cli, monkeypatch, "2026-09-24T20:00", "--as", "李娜", "--month", "2026-09",
               "--summary", "九月总结", "--plan", "十月计划", "--json").json()
    assert (r["kind"], r["period"], r["due_at"], r["status"]) == (
        "month", "2026-09", "2026-09-24T23:59:59+08:00", "on_time")  # Friday 25th is a holiday
    late = submit(cli, monkeypatch, "2026-09-25T09:00", "--as", "王强", "--month", "2026-09",
                  "--summary", "s", "--plan", "p", "--json").json()
    assert late["status"] == "late"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--summary", "  ", "--plan", "p"], "the summary is empty"),
        (["--summary", "s"], "the plan is empty"),
        ([], "no plan given"),
        (["--week", "2026-48", "--summary", "s", "--plan", "p"], "is not an ISO week"),
        (["--month", "2026-13", "--summary", "s", "--plan", "p"], "is not a month"),
        (["--week", "2026-W48", "--month", "2026-11", "--summary", "s", "--plan", "p"],
         "--week and --month both given"),
    ],
)
def test_bad_plans_write_nothing(dept, cli, args, message):
    r = cli("plan", "submit", "--as", "李娜", *args)
    assert r.exit_code == 1 and message in r.stderr
    assert cli("plan", "show", "李娜", "--week", "2026-W48").exit_code == 1


def test_a_file_without_the_two_sections(dept, cli, tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("# notes\nsome text\n", encoding="utf-8")
    r = cli("plan", "submit", "--as", "李娜", "--file", str(f))
    assert r.exit_code == 1 and "has no summary and no plan section" in r.stderr


def test_unknown_person(dept, cli):
    r = cli("plan", "submit", "--as", "nobody", "--summary", "s", "--plan", "p")
    assert r.exit_code == 1 and "no staff member named 'nobody'" in r.stderr


def test_the_plan_is_mailed_to_the_department_head(dept, cli, smtp, monkeypatch):
    r = submit(cli, monkeypatch, "2026-11-23T09:30", "--as", "李娜", "--summary", "完成双龙微信文案",
               "--plan", "元旦活动文案初稿", "--send", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["mail"]["to"] == "zhangwei@huhao.example"
    assert r.json()["mail"]["sent_at"] == "2026-11-23T09:30:00+08:00"
    assert "mailed it to zhangwei@huhao.example" in r.stderr
    assert "s3cret-pw" not in r.stderr + r.stdout
    (rcpts, msg), = smtp.messages
    assert rcpts == ["zhangwei@huhao.example"]
    subject = str(make_header(decode_header(msg["Subject"])))
    assert subject == "[ecomops] 周工作计划 Weekly plan 2026-W48 — 李娜"
    assert msg["From"] == "plans@huhao.example"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "完成双龙微信文案" in body and "元旦活动文案初稿" in body


def test_sending_by_setting(dept, cli, smtp, monkeypatch):
    monkeypatch.setenv("ECOMOPS_SEND_PLANS", "1")
    r = submit(cli, monkeypatch, "2026-11-23T09:30", "--as", "王强", "--summary", "s", "--plan", "p")
    assert r.exit_code == 0 and len(smtp.messages) == 1


def test_a_refused_connection_leaves_the_plan_stored_and_send_retries(
    dept, cli, monkeypatch, tmp_path
):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", str(port))
    r = submit(cli, monkeypatch, "2026-11-23T09:30", "--as", "李娜", "--summary", "s", "--plan",
               "p", "--send")
    assert r.exit_code == 1
    assert f"sending failed: cannot reach the SMTP server 127.0.0.1:{port}" in r.stderr
    assert "retry with: ecomops plan send 李娜 --week 2026-W48" in r.stderr
    shown = cli("plan", "show", "李娜", "--week", "2026-W48", "--json").json()
    assert shown["status"] == "on_time" and shown["mail"]["sent_at"] is None
    # the stored plan is in the audit trail although the mail failed afterwards
    assert cli("audit", "--json").json()[-1]["command"] == "plan submit"
    assert "cannot reach the SMTP server" in shown["mail"]["error"]

    with serve(tmp_path, port=port) as (inbox, _port, cafile):
        _mail_settings(monkeypatch, port, cafile)
        retry = cli("plan", "send", "李娜", "--week", "2026-W48", "--json")
    assert retry.exit_code == 0, retry.stderr
    assert retry.json()["mail"]["error"] is None and len(inbox.messages) == 1


def test_no_department_head_address(db, cli, smtp, monkeypatch):
    cli("staff", "add", "张伟", "-p", "manager")
    cli("staff", "add", "李娜", "-p", "copywriter")
    r = submit(cli, monkeypatch, "2026-11-23T09:30", "--as", "李娜", "--summary", "s", "--plan",
               "p", "--send")
    assert r.exit_code == 1 and "张伟, the department head, has no e-mail address" in r.stderr
    assert cli("plan", "show", "李娜", "--week", "2026-W48").exit_code == 0


# --- calendar -----------------------------------------------------------------------------------


def test_calendar_month(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-10-08T09:00")  # before December: no word of 2027
    out = cli("calendar", "--month", "2026-10", "--json").json()
    assert out["known"] is True and out["warnings"] == []
    days = {d["date"]: d for d in out["days"]}
    assert days["2026-10-05"]["working"] is False and days["2026-10-05"]["holiday"] == "National Day"
    assert days["2026-10-10"]["working"] is True and days["2026-10-10"]["adjusted_workday"]
    assert days["2026-10-08"]["deadlines"] == ["monday_plan 2026-W41"]
    assert [(d["kind"], d["period"], d["due_at"]) for d in out["deadlines"]][-1] == (
        "month_end", "2026-10", "2026-10-30T23:59:59+08:00")
    assert out["working_days"] == 18


def test_calendar_of_an_unknown_year_warns(db, cli):
    r = cli("calendar", "--month", "2027-01", "--json")
    assert r.exit_code == 0
    out = r.json()
    assert out["known"] is False and "does not know 2027 yet" in out["warnings"][0]
    assert out["working_days"] == 21
    plain = cli("calendar", "--month", "2027-01")
    assert "warning: the holiday calendar does not know 2027 yet" in plain.stderr


# --- leave ---------------------------------------------------------------------------------------


def test_leave_on_a_monday_is_refused_with_the_rule(dept, cli):
    r = cli("leave", "request", "--as", "李娜", "--from", "2026-11-30", "--reason", "体检")
    assert r.exit_code == 1
    assert "§3.2 rule 7: Each Monday is for last week's department and personal summary" in r.stderr
    assert "2026-11-30 (Monday) is a protected day" in r.stderr
    zh = cli("leave", "request", "--as", "李娜", "--from", "2026-11-30", "--reason", "体检",
             "--lang", "zh")
    assert "這兩日不受理請假需求和安排調休" in zh.stderr
    assert cli("leave", "list", "--json").json() == []


def test_leave_spanning_the_last_friday_and_a_swap(dept, cli):
    r = cli("leave", "request", "--as", "李娜", "--from", "2026-11-26", "--to", "2026-11-27",
            "--kind", "swap", "--reason", "x")
    assert r.exit_code == 1 and "2026-11-27 (Friday) is a protected day" in r.stderr


def test_special_leave_is_recorded_as_an_exception(dept, cli):
    r = cli("leave", "request", "--as", "李娜", "--from", "2026-11-30", "--to", "2026-12-02",
            "--reason", "家中急事", "--special", "--json")
    assert r.exit_code == 0
    out = r.json()
    assert out["special"] is True and out["protected_days"] == ["2026-11-30"]
    ok = cli("leave", "request", "--as", "王强", "--from", "2026-12-01", "--reason", "体检",
             "--json").json()
    assert ok["protected_days"] == [] and ok["special"] is False
    listed = cli("leave", "list", "--month", "2026-12", "--json").json()
    assert [(x["name"], x["start"], x["end"]) for x in listed] == [
        ("李娜", "2026-11-30", "2026-12-02"), ("王强", "2026-12-01", "2026-12-01")]
    assert cli("leave", "list", "--month", "2026-10", "--json").json() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-12-03", "--to", "2026-12-01"], "the last day 2026-12-01 is before the first 2026-12-03 (--to)"),
        (["--from", "2026-02-30"], "is not a day of the calendar"),
        (["--from", "2026-12-01", "--kind", "holiday"], "unknown kind 'holiday'"),
    ],
)
def test_bad_leave(dept, cli, args, message):
    r = cli("leave", "request", "--as", "李娜", "--reason", "x", *args)
    assert r.exit_code == 1 and message in r.stderr


# --- handover -------------------------------------------------------------------------------------


def test_handover_form(dept, cli, monkeypatch):
    r = cli("handover", "add", "--as", "李娜", "--to", "陈静", "--start", "2026-11-23T13:00",
            "--end", "2026-11-24T18:00", "--place", "双龙项目现场", "--matter", "客户拍摄",
            "--duties", "微信平台日常更新", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["name"], out["cover"], out["start_at"], out["active"]) == (
        "李娜", "陈静", "2026-11-23T13:00:00+08:00", False)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T10:00")
    active = cli("handover", "list", "--active", "--json").json()
    assert [h["id"] for h in active] == [out["id"]]
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T10:00")
    assert cli("handover", "list", "--active", "--json").json() == []
    assert len(cli("handover", "list", "--json").json()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "陈静", "--start", "2026-11-24T18:00", "--end", "2026-11-24T09:00"],
         "does not follow the start"),
        (["--to", "李娜", "--start", "2026-11-24T09:00", "--end", "2026-11-24T18:00"],
         "nobody covers for themselves"),
        (["--to", "总经理甲", "--start", "2026-11-24T09:00", "--end", "2026-11-24T18:00"],
         "is not a member of the department"),
        (["--to", "nobody", "--start", "2026-11-24T09:00", "--end", "2026-11-24T18:00"],
         "no staff member named 'nobody'"),
        (["--to", "陈静", "--start", "tomorrow", "--end", "2026-11-24T18:00"],
         "--start 'tomorrow' is not an ISO 8601"),
    ],
)
def test_bad_handovers(dept, cli, args, message):
    r = cli("handover", "add", "--as", "李娜", "--place", "x", "--matter", "y", *args)
    assert r.exit_code == 1 and message in r.stderr
    assert cli("handover", "list", "--json").json() == []


def test_inactive_cover_is_refused(dept, cli):
    cli("staff", "deactivate", "陈静")
    r = cli("handover", "add", "--as", "李娜", "--to", "陈静", "--start", "2026-11-24T09:00",
            "--end", "2026-11-24T18:00", "--place", "x", "--matter", "y")
    assert r.exit_code == 1 and "陈静 is no longer active" in r.stderr


# --- visitors --------------------------------------------------------------------------------------


def test_visitor_log(dept, cli):
    r = cli("visitor", "add", "--name", "刘先生", "--approved-by", "张伟", "--escort", "李娜",
            "--purpose", "供应商洽谈", "--at", "2026-11-23T10:15", "--json")
    assert r.exit_code == 0, r.stderr
    v = r.json()
    assert (v["approved_by"], v["escort"], v["arrived_at"], v["left_at"]) == (
        "张伟", "李娜", "2026-11-23T10:15:00+08:00", None)
    gm = cli("visitor", "add", "--name", "周女士", "--approved-by", "总经理甲", "--escort", "王强",
             "--at", "2026-11-24T09:00", "--json")
    assert gm.exit_code == 0
    left = cli("visitor", "leave", str(v["id"]), "--at", "2026-11-23T11:40", "--json").json()
    assert left["left_at"] == "2026-11-23T11:40:00+08:00"
    again = cli("visitor", "leave", str(v["id"]))
    assert again.exit_code == 1 and "already ended" in again.stderr
    day = cli("visitor", "list", "--date", "2026-11-23", "--json").json()
    assert [x["name"] for x in day] == ["刘先生"]
    assert len(cli("visitor", "list", "--json").json()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--approved-by", "李娜", "--escort", "王强"],
         "李娜 (copywriter) is not a leader who may approve a visit (§3.1 rule 10"),
        (["--approved-by", "张伟", "--escort", "总经理甲"], "is not a member of the department"),
        (["--approved-by", "张伟", "--escort", "nobody"], "no staff member named 'nobody'"),
    ],
)
def test_bad_visits(dept, cli, args, message):
    r = cli("visitor", "add", "--name", "访客", *args)
    assert r.exit_code == 1 and message in r.stderr
    assert cli("visitor", "list", "--json").json() == []


def test_leaving_before_arriving_and_unknown_visit(dept, cli):
    v = cli("visitor", "add", "--name", "访客", "--approved-by", "张伟", "--escort", "李娜",
            "--at", "2026-11-23T10:00", "--json").json()
    r = cli("visitor", "leave", str(v["id"]), "--at", "2026-11-23T09:00")
    assert r.exit_code == 1 and "is before the arrival" in r.stderr
    r = cli("visitor", "leave", "999")
    assert r.exit_code == 1 and "no visit with id 999" in r.stderr
