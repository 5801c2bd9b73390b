"""Row-level security that is right and cheap (issue 21 item 6, issue 26 item 3), on a
300-person department built by ``ecomops demo``: the head's own role and a member's own role
say the same counts and verdicts as the owner acting as them, and the policies call their
functions once per statement, not once per row."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_URL
from tests.db import test_row_level_security as rls
from tests.db.test_row_level_security import _psycopg, _rows

roles = rls.roles  # the login roles a test makes, dropped after it (a fixture)

pytestmark = pytest.mark.skipif(
    PG_ADMIN_URL is None, reason="row-level security is PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)"
)


@pytest.fixture
def dept(backend, cli, monkeypatch, roles):
    """300 people over two months; the first department's head and one of its copywriters
    get login roles. Returns {reader: (name, url)}; the roles are dropped afterwards."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    r = cli("demo", "--people", "300", "--months", "2", "--database-url", backend.url)
    assert r.exit_code == 0, r.stderr
    ((head_id, head),) = _rows(
        backend.url, "SELECT id, name FROM staff WHERE position_id = 'manager' ORDER BY id LIMIT 1"
    )
    ((member,),) = _rows(
        backend.url,
        "SELECT name FROM staff WHERE position_id = 'copywriter' AND manager_id IN "
        f"(SELECT id FROM staff WHERE manager_id = {head_id} OR id = {head_id}) "
        "ORDER BY id LIMIT 1",
    )
    suffix = uuid.uuid4().hex[:8]
    logins = {"head": (head, f"head_{suffix}"), "member": (member, f"member_{suffix}")}
    for name, role in logins.values():
        roles.append(role)
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw" + suffix)
        assert r.exit_code == 0, r.stderr
    base = make_url(backend.url)
    return {
        reader: (name, base.set(username=role, password="pw" + suffix).render_as_string(
            hide_password=False))
        for reader, (name, role) in logins.items()
    }


def _both(cli, monkeypatch, backend, reader, *args, acting=True):
    """(the reader's own role's answer, the owner's answer acting as the reader; ``acting``
    False: the owner's own answer, for a command that is the same for everyone)."""
    name, url = reader
    monkeypatch.delenv("ECOMOPS_DATABASE_URL", raising=False)
    own = cli(*args, "--database-url", url)
    owner = cli(*args, *(("--as", name) if acting else ()), "--database-url", backend.url)
    assert "error" not in own.stderr, own.stderr
    assert "error" not in owner.stderr, owner.stderr
    return own, owner


def test_the_heads_role_gets_the_owners_quota_verdict_and_counts(dept, cli, monkeypatch, backend):
    own, owner = _both(cli, monkeypatch, backend, dept["head"],
                       "quota", "check", "-c", "2026-11", "--json")
    assert own.exit_code == owner.exit_code
    mine, theirs = own.json(), owner.json()
    group, = theirs["groups"]
    assert group["size"] > 250  # every member's appraisal, not the 20 the head may read
    assert mine["ok"] == theirs["ok"]
    # the counts, the caps, the violations and the moves (of the people the head may read)
    assert mine["groups"] == theirs["groups"]
    strict = _both(cli, monkeypatch, backend, dept["head"],
                   "quota", "check", "-c", "2026-11", "--strict", "--by", "position", "--json")
    assert strict[0].json()["groups"] == strict[1].json()["groups"]


def test_a_members_today_cycle_list_and_report_count_every_appraisal(
    dept, cli, monkeypatch, backend
):
    own, owner = _both(cli, monkeypatch, backend, dept["member"], "today", "--json")
    assert own.exit_code == owner.exit_code == 0
    cycle = owner.json()["cycle"]
    assert cycle["members"] > 250
    assert own.json()["cycle"] == cycle
    own, owner = _both(cli, monkeypatch, backend, dept["member"], "cycle", "list", "--json",
                       acting=False)
    assert own.json() == owner.json()
    own, owner = _both(cli, monkeypatch, backend, dept["member"],
                       "report", "--month", "2026-11", "--format", "json")
    mine, theirs = own.json()["appraisal"], owner.json()["appraisal"]
    assert (mine["complete"], mine["pending"], mine["ok"]) == (
        theirs["complete"], theirs["pending"], theirs["ok"])
    assert [p["status"] for p in mine["people"]] == [p["status"] for p in theirs["people"]]
    # and still none of the others' scores
    assert sum(p["score"] is not None for p in mine["people"]) <= 1


def test_the_counting_functions_check_the_caller_and_return_counts_only(dept, backend):
    import psycopg2

    member = dept["member"][1]
    (progress,) = _rows(member, "SELECT members, complete FROM "
                                "ecomops_cycle_progress(ARRAY['2026-11'])")
    assert progress == _rows(backend.url, "SELECT members, complete FROM "
                                          "ecomops_cycle_progress(ARRAY['2026-11'])")[0]
    # whether each is complete, for anyone; who sent a sheet, for the team's readers only
    status = _rows(member, "SELECT complete, sent FROM ecomops_cycle_status('2026-11')")
    assert len(status) == progress[0] and sum(c for c, _ in status) == progress[1]
    assert {s for _, s in status} == {None}
    head = dept["head"][1]
    sent = [s for (s,) in _rows(head, "SELECT sent FROM ecomops_cycle_status('2026-11')")]
    assert None not in sent and any(sent)
    # a copywriter rates nobody: no grade counts, no moves
    ((counts, violated, moves),) = _rows(
        member, "SELECT counts, violated, moves FROM "
                "ecomops_cycle_quota('2026-11', 'department', false)")
    assert counts is None and moves is None and violated is not None
    # the head reads the counts, and the moves of his own people only
    ((size, counts, moves),) = _rows(head, "SELECT complete, counts, moves FROM "
                                           "ecomops_cycle_quota('2026-11', 'department', false)")
    assert sum(counts.values()) == size == progress[1]
    team = {i for (i,) in _rows(backend.url, "WITH RECURSIVE t(id) AS (SELECT id FROM staff "
                                             f"WHERE name = '{dept['head'][0]}' UNION SELECT "
                                             "s.id FROM staff s JOIN t ON s.manager_id = t.id) "
                                             "SELECT id FROM t")}
    assert {e for e, *_ in moves} <= team
    # a role that is no one on the roster is refused outright
    outsider = f"outsider_{uuid.uuid4().hex[:8]}"
    admin = _psycopg(backend.url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE ROLE {outsider} LOGIN PASSWORD 'pw'")
        url = make_url(member).set(username=outsider, password="pw").render_as_string(
            hide_password=False)
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _rows(url, "SELECT * FROM ecomops_cycle_progress(ARRAY['2026-11'])")
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP ROLE {outsider}")
        admin.close()


def test_policies_call_their_functions_once_per_statement_not_per_row(dept, backend):
    """With track_functions on for the role, a read of every table under row-level security
    costs a handful of function calls, however many rows are read (at 300 people the plans
    alone are well over a thousand rows)."""
    name, url = dept["head"]
    role = make_url(url).username
    admin = _psycopg(backend.url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'ALTER ROLE "{role}" SET track_functions = \'all\'')
    admin.close()
    ((plans,),) = _rows(backend.url, "SELECT count(*) FROM plan")
    assert plans > 1000
    conn = _psycopg(url)
    try:
        with conn.cursor() as cur:
            seen = {}
            for table in ("plan", "leave", "sheet", "sheet_score", "calibration", "audit"):
                cur.execute(f"SELECT count(*) FROM {table}")
                seen[table] = cur.fetchone()[0]
            cur.execute("SELECT funcname, calls FROM pg_stat_xact_user_functions "
                        "WHERE funcname LIKE 'ecomops%'")
            calls = dict(cur.fetchall())
        conn.rollback()
    finally:
        conn.close()
    assert seen["plan"] == plans  # the head reads every plan (read_records: manager)
    assert 0 < seen["sheet"] < seen["sheet_score"]
    # audit's policy asks ecomops_allowed('read_audit', NULL) once; nothing is asked per row
    assert calls.get("ecomops_allowed", 0) <= 1, calls
    assert max(calls.values()) < 50 and sum(calls.values()) < 150, calls
