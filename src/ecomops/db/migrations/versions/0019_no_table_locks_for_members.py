"""Staff roles hold UPDATE column by column, never on a whole table (PostgreSQL).

A table-wide UPDATE privilege (which ``db grant`` gave on ``staff``, ``task`` and ``cycle``)
lets its holder ``LOCK TABLE … IN ACCESS EXCLUSIVE MODE`` in an open transaction, and every
command that reads the table waits for as long as that transaction stays open. Column-level
UPDATE privileges allow the same updates (the triggers of 0015 and 0018 decide which) and no
lock stronger than ROW EXCLUSIVE. Every role that holds UPDATE on one of the three tables,
other than the owner, gets it back on each of the table's columns but the id.

(The tool's own connections give up waiting for a lock after 30 s: ``lock_timeout``, set in
``db/engine.py``.) A column added by a later revision is granted to the roles holding the
others by that revision.

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = ("staff", "task", "cycle")

UPGRADE = """
DO $$
DECLARE
    r record;
    cols text;
BEGIN
    FOR r IN
        SELECT DISTINCT p.grantee, p.table_name
        FROM information_schema.table_privileges p
        WHERE p.table_schema = current_schema() AND p.privilege_type = 'UPDATE'
          AND p.table_name IN ('staff', 'task', 'cycle')
          AND p.grantee NOT IN ('PUBLIC', current_user)
          AND NOT pg_has_role(p.grantee, (SELECT tableowner FROM pg_tables
                                          WHERE schemaname = current_schema()
                                            AND tablename = p.table_name), 'MEMBER')
    LOOP
        SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
        FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = r.table_name
          AND column_name <> 'id';
        EXECUTE format('REVOKE UPDATE ON %I FROM %I', r.table_name, r.grantee);
        EXECUTE format('GRANT UPDATE (%s) ON %I TO %I', cols, r.table_name, r.grantee);
    END LOOP;
END
$$"""

DOWNGRADE = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT p.grantee, p.table_name
        FROM information_schema.column_privileges p
        WHERE p.table_schema = current_schema() AND p.privilege_type = 'UPDATE'
          AND p.table_name IN ('staff', 'task', 'cycle')
          AND p.grantee NOT IN ('PUBLIC', current_user)
          AND p.column_name <> 'id'
          AND NOT pg_has_role(p.grantee, (SELECT tableowner FROM pg_tables
                                          WHERE schemaname = current_schema()
                                            AND tablename = p.table_name), 'MEMBER')
    LOOP
        EXECUTE format('GRANT UPDATE ON %I TO %I', r.table_name, r.grantee);
    END LOOP;
END
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DOWNGRADE)
