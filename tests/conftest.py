"""Shared fixtures: a real knowledge base (SQLite file, or PostgreSQL when
KB_TEST_DATABASE_URL is set) over a small Chinese fixture library, with the real encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text
from sqlmodel import create_engine

from kb import accounts
from kb.db import get_engine, session_scope
from kb.settings import Settings
from search.service import SearchService
from services.bootstrap import initialise
from web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_LIBRARY = FIXTURES / "library"
PG_URL = os.environ.get("KB_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


RUN = f"run{os.getpid()}"  # this test run's own databases: runs by several people on one server do not meet


def postgres_database(name: str) -> str:
    """The URL of an empty database `name` of this run on the test server (created if needed, dropped
    when the run ends)."""
    name = f"{name}_{RUN}"
    base = make_url(PG_URL)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name)
    engine = create_engine(url)
    with engine.begin() as conn:  # every table, the migration record included
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


def make_settings(data_dir: Path, backend: str = "sqlite", database: str = "kb_test", **overrides) -> Settings:
    url = postgres_database(database) if backend == "postgres" else None
    return Settings(data_dir=data_dir, database_url=url, **overrides)


@pytest.fixture(scope="session", params=BACKENDS)
def kb_settings(request, tmp_path_factory) -> Settings:
    """A knowledge base initialised with the fixture library (read-only for tests)."""
    settings = make_settings(tmp_path_factory.mktemp(f"kb-{request.param}"), request.param)
    initialise(settings, library_dir=FIXTURE_LIBRARY)
    return settings


@pytest.fixture(scope="session")
def engine(kb_settings):
    return get_engine(kb_settings)


@pytest.fixture(scope="session")
def service(kb_settings, engine) -> SearchService:
    return SearchService.open(kb_settings, engine)


@pytest.fixture(scope="session")
def lookup(service) -> SearchService:
    """The real search engine seen as `indicators.lookup.Lookup`."""
    return service


@pytest.fixture(scope="session")
def builtin(tmp_path_factory) -> SearchService:
    """The built-in library, initialised once in a data directory of its own (SQLite)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb-builtin"))
    initialise(settings)
    return SearchService.open(settings, get_engine(settings))


@pytest.fixture(scope="session")
def client(kb_settings):
    with TestClient(create_app(kb_settings)) as c:
        yield c


@pytest.fixture(params=BACKENDS)
def fresh_settings(request, tmp_path) -> Settings:
    """An empty knowledge base of its own, for tests that change the library."""
    return make_settings(tmp_path / "kb", request.param, database="kb_test_fresh")


PASSWORD = "correct-horse-9"


@pytest.fixture(scope="session")
def users(kb_settings) -> dict[str, str]:
    """One user per role in the shared knowledge base (password PASSWORD): name → API token."""
    tokens = {}
    with session_scope(get_engine(kb_settings)) as session:
        for name, role in (("管理员甲", "admin"), ("审核员乙", "reviewer"), ("教育局丙", "department")):
            user = accounts.get_user(session, name=name)
            tokens[role] = (accounts.new_token(session, user=user) if user else
                            accounts.add_user(session, name=name, role=role, password=PASSWORD,
                                              department="教育局" if role == "department" else "")[1])
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pytest_sessionfinish(session, exitstatus):
    """Drop the databases this run created (found by name: test modules import this file as
    `tests.conftest`, a second copy of it beside the one pytest loaded)."""
    if not PG_URL:
        return
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": f"%\\_{RUN}"})
        for name in names.scalars().all():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
