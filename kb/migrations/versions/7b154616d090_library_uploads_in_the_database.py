"""Library uploads waiting for their confirmation live in the database, so any server can confirm one.

Revision ID: 7b154616d090
Revises: 4b596cf64a8a
Create Date: 2026-12-03 18:59:20.173944
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '7b154616d090'
down_revision = '4b596cf64a8a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if 'libraryupload' in sa.inspect(op.get_bind()).get_table_names():  # made whole by an earlier create_all
        return
    op.create_table('libraryupload',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('replace', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('created', sa.Float(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('libraryupload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_libraryupload_created'), ['created'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('libraryupload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_libraryupload_created'))
    op.drop_table('libraryupload')
