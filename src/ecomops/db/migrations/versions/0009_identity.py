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


def _add_reference(table: str, column: str) -> None:
    """A nullable column referring to a staff member: ADD COLUMN … REFERENCES on SQLite (which
    cannot add a constraint to an existing table), a column and a foreign key elsewhere."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES staff (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(None, table, "staff", [column], ["id"])


def upgrade() -> None:
    # plain ADD COLUMN throughout (a table rebuild breaks the foreign keys of populated tables
    # on SQLite); a nullable column may carry its REFERENCES clause on both backends
    op.create_table(
        "database_option",
        sa.Column("key", sa.String(64), primary_key=True, nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.add_column("staff", sa.Column("login", sa.String(100), nullable=True))
    op.create_index("uq_staff_login", "staff", ["login"], unique=True)
    op.add_column("cycle", sa.Column("reopened_at", UTCDateTime(), nullable=True))
    _add_reference("cycle", "reopened_by_id")
    op.add_column("cycle", sa.Column("reopen_reason", sa.String(2000), nullable=True))
    _add_reference("sheet", "entered_by_id")
    op.add_column("plan", sa.Column("recorded_at", UTCDateTime(), nullable=True))
    _add_reference("plan", "entered_by_id")
    op.add_column("audit", sa.Column("acted_for", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("acted_for")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("entered_by_id")
        batch.drop_column("recorded_at")
    with op.batch_alter_table("sheet") as batch:
        batch.drop_column("entered_by_id")
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("reopen_reason")
        batch.drop_column("reopened_by_id")
        batch.drop_column("reopened_at")
    op.drop_index("uq_staff_login", table_name="staff")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("login")
    op.drop_table("database_option")
