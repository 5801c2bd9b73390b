"""Versions that cannot fork: one version number and one current version per appraisal sheet
(cycle, employee, rater) and per plan (person, kind, period), enforced by unique indexes.

A database written by concurrent revisions before this revision (PostgreSQL did not serialise
them) may hold several rows with one version number or several current rows. They are
repaired first, losing nothing: each group's rows are renumbered 1…n in the order they were
written (by id), and only the newest stays current.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: table: the columns that make one record whose versions are numbered
GROUPS = {
    "sheet": ("cycle_id", "employee_id", "rater_id"),
    "plan": ("staff_id", "kind", "period"),
}


def _repair(table: str, keys: tuple[str, ...]) -> None:
    """Renumber the versions of every group that forked; keep only its newest row current."""
    conn = op.get_bind()
    cols = ", ".join(keys)
    # groups whose versions are not exactly 1..n with one current row
    forked = conn.execute(
        sa.text(
            f"SELECT {cols} FROM {table} GROUP BY {cols} "
            "HAVING COUNT(DISTINCT version) < COUNT(*) OR MAX(version) <> COUNT(*) "
            "OR SUM(CASE WHEN is_current THEN 1 ELSE 0 END) <> 1"
        )
    ).all()
    match = " AND ".join(f"{k} = :{k}" for k in keys)
    for group in forked:
        params = dict(zip(keys, group, strict=True))
        ids = conn.execute(
            sa.text(f"SELECT id FROM {table} WHERE {match} ORDER BY id"), params
        ).scalars().all()
        # two steps, so no intermediate state collides with the indexes made below
        for n, row_id in enumerate(ids, start=1):
            conn.execute(
                sa.text(f"UPDATE {table} SET version = :v, is_current = :c WHERE id = :id"),
                {"v": -n, "c": n == len(ids), "id": row_id},
            )
        conn.execute(sa.text(f"UPDATE {table} SET version = -version WHERE {match}"), params)


def upgrade() -> None:
    for table, keys in GROUPS.items():
        _repair(table, keys)
        op.create_index(f"uq_{table}_version", table, [*keys, "version"], unique=True)
        op.create_index(
            f"uq_{table}_current",
            table,
            list(keys),
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )


def downgrade() -> None:
    for table in GROUPS:
        op.drop_index(f"uq_{table}_current", table_name=table)
        op.drop_index(f"uq_{table}_version", table_name=table)
