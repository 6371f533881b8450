"""Shared fixtures: a real knowledge base (SQLite file, or PostgreSQL when
KB_TEST_DATABASE_URL is set) over a small Chinese fixture library, with the real encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import SQLModel, create_engine

from kb.bootstrap import initialise
from kb.db import get_engine
from kb.settings import Settings
from search.service import SearchService
from web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_LIBRARY = FIXTURES / "library"
PG_URL = os.environ.get("KB_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def make_settings(data_dir: Path, backend: str = "sqlite", **overrides) -> Settings:
    url = None
    if backend == "postgres":
        url = PG_URL
        engine = create_engine(url)
        SQLModel.metadata.drop_all(engine)
        engine.dispose()
    return Settings(data_dir=data_dir, database_url=url, admin_token="test-token", **overrides)


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
def client(kb_settings):
    with TestClient(create_app(kb_settings)) as c:
        yield c


@pytest.fixture
def fresh_settings(tmp_path) -> Settings:
    """An empty data directory of its own (SQLite), for tests that change the library."""
    return make_settings(tmp_path / "kb")
