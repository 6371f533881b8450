"""The web app starts and says what is wrong, in Chinese, when search cannot be loaded."""

from fastapi.testclient import TestClient

from tests.conftest import make_settings
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
