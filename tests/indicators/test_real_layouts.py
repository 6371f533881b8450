"""More layouts and notations of published tables: symbols some provinces' systems print, template
wording in level names, costs written without their currency, pass/fail acceptance targets, tables
without a level-1 column.

Each document is small and copies the layout and notation of a real published table, not its content."""

from __future__ import annotations

import pytest

from indicators.checker import check_goal
from tests.street_tables import codes, messages, table

FULL = [  # every dimension present, with money
    ("产出指标", "数量指标", "维修路灯数量", "≥", "3200", "盏"),
    ("产出指标", "质量指标", "维修合格率", "≥", "95", "%"),
    ("产出指标", "时效指标", "维修完成时间", "", "2026年10月底前", ""),
    ("成本指标", "经济成本指标", "维修总成本", "≤", "100", "万元"),
    ("效益指标", "社会效益指标", "亮灯率", "≥", "98", "%"),
    ("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%"),
]


# A self-evaluation table exported by a province's system: operator in its own column as ≧ / ═, level 2
# wrapped across two lines, the template's own 『服务对象满意度指标等』.
SELF_EVALUATION = [
    ("产出指标", "数量指标", "维修路灯数量", "≧", "3200", "盏"),
    ("产出指标", "质量指标", "维修合格率", "═", "100", "%"),
    ("产出指标", "时效指标", "维修及时率", "⩾", "95", "%"),
    ("成本指标", "经济成本指标", "维修总成本", "≦", "100", "万元"),
    ("效益指标", "社会效益 指标", "亮灯率", "═", "98", "%"),
    ("满意度指标", "服务对象满意度指标等", "市民满意度", "≧", "90", "%"),
]


def test_operators_and_level_names_of_an_exported_self_evaluation_table():
    result = check_goal(table(SELF_EVALUATION), None)
    assert not codes(result) & {"IND_OPERATOR_MISSING", "IND_LEVEL_INVALID", "DIM_MISSING_SATISFACTION",
                                "DIM_MISSING_BENEFIT"}, result.findings


@pytest.mark.parametrize("operator", ["═", "⩾", "⩽", "﹦", "﹥"])
def test_operator_symbols_some_systems_print(operator):
    rows = [("产出指标", "质量指标", "维修合格率", operator, "95", "%")]
    assert "IND_OPERATOR_MISSING" not in codes(check_goal(table(rows), None), 0)


@pytest.mark.parametrize("level2", ["服务对象满意度指标等", "服务对象满意度指标……"])
def test_template_wording_after_a_level_name(level2):
    rows = [*FULL[:5], ("满意度指标", level2, "市民满意度", "≥", "90", "%")]
    assert "IND_LEVEL_INVALID" not in codes(check_goal(table(rows), None), 5)


@pytest.mark.parametrize(("level1", "level2", "name"), [
    ("效益指标", "可持续性", "院区建成后可持续为周边群众提供医疗服务"),
    ("效益指标", "可持续性发展影响指标", "绿化成果长效管护"),
    ("满意度指标", "服务对象或受益者满意度指标", "市民满意度"),
])
def test_provinces_own_wordings_of_a_level_two_name(level1, level2, name):
    rows = [*FULL[:5], (level1, level2, name, "≥", "90", "%")]
    assert "IND_LEVEL_INVALID" not in codes(check_goal(table(rows), None), 5)


@pytest.mark.parametrize("value", ["参照市场询价控制", "按政府采购价格执行"])
def test_a_cost_row_that_names_a_cost_but_states_no_money(value):
    rows = [*FULL[:3], ("产出指标", "成本指标", "维修项目成本", "", value, ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None))
    assert "COST_NOT_AMOUNT" in got and "DIM_MISSING_COST" not in got


def test_a_description_under_cost_is_still_no_cost_indicator():
    rows = [*FULL[:3], ("产出指标", "成本指标", "补助标准", "", "对困难家庭给予适当补助", ""), *FULL[4:]]
    assert "DIM_MISSING_COST" in codes(check_goal(table(rows), None))


@pytest.mark.parametrize(("value", "measurable"), [
    ("一次性通过市住建局验收", True), ("通过竣工验收", True), ("一次性验收合格", True), ("按质按量完成", False),
    ("通过加强管理提升考核", False),
])
def test_acceptance_targets_are_pass_or_fail(value, measurable):
    rows = [*FULL[:1], ("产出指标", "质量指标", "工程实施总体质量", "", value, ""), *FULL[2:]]
    assert ("IND_VALUE_VAGUE" in codes(check_goal(table(rows), None), 1)) is not measurable


@pytest.mark.parametrize(("value", "unit", "budget", "exceeds"), [
    ("100万", "", 100, False), ("120万", "", 100, True), ("100", "万", 100, False), ("120", "万", 100, True),
])
def test_a_cost_written_without_its_currency_is_money(value, unit, budget, exceeds):
    rows = [*FULL[:3], ("产出指标", "成本指标", "控制在预算成本内", "", value, unit), *FULL[4:]]
    got = codes(check_goal(table(rows, budget=budget), None))
    assert not got & {"COST_NOT_AMOUNT", "IND_UNIT_MISSING", "DIM_MISSING_COST"}
    assert ("BUDGET_COST_EXCEEDS" in got) is exceeds


@pytest.mark.parametrize(("output", "effect"), [("项目产出", "项目效果"), ("产出目标", "结果目标"),
                                               ("产出指标", "实施效果指标")])
def test_other_names_of_output_and_effect_are_the_same_framework(output, effect):
    # a central department's 项目产出 / 项目效果, a county's 产出目标 / 结果目标
    names = {"产出指标": output, "效益指标": effect}
    rows = [(names.get(r[0], r[0]), *r[1:]) for r in FULL]
    got = codes(check_goal(table(rows), None))
    assert not got & {"IND_LEVEL_INVALID", "DIM_MISSING_BENEFIT", "DIM_MISSING_QUANTITY"}, got
    rows[4] = ("项目预算绩效", *FULL[4][1:])   # a level 1 no layout has: still reported
    assert "IND_LEVEL_INVALID" in codes(check_goal(table(rows), None), 4)


# A city's template with no level-1 column: 数量指标/质量指标/成本指标 in the first column, the indicator next.
NO_LEVEL1_COLUMN = [
    ("数量指标", "", "维修路灯数量", "", "3200盏", ""),
    ("质量指标", "", "维修合格率", "", ">95%", ""),
    ("时效指标", "", "维修完成时间", "", "2026年10月底前", ""),
    ("成本指标", "", "维修总成本", "", "≤100万元", ""),
]


def test_level_two_names_in_the_level_one_column():
    result = check_goal(table(NO_LEVEL1_COLUMN), None)
    got = codes(result)
    assert not got & {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS", "DIM_MISSING_COST"}
    assert not any(codes(result, i) & {"IND_LEVEL_INVALID"} for i in range(3))
    assert "IND_LEVEL_LEGACY" in got
    assert "DIM_MISSING_BENEFIT" in got  # the table really has no effect row


@pytest.mark.parametrize(("name", "code"), [
    ("成本控制", "COST_NOT_AMOUNT"),                   # a 成本控制率 with its 率 left off
    ("按照物价部门定价标准采购", "COST_NOT_AMOUNT"),     # compliance with a price standard, not an amount
    ("维修材料采购经费", "IND_UNIT_MISMATCH"),          # a sum of money written in %
])
def test_a_cost_row_in_percent_says_what_is_missing(name, code):
    rows = [*FULL[:3], ("产出指标", "成本指标(必填硬性指标)", name, "", "100%", ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None), 3)
    assert code in got and not got & {"COST_NOT_AMOUNT", "IND_UNIT_MISMATCH"} - {code}, got


@pytest.mark.parametrize(("name", "value", "not_amount"), [
    ("维修材料费占总成本比例", "≤40%", False),     # how the cost is made up: one item against the whole
    ("管理费用占比", "≤3%", False),
    ("工程设计费率", "≤2.5%", False),
    ("财政补助占设施建设总造价比例", "≤50%", False),
    ("成本控制率", "=100%", True),              # says nothing of what the money buys
    ("维修成本占预算比例", "≤100%", True),        # the budget restated
])
def test_a_cost_share_in_percent_states_what_the_money_buys(name, value, not_amount):
    rows = [*FULL[:3], ("成本指标", "经济成本指标", name, "", value, ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None), 3)
    assert ("COST_NOT_AMOUNT" in got) is not_amount, got
    assert "IND_UNIT_MISMATCH" not in got, got


# Templates with no unit column: the unit in brackets after the name, or the template's own hint left there.
@pytest.mark.parametrize(("name", "value", "unit_missing"), [
    ("维修路灯数量(盏)", "3200", False), ("维修路灯数量（盏）", "≥3200", False),
    ("维修合格率(≥**%)", "≥95", False), ("维修合格率(≥**%)", "≥95%", False), ("维修路灯数量", "3200", True),
])
def test_a_unit_in_brackets_after_the_name(name, value, unit_missing):
    rows = [(*FULL[0][:2], name, "", value, ""), *FULL[1:]]
    assert ("IND_UNIT_MISSING" in codes(check_goal(table(rows), None), 0)) is unit_missing


@pytest.mark.parametrize(("value", "exceeds"), [("90", False), ("120", True)])
def test_a_cost_whose_money_is_only_in_the_templates_hint(value, exceeds):
    rows = [*FULL[:3], ("产出指标", "成本指标 (必填硬性指标)", "维修总投入(≥**万元)", "", value, ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None))
    assert "COST_NOT_AMOUNT" not in got and ("BUDGET_COST_EXCEEDS" in got) is exceeds


# A self-evaluation report's table: name, unit, 指标性质 and value, no level columns at all.
NO_LEVELS = [
    ("", "", "维修路灯", "=", "3200", "盏"),
    ("", "", "项目成本概算", "≤", "150", "万元"),
    ("", "", "节约财政资金支出", "≥", "20", "万元"),
    ("", "", "市民满意度", "≥", "90", "%"),
]


def test_a_table_without_levels_still_has_its_cost_row():
    result = check_goal(table(NO_LEVELS), None)
    got = codes(result)
    assert "DIM_MISSING_COST" not in got and "DIM_MISSING_SATISFACTION" not in got
    assert all("IND_LEVEL_INVALID" in codes(result, i) for i in range(4))   # the table still lacks its levels
    savings = [*NO_LEVELS[:1], *NO_LEVELS[2:]]                # money saved is no cost
    assert "DIM_MISSING_COST" in codes(check_goal(table(savings), None))


def test_a_table_without_levels_has_the_outputs_and_effects_its_rows_plainly_are():
    # 维修路灯 3200盏 is an output count, 节约财政资金支出 an effect; nothing says how well or how fast
    got = codes(check_goal(table(NO_LEVELS), None))
    assert not got & {"DIM_MISSING_QUANTITY", "DIM_MISSING_BENEFIT"}, got
    assert {"DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS"} <= got
    road = [("", "", "道路硬化", "≥", "≥0.565km", ""), ("", "", "项目(工程)验收合格率", "≥", "≥100%", ""),
            ("", "", "受益建档立卡贫困人口数", "≥", "≥23人", ""), ("", "", "受益贫困人口满意度", "≥", "≥96%", "")]
    got = codes(check_goal(table(road, goal="道路硬化0.565公里，受益建档立卡贫困人口23人。"), None))
    assert not got & {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_BENEFIT"}, got
    paid_monthly = [("", "", "按月发放", "=", "1", "次"), *NO_LEVELS]          # how often: 时效
    assert "DIM_MISSING_TIMELINESS" not in codes(check_goal(table(paid_monthly), None))
    unclear = [("", "", "项目持续期", "", "基本建立", ""), *NO_LEVELS[1:]]   # says neither: still no output
    assert "DIM_MISSING_QUANTITY" in codes(check_goal(table(unclear), None))


@pytest.mark.parametrize("row", [("", "", "完工日期", "", "2026年4月15日", ""), ("", "", "项目按计划开工率", "", "100%", ""),
                                 ("", "", "项目计划完工率", "", "100%", "")])
def test_a_date_or_a_start_and_finish_rate_is_timeliness_in_a_table_without_levels(row):
    assert "DIM_MISSING_TIMELINESS" not in codes(check_goal(table([row, *NO_LEVELS]), None))


@pytest.mark.parametrize(("value", "vague"), [("保障", True), ("有效促进", True), ("好", False), ("合格", False)])
def test_a_qualitative_target_is_a_grade_not_an_intention(value, vague):
    rows = [*FULL[:4], ("效益指标", "社会效益指标", "保障城区夜间出行安全", "定性", value, ""), *FULL[5:]]
    assert ("IND_VALUE_VAGUE" in codes(check_goal(table(rows), None), 4)) is vague


def test_a_row_kept_to_say_it_does_not_apply_is_a_note_to_delete_it():
    # 经济效益 left in a hosting contract's table as 该指标不适用本项目 / 不涉及
    rows = [*FULL[:4], ("效益指标", "经济效益指标", "该指标不适用本项目", "", "不涉及", ""), *FULL[5:]]
    found = [f for f in check_goal(table(rows), None).findings if f.code == "IND_VALUE_VAGUE" and f.indicator == 4]
    assert [f.severity for f in found] == ["info"] and "删除" in found[0].suggestion
    rows[4] = ("效益指标", "社会效益指标", "保障城区夜间出行安全", "", "有效促进", "")
    found = [f for f in check_goal(table(rows), None).findings if f.code == "IND_VALUE_VAGUE" and f.indicator == 4]
    assert [f.severity for f in found] == ["error"]


@pytest.mark.parametrize(("name", "operator"), [
    ("对伤残、死亡家庭进行扶助", "≥"),     # counts the families helped
    ("交通事故死亡人数", "≤"), ("路灯故障投诉件数", "≤"), ("维修路灯数量", "≥"),
])
def test_the_operator_suggested_follows_what_the_name_measures(name, operator):
    rows = [("产出指标", "数量指标", name, "", "63", "人"), *FULL[1:]]
    found = next(f for f in check_goal(table(rows), None).findings if f.code == "IND_OPERATOR_MISSING")
    assert f"『{operator}63" in found.suggestion, found.suggestion


@pytest.mark.parametrize(("name", "exceeds"), [("城区路灯维护", True), ("城区路灯改造工程", False)])
def test_an_estimate_over_the_budget_is_this_years_cost_unless_the_project_is_works(name, exceeds):
    # 项目成本概算 of a running cost is the year's; of works, the whole project's estimate over several years
    rows = [*FULL[:3], ("成本指标", "经济成本指标", "项目成本概算", "≤", "150", "万元"), *FULL[4:]]
    assert ("BUDGET_COST_EXCEEDS" in codes(check_goal(table(rows, name=name), None), 3)) is exceeds


def test_a_year_to_compare_with_is_no_date_to_meet():
    rows = [*FULL[:4], ("效益指标", "社会效益指标", "亮灯率", "", "同比2025年显著提高", ""), *FULL[5:]]
    assert "IND_VALUE_VAGUE" in codes(check_goal(table(rows), None), 4)


@pytest.mark.parametrize("unit", ["%(百分比)", "百分比（%）"])
def test_a_percent_unit_glossed_in_brackets(unit):
    rows = [FULL[0], ("产出指标", "质量指标", "维修合格率", "≥", "95", unit), *FULL[2:]]
    assert not codes(check_goal(table(rows), None), 1) & {"IND_UNIT_MISMATCH", "IND_UNIT_MISSING"}


@pytest.mark.parametrize(("goal", "quantified"), [
    ("根据《某县202年度路灯维护实施方案》《2026年度城市照明工作要点》等文件要求完成绩效目标。", False),
    ("按《2026年度城市照明工作要点》完成路灯维修3200盏。", True),
])
def test_numbers_in_a_cited_documents_title_set_no_target(goal, quantified):
    assert ("GOAL_NOT_QUANTIFIED" in codes(check_goal(table(FULL, goal=goal), None))) is not quantified


@pytest.mark.parametrize(("goal", "vague"), [
    ("对路灯控制系统优化升级，完成路灯维修3200盏，亮灯率不低于98%。", False),   # the work, beside its numbers
    ("完成路灯维修3200盏，极大改善群众夜间出行条件。", True),                  # a slogan, numbers or not
    ("优化路灯维护服务，保障夜间出行。", True),                              # no number anywhere
    ("完成路灯维修3200盏，提高城市照明质量。", True),                         # an abstract good, nothing to count
    ("保障在职人员89人正常办公，美化教学环境，提升师生整体素质。", True),
    ("完成路灯维修3200盏，优化路灯控制系统。", False),                         # names the work
    ("目标1:完成路灯维修3200盏 目标2:加强路灯巡查力度", True),                   # numbered aims run on
    ("目标1:完成路灯维修3200盏 目标2:路灯亮灯率不低于98%", False),
])
def test_a_plain_verb_beside_numbers_names_the_work(goal, vague):
    assert ("GOAL_VAGUE_WORDING" in codes(check_goal(table(FULL, goal=goal), None))) is vague


@pytest.mark.parametrize(("name", "unit", "mismatch"), [
    ("村组干部230人", "个", True), ("资助家庭困难学生", "个", True), ("资助家庭困难学生", "人", False),
    ("维修路灯数量", "个", False),
])
def test_people_counted_in_ge_is_a_unit_slip(name, unit, mismatch):
    rows = [("产出指标", "数量指标", name, "≥", "230", unit), *FULL[1:]]
    assert ("IND_UNIT_MISMATCH" in codes(check_goal(table(rows), None), 0)) is mismatch


@pytest.mark.parametrize(("name", "value", "unit", "mismatch"), [
    ("检查差旅费", "470", "人/天", True),      # a system-exported table: a fee counted in people a day
    ("安置小区物业费", "8", "个", True),
    ("培训费", "320", "元/人·天", False),
    ("按时缴纳税费", "1", "年", False),        # paying on time, not an amount
    ("葡萄补助成本(≤**元/株)", "28.4", "/株", False),   # the hint in the name gives 元
])
def test_a_fee_is_money(name, value, unit, mismatch):
    rows = [*FULL[:3], ("成本指标", "经济成本指标", name, "", value, unit), *FULL[4:]]
    assert ("IND_UNIT_MISMATCH" in codes(check_goal(table(rows), None), 3)) is mismatch


# A 衔接资金 table whose names keep the template's hints while the values are filled in beside them
HINTED = [
    ("产出指标", "数量指标", "葡萄种植数量(≥**株)", "", ">=17600株", ""),
    ("产出指标", "质量指标", "种植作物成活率(≥**%)", "", ">=85%", ""),
    ("产出指标", "时效指标", "完成及时率(≥**%)", "", ">=100%", ""),
    ("产出指标", "成本指标", "葡萄补助成本(≤**元/株)", "", "≤28.40元/株", ""),
    ("效益指标", "经济效益指标", "特色产业产值(≥**万元)", "", "≥80万元", ""),
    ("满意度指标", "服务对象满意度指标", "受益脱贫户满意度(≥**%)", "", "≥95%", ""),
]


def test_hints_left_in_names_are_one_warning_for_the_table():
    result = check_goal(table(HINTED, budget=50), None)
    hints = [f for f in result.findings if f.code == "TEMPLATE_PLACEHOLDER"]
    assert len(hints) == 1 and hints[0].severity == "warning" and hints[0].indicator is None, hints
    assert "6个指标名称" in hints[0].message and "(≥**株)" in hints[0].message


@pytest.mark.parametrize("hint", ["(≥**万元)", "(>=**万元)", "（<=**万元）"])
def test_a_cost_hint_in_the_name_gives_the_unit_however_its_operator_is_typed(hint):
    rows = [*FULL[:3], ("成本指标", "经济成本指标", f"项目总投入{hint}", "", "95", ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None), 3)
    assert "COST_NOT_AMOUNT" not in got, got


def test_one_hinted_name_points_at_its_row_and_a_placeholder_value_stays_an_error():
    rows = [*FULL[:4], ("效益指标", "社会效益指标", "受益户数(≥**户)", "", "≥10户", ""),
            ("满意度指标", "服务对象满意度指标", "满意度(≥**%)", "", "**", "")]
    found = [f for f in check_goal(table(rows), None).findings if f.code == "TEMPLATE_PLACEHOLDER"]
    assert sorted((f.indicator, f.severity) for f in found) == [(4, "warning"), (5, "error")], found


@pytest.mark.parametrize("tail", ["值", "目标"])
def test_level_names_written_with_zhi_or_mubiao_for_zhibiao(tail):
    """A county's 项目支出目标申报表 (产出值 / 数量值 / 成本值) and a self-evaluation (产出目标 / 数量目标)
    where the framework says …指标."""
    rows = [(f"产出{tail}", f"数量{tail}", "维修路灯数量", "≥", "3200", "盏"),
            (f"产出{tail}", f"质量{tail}", "维修合格率", "≥", "95", "%"),
            (f"产出{tail}", f"时效{tail}", "维修完成时间", "", "2026年10月底前", ""),
            (f"产出{tail}", f"成本{tail}", "维修总成本", "≤", "100", "万元"),
            (f"效益{tail}", f"社会效益{tail}", "亮灯率", "≥", "98", "%"),
            (f"满意度{tail}", f"服务对象满意度{tail}", "市民满意度", "≥", "90", "%")]
    got = codes(check_goal(table(rows), None))
    assert not got & {"IND_LEVEL_INVALID", "DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS",
                      "DIM_MISSING_COST", "DIM_MISSING_BENEFIT", "DIM_MISSING_SATISFACTION"}, got


def test_unfilled_template_rows_are_one_warning_and_no_indicators():
    """A self-evaluation table keeps the template's 指标1: / 指标2: rows where nothing was filled in."""
    rows = [*FULL[:4], ("效益指标", "经济效益指标", "指标1:", "", "", ""),
            ("效益指标", "社会效益指标", "指标1:", "", "", ""), ("效益指标", "社会效益指标", "指标2:", "", "", ""),
            FULL[5]]
    result = check_goal(table(rows), None)
    blank = [f for f in result.findings if f.code == "TEMPLATE_PLACEHOLDER"]
    assert len(blank) == 1 and blank[0].severity == "warning" and "3行" in blank[0].message, blank
    got = codes(result)
    assert "DIM_MISSING_BENEFIT" in got and not got & {"IND_NAME_MISSING", "IND_VALUE_MISSING"}, got
    full = check_goal(table(FULL), None)
    assert result.score < full.score


def test_a_wholly_empty_row_is_no_indicator_and_no_finding():
    rows = [*FULL[:5], ("效益指标", "经济效益指标", "", "", "", ""), FULL[5]]
    result = check_goal(table(rows), None)
    assert not codes(result, 5) and "TEMPLATE_PLACEHOLDER" not in codes(result), result.findings


def test_a_list_of_purposes_as_a_value_is_vague():
    rows = [*FULL[:1], ("产出指标", "质量指标", "增雨作业服务需求", "", "解决旱情,保障粮食安全,服务农业生产,改善空气质量", ""),
            *FULL[2:]]
    assert "IND_VALUE_VAGUE" in codes(check_goal(table(rows), None), 1)


def test_numbered_slogans_in_the_goal_are_vague_wording():
    goal = "目标1:深入开展路灯隐患排查整治。目标2:加大路灯巡查力度。目标3:加强维修人员业务培训。"
    assert "GOAL_VAGUE_WORDING" in codes(check_goal(table(FULL, goal=goal), None))


def test_a_value_stating_terms_with_several_numbers_needs_no_operator():
    rows = [*FULL[:1], ("产出指标", "质量指标", "返本分红比例", "", "第一年按总投资额返本20%,分红按8%分红", ""),
            *FULL[2:]]
    assert "IND_OPERATOR_MISSING" not in codes(check_goal(table(rows), None), 1)
    rows[1] = ("产出指标", "质量指标", "返本分红比例", "", "60000人次以上的服务对象", "")
    assert "IND_OPERATOR_MISSING" not in codes(check_goal(table(rows), None), 1)  # 以上 is its operator
    rows[1] = ("产出指标", "质量指标", "服务对象人次", "", "60000人次", "")
    assert "IND_OPERATOR_MISSING" in codes(check_goal(table(rows), None), 1)


def test_chengxiao_is_the_benefit_level():
    """An exhibition hall's 2018 table: 产出指标 / 成效指标, no level-2 column."""
    rows = [*FULL[:4], ("成效指标", "", "亮灯率", "≥", "98", "%"), FULL[5]]
    result = check_goal(table(rows), None)
    assert "DIM_MISSING_BENEFIT" not in codes(result)
    assert not [f for f in result.findings if "不在指标框架内" in f.message], result.findings


@pytest.mark.parametrize(("level1", "name", "value", "unit"), [
    ("成效指标", "项目成本控制", "不超预算", ""),
    ("效益指标", "维修成本", "≤100", "万元"),
])
def test_a_cost_row_under_another_level_with_no_level_two_is_read_as_a_cost(level1, name, value, unit):
    """The same table puts 项目成本控制 不超预算 under 成效指标: a cost that states no money, not a vague effect."""
    rows = [*FULL[:3], (level1, "", name, "", value, unit), *FULL[4:]]
    result = check_goal(table(rows), None)
    assert "IND_VALUE_VAGUE" not in codes(result, 3) and "DIM_MISSING_COST" not in codes(result), result.findings
    assert ("COST_NOT_AMOUNT" in codes(result, 3)) == (unit == "")
    assert [f.severity for f in result.findings if f.code == "IND_LEVEL_INVALID"] == ["warning"]
    assert "暂按成本指标/经济成本指标计" in messages(result, "IND_LEVEL_INVALID")[0]


@pytest.mark.parametrize(("name", "value"), [("降低运行成本", "明显降低"), ("项目预算执行率", "100%")])
def test_an_effect_or_execution_row_under_benefit_is_not_taken_for_a_cost(name, value):
    rows = [*FULL[:4], ("效益指标", "", name, "", value, ""), FULL[5]]
    assert "COST_NOT_AMOUNT" not in codes(check_goal(table(rows), None))


def test_a_level_one_cell_holding_only_its_score_takes_level_two_s_level():
    """A self-evaluation table whose level-1 cells kept only their scores: (50分) / (30分) / (10分)."""
    scores = {"产出指标": "(50分)", "成本指标": "(50分)", "效益指标": "(30分)", "满意度指标": "(10分)"}
    rows = [(scores[r[0]], *r[1:]) for r in FULL]
    got = codes(check_goal(table(rows), None))
    assert not got & {"IND_LEVEL_INVALID", "DIM_MISSING_QUANTITY", "DIM_MISSING_COST", "DIM_MISSING_BENEFIT",
                      "DIM_MISSING_SATISFACTION"}, got
    rows[0] = ("(50分)", "", "维修路灯数量", "≥", "3200", "盏")
    assert "IND_LEVEL_INVALID" in codes(check_goal(table(rows), None), 0)  # no level the row can be read at


@pytest.mark.parametrize("name, not_amount", [("资金执行在预算范围内", True), ("成本控制在预算以内", True),
                                               ("维修总成本", False)])
def test_an_unfilled_cost_row_that_only_bounds_the_budget_states_no_amount(name, not_amount):
    rows = [*FULL[:3], ("成本指标", "经济成本指标", name, "", "", ""), *FULL[4:]]
    got = codes(check_goal(table(rows), None), 3)
    assert "IND_VALUE_MISSING" in got
    assert ("COST_NOT_AMOUNT" in got) == not_amount, got


@pytest.mark.parametrize("name, value, exceeds", [
    ("全年实现会展业综合收入", "280亿元", False),   # what the fair earns, not what the budget pays
    ("带动社会投资", "3000万元", False),
    ("创业担保贷款发放额", "5000万元", False),
    ("发放会展奖励资金", "3000万元", True),        # money paid out: over a 2,430万 budget is a slip
])
def test_money_an_output_row_counts_is_held_against_the_budget_only_when_the_budget_pays_it(name, value, exceeds):
    rows = [("产出指标", "数量指标", name, "≥", value, ""), *FULL[1:]]
    got = codes(check_goal(table(rows, budget=2430.3), None), 0)
    assert ("BUDGET_COST_EXCEEDS" in got) is exceeds, got


@pytest.mark.parametrize("written, name, target", [
    ("年度资金支付完成率100%", "年度资金支付完成率", "100%"),
    ("指标1:窗口考核全覆盖,优秀比例不超过20%", "窗口考核全覆盖,优秀比例", "不超过20%"),
    ("培训人数500人", "培训人数", "500人"),
    ("PM2.5年均浓度", None, None),
    ("细颗粒物PM2.5", None, None),
    ("安全等级1", None, None),   # a bare number with no unit or operator is part of the name
])
def test_a_target_written_into_the_name_is_told_and_the_name_is_matched_alone(written, name, target):
    """Self-evaluation tables that leave the 年度指标值 cell empty and write the target into the name."""
    rows = [*FULL[:2], ("产出指标", "时效指标", written, "", "", ""), *FULL[3:]]
    result = check_goal(table(rows), None)
    [missing] = [f for f in result.findings if f.code == "IND_VALUE_MISSING"]
    if target is None:
        assert missing.message.endswith("没有填写指标值"), missing
    else:
        assert f"『{target}』写在了指标名称里" in missing.message, missing
        assert f"指标名称只写『{name}』" in missing.suggestion, missing


def test_a_row_with_both_level_cells_empty_sits_under_the_level_one_above_it():
    """A 2021 table without level-2 names, its 产出指标 cell merged over four rows and transcribed once."""
    rows = [("产出指标", "", "新建养殖场数量", "", "≥1个", ""), ("", "", "养殖动物成活率", "", "≥95%", ""),
            ("", "", "项目验收合格率", "", "100%", ""), *FULL[2:]]
    result = check_goal(table(rows), None)
    assert "DIM_MISSING_QUALITY" not in codes(result)
    levels = {f.indicator: f.message for f in result.findings if f.code == "IND_LEVEL_INVALID"}
    assert all("暂按质量指标计" in levels[i] for i in (1, 2)), levels   # read as the first row is: 产出, no level 2


def test_numbers_in_the_name_cells_are_no_names_and_no_duplicates():
    """A table whose name cells hold weights (88, 20) or zeros, as some exports and scans show them."""
    rows = [*FULL[:4], ("效益指标", "社会效益指标", "88", "", "100", "%"), ("效益指标", "可持续影响指标", "88", "", "100", "%"),
            FULL[5]]
    result = check_goal(table(rows), None)
    assert "IND_DUPLICATE" not in codes(result)
    assert {f.indicator for f in result.findings if f.code == "IND_NAME_MISSING"} == {4, 5}


@pytest.mark.parametrize("goal", ["实施基本公共卫生服务项目（预算300万元），建立居民健康档案12万份。",
                                  "投入基本公共卫生服务资金300万元，建立居民健康档案12万份。",
                                  "基本公共卫生服务项目预算280万元，建立居民健康档案12万份。"])
def test_the_goal_restating_the_projects_money_sets_no_target_to_contradict(goal):
    """A drafted goal opens with 实施…项目（预算300万元）; the per-head standard is no total to compare it with."""
    rows = [("产出指标", "数量指标", "建立居民健康档案份数", "≥", "12", "万份"), *FULL[1:3],
            ("成本指标", "经济成本指标", "人均基本公共卫生服务经费补助标准", "=", "99", "元/人·年"), *FULL[4:]]
    doc = table(rows, goal=goal, name="基本公共卫生服务项目", budget=300)
    assert "GOAL_INDICATOR_INCONSISTENT" not in codes(check_goal(doc, None))


def test_a_cost_per_person_and_year_does_not_multiply_visits():
    """政务服务: 帮办代办服务 ≥5000人次 beside 窗口购买服务人员人均成本 ≤9万元/人·年 is no 4.5亿 project."""
    rows = [("产出指标", "数量指标", "帮办代办服务人次", "≥", "5000", "人次"), *FULL[1:3],
            ("成本指标", "经济成本指标", "窗口购买服务人员人均成本", "≤", "9", "万元/人·年"), *FULL[4:]]
    assert "BUDGET_SCALE_MISMATCH" not in codes(check_goal(table(rows, budget=300), None))
    rows[0] = ("产出指标", "数量指标", "窗口购买服务人员数", "=", "500", "人")
    assert "BUDGET_SCALE_MISMATCH" in codes(check_goal(table(rows, budget=300), None))  # 500 × 9万 = 4500万


def test_words_of_a_cited_documents_title_are_not_the_goals_slogans():
    goal = "根据《关于印发大力发展学前教育两年行动方案的通知》要求，维修路灯3200盏，亮灯率不低于98%。"
    assert "GOAL_VAGUE_WORDING" not in codes(check_goal(table(FULL, goal=goal), None))
    goal = "大力发展路灯事业，维修路灯3200盏，亮灯率不低于98%。"
    assert "GOAL_VAGUE_WORDING" in codes(check_goal(table(FULL, goal=goal), None))


# A goal that only says what the money is for: the year's request and its uses, no output or effect.
@pytest.mark.parametrize("goal", ["本年申请100万元,用于弥补路灯维护经费不足。主要用于电费、配件和维修人员工资。",
                                  "安排资金100万元，保障城区路灯正常运行。"])
def test_a_goal_that_restates_the_budget_is_not_quantified(goal):
    result = check_goal(table(FULL, goal=goal), None)
    assert "GOAL_NOT_QUANTIFIED" in codes(result)
    assert any("只写了资金数额" in m for m in messages(result, "GOAL_NOT_QUANTIFIED"))


def test_a_goal_with_money_and_a_count_is_quantified():
    goal = "安排资金100万元，维修路灯3200盏，亮灯率不低于98%。"
    assert "GOAL_NOT_QUANTIFIED" not in codes(check_goal(table(FULL, goal=goal), None))


def test_level_one_written_without_its_zhibiao_and_in_the_level_two_cell():
    # 项目完成 for 项目完成指标; the investment plans' 实施效果指标 › 产出指标 / 效益指标, kinds left to the names
    rows = [("项目完成", *r[1:]) if r[0] == "产出指标" else r for r in FULL]
    assert not codes(check_goal(table(rows), None)) & {"IND_LEVEL_INVALID", "DIM_MISSING_QUANTITY"}
    rows = [("实施效果指标", "产出指标", "维修路灯数量(含续建)", "", "3200", ""),
            ("实施效果指标", "产出指标", "维修合格率", "", "100%", ""),
            ("实施效果指标", "产出指标", "维修完成时间", "", "2026年10月底前", ""),
            ("实施效果指标", "效益指标", "亮灯率", "≥", "≥98%", "")]
    result = check_goal(table(rows), None)
    assert not codes(result) & {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS",
                                "DIM_MISSING_BENEFIT"}, codes(result)
    # the missing 数量/质量/时效 is told, as for a blank level-2 cell, and blocks nothing
    levels = [f for f in result.findings if f.code == "IND_LEVEL_INVALID"]
    assert {f.indicator for f in levels} == {0, 1, 2} and {f.severity for f in levels} == {"warning"}


@pytest.mark.parametrize(("goal", "mismatch"), [
    ("送戏进万村70个行政村，每村4400元，市级需配套704元/村。", False),  # this budget pays the city's share
    ("送戏进万村70个行政村，每村4400元。", True),
])
def test_of_two_amounts_the_goal_states_for_one_thing_the_budget_pays_one(goal, mismatch):
    rows = [("产出指标", "数量指标", "开展送戏进万村", "≥", "≥70村", ""), *FULL[1:]]
    got = codes(check_goal(table(rows, goal=goal, budget=5), None))
    assert ("BUDGET_SCALE_MISMATCH" in got) is mismatch, got
