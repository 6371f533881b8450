"""A season's approved goals through the year over the JSON API: monitoring entries listed by warning, the
actuals workbook filled and read back, self-evaluation with hand-computed scores, the 绩效监控表 and 自评表,
results with a department summary, who may enter what, and everything still there after a restart."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kb.db import get_engine
from tests.conftest import bearer
from tests.cycle_documents import greening, meals
from tests.department_forms import GREENING_MID_ROWS, GREENING_ROWS, monitoring_form, national_form, plain, season_list
from tests.pdf_documents import pdf_bytes
from tests.word_documents import Table, docx_bytes
from tests.xls_workbooks import xls_bytes, xlsx_bytes
from web.app import create_app


@pytest.fixture
def reviewer(users):
    return bearer(users["reviewer"])


def approved_season(client, headers, documents, *, approve=None) -> tuple[int, list[int]]:
    r = client.post("/api/v1/reviews", json={"name": "2025年项目绩效目标", "documents": documents}, headers=headers)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    projects = client.get(f"/api/v1/reviews/{rid}?sort=seq", headers=headers).json()["projects"]
    ids = [p["id"] for p in projects]
    for n, pid in enumerate(ids):
        if approve is None or n in approve:
            r = client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": "通过", "note": "同意"},
                             headers=headers)
            assert r.status_code == 200, r.text
    return rid, ids


def school_meals() -> dict:
    doc = meals()
    doc["project"]["department"] = "教育局"  # the department of the fixture's department user
    return doc


def test_monitoring_by_warning_and_the_monitoring_workbook(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    r = client.post(f"{base}/projects/{green}/monitoring", headers=reviewer,
                    json={"as_of": "2025年7月31日", "spent": "120", "actuals": [{"indicator": 0, "value": 1500}]})
    assert r.status_code == 201, r.text
    body = r.json()
    # 212/365 = 58.08%; spent 120/400 = 30%, 28.08 points behind → 预警
    assert body["result"]["status"] == "预警" and body["result"]["time_progress"] == 58.08
    assert body["entered_by"] == "审核员乙" and body["entered_at"].endswith("+08:00")
    assert body["result"]["findings"][0]["code"] == "MON_SPEND_LAG" and "加快" in body["result"]["findings"][0][
        "suggestion"]
    page = client.get(f"{base}/monitoring", headers=reviewer).json()
    assert page["statuses"] == {"预警": 1, "关注": 0, "正常": 0, "未填报": 1} and page["approved"] == 2
    assert [(p["project_id"], p["status"]) for p in page["projects"]] == [(green, "预警"), (meal, "未填报")]
    assert client.get(f"{base}/monitoring?status=未填报", headers=reviewer).json()["total"] == 1
    r = client.get(f"{base}/monitoring.xlsx", headers=reviewer)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["监控汇总", "指标监控明细"]
    summary = list(wb["监控汇总"].iter_rows(values_only=True))
    assert summary[1][2] == "城区道路绿化提升工程" and summary[1][11] == "预警" and summary[1][9] == 30
    assert "落后 28.08 个百分点" in summary[1][13]
    entered = datetime.strptime(summary[1][16], "%Y-%m-%d %H:%M").replace(tzinfo=timezone(timedelta(hours=8)))
    assert abs(entered - datetime.now(UTC)) < timedelta(minutes=5)  # Beijing time, as the column says
    detail = list(wb["指标监控明细"].iter_rows(values_only=True))
    assert detail[1][5:10] == ("新种植行道树数量", "≥2000", 1500, 75, "正常")
    assert len(detail) == 1 + 6 + 5  # every indicator of both projects


def test_the_actuals_workbook_is_filled_and_read_back_for_many_projects(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    r = client.get(f"{base}/actuals.xlsx", headers=reviewer)
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["实际完成值"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目编号", "项目名称", "预算部门") and len(rows) == 1 + 6 + 5
    assert rows[1][0] == green and rows[1][8] == "新种植行道树数量" and rows[1][9] == "≥2000"
    ws["L2"], ws["N2"], ws["O2"] = 1500, "2025-07-31", 120   # greening: trees, date, money
    ws["L8"], ws["O8"] = 1700, 300                           # meals: pupils, money; date from the form
    ws["L3"] = "见附件"                                      # a rate that cannot be read: 关注, not a refusal
    ws.append([99999, "不存在的项目", "", None, None, 1, "", "", "", "", "", 5])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(f"{base}/monitoring/import", headers=reviewer, data={"as_of": "2025-07-31"},
                    files={"file": ("填报表.xlsx", buf.getvalue())})
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 2 and "99999" in r.json()["problems"][0]
    page = client.get(f"{base}/monitoring", headers=reviewer).json()
    statuses = {p["project_id"]: p["status"] for p in page["projects"]}
    assert statuses == {green: "预警", meal: "关注"}
    entries = client.get(f"{base}/projects/{meal}/monitoring", headers=reviewer).json()["entries"]
    assert entries[0]["as_of"] == "2025-07-31" and entries[0]["spent"] == 300
    # the same workbook under looser rules: 28.08 and 15.58 points behind are both under 30 → 正常; the
    # unreadable rate keeps the greening project at 关注
    r = client.post(f"{base}/monitoring/import", headers=reviewer,
                    data={"as_of": "2025-07-31", "rules": '{"warn_gap": 40, "watch_gap": 30}'},
                    files={"file": ("填报表.xlsx", buf.getvalue())})
    assert r.status_code == 200 and r.json()["stored"] == 2
    page = client.get(f"{base}/monitoring", headers=reviewer).json()
    assert {p["project_id"]: p["status"] for p in page["projects"]} == {green: "关注", meal: "正常"}
    r = client.post(f"{base}/monitoring/import", headers=reviewer, data={"rules": '{"warn_gap": 5, "watch_gap": 9}'},
                    files={"file": ("填报表.xlsx", buf.getvalue())})
    assert r.status_code == 422 and "watch_gap" in r.json()["error"]["message"]


@pytest.mark.parametrize("name", ["填报表.xls", "填报表.et"])
def test_the_actuals_workbook_saved_as_xls_is_read_as_the_xlsx(client, reviewer, name):
    """WPS and old Excel save the filled workbook as .xls (Excel 97-2003), WPS also as its own .et, which holds
    the same compound workbook: read the same way."""
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    wb = load_workbook(io.BytesIO(client.get(f"{base}/actuals.xlsx", headers=reviewer).content))
    ws = wb["实际完成值"]
    ws["L2"], ws["N2"], ws["O2"] = 1500, "2025-07-31", 120
    ws["L8"], ws["O8"] = 1700, 300
    sheets = {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in wb.worksheets}
    r = client.post(f"{base}/monitoring/import", headers=reviewer, data={"as_of": "2025-07-31"},
                    files={"file": (name, xls_bytes(sheets))})
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 2
    entries = client.get(f"{base}/projects/{meal}/monitoring", headers=reviewer).json()["entries"]
    assert entries[0]["spent"] == 300


def test_self_evaluation_the_self_evaluation_workbook_and_results(client, reviewer, users):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), school_meals()])
    base = f"/api/v1/reviews/{rid}"
    values = [1800, "96%", "2025年10月31日", 1600, "99.5", "部分达成"]
    reasons = {0: "两处路段拆迁延后", 4: "一处绿带在施工", 5: "部分路段未完工"}
    actuals = [{"indicator": i, "value": v, "reason": reasons.get(i)} for i, v in enumerate(values)]
    r = client.post(f"{base}/projects/{green}/evaluation", headers=reviewer, json={"spent": 360, "actuals": actuals})
    assert r.status_code == 201, r.text
    assert (r.json()["result"]["score"], r.json()["result"]["grade"]) == (91.57, "优")
    dept = bearer(users["department"])
    r = client.post(f"{base}/projects/{meal}/evaluation", headers=dept,
                    json={"spent": 240, "actuals": [{"indicator": i, "value": v} for i, v in
                                                    enumerate([2000, 100, 5, 0.5, "45%"])]})
    assert r.status_code == 201 and r.json()["result"]["score"] == 66.67 and r.json()["evaluated_by"] == "教育局丙"
    page = client.get(f"{base}/evaluations", headers=dept).json()
    assert page["grades"] == {"优": 1, "良": 0, "中": 1, "差": 0}
    assert [(p["project_id"], p["score"], p["reasons_missing"]) for p in page["projects"]] == [
        (green, 91.57, 1), (meal, 66.67, 3)]  # pupils, 营养 and 满意度 missed without a reason
    wb = load_workbook(io.BytesIO(client.get(f"{base}/self-evaluation.xlsx", headers=reviewer).content))
    assert wb.sheetnames == ["自评汇总", "自评表"]
    blocks = list(wb["自评表"].iter_rows(values_only=True))
    assert blocks[0][0].startswith("项目支出绩效自评表（2025年度）")
    assert blocks[2][:7] == ("项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分")
    assert blocks[3][:7] == ("年度资金总额", 400, 400, 360, 10, 90, 9)
    # met: 成活率 96% and the deadline; missed: trees, cost, coverage 99.5, 部分达成
    assert blocks[5][4] == "6 个指标中 2 个达到年度指标值，自评得分 91.57 分"
    totals = [row for row in blocks if row[0] == "总分"]
    assert [t[6] for t in totals] == [91.57, 66.67] and totals[0][7] == "自评等级：优"
    assert client.post(f"{base}/results", headers=dept, json={}).status_code == 403
    r = client.post(f"{base}/results", headers=reviewer, json={})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(p["grade"], p["suggested_budget"]) for p in body["projects"]] == [("优", 400), ("中", 432)]
    assert {d["department"]: d["change"] for d in body["departments"]} == {"市城市管理局": 0, "教育局": -48}
    r = client.post(f"{base}/results", headers=reviewer,
                    json={"rules": {"mode": "rank", "quotas": {"优": 0.5, "良": 0.5}}})
    assert [p["grade"] for p in r.json()["projects"]] == ["优", "良"]
    r = client.post(f"{base}/results", headers=reviewer, json={"rules": {"mode": "rank", "quotas": {"优": 0.5}}})
    assert r.status_code == 422 and "之和应为 1" in r.json()["error"]["message"]


def test_who_may_enter_and_what_may_be_entered(client, reviewer, users):
    rid, (green, meal, other) = approved_season(client, reviewer, [greening(), school_meals(), meals()],
                                                approve={0, 1})
    base = f"/api/v1/reviews/{rid}"
    dept = bearer(users["department"])
    entry = {"as_of": "2025-07-31", "spent": 100, "actuals": []}
    assert client.post(f"{base}/projects/{green}/monitoring", json=entry).status_code == 401
    r = client.post(f"{base}/projects/{green}/monitoring", json=entry, headers=dept)
    assert r.status_code == 403 and "市城市管理局" in r.json()["error"]["message"]
    assert client.post(f"{base}/projects/{meal}/monitoring", json=entry, headers=dept).status_code == 201
    r = client.post(f"{base}/projects/{other}/monitoring", json=entry, headers=reviewer)
    assert r.status_code == 409 and "通过" in r.json()["error"]["message"]
    r = client.post(f"{base}/projects/{meal}/monitoring", json={**entry, "as_of": "2025-02-30"}, headers=dept)
    assert r.status_code == 422 and "2025-08-07" in r.json()["error"]["message"]
    r = client.post(f"{base}/projects/{meal}/monitoring", headers=dept,
                    json={**entry, "actuals": [{"indicator": 9, "value": 1}]})
    assert r.status_code == 422 and "只有 5 个指标" in r.json()["error"]["message"]
    assert client.get(f"{base}/projects/{meal}/evaluation", headers=dept).status_code == 404
    assert client.get("/api/v1/reviews/999999/monitoring", headers=dept).status_code == 404


def test_monitoring_and_evaluations_survive_a_restart(kb_settings, client, reviewer):
    rid, (green,) = approved_season(client, reviewer, [greening()])
    base = f"/api/v1/reviews/{rid}"
    client.post(f"{base}/projects/{green}/monitoring", headers=reviewer,
                json={"as_of": "2025-07-31", "spent": 120, "actuals": [{"indicator": 0, "value": 1500}]})
    values = [2000, "96%", "2025年10月20日", 1450, "100", "达成"]
    client.post(f"{base}/projects/{green}/evaluation", headers=reviewer,
                json={"spent": 400, "actuals": [{"indicator": i, "value": v} for i, v in enumerate(values)]})
    get_engine(kb_settings).dispose()  # every connection closed, as when the server stops
    with TestClient(create_app(kb_settings)) as again:
        page = again.get(f"{base}/monitoring", headers=reviewer).json()
        assert [(p["project_id"], p["status"], p["spend_progress"]) for p in page["projects"]] == [
            (green, "预警", 30.0)]
        evaluation = again.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()
        assert evaluation["result"]["score"] == 100 and evaluation["evaluated_by"] == "审核员乙"


def test_an_evaluated_season_grounds_next_years_checks(client, reviewer):
    """Year N approved and evaluated; year N+1's goal check and season filing take its actuals as baselines."""
    doc = greening()
    doc["project"]["name"] = "城区道路绿化提升工程（二期）"
    rid, (green,) = approved_season(client, reviewer, [doc])
    values = [1800, "96%", "2025年10月20日", 1450, "100", "达成"]
    r = client.post(f"/api/v1/reviews/{rid}/projects/{green}/evaluation", headers=reviewer,
                    json={"spent": 400, "actuals": [{"indicator": i, "value": v, "reason": "拆迁延后" if i == 0 else None}
                                                    for i, v in enumerate(values)]})
    assert r.status_code == 201
    doc["project"]["year"] = 2026
    doc["indicators"][0]["value"] = "≥1600"
    doc["indicators"][2]["value"] = "2026年10月底前"
    anonymous = client.post("/api/v1/goals/check", json=doc).json()  # last year's actuals are review data
    assert "IND_TARGET_BELOW_BASELINE" not in {f["code"] for f in anonymous["findings"]}
    result = client.post("/api/v1/goals/check", json=doc, headers=reviewer).json()
    below = {f["indicator"]: f["message"] for f in result["findings"] if f["code"] == "IND_TARGET_BELOW_BASELINE"}
    # 1600 trees below 1800, ≥95% below 96%, and a cost of ≤1500 元/株 above last year's 1450
    assert sorted(below) == [0, 1, 3] and "上年实际值『1800株』" in below[0] and "高于上年实际值『1450元/株』" in below[3]
    r = client.post("/api/v1/reviews", json={"name": "2026年项目绩效目标", "documents": [doc]}, headers=reviewer)
    season = client.get(f"/api/v1/reviews/{r.json()['id']}", headers=reviewer).json()
    assert "IND_TARGET_BELOW_BASELINE" in season["projects"][0]["codes"]
    doc["project"]["department"] = "区城市管理局"  # another department's project of the same name: no history
    result = client.post("/api/v1/goals/check", json=doc, headers=reviewer).json()
    assert "IND_TARGET_BELOW_BASELINE" not in {f["code"] for f in result["findings"]}


def test_year_end_actuals_imported_from_the_workbook_are_scored(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()], approve={0})
    base = f"/api/v1/reviews/{rid}"
    wb = load_workbook(io.BytesIO(client.get(f"{base}/actuals.xlsx?kind=evaluation", headers=reviewer).content))
    ws = wb["实际完成值"]
    assert ws.max_row == 1 + 6  # only the approved project's indicators
    for n, (value, reason) in enumerate(((1800, "拆迁延后"), ("96%", None), ("2025年10月31日", None), (1600, None),
                                         ("99.5", "施工"), ("部分达成", "未完工"))):
        ws.cell(row=2 + n, column=12, value=value)
        ws.cell(row=2 + n, column=13, value=reason)
    ws["O2"] = "360"
    ws.append([green, "", "", None, None, "第一", "", "", "", "", "", 1])  # a row number that is not a number
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评.xlsx", buf.getvalue())})
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 1 and "第 8 行" in r.json()["problems"][0]
    evaluation = client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()
    # the same actuals as tests/indicators/test_evaluation.py: 91.57, row 3 missed without a reason
    assert evaluation["result"]["score"] == 91.57 and evaluation["spent"] == 360
    assert [f["indicator"] for f in evaluation["result"]["findings"] if f["code"] == "EVAL_REASON_MISSING"] == [3]
    # the next download carries what was entered
    again = load_workbook(io.BytesIO(client.get(f"{base}/actuals.xlsx?kind=evaluation", headers=reviewer).content))
    assert again["实际完成值"]["L2"].value == 1800 and again["实际完成值"]["M2"].value == "拆迁延后"
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("x.xlsx", b"not a workbook")})
    assert r.status_code == 422 and "xlsx" in r.json()["error"]["message"]


def test_departments_own_self_evaluation_forms_are_matched_to_the_approved_goals_and_scored(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()], approve={0})
    base = f"/api/v1/reviews/{rid}"
    stranger = [("产出指标", "数量指标", "新装路灯数量", "≥300盏", 320, 50, 50, None)]
    extra = [*GREENING_ROWS, (None, "时效指标", "养护交接及时率", "100%", "100%", 5, 5, None)]
    data = xlsx_bytes({"绿化": national_form("2025年城区绿化工程", "市城市管理局", extra),   # renamed
                       "路灯": national_form("城区路灯节能改造", "市城市管理局", stranger),
                       "营养餐": national_form("农村义务教育学生营养改善计划", "县教育局", stranger)})
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("各单位自评表.xlsx", data)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] == 1
    # the unknown project, the project not approved, and the row the approved goal has no indicator for
    assert len(body["problems"]) == 3
    (note,) = body["notes"]   # taken, but worth a look
    assert "› 绿化：" in note and "『城区道路绿化提升工程』不一致" in note
    assert any("› 路灯：" in p and "城区路灯节能改造" in p and "找不到" in p for p in body["problems"])
    assert any("› 营养餐：" in p and "『待审』" in p and "批复通过后再导入" in p for p in body["problems"])
    assert any("› 绿化 F19：" in p and "养护交接及时率" in p for p in body["problems"])
    evaluation = client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()
    # the same actuals as the filled workbook above give the same score
    assert evaluation["result"]["score"] == 91.57 and evaluation["spent"] == 360
    # in Word, the money in 元: read in the budget's 万元
    doc = docx_bytes(Table(plain(national_form("城区道路绿化提升工程", "市城市管理局", GREENING_ROWS, spent=3_800_000,
                                               money_label="项目资金（元）"))))
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评表.docx", doc)})
    assert r.status_code == 200 and r.json() == {"stored": 1, "problems": [], "notes": []}
    assert client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()["spent"] == 380
    # printed to PDF
    printed = pdf_bytes("项目支出绩效自评表", Table(plain(national_form("城区道路绿化提升工程", "市城市管理局", GREENING_ROWS,
                                                                   spent=390)[2:])))
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评表.pdf", printed)})
    assert r.status_code == 200 and r.json() == {"stored": 1, "problems": [], "notes": []}
    assert client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()["spent"] == 390


def test_a_self_evaluation_form_is_not_taken_as_monitoring_nor_a_form_without_money_spent(client, reviewer):
    rid, (green,) = approved_season(client, reviewer, [greening()])
    base = f"/api/v1/reviews/{rid}"
    form = xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", GREENING_ROWS)})
    r = client.post(f"{base}/monitoring/import", headers=reviewer, files={"file": ("自评表.xlsx", form)})
    assert r.status_code == 422 and "绩效监控表" in r.json()["error"]["message"]   # no 1-7月执行情况 column
    blank = xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", GREENING_ROWS, spent=None)})
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评表.xlsx", blank)})
    assert r.status_code == 200 and r.json()["stored"] == 0 and "全年执行数" in r.json()["problems"][0]
    assert client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).status_code == 404
    goal = xlsx_bytes({"申报表": [("项目名称", "城区道路绿化提升工程"), ("一级指标", "二级指标", "三级指标", "指标值"),
                                  ("产出指标", "数量指标", "新种植行道树数量", "2000")]})
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("申报表.xlsx", goal)})
    assert r.status_code == 422 and "项目支出绩效自评表" in r.json()["error"]["message"]
    many = season_list([(f"项目{n}", "市城市管理局", 1, GREENING_ROWS[:1]) for n in range(2001)])
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评.xlsx", xlsx_bytes({"表": many}))})
    assert r.status_code == 413 and "2001 个项目" in r.json()["error"]["message"]


def test_departments_own_monitoring_forms_are_dated_by_the_month_they_cover(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    july = monitoring_form("城区道路绿化提升工程", "市城市管理局", GREENING_MID_ROWS, year=None)   # the goal's year
    undated = monitoring_form("农村义务教育学生营养改善计划", "县教育局",
                              [("产出指标", "数量指标", "受益学生人数", "≥4000人", 4000, 4000, None, "确定能")],
                              progress="执行情况", money="执行数", spent=300)
    data = xlsx_bytes({"绿化": july, "营养餐": undated})
    r = client.post(f"{base}/monitoring/import", headers=reviewer, files={"file": ("监控表.xlsx", data)})
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text
    assert r.json()["problems"] == ["监控表.xlsx › 营养餐：项目『农村义务教育学生营养改善计划』的监控表没有写明截至哪个月"
                                    "（如 1-7月执行情况），上传时也没有填写截止日期，未导入；请在上传时填写截止日期"
                                    "（如 2025-07-31）"]
    (entry,) = client.get(f"{base}/projects/{green}/monitoring", headers=reviewer).json()["entries"]
    assert (entry["as_of"], entry["spent"]) == ("2025-07-31", 180)
    assert [(a["indicator"], a["value"]) for a in entry["actuals"]] == [(0, 1500), (1, "96%"), (3, 1400)]
    # the date the form does not say comes from the upload's
    r = client.post(f"{base}/monitoring/import", headers=reviewer, data={"as_of": "2025-06-30"},
                    files={"file": ("监控表.xlsx", xlsx_bytes({"营养餐": undated}))})
    assert r.json() == {"stored": 1, "problems": [], "notes": []}
    assert client.get(f"{base}/projects/{meal}/monitoring", headers=reviewer).json()["entries"][0]["as_of"] == \
        "2025-06-30"


def test_the_exported_self_evaluation_workbook_corrected_and_uploaded_again_is_read_back(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    for pid, spent, actuals in ((green, 360, [(0, 1800, "拆迁延后"), (1, "96%", None), (2, "2025年10月31日", None),
                                              (3, 1600, None), (4, "99.5", "施工"), (5, "部分达成", "未完工")]),
                                (meal, 240, [(0, 2000, None), (1, 100, None), (2, 5, None), (3, 0.5, None),
                                             (4, "45%", None)])):
        r = client.post(f"{base}/projects/{pid}/evaluation", headers=reviewer, json={
            "spent": spent, "actuals": [{"indicator": n, "value": v, "reason": why} for n, v, why in actuals]})
        assert r.status_code == 201, r.text
    before = {p["project_id"]: p["score"] for p in client.get(f"{base}/evaluations", headers=reviewer).json()["projects"]}
    wb = load_workbook(io.BytesIO(client.get(f"{base}/self-evaluation.xlsx", headers=reviewer).content))
    ws = wb["自评表"]
    (row,) = [r for r in ws.iter_rows() if r[2].value == "新种植行道树数量"]
    row[4].value = 2000   # the count corrected: the target met
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files={"file": ("自评表.xlsx", buf.getvalue())})
    assert r.json() == {"stored": 2, "problems": [], "notes": []}   # the summary sheet beside the forms is no problem
    after = {p["project_id"]: p["score"] for p in client.get(f"{base}/evaluations", headers=reviewer).json()["projects"]}
    assert after[meal] == before[meal] and after[green] > before[green]
    evaluation = client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()
    assert evaluation["actuals"][0]["value"] == 2000 and evaluation["spent"] == 360


def test_the_departments_forms_come_several_files_at_once_and_a_bad_file_holds_back_no_other(client, reviewer):
    rid, (green, meal) = approved_season(client, reviewer, [greening(), meals()])
    base = f"/api/v1/reviews/{rid}"
    meal_rows = [("产出指标", "数量指标", "受益学生人数", "≥4000人", 4100, 20, 20, None)]
    sent = [("files", ("绿化.xlsx", xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局",
                                                                         GREENING_ROWS)}))),
            ("files", ("营养餐.docx", docx_bytes(Table(plain(national_form("农村义务教育学生营养改善计划", "县教育局",
                                                                          meal_rows, spent=450)))))),
            ("files", ("绿化（重复）.xlsx", xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局",
                                                                               GREENING_ROWS, spent=1)}))),
            ("files", ("坏文件.xlsx", b"not a workbook"))]
    r = client.post(f"{base}/evaluations/import", headers=reviewer, files=sent)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] == 2 and len(body["problems"]) == 2
    assert body["problems"][0].startswith("绿化（重复）.xlsx › 自评表：") and "不止一次" in body["problems"][0]
    assert body["problems"][1].startswith("坏文件.xlsx：")
    assert client.get(f"{base}/projects/{green}/evaluation", headers=reviewer).json()["spent"] == 360   # the first
    assert client.get(f"{base}/projects/{meal}/evaluation", headers=reviewer).json()["spent"] == 450
    r = client.post(f"{base}/evaluations/import", headers=reviewer, data={"rules": ""})
    assert r.status_code == 422 and "没有收到文件" in r.json()["error"]["message"]
