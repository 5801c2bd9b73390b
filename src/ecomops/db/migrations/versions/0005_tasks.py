"""Tasks (from the handbook and by hand) and their history.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(100), nullable=True, unique=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("title_zh", sa.String(2000), nullable=False),
        sa.Column("title_en", sa.String(2000), nullable=False),
        sa.Column("goal_id", sa.String(64), nullable=True),
        sa.Column("owner_position_id", sa.String(64), sa.ForeignKey("position.id"), nullable=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("target", sa.Date(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("owner_by_hand", sa.Boolean(), nullable=False),
        sa.Column("due_by_hand", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_task_due", "task", ["status", "due"])
    op.create_index("ix_task_goal_id", "task", ["goal_id"])
    op.create_index("ix_task_owner_id", "task", ["owner_id"])
    op.create_table(
        "task_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(2000), nullable=True),
    )
    op.create_index("ix_task_event_task_id", "task_event", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_task_event_task_id", table_name="task_event")
    op.drop_table("task_event")
    op.drop_index("ix_task_owner_id", table_name="task")
    op.drop_index("ix_task_goal_id", table_name="task")
    op.drop_index("ix_task_due", table_name="task")
    op.drop_table("task")
