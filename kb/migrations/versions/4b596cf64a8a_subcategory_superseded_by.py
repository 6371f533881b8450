"""A subcategory code no longer in use names the code that supersedes it.

Revision ID: 4b596cf64a8a
Revises: 50f47aeaa37a
Create Date: 2026-12-03 18:20:41.520032
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '4b596cf64a8a'
down_revision = '50f47aeaa37a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("subcategory")}
    if "superseded_by" in columns:  # a schema made whole by an earlier version's own create_all
        return
    with op.batch_alter_table('subcategory', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subcategory', schema=None) as batch_op:
        batch_op.drop_column('superseded_by')
