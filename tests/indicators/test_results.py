"""Results applied: grades by score bands or by rank with quotas, next year's budget; numbers worked by hand."""

import pytest
from pydantic import ValidationError

from indicators.results import ProjectScore, ResultRules, apply_results, ranks, summarize


def projects(*rows):
    return [ProjectScore(name=name, budget=budget, score=score) for name, budget, score in rows]


def test_score_bands_and_shenzhen_budgets_in_the_order_given():
    given = projects(("乙", 200, 85), ("甲", 100, 95), ("丙", 300, 70), ("丁", 400, 50), ("戊", 50, 90),
                     ("己", 60, 89.99))
    result = apply_results(given)
    assert [r.name for r in result] == ["乙", "甲", "丙", "丁", "戊", "己"]
    assert [r.grade for r in result] == ["良", "优", "中", "差", "优", "良"]
    # 良 and 优 unchanged; 中 300 × 0.9 = 270; 差 → 0
    assert [r.suggested_budget for r in result] == [200, 100, 270, 0, 50, 60]
    summary = summarize(result)
    assert summary.grades == {"优": 2, "良": 2, "中": 1, "差": 1}
    # 200 + 100 + 300 + 400 + 50 + 60 = 1110 → 200 + 100 + 270 + 0 + 50 + 60 = 680
    assert summary.budget == 1110 and summary.suggested_budget == 680


def test_rank_quotas_with_a_tie_on_the_boundary():
    """10 projects at 30/30/30/10: ranks 1-3 优, 4-6 良, 7-9 中, 10 差; two tied at rank 3 both get 优."""
    scores = [95, 90, 88, 88, 85, 80, 75, 70, 65, 50]
    given = projects(*[(f"项目{i}", 100, s) for i, s in enumerate(scores)])
    result = apply_results(given, ResultRules(mode="rank", quotas={"优": 0.3, "良": 0.3, "中": 0.3, "差": 0.1}))
    # competition ranks: 1, 2, 3, 3, 5, 6, 7, 8, 9, 10
    assert [r.rank for r in result] == [1, 2, 3, 3, 5, 6, 7, 8, 9, 10]
    # cumulative places: 优 0.3 × 10 = 3, 良 6, 中 9, 差 10; the tie at 3 takes the better grade
    assert [r.grade for r in result] == ["优", "优", "优", "优", "良", "良", "中", "中", "中", "差"]
    # 中 100 × 0.9 = 90; 差 0
    assert [r.suggested_budget for r in result] == [100] * 6 + [90] * 3 + [0]


def test_rank_quotas_round_the_places_half_up():
    result = apply_results(projects(("甲", 10, 60), ("乙", 10, 70), ("丙", 10, 80)), ResultRules(mode="rank"))
    # 3 projects: 优 0.9 → 1 place, 良 1.8 → 2, 中 2.7 → 3, 差 3: one each of 优 良 中 by rank
    assert [r.grade for r in result] == ["中", "良", "优"]


def test_rank_mode_ignores_the_score_bands():
    result = apply_results(projects(("甲", 10, 99), ("乙", 10, 98)), ResultRules(mode="rank",
                                                                              quotas={"优": 0.5, "差": 0.5}))
    # 良 and 中 get no places: 优 0.5 × 2 = 1, then 差
    assert [r.grade for r in result] == ["优", "差"]


def test_adjustments_are_configurable_and_a_missing_budget_stays_missing():
    rules = ResultRules(adjustments={"优": 0.1, "差": -0.5})
    result = apply_results([ProjectScore(name="甲", budget=100, score=92), ProjectScore(name="乙", score=40),
                            ProjectScore(name="丙", budget=80, score=40)], rules)
    # 优 100 × 1.1 = 110; 差 80 × 0.5 = 40; 乙 has no budget
    assert [r.suggested_budget for r in result] == [110, None, 40]


def test_equal_scores_share_the_better_rank():
    assert ranks([70, 90, 90, 80]) == [4, 1, 1, 3]


def test_rules_are_validated_in_chinese():
    with pytest.raises(ValidationError, match="比例之和应为 1"):
        ResultRules(mode="rank", quotas={"优": 0.5, "良": 0.3})
    with pytest.raises(ValidationError, match="应在 -1"):
        ResultRules(adjustments={"中": -2})
    with pytest.raises(ValidationError, match="不认识的规则项"):
        ResultRules(mode="rank", quota={"优": 1})
