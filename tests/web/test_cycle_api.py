"""/api/v1/goals/monitor, /goals/evaluate and /results/apply over HTTP: the contract's shapes, the worked
numbers, and bad input answered with a 422 a person can act on, never a 500."""

import json

import pytest

from tests.cycle_documents import greening, meals


def test_monitor_contract_shape_and_warning(client):
    body = {"document": greening(), "as_of": "2025-08-07", "spent": 140,
            "actuals": [{"indicator": 0, "value": 700}, {"indicator": 3, "value": "1600"}]}
    r = client.post("/api/v1/goals/monitor", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert {"time_progress", "spend_progress", "indicators", "findings"} <= set(out)
    # day 219 of 365 = 60%; 140/400 = 35%
    assert out["time_progress"] == 60 and out["spend_progress"] == 35
    assert out["indicators"] == [
        {"indicator": 0, "name": "新种植行道树数量", "progress": 35.0, "status": "预警"},     # 700/2000
        {"indicator": 3, "name": "单株种植成本", "progress": 106.67, "status": "预警"},     # 1600/1500, over ≤
    ]
    assert {f["code"] for f in out["findings"]} == {"MON_SPEND_LAG", "MON_OUTPUT_LAG", "MON_LIMIT_EXCEEDED"}
    for f in out["findings"]:
        assert set(f) >= {"code", "severity", "message", "indicator", "suggestion", "refs"}


def test_monitor_answers_words_for_numbers_instead_of_failing(client):
    """已完成 for 2,000 trees and 进行中 for a coverage rate: each row gets a status, the request a 200."""
    body = {"document": greening(), "as_of": "2025-08-07", "spent": 240,
            "actuals": [{"indicator": 0, "value": "已完成"}, {"indicator": 4, "value": "进行中"}]}
    r = client.post("/api/v1/goals/monitor", json=body)
    assert r.status_code == 200, r.text
    assert [(e["indicator"], e["status"]) for e in r.json()["indicators"]] == [(0, "正常"), (4, "关注")]


def test_monitor_accepts_a_chinese_date(client):
    body = {"document": greening(), "as_of": "2025年8月7日", "spent": "180", "actuals": []}
    out = client.post("/api/v1/goals/monitor", json=body).json()
    # 180/400 = 45%: 15 behind → 关注
    assert out["spend_progress"] == 45 and out["spend_status"] == "关注"


def test_evaluate_contract_shape_and_score(client):
    body = {"document": greening(), "spent": 360, "actuals": [
        {"indicator": 0, "value": 1800, "reason": "两处路段拆迁延后"}, {"indicator": 1, "value": "96%"},
        {"indicator": 2, "value": "2025年10月31日"}, {"indicator": 3, "value": 1600},
        {"indicator": 4, "value": "99.5", "reason": "一处绿带在施工"},
        {"indicator": 5, "value": "部分达成", "reason": "部分路段未完工"}]}
    r = client.post("/api/v1/goals/evaluate", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert {"score", "grade", "items", "budget_execution", "findings"} <= set(out)
    # 12.65625 + 14.0625 + 14.0625 + 13.18359375 + 16.790625 + 11.8125 + 9 = 91.568 (see test_evaluation)
    assert out["score"] == 91.57 and out["grade"] == "优"
    assert out["budget_execution"] == {"rate": 90.0, "points": 9.0, "max": 10.0}
    assert {"indicator", "points", "max", "achieved"} <= set(out["items"][0])
    assert [(i["points"], i["achieved"]) for i in out["items"]] == [
        (12.66, False), (14.06, True), (14.06, True), (13.18, False), (16.79, False), (11.81, False)]
    assert [(f["code"], f["indicator"]) for f in out["findings"]] == [("EVAL_REASON_MISSING", 3)]


def test_evaluate_with_rules(client):
    body = {"document": meals(), "spent": 480,
            "actuals": [{"indicator": i, "value": v} for i, v in enumerate([4000, "100", "5", "1", "90%"])],
            "rules": {"weights": {"output": 40, "benefit": 40, "satisfaction": 10, "budget_execution": 10}}}
    out = client.post("/api/v1/goals/evaluate", json=body).json()
    assert out["score"] == 100 and out["items"][3]["max"] == 40


def test_results_apply_by_rank_with_quotas(client):
    scores = [95, 90, 88, 88, 85, 80, 75, 70, 65, 50]
    body = {"projects": [{"name": f"项目{i}", "budget": 100, "score": s} for i, s in enumerate(scores)],
            "rules": {"mode": "rank", "quotas": {"优": 0.3, "良": 0.3, "中": 0.3, "差": 0.1}}}
    r = client.post("/api/v1/results/apply", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert [p["name"] for p in out["projects"]] == [f"项目{i}" for i in range(10)]
    assert {"name", "score", "grade", "suggested_budget"} <= set(out["projects"][0])
    assert [p["grade"] for p in out["projects"]] == ["优"] * 4 + ["良"] * 2 + ["中"] * 3 + ["差"]
    # 6 × 100 + 3 × 90 + 0 = 870
    assert out["summary"]["suggested_budget"] == 870


def test_results_apply_by_score_bands_by_default(client):
    body = {"projects": [{"name": "甲", "budget": 300, "score": 70}, {"name": "乙", "budget": 200, "score": 55}]}
    out = client.post("/api/v1/results/apply", json=body).json()
    # 中: 300 × 0.9 = 270; 差: 0
    assert [(p["grade"], p["suggested_budget"]) for p in out["projects"]] == [("中", 270), ("差", 0)]


@pytest.mark.parametrize(("path", "body", "words"), [
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "八月", "spent": 1, "actuals": []}, "2025-08-07"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-02-30", "spent": 1, "actuals": []},
     "不是存在的日期"),
    ("/api/v1/goals/monitor", {"document": greening(), "spent": 1, "actuals": []}, "as_of"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-08-07", "spent": -5, "actuals": []},
     "spent"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-08-07", "spent": "很多", "actuals": []},
     "不是数字"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-08-07", "spent": True, "actuals": []},
     "true/false"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-08-07", "spent": 1,
                               "actuals": [{"indicator": 6, "value": 1}]}, "只有 6 个指标"),
    ("/api/v1/goals/monitor", {"document": greening(), "as_of": "2025-08-07", "spent": 1,
                               "rules": {"warn": 30}}, "不认识的规则项"),
    ("/api/v1/goals/evaluate", {"document": greening(), "spent": 1,
                                "actuals": [{"indicator": 1, "value": 1}, {"indicator": 1, "value": 2}]}, "两次"),
    ("/api/v1/goals/evaluate", {"document": greening(), "spent": 1, "actuals": [{"indicator": -1, "value": 1}]},
     "actuals.0.indicator"),
    ("/api/v1/goals/evaluate", {"document": greening(), "spent": 1, "actuals": [{"indicator": 0, "value": [1]}]},
     "actuals.0.value"),
    ("/api/v1/goals/evaluate", {"document": greening(), "spent": 1,
                                "rules": {"weights": {"output": 70}}}, "之和应为 100"),
    ("/api/v1/goals/evaluate", {"document": {"goal": ""}, "spent": 1}, "document"),
    ("/api/v1/results/apply", {"projects": [{"name": "甲", "score": 120}]}, "不能大于 100"),
    ("/api/v1/results/apply", {"projects": [{"name": "甲", "score": 80}], "rules": {"mode": "rank",
                                                                                "quotas": {"优": 0.5}}}, "之和应为 1"),
    ("/api/v1/results/apply", {"projects": [{"name": "甲", "score": 80}], "rules": {"mode": "排名"}}, "rules.mode"),
    ("/api/v1/results/apply", {"projects": "甲"}, "projects"),
])
def test_bad_input_gets_422_with_a_message(client, path, body, words):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert words in error["message"] + json.dumps(error["details"], ensure_ascii=False)


@pytest.mark.parametrize("path", ["/api/v1/goals/monitor", "/api/v1/goals/evaluate", "/api/v1/results/apply"])
@pytest.mark.parametrize("payload", [b"{not json", b"", b"[]", b"null", b'{"document": 1}'])
def test_malformed_bodies_get_422(client, path, payload):
    r = client.post(path, content=payload, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
