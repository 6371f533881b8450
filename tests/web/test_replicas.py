"""Two server processes on one PostgreSQL, sharing nothing else: a new replica takes the passage
vectors another embedded from the database, and an import through one is searched on the other
within 10 s, its new passage embedded by one of them only."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kb import accounts
from kb.db import get_engine, session_scope
from kb.settings import Settings
from services.bootstrap import initialise
from services.library_io import export_library
from tests.conftest import FIXTURE_LIBRARY, PG_URL, bearer, postgres_database

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="replicas need PostgreSQL: set KB_TEST_DATABASE_URL")]

PORTS = (8651, 8652)
NEW_NAME = "智慧灯杆多功能挂载率"


class Server:
    """A server process of its own: `web.app:create_app` under uvicorn, as `kb serve` runs it, with its own
    data directory. (`kb serve` itself would first load the built-in library over the fixture one.)"""

    def __init__(self, port: int, data_dir: Path, database_url: str):
        self.url = f"http://127.0.0.1:{port}"
        self.log = data_dir.with_suffix(".log")
        env = {**os.environ, "KB_DATA_DIR": str(data_dir), "KB_DATABASE_URL": database_url,
               "KB_LIBRARY_POLL_SECONDS": "1", "KB_REVIEW_PROCESSES": "0"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "web.app:create_app", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def health(self) -> dict:
        try:
            return httpx.get(self.url + "/health", timeout=2).json()
        except httpx.HTTPError:
            return {}

    def wait_ready(self, seconds: float = 90) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited: {self.log.read_text()[-2000:]}"
            health = self.health()
            if health.get("search_ready") and not health.get("catching_up"):
                return health
            time.sleep(0.2)
        raise AssertionError(f"{self.url} not ready in {seconds} s: {self.log.read_text()[-2000:]}")

    def finds(self, name: str) -> bool:
        r = httpx.get(self.url + "/api/v1/search", params={"q": name, "k": 3}, timeout=10)
        return r.status_code == 200 and any(h["name"] == name for h in r.json()["hits"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def shared(tmp_path) -> Settings:
    """A database of its own holding the fixture library (no indexes built here)."""
    settings = Settings(data_dir=tmp_path / "importer", database_url=postgres_database("kb_test_replicas"))
    initialise(settings, library_dir=FIXTURE_LIBRARY, index=False)
    return settings


def library_with_a_new_indicator(settings: Settings, path: Path) -> Path:
    """The library as exported, plus one new indicator (no code: the import gives it the next one)."""
    export_library(settings, path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, lamp = rows[0], next(r for r in rows[1:] if "路灯亮灯率" in r)
    new = dict(zip(header, lamp, strict=True)) | {
        "指标编码": "", "三级指标": NEW_NAME, "别名": "", "计算公式": "挂载设备的灯杆数 / 智慧灯杆总数 × 100%",
        "指标解释": "挂载了监控、环境监测或通信设备的智慧灯杆占智慧灯杆总数的比例。", "参考值": ""}
    rows.append([new[h] for h in header])
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_an_import_through_one_replica_is_searched_on_the_other_and_embedded_once(shared, tmp_path):
    url = shared.database_url
    first = Server(PORTS[0], tmp_path / "first", url)
    servers = [first]
    try:
        before_first = first.wait_ready()
        assert before_first["library_version"] == 1
        assert before_first["embedded"] > 0  # the fixture passages are not among the shipped vectors
        second = Server(PORTS[1], tmp_path / "second", url)
        servers.append(second)
        before_second = second.wait_ready()
        assert before_second["library_version"] == 1
        assert before_second["embedded"] == 0, "a new replica embedded passages another already had"
        assert second.finds("路灯亮灯率")

        with session_scope(get_engine(shared)) as session:
            _, token = accounts.add_user(session, name="管理员甲", role="admin")
        upload = library_with_a_new_indicator(shared, tmp_path / "library.csv")
        started = time.monotonic()
        r = httpx.post(first.url + "/api/v1/library/import", headers=bearer(token), timeout=60,
                       files={"file": ("library.csv", upload.read_bytes(), "text/csv")})
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2
        assert first.finds(NEW_NAME)  # the importing server serves the new version when it answers
        while not second.finds(NEW_NAME) and time.monotonic() - started < 30:
            time.sleep(0.2)
        took = time.monotonic() - started
        assert second.finds(NEW_NAME), "the other replica never served the import"
        assert took < 10, f"the other replica served the import after {took:.1f} s"

        after = [s.health() for s in servers]
        assert [h["library_version"] for h in after] == [2, 2]
        embedded = (after[0]["embedded"] - before_first["embedded"]) + (after[1]["embedded"] - before_second["embedded"])
        assert embedded == 1, f"the new passage was embedded {embedded} times"
    finally:
        for server in servers:
            server.stop()
