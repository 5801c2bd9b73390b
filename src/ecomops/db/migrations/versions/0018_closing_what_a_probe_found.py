"""What an attacker's probe of 0015/0016 found open, closed on PostgreSQL.

- A sheet is only ever retired: an UPDATE by a member's role may clear a current sheet's flag
  and change nothing else (an update that changed nothing made an old sheet look "written in
  this transaction", so scores could be added to it in place: 72.5 C became 53.6 D with no new
  version). Scores go only to a *current* sheet written in this transaction (a retired one, or
  one merely touched, takes none).
- The SECURITY DEFINER functions that answer any caller answer only the keeper and people on
  the roster: ``ecomops_cycle_progress(text)`` (0015) and ``ecomops_leave_dates`` (0012) told
  a role with no roster entry (any login of the cluster) the counts of a cycle and a person's
  approved leave.
- Staff: a leaving day is recorded with its history line, like the other columns, and nobody
  joins after today (the tool refuses both).
- Leave asked by SQL is what ``leave request`` takes: leave or a shift swap, forward, a year at
  most, with a reason, not before one joined, holding a working day, and no day asked for twice
  (a member could file a duplicate, a Saturday, a day before joining, kind "zz", approved).
- A cycle's members are people in positions the handbook appraises (the head could add the
  general manager to an open cycle, which nobody under him could then close).

Revision ID: 0018
Revises: 0017
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _revision(name: str):
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"ecomops_revision_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRITES = "0015_writes_the_server_enforces.py"

#: the sheet's guard: an update retires a current sheet and does nothing else
RETIRE_ONLY = """
        IF TG_OP = 'UPDATE' THEN
            IF NOT (OLD.is_current AND NOT NEW.is_current)
               OR (to_jsonb(NEW) - 'is_current') IS DISTINCT FROM (to_jsonb(OLD) - 'is_current')
            THEN
                PERFORM ecomops_refuse('a sheet is only ever retired (its current flag cleared)');
            END IF;"""

#: scores: to a current sheet written in this transaction, in an open cycle
SCORES = """
        IF NOT EXISTS (
            SELECT 1 FROM sheet s JOIN cycle c ON c.id = s.cycle_id
            WHERE s.id = NEW.sheet_id AND c.status = 'open' AND s.is_current
              AND s.xmin = pg_current_xact_id()::xid
        ) THEN
            PERFORM ecomops_refuse('scores go with their sheet, written in an open cycle');
        END IF;
        RETURN NEW;
    """

#: a caller the functions answer: the keeper, or a role bound to someone active on the roster
#: (0016's test, by ``session_user``: inside a SECURITY DEFINER function the current user is
#: the owner)
KNOWN = "ecomops_caller_known()"


def _progress(writes, guarded: bool) -> str:
    """0015's ``ecomops_cycle_progress(text)``, answering only a known caller when ``guarded``."""
    (sql,) = [h for h in writes.HELPERS if "FUNCTION ecomops_cycle_progress(cid text" in h]
    tail = "        FROM m\n    $$"
    assert tail in sql
    sql = sql.replace(" AS $$", " SET search_path = {schema}, pg_temp AS $$", 1)
    return sql.replace(tail, f"        FROM m WHERE {KNOWN}\n    $$") if guarded else sql


def _leave_dates(guarded: bool) -> str:
    check = f"AND {KNOWN}" if guarded else ""
    return f"""
    CREATE OR REPLACE FUNCTION ecomops_leave_dates(person integer, first date, last date)
    RETURNS TABLE (id integer, start date, "end" date)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
        SELECT l.id, l.start, l."end" FROM leave l
        WHERE l.staff_id = person AND l.status = 'approved'
          AND l.start <= last AND l."end" >= first {check}
        ORDER BY l.start, l.id
    $$
    """


#: leave: a request the tool would take (checked before the protected days)
LEAVE_ASKED = """
        IF TG_OP = 'INSERT' THEN
            IF NEW.kind NOT IN ('leave', 'swap') THEN
                PERFORM ecomops_refuse('a request is for leave or a shift swap');
            END IF;
            IF NEW."end" < NEW.start OR NEW."end" - NEW.start > 366 THEN
                PERFORM ecomops_refuse('a request runs forward, a year at most');
            END IF;
            IF NULLIF(btrim(NEW.reason), '') IS NULL THEN
                PERFORM ecomops_refuse('a request gives its reason');
            END IF;
            IF NEW.start < (SELECT joined_on FROM staff WHERE id = NEW.staff_id) THEN
                PERFORM ecomops_refuse('no leave before one joined');
            END IF;
            IF NOT EXISTS (SELECT 1 FROM generate_series(NEW.start, NEW."end", interval '1 day') d
                           WHERE ecomops_working(d::date)) THEN
                PERFORM ecomops_refuse('a request holds a working day');
            END IF;
            IF EXISTS (SELECT 1 FROM leave l WHERE l.staff_id = NEW.staff_id
                       AND l.status IN ('pending', 'approved')
                       AND l.start <= NEW."end" AND l."end" >= NEW.start) THEN
                PERFORM ecomops_refuse('these days are asked for already');
            END IF;
        END IF;"""

#: cycle members: only positions the handbook appraises (one with a rubric)
MEMBER_RATED = """
        IF NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(ecomops_handbook()->'positions') x
            WHERE x->>'id' = NEW.position_id AND x->>'rubric' IS NOT NULL
        ) THEN
            PERFORM ecomops_refuse('only a position the handbook appraises is in a cycle');
        END IF;"""

#: the staff guard's additions: nobody joins after today
STAFF_JOINED = """
        IF NEW.joined_on IS NOT NULL AND NEW.joined_on > (ecomops_clock())::date
           AND (TG_OP = 'INSERT' OR NEW.joined_on IS DISTINCT FROM OLD.joined_on) THEN
            PERFORM ecomops_refuse('nobody joins after today');
        END IF;"""


def _apply(guarded: bool) -> None:
    writes = _revision(WRITES)
    schema = writes._schema()
    sheet = writes.GUARDS["sheet"]
    scores = writes.GUARDS["sheet_score"]
    staff = writes.GUARDS["staff"]
    leave = writes.GUARDS["leave"]
    member = writes.GUARDS["cycle_member"]
    history = dict(writes.HISTORY)
    if guarded:
        head = "\n        IF TG_OP = 'UPDATE' THEN"
        assert head in sheet
        sheet = sheet.replace(head, RETIRE_ONLY, 1)
        scores = SCORES
        staff = STAFF_JOINED + staff
        leave = LEAVE_ASKED + leave
        member = MEMBER_RATED + member
        history["left_on"] = "active"  # a leaving day goes with the deactivation's line
    op.execute(writes._guard("sheet", sheet, schema))
    op.execute(writes._guard("sheet_score", scores, schema))
    op.execute(writes._guard("staff", staff, schema))
    op.execute(writes._guard("leave", leave, schema))
    op.execute(writes._guard("cycle_member", member, schema))
    saved = writes.HISTORY
    writes.HISTORY = history
    try:
        op.execute(writes._history_check(schema))
    finally:
        writes.HISTORY = saved
    op.execute(_progress(writes, guarded).replace("{schema}", schema))
    op.execute(_leave_dates(guarded).replace("{schema}", schema))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _apply(guarded=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _apply(guarded=False)
