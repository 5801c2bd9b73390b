"""Confidentiality the PostgreSQL server enforces: row-level security on every table that holds
scores, levels, notes, calibrations, plans, leave reasons and audit entries (and on the roster's
writes), with policies equal to the handbook's permission table.

A connected role acts as the roster entry whose ``login`` it is (``ecomops db grant`` makes
such roles). The role that owns the tables (it ran ``ecomops init``) is the keeper and passes
every policy; row-level security is forced, so the owner passes by that rule, not by default.
Nothing happens on SQLite (one file, one keeper: see single-keeper mode).

Revision ID: 0010
Revises: 0009
"""

import json

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: the permission table of a handbook that has none (every handbook stored before 0009)
DEFAULTS = json.dumps(
    {
        "act_for_others": ["general_manager", "manager"],
        "assign_task": ["general_manager", "manager"],
        "calibrate": ["general_manager"],
        "close_cycle": ["general_manager", "manager"],
        "manage_staff": ["general_manager", "manager"],
        "open_cycle": ["general_manager", "manager"],
        "override_quota": ["general_manager"],
        "rate": ["reporting_line"],
        "read_appraisal": ["self", "reporting_line", "general_manager"],
        "read_audit": ["general_manager", "manager"],
        "read_cycle": ["cycle_rater"],
        "read_records": ["self", "general_manager", "manager"],
        "reopen_cycle": ["general_manager", "manager"],
        "work_task": ["task_owner", "general_manager", "manager"],
    }
)

FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION ecomops_keeper() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(current_user, c.relowner, 'MEMBER')
        FROM pg_class c WHERE c.oid = 'staff'::regclass
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_me() RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT id FROM staff WHERE login = current_user AND active
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_simulated() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (
            SELECT 1 FROM database_option WHERE key = 'clock' AND value = 'simulated'
        )
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_handbook() RETURNS jsonb LANGUAGE sql STABLE AS $$
        SELECT document::jsonb FROM manual_version ORDER BY id DESC LIMIT 1
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ecomops_permitted(action text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
        SELECT ARRAY(SELECT jsonb_array_elements_text(COALESCE(
            ecomops_handbook()->'permissions'->action, '{DEFAULTS}'::jsonb->action,
            '[]'::jsonb)))
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_raters(pos text) RETURNS text[] LANGUAGE sql STABLE AS $$
        WITH p AS (
            SELECT x FROM jsonb_array_elements(ecomops_handbook()->'positions') x
            WHERE x->>'id' = pos
        )
        SELECT CASE
            WHEN (SELECT jsonb_typeof(x->'raters') FROM p) = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text((SELECT x->'raters' FROM p)))
            ELSE ARRAY(
                SELECT jsonb_array_elements_text(rb->'raters')
                FROM jsonb_array_elements(ecomops_handbook()->'appraisal'->'rubrics') rb
                WHERE rb->>'id' = (SELECT x->>'rubric' FROM p)
            )
        END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_tops() RETURNS text[] LANGUAGE sql STABLE AS $$
        SELECT ARRAY(
            SELECT x->>'id' FROM jsonb_array_elements(ecomops_handbook()->'positions') x
            WHERE x->'reports_to' IS NULL OR jsonb_typeof(x->'reports_to') = 'null'
        )
    $$
    """,
    # the permission rule of ecomops.core.permissions, for the connected role's roster entry
    # ('cycle_rater' and 'task_owner' are not rules about a row, and grant nothing here)
    """
    CREATE OR REPLACE FUNCTION ecomops_allowed(action text, subject integer)
    RETURNS boolean LANGUAGE plpgsql STABLE AS $$
    DECLARE
        me staff%ROWTYPE;
        person staff%ROWTYPE;
        entry text;
    BEGIN
        SELECT * INTO me FROM staff WHERE login = current_user AND active;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
        IF subject IS NOT NULL THEN
            SELECT * INTO person FROM staff WHERE id = subject;
        END IF;
        FOREACH entry IN ARRAY ecomops_permitted(action) LOOP
            IF entry = 'self' THEN
                IF subject = me.id THEN
                    RETURN true;
                END IF;
            ELSIF entry = 'reporting_line' THEN
                IF person.id IS NOT NULL
                   AND me.position_id = ANY (ecomops_raters(person.position_id)) THEN
                    IF me.position_id = ANY (ecomops_tops()) OR person.manager_id IS NULL THEN
                        RETURN true;
                    END IF;
                    IF EXISTS (
                        WITH RECURSIVE up(id, depth) AS (
                            SELECT person.manager_id, 1
                            UNION ALL
                            SELECT s.manager_id, up.depth + 1
                            FROM staff s JOIN up ON s.id = up.id
                            WHERE s.manager_id IS NOT NULL AND up.depth < 64
                        )
                        SELECT 1 FROM up WHERE up.id = me.id
                    ) THEN
                        RETURN true;
                    END IF;
                END IF;
            ELSIF entry IN ('cycle_rater', 'task_owner') THEN
                NULL;
            ELSIF entry = me.position_id THEN
                RETURN true;
            END IF;
        END LOOP;
        RETURN false;
    END
    $$
    """,
]

KEEPER = "(SELECT ecomops_keeper())"
ME = "(SELECT ecomops_me())"
SIMULATED = "(SELECT ecomops_simulated())"
ACT_FOR = "(SELECT ecomops_allowed('act_for_others', NULL))"


def _now(column: str) -> str:
    """``column`` holds the server's now (within minutes), unless the clock is simulated."""
    return (
        f"({SIMULATED} OR ({column} >= now() - interval '15 minutes' "
        f"AND {column} <= now() + interval '1 minute'))"
    )


def _may(action: str) -> str:
    return f"(SELECT ecomops_allowed('{action}', NULL))"


#: table -> {command: (USING, WITH CHECK)}; a command not named is refused to all but the keeper
POLICIES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "sheet": {
        "SELECT": (
            f"{KEEPER} OR rater_id = {ME} OR ecomops_allowed('read_appraisal', employee_id)",
            None,
        ),
        # one's own sheet about someone one may rate, written now; or entered on a rater's
        # behalf by someone who may act for others, never about themselves
        "INSERT": (
            None,
            f"{KEEPER} OR (rater_id = {ME} AND employee_id <> rater_id AND entered_by_id IS NULL"
            f" AND ecomops_allowed('rate', employee_id) AND {_now('created_at')}) OR ("
            f"{ACT_FOR} AND entered_by_id = {ME} AND employee_id <> {ME} "
            f"AND employee_id <> rater_id AND {_now('created_at')})",
        ),
        "UPDATE": (f"{KEEPER} OR rater_id = {ME} OR {ACT_FOR}", None),
    },
    "sheet_score": {
        "SELECT": (f"{KEEPER} OR EXISTS (SELECT 1 FROM sheet s WHERE s.id = sheet_id)", None),
        # only to a sheet one wrote (or entered), never to a sheet about oneself
        "INSERT": (
            None,
            f"{KEEPER} OR EXISTS (SELECT 1 FROM sheet s WHERE s.id = sheet_id "
            f"AND s.employee_id <> {ME} AND (s.rater_id = {ME} OR s.entered_by_id = {ME}))",
        ),
    },
    "calibration": {
        "SELECT": (f"{KEEPER} OR ecomops_allowed('read_appraisal', employee_id)", None),
        "INSERT": (
            None,
            f"{KEEPER} OR (by_id = {ME} AND {_may('calibrate')} AND employee_id <> by_id "
            f"AND {_now('at')})",
        ),
    },
    "plan": {
        "SELECT": (
            f"{KEEPER} OR staff_id = {ME} OR ecomops_allowed('read_records', staff_id)", None
        ),
        # one's own plan is submitted now (the server's clock), never back-dated, unless the
        # database keeps a simulated clock (a training database)
        "INSERT": (
            None,
            f"{KEEPER} OR (staff_id = {ME} AND entered_by_id IS NULL AND {_now('submitted_at')}"
            f" AND {_now('recorded_at')}) OR ({ACT_FOR} AND staff_id <> {ME} "
            f"AND entered_by_id = {ME} AND {_now('recorded_at')})",
        ),
        "UPDATE": (f"{KEEPER} OR staff_id = {ME} OR {ACT_FOR}", None),
    },
    "leave": {
        "SELECT": (
            f"{KEEPER} OR staff_id = {ME} OR ecomops_allowed('read_records', staff_id)", None
        ),
        "INSERT": (None, f"{KEEPER} OR ((staff_id = {ME} OR {ACT_FOR}) AND {_now('created_at')})"),
    },
    "audit": {
        "SELECT": (f"{KEEPER} OR {_may('read_audit')}", None),
        # every command records its own entry: in its caller's name, at the server's time
        "INSERT": (
            None,
            f"{KEEPER} OR (actor = (SELECT name FROM staff WHERE id = {ME}) "
            f"AND at >= now() - interval '15 minutes' AND at <= now() + interval '1 minute')",
        ),
    },
    # the roster: anyone reads it; those who manage staff change others' entries, never their
    # own, and never put anyone at the top (a role cannot make itself a general manager)
    "staff": {
        "SELECT": ("true", None),
        "INSERT": (
            None,
            f"{KEEPER} OR ({_may('manage_staff')} AND NOT position_id = ANY (ecomops_tops()))",
        ),
        "UPDATE": (
            f"{KEEPER} OR ({_may('manage_staff')} AND id <> {ME})",
            f"{KEEPER} OR ({_may('manage_staff')} AND id <> {ME} "
            f"AND NOT position_id = ANY (ecomops_tops()))",
        ),
    },
    "cycle": {
        "SELECT": ("true", None),
        "INSERT": (None, f"{KEEPER} OR {_may('open_cycle')}"),
        "UPDATE": (f"{KEEPER} OR {_may('close_cycle')} OR {_may('reopen_cycle')}", None),
    },
    "cycle_member": {
        "SELECT": ("true", None),
        "INSERT": (
            None,
            f"{KEEPER} OR {_may('open_cycle')} OR ecomops_allowed('rate', staff_id)",
        ),
    },
    "task": {
        "SELECT": ("true", None),
        "INSERT": (None, f"{KEEPER} OR {_may('assign_task')} OR owner_id = {ME}"),
        "UPDATE": (
            f"{KEEPER} OR {_may('assign_task')} OR {_may('work_task')} OR owner_id = {ME} "
            f"OR (owner_id IS NULL AND owner_position_id = "
            f"(SELECT position_id FROM staff WHERE id = {ME}))",
            None,
        ),
    },
    "task_event": {
        "SELECT": ("true", None),
        "INSERT": (None, f"{KEEPER} OR ({ME} IS NOT NULL AND {_now('at')})"),
    },
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # every function names its schema and searches pg_temp last: a role cannot shadow
    # staff, manual_version or database_option with temporary tables of its own
    schema = bind.dialect.identifier_preparer.quote(
        bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    )
    for sql in FUNCTIONS:
        op.execute(sql.replace(" AS $$", f" SET search_path = {schema}, pg_temp AS $$", 1))
    for table, commands in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            using, check = commands.get(command, (KEEPER if command != "INSERT" else None, None))
            if command == "INSERT" and check is None:
                check = KEEPER
            clause = f"FOR {command}"
            if using is not None:
                clause += f" USING ({using})"
            if check is not None:
                clause += f" WITH CHECK ({check})"
            op.execute(f"CREATE POLICY ecomops_{command.lower()} ON {table} {clause}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in POLICIES:
        for command in ("select", "insert", "update", "delete"):
            op.execute(f"DROP POLICY IF EXISTS ecomops_{command} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in (
        "ecomops_allowed(text, integer)",
        "ecomops_tops()",
        "ecomops_raters(text)",
        "ecomops_permitted(text)",
        "ecomops_handbook()",
        "ecomops_simulated()",
        "ecomops_me()",
        "ecomops_keeper()",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
