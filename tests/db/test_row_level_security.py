"""PostgreSQL enforces confidentiality itself: a copywriter's login role, connected with plain
psycopg2, reads no other person's scores, notes, calibrations, plans, leave or audit entries,
and changes none of them; the same role runs ecomops within the permission table."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.skipif(
    PG_ADMIN_URL is None, reason="row-level security is PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)"
)
COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]
SUP = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]


def _psycopg(url: str):
    import psycopg2

    u = make_url(url)
    return psycopg2.connect(
        host=u.host, port=u.port, dbname=u.database, user=u.username, password=u.password
    )


@pytest.fixture
def roles(backend):
    """Login roles made by the tests (cluster-wide in PostgreSQL): dropped afterwards."""
    made: list[str] = []
    yield made
    admin = _psycopg(backend.url)
    admin.autocommit = True
    with admin.cursor() as cur:
        for role in made:
            cur.execute(f'DROP OWNED BY "{role}"')
            cur.execute(f'DROP ROLE IF EXISTS "{role}"')
    admin.close()


@pytest.fixture
def shared(db, cli, monkeypatch, roles):
    """A department on PostgreSQL: 张伟 manages 李娜 and 陈静; every appraisal rated, one
    calibrated; plans and leave in; 李娜 and 张伟 get login roles."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    for args in (["总经理", "-p", "general_manager"],
                 ["张伟", "-p", "manager", "--manager", "总经理"],
                 ["李娜", "-p", "copywriter", "--manager", "张伟"],
                 ["陈静", "-p", "copywriter", "--manager", "张伟"]):
        assert cli("staff", "add", *args).exit_code == 0
    assert cli("cycle", "open", "2026-11").exit_code == 0
    for who, rater, v in (("李娜", "张伟", 81), ("李娜", "总经理", 82), ("陈静", "张伟", 91),
                          ("陈静", "总经理", 92)):
        r = cli("appraise", who, "-c", "2026-11", "--as", rater, "--note", f"NOTE-{who}-{rater}",
                *[a for c in COPY for a in ("-s", f"{c}={v}")])
        assert r.exit_code == 0, r.stderr
    r = cli("appraise", "张伟", "-c", "2026-11", "--as", "总经理",
            *[a for c in SUP for a in ("-s", f"{c}=88")])
    assert r.exit_code == 0, r.stderr
    assert cli("calibrate", "陈静", "-c", "2026-11", "-g", "B", "--as", "总经理", "--reason",
               "REASON-X").exit_code == 0
    for who in ("李娜", "陈静"):
        assert cli("plan", "submit", "--as", who, "--summary", f"SUMMARY-{who}",
                   "--plan", "p").exit_code == 0
        assert cli("leave", "request", "--as", who, "--from", "2026-11-25", "--reason",
                   f"LEAVE-{who}").exit_code == 0
    suffix = uuid.uuid4().hex[:8]
    logins = {"李娜": f"lina_{suffix}", "张伟": f"zhangwei_{suffix}"}
    for name, role in logins.items():
        roles.append(role)
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
        assert r.exit_code == 0, r.stderr
    base = make_url(db.url)
    urls = {n: base.set(username=r, password="pw-" + suffix).render_as_string(hide_password=False)
            for n, r in logins.items()}
    return urls


def _rows(url: str, sql: str) -> list[tuple]:
    conn = _psycopg(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_a_copywriter_role_reads_only_her_own(shared, db):
    lina = shared["李娜"]
    names = dict(_rows(db.url, "SELECT id, name FROM staff"))
    sheets = _rows(lina, "SELECT employee_id, note FROM sheet")
    assert {names[e] for e, _ in sheets} == {"李娜"}
    assert sorted(n for _, n in sheets) == ["NOTE-李娜-张伟", "NOTE-李娜-总经理"]
    (scores,) = _rows(lina, "SELECT count(*) FROM sheet_score")
    assert scores == (10,)  # her two sheets' five scores
    assert _rows(lina, "SELECT * FROM calibration") == []  # 陈静's calibration
    assert [names[s] for (s,) in _rows(lina, "SELECT staff_id FROM plan")] == ["李娜"]
    assert [r for (r,) in _rows(lina, "SELECT reason FROM leave")] == ["LEAVE-李娜"]
    assert _rows(lina, "SELECT * FROM audit") == []
    # the owner sees everything
    assert _rows(db.url, "SELECT count(*) FROM sheet") == [(5,)]
    assert _rows(db.url, "SELECT count(*) FROM calibration") == [(1,)]


def test_a_copywriter_role_changes_nothing_of_anyone(shared, db):
    import psycopg2

    lina = shared["李娜"]
    before = _rows(db.url, "SELECT id, note, is_current FROM sheet ORDER BY id")
    attempts = [
        "UPDATE sheet SET note = 'forged'",
        "DELETE FROM sheet",
        "DELETE FROM sheet_score",
        "UPDATE sheet_score SET score = 100",
        "DELETE FROM calibration",
        "UPDATE plan SET summary = 'forged'",
        "UPDATE plan SET submitted_at = now() - interval '30 days'",
        "DELETE FROM plan",
        "DELETE FROM audit",
        "UPDATE staff SET position_id = 'general_manager'",
        "UPDATE staff SET login = NULL",
        "UPDATE database_option SET value = 'simulated'",
        "INSERT INTO sheet (cycle_id, employee_id, rater_id, rater_position_id, version, "
        "is_current, created_at) SELECT '2026-11', id, id, 'copywriter', 9, true, now() "
        "FROM staff WHERE name = '李娜'",
        # another's name in the audit trail, a closed cycle, a task done for someone else
        "INSERT INTO audit (at, actor, command, details) VALUES (now(), '总经理', 'x', '{}')",
        "UPDATE cycle SET status = 'closed'",
        "INSERT INTO cycle (id, kind_id, status, opened_at) VALUES ('2026-12', 'monthly', "
        "'open', now())",
        "UPDATE task SET status = 'done'",
        # a score added to a sheet about herself
        "INSERT INTO sheet_score (sheet_id, criterion_id, rubric_id, score) SELECT s.id, "
        "'analysis', 'copywriter', 100 FROM sheet s",
    ]
    for sql in attempts:
        conn = _psycopg(lina)
        try:
            with conn.cursor() as cur:
                try:
                    cur.execute(sql)
                    changed = cur.rowcount
                except psycopg2.Error:
                    changed = 0  # refused outright
            conn.commit()
        finally:
            conn.close()
        assert changed == 0, sql
    assert _rows(db.url, "SELECT id, note, is_current FROM sheet ORDER BY id") == before
    positions = dict(_rows(db.url, "SELECT name, position_id FROM staff"))
    assert positions["李娜"] == "copywriter"


def test_the_same_role_runs_ecomops_within_the_table(shared, cli, monkeypatch):
    monkeypatch.delenv("ECOMOPS_DATABASE_URL")
    lina = ["--database-url", shared["李娜"]]
    own = cli("appraisals", "show", "李娜", "-c", "2026-11", "--json", *lina)
    assert own.exit_code == 0, own.stderr
    assert [s["note"] for s in own.json()["sheets"]] == ["NOTE-李娜-张伟", "NOTE-李娜-总经理"]
    other = cli("appraisals", "show", "陈静", "-c", "2026-11", *lina)
    assert other.exit_code == 1 and "may not see 陈静's appraisal" in other.stderr
    assert cli("quota", "check", "-c", "2026-11", *lina).exit_code == 1
    r = cli("plan", "submit", "--summary", "again", "--plan", "p", "--json", *lina)
    assert r.exit_code == 0, r.stderr
    assert r.json()["version"] == 2
    report = cli("report", "--month", "2026-11", "--json", *lina)
    assert report.exit_code == 0, report.stderr
    people = {p["employee"]: p for p in report.json()["appraisal"]["people"]}
    assert people["李娜"]["visible"] and not people["陈静"]["visible"]
    assert [m["name"] for m in report.json()["plans"]["members"]] == ["李娜"]
    # her manager's role reads her team's sheets, and rates through its own login
    zhang = ["--database-url", shared["张伟"]]
    team = cli("appraisals", "list", "-c", "2026-11", "--json", *zhang)
    assert team.exit_code == 0, team.stderr
    scores = {a["employee"]: a["score"] for a in team.json()}
    assert scores["李娜"] == 81.5 and scores["陈静"] == 91.5
    audit = cli("audit", "--json", *zhang)
    assert audit.exit_code == 0 and audit.json()[-1]["actor"] == "李娜"


def test_db_grant_is_the_owners_and_never_a_superuser_role(shared, cli, monkeypatch, db):
    monkeypatch.delenv("ECOMOPS_DATABASE_URL")
    lina = ["--database-url", shared["李娜"]]
    r = cli("db", "grant", "陈静", "--login", "someone_else", *lina)
    assert r.exit_code == 1 and "only the role that owns the database may grant" in r.stderr
    superuser = make_url(db.url).username
    r = cli("db", "grant", "陈静", "--login", superuser, "--database-url", db.url)
    assert r.exit_code == 1 and "is a superuser, bypasses row-level security" in r.stderr


def test_a_temporary_table_cannot_stand_in_for_the_roster(shared, db):
    """A role's own temporary ``staff`` (searched first by default) changes nothing the
    policies decide: their functions search the database's schema, pg_temp last."""
    conn = _psycopg(shared["李娜"])
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE staff (id int, login text, position_id text, "
                        "manager_id int, active bool, name text)")
            cur.execute("INSERT INTO staff VALUES (1, current_user, 'general_manager', NULL, "
                        "true, 'x')")
            cur.execute("CREATE TEMP TABLE database_option (key text, value text)")
            cur.execute("INSERT INTO database_option VALUES ('clock', 'simulated')")
            cur.execute("SELECT ecomops_keeper(), count(*) FROM public.sheet")
            keeper, sheets = cur.fetchone()
            cur.execute("SELECT count(*) FROM public.audit")
            (audits,) = cur.fetchone()
    finally:
        conn.close()
    assert (keeper, sheets, audits) == (False, 2, 0)


def test_rating_through_a_managers_own_role(shared, cli, monkeypatch):
    """The manager's role writes sheets itself (no COPY, which row-level security refuses)."""
    monkeypatch.delenv("ECOMOPS_DATABASE_URL")
    zhang = ["--database-url", shared["张伟"]]
    r = cli("appraise", "李娜", "-c", "2026-11", *zhang,
            *[a for c in COPY for a in ("-s", f"{c}=77")])
    assert r.exit_code == 0, r.stderr
    shown = cli("appraisals", "show", "李娜", "-c", "2026-11", "--json", *zhang).json()
    assert [(s["rater"], s["version"], s["total"]) for s in shown["sheets"] if s["current"]] == [
        ("张伟", 2, 77), ("总经理", 1, 82)]
