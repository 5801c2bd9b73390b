"""People over time: join and leaving dates, a history of changes to a person's record, leave
that waits for approval, and the head's acknowledgement of a handover form.

Existing people joined on the day they were added (``created_at``, in UTC) and left on the day
they were deactivated; existing leave counts as approved (nothing asked for approval before).

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str) -> None:
    """A nullable column referring to a staff member (see revision 0009)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES staff (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(None, table, "staff", [column], ["id"])


# PostgreSQL row-level security (the pattern and functions of revision 0010): anyone reads a
# person's history, as anyone reads the roster; those who may manage staff add to others'
# histories, in their own name, at the server's time; nobody changes or deletes a line of it.
# The company mail setting (database_option's company_mail_* keys) is written by those who may
# manage staff; the database's other options (its clock) stay the keeper's.
_KEEPER = "(SELECT ecomops_keeper())"
_ME = "(SELECT ecomops_me())"
_MANAGE = "(SELECT ecomops_allowed('manage_staff', NULL))"
_RECORDED_NOW = (
    "((SELECT ecomops_simulated()) OR (recorded_at >= now() - interval '15 minutes' "
    "AND recorded_at <= now() + interval '1 minute'))"
)
_MAIL_KEYS = "key IN ('company_mail_domain', 'company_mail_from')"
_POLICIES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "staff_change": {
        "SELECT": ("true", None),
        "INSERT": (
            None,
            f"{_KEEPER} OR ({_MANAGE} AND staff_id <> {_ME} AND by_id = {_ME} "
            f"AND {_RECORDED_NOW})",
        ),
    },
    "database_option": {
        "SELECT": ("true", None),
        "INSERT": (None, f"{_KEEPER} OR ({_MAIL_KEYS} AND {_MANAGE})"),
        "UPDATE": (
            f"{_KEEPER} OR ({_MAIL_KEYS} AND {_MANAGE})",
            f"{_KEEPER} OR ({_MAIL_KEYS} AND {_MANAGE})",
        ),
    },
}


def _row_level_security() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, commands in _POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            default = (None, _KEEPER) if command == "INSERT" else (_KEEPER, None)
            using, check = commands.get(command, default)
            clause = f"FOR {command}"
            if using is not None:
                clause += f" USING ({using})"
            if check is not None:
                clause += f" WITH CHECK ({check})"
            op.execute(f"CREATE POLICY ecomops_{command.lower()} ON {table} {clause}")


def _no_row_level_security() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _POLICIES:
        for command in ("select", "insert", "update", "delete"):
            op.execute(f"DROP POLICY IF EXISTS ecomops_{command} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def upgrade() -> None:
    op.add_column("staff", sa.Column("joined_on", sa.Date(), nullable=True))
    op.add_column("staff", sa.Column("left_on", sa.Date(), nullable=True))
    staff = sa.table(
        "staff",
        sa.column("created_at", UTCDateTime()),
        sa.column("deactivated_at", UTCDateTime()),
        sa.column("joined_on", sa.Date()),
        sa.column("left_on", sa.Date()),
        sa.column("id", sa.Integer()),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(staff.c.id, staff.c.created_at, staff.c.deactivated_at)).all()
    if rows:
        conn.execute(
            sa.update(staff)
            .where(staff.c.id == sa.bindparam("sid"))
            .values(joined_on=sa.bindparam("j"), left_on=sa.bindparam("l")),
            [
                {
                    "sid": r.id,
                    "j": r.created_at.date(),
                    "l": r.deactivated_at.date() if r.deactivated_at else None,
                }
                for r in rows
            ],
        )
    op.create_table(
        "staff_change",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("old_value", sa.String(254), nullable=True),
        sa.Column("new_value", sa.String(254), nullable=True),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    )
    op.create_index("ix_staff_change_staff", "staff_change", ["staff_id", "effective"])
    _row_level_security()
    op.add_column(
        "leave",
        sa.Column("status", sa.String(10), nullable=False, server_default="approved"),
    )
    _add_reference("leave", "decided_by_id")
    op.add_column("leave", sa.Column("decided_at", UTCDateTime(), nullable=True))
    op.add_column("leave", sa.Column("decision_reason", sa.String(2000), nullable=True))
    op.add_column("handover", sa.Column("acked_at", UTCDateTime(), nullable=True))
    _add_reference("handover", "acked_by_id")
    # a task's history names "PERSON (by CALLER)": two names of up to 100 characters
    with op.batch_alter_table("task_event") as batch:
        batch.alter_column(
            "actor", type_=sa.String(210), existing_type=sa.String(100), existing_nullable=True
        )
    _leave_decided_by_the_head()


#: the server's copy of the permission table's defaults (revision 0010's), with the actions
#: this revision adds: deciding leave and acknowledging a handover form
_DEFAULTS_0012 = json.dumps(
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
        "approve_leave": ["general_manager", "manager"],
        "ack_handover": ["general_manager", "manager"],
    }
)
_KEEPER = "(SELECT ecomops_keeper())"
_ME = "(SELECT ecomops_me())"
_HEAD = "(SELECT ecomops_allowed('approve_leave', NULL))"


def _leave_decided_by_the_head() -> None:
    """PostgreSQL: a role allowed ``approve_leave`` updates someone else's request, recording
    itself as the decider at the server's time (row-level security of revision 0010 let only
    the keeper update leave); a handbook stored before this revision gets the new actions'
    defaults. (``db grant`` grants the columns.)"""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.dialect.identifier_preparer.quote(
        bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    )
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION ecomops_permitted(action text) RETURNS text[]
        LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
            SELECT ARRAY(SELECT jsonb_array_elements_text(COALESCE(
                ecomops_handbook()->'permissions'->action, '{_DEFAULTS_0012}'::jsonb->action,
                '[]'::jsonb)))
        $$
        """
    )
    now = (
        "((SELECT ecomops_simulated()) OR (decided_at >= now() - interval '15 minutes' "
        "AND decided_at <= now() + interval '1 minute'))"
    )
    # a handover's cover may not be on approved leave (§3.2 rule 5), which the member filling
    # in the form must be able to check without reading anyone's leave: the dates only
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION ecomops_leave_dates(person integer, first date, last date)
        RETURNS TABLE (id integer, start date, "end" date)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
            SELECT l.id, l.start, l."end" FROM leave l
            WHERE l.staff_id = person AND l.status = 'approved'
              AND l.start <= last AND l."end" >= first
            ORDER BY l.start, l.id
        $$
        """
    )
    op.execute("DROP POLICY IF EXISTS ecomops_update ON leave")
    op.execute(
        f"CREATE POLICY ecomops_update ON leave FOR UPDATE "
        f"USING ({_KEEPER} OR ({_HEAD} AND staff_id <> {_ME})) "
        f"WITH CHECK ({_KEEPER} OR ({_HEAD} AND staff_id <> {_ME} "
        f"AND decided_by_id = {_ME} AND {now}))"
    )


def downgrade() -> None:
    with op.batch_alter_table("task_event") as batch:
        batch.alter_column(
            "actor", type_=sa.String(100), existing_type=sa.String(210), existing_nullable=True
        )
    if op.get_bind().dialect.name == "postgresql":  # leave is updated by the keeper alone
        op.execute("DROP FUNCTION IF EXISTS ecomops_leave_dates(integer, date, date)")
        op.execute("DROP POLICY IF EXISTS ecomops_update ON leave")
        op.execute(f"CREATE POLICY ecomops_update ON leave FOR UPDATE USING ({_KEEPER})")
    with op.batch_alter_table("handover") as batch:
        batch.drop_column("acked_by_id")
        batch.drop_column("acked_at")
    with op.batch_alter_table("leave") as batch:
        batch.drop_column("decision_reason")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by_id")
        batch.drop_column("status")
    _no_row_level_security()
    op.drop_index("ix_staff_change_staff", table_name="staff_change")
    op.drop_table("staff_change")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("left_on")
        batch.drop_column("joined_on")
