"""The web app starts and says what is wrong, in Chinese, when search cannot be loaded."""

import shutil
import time

from fastapi.testclient import TestClient

from services.bootstrap import initialise
from services.library_io import export_library, import_library
from tests.conftest import FIXTURE_LIBRARY, make_settings
from web.app import create_app


def test_an_unknown_encoder_leaves_the_app_serving_and_says_why(kb_settings, tmp_path):
    settings = kb_settings.model_copy(update={"encoder": "word2vec"})
    with TestClient(create_app(settings)) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["search_ready"] is False
        r = client.get("/api/v1/search", params={"q": "路灯"})
        assert r.status_code == 503 and "KB_ENCODER" in r.json()["error"]["message"]
        assert client.get("/api/v1/taxonomy").status_code == 200  # the library is still readable


def test_an_empty_data_directory_serves_and_says_to_initialise(tmp_path):
    with TestClient(create_app(make_settings(tmp_path / "empty"))) as client:
        assert client.get("/health").json()["search_ready"] is False
        r = client.get("/api/v1/search", params={"q": "路灯"})
        assert r.status_code == 503 and "kb init" in r.json()["error"]["message"]


def test_stale_indexes_are_served_while_new_ones_are_built(tmp_path):
    """The library changed while the server was down: it answers from the earlier indexes at once,
    says it is catching up, and serves the new version when the rebuild is done."""
    settings = make_settings(tmp_path / "kb")
    initialise(settings, library_dir=FIXTURE_LIBRARY)
    changed = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, changed)
    path = changed / "212-chengxiang.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("路灯亮灯率", "城市路灯亮灯率", 1), encoding="utf-8")
    initialise(settings, library_dir=changed, index=False)  # a new library version, indexes not rebuilt
    with TestClient(create_app(settings)) as client:
        first = client.get("/health").json()
        assert first["search_ready"] is True and first["library_version"] == 1
        assert client.get("/api/v1/search", params={"q": "路灯"}).status_code == 200  # answers meanwhile
        client.app.state.catch_up.join(timeout=120)
        health = client.get("/health").json()
        assert health["catching_up"] is False and health["library_version"] == 2
        names = [h["name"] for h in client.get("/api/v1/search", params={"q": "城市路灯亮灯率"}).json()["hits"]]
        assert "城市路灯亮灯率" in names


def test_a_fresh_data_directory_builds_its_indexes_while_serving(tmp_path):
    settings = make_settings(tmp_path / "kb")
    initialise(settings, library_dir=FIXTURE_LIBRARY, index=False)
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/v1/search", params={"q": "路灯"})
        assert r.status_code in (200, 503)  # 503 says the indexes are being built
        if r.status_code == 503:
            assert "正在建立检索索引" in r.json()["error"]["message"]
        client.app.state.catch_up.join(timeout=120)
        assert client.get("/health").json()["search_ready"] is True
        assert client.get("/api/v1/search", params={"q": "路灯"}).status_code == 200


def test_an_import_by_another_process_is_served_within_seconds(tmp_path):
    """kb import (or another server) writes a new library version to the database; the running server
    notices, rebuilds its indexes and serves it, without a restart."""
    settings = make_settings(tmp_path / "kb", library_poll_seconds=0.5)
    initialise(settings, library_dir=FIXTURE_LIBRARY)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["library_version"] == 1
        out = tmp_path / "lib.csv"
        export_library(settings, out)
        out.write_text(out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "城市路灯亮灯率", 1),
                       encoding="utf-8-sig")
        assert import_library(settings, out) is not None  # as `kb import` does, in another process
        deadline = time.monotonic() + 60
        while client.get("/health").json()["library_version"] != 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        took = 60 - (deadline - time.monotonic())
        assert client.get("/health").json()["library_version"] == 2, "not served within 60 s"
        assert took < 15
        names = [h["name"] for h in client.get("/api/v1/search", params={"q": "城市路灯亮灯率"}).json()["hits"]]
        assert "城市路灯亮灯率" in names
