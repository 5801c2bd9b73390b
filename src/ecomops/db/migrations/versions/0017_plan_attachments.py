"""Plans read from an attached file (issue 23): a plan collected from an e-mail whose plan was
an attached .docx, .xlsx, .txt or .md keeps the file's name, size and SHA-256.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan", sa.Column("attachment_name", sa.String(255), nullable=True))
    op.add_column("plan", sa.Column("attachment_size", sa.Integer(), nullable=True))
    op.add_column("plan", sa.Column("attachment_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("attachment_sha256")
        batch.drop_column("attachment_size")
        batch.drop_column("attachment_name")
