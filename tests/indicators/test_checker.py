"""check_goal: every finding code where it applies and nowhere else, severities, score and grade.

The library-dependent checks run against the real search engine over the fixture library
(`lookup` from tests/conftest.py: 普惠性幼儿园补助, 学生营养改善计划, 城市道路照明)."""

from __future__ import annotations

import copy

import pytest

from indicators.checker import check_goal
from indicators.goals import GoalDocument

KINDERGARTEN = {
    "project": {"name": "普惠性幼儿园生均公用经费补助", "department": "区教育局", "direction": "普惠性幼儿园补助",
                "budget": 720, "year": 2025, "description": "按生均标准对普惠性幼儿园给予公用经费补助，扩大普惠性学前教育资源。"},
    "goal": "对全区45所普惠性幼儿园的12000名在园幼儿按生均每年600元标准拨付公用经费补助，普惠性幼儿园覆盖率达到85%，"
            "补助资金拨付及时率100%，幼儿园办园质量评估合格率达到95%，家长满意度不低于90%。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "补助幼儿园数量", "operator": "=", "value": "45", "unit": "所"},
        {"level1": "产出指标", "level2": "数量指标", "name": "受益在园幼儿人数", "operator": "≥", "value": "12000",
         "unit": "人"},
        {"level1": "产出指标", "level2": "质量指标", "name": "幼儿园办园质量评估合格率", "operator": "≥", "value": "95",
         "unit": "%"},
        {"level1": "产出指标", "level2": "时效指标", "name": "补助资金拨付及时率", "operator": "=", "value": "100",
         "unit": "%"},
        {"level1": "成本指标", "level2": "经济成本指标", "name": "生均年公用经费补助标准", "operator": "=", "value": "600",
         "unit": "元/人·年"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "普惠性幼儿园覆盖率", "operator": "≥", "value": "85",
         "unit": "%"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "幼儿家长满意度", "operator": "≥", "value": "90",
         "unit": "%"},
    ],
}
PROBLEMS = {"error", "warning"}


def doc(**changes) -> GoalDocument:
    """The kindergarten document with changes: goal=…, project={…}, rows={index: {…} or None}, add=[…]."""
    raw = copy.deepcopy(KINDERGARTEN)
    if "goal" in changes:
        raw["goal"] = changes["goal"]
    raw["project"].update(changes.get("project", {}))
    for index, row in sorted(changes.get("rows", {}).items(), reverse=True):
        if row is None:
            del raw["indicators"][index]
        else:
            raw["indicators"][index].update(row)
    raw["indicators"] += changes.get("add", [])
    return GoalDocument.model_validate(raw)


def codes(result, severities=("error", "warning", "info")) -> set[str]:
    return {f.code for f in result.findings if f.severity in severities}


def finding(result, code):
    matches = [f for f in result.findings if f.code == code]
    assert matches, f"{code} not reported; got {[(f.code, f.message) for f in result.findings]}"
    return matches[0]


def test_a_complete_document_has_no_problems_and_grades_excellent():
    result = check_goal(doc(), None)
    assert codes(result, PROBLEMS) == set()
    assert result.grade == "优" and result.score >= 90
    assert any("产出·数量" in line for line in result.rationale)
    assert finding(result, "IND_BASIS_MISSING").severity == "info"


def test_traditional_and_fullwidth_text_is_read_like_simplified():
    raw = copy.deepcopy(KINDERGARTEN)
    raw["goal"] = "對全區４５所普惠性幼兒園的１２０００名在園幼兒撥付補助，覆蓋率達到８５％，家長滿意度不低於９０％。"
    for row in raw["indicators"]:
        row["level1"] = row["level1"].replace("产出", "產出").replace("指标", "指標")
        row["value"] = row["value"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    raw["indicators"][2]["operator"] = "＞＝"
    raw["indicators"][1]["name"] = "受益在園幼兒人數"
    result = check_goal(GoalDocument.model_validate(raw), None)
    assert codes(result, PROBLEMS) == set(), [f.message for f in result.findings]


def test_missing_goal_is_an_error_with_a_composed_suggestion():
    f = finding(check_goal(doc(goal="  "), None), "GOAL_MISSING")
    assert f.severity == "error" and "12000" in f.suggestion


def test_goal_without_numbers_is_not_quantified_and_vague_words_are_named():
    result = check_goal(doc(goal="大力发展普惠性学前教育，不断提升办园质量，努力办好人民满意的学前教育。"), None)
    assert finding(result, "GOAL_NOT_QUANTIFIED").severity == "warning"
    assert "不断提升" in finding(result, "GOAL_VAGUE_WORDING").message
    assert result.score < check_goal(doc(), None).score


@pytest.mark.parametrize(("goal", "quantified"), [
    ("对年满18周岁后在全日制高校就读的孤儿发放助学金，确保顺利完成学业。", False),   # who qualifies, not a target
    ("为年满18周岁后在全日制高校就读的36名孤儿发放助学金。", True),
    ("举办庆祝建党100周年档案图片展，宣传党的光辉历程。", False),             # an anniversary, not 100 weeks
    ("严格按照不低于中央投资30%的比例发放劳务报酬，吸纳群众就近就业。", True),   # a floor, then 的比例
    ("对延期超出3个月的部分予以补助，保障企业稳定经营。", False),               # which part, not a target
    ("目标1:省政府对市政府防震减灾目标管理绩效考核第一名。", True),              # a place to reach
    ("综合考核进入全省前三名，争创先进单位。", True),
    ("第一时间响应群众诉求，提升服务质量。", False),                             # 第一时间: at once, no rank
])
def test_a_goal_is_quantified_by_targets_not_by_ages_parts_or_anniversaries(goal, quantified):
    assert ("GOAL_NOT_QUANTIFIED" in codes(check_goal(doc(goal=goal), None))) is not quantified


def test_goal_number_contradicting_an_indicator_is_reported_on_that_indicator():
    result = check_goal(doc(rows={1: {"value": "10000"}}), None)
    f = finding(result, "GOAL_INDICATOR_INCONSISTENT")
    assert f.indicator == 1 and "受益在园幼儿人数" in f.message and f.severity == "error"


def test_goal_numbers_in_other_scales_agree_with_indicators():
    result = check_goal(doc(goal="为1.2万名在园幼儿按生均600元拨付补助，覆盖率达到85%以上。",
                            rows={1: {"value": "1.2", "unit": "万人"}}), None)
    assert "GOAL_INDICATOR_INCONSISTENT" not in codes(result)


def test_a_per_capita_base_in_the_goal_is_no_target():
    """每10万人口…不少于3.8人: the 10万 is what the rate is per, not a number of people to reach."""
    row = {"level1": "效益指标", "level2": "社会效益指标", "name": "每10万人口精神科执业（助理）医师数",
           "operator": "≥", "value": "3.8", "unit": "人"}
    goal = "在册严重精神障碍患者规范管理率达到85%，每10万人口精神科执业（助理）医师数不少于3.8人。"
    result = check_goal(doc(goal=goal, rows={5: row}), None)
    assert "GOAL_INDICATOR_INCONSISTENT" not in codes(result)
    result = check_goal(doc(goal=goal.replace("3.8人", "3人"), rows={5: row}), None)
    assert "3.8" in finding(result, "GOAL_INDICATOR_INCONSISTENT").message  # the number that is a target still counts


@pytest.mark.parametrize(("cost", "unit"), [("5000", "元/万字"), ("800", "元/生·年"), ("4", "万元/学位")])
def test_a_unit_cost_in_the_goal_is_read_per_what_it_is_per(cost, unit):
    """5000元/万字 in the goal is the indicator's ≤5000元/万字, not 5000 元 against 0.5 元 a character;
    what a cost is per may be any noun (生, 学位), not only the units a count is written in."""
    row = {"level1": "成本指标", "level2": "经济成本指标", "name": "志书每万字编纂成本", "operator": "≤",
           "value": cost, "unit": unit}
    goal = f"完成县志初审稿80万字，志书每万字编纂成本不超过{cost}{unit}。"
    assert "GOAL_INDICATOR_INCONSISTENT" not in codes(check_goal(doc(goal=goal, rows={5: row}), None))
    other = goal.replace(f"{cost}{unit}", f"{float(cost) * 2:g}{unit}")
    assert "GOAL_INDICATOR_INCONSISTENT" in codes(check_goal(doc(goal=other, rows={5: row}), None))


@pytest.mark.parametrize(("row", "code", "severity"), [
    ({"value": ""}, "IND_VALUE_MISSING", "error"),
    ({"value": "明显提高", "operator": ""}, "IND_VALUE_VAGUE", "error"),
    ({"value": "不低于上年"}, "IND_VALUE_VAGUE", "warning"),
    ({"unit": ""}, "IND_UNIT_MISSING", "warning"),
    ({"unit": "人"}, "IND_UNIT_MISMATCH", "error"),
    ({"operator": ""}, "IND_OPERATOR_MISSING", "warning"),
    ({"level2": "经济效益指标"}, "IND_LEVEL_INVALID", "error"),
    ({"level1": "产出"}, None, None),
    ({"baseline": "97"}, "IND_TARGET_BELOW_BASELINE", "warning"),
    ({"value": "120"}, "IND_VALUE_IMPLAUSIBLE", "error"),
])
def test_row_checks_on_the_quality_indicator(row, code, severity):
    result = check_goal(doc(rows={2: row}), None)
    if code is None:
        assert codes(result, PROBLEMS) == set()
        return
    f = finding(result, code)
    assert f.indicator == 2 and f.severity == severity
    assert "幼儿园办园质量评估合格率" in f.message and f.suggestion


def test_vague_value_message_quotes_the_value_and_suggests_a_number():
    f = finding(check_goal(doc(rows={5: {"value": "逐步改善", "operator": ""}}), None), "IND_VALUE_VAGUE")
    assert "『普惠性幼儿园覆盖率』" in f.message and "逐步改善" in f.message and "%" in f.suggestion


@pytest.mark.parametrize("value", ["≥95", "≥９５％", "95%以上", "不低于95"])
def test_an_operator_folded_into_the_value_counts(value):
    result = check_goal(doc(rows={2: {"operator": "", "value": value}}), None)
    assert not codes(result, PROBLEMS) & {"IND_OPERATOR_MISSING", "IND_VALUE_VAGUE", "IND_UNIT_MISMATCH"}


def test_a_count_in_percent_is_a_unit_mismatch():
    f = finding(check_goal(doc(rows={0: {"unit": "%"}}), None), "IND_UNIT_MISMATCH")
    assert f.indicator == 0


def test_baseline_for_a_lower_is_better_target():
    result = check_goal(doc(rows={4: {"operator": "≤", "baseline": "550"}}), None)
    assert finding(result, "IND_TARGET_BELOW_BASELINE").indicator == 4
    result = check_goal(doc(rows={4: {"operator": "≤", "baseline": "650"}}), None)
    assert "IND_TARGET_BELOW_BASELINE" not in codes(result)


def test_full_marks_on_a_full_baseline_is_not_conservative():
    assert "IND_TARGET_BELOW_BASELINE" not in codes(check_goal(doc(rows={3: {"baseline": "100%"}}), None))


def test_duplicate_rows_are_reported_once_on_the_repeat():
    result = check_goal(doc(add=[dict(KINDERGARTEN["indicators"][2], name="幼兒園辦園質量評估合格率")]), None)
    dupes = [f for f in result.findings if f.code == "IND_DUPLICATE"]
    assert [f.indicator for f in dupes] == [7]


@pytest.mark.parametrize(("removed", "code", "severity"), [
    (0, None, None),
    ((0, 1), "DIM_MISSING_QUANTITY", "error"),
    ((2,), "DIM_MISSING_QUALITY", "error"),
    ((3,), "DIM_MISSING_TIMELINESS", "error"),
    ((4,), "DIM_MISSING_COST", "warning"),
    ((5,), "DIM_MISSING_BENEFIT", "error"),
    ((6,), "DIM_MISSING_SATISFACTION", "warning"),
])
def test_missing_dimensions(removed, code, severity):
    removed = (removed,) if isinstance(removed, int) else removed
    result = check_goal(doc(rows=dict.fromkeys(removed)), None)
    dims = {f.code for f in result.findings if f.code.startswith("DIM_")}
    assert dims == ({code} if code else set())
    if code:
        assert finding(result, code).severity == severity


def test_a_quality_row_under_the_wrong_level_one_does_not_count_as_quality():
    result = check_goal(doc(rows={2: {"level1": "效益指标"}}), None)
    assert {"IND_LEVEL_INVALID", "DIM_MISSING_QUALITY"} <= codes(result)


@pytest.mark.parametrize("budget", [None, "", "【待填】", "待定", "XX万元", "**"])
def test_budget_missing_is_reported_and_money_checks_are_skipped(budget):
    # a template's mark for a budget still to be filled is a budget not given: checked, not refused
    marks = {"year": budget, "function_code": budget} if budget in ("【待填】", "待定", "**") else {}
    result = check_goal(doc(project={"budget": budget, **marks}), None)
    assert finding(result, "BUDGET_MISSING").severity == "warning"
    assert not codes(result) & {"BUDGET_COST_EXCEEDS", "BUDGET_SCALE_MISMATCH"}


@pytest.mark.parametrize(("budget", "unit"), [(720, "万元"), (7200000, "元"), (0.072, "亿元")])
def test_budget_units_are_respected(budget, unit):
    result = check_goal(doc(project={"budget": budget, "budget_unit": unit}), None)
    assert not codes(result) & {"BUDGET_COST_EXCEEDS", "BUDGET_SCALE_MISMATCH"}


def test_a_total_cost_above_the_budget():
    extra = {"level1": "成本指标", "level2": "经济成本指标", "name": "公用经费补助总额", "operator": "≤",
             "value": "0.09", "unit": "亿元"}
    f = finding(check_goal(doc(add=[extra]), None), "BUDGET_COST_EXCEEDS")
    assert f.indicator == 7 and f.severity == "error" and "720万元" in f.message
    assert "BUDGET_COST_EXCEEDS" not in codes(check_goal(doc(add=[dict(extra, value="700", unit="万元")]), None))


@pytest.mark.parametrize(("budget", "mismatch"), [(720, False), (10, True), (720000, True), (600, False)])
def test_quantity_times_unit_cost_against_the_budget(budget, mismatch):
    result = check_goal(doc(project={"budget": budget}), None)
    assert ("BUDGET_SCALE_MISMATCH" in codes(result)) is mismatch


def test_a_unit_cost_of_nothing_says_nothing_of_scale():
    # a system export rounds 400元 per trip to 0万元/人: 24 trips × 0 is no measure against the budget
    rows = {0: {"name": "出差人次", "operator": "=", "value": "24", "unit": "人次"},
            4: {"name": "出差单位成本", "operator": "=", "value": "0", "unit": "万元/人"}}
    result = check_goal(doc(project={"name": "再生资源回收市场管理经费", "budget": 3, "direction": None},
                            goal="出差24人次，年度预算3万元。", rows=rows), None)
    assert "BUDGET_SCALE_MISMATCH" not in codes(result)
    rows[4]["value"] = "0.5"   # 24 × 5000元 = 12万元 against 3万元
    result = check_goal(doc(project={"name": "再生资源回收市场管理经费", "budget": 3, "direction": None},
                            goal="出差24人次，年度预算3万元。", rows=rows), None)
    assert "BUDGET_SCALE_MISMATCH" in codes(result)


def test_scaled_quantities_pair_with_unit_costs():
    result = check_goal(doc(rows={1: {"value": "1.2", "unit": "万人"}}, goal="补助1.2万名在园幼儿。"), None)
    assert "BUDGET_SCALE_MISMATCH" not in codes(result)
    result = check_goal(doc(rows={1: {"value": "12000", "unit": "万人"}}, goal="补助在园幼儿。"), None)
    assert finding(result, "BUDGET_SCALE_MISMATCH").indicator == 4


def test_a_unit_cost_multiplies_the_count_of_what_it_pays_for():
    """人均救助金额 pays for the people helped, not the trainees beside them: with the count of the people
    helped left blank there is nothing to multiply; with it filled in, that is the count taken."""
    rows = {0: {"name": "巾帼技能培训人次", "operator": "≥", "value": "500", "unit": "人次"},
            1: {"name": "困难妇女儿童救助人数", "operator": "≥", "value": "", "unit": "人"},
            4: {"name": "困难妇女儿童人均救助金额", "operator": "≤", "value": "1800", "unit": "元/人"}}
    project = {"name": "妇女儿童发展规划实施", "budget": 30, "direction": None}
    blank = check_goal(doc(project=project, goal="救助困难妇女儿童，开展巾帼技能培训500人次。", rows=rows), None)
    assert "BUDGET_SCALE_MISMATCH" not in codes(blank)
    rows[1]["value"] = "1000"   # 1000 × 1800元 = 180万元 against 30万元
    filled = check_goal(doc(project=project, goal="救助困难妇女儿童1000人，开展巾帼技能培训500人次。", rows=rows), None)
    f = finding(filled, "BUDGET_SCALE_MISMATCH")
    assert "困难妇女儿童救助人数" in f.message and "巾帼" not in f.message


def _cost_rows(count: tuple[str, str, str], cost: tuple[str, str, str]) -> dict:
    return {0: {"name": count[0], "operator": "≥", "value": count[1], "unit": count[2]},
            1: {"name": "专项工作方案制定数", "operator": "≥", "value": "1", "unit": "项"},
            4: {"name": cost[0], "operator": "≤", "value": cost[1], "unit": cost[2]}}


@pytest.mark.parametrize(("budget", "apart", "paired"), [
    # 单警装备人均配备成本 pays for officers equipped, not for the 反恐宣传培训人次 beside it
    (30, (("反恐宣传培训人次", "5000", "人次"), ("单警装备人均配备成本", "6500", "元/人")),
     (("参训民警人数", "5000", "人"), ("民警培训人均成本", "6500", "元/人"))),
    # a drill's cost per time does not multiply how often ferries are checked
    (300, (("渡口安全检查频次", "1", "次/月"), ("水上搜救演练单次费用", "8", "万元/次")),
     (("水上搜救演练频次", "1", "次/月"), ("水上搜救演练单次费用", "8", "万元/次"))),
    # a density (so many per hundred pupils) is not how many rooms the money equips
    (300, (("每百名学生拥有网络多媒体教室数", "2.3", "间"), ("多媒体教室单间配置成本", "2.8", "万元/间")),
     (("新建网络多媒体教室数", "2.3", "间"), ("多媒体教室单间配置成本", "2.8", "万元/间"))),
    # an area each pupil gets is a standard, not the area the money builds
    (300, (("户外活动场地生均面积", "4", "平方米/生"), ("园舍单位面积造价", "3500", "元/平方米")),
     (("新建户外活动场地面积", "4", "平方米"), ("园舍单位面积造价", "3500", "元/平方米"))),
])
def test_a_unit_cost_does_not_multiply_a_count_of_something_else(budget, apart, paired):
    """With no count of what the cost pays for, nothing is multiplied; a count of the same thing still is."""
    project = {"name": "专项工作经费", "budget": budget, "direction": None}
    result = check_goal(doc(project=project, goal="开展专项工作。", rows=_cost_rows(*apart)), None)
    assert "BUDGET_SCALE_MISMATCH" not in codes(result)
    result = check_goal(doc(project=project, goal="开展专项工作。", rows=_cost_rows(*paired)), None)
    assert paired[0][0] in finding(result, "BUDGET_SCALE_MISMATCH").message


def test_a_count_of_survey_answers_is_an_output_not_a_satisfaction():
    count = {"level1": "产出指标", "level2": "数量指标", "name": "城市体检社会满意度调查有效样本数", "operator": "≥",
             "value": "1200", "unit": "份"}
    assert "IND_LEVEL_MISPLACED" not in codes(check_goal(doc(add=[count]), None))
    rating = dict(count, name="社会满意度", value="90", unit="%")
    assert "IND_LEVEL_MISPLACED" in codes(check_goal(doc(add=[rating]), None))


def test_a_rate_per_ten_thousand_is_a_rate():
    row = {"level1": "产出指标", "level2": "质量指标", "name": "出版物编校差错率", "operator": "≤", "value": "1",
           "unit": "‱"}
    assert "IND_UNIT_MISMATCH" not in codes(check_goal(doc(add=[row]), None))


def test_score_orders_documents_by_their_problems():
    clean = check_goal(doc(), None)
    weak = check_goal(doc(goal="", rows={5: None, 3: None}), None)
    assert clean.score > weak.score
    assert weak.grade in ("中", "差")
    assert any("未填写年度绩效目标" in line for line in weak.rationale)


def test_any_error_keeps_the_grade_below_excellent():
    result = check_goal(doc(rows={2: {"value": "较好", "operator": ""}}), None)
    assert result.grade != "优" and result.score <= 89


def test_empty_document_reports_every_dimension():
    result = check_goal(GoalDocument(project={"name": "某项目"}, goal="", indicators=[]), None)
    assert {"GOAL_MISSING", "BUDGET_MISSING", "DIM_MISSING_QUANTITY", "DIM_MISSING_BENEFIT"} <= codes(result)
    assert result.grade == "差"


# ---- with the library (the real search engine over the fixture library) -------------------------

def test_clean_document_is_relevant_to_its_direction(lookup):
    result = check_goal(doc(), lookup)
    assert "DIRECTION_MISMATCH" not in codes(result)
    assert codes(result, PROBLEMS) == set()


def test_an_unrelated_indicator_is_a_direction_mismatch(lookup):
    street_light = {"level1": "产出指标", "level2": "质量指标", "name": "路灯亮灯率", "operator": "≥", "value": "98",
                    "unit": "%"}
    result = check_goal(doc(add=[street_light]), lookup)
    mismatches = [f for f in result.findings if f.code == "DIRECTION_MISMATCH"]
    assert [f.indicator for f in mismatches] == [7]
    assert "城市道路照明" in mismatches[0].message


def test_satisfaction_indicators_never_mismatch(lookup):
    other = {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "沿线居民对道路照明满意度",
             "operator": "≥", "value": "90", "unit": "%"}
    assert "DIRECTION_MISMATCH" not in codes(check_goal(doc(add=[other]), lookup))


def test_nonstandard_names_get_the_closest_library_indicators(lookup):
    result = check_goal(doc(), lookup)
    nonstandard = {f.indicator: f for f in result.findings if f.code == "IND_NONSTANDARD"}
    assert nonstandard[0].severity == "info" and "补助普惠性幼儿园数量" in nonstandard[0].suggestion
    assert 1 not in nonstandard  # 受益在园幼儿人数 is a library name
    assert 6 not in nonstandard  # 家长满意度 is an alias… of 幼儿家长满意度, which is the name used here


def test_vague_value_suggestion_uses_the_library_typical_value(lookup):
    f = finding(check_goal(doc(rows={5: {"value": "明显提高", "operator": ""}}), lookup), "IND_VALUE_VAGUE")
    assert "≥ 85%" in f.suggestion


@pytest.mark.parametrize(("value", "atypical"), [("600", False), ("6000", True), ("60", True)])
def test_unit_cost_against_the_library_range(lookup, value, atypical):
    result = check_goal(doc(rows={4: {"value": value}}, goal="补助在园幼儿。", project={"budget": None}), lookup)
    assert ("BUDGET_UNIT_COST_ATYPICAL" in codes(result)) is atypical


def test_library_checks_are_skipped_without_a_lookup():
    result = check_goal(doc(), None)
    assert not codes(result) & {"IND_NONSTANDARD", "DIRECTION_MISMATCH", "BUDGET_UNIT_COST_ATYPICAL"}
    assert "未连接指标库" in result.rationale[0]


# ---- the document model: lenient where a person expects it, strict where input is wrong -----------

def test_goal_document_accepts_what_forms_produce():
    d = GoalDocument.model_validate({
        "project": {"name": " 某项目 ", "budget": "8,600,000", "budget_unit": "元", "year": "2025年"},
        "goal": None,
        "indicators": [{"name": "受益人数", "value": 95, "baseline": 93.5, "unit": None, "operator": None}],
    })
    assert (d.project.name, d.project.budget, d.project.year, d.goal) == ("某项目", 8600000, 2025, "")
    assert d.project.budget_yuan == 8600000
    assert (d.indicators[0].value, d.indicators[0].unit, d.indicators[0].operator) == (95, "", "")
    assert GoalDocument.model_validate({"project": {"name": "x", "budget": "860萬元"}, "goal": "",
                                        "indicators": []}).project.budget_unit == "万元"


@pytest.mark.parametrize(("project", "indicator", "field"), [
    ({"name": "x", "budget": "很多"}, {}, "budget"),
    ({"name": "x", "budget": -1}, {}, "budget"),
    ({"name": "x", "budget": True}, {}, "budget"),
    ({"name": "x", "budget_unit": "美元"}, {}, "budget_unit"),
    ({"name": ""}, {}, "name"),
    ({"name": ["x"]}, {}, "name"),
    ({"name": "x"}, {"name": "a", "value": [95]}, "value"),
    ({"name": "x"}, {"name": "a", "value": True}, "value"),
])
def test_goal_document_rejects_wrong_types_with_the_field(project, indicator, field):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as exc:
        GoalDocument.model_validate({"project": project, "goal": "", "indicators": [indicator] if indicator else []})
    assert exc.value.errors()[0]["loc"][-1] == field


def test_goal_and_indicators_are_required_keys():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as exc:
        GoalDocument.model_validate({"project": {"name": "x"}})
    assert {e["loc"][0] for e in exc.value.errors()} == {"goal", "indicators"}


@pytest.mark.parametrize(("value", "operator", "kind"), [
    ("—", "≥", "IND_VALUE_MISSING"), ("待定", "", "IND_VALUE_MISSING"), ("良好", "", "IND_VALUE_VAGUE"),
    ("良好", "定性", None), ("优/良/中/差", "定性", None), ("健全/基本健全/不健全", "定性", None),
])
def test_placeholders_grades_and_tiers(value, operator, kind):
    result = check_goal(doc(rows={5: {"value": value, "operator": operator, "unit": ""}}), None)
    got = codes(result, PROBLEMS) & {"IND_VALUE_MISSING", "IND_VALUE_VAGUE"}
    assert got == ({kind} if kind else set())


def test_goal_stating_a_count_for_an_indicator_in_percent_is_a_unit_mismatch():
    result = check_goal(doc(rows={0: {"name": "普惠性幼儿园", "unit": "%"}}), None)
    f = finding(result, "IND_UNIT_MISMATCH")
    assert f.indicator == 0 and "45所" in f.message


def test_a_goal_number_another_indicator_states_is_no_unit_mismatch_of_its_neighbour():
    """融资担保代偿率不超过3% is the 代偿率 row's target, not a wrong unit of 融资担保放大倍数 ≥3倍 beside it."""
    rows = [{"level1": "产出指标", "level2": "质量指标", "name": "融资担保代偿率", "operator": "≤", "value": "3", "unit": "%"},
            {"level1": "效益指标", "level2": "经济效益指标", "name": "融资担保放大倍数", "operator": "≥", "value": "3",
             "unit": "倍"}]
    result = check_goal(doc(goal="完成融资担保代偿率不超过3%，实现融资担保放大倍数不少于3倍。", rows={5: rows[1]},
                            add=[rows[0]]), None)
    assert "IND_UNIT_MISMATCH" not in codes(result)
    result = check_goal(doc(goal="实现融资担保放大倍数不少于3%。", rows={5: rows[1]}), None)
    assert finding(result, "IND_UNIT_MISMATCH").indicator == 5  # with no row of its own, the number is the 倍's


def test_a_rate_in_percent_is_no_unit_mismatch_of_a_count_the_goal_shares_its_number_with():
    # a works table: ±3% for 补助款结算误差率, and "3个项目" in the goal, are not one number in two units
    row = {"level1": "预期产出指标", "level2": "质量指标", "name": "补助款结算误差率", "operator": "", "value": "±3%以内",
           "unit": "%"}
    result = check_goal(doc(goal="完成3个项目补助尾款结算387万元。", add=[row]), None)
    assert "IND_UNIT_MISMATCH" not in codes(result)


def test_multi_year_wording_in_an_annual_goal():
    f = finding(check_goal(doc(goal=KINDERGARTEN["goal"] + "到2027年普惠性幼儿园覆盖率达到90%。"), None),
                "GOAL_MULTI_YEAR")
    assert f.severity == "info"


def test_unit_that_contradicts_the_library_indicator(lookup):
    result = check_goal(doc(rows={4: {"name": "生均公用经费补助标准", "unit": "%", "value": "60"}}), lookup)
    f = finding(result, "IND_UNIT_MISMATCH")
    assert f.indicator == 4 and "元/人·年" in f.suggestion


@pytest.mark.parametrize("code,unrelated", [("2120399", 0), ("2050202", 1)])
def test_the_function_code_tells_which_rows_are_outside_the_project(lookup, code, unrelated):
    # a title that names only the kind of money: the 科目 says the project lights streets or feeds pupils
    doc = GoalDocument.model_validate({
        "project": {"name": "2026年县级专项补助资金", "function_code": code, "budget": 300}, "goal": "",
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "受益学生人数", "operator": "≥", "value": "8600",
             "unit": "人"},
            {"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥", "value": "3000",
             "unit": "盏"}]})
    mismatched = [f.indicator for f in check_goal(doc, lookup).findings if f.code == "DIRECTION_MISMATCH"]
    assert mismatched == [unrelated]


@pytest.mark.parametrize("code,flagged", [("2050202", True), ("205", True), ("2120399", False), ("212", False),
                                          ("21205", False), (None, False)])
def test_a_named_direction_budgeted_under_another_class_than_the_function_code_is_flagged(lookup, code, flagged):
    doc = GoalDocument.model_validate({
        "project": {"name": "城区路灯维护", "direction": "城市道路照明", "function_code": code, "budget": 300},
        "goal": "", "indicators": []})
    found = [f for f in check_goal(doc, lookup).findings if f.code == "FUNCTION_CODE_MISMATCH"]
    assert bool(found) == flagged
    if found:
        assert "21203" in found[0].message and code in found[0].message and found[0].severity == "warning"


def test_a_wrong_function_code_does_not_make_rows_that_fit_the_project_look_foreign(lookup):
    rows = [{"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥", "value": "3000",
             "unit": "盏"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "夜间道路交通事故下降率", "operator": "≥",
             "value": "10", "unit": "%"},
            {"level1": "效益指标", "level2": "生态效益指标", "name": "照明节电率", "operator": "≥", "value": "8",
             "unit": "%"}]
    for code in ("2050202", "2120399", None):
        doc = GoalDocument.model_validate({"project": {"name": "城区路灯维护", "function_code": code, "budget": 300},
                                           "goal": "", "indicators": rows})
        assert not [f for f in check_goal(doc, lookup).findings if f.code == "DIRECTION_MISMATCH"], code


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("县科学技术局2026年度部门整体支出绩效目标", None, "department"),
    ("某价格认证中心2026年度整体绩效目标", None, "department"),
    ("县科学技术局2026年度部门整体支出绩效目标", "project", "project"),   # what the sender says wins
    ("易地扶贫搬迁整体推进项目", None, "project"),
])
def test_a_goal_titled_as_a_departments_overall_one_is_one(name, kind, expected):
    project = {"name": name} if kind is None else {"name": name, "kind": kind}
    assert GoalDocument.model_validate({"project": project, "goal": "", "indicators": []}).project.kind == expected
