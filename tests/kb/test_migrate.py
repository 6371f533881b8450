"""Schema migrations: a fresh database, one made before migrations, and models that match them."""

from __future__ import annotations

import json

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


def test_season_projects_filed_before_function_codes_get_the_code_their_document_states(empty_engine):
    create_schema(empty_engine)
    documents = {1: {"project": {"name": "甲", "function_code": "２０５０２０２ 小学教育"}},
                 2: {"project": {"name": "乙", "description": "当年预算100（财政资金100，科目2240109-应急管理）"}},
                 3: {"project": {"name": "丙", "function_code": "小学教育"}}}
    with empty_engine.begin() as conn:  # as the revision before left it
        conn.execute(text("DROP INDEX ix_reviewproject_function_code"))
        conn.execute(text("ALTER TABLE reviewproject DROP COLUMN function_code"))
        conn.execute(text("UPDATE alembic_version SET version_num = '7b154616d090'"))
        conn.execute(text("INSERT INTO review (id, name, status, total, done, problems, created_by, created_at) "
                          "VALUES (1, '批次', 'done', 3, 3, '[]', '审核员', CURRENT_TIMESTAMP)"))
        for pid, document in documents.items():
            conn.execute(text(
                "INSERT INTO reviewproject (id, review_id, seq, source, name, department, direction, version, checked, "
                "errors, warnings, codes, fingerprint, status, note, decided_by) VALUES (:id, 1, :id, '', :name, '', "
                "'', 1, true, 0, 0, '[]', '', '待审', '', '')"), {"id": pid, "name": document["project"]["name"]})
            conn.execute(text("INSERT INTO projectversion (project_id, number, document, submitted_by, submitted_at) "
                              "VALUES (:id, 1, :doc, '', CURRENT_TIMESTAMP)"),
                         {"id": pid, "doc": json.dumps(document, ensure_ascii=False)})
    assert create_schema(empty_engine) == [migrate.head()]
    with empty_engine.connect() as conn:
        codes = dict(conn.execute(text("SELECT id, function_code FROM reviewproject")).all())
    assert codes == {1: "2050202", 2: "2240109", 3: ""}
