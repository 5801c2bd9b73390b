"""Appraisal cycles, their members, rating sheets with scores, calibrations.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle",
        sa.Column("id", sa.String(8), primary_key=True),
        sa.Column("kind_id", sa.String(64), sa.ForeignKey("cycle_kind.id"), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("close_override", sa.String(2000), nullable=True),
    )
    op.create_table(
        "cycle_member",
        sa.Column("cycle_id", sa.String(8), sa.ForeignKey("cycle.id"), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
        sa.Column("position_id", sa.String(64), sa.ForeignKey("position.id"), nullable=False),
    )
    op.create_table(
        "sheet",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cycle_id", sa.String(8), sa.ForeignKey("cycle.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("rater_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("rater_position_id", sa.String(64), sa.ForeignKey("position.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sheet_cycle_employee", "sheet", ["cycle_id", "employee_id", "is_current"])
    op.create_table(
        "sheet_score",
        sa.Column("sheet_id", sa.Integer(), sa.ForeignKey("sheet.id"), primary_key=True),
        sa.Column("criterion_id", sa.String(64), primary_key=True),
        sa.Column("rubric_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("level", sa.String(8), nullable=True),
        sa.ForeignKeyConstraint(
            ["rubric_id", "criterion_id"], ["criterion.rubric_id", "criterion.id"]
        ),
    )
    op.create_table(
        "calibration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cycle_id", sa.String(8), sa.ForeignKey("cycle.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("computed_grade", sa.String(8), nullable=False),
        sa.Column("grade_before", sa.String(8), nullable=False),
        sa.Column("grade_after", sa.String(8), sa.ForeignKey("grade.id"), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_calibration_cycle_employee", "calibration", ["cycle_id", "employee_id"])


def downgrade() -> None:
    op.drop_index("ix_calibration_cycle_employee", table_name="calibration")
    op.drop_table("calibration")
    op.drop_table("sheet_score")
    op.drop_index("ix_sheet_cycle_employee", table_name="sheet")
    op.drop_table("sheet")
    op.drop_table("cycle_member")
    op.drop_table("cycle")
