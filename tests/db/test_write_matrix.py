"""PostgreSQL enforces writes itself (revision 0015): what a member, a supervisor, the head
(the manager) and the general manager can insert, update or delete by hand, connected with the
roles ``ecomops db grant`` makes, is what the handbook's permission table lets each do through
ecomops, no more. Every row of the matrix is one raw-SQL write as one role: an allowed write
succeeds and changes what it says (then is rolled back); a refused one fails with an error or
changes nothing, and is committed to prove it (the owner's view of every table is unchanged)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_URL
from tests.db import test_row_level_security as rls

_psycopg, _rows = rls._psycopg, rls._rows
roles = rls.roles  # the login roles a test makes, dropped after it (a fixture)

GUARDS = ("staff", "staff_change", "sheet", "sheet_score", "calibration", "cycle_member",
          "cycle", "plan", "leave", "handover", "visitor", "task", "task_event", "audit",
          "calendar_year")

pytestmark = pytest.mark.skipif(
    PG_ADMIN_URL is None, reason="row-level security is PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)"
)
COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]
SUP = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]
#: the tables whose every row the owner compares before and after the refused writes
TABLES = ("staff", "staff_change", "sheet", "sheet_score", "calibration", "cycle", "cycle_member",
          "plan", "leave", "handover", "visitor", "task", "task_event", "audit", "database_option")


def _snapshot(url: str) -> dict[str, list[tuple]]:
    return {t: _rows(url, f"SELECT * FROM {t} ORDER BY 1::text, 2::text") for t in TABLES}


PEOPLE = {"李娜": "member", "王强": "supervisor", "张伟": "head", "总经理": "gm"}


@pytest.fixture
def dept(db, cli, monkeypatch, roles):
    """总经理 over 张伟 (the manager, department head), 王强 (supervisor) and 赵敏 (planning
    supervisor); 张伟 over 李娜 and 陈静. Cycle 2026-10 closed, 2026-11 open with appraisals
    pending; a pending special leave, a handover form and tasks; four login roles."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    for args in (["总经理", "-p", "general_manager"],
                 ["张伟", "-p", "manager", "--manager", "总经理"],
                 ["王强", "-p", "supervisor", "--manager", "总经理"],
                 ["赵敏", "-p", "planning_supervisor", "--manager", "总经理"],
                 ["李娜", "-p", "copywriter", "--manager", "张伟"],
                 ["陈静", "-p", "copywriter", "--manager", "张伟"]):
        r = cli("staff", "add", *args)
        assert r.exit_code == 0, r.stderr
    for cycle in ("2026-10", "2026-11"):
        assert cli("cycle", "open", cycle).exit_code == 0
        for who, rater, crit in (("李娜", "张伟", COPY), ("李娜", "总经理", COPY),
                                 ("陈静", "张伟", COPY), ("张伟", "总经理", SUP)):
            r = cli("appraise", who, "-c", cycle, "--as", rater,
                    *[a for c in crit for a in ("-s", f"{c}=80")])
            assert r.exit_code == 0, r.stderr
    r = cli("cycle", "close", "2026-10", "--as", "总经理", "--override", "small sample")
    assert r.exit_code == 0, r.stderr
    r = cli("leave", "request", "--as", "李娜", "--from", "2026-12-07", "--reason", "doctor",
            "--special")
    assert r.exit_code == 0, r.stderr
    r = cli("handover", "add", "--as", "李娜", "--to", "陈静", "--start", "2026-12-02T09:00",
            "--end", "2026-12-02T17:30", "--place", "site", "--matter", "shoot")
    assert r.exit_code == 0, r.stderr
    for owner in ("李娜", "陈静"):
        r = cli("tasks", "add", f"poster for {owner}", "--owner", owner, "--due", "2026-12-20",
                "--as", "张伟")
        assert r.exit_code == 0, r.stderr
    r = cli("plan", "submit", "--as", "李娜", "--summary", "s", "--plan", "p")
    assert r.exit_code == 0, r.stderr
    owner = _psycopg(db.url)  # a score missing from the manager's sheet about 陈静
    with owner.cursor() as cur:
        cur.execute(f"DELETE FROM sheet_score WHERE criterion_id = 'analysis' AND sheet_id = ("
                    f"SELECT id FROM sheet WHERE cycle_id = '2026-11' AND rater_id = {S('张伟')} "
                    f"AND employee_id = {S('陈静')})")
    owner.commit()
    owner.close()
    suffix = uuid.uuid4().hex[:8]
    urls: dict[str, str] = {}
    base = make_url(db.url)
    for name, who in PEOPLE.items():
        role = f"{who}_{suffix}"
        roles.append(role)
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
        assert r.exit_code == 0, r.stderr
        urls[who] = base.set(username=role, password="pw-" + suffix).render_as_string(
            hide_password=False
        )
    return urls


def S(name: str) -> str:
    """A person's id, by name, in SQL."""
    return f"(SELECT id FROM staff WHERE name = '{name}')"


def _history(name: str, field: str, new: str) -> str:
    return (f"INSERT INTO staff_change (staff_id, field, old_value, new_value, effective, "
            f"recorded_at, by_id) SELECT {S(name)}, '{field}', NULL, '{new}', DATE '2026-11-23', "
            f"now(), id FROM staff WHERE login = current_user")


def _sheet(cycle: str, employee: str, rater: str, *, entered_by: str | None = None,
           position: str | None = None, version: int = 2) -> list[str]:
    """Retire the current sheet of (employee, rater) (unless ``version`` is the first) and
    write the next version with its scores."""
    pos = f"'{position}'" if position else f"(SELECT position_id FROM staff WHERE name = '{rater}')"
    crit = SUP if employee == "张伟" else COPY
    rubric = "supervisor" if employee == "张伟" else "copywriter"
    where = f"cycle_id = '{cycle}' AND employee_id = {S(employee)} AND rater_id = {S(rater)}"
    retire = [f"UPDATE sheet SET is_current = false WHERE {where} AND is_current"]
    return [
        *(retire if version > 1 else []),
        f"INSERT INTO sheet (cycle_id, employee_id, rater_id, rater_position_id, version, "
        f"is_current, created_at, entered_by_id) VALUES ('{cycle}', {S(employee)}, {S(rater)}, "
        f"{pos}, {version}, true, now(), {S(entered_by) if entered_by else 'NULL'})",
        *(f"INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT max(id), "
          f"'{c}', '{rubric}', 90 FROM sheet WHERE {where}" for c in crit),
    ]


def _close(cycle: str, by: str, override: str | None = None) -> str:
    reason = f"'{override}'" if override else "NULL"
    return (f"UPDATE cycle SET status = 'closed', closed_at = now(), closed_by_id = {S(by)}, "
            f"close_override = {reason}, closed_members = 0, closed_complete = 0 "
            f"WHERE id = '{cycle}'")


def _leave(who: str, day: str, status: str, *, special: bool = False,
           decider: str | None = None) -> str:
    return (f"INSERT INTO leave (staff_id, kind, start, \"end\", reason, special, created_at, "
            f"status, decided_by_id, decided_at) VALUES ({S(who)}, 'leave', DATE '{day}', "
            f"DATE '{day}', 'r', {special}, now(), '{status}', "
            f"{S(decider) if decider else 'NULL'}, {'now()' if decider else 'NULL'})")


def _task(owner: str) -> str:
    return f"(SELECT id FROM task WHERE owner_id = {S(owner)})"


def _event(owner: str, actor: str) -> str:
    return (f"INSERT INTO task_event (task_id, at, actor, action) VALUES ({_task(owner)}, now(), "
            f"'{actor}', 'noted')")


def _audit(actor: str, acted_for: str | None) -> str:
    return (f"INSERT INTO audit (at, actor, acted_for, command, details) VALUES (now(), "
            f"'{actor}', {repr(acted_for) if acted_for else 'NULL'}, 'x', '{{}}')")


def _plan(who: str, entered_by: str | None = None, period: str = "2026-W50") -> str:
    return (f"INSERT INTO plan (staff_id, kind, period, version, is_current, summary, plan, "
            f"submitted_at, due_at, recorded_at, entered_by_id) VALUES ({S(who)}, 'week', "
            f"'{period}', 1, true, 's', 'p', now(), now(), now(), "
            f"{S(entered_by) if entered_by else 'NULL'})")


@dataclass(frozen=True)
class Case:
    role: str  # member, supervisor, head, gm
    what: str
    sql: tuple[str, ...]
    allowed: bool


def case(role: str, what: str, allowed: bool, *sql: str) -> Case:
    return Case(role, what, sql, allowed)


EMAIL = "UPDATE staff SET email = 'x@example.com' WHERE name = '{}'"
CASES = [
    # --- the roster: only people under oneself, with the history line -------------------------
    case("head", "demote the general manager", False,
         "UPDATE staff SET position_id = 'copywriter' WHERE name = '总经理'",
         _history("总经理", "position", "copywriter")),
    case("head", "rebind the general manager", False,
         f"UPDATE staff SET manager_id = {S('张伟')} WHERE name = '总经理'"),
    case("head", "deactivate the general manager", False,
         "UPDATE staff SET active = false WHERE name = '总经理'"),
    case("head", "edit a peer not under him", False, EMAIL.format("赵敏"),
         _history("赵敏", "email", "x@example.com")),
    case("head", "edit his report without a history line", False, EMAIL.format("李娜")),
    case("head", "edit his report with its history line", True, EMAIL.format("李娜"),
         _history("李娜", "email", "x@example.com")),
    case("head", "deactivate his report with its history line", True,
         "UPDATE staff SET active = false, left_on = DATE '2026-11-23' WHERE name = '陈静'",
         _history("陈静", "active", "false")),
    case("head", "put his report at the top", False,
         "UPDATE staff SET position_id = 'general_manager' WHERE name = '李娜'",
         _history("李娜", "position", "general_manager")),
    case("head", "make his report her own manager", False,
         "UPDATE staff SET manager_id = id WHERE name = '李娜'",
         _history("李娜", "manager", "李娜")),
    case("head", "forge a deactivation time", False,
         "UPDATE staff SET deactivated_at = now() WHERE name = '李娜'"),
    case("head", "a history line about the general manager", False,
         _history("总经理", "email", "x@example.com")),
    case("head", "edit himself", False, EMAIL.format("张伟"), _history("张伟", "email", "x")),
    case("head", "add someone at the top", False,
         "INSERT INTO staff (name, name_key, position_id, active, created_at) VALUES "
         "('新总', '新总', 'general_manager', true, now())"),
    case("head", "add a copywriter", True,
         f"INSERT INTO staff (name, name_key, position_id, manager_id, active, created_at) "
         f"VALUES ('新人', '新人', 'copywriter', {S('张伟')}, true, now())"),
    case("gm", "move the manager, with the history line", True,
         "UPDATE staff SET position_id = 'supervisor' WHERE name = '张伟'",
         _history("张伟", "position", "supervisor")),
    case("gm", "edit himself", False, EMAIL.format("总经理")),
    case("member", "edit a colleague", False, EMAIL.format("陈静")),
    case("supervisor", "edit a copywriter", False, EMAIL.format("李娜")),
    # --- sheets: as oneself, in an open cycle, for people one may rate --------------------------
    case("head", "a new version of his own sheet in the open cycle", True,
         *_sheet("2026-11", "李娜", "张伟")),
    case("head", "a new version in a closed cycle", False, *_sheet("2026-10", "李娜", "张伟")),
    case("head", "retire the general manager's current sheet", False,
         f"UPDATE sheet SET is_current = false WHERE rater_id = {S('总经理')} "
         f"AND employee_id = {S('李娜')} AND cycle_id = '2026-11'"),
    case("head", "a sheet naming the general manager as rater", False,
         *_sheet("2026-11", "陈静", "总经理", entered_by="张伟", version=1)),
    case("gm", "a sheet entered for the manager as rater", True,
         *_sheet("2026-11", "陈静", "张伟", entered_by="总经理")),
    case("head", "his sheet in another's position", False,
         *_sheet("2026-11", "李娜", "张伟", position="general_manager")),
    case("head", "a score of 150", False,
         *_sheet("2026-11", "李娜", "张伟")[:2],
         f"INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT max(id), "
         f"'analysis', 'copywriter', 150 FROM sheet WHERE rater_id = {S('张伟')}"),
    case("head", "a score added to a sheet of an earlier day", False,
         f"INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT s.id, "
         f"'analysis', 'copywriter', 90 FROM sheet s WHERE s.rater_id = {S('张伟')} "
         f"AND s.cycle_id = '2026-11' AND s.employee_id = {S('陈静')}"),
    # (revision 0018: an update that changes nothing does not make a sheet "written now")
    case("head", "touch his current sheet, then score it in place", False,
         f"UPDATE sheet SET is_current = is_current WHERE rater_id = {S('张伟')} "
         f"AND cycle_id = '2026-11' AND employee_id = {S('陈静')} AND is_current",
         f"INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT s.id, "
         f"'analysis', 'copywriter', 0 FROM sheet s WHERE s.rater_id = {S('张伟')} "
         f"AND s.cycle_id = '2026-11' AND s.employee_id = {S('陈静')}"),
    case("head", "retire his current sheet, then score the retired one", False,
         f"UPDATE sheet SET is_current = false WHERE rater_id = {S('张伟')} "
         f"AND cycle_id = '2026-11' AND employee_id = {S('陈静')} AND is_current",
         f"INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT s.id, "
         f"'analysis', 'copywriter', 0 FROM sheet s WHERE s.rater_id = {S('张伟')} "
         f"AND s.cycle_id = '2026-11' AND s.employee_id = {S('陈静')}"),
    case("head", "retire his sheet and rewrite its note", False,
         f"UPDATE sheet SET is_current = false, note = 'x' WHERE rater_id = {S('张伟')} "
         f"AND cycle_id = '2026-11' AND employee_id = {S('陈静')} AND is_current"),
    case("head", "a leaving day without the deactivation's history line", False,
         "UPDATE staff SET left_on = DATE '2020-01-01' WHERE name = '陈静'"),
    case("gm", "a new version of his sheet about the manager", True,
         *_sheet("2026-11", "张伟", "总经理")),
    case("member", "a sheet about a colleague", False,
         *_sheet("2026-11", "陈静", "李娜", version=1)),
    case("member", "a sheet about herself", False, *_sheet("2026-11", "李娜", "李娜", version=1)),
    case("supervisor", "a sheet about a copywriter", False,
         *_sheet("2026-11", "李娜", "王强", version=1)),
    case("member", "delete her sheets", False, "DELETE FROM sheet"),
    # --- cycles: close as the tool does ---------------------------------------------------------
    case("head", "close with appraisals pending", False, _close("2026-11", "张伟")),
    case("head", "close with an override he may not give", False,
         _close("2026-11", "张伟", "sample")),
    case("head", "close in the general manager's name", False,
         _close("2026-11", "总经理", "sample")),
    case("gm", "close with appraisals pending, no override", False, _close("2026-11", "总经理")),
    case("gm", "close with an override", True, _close("2026-11", "总经理", "sample")),
    case("head", "reopen with a reason", True,
         f"UPDATE cycle SET status = 'open', reopened_at = now(), reopened_by_id = {S('张伟')}, "
         f"reopen_reason = 'fix', closed_members = NULL, closed_complete = NULL "
         f"WHERE id = '2026-10'"),
    case("head", "re-date a cycle's opening", False,
         "UPDATE cycle SET opened_at = now() - interval '90 days' WHERE id = '2026-11'"),
    case("member", "close a cycle", False, _close("2026-11", "李娜")),
    case("member", "open a cycle", False,
         "INSERT INTO cycle (id, kind_id, status, opened_at) VALUES ('2026-12', 'monthly', "
         "'open', now())"),
    # --- calibration -----------------------------------------------------------------------------
    case("head", "calibrate", False,
         f"INSERT INTO calibration (cycle_id, employee_id, computed_grade, grade_before, "
         f"grade_after, reason, by_id, at) VALUES ('2026-11', {S('陈静')}, 'B', 'B', 'A', 'r', "
         f"{S('张伟')}, now())"),
    case("gm", "calibrate in the open cycle", True,
         f"INSERT INTO calibration (cycle_id, employee_id, computed_grade, grade_before, "
         f"grade_after, reason, by_id, at) VALUES ('2026-11', {S('陈静')}, 'B', 'B', 'A', 'r', "
         f"{S('总经理')}, now())"),
    case("gm", "calibrate in a closed cycle", False,
         f"INSERT INTO calibration (cycle_id, employee_id, computed_grade, grade_before, "
         f"grade_after, reason, by_id, at) VALUES ('2026-10', {S('陈静')}, 'B', 'B', 'A', 'r', "
         f"{S('总经理')}, now())"),
    # --- leave: status and decider by an approver ----------------------------------------------
    case("member", "her leave approved, the manager deciding", False,
         _leave("李娜", "2026-12-02", "approved", decider="张伟")),
    case("member", "her leave on a protected day, approved", False,
         _leave("李娜", "2026-12-14", "approved", special=True)),
    case("member", "her leave on a protected day, not special", False,
         _leave("李娜", "2026-12-14", "pending")),
    case("member", "her special leave on a protected day, pending", True,
         _leave("李娜", "2026-12-14", "pending", special=True)),
    case("member", "her leave on a Wednesday", True, _leave("李娜", "2026-12-02", "approved")),
    # (revision 0018: what `leave request` takes, by SQL too)
    case("member", "her leave twice", False, _leave("李娜", "2026-12-02", "approved"),
         _leave("李娜", "2026-12-02", "pending")),
    case("member", "her leave on a Saturday only", False, _leave("李娜", "2026-12-12", "pending")),
    case("member", "her leave of an unknown kind", False,
         _leave("李娜", "2026-12-02", "pending").replace("'leave'", "'zz'")),
    case("member", "her leave with no reason", False,
         _leave("李娜", "2026-12-02", "pending").replace("'r'", "''")),
    case("head", "the general manager in the open cycle", False,
         f"INSERT INTO cycle_member (cycle_id, staff_id, position_id) VALUES ('2026-11', "
         f"{S('总经理')}, 'general_manager')"),
    case("member", "leave for a colleague", False, _leave("陈静", "2026-12-02", "approved")),
    case("member", "approve her own request", False,
         f"UPDATE leave SET status = 'approved', decided_by_id = {S('张伟')}, "
         f"decided_at = now()"),
    case("head", "approve his report's request", True,
         f"UPDATE leave SET status = 'approved', decided_by_id = {S('张伟')}, decided_at = now() "
         f"WHERE staff_id = {S('李娜')}"),
    case("head", "approve in the general manager's name", False,
         f"UPDATE leave SET status = 'approved', decided_by_id = {S('总经理')}, "
         f"decided_at = now() WHERE staff_id = {S('李娜')}"),
    case("head", "decline without a reason", False,
         f"UPDATE leave SET status = 'declined', decided_by_id = {S('张伟')}, decided_at = now() "
         f"WHERE staff_id = {S('李娜')}"),
    case("supervisor", "approve leave", False,
         f"UPDATE leave SET status = 'approved', decided_by_id = {S('王强')}, decided_at = now()"),
    # --- handover forms --------------------------------------------------------------------------
    case("member", "her handover form", True,
         f"INSERT INTO handover (staff_id, cover_id, start_at, end_at, place, matter, created_at) "
         f"VALUES ({S('李娜')}, {S('陈静')}, now(), now() + interval '1 day', 'p', 'm', now())"),
    case("member", "a colleague's handover form", False,
         f"INSERT INTO handover (staff_id, cover_id, start_at, end_at, place, matter, created_at) "
         f"VALUES ({S('陈静')}, {S('李娜')}, now(), now() + interval '1 day', 'p', 'm', now())"),
    case("member", "a form acknowledged as she hands it in", False,
         f"INSERT INTO handover (staff_id, cover_id, start_at, end_at, place, matter, created_at, "
         f"acked_at, acked_by_id) VALUES ({S('李娜')}, {S('陈静')}, now(), now() + interval "
         f"'1 day', 'p', 'm', now(), now(), {S('张伟')})"),
    case("member", "acknowledge her own form", False,
         f"UPDATE handover SET acked_at = now(), acked_by_id = {S('张伟')}"),
    case("head", "acknowledge his report's form", True,
         f"UPDATE handover SET acked_at = now(), acked_by_id = {S('张伟')}"),
    case("head", "acknowledge in the general manager's name", False,
         f"UPDATE handover SET acked_at = now(), acked_by_id = {S('总经理')}"),
    case("member", "delete a handover form", False, "DELETE FROM handover"),
    # --- visitors --------------------------------------------------------------------------------
    case("member", "a visitor approved by the head", True,
         f"INSERT INTO visitor (name, approved_by_id, escort_id, arrived_at) VALUES ('V', "
         f"{S('张伟')}, {S('李娜')}, now())"),
    case("member", "a visitor approved by a copywriter", False,
         f"INSERT INTO visitor (name, approved_by_id, escort_id, arrived_at) VALUES ('V', "
         f"{S('陈静')}, {S('李娜')}, now())"),
    # --- tasks: owner and due date by those who assign them ------------------------------------
    case("member", "move her task's due date", False,
         f"UPDATE task SET due = due + 30 WHERE id = {_task('李娜')}"),
    case("member", "cancel her task", False,
         f"UPDATE task SET status = 'cancelled', cancel_reason = 'x' WHERE id = {_task('李娜')}"),
    case("member", "give her task to a colleague", False,
         f"UPDATE task SET owner_id = {S('陈静')} WHERE id = {_task('李娜')}"),
    case("member", "start her task", True,
         f"UPDATE task SET status = 'doing' WHERE id = {_task('李娜')}"),
    case("member", "finish her task", True,
         f"UPDATE task SET status = 'done', done_at = now() WHERE id = {_task('李娜')}"),
    case("member", "start a colleague's task", False,
         f"UPDATE task SET status = 'doing' WHERE id = {_task('陈静')}"),
    case("member", "a task for a colleague", False,
         f"INSERT INTO task (source, title_zh, title_en, owner_id, owner_position_id, due, "
         f"status, owner_by_hand, due_by_hand, created_at) VALUES ('manual', 't', 't', "
         f"{S('陈静')}, 'copywriter', DATE '2026-12-20', 'open', true, true, now())"),
    case("member", "a task for herself", True,
         f"INSERT INTO task (source, title_zh, title_en, owner_id, owner_position_id, due, "
         f"status, owner_by_hand, due_by_hand, created_at) VALUES ('manual', 't', 't', "
         f"{S('李娜')}, 'copywriter', DATE '2026-12-20', 'open', true, true, now())"),
    case("head", "move a task's due date", True,
         f"UPDATE task SET due = due + 30 WHERE id = {_task('李娜')}"),
    case("head", "cancel a task", True,
         f"UPDATE task SET status = 'cancelled', cancel_reason = 'x' WHERE id = {_task('李娜')}"),
    case("member", "a history line on her task", True, _event("李娜", "李娜")),
    case("member", "a history line in the general manager's name", False,
         _event("李娜", "总经理")),
    case("member", "a history line on a colleague's task", False, _event("陈静", "李娜")),
    case("head", "a history line acting for his report", True,
         _event("李娜", "李娜 (by 张伟)")),
    case("head", "a history line acting for the general manager", False,
         _event("李娜", "总经理 (by 张伟)")),
    # --- the audit trail and the database's options --------------------------------------------
    case("member", "an audit entry of her own", True, _audit("李娜", None)),
    case("member", "an audit entry acting for the general manager", False,
         _audit("李娜", "总经理")),
    case("head", "an audit entry acting for his report", True, _audit("张伟", "李娜")),
    case("head", "an audit entry acting for the general manager", False, _audit("张伟", "总经理")),
    case("member", "delete the audit", False, "DELETE FROM audit"),
    case("head", "switch the clock", False,
         "UPDATE database_option SET value = 'real' WHERE key = 'clock'"),
    case("head", "a new database option", False,
         "INSERT INTO database_option (key, value) VALUES ('x', 'y')"),
    case("head", "the company mail domain", True,
         "INSERT INTO database_option (key, value) VALUES ('company_mail_domain', 'example.com')"),
    case("member", "the company mail domain", False,
         "INSERT INTO database_option (key, value) VALUES ('company_mail_domain', 'example.com')"),
    # --- plans -----------------------------------------------------------------------------------
    case("member", "her own plan", True, _plan("李娜")),
    case("member", "a colleague's plan", False, _plan("陈静")),
    case("member", "her plan as if the general manager entered it", False,
         _plan("李娜", entered_by="总经理")),
    case("head", "his report's plan entered on paper", True, _plan("李娜", entered_by="张伟")),
    case("head", "the general manager's plan entered on paper", False,
         _plan("总经理", entered_by="张伟")),
    case("member", "retire her current plan", True,
         f"UPDATE plan SET is_current = false WHERE staff_id = {S('李娜')}"),
    case("supervisor", "retire a copywriter's plan", False,
         f"UPDATE plan SET is_current = false WHERE staff_id = {S('李娜')}"),
]


def _run(url: str, c: Case) -> tuple[bool, str]:
    """Run the case's statements in one transaction (deferred checks included): whether all
    went through, each changing a row, and why not. An allowed write is rolled back; a refused
    one that raised no error is committed."""
    import psycopg2

    conn = _psycopg(url)
    try:
        with conn.cursor() as cur:
            try:
                for sql in c.sql:
                    cur.execute(sql)
                    if cur.rowcount == 0:
                        conn.commit()
                        return False, f"no row: {sql}"
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except psycopg2.Error as exc:
                conn.rollback()
                return False, str(exc).splitlines()[0]
            if c.allowed:
                conn.rollback()
            else:
                conn.commit()
            return True, ""
    finally:
        conn.close()


def test_the_write_matrix_is_the_permission_table(dept, db):
    before = _snapshot(db.url)
    wrong = []
    for c in CASES:
        went, why = _run(dept[c.role], c)
        if went != c.allowed:
            wrong.append(f"{c.role}: {c.what}: {'allowed' if went else 'refused'} ({why})")
    assert wrong == []
    assert _snapshot(db.url) == before


def test_refusals_name_the_rule(dept):
    import psycopg2

    conn = _psycopg(dept["head"])
    try:
        with conn.cursor() as cur, pytest.raises(psycopg2.Error) as err:
            cur.execute("UPDATE staff SET active = false WHERE name = '总经理'")
    finally:
        conn.close()
    assert err.value.pgcode == "42501"
    assert "ecomops: one changes only the records of people under oneself" in str(err.value)


def test_times_are_the_servers_statement_time(dept, db, cli, monkeypatch):
    """On a database with a real clock, the times a member's role sends are replaced by the
    server's clock at the statement (not the transaction's start), and `plan show` takes the
    deadline from the calendar, not from a stored due_at."""
    owner = _psycopg(db.url)
    with owner.cursor() as cur:
        cur.execute("UPDATE database_option SET value = 'real' WHERE key = 'clock'")
    owner.commit()
    owner.close()
    conn = _psycopg(dept["member"])
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT now() AT TIME ZONE 'UTC'")
            (started,) = cur.fetchone()
            time.sleep(1.5)
            # a week far ahead: the plan is on time whatever day the test runs
            cur.execute(_plan("李娜", period="2099-W10").replace("now()", "TIMESTAMP '2020-01-01'"))
            cur.execute(_leave("李娜", "2026-12-02", "approved").replace(
                "now()", "TIMESTAMP '2020-01-01'"))
            cur.execute(f"UPDATE task SET status = 'done', done_at = TIMESTAMP '2020-01-01' "
                        f"WHERE id = {_task('李娜')}")
            cur.execute("SELECT submitted_at, recorded_at FROM plan WHERE period = '2099-W10'")
            submitted, recorded = cur.fetchone()
            cur.execute("SELECT created_at FROM leave WHERE start = DATE '2026-12-02'")
            (asked,) = cur.fetchone()
            cur.execute(f"SELECT done_at FROM task WHERE id = {_task('李娜')}")
            (done,) = cur.fetchone()
        conn.commit()
    finally:
        conn.close()
    for stamp in (submitted, recorded, asked, done):
        # the statement's time: after the transaction began and the client waited
        assert stamp.year == started.year and (stamp - started).total_seconds() >= 1.4
    # a forged due date is not what `plan show` says
    owner = _psycopg(db.url)
    with owner.cursor() as cur:
        cur.execute("UPDATE plan SET due_at = TIMESTAMP '2030-01-01'")
    owner.commit()
    owner.close()
    monkeypatch.delenv("ECOMOPS_NOW")
    shown = cli("plan", "show", "李娜", "--week", "2099-W10", "--json", "--database-url",
                dept["member"])
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["due_at"].startswith("2099-03-02")  # that week's Monday
    assert shown.json()["status"] == "on_time"


def test_the_revision_downgrades_and_upgrades_again(backend):
    """0015 goes down to 0014 (triggers, functions and new policies gone, the time windows of
    0010 and 0012 back) and up again."""
    from alembic import command

    from ecomops.db import migrate
    from ecomops.db.engine import resolve
    from ecomops.db.session import Database

    database = Database(resolve(database_url=backend.url))
    count = ("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'ecomops_%'), "
             "(SELECT count(*) FROM pg_policy WHERE polrelid = 'handover'::regclass), "
             "(SELECT count(*) FROM pg_policy WHERE pg_get_expr(polwithcheck, polrelid) "
             "LIKE '%00:15:00%')")
    with database.connect(write=True) as conn:
        migrate.upgrade(conn)
    assert _rows(backend.url, count) == [(len(GUARDS) + 1, 4, 0)]
    with database.connect(write=True) as conn:
        command.downgrade(migrate._config(conn), "0014")
    assert _rows(backend.url, count) == [(0, 0, 8)]
    with database.connect(write=True) as conn:
        migrate.upgrade(conn)
        assert migrate.current_revision(conn) == migrate.HEAD
    database.dispose()
    assert _rows(backend.url, count) == [(len(GUARDS) + 1, 4, 0)]


def test_a_role_off_the_roster_learns_nothing_from_the_functions(dept, db, roles):
    """Any login of the cluster may call the functions (EXECUTE is PUBLIC's): those that
    answer by SECURITY DEFINER answer only the keeper and people on the roster (0018)."""
    nobody = f"nobody_{uuid.uuid4().hex[:8]}"
    roles.append(nobody)
    admin = _psycopg(db.url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE ROLE "{nobody}" LOGIN')
    admin.close()
    url = make_url(db.url).set(username=nobody, password=None).render_as_string(
        hide_password=False)
    assert _rows(url, "SELECT * FROM ecomops_cycle_progress('2026-11')") == [(0, 0)]
    (lina,) = _rows(db.url, S("李娜")[1:-1])[0]
    leave = f"SELECT * FROM ecomops_leave_dates({lina}, '2000-01-01', '2100-01-01')"
    assert _rows(url, leave) == []
    assert _rows(db.url, leave) == _rows(dept["member"], leave)
    # the keeper, and a member, are answered as before
    keeper = _rows(db.url, "SELECT * FROM ecomops_cycle_progress('2026-11')")
    assert keeper[0][0] >= 3 and keeper[0][1] >= 1
    assert _rows(dept["member"], "SELECT * FROM ecomops_cycle_progress('2026-11')") == keeper
