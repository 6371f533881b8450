"""The `kb` command line, through typer's runner, on a real data directory."""

import json

import pytest
from typer.testing import CliRunner

from kb.cli import app
from kb.settings import get_settings
from tests.conftest import FIXTURE_LIBRARY

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory initialised with the fixture library, the CLI pointed at it."""
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    from kb.bootstrap import initialise

    initialise(get_settings(), library_dir=FIXTURE_LIBRARY)
    yield tmp_path / "kb"
    get_settings.cache_clear()


def test_search_prints_ranked_hits(data_dir):
    result = runner.invoke(app, ["search", "路灯", "-k", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "路灯" in lines[0] and len(lines) == 3 and "城市道路照明" in lines[1]


def test_search_json(data_dir):
    result = runner.invoke(app, ["search", "营养午餐", "--json", "-k", "1"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["hits"][0]["direction"] == "学生营养改善计划"


def test_empty_query_is_a_clean_error(data_dir):
    result = runner.invoke(app, ["search", "  "])
    assert result.exit_code == 1 and "query is empty" in result.output


def test_export_and_import_round_trip(data_dir, tmp_path):
    out = tmp_path / "lib.csv"
    result = runner.invoke(app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 21 indicators" in result.output and out.read_text(encoding="utf-8-sig").count("\n") == 22
    result = runner.invoke(app, ["import", str(out)])
    assert result.exit_code == 0, result.output


def test_import_of_a_bad_file_names_the_problem(data_dir, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("x")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 1 and ".xlsx 或 .csv" in result.output
