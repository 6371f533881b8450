"""A department's overall goal is scored on its own framework, not on the project dimensions."""

from __future__ import annotations

from indicators.checker import check_goal
from indicators.goals import GoalDocument

ROWS = [
    ("运行成本", "公用经费", "公用经费控制率", "≤", "100", "%"),
    ("运行成本", "三公经费", "“三公”经费变动率", "≤", "0", "%"),
    ("管理效率", "预算执行", "预算执行率", "≥", "95", "%"),
    ("管理效率", "预算管理", "结转结余率", "≤", "5", "%"),
    ("履职效能", "职责履行", "执法案件办结数", "≥", "300", "件"),
    ("履职效能", "职责履行", "食品安全抽检批次", "≥", "8000", "批次"),
    ("履职效能", "履职效益", "食品抽检合格率", "≥", "97", "%"),
    ("满意度指标", "服务对象满意度指标", "投诉举报人满意度", "≥", "90", "%"),
]


def department(rows, **extra):
    return GoalDocument.model_validate({
        "project": {"name": "市市场监督管理局部门整体支出", "kind": "department", "budget": 12000,
                    "department": "市市场监督管理局"},
        "goal": "2025年办结市场监管执法案件300件，完成食品安全抽检8000批次，预算执行率不低于95%。",
        "indicators": [dict(zip(("level1", "level2", "name", "operator", "value", "unit"), r, strict=True),
                            basis="计划标准", **extra) for r in rows]})


def test_a_complete_department_goal_scores_on_its_four_dimensions():
    result = check_goal(department(ROWS))
    assert result.grade == "优" and result.score >= 90, result.rationale
    assert any("运行成本（20 分）" in line for line in result.rationale)
    assert not any(line.startswith("产出·数量") for line in result.rationale)


def test_a_missing_dimension_costs_its_weight():
    whole = check_goal(department(ROWS)).score
    without = check_goal(department([r for r in ROWS if r[0] != "运行成本"]))
    assert "DEPT_MISSING_RUNNING_COST" in {f.code for f in without.findings}
    assert whole - without.score >= 15  # 运行成本 is 20 of 100 points


def test_a_department_budget_is_not_matched_against_one_unit_cost():
    rows = ROWS + [("运行成本", "业务成本", "单批次抽检费用", "≤", "2000", "元/批次")]
    codes = {f.code for f in check_goal(department(rows)).findings}
    assert "BUDGET_SCALE_MISMATCH" not in codes
