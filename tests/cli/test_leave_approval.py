"""Issue 13 items 3–5: leave and shift swaps with approval, the handover form's cover and its
acknowledgement, and due dates in the past — through the commands, on SQLite and PostgreSQL.

The clock stands on Monday 23 November 2026. Protected days (§3.2 rule 7): Monday 30 November
(a Monday plan day), Friday 27 November and Friday 25 December (month-end summary days).
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PG_ADMIN_URL


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    """The general manager 总经理甲, the department head 张伟 (manager), and 李娜, 王强, 陈静
    (who may decide is the position's: no reporting lines needed), all there since September."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")

    def build():
        for args in (["总经理甲", "-p", "general_manager"], ["张伟", "-p", "manager"],
                     ["李娜", "-p", "copywriter"], ["王强", "-p", "supervisor"],
                     ["陈静", "-p", "clerk"]):
            assert cli("staff", "add", *args, "--joined", "2026-09-01").exit_code == 0

    prepared(build)
    return db


def ask(cli, who, first, *more):
    return cli("leave", "request", "--as", who, "--from", first, "--reason", "事由", *more)


def leave_ids(cli) -> list[int]:
    return [x["id"] for x in cli("leave", "list", "--json").json()]


# --- item 3: leave and swaps -------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "kind"), [("调休", "swap"), ("調休", "swap"), ("请假", "leave"),
                                             ("請假", "leave"), ("swap", "swap"), ("Leave", "leave")])
def test_the_kind_in_chinese_is_accepted(dept, cli, typed, kind):
    r = ask(cli, "李娜", "2026-12-02", "--kind", typed, "--json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["kind"], r.json()["status"]) == (kind, "approved")


def test_an_unknown_kind_is_refused(dept, cli):
    r = ask(cli, "李娜", "2026-12-02", "--kind", "休假")
    assert r.exit_code == 1 and "unknown kind '休假'; use leave (请假) or swap (调休) (--kind)" in r.stderr
    assert leave_ids(cli) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-11-28"], "2026-11-28 holds no working day (2026-11-28 Saturday)"),
        (["2026-11-28", "--to", "2026-11-29"],
         "2026-11-28 to 2026-11-29 holds no working day (2026-11-28 Saturday, 2026-11-29 Sunday)"),
        (["2026-11-28", "--kind", "调休"], "holds no working day"),
        (["2026-10-01", "--to", "2026-10-07"], "2026-10-01 National Day, 2026-10-02 National Day"),
    ],
)
def test_a_span_with_no_working_day_is_refused(dept, cli, args, message):
    r = ask(cli, "李娜", *args)
    assert r.exit_code == 1 and message in r.stderr, r.stderr
    assert "(--from)" in r.stderr and r.stderr.count("\n") == 1
    assert leave_ids(cli) == []


def test_a_made_up_working_saturday_takes_leave(dept, cli):
    # Saturday 10 October 2026 is a working day (National Day's make-up day)
    r = ask(cli, "李娜", "2026-10-10", "--json")
    assert r.exit_code == 0, r.stderr
    # a span holding one working day among weekend days is fine
    assert ask(cli, "李娜", "2026-11-26", "--to", "2026-11-26").exit_code == 0


def test_an_overlapping_request_is_refused_naming_the_other(dept, cli):
    first = ask(cli, "李娜", "2026-12-01", "--to", "2026-12-03", "--json").json()
    r = ask(cli, "李娜", "2026-12-03", "--to", "2026-12-04", "--kind", "swap")
    assert r.exit_code == 1
    assert (f"李娜 already asked for 2026-12-01 to 2026-12-03 (leave {first['id']}, approved), "
            "which overlaps 2026-12-03 to 2026-12-04") in r.stderr
    # a pending one holds its days too
    pending = ask(cli, "李娜", "2026-11-30", "--special", "--json").json()
    assert pending["status"] == "pending"
    r = ask(cli, "李娜", "2026-11-30", "--special")
    assert r.exit_code == 1 and f"(leave {pending['id']}, pending)" in r.stderr
    # someone else's days are their own; the days next to hers are free
    assert ask(cli, "王强", "2026-12-01", "--to", "2026-12-03").exit_code == 0
    assert ask(cli, "李娜", "2026-12-04").exit_code == 0
    assert len(leave_ids(cli)) == 4


def test_a_declined_request_frees_its_days(dept, cli):
    asked = ask(cli, "李娜", "2026-11-27", "--special", "--json").json()
    assert cli("leave", "decline", str(asked["id"]), "--reason", "月末总结日",
               "--as", "张伟").exit_code == 0
    again = ask(cli, "李娜", "2026-11-27", "--special", "--json")
    assert again.exit_code == 0 and again.json()["status"] == "pending"


def test_the_requester_cannot_decide_their_own(dept, cli):
    own = ask(cli, "张伟", "2026-11-30", "--special", "--json").json()
    for verb, extra in (("approve", []), ("decline", ["--reason", "x"])):
        r = cli("leave", verb, str(own["id"]), "--as", "张伟", *extra)
        assert r.exit_code == 1
        assert f"nobody decides on their own request (leave {own['id']})" in r.stderr
        assert "another department head or the general manager decides it" in r.stderr
    # the one above decides it
    ok = cli("leave", "approve", str(own["id"]), "--as", "总经理甲", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert (ok.json()["status"], ok.json()["decided_by"]) == ("approved", "总经理甲")


def test_a_non_head_cannot_decide(dept, cli):
    asked = ask(cli, "李娜", "2026-11-30", "--special", "--json").json()
    for who in ("王强", "陈静", "李娜"):
        r = cli("leave", "approve", str(asked["id"]), "--as", who)
        assert r.exit_code == 1 and "may not approve or decline a leave" in r.stderr
        assert "permissions.approve_leave" in r.stderr and r.stderr.count("\n") == 1
    # the keeper naming nobody must say who decides
    r = cli("leave", "approve", str(asked["id"]))
    assert r.exit_code == 1 and "say who you are" in r.stderr and "(--as)" in r.stderr
    listed = cli("leave", "list", "--pending", "--json").json()
    assert [(x["id"], x["status"], x["decided_by"]) for x in listed] == [
        (asked["id"], "pending", None)]


def test_a_special_request_on_a_protected_day_waits_and_the_report_shows_it(dept, cli, monkeypatch):
    # ordinary: approved when made; special on a protected day: pending until decided
    plain = ask(cli, "陈静", "2026-11-24", "--json").json()
    assert (plain["status"], plain["decided_by"], plain["decided_at"]) == ("approved", None, None)
    friday = ask(cli, "李娜", "2026-11-27", "--special", "--json").json()
    monday = ask(cli, "王强", "2026-11-30", "--kind", "调休", "--special", "--json").json()
    span = ask(cli, "陈静", "2026-11-26", "--to", "2026-11-27", "--special", "--json").json()
    assert [x["status"] for x in (friday, monday, span)] == ["pending"] * 3
    assert friday["protected_days"] == ["2026-11-27"] and friday["special"] is True
    r = ask(cli, "李娜", "2026-11-30")
    assert r.exit_code == 1 and "is a protected day" in r.stderr
    assert "waits for the department head's approval" in r.stderr
    said = ask(cli, "李娜", "2026-12-07", "--special")  # Monday 7 December
    assert "pending until a department head decides (ecomops leave approve" in said.stderr
    pending = {x["start"]: x["id"] for x in cli("leave", "list", "--pending", "--json").json()}
    assert set(pending.values()) == {friday["id"], monday["id"], span["id"], pending["2026-12-07"]}

    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-24T10:30")
    ok = cli("leave", "approve", str(friday["id"]), "--as", "张伟", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert (ok.json()["status"], ok.json()["decided_by"], ok.json()["decided_at"],
            ok.json()["decision_reason"]) == ("approved", "张伟", "2026-11-24T10:30:00+08:00", None)
    no = cli("leave", "decline", str(monday["id"]), "--reason", "周一计划日需到岗", "--as", "张伟",
             "--json")
    assert no.exit_code == 0, no.stderr
    assert (no.json()["status"], no.json()["decision_reason"]) == ("declined", "周一计划日需到岗")
    # decided once; a decline needs a reason; an unknown id
    again = cli("leave", "approve", str(friday["id"]), "--as", "总经理甲")
    assert again.exit_code == 1 and "is approved, not pending" in again.stderr
    blank = cli("leave", "decline", str(span["id"]), "--reason", " ", "--as", "张伟")
    assert blank.exit_code == 1 and "the reason is empty; give the reason (--reason)" in blank.stderr
    assert cli("leave", "approve", "999", "--as", "张伟").stderr.startswith(
        "error: no leave request with id 999")
    assert {x["id"] for x in cli("leave", "list", "--pending", "--json").json()} == {
        span["id"], pending["2026-12-07"]}

    # the month-end report: every request with its status, the kind as a kind
    report = cli("report", "--month", "2026-11", "--json", "--as", "张伟").json()
    got = {x["id"]: (x["kind"], x["status"]) for x in report["leave"]}
    assert got == {plain["id"]: ("leave", "approved"), friday["id"]: ("leave", "approved"),
                   monday["id"]: ("swap", "declined"), span["id"]: ("leave", "pending")}
    md = cli("report", "--month", "2026-11", "--format", "markdown", "--as", "张伟").stdout
    section = md.split("## Leave and shift swaps", 1)[1].split("##", 1)[0]
    assert "| Member | Kind | From | To | Reason | Special | Status |" in section
    assert "| 李娜 | leave | 2026-11-27 | 2026-11-27 | 事由 | yes | approved |" in section
    assert "| 王强 | shift swap | 2026-11-30 | 2026-11-30 | 事由 | yes | declined |" in section
    assert "| 陈静 | leave | 2026-11-26 | 2026-11-27 | 事由 | yes | pending |" in section
    assert "Leave and shift swaps" not in section  # the kind, not the section's title
    zh = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", "zh-hans",
             "--as", "张伟").stdout
    assert "| 王强 | 调休 | 2026年11月30日 | 2026年11月30日 | 事由 | 是 | 未批准 |" in zh
    assert "| 陈静 | 请假 | 2026年11月26日 | 2026年11月27日 | 事由 | 是 | 待批准 |" in zh
    assert "| 李娜 | 请假 | 2026年11月27日 | 2026年11月27日 | 事由 | 是 | 已批准 |" in zh


def test_a_member_lists_only_her_own_pending(dept, cli):
    mine = ask(cli, "李娜", "2026-11-30", "--special", "--json").json()
    ask(cli, "王强", "2026-11-30", "--special")
    listed = cli("leave", "list", "--pending", "--as", "李娜", "--json").json()
    assert [x["id"] for x in listed] == [mine["id"]]
    shown = cli("leave", "list", "--pending", "--as", "李娜")
    assert shown.exit_code == 0 and "pending" in shown.stdout


def test_a_decision_is_audited_by_id_without_its_reason(dept, cli):
    asked = ask(cli, "李娜", "2026-11-30", "--special", "--json").json()
    cli("leave", "decline", str(asked["id"]), "--reason", "SECRET-REASON", "--as", "张伟")
    last = cli("audit", "--json").json()[-1]
    assert (last["command"], last["details"]) == ("leave decline", {"leave": asked["id"]})
    assert "SECRET-REASON" not in str(last)


# --- item 4: the handover form ----------------------------------------------------------------


def hand(cli, who, to, start, end, *more):
    return cli("handover", "add", "--as", who, "--to", to, "--start", start, "--end", end,
               "--place", "双龙项目现场", "--matter", "客户拍摄", *more)


def test_a_cover_on_approved_leave_is_refused(dept, cli):
    lv = ask(cli, "陈静", "2026-12-02", "--json").json()
    r = hand(cli, "李娜", "陈静", "2026-12-02T09:00", "2026-12-02T17:30")
    assert r.exit_code == 1
    assert (f"陈静 is on approved leave from 2026-12-02 to 2026-12-02 (leave {lv['id']}) during "
            "2026-12-02 09:00 to 2026-12-02 17:30; choose another cover (--to)") in r.stderr
    # a window that ends as her leave starts, or starts the day after, is fine
    assert hand(cli, "李娜", "陈静", "2026-12-01T13:00", "2026-12-02T00:00").exit_code == 0
    assert hand(cli, "王强", "陈静", "2026-12-03T09:00", "2026-12-03T12:00").exit_code == 0
    # pending leave does not block yet; declined leave never
    pending = ask(cli, "张伟", "2026-11-30", "--special", "--json").json()
    assert hand(cli, "李娜", "张伟", "2026-11-30T09:00", "2026-11-30T12:00").exit_code == 0
    cli("leave", "decline", str(pending["id"]), "--reason", "x", "--as", "总经理甲")
    assert len(cli("handover", "list", "--json").json()) == 3


def test_a_cover_on_leave_approved_by_the_head_is_refused(dept, cli):
    lv = ask(cli, "陈静", "2026-11-30", "--special", "--json").json()
    assert hand(cli, "李娜", "陈静", "2026-11-30T09:00", "2026-11-30T12:00").exit_code == 0
    cli("leave", "approve", str(lv["id"]), "--as", "张伟")
    r = hand(cli, "王强", "陈静", "2026-11-30T14:00", "2026-11-30T15:00")
    assert r.exit_code == 1 and "陈静 is on approved leave" in r.stderr


def test_double_covering_is_refused_naming_the_clash(dept, cli):
    first = hand(cli, "王强", "陈静", "2026-12-02T09:00", "2026-12-02T17:00", "--json").json()
    r = hand(cli, "李娜", "陈静", "2026-12-02T16:00", "2026-12-02T18:00")
    assert r.exit_code == 1
    assert (f"陈静 already covers for 王强 from 2026-12-02 09:00 to 2026-12-02 17:00 "
            f"(handover {first['id']}); choose another cover, or another time (--to)") in r.stderr
    # one away herself cannot cover either
    r = hand(cli, "张伟", "王强", "2026-12-02T10:00", "2026-12-02T11:00")
    assert r.exit_code == 1
    assert "王强 is away then: handing over to 陈静 from 2026-12-02 09:00" in r.stderr
    # back to back is fine
    assert hand(cli, "李娜", "陈静", "2026-12-02T17:00", "2026-12-02T18:00").exit_code == 0
    assert len(cli("handover", "list", "--json").json()) == 2


def test_the_cover_is_an_active_member_and_not_oneself(dept, cli):
    r = hand(cli, "李娜", "李娜", "2026-12-02T09:00", "2026-12-02T17:00")
    assert r.exit_code == 1 and "nobody covers for themselves" in r.stderr
    r = hand(cli, "李娜", "总经理甲", "2026-12-02T09:00", "2026-12-02T17:00")
    assert r.exit_code == 1 and "is not a member of the department" in r.stderr
    cli("staff", "deactivate", "陈静")
    r = hand(cli, "李娜", "陈静", "2026-12-02T09:00", "2026-12-02T17:00")
    assert r.exit_code == 1 and "陈静 is no longer active" in r.stderr


def test_the_head_acknowledges_a_handover_form(dept, cli, monkeypatch):
    form = hand(cli, "李娜", "陈静", "2026-12-02T09:00", "2026-12-02T17:00", "--json").json()
    assert (form["acked_at"], form["acked_by"]) == (None, None)
    own = hand(cli, "张伟", "王强", "2026-12-03T09:00", "2026-12-03T10:00", "--json").json()
    r = cli("handover", "ack", str(form["id"]), "--as", "王强")
    assert r.exit_code == 1 and "permissions.ack_handover" in r.stderr
    r = cli("handover", "ack", str(own["id"]), "--as", "张伟")
    assert r.exit_code == 1 and f"nobody acknowledges their own handover form (handover {own['id']})" in r.stderr
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T11:15")
    ok = cli("handover", "ack", str(form["id"]), "--as", "张伟", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert (ok.json()["acked_at"], ok.json()["acked_by"]) == ("2026-11-23T11:15:00+08:00", "张伟")
    twice = cli("handover", "ack", str(form["id"]), "--as", "总经理甲")
    assert twice.exit_code == 1
    assert "already acknowledged by 张伟 at 2026-11-23 11:15" in twice.stderr
    assert cli("handover", "ack", "99", "--as", "张伟").stderr.startswith(
        "error: no handover form with id 99")
    listed = {h["id"]: (h["acked_at"], h["acked_by"]) for h in
              cli("handover", "list", "--json").json()}
    assert listed == {form["id"]: ("2026-11-23T11:15:00+08:00", "张伟"), own["id"]: (None, None)}
    table = cli("handover", "list")
    assert "handed in" in table.stdout and "2026-11-23 11:15 张伟" in table.stdout
    last = cli("audit", "--json").json()[-1]
    assert (last["command"], last["details"]) == ("handover ack", {"handover": form["id"]})


# --- item 5: due dates in the past ------------------------------------------------------------


def test_a_task_due_in_the_past_needs_past(dept, cli):
    r = cli("tasks", "add", "补录任务", "--owner", "李娜", "--due", "2026-11-20", "--as", "张伟")
    assert r.exit_code == 1
    assert ("the due date 2026-11-20 is before today (2026-11-23); to set a date in the past on "
            "purpose, say so (--past)") in r.stderr
    assert not [t for t in cli("tasks", "list", "--json").json() if t["title"] == "补录任务"]
    ok = cli("tasks", "add", "补录任务", "--owner", "李娜", "--due", "2026-11-20", "--past",
             "--as", "张伟", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert (ok.json()["due"], ok.json()["overdue"]) == ("2026-11-20", True)
    today = cli("tasks", "add", "今日任务", "--owner", "李娜", "--due", "2026-11-23", "--json")
    assert today.exit_code == 0 and today.json()["due"] == "2026-11-23"
    task = str(today.json()["id"])
    r = cli("tasks", "due", task, "2026-11-22", "--as", "张伟")
    assert r.exit_code == 1 and "is before today (2026-11-23)" in r.stderr and "(--past)" in r.stderr
    assert cli("tasks", "show", task, "--json").json()["due"] == "2026-11-23"
    moved = cli("tasks", "due", task, "2026-11-22", "--past", "--as", "张伟", "--json")
    assert moved.exit_code == 0 and moved.json()["due"] == "2026-11-22"


# --- PostgreSQL: the head's own login role decides, a member's role cannot -----------------------


@pytest.mark.skipif(PG_ADMIN_URL is None, reason="row-level security is PostgreSQL's")
def test_the_heads_role_decides_and_acknowledges_under_row_level_security(dept, cli, monkeypatch):
    import psycopg2
    from sqlalchemy.engine import make_url

    asked = ask(cli, "李娜", "2026-11-30", "--special", "--json").json()
    other = ask(cli, "王强", "2026-11-30", "--special", "--json").json()
    form = hand(cli, "李娜", "陈静", "2026-12-02T09:00", "2026-12-02T17:00", "--json").json()
    away = ask(cli, "王强", "2026-12-03", "--json").json()
    assert away["status"] == "approved"
    suffix = uuid.uuid4().hex[:8]
    logins = {"李娜": f"lina_{suffix}", "张伟": f"zhangwei_{suffix}"}
    base = make_url(dept.url)
    try:
        for name, role in logins.items():
            r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
            assert r.exit_code == 0, r.stderr
        urls = {n: base.set(username=r, password="pw-" + suffix).render_as_string(
            hide_password=False) for n, r in logins.items()}
        monkeypatch.delenv("ECOMOPS_DATABASE_URL")
        lina, zhang = ["--database-url", urls["李娜"]], ["--database-url", urls["张伟"]]
        # her own role neither decides through ecomops nor writes the row itself
        r = cli("leave", "approve", str(asked["id"]), *lina)
        assert r.exit_code == 1 and "permissions.approve_leave" in r.stderr
        conn = psycopg2.connect(host=base.host, port=base.port, dbname=base.database,
                                user=logins["李娜"], password="pw-" + suffix)
        try:
            with conn.cursor() as cur:
                cur.execute("UPDATE leave SET status = 'approved', decided_by_id = staff_id, "
                            "decided_at = now()")
                assert cur.rowcount == 0
            conn.commit()
        finally:
            conn.close()
        # the head's role decides and acknowledges
        ok = cli("leave", "approve", str(asked["id"]), "--json", *zhang)
        assert ok.exit_code == 0, ok.stderr
        assert (ok.json()["status"], ok.json()["decided_by"]) == ("approved", "张伟")
        no = cli("leave", "decline", str(other["id"]), "--reason", "x", "--json", *zhang)
        assert no.exit_code == 0 and no.json()["status"] == "declined"
        acked = cli("handover", "ack", str(form["id"]), "--json", *zhang)
        assert acked.exit_code == 0, acked.stderr
        assert acked.json()["acked_by"] == "张伟"
        mine = cli("leave", "list", "--json", *lina).json()
        assert [(x["id"], x["status"]) for x in mine] == [(asked["id"], "approved")]
        # she cannot read 王强's leave, yet her form cannot name him as cover while he is away
        r = hand(cli, "李娜", "王强", "2026-12-03T09:00", "2026-12-03T17:00", *lina)
        assert r.exit_code == 1
        assert f"王强 is on approved leave from 2026-12-03 to 2026-12-03 (leave {away['id']})" \
            in r.stderr
    finally:
        admin = psycopg2.connect(host=base.host, port=base.port, dbname=base.database,
                                 user=base.username, password=base.password)
        admin.autocommit = True
        with admin.cursor() as cur:
            for role in logins.values():
                cur.execute(f'DROP OWNED BY "{role}"')
                cur.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def test_nothing_before_joining_and_no_work_left_without_cover(dept, cli):
    """Leave or a handover before the person joined is refused; so is handing over one's own
    work while covering for someone else (their work would be left with nobody)."""
    from sqlalchemy import text

    from ecomops.db.session import Database
    from tests.conftest import selected_target

    database = Database(selected_target())
    with database.connect(write=True) as conn:
        conn.execute(text("UPDATE staff SET joined_on = '2026-11-20' WHERE name = '王强'"))
    database.dispose()
    r = ask(cli, "王强", "2026-11-10")
    assert r.exit_code == 1 and "王强 joined on 2026-11-20; 2026-11-10 is before that" in r.stderr
    r = hand(cli, "王强", "陈静", "2026-11-19T10:00", "2026-11-19T12:00")
    assert r.exit_code == 1 and "joined on 2026-11-20" in r.stderr
    first = hand(cli, "陈静", "王强", "2026-12-01T09:00", "2026-12-01T12:00", "--json")
    assert first.exit_code == 0, first.stderr
    r = hand(cli, "王强", "李娜", "2026-12-01T10:00", "2026-12-01T11:00")
    assert r.exit_code == 1
    assert "王强 covers for 陈静 from" in r.stderr and "left with nobody" in r.stderr
    assert [h["id"] for h in cli("handover", "list", "--json").json()] == [first.json()["id"]]
