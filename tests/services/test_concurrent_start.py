"""Servers started together on one PostgreSQL: the schema and the built-in library are set up once,
and no process fails because another did it at the same moment."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FIXTURE_LIBRARY, PG_URL, postgres_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (KB_TEST_DATABASE_URL)")

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kb.settings import Settings
    from services.bootstrap import initialise
    settings = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2])
    initialise(settings, library_dir=Path(sys.argv[3]), index=False)
""")


def test_four_processes_initialising_one_database_at_once_all_succeed(tmp_path):
    url = postgres_database("kb_test_concurrent")
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path / f"d{n}"), url, str(FIXTURE_LIBRARY)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), [err[-2000:] for code, err in results if code]
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT count(*) FROM libraryversion")).scalar()
    engine.dispose()
    assert versions == 1
