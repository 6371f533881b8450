"""部门整体 goals on their own framework (运行成本, 管理效率, 履职效能, 满意度): drafted from category 902 with
kind=department, and checked by the department dimensions. The search engine is real, over the fixture
library plus two directions of the built-in 902 file."""

from __future__ import annotations

import pytest

from indicators.checker import check_goal
from indicators.drafter import MAX_ROWS, draft_goal
from indicators.framework import DEPARTMENT, PROJECT
from indicators.goals import GoalDocument, GoalIndicator, Project
from kb.db import get_engine
from search.service import SearchService
from tests.department_library import department_settings

DEPT_CODES = {"DEPT_MISSING_RUNNING_COST", "DEPT_MISSING_MANAGEMENT", "DEPT_MISSING_PERFORMANCE"}
PROJECT_DIMS = {"DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS", "DIM_MISSING_COST",
                "DIM_MISSING_BENEFIT"}
BUREAU = Project(name="区市场监督管理局部门整体支出", kind="department", budget=4200, year=2026,
                 description="承担市场主体登记、双随机抽查、投诉举报处理和行政执法办案，年内立案查处案件300件")


@pytest.fixture(scope="module")
def department_lookup(tmp_path_factory):
    settings = department_settings(tmp_path_factory.mktemp("dept"))
    return SearchService.open(settings, get_engine(settings))


@pytest.fixture(scope="module")
def bureau_draft(department_lookup):
    return draft_goal(BUREAU, department_lookup)


def test_a_department_draft_comes_from_902_on_the_department_framework(bureau_draft, department_lookup):
    assert bureau_draft.project.direction == "执法监管类部门"
    library = {i.code: i for i in department_lookup.direction_indicators("9020102")}
    assert all(row.code in library for row in bureau_draft.indicators)
    assert {(row.level2, row.level1) for row in bureau_draft.indicators} <= set(DEPARTMENT.level1_of.items())
    assert {row.level1 for row in bureau_draft.indicators} == set(DEPARTMENT.levels)
    assert {"职责履行", "履职效益", "预算执行"} <= {row.level2 for row in bureau_draft.indicators}
    assert len(bureau_draft.indicators) <= MAX_ROWS


def test_a_department_draft_passes_its_own_check(bureau_draft):
    doc = GoalDocument(project=bureau_draft.project, goal=bureau_draft.goal, indicators=bureau_draft.indicators)
    result = check_goal(doc, None)
    codes = {f.code for f in result.findings}
    assert not codes & (DEPT_CODES | PROJECT_DIMS | {"IND_LEVEL_INVALID", "DIM_MISSING_SATISFACTION"}), codes
    assert not [f for f in bureau_draft.findings if f.code in DEPT_CODES]


def test_a_department_draft_states_what_the_department_said_it_would_do(bureau_draft):
    cases = [row for row in bureau_draft.indicators if row.name == "立案查处案件数"]
    assert cases and cases[0].value == "300"
    assert "立案查处案件数不少于300件" in bureau_draft.goal


def test_the_same_name_drafted_as_a_project_stays_on_the_project_framework(department_lookup):
    draft = draft_goal(BUREAU.model_copy(update={"kind": "project"}), department_lookup)
    assert {(row.level2, row.level1) for row in draft.indicators} <= set(PROJECT.level1_of.items())


def test_a_named_department_direction_is_used(department_lookup):
    draft = draft_goal(Project(name="区政府办公室整体支出", kind="部门整体", direction="9020101"), department_lookup)
    assert draft.project.direction == "9020101" and all(r.code.startswith("9020101-") for r in draft.indicators)
    assert {row.level1 for row in draft.indicators} == set(DEPARTMENT.levels)


def department_doc(rows):
    return GoalDocument(project=Project(name="区政府办公室整体支出", kind="department"),
                        goal="完成年度重点工作任务40项，部门预算执行率不低于95%，“三公”经费只减不增。",
                        indicators=[GoalIndicator(level1=l1, level2=l2, name=name, operator=op, value=v, unit=u,
                                                  basis="计划标准") for l1, l2, name, op, v, u in rows])


DEPARTMENT_TABLE = [
    ("运行成本", "三公经费", "“三公”经费控制率", "≤", "100", "%"),
    ("管理效率", "预算执行", "部门预算执行率", "≥", "95", "%"),
    ("履职效能", "职责履行", "年度重点工作任务完成数", "≥", "40", "项"),
    ("履职效能", "履职效益", "跨部门协调事项办结率", "≥", "90", "%"),
    ("满意度指标", "服务对象满意度指标", "服务对象单位满意度", "≥", "90", "%"),
]


def test_a_table_in_the_framework_s_own_names_is_complete():
    codes = {f.code for f in check_goal(department_doc(DEPARTMENT_TABLE), None).findings}
    assert not codes & (DEPT_CODES | PROJECT_DIMS | {"IND_LEVEL_INVALID", "DIM_MISSING_SATISFACTION"}), codes


@pytest.mark.parametrize(("drop", "code"), [(0, "DEPT_MISSING_RUNNING_COST"), (1, "DEPT_MISSING_MANAGEMENT"),
                                            ((2, 3), "DEPT_MISSING_PERFORMANCE"), (4, "DIM_MISSING_SATISFACTION")])
def test_a_department_table_missing_a_dimension_is_told_which(drop, code):
    dropped = drop if isinstance(drop, tuple) else (drop,)
    rows = [r for i, r in enumerate(DEPARTMENT_TABLE) if i not in dropped]
    result = check_goal(department_doc(rows), None)
    assert code in {f.code for f in result.findings}
    assert not {f.code for f in result.findings} & PROJECT_DIMS


@pytest.mark.parametrize("level2", ["公用经费", "人员经费指标", "三公经费", "“三公”经费"])
def test_running_cost_is_recognised_by_its_level_2_alone(level2):
    rows = [("", level2, "本级经费支出变动", "≤", "0", "%"), *DEPARTMENT_TABLE[1:]]
    assert "DEPT_MISSING_RUNNING_COST" not in {f.code for f in check_goal(department_doc(rows), None).findings}


def test_asset_work_filed_as_duties_counts_as_duties():
    """机关事务局 manages assets as its duty: a row the table files under 职责履行 is not management."""
    rows = [*DEPARTMENT_TABLE[:2], ("履职效能", "职责履行", "资产卡片信息准确率", "≥", "98", "%"),
            *DEPARTMENT_TABLE[4:]]
    assert "DEPT_MISSING_PERFORMANCE" not in {f.code for f in check_goal(department_doc(rows), None).findings}


def test_a_departments_missing_budget_is_the_departments():
    doc = GoalDocument.model_validate({"project": {"name": "县科学技术局2026年度部门整体支出绩效目标"},
                                       "goal": "", "indicators": []})
    found = next(f for f in check_goal(doc, None).findings if f.code == "BUDGET_MISSING")
    assert "部门（单位）预算" in found.message
