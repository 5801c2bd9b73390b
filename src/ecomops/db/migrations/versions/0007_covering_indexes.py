"""Covering indexes for the month-end report and the quota at group scale (issue 6).

A cycle's current sheets, their scores, and a month's plan submissions are read from the
index alone (SQLite; PostgreSQL can answer from the index once the table is vacuumed).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sheet_cycle_employee", table_name="sheet")
    op.create_index(
        "ix_sheet_cycle_cover",
        "sheet",
        ["cycle_id", "employee_id", "is_current", "rater_id", "rater_position_id"],
    )
    op.create_index(
        "ix_sheet_score_cover", "sheet_score", ["sheet_id", "criterion_id", "rubric_id", "score"]
    )
    op.drop_index("ix_plan_period", table_name="plan")
    op.create_index(
        "ix_plan_period_cover", "plan", ["kind", "period", "staff_id", "is_current", "submitted_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_plan_period_cover", table_name="plan")
    op.create_index("ix_plan_period", "plan", ["kind", "period", "staff_id", "is_current"])
    op.drop_index("ix_sheet_score_cover", table_name="sheet_score")
    op.drop_index("ix_sheet_cycle_cover", table_name="sheet")
    op.create_index("ix_sheet_cycle_employee", "sheet", ["cycle_id", "employee_id", "is_current"])
