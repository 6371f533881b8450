"""Alembic's environment: runs on the connection `kb.migrate` passes in; no alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import kb.db  # noqa: F401  (registers every table on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
