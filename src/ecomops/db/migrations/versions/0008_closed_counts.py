"""A closed cycle keeps its progress: members and complete appraisals counted when it closed.

A closed cycle is read-only (no sheet, member or rubric change reaches it), so the counts are
final; ``cycle list`` then reads them instead of counting a whole cycle's sheets again
(12 closed monthly cycles of 10,000 people: ~0.3 s per listing on SQLite). Cycles closed
before this revision have no stored counts and are counted as before.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild: a rebuild of a table other rows refer to breaks
    # their foreign keys on SQLite, inside the one transaction the upgrade runs in)
    op.add_column("cycle", sa.Column("closed_members", sa.Integer(), nullable=True))
    op.add_column("cycle", sa.Column("closed_complete", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("closed_complete")
        batch.drop_column("closed_members")
