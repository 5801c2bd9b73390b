"""Monday plans and month-end summaries, leave, handover forms, the visitor log.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("sent_to", sa.String(254), nullable=True),
        sa.Column("send_error", sa.String(2000), nullable=True),
    )
    op.create_index("ix_plan_period", "plan", ["kind", "period", "staff_id", "is_current"])
    op.create_table(
        "leave",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("special", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_leave_start", "leave", ["start"])
    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("cover_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("place", sa.String(500), nullable=False),
        sa.Column("matter", sa.String(2000), nullable=False),
        sa.Column("duties", sa.String(2000), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_handover_start_at", "handover", ["start_at"])
    op.create_table(
        "visitor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("escort_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("purpose", sa.String(2000), nullable=True),
        sa.Column("arrived_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_visitor_arrived_at", "visitor", ["arrived_at"])


def downgrade() -> None:
    op.drop_index("ix_visitor_arrived_at", table_name="visitor")
    op.drop_table("visitor")
    op.drop_index("ix_handover_start_at", table_name="handover")
    op.drop_table("handover")
    op.drop_index("ix_leave_start", table_name="leave")
    op.drop_table("leave")
    op.drop_index("ix_plan_period", table_name="plan")
    op.drop_table("plan")
