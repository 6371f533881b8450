"""The `kb` command line, through typer's runner, on a real data directory."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from indicators.library import function_codes_file
from kb.settings import get_settings
from services.library_io import import_library
from tests.conftest import FIXTURE_LIBRARY

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory initialised with the fixture library, the CLI pointed at it."""
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    from services.bootstrap import initialise

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


def test_search_says_how_a_pinyin_query_was_read(data_dir):
    result = runner.invoke(app, ["search", "ludengliangdenglv", "-k", "1"])
    assert result.exit_code == 0, result.output
    first, hit = result.output.strip().splitlines()
    assert "按拼音读作「路灯亮灯率」" in first and "路灯亮灯率" in hit
    body = json.loads(runner.invoke(app, ["search", "ludengliangdenglv", "--json", "-k", "1"]).output)
    assert body["read_as"] == "路灯亮灯率"


def test_empty_query_is_a_clean_error(data_dir):
    result = runner.invoke(app, ["search", "  "])
    assert result.exit_code == 1 and "检索词是空的" in result.output


def test_export_and_import_round_trip(data_dir, tmp_path):
    out = tmp_path / "lib.csv"
    result = runner.invoke(app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 21 个指标" in result.output and out.read_text(encoding="utf-8-sig").count("\n") == 22
    result = runner.invoke(app, ["import", str(out)])
    assert result.exit_code == 0, result.output


def test_import_of_a_bad_file_names_the_problem(data_dir, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("x")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 1 and ".xlsx、.xls、WPS 表格 .et 或 .csv" in result.output
    folder = tmp_path / "指标库.csv"  # a folder named like a table
    folder.mkdir()
    result = runner.invoke(app, ["import", str(folder), "--dry-run"])
    assert result.exit_code == 1 and "是文件夹" in result.output and "Traceback" not in result.output


DOC = {
    "project": {"name": "城市路灯维护", "direction": "城市道路照明", "budget": 300},
    "goal": "维护路灯11000盏，亮灯率不低于98%，沿线居民满意度不低于90%。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥", "value": "11000", "unit": "盏"},
        {"level1": "产出指标", "level2": "质量指标", "name": "路灯亮灯率", "operator": "≥", "value": "明显提高", "unit": "%"},
    ],
}


def test_check_prints_grade_and_findings_for_each_document(data_dir, tmp_path):
    path = tmp_path / "goals.jsonl"
    other = {**DOC, "project": {**DOC["project"], "name": "第二个项目"}}
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in (DOC, other)), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "【城市路灯维护】" in result.output and "【第二个项目】" in result.output
    assert "IND_VALUE_VAGUE" in result.output and "DIM_MISSING_TIMELINESS" in result.output


def test_check_json_and_summary_workbook(data_dir, tmp_path):
    path = tmp_path / "goal.json"
    path.write_text(json.dumps(DOC, ensure_ascii=False), encoding="utf-8")
    xlsx = tmp_path / "summary.xlsx"
    result = runner.invoke(app, ["check", str(path), "--json", "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body[0]["project"] == "城市路灯维护" and body[0]["grade"] in "优良中差"
    assert xlsx.read_bytes()[:2] == b"PK"
    nested = tmp_path / "汇总" / "第一批" / "summary.xlsx"  # a folder not made yet is made, as export does
    assert runner.invoke(app, ["check", str(path), "--xlsx", str(nested)]).exit_code == 0 and nested.exists()
    for target, says in ((tmp_path, "是文件夹"), (tmp_path / "summary.csv", "以 .xlsx 结尾")):
        refused = runner.invoke(app, ["check", str(path), "--xlsx", str(target)])
        assert refused.exit_code == 1 and says in refused.output and "Traceback" not in refused.output


def test_check_of_malformed_json_says_where(data_dir, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1 and "bad.json" in result.output


def test_one_bad_line_or_file_is_reported_and_the_rest_still_checked(data_dir, tmp_path):
    folder = tmp_path / "season"
    folder.mkdir()
    other = {**DOC, "project": {**DOC["project"], "name": "第二个项目"}}
    (folder / "a.jsonl").write_text("\n".join([json.dumps(DOC, ensure_ascii=False), "{broken",
                                                json.dumps(other, ensure_ascii=False)]), encoding="utf-8")
    (folder / "b.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert "【城市路灯维护】" in result.output and "【第二个项目】" in result.output
    assert "a.jsonl 第2行" in result.output and "b.json" in result.output
    assert "已检查 2 个目标文档" in result.output


def test_draft_prints_a_goal_covering_every_dimension(data_dir):
    result = runner.invoke(app, ["draft", "--name", "农村学生营养午餐补助", "--budget", "300", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["goal"] and {i["level1"] for i in doc["indicators"]} == {"产出指标", "成本指标", "效益指标", "满意度指标"}
    plain = runner.invoke(app, ["draft", "--name", "城市路灯维护"])
    assert plain.exit_code == 0 and "年度绩效目标：" in plain.output
    wide = runner.invoke(app, ["draft", "--name", "城市路灯维护", "--budget", "３００", "--json"])  # full-width, as typed
    assert wide.exit_code == 0 and json.loads(wide.output)["project"]["budget"] == 300, wide.output


def test_search_and_draft_take_the_budget_systems_function_code(data_dir):
    result = runner.invoke(app, ["search", "满意度", "--json", "-k", "20", "--function-code", "2120399"])
    assert result.exit_code == 0, result.output
    assert {h["direction"] for h in json.loads(result.output)["hits"]} == {"城市道路照明"}
    drafted = runner.invoke(app, ["draft", "--name", "2026年县级教育补助资金", "--function-code", "2050202", "--json"])
    assert drafted.exit_code == 0 and json.loads(drafted.output)["project"]["direction"] == "学生营养改善计划"
    for command in (["search", "满意度", "--function-code", "2050"], ["draft", "--name", "x", "--function-code", "小学"]):
        bad = runner.invoke(app, command)
        assert bad.exit_code == 1 and "支出功能分类科目" in bad.output and "Traceback" not in bad.output


def test_draft_without_a_name_is_a_usage_error(data_dir):
    result = runner.invoke(app, ["draft", "--name", " "])
    assert result.exit_code == 1 and "项目信息不正确" in result.output and "String" not in result.output


def test_a_bad_library_file_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    (library / "999-test.yaml").write_text("category: 测试\ncode: \"999\"\nsubcategories: [oops\n", encoding="utf-8")
    shutil.copy(function_codes_file(), library)
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    monkeypatch.setattr("indicators.library.LIBRARY_DIR", library)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["init"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "错误：" in result.output and "Traceback" not in result.output and "999-test.yaml" in result.output


def test_kb_import_that_changes_nothing_still_rebuilds_a_stale_index(data_dir, tmp_path):
    out = tmp_path / "lib.csv"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "城市路灯亮灯率", 1)
    out.write_text(text, encoding="utf-8-sig")
    assert import_library(get_settings(), out) is not None  # the library changed; no rebuild followed
    result = runner.invoke(app, ["import", str(out)])
    assert result.exit_code == 0, result.output
    assert "没有变化" in result.output and "已重建" in result.output
    hits = runner.invoke(app, ["search", "城市路灯亮灯率", "--json"])
    assert "城市路灯亮灯率" in [h["name"] for h in json.loads(hits.output)["hits"]]


def test_backup_then_restore_into_a_fresh_data_directory_serves_the_same_library(data_dir, tmp_path, monkeypatch):
    before = json.loads(runner.invoke(app, ["search", "路灯亮灯率", "--json"]).output)
    file = tmp_path / "kb-backup.sqlite3"
    result = runner.invoke(app, ["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["backup", str(file)]).exit_code == 1  # never overwrites
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "restored"))
    get_settings.cache_clear()
    result = runner.invoke(app, ["restore", str(file)])
    assert result.exit_code == 0, result.output
    after = json.loads(runner.invoke(app, ["search", "路灯亮灯率", "--json"]).output)
    assert [h["code"] for h in after["hits"]] == [h["code"] for h in before["hits"]]
    assert runner.invoke(app, ["restore", str(file)]).exit_code == 1  # the directory has a database now


def test_restore_refuses_a_file_that_is_no_backup(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    bogus = tmp_path / "x.sqlite3"
    bogus.write_text("not a database", encoding="utf-8")
    try:
        result = runner.invoke(app, ["restore", str(bogus)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "不是" in result.output


def test_a_restore_brings_back_users_seasons_decisions_and_drafts(data_dir, tmp_path, monkeypatch):
    """What a bureau would lose besides the library: accounts, review seasons with their decisions,
    saved drafts, all in the one backup file."""
    from sqlmodel import Session

    from kb import accounts, store
    from kb.db import get_engine
    from services import drafts, reviews
    from tests.cycle_documents import greening

    added = runner.invoke(app, ["user", "add", "审核员甲", "--role", "reviewer", "--password", "abcdefgh1"])
    assert added.exit_code == 0, added.output
    engine = get_engine(get_settings())
    with Session(engine) as session:
        user = accounts.get_user(session, name="审核员甲")
        review = reviews.file_review(engine, name="2027年审核", items=[("a.json", greening())], problems=[],
                                     user=user, limit=100)
        reviews.run_checks(engine, None, worker="test", review_id=review.id)
        project_id = reviews.query_projects(session, review_id=review.id)[1][0].id
        reviews.decide(session, review_id=review.id, project_id=project_id, status="退回修改", note="成本偏高", user=user)
        drafts.create(session, None, owner=user, document=greening())
        session.commit()
        version = store.current_version(session).number
    file = tmp_path / "everything.sqlite3"
    assert runner.invoke(app, ["backup", str(file)]).exit_code == 0
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "restored"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["restore", str(file)]).exit_code == 0
    assert "审核员甲\t审核人" in runner.invoke(app, ["user", "list"]).output
    engine = get_engine(get_settings())
    with Session(engine) as session:
        assert store.current_version(session).number == version
        user = accounts.get_user(session, name="审核员甲")
        assert accounts.verify_login(session, name="审核员甲", password="abcdefgh1") is not None
        [restored] = reviews.list_reviews(session)
        detail = reviews.project_detail(session, review_id=restored.id, project_id=project_id)
        assert restored.name == "2027年审核" and restored.status == "done"
        assert (detail.project.status, detail.project.note, detail.decisions[-1].decided_by) == ("退回修改", "成本偏高",
                                                                                              "审核员甲")
        assert [d.name for d in drafts.list_for(session, owner_id=user.id)] == [greening()["project"]["name"]]


def test_help_and_usage_errors_read_in_chinese():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "选项" in result.output and "命令" in result.output
    assert "Options" not in result.output and "Commands" not in result.output
    wrong = runner.invoke(app, ["nosuch"])
    assert wrong.exit_code == 2 and "没有命令 'nosuch'" in wrong.output and "查看帮助" in wrong.output


@pytest.mark.parametrize("args,expected", [
    (["search"], "缺少参数 'query'"),
    (["search", "路灯", "--kk", "3"], "没有选项 --kk"),
    (["search", "路灯", "-k", "abc"], "的值无效：应为整数"),
    (["user", "add"], "缺少参数 'name'"),
    (["restore", "a.db", "b"], "多出了参数（b）"),
    (["user", "lst"], "是不是 'list'"),
])
def test_usage_errors_read_in_chinese(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and expected in result.output, result.output


def test_a_port_out_of_range_is_refused_before_serving(tmp_path):
    # in a process of its own, with a deadline: a server that did start would otherwise never return
    env = {**os.environ, "KB_DATA_DIR": str(tmp_path / "kb")}
    result = subprocess.run([sys.executable, "-c", "from cli.main import app; app()", "serve", "--port", "99999"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2 and "不能大于 65535" in result.stdout + result.stderr


def test_a_command_s_help_reads_in_chinese():
    result = runner.invoke(app, ["search", "--help"])
    assert result.exit_code == 0 and "用法：" in result.output and "显示本帮助并退出" in result.output
    assert "Usage:" not in result.output and "Show this message" not in result.output


def test_search_takes_the_filters_the_api_takes(data_dir):
    result = runner.invoke(app, ["search", "率", "--json", "-k", "50", "--level1", "产出", "--level2", "质量"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert hits and {(h["level1"], h["level2"]) for h in hits} == {("产出指标", "质量指标")}
    street = runner.invoke(app, ["search", "满意度", "--json", "-k", "50", "--direction", "城市道路照明"])
    assert {h["direction"] for h in json.loads(street.output)["hits"]} == {"城市道路照明"}
    facilities = runner.invoke(app, ["search", "率", "--json", "-k", "50", "--subcategory", "21203"])
    hits = json.loads(facilities.output)["hits"]
    assert hits and {h["subcategory_code"] for h in hits} == {"21203"}, facilities.output
    for option, value in (("--level1", "产量"), ("--level2", "好的")):
        bad = runner.invoke(app, ["search", "率", option, value])
        assert bad.exit_code == 1 and option in bad.output and "指标框架" in bad.output, bad.output
