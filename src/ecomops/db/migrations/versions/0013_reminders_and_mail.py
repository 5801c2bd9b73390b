"""The manager's week and plans by e-mail: a ledger of reminders (each sent once per item and
occasion, failures kept for the next run) and the Message-ID of a plan collected from the
department head's mailbox (so that collecting again records nothing twice).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_KEEPER = "(SELECT ecomops_keeper())"


def upgrade() -> None:
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        # what is reminded of, to whom, on which occasion and through which channel: one row
        # per key, so a reminder is never sent twice (``plan:2026-W48:monday:12:email``)
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("occasion", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("address", sa.String(254), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(2000), nullable=True),
    )
    op.create_index("uq_reminder_key", "reminder", ["key"], unique=True)
    op.create_index("ix_reminder_status", "reminder", ["status"])
    op.add_column("plan", sa.Column("message_id", sa.String(998), nullable=True))
    op.create_index("uq_plan_message", "plan", ["message_id"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        # the ledger is the scheduled job's (the keeper's): nobody else reads or writes it
        op.execute("ALTER TABLE reminder ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE reminder FORCE ROW LEVEL SECURITY")
        for command in ("SELECT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE POLICY ecomops_{command.lower()} ON reminder FOR {command} "
                f"USING ({_KEEPER})"
            )
        op.execute(f"CREATE POLICY ecomops_insert ON reminder FOR INSERT WITH CHECK ({_KEEPER})")


def downgrade() -> None:
    op.drop_index("uq_plan_message", table_name="plan")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("message_id")
    op.drop_index("ix_reminder_status", table_name="reminder")
    op.drop_index("uq_reminder_key", table_name="reminder")
    op.drop_table("reminder")
