"""The schema as first released with migrations; creates only what an older database lacks.

Revision ID: 50f47aeaa37a
Revises: (none)
Create Date: 2026-12-03 17:11:28.842082
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '50f47aeaa37a'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    if 'category' not in existing:
        op.create_table('category',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('common', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('code')
        )
        with op.batch_alter_table('category', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_category_name'), ['name'], unique=False)
    if 'libraryversion' not in existing:
        op.create_table('libraryversion',
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('indicator_count', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('retired', sa.Integer(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint('number')
        )
    if 'passagevector' not in existing:
        op.create_table('passagevector',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('dim', sa.Integer(), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('key')
        )
    if 'review' not in existing:
        op.create_table('review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('heartbeat', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
    if 'user' not in existing:
        op.create_table('user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('user', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_user_name'), ['name'], unique=True)
    if 'apitoken' not in existing:
        op.create_table('apitoken',
        sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('digest')
        )
        with op.batch_alter_table('apitoken', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_apitoken_user_id'), ['user_id'], unique=False)
    if 'draft' not in existing:
        op.create_table('draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('budget', sa.Float(), nullable=True),
        sa.Column('budget_unit', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
        sa.Column('submittable', sa.Boolean(), nullable=True),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('draft', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_draft_owner_id'), ['owner_id'], unique=False)
    if 'librarysnapshot' not in existing:
        op.create_table('librarysnapshot',
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['number'], ['libraryversion.number'], ),
        sa.PrimaryKeyConstraint('number')
        )
    if 'loginsession' not in existing:
        op.create_table('loginsession',
        sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('digest')
        )
        with op.batch_alter_table('loginsession', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_loginsession_user_id'), ['user_id'], unique=False)
    if 'reviewproject' not in existing:
        op.create_table('reviewproject',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('budget_yuan', sa.Float(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('checked', sa.Boolean(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
        sa.Column('submittable', sa.Boolean(), nullable=True),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('codes', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('duplicate_of', sa.Integer(), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('reviewproject', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_reviewproject_checked'), ['checked'], unique=False)
            batch_op.create_index(batch_op.f('ix_reviewproject_department'), ['department'], unique=False)
            batch_op.create_index(batch_op.f('ix_reviewproject_fingerprint'), ['fingerprint'], unique=False)
            batch_op.create_index(batch_op.f('ix_reviewproject_review_id'), ['review_id'], unique=False)
    if 'subcategory' not in existing:
        op.create_table('subcategory',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(['category_code'], ['category.code'], ),
        sa.PrimaryKeyConstraint('code')
        )
        with op.batch_alter_table('subcategory', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_subcategory_category_code'), ['category_code'], unique=False)
            batch_op.create_index(batch_op.f('ix_subcategory_name'), ['name'], unique=False)
    if 'decision' not in existing:
        op.create_table('decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['reviewproject.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('decision', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_decision_project_id'), ['project_id'], unique=False)
    if 'direction' not in existing:
        op.create_table('direction',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('keywords', sa.JSON(), nullable=False),
        sa.Column('function_codes', sa.JSON(), nullable=False),
        sa.Column('subcategory_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(['category_code'], ['category.code'], ),
        sa.ForeignKeyConstraint(['subcategory_code'], ['subcategory.code'], ),
        sa.PrimaryKeyConstraint('code')
        )
        with op.batch_alter_table('direction', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_direction_category_code'), ['category_code'], unique=False)
            batch_op.create_index(batch_op.f('ix_direction_name'), ['name'], unique=False)
            batch_op.create_index(batch_op.f('ix_direction_subcategory_code'), ['subcategory_code'], unique=False)
    if 'evaluation' not in existing:
        op.create_table('evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('spent', sa.Float(), nullable=False),
        sa.Column('actuals', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('execution_rate', sa.Float(), nullable=True),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('by_name', sa.JSON(), nullable=False),
        sa.Column('evaluated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('evaluated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['reviewproject.id'], ),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('evaluation', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_evaluation_name'), ['name'], unique=False)
            batch_op.create_index(batch_op.f('ix_evaluation_project_id'), ['project_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_evaluation_review_id'), ['review_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_evaluation_year'), ['year'], unique=False)
    if 'monitoringrecord' not in existing:
        op.create_table('monitoringrecord',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('spent', sa.Float(), nullable=False),
        sa.Column('actuals', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('spend_progress', sa.Float(), nullable=True),
        sa.Column('time_progress', sa.Float(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('entered_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['reviewproject.id'], ),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('monitoringrecord', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_monitoringrecord_project_id'), ['project_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_monitoringrecord_review_id'), ['review_id'], unique=False)
    if 'projectversion' not in existing:
        op.create_table('projectversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['reviewproject.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('projectversion', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_projectversion_project_id'), ['project_id'], unique=False)
    if 'indicator' not in existing:
        op.create_table('indicator',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('level1', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('level2', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('explanation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('formula', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('typical', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.Column('common', sa.Boolean(), nullable=False),
        sa.Column('cost_low', sa.Float(), nullable=True),
        sa.Column('cost_high', sa.Float(), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('superseded_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('source_doc', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('effective_from', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('direction_code', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('version_added', sa.Integer(), nullable=False),
        sa.Column('version_changed', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['direction_code'], ['direction.code'], ),
        sa.PrimaryKeyConstraint('code')
        )
        with op.batch_alter_table('indicator', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_indicator_direction_code'), ['direction_code'], unique=False)
            batch_op.create_index(batch_op.f('ix_indicator_level1'), ['level1'], unique=False)
            batch_op.create_index(batch_op.f('ix_indicator_level2'), ['level2'], unique=False)
            batch_op.create_index(batch_op.f('ix_indicator_name'), ['name'], unique=False)
            batch_op.create_index(batch_op.f('ix_indicator_status'), ['status'], unique=False)
    _add_legacy_columns(bind, existing)


# Columns a database made before migrations may lack: (table, column, type, value for existing rows).
LEGACY_COLUMNS = (("direction", "function_codes", sa.JSON(), "[]"),
                  ("indicator", "source_doc", sqlmodel.sql.sqltypes.AutoString(length=200), ""),
                  ("indicator", "effective_from", sqlmodel.sql.sqltypes.AutoString(length=10), ""),
                  ("libraryversion", "imported_by", sqlmodel.sql.sqltypes.AutoString(length=64), ""))


def _add_legacy_columns(bind, existing: set[str]) -> None:
    inspector = sa.inspect(bind)
    for table, column, type_, empty in LEGACY_COLUMNS:
        if table in existing and column not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, sa.Column(column, type_, nullable=True))
            bind.execute(sa.text(f'UPDATE "{table}" SET "{column}" = :empty'), {"empty": empty})


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_status'))
        batch_op.drop_index(batch_op.f('ix_indicator_name'))
        batch_op.drop_index(batch_op.f('ix_indicator_level2'))
        batch_op.drop_index(batch_op.f('ix_indicator_level1'))
        batch_op.drop_index(batch_op.f('ix_indicator_direction_code'))

    op.drop_table('indicator')
    with op.batch_alter_table('projectversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projectversion_project_id'))

    op.drop_table('projectversion')
    with op.batch_alter_table('monitoringrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoringrecord_review_id'))
        batch_op.drop_index(batch_op.f('ix_monitoringrecord_project_id'))

    op.drop_table('monitoringrecord')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_year'))
        batch_op.drop_index(batch_op.f('ix_evaluation_review_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_project_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_name'))

    op.drop_table('evaluation')
    with op.batch_alter_table('direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_direction_subcategory_code'))
        batch_op.drop_index(batch_op.f('ix_direction_name'))
        batch_op.drop_index(batch_op.f('ix_direction_category_code'))

    op.drop_table('direction')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_project_id'))

    op.drop_table('decision')
    with op.batch_alter_table('subcategory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subcategory_name'))
        batch_op.drop_index(batch_op.f('ix_subcategory_category_code'))

    op.drop_table('subcategory')
    with op.batch_alter_table('reviewproject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewproject_review_id'))
        batch_op.drop_index(batch_op.f('ix_reviewproject_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_reviewproject_department'))
        batch_op.drop_index(batch_op.f('ix_reviewproject_checked'))

    op.drop_table('reviewproject')
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_user_id'))

    op.drop_table('loginsession')
    op.drop_table('librarysnapshot')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_owner_id'))

    op.drop_table('draft')
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apitoken_user_id'))

    op.drop_table('apitoken')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_name'))

    op.drop_table('user')
    op.drop_table('review')
    op.drop_table('passagevector')
    op.drop_table('libraryversion')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_name'))

    op.drop_table('category')
    # ### end Alembic commands ###
