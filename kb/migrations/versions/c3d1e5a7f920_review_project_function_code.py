"""A season's project carries the 支出功能分类 code it is filed under, so a season filters by it.

Projects filed before are given the code their current version states (`project.function_code`,
or one its description quotes after 科目 or 功能分类), read from the stored document.

Revision ID: c3d1e5a7f920
Revises: 7b154616d090
Create Date: 2026-12-03 21:15:00.000000
"""

from __future__ import annotations

import json
import re
import unicodedata

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c3d1e5a7f920'
down_revision = '7b154616d090'
branch_labels = None
depends_on = None

# the rules of indicators.goals at the time of this revision, kept here so the revision does not change
_GIVEN = re.compile(r"^[\[【(（]?(\d{7}|\d{5}|\d{3})(?!\d)")
_QUOTED = re.compile(r"(?:科目|功能分类)(?:编码|代码)?\s*[:：为是]?\s*[\[【(（]?(\d{7}|\d{5})(?!\d)")


def _code(document: object) -> str:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return ""
    project = document.get("project") if isinstance(document, dict) else None
    if not isinstance(project, dict):
        return ""
    given = project.get("function_code")
    if isinstance(given, int | str) and not isinstance(given, bool):
        m = _GIVEN.match(unicodedata.normalize("NFKC", str(given)).strip())
        if m:
            return m.group(1)
    description = project.get("description")
    m = _QUOTED.search(unicodedata.normalize("NFKC", description)) if isinstance(description, str) else None
    return m.group(1) if m else ""


def upgrade() -> None:
    bind = op.get_bind()
    columns = {c["name"] for c in sa.inspect(bind).get_columns("reviewproject")}
    if "function_code" not in columns:  # else a schema made whole by an earlier version's own create_all
        with op.batch_alter_table('reviewproject', schema=None) as batch_op:
            batch_op.add_column(sa.Column('function_code', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False,
                                          server_default=''))
            batch_op.create_index(batch_op.f('ix_reviewproject_function_code'), ['function_code'], unique=False)
    rows = bind.execute(sa.text(
        "SELECT p.id, v.document FROM reviewproject p JOIN projectversion v "
        "ON v.project_id = p.id AND v.number = p.version WHERE p.function_code = ''")).all()
    updates = [{"id": pid, "code": code} for pid, document in rows if (code := _code(document))]
    if updates:
        bind.execute(sa.text("UPDATE reviewproject SET function_code = :code WHERE id = :id"), updates)


def downgrade() -> None:
    with op.batch_alter_table('reviewproject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewproject_function_code'))
        batch_op.drop_column('function_code')
