"""The staff roster.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False, unique=True),
        sa.Column("position_id", sa.String(64), sa.ForeignKey("position.id"), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("deactivated_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_staff_position_id", "staff", ["position_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_position_id", table_name="staff")
    op.drop_table("staff")
