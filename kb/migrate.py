"""Schema migrations with Alembic: `kb init` and every server start bring the database to the
newest revision, on SQLite and PostgreSQL alike.

Revisions live in `kb/migrations/versions/`. The first one is the whole schema as first released
with migrations; it is written to be applied over a database made by an earlier version (which
created its tables directly): it creates only the tables and columns that are missing. A new
schema change is a new revision (`kb.migrate.new_revision("why")` writes one from the models).
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

SCRIPTS = Path(__file__).parent / "migrations"


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> list[str]:
    """Apply the revisions the database lacks, in one transaction; returns their ids (empty when it
    is up to date). Two processes starting at once on PostgreSQL serialise on a lock."""
    before = current(engine)
    target = head()
    if before == target:
        return []
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")  # one migrator at a time
                command.upgrade(_config(conn), "head")
            break
        except DBAPIError:
            # SQLite has no such lock: a process that raced another one looks again
            if attempt == 2 or current(engine) is None and engine.dialect.name == "postgresql":
                raise
            time.sleep(0.5)
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in script.iterate_revisions(target, before)][::-1]


def new_revision(engine: Engine, message: str) -> str:  # pragma: no cover - a developer's tool
    """Write a new revision from the difference between the models and `engine`'s schema."""
    with engine.begin() as conn:
        script = command.revision(_config(conn), message=message, autogenerate=True)
    return script.path
