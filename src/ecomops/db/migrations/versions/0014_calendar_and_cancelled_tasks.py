"""Time moves on: the year's official schedule loaded into the database (the State Council's
notice, an iCalendar feed or a plain list), which wins over the holiday package for its year;
and tasks that can be dropped (cancelled, with the reason, and reopened).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from ecomops.db.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_KEEPER = "(SELECT ecomops_keeper())"
#: the holder of a position at the top of the organisation (who may load a handbook)
_TOP = (
    "(SELECT s.position_id = ANY (ecomops_tops()) FROM staff s "
    "WHERE s.id = (SELECT ecomops_me()))"
)


def upgrade() -> None:
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False, nullable=False),
        # notice, ics, csv or yaml, and the file's name as given
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), primary_key=True, nullable=False),
        sa.Column(
            "year", sa.Integer(), sa.ForeignKey("calendar_year.year"), nullable=False, index=True
        ),
        # off (a holiday, or a day off made up by 调休) or work (an adjusted working day)
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    with op.batch_alter_table("task") as batch:
        batch.alter_column("status", type_=sa.String(16), existing_nullable=False)
        batch.add_column(sa.Column("cancel_reason", sa.String(2000), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # anyone reads the calendar; the keeper or the top of the organisation loads it
        for table in ("calendar_year", "calendar_day"):
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY ecomops_select ON {table} FOR SELECT USING (true)")
            op.execute(
                f"CREATE POLICY ecomops_insert ON {table} FOR INSERT "
                f"WITH CHECK ({_KEEPER} OR COALESCE({_TOP}, false))"
            )
            for command in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE POLICY ecomops_{command.lower()} ON {table} FOR {command} "
                    f"USING ({_KEEPER} OR COALESCE({_TOP}, false))"
                )


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("cancel_reason")
        batch.alter_column("status", type_=sa.String(8), existing_nullable=False)
    op.drop_table("calendar_day")
    op.drop_table("calendar_year")
