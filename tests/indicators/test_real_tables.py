"""The checker on tables shaped like the ones departments publish: older templates, real notations,
cost rows without money, template residue, slogans for goals, money that does not add up.

Each document is small and copies the layout of a real published table (goals_real_dev.jsonl),
not its content."""

from __future__ import annotations

import pytest

from indicators.checker import check_goal
from indicators.findings import REGISTRY, finding
from tests.street_tables import codes, messages, table

DIMS = {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS", "DIM_MISSING_COST",
        "DIM_MISSING_BENEFIT", "DIM_MISSING_SATISFACTION"}


SICHUAN_2020 = [  # 项目完成指标 / 项目效益指标, 成本 under 产出, satisfaction as its own level 2 name
    ("项目完成指标", "数量指标", "维修路灯数量", "", "3200", "盏"),
    ("项目完成指标", "质量指标", "维修合格率", "", "100", "%"),
    ("项目完成指标", "时效指标", "项目实施时间", "", "2021年1月-12月", ""),
    ("项目完成指标", "成本指标", "维修成本", "≤", "100", "万元"),
    ("项目效益指标", "社会效益指标", "亮灯率", "≥", "98", "%"),
    ("满意度指标", "满意度指标", "受益群众满意度", "≥", "90", "%"),
]
TEMPLATE_2015 = [  # satisfaction as a level 2 under 效益, scores in the level names
    ("产出指标(50分)", "数量指标", "维修路灯数量", "≥", "3200", "盏"),
    ("产出指标(50分)", "质量指标(15分)", "维修合格率", "≥", "95", "%"),
    ("产出指标(50分)", "时效指标", "维修完成时间", "", "2026年10月底前", ""),
    ("产出指标(50分)", "产出成本", "单灯维修成本", "≤", "312", "元/盏"),
    ("效益指标(30分)", "社会效益指标", "亮灯率", "≥", "98", "%"),
    ("效益指标(30分)", "社会公众或服务对象满意度指标", "市民满意度", "≥", "90", "%"),
]


@pytest.mark.parametrize("rows", [SICHUAN_2020, TEMPLATE_2015], ids=["sichuan-2020", "template-2015"])
def test_older_layouts_are_the_same_framework(rows):
    result = check_goal(table(rows), None)
    assert not codes(result) & (DIMS | {"IND_LEVEL_INVALID"}), result.findings
    legacy = [f for f in result.findings if f.code == "IND_LEVEL_LEGACY"]
    assert len(legacy) == 1 and legacy[0].severity == "info"


def test_an_unknown_level1_is_invalid_but_its_level2_still_counts():
    rows = [("项目年度绩效目标(定量指标)", "产出数量指标", "维修路灯数量", "≥", "3200", "盏"),
            ("项目年度绩效目标(定量指标)", "质量指标", "维修合格率", "≥", "95", "%"),
            ("项目年度绩效目标(定量指标)", "时效指标", "维修及时率", "≥", "95", "%")]
    result = check_goal(table(rows), None)
    assert "IND_LEVEL_INVALID" in codes(result)
    assert not codes(result) & {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS"}
    assert "DIM_MISSING_BENEFIT" in codes(result)


def test_blank_level2_under_output_is_inferred_and_satisfaction_counts_wherever_it_stands():
    rows = [("产出指标", "", "维修路灯数量", "≥", "3200", "盏"),
            ("产出指标", "", "维修完成时间", "", "12月底前", ""),
            ("效果指标", "", "群众对路灯维护的满意度(%)", "", "优:95%|良:90%|中:85%|差:85%", "")]
    result = check_goal(table(rows), None)
    got = codes(result)
    assert "DIM_MISSING_SATISFACTION" not in got and "DIM_MISSING_QUANTITY" not in got
    assert "DIM_MISSING_TIMELINESS" not in got
    assert "DIM_MISSING_BENEFIT" in got  # the only 效果 row measures satisfaction, not an effect
    assert "IND_VALUE_VAGUE" not in got  # graded tiers with thresholds are measurable


def test_work_described_under_a_blank_level2_is_no_quality_row():
    # an old template with 产出指标 and no level 2: rows that describe the work say nothing of how well it is done
    rows = [("产出指标", "", "编印工作简报", "", "编印工作简报每月300本", ""),
            ("产出指标", "", "开展民间档案资料征集工作", "", "征集有关解放的资料，如军功通知书、烈士证明书等", "")]
    assert "DIM_MISSING_QUALITY" in codes(check_goal(table(rows), None))
    rows.append(("产出指标", "", "档案整理规范", "", "符合档案整理规范", ""))
    assert "DIM_MISSING_QUALITY" not in codes(check_goal(table(rows), None))


def test_an_anniversary_in_a_description_is_no_target():
    rows = [("产出指标", "数量指标", "举办建党95周年档案图片展", "", "向社会宣传建党95周年来取得的成就", "")]
    result = check_goal(table(rows), None)
    assert "IND_VALUE_VAGUE" in codes(result, 0) and "IND_OPERATOR_MISSING" not in codes(result, 0)


@pytest.mark.parametrize(("value", "operator", "unit"), [
    ("95", ">=", "%"), ("95", "≧", "%"), ("95%以上", "", ""), ("95", "", "百分比"), ("0.95", "≥", "比例"),
])
def test_notations_of_real_tables_are_understood(value, operator, unit):
    rows = [("产出指标", "质量指标", "维修合格率", operator, value, unit)]
    result = check_goal(table(rows), None)
    row = {f.code for f in result.findings if f.indicator == 0}
    assert not row & {"IND_UNIT_MISSING", "IND_UNIT_MISMATCH", "IND_VALUE_VAGUE", "IND_VALUE_IMPLAUSIBLE"}
    assert ("IND_OPERATOR_MISSING" in row) == (operator == "" and "以上" not in value)


@pytest.mark.parametrize("value", ["2023.07-2024.01", "2026年10月底前", "2021年1月-12月", "是", "优良中低差"])
def test_dates_periods_yes_no_and_tiers_are_values(value):
    rows = [("产出指标", "时效指标", "项目完成时间", "", value, "")]
    result = check_goal(table(rows), None)
    assert not {f.code for f in result.findings if f.indicator == 0} & {
        "IND_UNIT_MISSING", "IND_VALUE_VAGUE", "IND_VALUE_MISSING", "IND_OPERATOR_MISSING"}


@pytest.mark.parametrize(("name", "value", "implausible"), [
    ("苗木成活率", "120", True), ("污水处理率", "105", True), ("优良中等路率", "110", True),
    ("项目验收合格率", "101", True), ("村集体收入增长率", "120", False), ("病床使用率", "105", False),
    ("苗木成活率", "95", False),
])
def test_rates_above_100_percent(name, value, implausible):
    result = check_goal(table([("产出指标", "质量指标", name, "≥", value, "%")]), None)
    assert ("IND_VALUE_IMPLAUSIBLE" in codes(result)) is implausible


@pytest.mark.parametrize(("goal", "value"), [
    ("完成【待填】盏路灯维修。", "3200"), ("完成路灯维修3200盏。", "【待填】"), ("完成XX盏路灯维修。", "3200"),
    ("完成路灯维修3200盏。", "≥**"),
])
def test_template_residue_is_an_error(goal, value):
    result = check_goal(table([("产出指标", "数量指标", "维修路灯数量", "≥", value, "盏")], goal=goal), None)
    assert "TEMPLATE_PLACEHOLDER" in codes(result)
    assert not result.submittable and result.grade in ("中", "差")


@pytest.mark.parametrize(("name", "value", "unit"), [
    ("成本控制率", "100", "%"), ("控制在预算成本内", "控制在预算内", ""), ("项目成本", "不超预算", ""),
])
def test_cost_rows_without_money(name, value, unit):
    rows = SICHUAN_2020[:3] + [("成本指标", "经济成本指标", name, "", value, unit)] + SICHUAN_2020[4:]
    result = check_goal(table(rows), None)
    assert "COST_NOT_AMOUNT" in codes(result) and "DIM_MISSING_COST" not in codes(result)


def test_a_budget_execution_rate_is_no_cost_indicator():
    rows = SICHUAN_2020[:3] + [("预期产出指标", "预算(或投资规模)控制指标", "年度预算执行率", "≥", "90", "%")]
    result = check_goal(table(rows), None)
    assert "DIM_MISSING_COST" in codes(result)
    assert "年度预算执行率" in messages(result, "DIM_MISSING_COST")[0]


def test_money_that_does_not_match_the_budget_is_reported_and_not_called_a_match():
    rows = [("产出指标", "数量指标", "培训人数", "≥", "12000", "人"),
            ("产出指标", "质量指标", "培训合格率", "≥", "95", "%"),
            ("产出指标", "时效指标", "培训完成时间", "", "2026年11月底前", ""),
            ("成本指标", "经济成本指标", "人均培训补贴标准", "=", "1000", "元/人"),
            ("效益指标", "社会效益指标", "培训后就业率", "≥", "60", "%")]
    result = check_goal(table(rows, goal="培训12000人，培训后就业率不低于60%。", budget=860, name="职业技能培训"), None)
    assert "BUDGET_SCALE_MISMATCH" in codes(result)
    assert not any("相符" in line for line in result.rationale)
    matched = check_goal(table(rows, goal="培训12000人，培训后就业率不低于60%。", budget=1200, name="职业技能培训"), None)
    assert "BUDGET_SCALE_MISMATCH" not in codes(matched)
    assert any("1200万元" in line and "100%" in line for line in matched.rationale)


@pytest.mark.parametrize(("cost", "days", "budget", "mismatch"), [
    (("人均培训费", "=", "400", "元/人·天"), 5, 100, False),     # 500 × 400 × 5 = 100 万元
    (("人均培训费", "=", "400", "元/人·天"), 5, 40, True),
    (("人均生活补助", "=", "500", "元/人·月"), None, 300, False),   # 500 × 500 × 12 = 300 万元
    (("人均生活补助", "=", "500", "元/人·月"), None, 100, True),
])
def test_unit_costs_over_time_are_multiplied_out(cost, days, budget, mismatch):
    rows = [("产出指标", "数量指标", "受益人数", "≥", "500", "人"), ("成本指标", "经济成本指标", *cost)]
    if days:
        rows.append(("产出指标", "数量指标", "培训天数", "=", str(days), "天"))
    result = check_goal(table(rows, budget=budget, name="技能培训补助"), None)
    assert ("BUDGET_SCALE_MISMATCH" in codes(result)) is mismatch


def test_a_unit_cost_stated_only_in_the_goal_text_is_checked():
    rows = [("产出指标", "数量指标", "就学补助学生人数", "≥", "101", "人")]
    result = check_goal(table(rows, goal="对就读职业院校的学生发放就学补助，补助标准为每生1500元/学期。", budget=7,
                              name="雨露计划就学补助"), None)
    assert "BUDGET_SCALE_MISMATCH" in codes(result)


@pytest.mark.parametrize(("goal", "vague", "quantified"), [
    ("全力以赴做好安全生产工作，保障工作顺利开展。", True, False),
    ("2024通过采购雾炮车抑尘降尘服务，持续改善空气质量。", True, False),
    ("1. 对机关局域网络改造升级。", False, False),
    ("对超出3个月的部分予以补助。", False, False),
    ("维修路灯3200盏，亮灯率不低于98%。", False, True),
    ("完成路灯维修，惠及群众2000余人。", False, True),
    ("新建道路1.2万余米，投资500万。", False, True),
])
def test_slogans_and_numbers_that_set_no_target(goal, vague, quantified):
    result = check_goal(table(SICHUAN_2020, goal=goal), None)
    assert ("GOAL_VAGUE_WORDING" in codes(result)) is vague
    assert ("GOAL_NOT_QUANTIFIED" not in codes(result)) is quantified


def test_a_description_in_the_value_cell_is_vague():
    value = "对承租房屋的中小微企业实际减免租金超出3个月的部分予以适当补助"
    result = check_goal(table([("产出指标", "数量指标", "补贴企业", "", value, "")]), None)
    assert "IND_VALUE_VAGUE" in codes(result)


def test_a_value_unit_and_a_unit_cell_that_disagree():
    result = check_goal(table([("产出指标", "数量指标", "业务工作支出安排金额", "", "28.8万元", "%")]), None)
    assert "IND_UNIT_MISMATCH" in codes(result)


def test_households_counted_in_people():
    result = check_goal(table([("产出指标", "数量指标", "申请补助户数", "≥", "101", "人/次")]), None)
    assert "IND_UNIT_MISMATCH" in codes(result)


def test_any_error_blocks_submission_and_caps_the_grade():
    good = check_goal(table(SICHUAN_2020), None)
    rows = [*SICHUAN_2020[:1], ("项目完成指标", "质量指标", "维修合格率", "", "", "%"), *SICHUAN_2020[2:]]
    bad = check_goal(table(rows), None)
    assert good.submittable
    assert not bad.submittable and bad.grade in ("中", "差")
    assert any("需修改后提交" in line for line in bad.rationale)


def test_every_reported_code_is_in_the_registry_at_a_severity_it_lists():
    guessed = [("产出", "", "维修路灯数量", "≥", "3200", "盏"), ("效益指标", "", "亮灯率", "≥", "不适用", "")]
    for doc in (table(SICHUAN_2020), table(TEMPLATE_2015), table([], goal=""), table(guessed)):
        for f in check_goal(doc, None).findings:
            assert f.severity in REGISTRY[f.code].severities, f


def test_a_severity_the_registry_does_not_list_is_refused():
    assert finding("IND_LEVEL_INVALID", "x", severity="warning").severity == "warning"
    with pytest.raises(ValueError, match="GOAL_MISSING"):
        finding("GOAL_MISSING", "x", severity="info")


SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


def test_a_code_that_changes_severity_says_when():
    for entry in REGISTRY.values():
        for other in entry.also:
            assert SEVERITY_WORDS[other] in entry.doc, entry.code


def test_findings_cite_the_library_indicators_they_suggest(lookup):
    rows = [("产出指标", "质量指标", "路灯维修合格", "≥", "95", "%")]
    result = check_goal(table(rows, name="城市道路照明设施维护", direction="城市道路照明"), lookup)
    nonstandard = [f for f in result.findings if f.code == "IND_NONSTANDARD" and f.indicator == 0]
    assert nonstandard and nonstandard[0].refs
    own = lookup.resolve_direction("城市道路照明").code
    cited = {i.code: i for i in lookup.direction_indicators(own)}
    assert set(nonstandard[0].refs) <= set(cited)  # advice from the project's own direction
    assert all(cited[code].name in nonstandard[0].suggestion for code in nonstandard[0].refs)


DEPARTMENT = [  # a 部门整体绩效目标表 as bureaus publish it
    ("运行成本", "经济成本指标", "“三公”经费变动率", "≤", "0", "%"),
    ("管理效率", "预算执行", "预算执行率", "≥", "95", "%"),
    ("履职效能", "产出指标", "价格认定案件办结数", "≥", "300", "件"),
    ("满意度", "服务对象满意度指标", "委托单位满意度", "≥", "90", "%"),
]


def test_a_department_goal_is_checked_on_its_own_framework():
    result = check_goal(table(DEPARTMENT, goal="办结价格认定案件300件，预算执行率不低于95%。", name="区价格认证中心整体",
                              kind="部门整体"), None)
    got = codes(result)
    assert not got & (DIMS | {"IND_LEVEL_INVALID", "COST_NOT_AMOUNT"}), result.findings
    assert not got & {"DEPT_MISSING_RUNNING_COST", "DEPT_MISSING_MANAGEMENT", "DEPT_MISSING_PERFORMANCE"}


def test_a_department_goal_is_suggested_in_the_units_own_terms():
    """A unit's missing goal is suggested from its duties, management and running cost, named by the unit, not as a
    project carried out (实施区价格认证中心2021年部门整体支出…)."""
    result = check_goal(table(DEPARTMENT, goal="", name="区价格认证中心2021年部门整体支出绩效目标表",
                              kind="department"), None)
    suggestion = next(f.suggestion for f in result.findings if f.code == "GOAL_MISSING")
    assert "2021年，区价格认证中心（部门预算100万元）全面履行部门职责" in suggestion, suggestion
    assert "价格认定案件办结数不少于300件" in suggestion and "预算执行率不低于95%" in suggestion, suggestion
    assert "实施" not in suggestion and "绩效目标表" not in suggestion, suggestion


def test_a_department_goals_year_is_read_in_full_width_digits_too():
    result = check_goal(table(DEPARTMENT, goal="", name="区价格认证中心２０２２年部门整体支出", kind="department"), None)
    suggestion = next(f.suggestion for f in result.findings if f.code == "GOAL_MISSING")
    assert "2022年，区价格认证中心（部门预算100万元）" in suggestion, suggestion


def test_a_unit_tables_rows_without_levels_are_pointed_at_its_own_framework_first():
    rows = [("", "", "预决算公开及时率", "≥", "95", "%"), *DEPARTMENT]   # first: blank cells below a row take its levels
    result = check_goal(table(rows, name="区价格认证中心2022年部门整体支出", kind="department"), None)
    found = [f for f in result.findings if f.code == "IND_LEVEL_INVALID" and f.indicator == 0]
    assert found and "运行成本/管理效率/履职效能/满意度指标（部门整体框架）" in found[0].suggestion, found
    assert "产出指标" not in found[0].message, found   # the row is taken as the unit's management, not a project's


@pytest.mark.parametrize(("drop", "code"), [(0, "DEPT_MISSING_RUNNING_COST"), (1, "DEPT_MISSING_MANAGEMENT"),
                                            (2, "DEPT_MISSING_PERFORMANCE"), (3, "DIM_MISSING_SATISFACTION")])
def test_each_missing_part_of_the_department_framework_is_named(drop, code):
    rows = [r for i, r in enumerate(DEPARTMENT) if i != drop]
    result = check_goal(table(rows, name="区价格认证中心整体", kind="department"), None)
    assert code in codes(result)
    assert not codes(result) & (DIMS - {"DIM_MISSING_SATISFACTION"})


def test_the_same_table_as_a_project_gets_the_project_dimensions():
    assert "DIM_MISSING_QUALITY" in codes(check_goal(table(DEPARTMENT, name="区价格认证中心整体"), None))


@pytest.mark.parametrize(("name", "mismatch"), [("成本控制", False), ("成本节约", False), ("0", True),
                                                 ("设备购置费", True)])
def test_an_economic_cost_in_percent(name, mismatch):
    rows = SICHUAN_2020[:3] + [("成本指标", "经济成本指标", name, "", "100", "%")] + SICHUAN_2020[4:]
    got = codes(check_goal(table(rows), None))
    assert ("IND_UNIT_MISMATCH" in got) is mismatch


def test_a_plan_or_a_period_where_a_count_or_a_rate_belongs_is_no_target():
    rows = [
        ("产出指标", "数量指标", "维修路灯数量", "", "按年度维修计划", "盏"),
        ("产出指标", "质量指标", "维修合格率", "", "2026年底前", "%"),
        ("产出指标", "时效指标", "维修完成时间", "", "年底前", ""),
        ("产出指标", "时效指标", "故障修复时限", "≤", "12月底前", "月"),
        ("成本指标", "经济成本指标", "单灯维修成本", "≤", "312", "元/盏"),
        ("效益指标", "社会效益指标", "亮灯率", "≥", "98", "%"),
    ]
    result = check_goal(table(rows), None)
    vague = {f.indicator for f in result.findings if f.code == "IND_VALUE_VAGUE"}
    assert vague == {0, 1}, result.findings
    assert "没有给出数值" in messages(result, "IND_VALUE_VAGUE")[0]


def test_a_monthly_cost_over_the_months_the_project_runs_is_held_against_the_budget():
    rows = [
        ("产出指标", "数量指标", "清扫保洁面积", "≥", "300", "万平方米"),
        ("产出指标", "质量指标", "道路保洁达标率", "≥", "95", "%"),
        ("产出指标", "时效指标", "服务期限", "", "2020年2月-12月", ""),
        ("成本指标", "经济成本指标", "月度保洁服务费", "≤", "620万/月", ""),  # 元 left off, as published
        ("效益指标", "社会效益指标", "道路机扫率", "≥", "80", "%"),
    ]
    over = table(rows, name="城区道路清扫保洁", budget=5652,
                 goal="完成城区道路清扫保洁面积300万平方米，道路保洁达标率不低于95%。")
    found = messages(check_goal(over, None), "BUDGET_COST_EXCEEDS")
    assert len(found) == 1 and "按11个月计" in found[0] and "6820万元" in found[0]
    # 11 × 500万元 is within the budget; without a stated period a year is assumed, with a quarter's margin
    within = table([*rows[:3], ("成本指标", "经济成本指标", "月度保洁服务费", "≤", "500", "万元/月"), rows[4]],
                   name="城区道路清扫保洁", budget=5652, goal="完成城区道路清扫保洁面积300万平方米，道路保洁达标率不低于95%。")
    assert "BUDGET_COST_EXCEEDS" not in codes(check_goal(within, None))
    no_period = [r for r in within.indicators if r.level2 != "时效指标"]
    yearly = within.model_copy(update={"indicators": no_period})
    assert "BUDGET_COST_EXCEEDS" not in codes(check_goal(yearly, None))  # 12 × 500 = 6000 < 1.25 × 5652
    dearer = yearly.model_copy(update={"indicators": [r.model_copy(update={"value": "620"}) if "服务费" in r.name else r
                                                      for r in no_period]})
    assert "按全年计" in messages(check_goal(dearer, None), "BUDGET_COST_EXCEEDS")[0]  # 7440 > 7065


@pytest.mark.parametrize(("row", "code", "wrong"), [
    (("效益指标", "社会效益指标", "孕产妇死亡率", "≤", "10", "1/10万"), "IND_UNIT_MISMATCH", False),  # per 100,000 births
    (("效益指标", "社会效益指标", "孕产妇死亡率", "≤", "10", "人"), "IND_UNIT_MISMATCH", True),
    (("效益指标", "社会效益指标", "万车死亡率", "≤", "1.5", "人/万车"), "IND_UNIT_MISMATCH", False),
    (("产出指标", "质量指标", "安全播出停播率", "≤", "10", "秒/百小时"), "IND_UNIT_MISMATCH", False),
    (("产出指标", "质量指标", "农村公路养护资金到位率", "≥", "10", "元/公里·年"), "IND_UNIT_MISMATCH", True),
    (("产出指标", "数量指标", "短期险承保金额", "≥", "10", "亿美元"), "IND_UNIT_MISMATCH", False),  # export credit
    (("产出指标", "数量指标", "实际使用外资金额", ">=", "2.5", "万美元"), "IND_UNIT_MISMATCH", False),
    (("产出指标", "数量指标", "实际使用外资金额", ">=", "2.5", "万人"), "IND_UNIT_MISMATCH", True),
    (("成本指标", "经济成本指标", "满意度调查单份有效问卷费用", "≤", "12", "元/份"), "IND_LEVEL_MISPLACED", False),
    (("成本指标", "经济成本指标", "群众满意度", "≥", "90", "%"), "IND_LEVEL_MISPLACED", True),
])
def test_units_and_levels_that_fit_what_the_row_measures(row, code, wrong):
    rows = [*SICHUAN_2020[:3], row, *SICHUAN_2020[3:]]
    assert (code in codes(check_goal(table(rows), None), 3)) is wrong


@pytest.mark.parametrize(("value", "inconsistent"), [("≥32.68%", False), ("≥20%", True)])
def test_a_floor_in_the_goal_and_a_stricter_floor_in_the_table_agree(value, inconsistent):
    # a 2023 以工代赈 plan: the goal sets 不低于中央投资30%, the table commits to ≥32.68%
    rows = [("实施效果指标", "产出指标", "劳务报酬占中央投资比例", "≥", value, ""), *SICHUAN_2020[1:]]
    goal = "严格按照不低于中央投资30%的比例发放劳务报酬，维修路灯3200盏。"
    got = codes(check_goal(table(rows, goal=goal), None))
    assert ("GOAL_INDICATOR_INCONSISTENT" in got) is inconsistent, got
