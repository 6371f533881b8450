"""Review seasons through the JSON API: filing (JSON and files), the background check seen through
GET, filters, decisions, resubmissions, the report and the problem summary, and who may do what."""

from __future__ import annotations

import copy
import io
import json
import time

import pytest
from openpyxl import load_workbook

from indicators import goal_template
from indicators.goals import GoalDocument
from tests.conftest import bearer
from tests.cycle_documents import greening, meals
from tests.services.test_reviews import lights


def wait_done(client, headers, review_id, seconds=60.0) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        body = client.get(f"/api/v1/reviews/{review_id}", headers=headers).json()
        if body["status"] == "done" or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


@pytest.fixture
def reviewer(users):
    return bearer(users["reviewer"])


def file(client, headers, documents, name="2026年预算项目绩效目标审核"):
    r = client.post("/api/v1/reviews", json={"name": name, "documents": documents}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_reading_needs_a_token_and_filing_or_deciding_a_reviewer(client, users, reviewer):
    assert client.get("/api/v1/reviews").status_code == 401
    r = client.post("/api/v1/reviews", json={"name": "x", "documents": [greening()]})
    assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"]
    dept = bearer(users["department"])
    r = client.post("/api/v1/reviews", json={"name": "x", "documents": [greening()]}, headers=dept)
    assert r.status_code == 403
    review = file(client, reviewer, [meals()])
    pid = client.get(f"/api/v1/reviews/{review['id']}", headers=dept).json()["projects"][0]["id"]
    r = client.patch(f"/api/v1/reviews/{review['id']}/projects/{pid}", json={"status": "通过", "note": ""},
                     headers=dept)
    assert r.status_code == 403 and "审核人" in r.json()["error"]["message"]
    assert client.get(f"/api/v1/reviews/{review['id']}/report.xlsx").status_code == 401
    assert client.get(f"/api/v1/reviews/{review['id']}/projects/{pid}").status_code == 401


def test_a_small_filing_is_checked_before_the_answer_and_a_bad_item_is_reported(client, reviewer):
    review = file(client, reviewer, [greening(), {"project": {"name": "缺指标"}, "goal": "完成"}, meals()])
    assert review["status"] == "done" and review["progress"] == {"done": 2, "total": 2}
    assert len(review["problems"]) == 1 and review["problems"][0].startswith("documents[1]：")
    assert review["created_by"] == "审核员乙" and review["created_at"].endswith("+08:00")
    listed = client.get("/api/v1/reviews", headers=reviewer).json()["reviews"]
    assert review["id"] in [r["id"] for r in listed]


def test_a_large_filing_is_checked_in_the_background_with_visible_progress(client, reviewer):
    review = file(client, reviewer, [lights(n) for n in range(60)])
    assert review["status"] == "running" and review["progress"] == {"done": 0, "total": 60}
    body = wait_done(client, reviewer, review["id"])
    assert body["status"] == "done" and body["progress"] == {"done": 60, "total": 60}
    assert sum(body["summary"].values()) == 60 and body["total"] == 60 and len(body["projects"]) == 50
    assert body["finished_at"].endswith("+08:00")


def test_filters_sorts_pages_and_duplicates(client, reviewer):
    vague = lights(7)
    vague["indicators"][1]["value"] = "明显提高"
    review = file(client, reviewer, [greening(), meals(), lights(1), vague, greening()])
    url = f"/api/v1/reviews/{review['id']}"
    body = client.get(url, headers=reviewer, params={"sort": "-score"}).json()
    scores = [p["score"] for p in body["projects"]]
    assert scores == sorted(scores, reverse=True) and body["overview"]["duplicates"] == 1
    body = client.get(url, headers=reviewer, params={"department": "县城市管理局"}).json()
    assert body["total"] == 2 and {p["department"] for p in body["projects"]} == {"县城市管理局"}
    body = client.get(url, headers=reviewer, params={"code": "IND_VALUE_VAGUE"}).json()
    assert [p["seq"] for p in body["projects"]] == [4] and "IND_VALUE_VAGUE" in body["projects"][0]["codes"]
    body = client.get(url, headers=reviewer, params={"duplicates": "true"}).json()
    first = client.get(url, headers=reviewer, params={"limit": 1}).json()["projects"][0]
    assert [p["seq"] for p in body["projects"]] == [5] and body["projects"][0]["duplicate_of"] == first["id"]
    body = client.get(url, headers=reviewer, params={"direction": "城市照明", "offset": 1, "limit": 1}).json()
    assert body["total"] == 2 and [p["seq"] for p in body["projects"]] == [4]
    grade = first["grade"]
    body = client.get(url, headers=reviewer, params={"grade": grade}).json()
    assert body["total"] == body["summary"][grade] and all(p["grade"] == grade for p in body["projects"])
    assert first["budget"] == 400 and first["budget_unit"] == "万元"
    for bad in ({"grade": "甲"}, {"sort": "name"}, {"code": "NO_SUCH"}, {"limit": 0}, {"offset": 10**20}):
        assert client.get(url, headers=reviewer, params=bad).status_code == 422
    assert client.get("/api/v1/reviews/999999", headers=reviewer).status_code == 404


@pytest.mark.parametrize("path", [
    "/api/v1/reviews/{n}", "/api/v1/reviews/{n}/report.xlsx", "/api/v1/reviews/1/projects/{n}",
    "/api/v1/reviews/{n}/monitoring.xlsx", "/api/v1/reviews/{n}/self-evaluation.xlsx",
    "/api/v1/reviews/1/projects/{n}/evaluation", "/api/v1/drafts/{n}",
])
def test_a_record_number_no_database_can_hold_is_a_wrong_number_not_a_crash(client, reviewer, path):
    # SQLite refuses integers past 2**63 and PostgreSQL's INTEGER past 2**31: the number is refused first
    for n in (2**31, 10**20):
        r = client.get(path.format(n=n), headers=reviewer)
        assert r.status_code == 422, r.text[:300]
        assert "不能大于 2147483647" in r.json()["error"]["message"]


def test_decision_then_resubmission_round_trip(client, users, reviewer):
    review = file(client, reviewer, [meals(), greening()])
    rid = review["id"]
    pid = client.get(f"/api/v1/reviews/{rid}", headers=reviewer).json()["projects"][0]["id"]
    r = client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": "退回修改", "note": "补充时效指标"},
                     headers=reviewer)
    assert r.status_code == 200, r.text
    row = r.json()
    assert (row["status"], row["note"], row["decided_by"]) == ("退回修改", "补充时效指标", "审核员乙")
    assert row["decided_at"].endswith("+08:00")
    r = client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": "同意"}, headers=reviewer)
    assert r.status_code == 422
    body = client.get(f"/api/v1/reviews/{rid}", headers=reviewer, params={"status": "退回修改"}).json()
    assert [p["id"] for p in body["projects"]] == [pid]

    fixed = meals()
    fixed["indicators"].append({"level1": "产出指标", "level2": "时效指标", "name": "补助发放及时率",
                                "operator": "≥", "value": "100", "unit": "%"})
    fixed["indicators"][0]["value"] = "4200"
    url = f"/api/v1/reviews/{rid}/projects/{pid}/versions"
    other = client.post(url, json=fixed, headers=bearer(users["department"]))  # 教育局 ≠ 县教育局
    assert other.status_code == 403
    r = client.post(url, json=fixed, headers=reviewer)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["project"]["version"] == 2 and body["project"]["status"] == "待审"
    assert body["changes"]["indicators"]["added"] == ["补助发放及时率"]
    assert body["changes"]["indicators"]["changed"] == [{"name": "受益学生人数", "fields": {"value": ["4000", "4200"]}}]
    assert "DIM_MISSING_TIMELINESS" in {f["code"] for f in body["changes"]["findings"]["resolved"]}
    assert [v["number"] for v in body["versions"]] == [1, 2] and body["document"] == fixed
    detail = client.get(f"/api/v1/reviews/{rid}/projects/{pid}", headers=reviewer).json()
    assert detail["changes"] == body["changes"]
    assert [(d["status"], d["decided_by"]) for d in detail["decisions"]] == [("退回修改", "审核员乙")]
    assert all(f["code"] for f in detail["result"]["findings"])
    assert client.post(url, json={"goal": "x"}, headers=reviewer).status_code == 422
    assert client.get(f"/api/v1/reviews/{rid}/projects/{pid + 1000}", headers=reviewer).status_code == 404


def test_files_are_filed_as_one_season_with_the_unreadable_ones_listed(client, reviewer):
    workbook = goal_template.goal_workbook([GoalDocument.model_validate(d) for d in (greening(), meals(), lights(1))])
    batch = json.dumps({"documents": [lights(2), {"goal": "x"}]}, ensure_ascii=False).encode()
    files = [("files", ("县财政局.xlsx", workbook)), ("files", ("部门.json", batch)),
             ("files", ("说明.txt", b"hello"))]
    r = client.post("/api/v1/reviews", data={"name": "文件归档"}, files=files, headers=reviewer)
    assert r.status_code == 201, r.text
    review = r.json()
    assert review["progress"]["total"] == 4 and review["status"] == "done"
    assert any(p.startswith("部门.json 第 2 份：") for p in review["problems"])
    assert any(p.startswith("说明.txt：") for p in review["problems"])
    projects = client.get(f"/api/v1/reviews/{review['id']}", headers=reviewer).json()["projects"]
    assert [p["source"] for p in projects] == ["县财政局.xlsx 第 1 个项目", "县财政局.xlsx 第 2 个项目",
                                               "县财政局.xlsx 第 3 个项目", "部门.json 第 1 份"]
    r = client.post("/api/v1/reviews", data={"name": "空"}, files=[("files", ("a.txt", b"x"))], headers=reviewer)
    assert r.status_code == 422 and r.json()["error"]["details"]


def test_report_and_problem_summary_cover_the_whole_season(client, reviewer):
    docs = [lights(n) for n in range(1, 31)]
    for doc in docs[:12]:
        del doc["indicators"][3]  # no cost indicator
    review = file(client, reviewer, [*docs, {"goal": "x"}])
    wait_done(client, reviewer, review["id"])
    r = client.get(f"/api/v1/reviews/{review['id']}/report.xlsx", headers=reviewer)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert len(rows) == 1 + 30 and rows[1][1] == "城区路灯维护（第1片区）"
    assert len(list(wb["未归档"].iter_rows(values_only=True))) == 2
    cases = client.get(f"/api/v1/reviews/{review['id']}/problems", headers=reviewer,
                       params={"top": 5, "examples": 2}).json()["problems"]
    cost = next(c for c in cases if c["code"] == "DIM_MISSING_COST")
    assert cost["projects"] == 12 and len(cost["examples"]) == 2


def test_a_filing_larger_than_the_batch_limit_is_refused(client, reviewer, kb_settings):
    one = copy.deepcopy(greening())
    r = client.post("/api/v1/reviews", json={"name": "太多", "documents": [one] * (kb_settings.max_batch + 1)},
                    headers=reviewer)
    assert r.status_code == 422 and str(kb_settings.max_batch) in r.json()["error"]["message"]
    r = client.post("/api/v1/reviews", json={"documents": [one]}, headers=reviewer)
    assert r.status_code == 422 and "name" in r.json()["error"]["message"]


def test_a_department_user_resubmits_its_own_project(client, users, reviewer):
    own = meals()
    own["project"]["department"] = "教育局"  # the department of the fixture's department user
    review = file(client, reviewer, [own])
    pid = client.get(f"/api/v1/reviews/{review['id']}", headers=reviewer).json()["projects"][0]["id"]
    own["indicators"][0]["value"] = "4100"
    r = client.post(f"/api/v1/reviews/{review['id']}/projects/{pid}/versions", json=own,
                    headers=bearer(users["department"]))
    assert r.status_code == 201, r.text
    assert r.json()["versions"][1]["submitted_by"] == "教育局丙"
    assert r.json()["versions"][1]["submitted_at"].endswith("+08:00")
