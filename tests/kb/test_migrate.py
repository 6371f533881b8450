"""Schema migrations: a fresh database, one made before migrations, and models that match them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from kb import migrate
from kb.db import create_schema, get_engine


@pytest.fixture
def empty_engine(fresh_settings):
    return get_engine(fresh_settings)


def test_a_fresh_database_gets_every_table_and_the_newest_revision(empty_engine):
    applied = create_schema(empty_engine)
    assert applied and applied[-1] == migrate.head()
    assert migrate.current(empty_engine) == migrate.head()
    assert set(inspect(empty_engine).get_table_names()) - {"alembic_version"} == set(SQLModel.metadata.tables)
    assert create_schema(empty_engine) == []  # idempotent: nothing to do the second time


def test_the_models_need_no_migration_beyond_the_newest_revision(empty_engine):
    """A model change without its revision fails here: write one with kb.migrate.new_revision."""
    create_schema(empty_engine)
    with empty_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diffs == []


def test_a_database_from_before_migrations_is_brought_up_to_date_keeping_its_rows(empty_engine):
    create_schema(empty_engine)
    with empty_engine.begin() as conn:  # as an earlier version left it: no version table, a later column and table missing
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DROP TABLE decision"))
        conn.execute(text('ALTER TABLE indicator DROP COLUMN source_doc'))
        conn.execute(text("INSERT INTO category (code, name, common) VALUES ('205', '教育', false)"))
    assert migrate.head() in create_schema(empty_engine)
    assert "decision" in inspect(empty_engine).get_table_names()
    assert "source_doc" in {c["name"] for c in inspect(empty_engine).get_columns("indicator")}
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM category WHERE code = '205'")).scalar() == "教育"
