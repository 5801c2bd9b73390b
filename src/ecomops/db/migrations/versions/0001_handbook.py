"""The handbook: every loaded version, and the ids operational records point at.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manual_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(2000), nullable=False),
    )
    op.create_table(
        "rubric",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
    )
    op.create_table(
        "criterion",
        sa.Column("rubric_id", sa.String(64), sa.ForeignKey("rubric.id"), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("weight", sa.Numeric(6, 2), nullable=False),
    )
    op.create_table(
        "grade",
        sa.Column("id", sa.String(8), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("min_score", sa.Numeric(6, 2), nullable=False),
        sa.Column("max_score", sa.Numeric(6, 2), nullable=False),
        sa.Column("share", sa.Numeric(6, 2), nullable=False),
        sa.Column("points", sa.Numeric(6, 2), nullable=False),
    )
    op.create_table(
        "cycle_kind",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("forced_distribution", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "position",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("in_department", sa.Boolean(), nullable=False),
        sa.Column("rubric_id", sa.String(64), sa.ForeignKey("rubric.id"), nullable=True),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text_zh", sa.String(2000), nullable=False),
        sa.Column("text_en", sa.String(2000), nullable=False),
    )
    op.create_index("ix_goal_month", "goal", ["month"])


def downgrade() -> None:
    op.drop_index("ix_goal_month", table_name="goal")
    for table in (
        "goal",
        "position",
        "cycle_kind",
        "grade",
        "criterion",
        "rubric",
        "setting",
        "manual_version",
    ):
        op.drop_table(table)
