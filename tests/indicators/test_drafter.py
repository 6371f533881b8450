"""draft_goal against the real search engine over the fixture library (tests/fixtures/library)."""

from __future__ import annotations

import re

import pytest

from indicators.checker import check_goal
from indicators.checks.goal_text import phrase
from indicators.drafter import MAX_ROWS, draft_goal, draft_row
from indicators.framework import BASES, LEVELS
from indicators.goals import GoalDocument, GoalIndicator, Project

KINDERGARTEN = Project(name="普惠性幼儿园生均补助", description="对普惠性幼儿园按生均标准给予公用经费补助", budget=720)


@pytest.fixture(scope="module")
def kindergarten(lookup):
    return draft_goal(KINDERGARTEN, lookup)


def test_draft_covers_every_dimension(kindergarten):
    kinds = {(i.level1, i.level2) for i in kindergarten.indicators}
    for level2 in LEVELS["产出指标"]:
        assert ("产出指标", level2) in kinds
    assert {i.level1 for i in kindergarten.indicators} == set(LEVELS)
    assert len(kindergarten.indicators) <= MAX_ROWS


def test_draft_infers_the_direction_and_uses_its_library_indicators(kindergarten, lookup):
    assert kindergarten.project.direction == "普惠性幼儿园补助"
    assert not [f for f in kindergarten.findings if f.code.startswith("DRAFT_DIRECTION")]  # a confident choice
    library = {i.code: i for i in lookup.direction_indicators("2050101")}
    for ind in kindergarten.indicators:
        assert ind.code in library and library[ind.code].name == ind.name and library[ind.code].unit == ind.unit
    outputs = [i.name for i in kindergarten.indicators if i.level1 == "产出指标"]
    assert any(re.search("幼儿园|幼儿", name) for name in outputs)


def test_draft_takes_values_from_typical_values_and_the_budget(kindergarten):
    rows = {i.name: i for i in kindergarten.indicators}
    assert (rows["幼儿园办园质量评估合格率"].operator, rows["幼儿园办园质量评估合格率"].value) == ("≥", "95")
    assert rows["生均公用经费补助标准"].value == "800"          # middle of the usual 400-1200 元/人·年
    assert rows["受益在园幼儿人数"].value is None              # an estimate is advice, not the department's figure
    estimate = [f for f in kindergarten.findings
                if f.code == "DRAFT_ESTIMATE" and kindergarten.indicators[f.indicator].name == "受益在园幼儿人数"]
    assert estimate and estimate[0].severity == "warning"
    assert "≈ 9000人" in estimate[0].message                  # 720 万元 ÷ 800 元/人·年
    assert all(i.basis for i in kindergarten.indicators)


def test_the_basis_column_holds_a_basis_and_never_a_hint(kindergarten):
    assert {i.basis for i in kindergarten.indicators} <= set(BASES)


def test_quantities_the_project_states_fill_its_rows_and_are_never_replaced_by_estimates(lookup):
    draft = draft_goal(Project(name="城区路灯日常维护", description="对城区3200盏路灯进行日常巡查维修",
                               direction="城市道路照明", budget=100, year=2026), lookup)
    lamps = [(i, r) for i, r in enumerate(draft.indicators) if r.level2 == "数量指标" and r.unit.startswith("盏")]
    assert lamps and any(r.value == "3200" for _, r in lamps)
    stated = next(i for i, r in lamps if r.value == "3200")
    assert not [f for f in draft.findings if f.code == "DRAFT_ESTIMATE" and f.indicator == stated]
    assert "3200盏" in draft.goal
    assert draft.goal.count("2026") == 1


def test_the_goal_text_does_not_repeat_the_year_or_state_empty_rows(lookup):
    draft = draft_goal(Project(name="2026年城区路灯维护", direction="城市道路照明", budget=300, year=2026), lookup)
    assert draft.goal.count("2026") == 1
    assert "【待填】" not in draft.goal


@pytest.mark.parametrize(("name", "opening"), [("城区路灯维护经费", "实施城区路灯维护（预算"),
                                              ("城区路灯维护专项资金", "实施城区路灯维护（预算"),
                                              ("路灯经费", "实施路灯经费（预算"),
                                              ("城区路灯运行维护费", "实施城区路灯运行维护（预算"),
                                              ("城区路灯电费", "实施城区路灯电费（预算"),
                                              ("罗湖区全面实施路灯改造工程", "罗湖区全面实施路灯改造工程（预算"),
                                              ("开展路灯安全隐患排查", "开展路灯安全隐患排查（预算")])
def test_the_goal_carries_out_the_work_not_the_money_its_title_closes_with(lookup, name, opening):
    draft = draft_goal(Project(name=name, direction="城市道路照明", budget=300), lookup)
    assert draft.goal.startswith(opening), draft.goal


@pytest.mark.parametrize(("operator", "value", "unit", "words"), [
    ("≤", "0", "起", "燃气泄漏事故起数为0起"), ("≤", "2", "起", "燃气泄漏事故起数不超过2起"),
    ("≥", "95", "%", "燃气泄漏事故起数不低于95%"),
])
def test_a_goal_says_a_zero_ceiling_as_zero(operator, value, unit, words):
    row = GoalIndicator(level1="效益指标", level2="社会效益指标", name="燃气泄漏事故起数", operator=operator,
                        value=value, unit=unit)
    assert phrase(row) == words


def test_draft_is_a_valid_goal_document_with_a_quantified_goal_text(kindergarten):
    again = GoalDocument.model_validate(kindergarten.model_dump(exclude={"findings"}))
    assert again.indicators == kindergarten.indicators
    assert kindergarten.goal.startswith("实施普惠性幼儿园生均补助（预算720万元）")
    assert "9000" not in kindergarten.goal and "受益在园幼儿人数" not in kindergarten.goal


def test_draft_findings_name_what_is_left_to_fill(kindergarten):
    empty = [i for i, ind in enumerate(kindergarten.indicators) if ind.value in (None, "")]
    missing = [f.indicator for f in kindergarten.findings if f.code == "IND_VALUE_MISSING"]
    assert missing == empty


def test_checking_the_draft_finds_no_structural_problem(kindergarten, lookup):
    result = check_goal(kindergarten, lookup)
    structural = {f.code for f in result.findings} & {
        "IND_LEVEL_INVALID", "IND_UNIT_MISMATCH", "IND_DUPLICATE", "DIRECTION_MISMATCH", "GOAL_MISSING",
        "BUDGET_SCALE_MISMATCH", "GOAL_INDICATOR_INCONSISTENT", "IND_NONSTANDARD"}
    assert structural == set()
    assert not [f for f in result.findings if f.code.startswith("DIM_")]


def test_a_named_direction_is_used_even_in_traditional_characters(lookup):
    draft = draft_goal(Project(name="路燈維護", direction="城市道路照明", budget=300), lookup)
    assert draft.project.direction == "城市道路照明"
    assert any("路灯" in i.name for i in draft.indicators if i.level1 == "产出指标")
    assert not [f for f in draft.findings if f.code.startswith("DRAFT_DIRECTION")]


def test_a_project_the_library_does_not_know_is_flagged(lookup):
    draft = draft_goal(Project(name="航天器发射测控", description="开展卫星发射和在轨测控"), lookup)
    assert draft.findings[0].code in ("DRAFT_DIRECTION_UNCERTAIN", "DRAFT_NO_DIRECTION")
    assert draft.findings[0].severity == "warning"


def test_a_short_name_that_is_a_direction_keyword_is_a_confident_choice(lookup):
    draft = draft_goal(Project(name="營養午餐"), lookup)
    assert draft.project.direction == "学生营养改善计划"
    assert not [f for f in draft.findings if f.code.startswith("DRAFT_DIRECTION")]


@pytest.mark.parametrize("code,direction", [("2050202", "学生营养改善计划"), ("2050201", "普惠性幼儿园补助"),
                                            ("2120399", "城市道路照明")])
def test_the_budget_systems_function_code_picks_among_the_directions_filed_under_it(lookup, code, direction):
    # a title that says only what kind of money it is; the 科目 says what it is for
    project = Project(name="2026年县级教育补助资金", function_code=code, budget=300)
    draft = draft_goal(project, lookup)
    assert draft.project.direction == direction
    # one direction under the code: the code made the choice, nothing is left to confirm
    assert not [f for f in draft.findings if f.code.startswith("DRAFT_DIRECTION")]


def test_a_function_code_no_direction_is_under_leaves_the_choice_to_the_text(lookup):
    draft = draft_goal(Project(name="营养午餐", function_code="2100408"), lookup)  # 基本公共卫生服务: none here
    assert draft.project.direction == "学生营养改善计划"


def test_a_code_the_description_quotes_counts_when_no_function_code_is_given(lookup):
    # as published tables write it: …当年年度预算100（财政资金100，科目2240109-应急管理）
    project = Project(name="2026年县级专项补助资金", budget=300,
                      description="当年年度预算300（财政资金300，科目2120399）")
    assert project.filed_code == "2120399"
    assert draft_goal(project, lookup).project.direction == "城市道路照明"
    assert Project(name="x", description="预算100万元，2024年实施").filed_code is None


def test_a_title_that_names_a_project_budgeted_elsewhere_wins_over_the_code_and_says_so(lookup):
    draft = draft_goal(Project(name="城区路灯维护", function_code="2050202", budget=300), lookup)
    assert draft.project.direction == "城市道路照明"  # a wrong 科目 is a common slip; the words are the project
    first = draft.findings[0]
    assert first.code == "FUNCTION_CODE_MISMATCH" and "21203" in first.message and "2050202" in first.message
    named = draft_goal(Project(name="城区路灯维护", direction="城市道路照明", function_code="205"), lookup)
    assert named.findings[0].code == "FUNCTION_CODE_MISMATCH"
    agreeing = draft_goal(Project(name="城区路灯维护", function_code="2120399"), lookup)
    assert not [f for f in agreeing.findings if f.code == "FUNCTION_CODE_MISMATCH"]


def test_no_drafted_row_of_the_builtin_library_writes_its_unit_twice():
    """A typical deadline '≤3月' in a row whose unit is 月 drafts as 3 (月), never as '3月' + 月."""
    from indicators.library import load_library

    rows = [(ind, draft_row(ind)[0]) for ind in load_library().indicators]
    doubled = [(ind.code, r.value, r.unit) for ind, r in rows if r.value and r.unit and r.value.endswith(r.unit)]
    assert not doubled
    months = [r for ind, r in rows if ind.unit == "月" and re.fullmatch(r"≤\d+月", ind.typical or "")]
    assert months and all(re.fullmatch(r"\d+", r.value or "") for r in months), months[:3]


def test_a_library_plan_in_a_count_row_is_left_for_the_department_to_fill():
    """『按年度计划』 as a typical value of a 套 or 户 row says when, not how many: the draft leaves it empty."""
    from indicators.library import load_library
    from indicators.values import parse_target

    planned = [ind for ind in load_library().indicators
               if ind.level2 == "数量指标" and parse_target(ind.typical, "", ind.unit).deadline]
    assert planned
    assert all(draft_row(ind)[0].value is None for ind in planned)


def test_a_library_value_per_object_is_not_the_years_count():
    """『每处每季度≥1次』 in a 处次 row is what each 场所 gets, not the year's total: the draft leaves the
    count for the department and says what the library suggests; 『每年≥2次』 is the year's own number."""
    from indicators.library import load_library
    from indicators.values import parse_unit

    per_object = [ind for ind in load_library().indicators if ind.level2 == "数量指标"
                  and parse_unit(ind.unit).kind == "quantity" and re.search(r"每(?!年)\S{0,6}[≥≤]\d", ind.typical or "")]
    assert per_object  # the library writes a few; the readings turned most into the year's totals
    quarterly = per_object[0].model_copy(update={"typical": "每处每季度≥1" + per_object[0].unit})
    for ind in [*per_object, quarterly]:
        row, source = draft_row(ind)
        assert row.value is None and ind.typical in source, (ind.code, row.value)
    yearly = per_object[0].model_copy(update={"typical": "每年≥4" + per_object[0].unit})
    assert draft_row(yearly)[0].value == "4"
