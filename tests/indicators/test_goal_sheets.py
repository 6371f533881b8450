"""The goal spreadsheet: template, round trip, tolerant reading, per-cell errors, batches, the report."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from indicators.checker import check_goal
from indicators.goal_sheets import (
    INSTRUCTIONS,
    GoalSheetError,
    read_goal_batch,
    read_goal_file_partial,
    read_goal_workbook,
    read_goal_workbook_partial,
)
from indicators.goal_template import goal_workbook, template_workbook
from indicators.goals import GoalDocument
from indicators.review_workbook import summary_workbook
from kb.errors import InvalidInput
from tests.season_lists import SEASON_LIST

DOC = GoalDocument.model_validate({
    "project": {"name": "城市公交运营补贴", "department": "市交通运输局", "direction": "城市公共交通", "budget": 6000,
                "year": 2025, "description": "对公交企业给予运营补贴"},
    "goal": "补贴公交运营线路210条，全年公交客运量达到2.4亿人次，乘客满意度达到90%以上。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "补贴公交运营线路", "operator": "≥", "value": "210",
         "unit": "条", "basis": "计划标准", "baseline": "205"},
        {"level1": "产出指标", "level2": "数量指标", "name": "年公交客运量", "operator": "≥", "value": 2.4,
         "unit": "亿人次"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "乘客满意度", "operator": "≥", "value": "90",
         "unit": "%"},
    ],
})


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filled_template(**cells) -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    return workbook_bytes(wb)


def test_template_has_the_申报表_layout_and_instructions():
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[10]][:9]
    assert headers == ["一级指标", "二级指标", "三级指标", "符号", "指标值", "计量单位", "取值依据", "上年实际值",
                       "指标库编码"]
    assert (ws["C6"].value, ws["D6"].value) == ("目标类型", "项目支出")
    assert [ws.cell(row=r, column=1).value for r in range(2, 9)] == [
        "项目名称", "预算部门（单位）", "支出方向", "预算金额", "预算年度", "项目概述", "年度绩效目标"]
    assert INSTRUCTIONS in wb.sheetnames


def test_documents_round_trip_through_a_workbook():
    other = DOC.model_copy(update={"project": DOC.project.model_copy(update={"name": "另一个项目", "budget_unit": "元"})})
    assert read_goal_workbook(goal_workbook([DOC, other])) == [DOC, other]


def test_a_department_goal_and_library_codes_survive_the_round_trip():
    dept = GoalDocument.model_validate({
        "project": {"name": "市统计局部门整体支出", "department": "市统计局", "budget": 1860, "year": 2025,
                    "kind": "department"},
        "goal": "保障机关正常运转，按期完成统计调查任务。",
        "indicators": [
            {"level1": "运行成本", "level2": "经济成本指标", "name": "人员经费控制率", "operator": "≤", "value": "100",
             "unit": "%", "code": "9020101-001"},
            {"level1": "履职效能", "level2": "职责履行", "name": "统计调查任务按期完成率", "operator": "≥", "value": "95",
             "unit": "%"},
        ],
    })
    data = goal_workbook([dept])
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value == "部门（单位）整体绩效目标申报表"
    (back,) = read_goal_workbook(data)
    assert back == dept and back.project.kind == "department"
    assert [i.code for i in back.indicators] == ["9020101-001", None]


def test_an_old_template_without_the_new_columns_still_reads_as_a_project():
    wb = load_workbook(io.BytesIO(goal_workbook([DOC])))
    ws = wb.worksheets[0]
    ws["C6"], ws["D6"], ws["I10"] = None, None, None
    (doc,) = read_goal_workbook(workbook_bytes(wb))
    assert doc == DOC and doc.project.kind == "project"


def test_an_untouched_template_says_what_to_fill():
    with pytest.raises(GoalSheetError) as exc:
        read_goal_workbook(template_workbook())
    (problem,) = exc.value.problems
    assert problem.cell == "B2" and "项目名称" in problem.fix
    assert isinstance(exc.value, InvalidInput) and exc.value.status == 422


def test_traditional_fullwidth_merged_levels_and_percent_cells_are_read():
    data = filled_template(B2="路燈維護", B5="８００", D5="萬元", A11="產出指標", B11="數量指標", C11="維護路燈盞數",
                           D11="＞＝", E11="１２０００", F11="盞", C12="路燈亮燈率", B12="質量指標", E12=0.98)
    wb = load_workbook(io.BytesIO(data))
    wb.worksheets[0]["E12"].number_format = "0%"
    (doc,) = read_goal_workbook(workbook_bytes(wb))
    assert doc.project.budget == 800 and doc.project.budget_unit == "万元"
    second = doc.indicators[1]
    assert second.level1 == "產出指標"        # filled down from the merged cell above
    assert (second.value, second.unit) == (98, "%")
    result = check_goal(doc, None)
    assert not {f.code for f in result.findings} & {"IND_LEVEL_INVALID", "IND_UNIT_MISSING"}


def test_an_export_of_the_budget_system_with_its_own_column_names_is_read():
    """一体化 exports: 一级/二级/三级指标, 指标性质 (≥ / = / 定性), 指标值, 计量单位, 权重 and 指标方向性
    (正向 / 反向); a 定性 row has no value."""
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "村干部报酬补助"])
    ws.append(["年度资金总额", 120])
    ws.append(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "权重", "指标方向性"])
    ws.append(["产出指标", "数量指标", "补助在职村干部人数", "≥", 36, "人", 20, "正向"])
    ws.append(["", "时效指标", "报酬按月发放率", "=", 100, "%", 10, "正向"])
    ws.append(["", "质量指标", "发放对象准确", "定性", None, "", 20, "正向"])
    ws.append(["成本指标", "经济成本指标", "人均年补助标准", "", 3.3, "万元/人", 10, "反向"])
    (doc,) = read_goal_workbook(workbook_bytes(wb))
    assert [i.operator for i in doc.indicators] == ["≥", "=", "定性", "反向"]   # 方向性 only where 性质 is empty
    assert doc.indicators[1].level1 == "产出指标" and doc.project.budget == 120
    got = {f.code for f in check_goal(doc, None).findings if f.indicator in (0, 1, 3)}
    assert "IND_OPERATOR_MISSING" not in got and "IND_LEVEL_INVALID" not in got, got


@pytest.mark.parametrize("target_header", ["年初目标值(A)", "全年指标值", "年度指标值（A）"])
def test_a_self_evaluation_table_is_read_by_its_target_column(target_header):
    """自评表: the target column beside 实际完成值(B), 分值 and 得分; the actuals are not the targets."""
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "生猪养殖场建设项目"])
    ws.append(["年度资金总额", 50])
    ws.append(["一级指标", "二级指标", "三级指标", target_header, "实际完成值(B)", "分值", "得分", "偏差原因分析及改进措施"])
    ws.append(["产出指标", "数量指标", "公猪舍(≥**平方米)", 22.8, 22.8, 10, 10, ""])
    ws.append(["", "质量指标", "验收合格率", "≥95%", "100%", 10, 10, ""])
    (doc,) = read_goal_workbook(workbook_bytes(wb))
    assert [i.value_text for i in doc.indicators] == ["22.8", "≥95%"]
    assert doc.indicators[1].level1 == "产出指标"


# A goal table as a budget system exports it to CSV on Chinese Windows: GBK, the project's labels above
# the indicator table, 指标性质 for the operator, a 定性 row, a blank line between the parts.
EXPORT_CSV = "\r\n".join([
    "项目名称,村干部报酬补助,,,,",
    "年度资金总额,120,,,,",
    "年度绩效目标,按月足额发放36名在职村干部报酬。,,,,",
    ",,,,,",
    "一级指标,二级指标,三级指标,指标性质,指标值,计量单位",
    "产出指标,数量指标,补助在职村干部人数,≥,36,人",
    ",时效指标,报酬按月发放率,=,100,%",
    ",质量指标,发放对象准确,定性,,",
]) + "\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_goal_table_saved_as_csv_is_read_like_a_sheet(encoding):
    (doc,) = read_goal_workbook(EXPORT_CSV.encode(encoding), source="村干部报酬.csv")
    assert doc.project.name == "村干部报酬补助" and doc.project.budget == 120
    assert [(i.level1, i.name, i.operator) for i in doc.indicators] == [
        ("产出指标", "补助在职村干部人数", "≥"), ("产出指标", "报酬按月发放率", "="), ("产出指标", "发放对象准确", "定性")]


def test_a_csv_that_is_not_a_goal_table_says_so_with_the_file_name():
    with pytest.raises(GoalSheetError) as caught:
        read_goal_workbook("姓名,电话\n张三,123\n".encode("gbk"), source="通讯录.csv")
    assert str(caught.value.problems[0]).startswith("通讯录.csv ")
    assert "表头" in str(caught.value.problems[0])


def test_every_bad_cell_is_reported_together():
    data = filled_template(B2="某项目", B5="很多", B6="明年", C11="受益人数", E12="95")
    with pytest.raises(GoalSheetError) as exc:
        read_goal_workbook(data)
    found = {(p.cell, p.value) for p in exc.value.problems}
    assert {("B5", "很多"), ("B6", "明年"), ("C12", "")} <= found
    assert all(p.sheet and p.fix for p in exc.value.problems)
    assert "处需要修改" in exc.value.message


def test_several_sheets_are_several_projects_and_blank_sheets_are_skipped():
    wb = load_workbook(io.BytesIO(goal_workbook([DOC])))
    copy = wb.copy_worksheet(wb.worksheets[0])
    copy["B2"] = "第二个项目"
    wb.create_sheet("空白")
    docs = read_goal_workbook(workbook_bytes(wb))
    assert [d.project.name for d in docs] == ["城市公交运营补贴", "第二个项目"]


def test_a_sheet_without_the_indicator_table_is_an_error_not_skipped():
    wb = load_workbook(io.BytesIO(goal_workbook([DOC])))
    wb.create_sheet("备注")["A1"] = "随便写的内容"
    with pytest.raises(GoalSheetError) as exc:
        read_goal_workbook(workbook_bytes(wb))
    assert exc.value.problems[0].sheet == "备注"


def test_not_a_workbook():
    with pytest.raises(GoalSheetError):
        read_goal_workbook(b"this is not a spreadsheet")


def test_read_goal_batch_reads_json_lines_folders_and_workbooks(tmp_path):
    raw = DOC.model_dump(mode="json")
    (tmp_path / "one.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps({"documents": [raw, raw]}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text("\n".join(json.dumps(raw, ensure_ascii=False) for _ in range(2)) + "\n\n",
                                          encoding="utf-8")
    (tmp_path / "sheet.xlsx").write_bytes(goal_workbook([DOC]))
    (tmp_path / "export.csv").write_bytes(EXPORT_CSV.encode("gbk"))
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert len(read_goal_batch(tmp_path / "one.json")) == 1
    assert len(read_goal_batch(tmp_path / "lines.jsonl")) == 2
    assert len(read_goal_batch(tmp_path)) == 7
    assert read_goal_batch(tmp_path / "sheet.xlsx") == [DOC]


def test_read_goal_batch_reports_every_bad_line(tmp_path):
    good = json.dumps(DOC.model_dump(mode="json"), ensure_ascii=False)
    bad_budget = json.dumps({"project": {"name": "x", "budget": -5}, "goal": "", "indicators": []})
    (tmp_path / "docs.jsonl").write_text("\n".join([good, "{not json", bad_budget]), encoding="utf-8")
    with pytest.raises(GoalSheetError) as exc:
        read_goal_batch(tmp_path / "docs.jsonl")
    cells = [p.cell for p in exc.value.problems]
    assert cells[0] == "第2行" and cells[1].startswith("第3行") and "budget" in cells[1]
    with pytest.raises(GoalSheetError):
        read_goal_batch(tmp_path / "missing.json")


def test_summary_workbook_lists_projects_then_findings():
    weak = DOC.model_copy(update={"goal": ""})
    results = [(DOC, check_goal(DOC, None)), (weak, check_goal(weak, None))]
    wb = load_workbook(io.BytesIO(summary_workbook(results)))
    summary, details = wb["汇总"], wb["问题明细"]
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["城市公交运营补贴", "城市公交运营补贴"]
    assert rows[0][5] == results[0][1].score and rows[1][6] == results[1][1].grade
    assert rows[1][7] >= 1   # GOAL_MISSING is an error
    codes = [r[2] for r in details.iter_rows(min_row=2, values_only=True)]
    assert "GOAL_MISSING" in codes and len(codes) == sum(len(r.findings) for _, r in results)


@pytest.mark.parametrize(("label", "amount", "budget", "unit"), [
    ("年度资金总额：", "16", 16, "万元"), ("项目资金（万元）", "250", 250, "万元"), ("申报金额（元）", "1681680", 1681680, "元"),
])
def test_real_form_labels_are_read_as_the_budget(label, amount, budget, unit):
    wb = Workbook()
    ws = wb.active
    rows = [("项目名称", "城区路灯维护"), (label, amount), ("年度绩效目标", "维修路灯3200盏。"), (), ()]
    for r in rows:
        ws.append(list(r))
    ws.append(["一级指标", "二级指标", "三级指标", "指标值", "计量单位"])
    ws.append(["产出指标", "数量指标", "维修路灯盏数", "3200", "盏"])
    (doc,) = read_goal_workbook(workbook_bytes(wb))
    assert (doc.project.budget, doc.project.budget_unit) == (budget, unit)


def test_the_function_code_is_written_beside_the_year_and_read_back_in_the_forms_tables_use():
    doc = GoalDocument.model_validate({"project": {"name": "营养午餐", "function_code": "2050202 小学教育"},
                                       "goal": "", "indicators": []})
    assert doc.project.function_code == "2050202"
    wb = load_workbook(io.BytesIO(goal_workbook([doc])))
    ws = wb.active
    assert (ws["E6"].value, ws["F6"].value) == ("功能分类科目", "2050202")
    for written in (2050202, 2050202.0, "'2050202", "2050202.0", "【2050202】小学教育", "２０５０２０２－小学教育"):
        ws["F6"] = written
        out = io.BytesIO()
        wb.save(out)
        assert read_goal_workbook(out.getvalue())[0].project.function_code == "2050202"
    ws["E6"], ws["F6"] = "支出功能分类科目", "小学教育"  # a name without its code
    out = io.BytesIO()
    wb.save(out)
    problems = read_goal_workbook_partial(out.getvalue())[1]
    assert len(problems) == 1 and problems[0].cell == "F6" and "2050201" in problems[0].fix


# The national 项目支出绩效目标申报表 (财预〔2015〕88号): money and aims for the medium term beside the year's, a
# label's value written after a colon in the next cell or under it, and the indicator table twice over (中期指标 on
# the left, 年度指标 on the right). The year's are the goal under review.
TEMPLATE_88 = [
    ("项目支出绩效目标申报表",),
    ("（2025年度）",),
    ("项目名称", "城区道路绿化提升工程", None, None, None, None, None, None),
    ("主管部门及代码", "市城市管理局 101", None, None, "实施单位", "市园林绿化中心", None, None),
    ("项目属性", "延续项目", None, None, "项目期", "3年", None, None),
    ("项目资金（万元）", None, "中期资金总额：", 1200, None, "年度资金总额：", 400, None),
    (None, None, "其中：财政拨款", 1200, None, "其中：财政拨款", 400, None),
    ("总体目标", "中期目标（2024年-2026年）", None, None, "年度目标", None, None, None),
    (None, "新种植行道树6000株，绿化覆盖率提高2个百分点。", None, None, "新种植行道树2000株，成活率95%以上。", None, None, None),
    ("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"),
    (None, "产出指标", "数量指标", "新种植行道树数量", "≥6000株", "数量指标", "新种植行道树数量", "≥2000株"),
    (None, None, "质量指标", "苗木成活率", "≥95%", "质量指标", "苗木成活率", "≥95%"),
    (None, "效益指标", "生态效益指标", "绿化覆盖率提高", "2个百分点", "生态效益指标", "绿化覆盖率提高", "0.7个百分点"),
    (None, "满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "服务对象满意度指标", "市民满意度", "≥90%"),
]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_national_template_is_read_for_its_year(kind):
    from tests.word_documents import Table, docx_bytes
    from tests.xls_workbooks import xlsx_bytes

    if kind == "xlsx":
        data = xlsx_bytes({"申报表": TEMPLATE_88})
    else:
        body = [tuple(None if v is None else str(v) for v in row) for row in TEMPLATE_88[2:]]
        data = docx_bytes(TEMPLATE_88[0][0], TEMPLATE_88[1][0], Table(body))
    (doc,) = read_goal_workbook(data, source=f"申报表.{kind}")
    assert (doc.project.name, doc.project.department, doc.project.budget) == ("城区道路绿化提升工程", "市城市管理局 101", 400)
    assert doc.goal == "新种植行道树2000株，成活率95%以上。"
    assert [(i.level1, i.name, i.value) for i in doc.indicators] == [
        ("产出指标", "新种植行道树数量", "≥2000株"), ("产出指标", "苗木成活率", "≥95%"),
        ("效益指标", "绿化覆盖率提高", "0.7个百分点"), ("满意度指标", "市民满意度", "≥90%")]


# A county form (项目绩效目标表): the project's money in words, 长期目标 and 年度目标 side by side with the aims under
# them, then the long-term indicator table and the year's below it, each titled in its first column.
COUNTY_STACKED = [
    ("项目绩效目标表（2021年度）",),
    ("项目名称", "镇域内基础设施建设", "主管部门", "某镇人民政府"),
    ("年度资金总额及构成", "总额", 1060, None),
    ("项目绩效目标", "长期目标", None, "年度目标"),
    (None, "改善镇域内基础设施，振兴乡村经济", None, "完成集镇立面改造12处，硬化村道8公里"),
    ("长期绩效指标", "一级指标", "二级指标", "指标内容", "指标值"),
    (None, "产出指标", "数量指标", "集镇立面改造", "≥40处"),
    (None, "效益指标", "社会效益指标", "群众出行条件", "明显改善"),
    ("年度绩效指标", "一级指标", "二级指标", "指标内容", "指标值"),
    (None, "产出指标", "数量指标", "集镇立面改造", "≥12处"),
    (None, None, "数量指标", "硬化村道长度", "≥8公里"),
    (None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
]


@pytest.mark.parametrize("kind", ["xlsx", "docx", "docx-two-tables"])
def test_a_county_form_with_the_long_term_table_above_the_years_is_read_for_the_year(kind):
    from tests.word_documents import Table, docx_bytes
    from tests.xls_workbooks import xlsx_bytes

    text = [tuple(None if v is None else str(v) for v in row) for row in COUNTY_STACKED]
    if kind == "xlsx":
        data = xlsx_bytes({"绩效目标": COUNTY_STACKED})
    elif kind == "docx":
        data = docx_bytes(text[0][0], Table(text[1:]))
    else:   # each indicator table on its own, as many forms are laid out in Word
        data = docx_bytes(text[0][0], Table(text[1:8]), Table(text[8:]))
    (doc,) = read_goal_workbook(data, source=f"镇基础设施.{kind.split('-')[0]}")
    assert (doc.project.name, doc.project.budget) == ("镇域内基础设施建设", 1060)
    assert doc.goal == "完成集镇立面改造12处，硬化村道8公里"
    assert [(i.level1, i.name, i.value) for i in doc.indicators] == [
        ("产出指标", "集镇立面改造", "≥12处"), ("产出指标", "硬化村道长度", "≥8公里"), ("满意度指标", "群众满意度", "≥90%")]


def test_goal_forms_one_under_another_in_a_sheet_are_a_document_each_with_their_own_cells():
    from tests.xls_workbooks import xlsx_bytes

    second = [("项目支出绩效目标申报表",), ("（2025年度）",), ("项目名称", "城区路灯节能改造"),
              ("主管部门及代码", "市城市管理局 101"), ("项目资金（万元）", None, "年度资金总额：", 80),
              ("绩效指标", "一级指标", "二级指标", "三级指标", "指标值"),
              (None, "产出指标", "数量指标", "节能灯具更换数量", "≥3000盏"),
              (None, None, "质量指标", "灯具完好率", "#REF!")]
    data = xlsx_bytes({"申报表": [*COUNTY_STACKED, (), *second]})
    docs, problems = read_goal_workbook_partial(data, source="两个项目.xlsx")
    assert [(d.project.name, len(d.indicators)) for d in docs] == [("镇域内基础设施建设", 3)]
    # the second form's own cell, not the first form's nor the part's first rows
    assert [(p.sheet, p.cell, p.value) for p in problems] == [("两个项目.xlsx › 申报表", "E21", "#REF!")]


def test_a_header_row_repeated_down_the_table_is_no_indicator():
    """Tables printed over several pages repeat their header; without a period title every row is one table."""
    from tests.xls_workbooks import xlsx_bytes

    header = ("一级指标", "二级指标", "三级指标", "指标值")
    rows = [("项目名称", "城区路灯维护"), ("年度资金总额", 100), header, ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
            header, ("效益指标", "社会效益指标", "亮灯率", "≥98%")]
    (doc,) = read_goal_workbook(xlsx_bytes({"路灯": rows}), source="路灯.xlsx")
    assert [i.name for i in doc.indicators] == ["维修路灯数量", "亮灯率"]


# A 部门整体支出绩效目标申报表 as counties hand it out: the unit instead of a project, its main tasks in a table of
# their own, the year's overall aim, then the indicators.
DEPARTMENT_FORM = [
    ("2025年度部门整体支出绩效目标申报表",),
    ("部门（单位）名称", "某县林业局", None, None, None),
    ("年度预算申请（万元）", "资金总额", 1234, "其中：财政拨款", 1200),
    ("年度主要任务", "任务名称", "主要内容", "对应项目", "预算金额"),
    (None, "森林防火", "全县森林防火巡护和宣传", "森林防火经费", 120),
    (None, "造林绿化", "完成人工造林3000亩", "造林补助", 600),
    ("年度总体目标", "完成人工造林3000亩，森林火灾受害率控制在0.9‰以内。", None, None, None),
    ("年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"),
    (None, "产出指标", "数量指标", "人工造林面积", "≥3000亩"),
    (None, None, "质量指标", "造林成活率", "≥85%"),
    (None, "效益指标", "生态效益指标", "森林火灾受害率", "≤0.9‰"),
    (None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_department_form_is_the_units_overall_goal(kind):
    from tests.word_documents import Table, docx_bytes
    from tests.xls_workbooks import xlsx_bytes

    if kind == "xlsx":
        data = xlsx_bytes({"整体": DEPARTMENT_FORM})
    else:
        text = [tuple(None if v is None else str(v) for v in row) for row in DEPARTMENT_FORM]
        data = docx_bytes(text[0][0], Table(text[1:]))
    (doc,) = read_goal_workbook(data, source=f"林业局.{kind}")
    p = doc.project
    assert (p.kind, p.name, p.department, p.budget) == ("department", "某县林业局部门整体支出", "某县林业局", 1234)
    assert doc.goal.startswith("完成人工造林3000亩") and [i.name for i in doc.indicators][0] == "人工造林面积"


def test_a_table_with_neither_project_nor_unit_still_asks_for_the_project_name():
    from tests.xls_workbooks import xlsx_bytes

    rows = [("年度资金总额", 100), ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏")]
    docs, problems = read_goal_workbook_partial(xlsx_bytes({"表": rows}), source="无名.xlsx")
    assert docs == [] and "项目名称" in problems[0].fix


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_budget_systems_list_of_many_projects_is_one_document_each(kind):
    from tests.xls_workbooks import xlsx_bytes

    if kind == "xlsx":
        data = xlsx_bytes({"绩效目标": SEASON_LIST})
    else:
        data = "\n".join(",".join("" if v is None else str(v) for v in row) for row in SEASON_LIST).encode("gbk")
    docs, problems = read_goal_workbook_partial(data, source=f"全部项目.{kind}") if kind == "xlsx" else \
        read_goal_file_partial(data, source=f"全部项目.{kind}")
    assert [(d.project.name, d.project.department, d.project.budget, len(d.indicators)) for d in docs] == [
        ("城区路灯维护", "市城管局", 100, 2), ("学生资助", "县教育局", 80, 2)]
    assert docs[0].goal.startswith("维修路灯3200盏") and docs[0].indicators[1].level1 == "效益指标"
    (problem,) = problems      # the project with a bad amount is named by its cell; the others are read
    assert problem.cell == "C4" and problem.value == "很多"


def test_the_budget_year_comes_from_the_title_and_the_unit_from_the_form_header():
    from tests.xls_workbooks import xlsx_bytes

    rows = [("项目支出绩效目标表",), ("（2026年度）",), ("填报单位（盖章）：", "某县交通运输局", None, "单位：万元"),
            ("项目名称", "农村公路养护"), ("年度资金总额", 120), ("年度目标", "日常养护300公里，较2025年增加20公里。"),
            ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "日常养护里程", "≥300公里")]
    (doc,) = read_goal_workbook(xlsx_bytes({"表": rows}), source="公路.xlsx")
    assert (doc.project.year, doc.project.department) == (2026, "某县交通运输局")
    rows[1] = ("说明：2025年度已完成验收的路段不再列入",)   # a year in a sentence is no title
    (doc,) = read_goal_workbook(xlsx_bytes({"表": rows}), source="公路.xlsx")
    assert doc.project.year is None
