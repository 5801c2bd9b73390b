"""Identity and real time: logins on the roster, who entered a record for whom, the person
acted for in the audit, a cycle's reopening, and how the database keeps time.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "database_option",
        sa.Column("key", sa.String(64), primary_key=True, nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
    )
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("login", sa.String(100), nullable=True))
        batch.create_unique_constraint("uq_staff_login", ["login"])
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("reopened_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("reopened_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reopen_reason", sa.String(2000), nullable=True))
        batch.create_foreign_key("fk_cycle_reopened_by", "staff", ["reopened_by_id"], ["id"])
    with op.batch_alter_table("sheet") as batch:
        batch.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_sheet_entered_by", "staff", ["entered_by_id"], ["id"])
    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("recorded_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_plan_entered_by", "staff", ["entered_by_id"], ["id"])
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("acted_for", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("acted_for")
    with op.batch_alter_table("plan") as batch:
        batch.drop_constraint("fk_plan_entered_by", type_="foreignkey")
        batch.drop_column("entered_by_id")
        batch.drop_column("recorded_at")
    with op.batch_alter_table("sheet") as batch:
        batch.drop_constraint("fk_sheet_entered_by", type_="foreignkey")
        batch.drop_column("entered_by_id")
    with op.batch_alter_table("cycle") as batch:
        batch.drop_constraint("fk_cycle_reopened_by", type_="foreignkey")
        batch.drop_column("reopen_reason")
        batch.drop_column("reopened_by_id")
        batch.drop_column("reopened_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("uq_staff_login", type_="unique")
        batch.drop_column("login")
    op.drop_table("database_option")
