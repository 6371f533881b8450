"""/api/v1/drafts: each signed-in user's drafts, stored exactly as sent, reached only by their owner,
exported as the filled template and imported back from it; times in Beijing time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from indicators import goal_sheets
from indicators.goals import GoalDocument
from tests import hostile_files
from tests.conftest import bearer
from tests.draft_documents import comparable, real_tables, streetlights


def save(client, token, document, **extra):
    r = client.post("/api/v1/drafts", json={"document": document, **extra}, headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()


def test_a_saved_draft_comes_back_exactly_as_sent_with_beijing_times(client, users):
    sent = streetlights() | {"备注": "送审前再核对一次"}
    saved = save(client, users["department"], sent)
    assert saved["document"] == sent and saved["owner"] == "教育局丙"
    got = client.get(f"/api/v1/drafts/{saved['id']}", headers=bearer(users["department"]))
    assert got.status_code == 200
    assert json.dumps(got.json()["document"], ensure_ascii=False) == json.dumps(sent, ensure_ascii=False)
    for key in ("created_at", "updated_at", "checked_at"):
        moment = datetime.fromisoformat(saved[key])
        assert saved[key].endswith("+08:00") and moment.utcoffset() == timedelta(hours=8)
    assert (saved["name"], saved["department"], saved["budget"], saved["budget_unit"]) == (
        "城区路灯维护", "市城市管理局", 336, "万元")
    assert saved["grade"] in ("中", "差") and saved["submittable"] is False and saved["errors"] >= 1


def test_the_list_holds_only_the_callers_drafts_newest_first_without_documents(client, users):
    first = save(client, users["reviewer"], real_tables()[1])
    second = save(client, users["reviewer"], real_tables()[2], name="营养餐（第二稿）")
    listed = client.get("/api/v1/drafts", headers=bearer(users["reviewer"])).json()
    assert listed["owner"] == "审核员乙" and listed["total"] == len(listed["items"])
    ids = [d["id"] for d in listed["items"]]
    assert ids.index(second["id"]) < ids.index(first["id"])
    assert all("document" not in d and d["owner"] == "审核员乙" for d in listed["items"])
    assert listed["items"][ids.index(second["id"])]["name"] == "营养餐（第二稿）"
    theirs = client.get("/api/v1/drafts", headers=bearer(users["department"])).json()
    assert not {d["id"] for d in theirs["items"]} & set(ids)


def test_an_admin_may_list_another_users_drafts_and_no_one_else_may(client, users):
    mine = save(client, users["department"], streetlights())
    admin = client.get("/api/v1/drafts", params={"owner": "教育局丙"}, headers=bearer(users["admin"]))
    assert admin.status_code == 200 and mine["id"] in {d["id"] for d in admin.json()["items"]}
    refused = client.get("/api/v1/drafts", params={"owner": "教育局丙"}, headers=bearer(users["reviewer"]))
    assert refused.status_code == 403 and "管理员" in refused.json()["error"]["message"]
    unknown = client.get("/api/v1/drafts", params={"owner": "没有这个人"}, headers=bearer(users["admin"]))
    assert unknown.status_code == 404 and "没有这个人" in unknown.json()["error"]["message"]


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_someone_elses_draft_is_a_404_like_a_draft_that_never_existed(client, users, role):
    mine = save(client, users["department"], streetlights())
    other = bearer(users[role])
    never = client.get(f"/api/v1/drafts/{2**31 - 1}", headers=other)
    assert never.status_code == 404
    calls = [("get", f"/api/v1/drafts/{mine['id']}", {}), ("get", f"/api/v1/drafts/{mine['id']}/export.xlsx", {}),
             ("put", f"/api/v1/drafts/{mine['id']}", {"json": {"document": real_tables()[1]}}),
             ("delete", f"/api/v1/drafts/{mine['id']}", {})]
    for method, url, kw in calls:
        r = client.request(method, url, headers=other, **kw)
        assert r.status_code == 404, (method, url, r.text)
        assert r.json()["error"]["message"].replace(str(mine["id"]), "N") == \
            never.json()["error"]["message"].replace(str(2**31 - 1), "N")
    assert client.get(f"/api/v1/drafts/{mine['id']}", headers=bearer(users["department"])).json()["document"] \
        == streetlights()


def test_signing_in_is_needed(client):
    for method, url in (("get", "/api/v1/drafts"), ("post", "/api/v1/drafts"), ("get", "/api/v1/drafts/1"),
                        ("get", "/api/v1/drafts/1/export.xlsx"), ("delete", "/api/v1/drafts/1")):
        r = client.request(method, url)
        assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"], (method, url)


def test_a_document_that_does_not_read_is_a_422_naming_the_field_and_nothing_is_saved(client, users):
    before = client.get("/api/v1/drafts", headers=bearer(users["department"])).json()["total"]
    bad = streetlights()
    bad["project"]["budget"] = "很多"
    del bad["indicators"]
    r = client.post("/api/v1/drafts", json={"document": bad}, headers=bearer(users["department"]))
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"document.project.budget", "document.indicators"} <= fields
    assert "很多" in r.json()["error"]["message"]
    assert client.get("/api/v1/drafts", headers=bearer(users["department"])).json()["total"] == before


def test_put_replaces_the_document_and_checks_it_again(client, users):
    token = users["department"]
    saved = save(client, token, streetlights())
    fixed = streetlights()
    fixed["goal"] = "完成3200盏路灯维修，路灯亮灯率不低于98%。"
    fixed["indicators"][0]["value"] = "3200"
    r = client.put(f"/api/v1/drafts/{saved['id']}", json={"document": fixed}, headers=bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == saved["id"] and body["document"] == fixed and body["errors"] < saved["errors"]
    assert body["created_at"] == saved["created_at"] and body["updated_at"] >= saved["updated_at"]
    assert client.get(f"/api/v1/drafts/{saved['id']}", headers=bearer(token)).json()["document"] == fixed


@pytest.mark.parametrize("index", [0, 1, 2], ids=["streetlights-2015", "greening-pre2021", "meals-2015"])
def test_save_export_import_gives_the_same_document(client, users, index):
    token = users["department"]
    sent = real_tables()[index]
    saved = save(client, token, sent)
    x = client.get(f"/api/v1/drafts/{saved['id']}/export.xlsx", headers=bearer(token))
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in x.headers["content-disposition"]
    [read] = goal_sheets.read_goal_workbook(x.content)
    assert comparable(read) == comparable(GoalDocument.model_validate(sent))
    r = client.post("/api/v1/drafts/import", files={"file": ("申报表.xlsx", x.content)}, headers=bearer(token))
    assert r.status_code == 201, r.text
    [created] = r.json()["created"]
    assert created["id"] != saved["id"] and r.json()["problems"] == []
    again = client.get(f"/api/v1/drafts/{created['id']}", headers=bearer(token)).json()["document"]
    assert comparable(GoalDocument.model_validate(again)) == comparable(GoalDocument.model_validate(sent))
    assert (created["grade"], created["score"]) == (saved["grade"], saved["score"])


def test_import_saves_every_good_document_and_reports_the_bad_ones_in_chinese(client, users):
    token = users["department"]
    good, other = streetlights(), real_tables()[2]
    bad = {"project": {"name": "缺目标的项目", "budget": "很多"}, "indicators": []}
    files = [("file", ("两份.json", json.dumps({"documents": [good, bad, other]}, ensure_ascii=False).encode())),
             ("file", ("说明.txt", b"hello"))]
    r = client.post("/api/v1/drafts/import", files=files, headers=bearer(token))
    assert r.status_code == 201, r.text
    created, problems = r.json()["created"], r.json()["problems"]
    assert [d["name"] for d in created] == ["城区路灯维护", "农村义务教育学生营养改善计划"]
    assert len(problems) == 2
    assert problems[0].startswith("两份.json 第 2 份：") and "很多" in problems[0] and "年度绩效目标" in problems[0]
    assert problems[1].startswith("说明.txt：只能导入")
    stored = client.get(f"/api/v1/drafts/{created[0]['id']}", headers=bearer(token)).json()["document"]
    assert stored == good  # a JSON document is kept exactly as it was in the file


def test_a_word_table_and_a_season_list_import_as_drafts_and_an_old_doc_is_told_what_to_do(client, users):
    from tests.season_lists import SEASON_LIST
    from tests.word_documents import Table, docx_bytes
    from tests.xls_workbooks import xlsx_bytes

    word = docx_bytes("2026年度项目支出绩效目标表", Table([
        ("项目名称", "城区路灯维护"), ("年度资金总额（万元）", "100"), ("年度目标", "维修路灯3200盏。"),
        ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏")]))
    files = [("file", ("路灯.docx", word)), ("file", ("全部.xlsx", xlsx_bytes({"目标": SEASON_LIST}))),
             ("file", ("旧表.doc", b"\xd0\xcf\x11\xe0"))]
    r = client.post("/api/v1/drafts/import", files=files, headers=bearer(users["department"]))
    assert r.status_code == 201, r.text
    assert [d["name"] for d in r.json()["created"]] == ["城区路灯维护", "城区路灯维护", "学生资助"]
    problems = r.json()["problems"]
    assert problems[0].startswith("全部.xlsx › 目标 C4：『很多』") and problems[1].startswith("旧表.doc：是 Word 97-2003")


def test_import_with_nothing_readable_is_a_422_with_every_problem(client, users):
    files = [("file", ("坏.json", b"{not json")), ("file", ("空.xlsx", b""))]
    r = client.post("/api/v1/drafts/import", files=files, headers=bearer(users["department"]))
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert details[0].startswith("坏.json：不是有效的 JSON") and details[1] == "空.xlsx：文件是空的"


def test_delete_removes_the_draft(client, users):
    token = users["department"]
    saved = save(client, token, streetlights())
    r = client.delete(f"/api/v1/drafts/{saved['id']}", headers=bearer(token))
    assert r.status_code == 200 and r.json()["message"] == "已删除草稿『城区路灯维护』"
    assert client.get(f"/api/v1/drafts/{saved['id']}", headers=bearer(token)).status_code == 404
    assert client.delete(f"/api/v1/drafts/{saved['id']}", headers=bearer(token)).status_code == 404


def test_every_drafts_route_declares_its_response(client):
    paths = client.get("/openapi.json").json()["paths"]
    routes = {(p, m): op for p, ops in paths.items() if p.startswith("/api/v1/drafts") for m, op in ops.items()}
    assert len(routes) == 7
    for (path, method), op in routes.items():
        ok = op["responses"].get("200") or op["responses"].get("201")
        assert ok and ok.get("content"), (path, method)
        if not path.endswith(".xlsx"):
            assert "$ref" in ok["content"]["application/json"]["schema"], (path, method)


@pytest.mark.parametrize("crafted", ["far_cell", "entity_bomb"])
def test_a_crafted_workbook_is_reported_and_the_other_files_still_imported(client, users, crafted):
    files = [("file", ("申报表.xlsx", getattr(hostile_files, crafted)())),
             ("file", ("好.json", json.dumps(streetlights(), ensure_ascii=False).encode()))]
    r = client.post("/api/v1/drafts/import", files=files, headers=bearer(users["department"]))
    assert r.status_code == 201, r.text
    assert [d["name"] for d in r.json()["created"]] == ["城区路灯维护"]
    [problem] = r.json()["problems"]
    assert problem.startswith("申报表.xlsx") and ("上限" in problem or "另存为 .xlsx" in problem)
