"""/api/v1/goals over HTTP: contract shapes, and bad input of every kind gets a 4xx or findings,
never a 500."""

import json

import pytest

GOOD = {
    "project": {"name": "农村义务教育学生营养改善计划", "department": "县教育局", "direction": "学生营养改善计划",
                "budget": 480, "year": 2025, "description": "为农村义务教育学生提供营养膳食补助"},
    "goal": "为全县4000名农村义务教育学生提供营养膳食补助，供餐天数不少于200天，食堂食品安全检查合格率100%，"
            "补助资金按月拨付，受益学生及家长满意度不低于90%。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "营养膳食补助受益学生人数", "operator": "≥",
         "value": "4000", "unit": "人", "basis": "计划标准"},
        {"level1": "产出指标", "level2": "数量指标", "name": "营养餐供餐天数", "operator": "≥", "value": "200",
         "unit": "天", "basis": "计划标准"},
        {"level1": "产出指标", "level2": "质量指标", "name": "学校食堂食品安全检查合格率", "operator": "=",
         "value": "100", "unit": "%", "basis": "行业标准"},
        {"level1": "产出指标", "level2": "时效指标", "name": "膳食补助资金按月拨付率", "operator": "=",
         "value": "100", "unit": "%", "basis": "计划标准"},
        {"level1": "成本指标", "level2": "经济成本指标", "name": "生均膳食补助标准", "operator": "=", "value": "5",
         "unit": "元/人·天", "basis": "其他标准"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "学生营养不良检出率下降幅度", "operator": "≥",
         "value": "1", "unit": "%", "basis": "历史标准"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "受益学生及家长满意度", "operator": "≥",
         "value": "90", "unit": "%", "basis": "历史标准"},
    ],
}


def codes(body):
    return {f["code"] for f in body["findings"]}


def test_check_returns_findings_score_and_grade(client):
    r = client.post("/api/v1/goals/check", json=GOOD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert 0 <= body["score"] <= 100 and body["grade"] in "优良中差"
    for f in body["findings"]:
        assert set(f) >= {"code", "severity", "message", "indicator", "suggestion"}
    assert not {"GOAL_MISSING", "DIM_MISSING_COST", "IND_UNIT_MISSING"} & codes(body)


def test_traditional_and_fullwidth_document_is_understood(client):
    doc = json.loads(json.dumps(GOOD, ensure_ascii=False).replace("满意度", "滿意度").replace("人数", "人數"))
    doc["indicators"][0]["value"] = "４０００"
    doc["indicators"][2]["value"] = "１００％"
    body = client.post("/api/v1/goals/check", json=doc).json()
    assert not {"IND_VALUE_MISSING", "IND_VALUE_VAGUE", "DIM_MISSING_SATISFACTION"} & codes(body)


def test_vague_value_is_a_finding_not_an_error(client):
    doc = json.loads(json.dumps(GOOD))
    doc["indicators"][2]["value"] = "明显提高"
    body = client.post("/api/v1/goals/check", json=doc).json()
    finding = next(f for f in body["findings"] if f["code"] == "IND_VALUE_VAGUE")
    assert finding["indicator"] == 2 and finding["suggestion"]


def test_empty_goal_and_no_indicators_are_findings(client):
    body = client.post("/api/v1/goals/check", json={"project": {"name": "某项目"}, "goal": "", "indicators": []})
    assert body.status_code == 200
    assert {"GOAL_MISSING", "DIM_MISSING_QUANTITY", "BUDGET_MISSING"} <= codes(body.json())
    assert body.json()["grade"] == "差"


@pytest.mark.parametrize("payload", [
    b"{not json", b"", b"[]", b'"text"', b"null",
    json.dumps({"goal": "x", "indicators": []}).encode(),                       # no project
    json.dumps({"project": {"name": ["a"]}, "goal": "", "indicators": []}).encode(),  # wrong type
    json.dumps({"project": {"name": "x"}, "goal": "", "indicators": "none"}).encode(),
    json.dumps({"project": {"name": "x", "budget": "很多"}, "goal": "", "indicators": []}).encode(),
    json.dumps({"project": {"name": "x", "budget_unit": "美元"}, "goal": "", "indicators": []}).encode(),
    json.dumps({"project": {"name": "x"}, "goal": "", "indicators": [{"value": {"a": 1}}]}).encode(),
])
def test_malformed_documents_get_422_with_the_field(client, payload):
    r = client.post("/api/v1/goals/check", content=payload, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["message"] and error["details"] and all("field" in d for d in error["details"])


def test_oversized_body_is_413(client):
    big = {"project": {"name": "x"}, "goal": "长" * 6_000_000, "indicators": []}
    r = client.post("/api/v1/goals/check", json=big)
    assert r.status_code == 413 and "超过 12 MB 的上限（KB_MAX_BODY_BYTES）" in r.json()["error"]["message"]


def test_batch_checks_each_document_and_reports_bad_ones(client):
    r = client.post("/api/v1/goals/check/batch", json={"documents": [GOOD, {"project": {}}, GOOD]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["documents"] == 3 and body["summary"]["invalid"] == 1
    assert [x["valid"] for x in body["results"]] == [True, False, True]
    assert "project" in body["results"][1]["error"]


def test_draft_covers_every_dimension_with_library_indicators(client):
    r = client.post("/api/v1/goals/draft", json={"project": {"name": "农村学生营养午餐补助", "budget": 300}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["goal"] and 1 <= len(doc["indicators"]) <= 15
    level1 = {i["level1"] for i in doc["indicators"]}
    assert level1 == {"产出指标", "成本指标", "效益指标", "满意度指标"}
    outputs = {i["level2"] for i in doc["indicators"] if i["level1"] == "产出指标"}
    assert outputs == {"数量指标", "质量指标", "时效指标"}
    assert any("营养" in i["name"] or "膳食" in i["name"] for i in doc["indicators"])


@pytest.mark.parametrize("payload", [{}, {"project": {}}, {"project": {"name": ""}}, {"project": "营养"}])
def test_draft_without_a_project_name_is_422(client, payload):
    assert client.post("/api/v1/goals/draft", json=payload).status_code == 422


def test_template_downloads_as_a_workbook(client):
    from io import BytesIO

    from openpyxl import load_workbook

    r = client.get("/api/v1/goals/template.xlsx")
    assert r.status_code == 200 and "goal-template.xlsx" in r.headers["content-disposition"]
    assert load_workbook(BytesIO(r.content)).sheetnames


def test_filled_workbooks_are_checked_and_bad_files_reported(client):
    from indicators.goal_template import goal_workbook
    from indicators.goals import GoalDocument

    filled = goal_workbook([GoalDocument.model_validate(GOOD)])
    files = [("files", ("项目.xlsx", filled)), ("files", ("notes.txt", b"hello"))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert body["summary"]["checked"] == 1 and body["results"][0]["source"] == "项目.xlsx"
    assert body["results"][0]["project"] == GOOD["project"]["name"]
    assert len(body["problems"]) == 1 and "notes.txt" in body["problems"][0]


def test_a_gbk_csv_goal_table_is_checked_like_a_workbook(client):
    rows = ["项目名称,城区路灯维护", "年度资金总额,100", "年度绩效目标,维修路灯3200盏，亮灯率不低于98%。",
            "一级指标,二级指标,三级指标,符号,指标值,计量单位", "产出指标,数量指标,维修路灯数量,≥,3200,盏",
            "效益指标,社会效益指标,亮灯率,≥,98,%"]
    files = [("files", ("路灯.csv", "\n".join(rows).encode("gbk")))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert body["summary"]["checked"] == 1 and body["results"][0]["source"] == "路灯.csv"
    assert body["results"][0]["project"] == "城区路灯维护" and body["problems"] == []


def test_an_xls_goal_table_is_checked_and_a_damaged_one_reported_beside_it(client):
    from tests.xls_workbooks import xls_bytes

    rows = [("项目名称", "城区路灯维护"), ("年度资金总额", 100), ("年度绩效目标", "维修路灯3200盏，亮灯率不低于98%。"),
            ("一级指标", "二级指标", "三级指标", "符号", "指标值", "计量单位"),
            ("产出指标", "数量指标", "维修路灯数量", "≥", 3200, "盏"), ("效益指标", "社会效益指标", "亮灯率", "≥", 98, "%")]
    table = xls_bytes({"路灯": rows})
    files = [("files", ("路灯.xls", table)), ("files", ("坏.xls", table[:1500])),
             ("files", ("营养餐.json", json.dumps(GOOD).encode()))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert body["summary"]["checked"] == 2
    assert [r["source"] for r in body["results"]] == ["路灯.xls", "营养餐.json"]
    assert body["results"][0]["project"] == "城区路灯维护"
    (problem,) = body["problems"]
    assert problem.startswith("坏.xls") and "Excel 97-2003" in problem and "另存为 .xlsx" in problem


def test_a_wps_et_goal_table_is_checked_and_a_wps_document_told_to_be_saved_as_docx(client):
    """Departments on WPS send its own formats: 表格's .et holds an .xls and is read; 文字's .wps is not."""
    from tests.xls_workbooks import xls_bytes

    rows = [("项目名称", "城区路灯维护"), ("年度资金总额", 100), ("年度绩效目标", "维修路灯3200盏，亮灯率不低于98%。"),
            ("一级指标", "二级指标", "三级指标", "符号", "指标值", "计量单位"),
            ("产出指标", "数量指标", "维修路灯数量", "≥", 3200, "盏"), ("效益指标", "社会效益指标", "亮灯率", "≥", 98, "%")]
    files = [("files", ("路灯.et", xls_bytes({"路灯": rows}))), ("files", ("说明.wps", b"\xd0\xcf\x11\xe0"))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert [(r["source"], r["project"]) for r in body["results"]] == [("路灯.et", "城区路灯维护")]
    (problem,) = body["problems"]
    assert problem.startswith("说明.wps：是 WPS 文字文档") and problem.endswith("另存为 Word 文件（.docx）后上传")


def test_a_goal_table_written_in_word_is_checked_and_an_old_doc_told_what_to_do(client):
    from tests.word_documents import Table, docx_bytes

    table = Table([("项目名称", "城区路灯维护"), ("年度资金总额（万元）", "100"), ("年度绩效目标", "维修路灯3200盏，亮灯率不低于98%。"),
                   ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
                   ("效益指标", "社会效益指标", "亮灯率", "≥98%")])
    files = [("files", ("路灯.docx", docx_bytes("2025年度项目支出绩效目标表", table))), ("files", ("旧表.doc", b"\xd0\xcf"))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert body["summary"]["checked"] == 1 and body["results"][0]["source"] == "路灯.docx"
    assert body["results"][0]["project"] == "城区路灯维护"
    (problem,) = body["problems"]
    assert problem.startswith("旧表.doc：是 Word 97-2003 文档") and "另存为 .docx" in problem


def test_a_budget_systems_list_of_a_season_is_checked_project_by_project(client):
    """The rest of a list is checked when one project in it cannot be read, and that one is named by its cell."""
    from tests.season_lists import SEASON_LIST
    from tests.xls_workbooks import xlsx_bytes

    body = client.post("/api/v1/goals/check/workbook", files=[("files", ("全部项目.xlsx", xlsx_bytes({"目标": SEASON_LIST})))]).json()
    assert [r["project"] for r in body["results"]] == ["城区路灯维护", "学生资助"]
    (problem,) = body["problems"]
    assert problem.startswith("全部项目.xlsx › 目标 C4：『很多』")


def test_a_csv_that_cannot_be_read_is_named_once_with_what_to_do(client):
    wide = (",".join(["x"] * 500) + "\n").encode()
    binary = bytes(range(128, 256)) * 40   # no UTF-8, nor GB18030 either
    r = client.post("/api/v1/goals/check/workbook", files=[("files", ("宽.csv", wide)), ("files", ("图片.csv", binary))])
    details = r.json()["error"]["details"]
    assert r.status_code == 422 and len(details) == 2
    assert details[0].startswith("宽.csv：第 1 行有 500 列") and details[0].count("宽.csv") == 1
    assert details[1].startswith("图片.csv：不是 UTF-8 或 GBK 编码") and "另存为" in details[1]


def test_workbook_check_can_return_the_summary_workbook(client):
    from indicators.goal_template import goal_workbook
    from indicators.goals import GoalDocument

    filled = goal_workbook([GoalDocument.model_validate(GOOD)])
    r = client.post("/api/v1/goals/check/workbook", params={"format": "xlsx"}, files=[("files", ("a.xlsx", filled))])
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_unreadable_upload_is_422_with_the_reasons(client):
    r = client.post("/api/v1/goals/check/workbook", files=[("files", ("broken.xlsx", b"PK\x03\x04garbage"))])
    assert r.status_code == 422 and r.json()["error"]["details"]


def test_a_goal_table_printed_to_pdf_is_checked_and_a_scan_told_what_to_send(client):
    from tests.pdf_documents import pdf_bytes, scanned_pdf
    from tests.word_documents import Table

    table = Table([("项目名称", "城区路灯维护"), ("年度资金总额（万元）", "100"), ("年度绩效目标", "维修路灯3200盏，亮灯率不低于98%。"),
                   ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
                   ("效益指标", "社会效益指标", "亮灯率", "≥98%")])
    files = [("files", ("路灯.pdf", pdf_bytes("2025年度项目支出绩效目标表", table))), ("files", ("扫描件.pdf", scanned_pdf()))]
    body = client.post("/api/v1/goals/check/workbook", files=files).json()
    assert body["summary"]["checked"] == 1 and body["results"][0]["source"] == "路灯.pdf"
    assert body["results"][0]["project"] == "城区路灯维护"
    (problem,) = body["problems"]
    assert problem.startswith("扫描件.pdf") and "扫描件" in problem and ".xlsx" in problem
