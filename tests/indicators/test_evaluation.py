"""Self-evaluation per 财预〔2020〕10号 as DOMAIN.md sets it out; every expected number is worked by hand."""

import pytest
from pydantic import ValidationError

from indicators.actuals import Actual
from indicators.evaluation import EvaluationRules, evaluate, grade_by_bands
from indicators.goals import GoalDocument
from kb.errors import InvalidInput
from tests.cycle_documents import greening, meals

GREENING = GoalDocument.model_validate(greening())
MEALS = GoalDocument.model_validate(meals())


def actuals(*values, reasons=None):
    reasons = reasons or {}
    return [Actual(indicator=i, value=v, reason=reasons.get(i)) for i, v in enumerate(values) if v is not None]


def items(result):
    return {i.indicator: i for i in result.items}


def codes(result, code):
    return [f.indicator for f in result.findings if f.code == code]


def test_no_satisfaction_indicator_passes_its_weight_to_output_and_benefit():
    """满意度 absent: its 10 points go 50:30 to 产出 and 效益; every target met scores 100."""
    result = evaluate(GREENING, 400, actuals(2000, "96%", "2025年10月20日", 1450, "100", "达成"))
    # 产出 50 + 10 × 50/80 = 56.25 over 4 rows (成本 shares 产出) = 14.0625 each
    # 效益 30 + 10 × 30/80 = 33.75 over 2 rows = 16.875 each
    assert result.weights["output"] == 56.25 and result.weights["benefit"] == 33.75
    assert result.weights["satisfaction"] == 0
    assert [i.max for i in result.items] == [14.06, 14.06, 14.06, 14.06, 16.88, 16.88]
    assert all(i.achieved for i in result.items)
    # 56.25 + 33.75 + 预算执行率 400/400 × 10 = 100
    assert result.score == 100 and result.grade == "优"
    assert result.budget_execution.rate == 100 and result.budget_execution.points == 10
    assert result.findings == []


def test_misses_score_their_share_and_a_miss_without_a_reason_is_a_finding():
    """≥ missed scores actual ÷ target, ≤ missed target ÷ actual, 部分达成 70%; spent 90% scores 9."""
    result = evaluate(GREENING, 360, actuals(1800, "96%", "2025年10月31日", 1600, "99.5", "部分达成",
                                             reasons={0: "两处路段拆迁延后", 4: "一处绿带在施工", 5: "部分路段未完工"}))
    got = items(result)
    # row 0 ≥2000, actual 1800: 1800/2000 = 0.9 × 14.0625 = 12.65625
    assert got[0].points == 12.66 and got[0].ratio == 0.9 and not got[0].achieved
    # row 1 ≥95%, actual 96%: full 14.0625; row 2 deadline 10月底, done on 10-31: full
    assert got[1].points == 14.06 and got[1].achieved
    assert got[2].points == 14.06 and got[2].achieved
    # row 3 ≤1500 元/株, actual 1600: 1500/1600 = 0.9375 × 14.0625 = 13.18359375
    assert got[3].points == 13.18 and got[3].ratio == 0.9375
    # row 4 "100" 百分比 with no operator read as ≥, actual 99.5: 0.995 × 16.875 = 16.790625
    assert got[4].points == 16.79
    # row 5 qualitative 部分达成: 0.7 × 16.875 = 11.8125
    assert got[5].points == 11.81 and got[5].ratio == 0.7
    # 预算执行率 360/400 = 90% → 0.9 × 10 = 9
    assert result.budget_execution.rate == 90 and result.budget_execution.points == 9
    # 12.65625 + 14.0625 + 14.0625 + 13.18359375 + 16.790625 + 11.8125 + 9 = 91.56796875
    assert result.score == 91.57 and result.grade == "优"
    # only row 3 missed without a reason
    assert codes(result, "EVAL_REASON_MISSING") == [3]
    assert "1600" in result.findings[0].message and "原因" in result.findings[0].message


def test_a_missed_target_with_a_reason_is_no_finding():
    with_reason = evaluate(GREENING, 400, actuals(2000, "96%", "2025年10月20日", 1600, "100", "达成",
                                                  reasons={3: "苗木价格上涨"}))
    without = evaluate(GREENING, 400, actuals(2000, "96%", "2025年10月20日", 1600, "100", "达成"))
    assert codes(with_reason, "EVAL_REASON_MISSING") == []
    assert codes(without, "EVAL_REASON_MISSING") == [3]
    # the reason explains the miss; it does not restore the points: 1500/1600 × 14.0625 = 13.18
    assert items(with_reason)[3].points == items(without)[3].points == 13.18


def test_equal_targets_within_one_percent_score_full_and_satisfaction_under_benefit_counts_as_satisfaction():
    """= 100% met by 99.2 (within 1%); = 5 元 missed by 5.2 scores 5/5.2; budget over 100% is capped."""
    result = evaluate(MEALS, 500, actuals(3900, "99.2", "5.2", "1.2", "92%", reasons={0: "转学减少"}))
    got = items(result)
    # every dimension present: 产出 50 over rows 0-2 (成本 counts with 产出) = 16.6667 each, 效益 30 (row 3),
    # 满意度 10 (row 4, written as the 2015 template's level 2 under 效益)
    assert result.weights == {"output": 50, "benefit": 30, "satisfaction": 10, "budget_execution": 10}
    assert [got[i].dimension for i in range(5)] == ["产出", "产出", "产出", "效益", "满意度"]
    assert got[3].max == 30 and got[4].max == 10
    # row 0: 3900/4000 = 0.975 × 50/3 = 16.25
    assert got[0].points == 16.25
    # row 1: |99.2 - 100| = 0.8 ≤ 1% of 100 → full 16.67
    assert got[1].points == 16.67 and got[1].achieved
    # row 2: |5.2 - 5| = 0.2 > 0.05 → 5/5.2 × 50/3 = 16.0256
    assert got[2].points == 16.03 and not got[2].achieved
    # 预算执行率 500/480 = 104.17% → capped at 1 × 10
    assert result.budget_execution.rate == 104.17 and result.budget_execution.points == 10
    # 16.25 + 16.6667 + 16.0256 + 30 + 10 + 10 = 98.9423
    assert result.score == 98.94 and result.grade == "优"
    assert codes(result, "EVAL_REASON_MISSING") == [2]
    assert codes(result, "SPEND_OVER_BUDGET") == [None]


def test_equal_target_just_inside_one_percent_is_met():
    result = evaluate(MEALS, 480, actuals(4000, "100", "5.04", "1", "90%"))
    # |5.04 - 5| = 0.04 ≤ 0.05 (1% of 5): full; every row met, 预算执行率 100%: 100
    assert items(result)[2].achieved and result.score == 100


@pytest.mark.parametrize(("said", "points", "score"), [
    # 16.875 × 1.0; total 56.25 + 16.875 + 16.875 + 10 = 100
    ("达成", 16.88, 100.0),
    # 16.875 × 0.7 = 11.8125; total 100 - 16.875 + 11.8125 = 94.9375
    ("部分达成", 11.81, 94.94),
    # 16.875 × 0.3 = 5.0625; total 100 - 16.875 + 5.0625 = 88.1875
    ("未达成", 5.06, 88.19),
    ("基本完成", 11.81, 94.94),   # a word for 部分达成
])
def test_qualitative_indicator_scores_100_70_30_percent(said, points, score):
    result = evaluate(GREENING, 400, actuals(2000, "96%", "2025年10月20日", 1450, "100", said,
                                             reasons={5: "见说明"}))
    assert items(result)[5].points == points
    assert result.score == score


def test_deadline_missed_scores_days_allowed_over_days_taken():
    result = evaluate(GREENING, 400, actuals(2000, "96%", "2025年11月15日", 1450, "100", "达成",
                                             reasons={2: "雨季延误"}))
    # 10月底 is day 304 of 2025, 11-15 day 319: 304/319 = 0.952978 × 14.0625 = 13.4013
    assert items(result)[2].points == 13.40 and not items(result)[2].achieved


def test_a_bare_actual_is_read_in_the_unit_the_target_was_written_in():
    doc = greening()
    doc["indicators"][3].update(value="≤28.40万元", unit="", name="绿化工程总成本")
    result = evaluate(GoalDocument.model_validate(doc), 400,
                      actuals(2000, "96%", "2025年10月20日", 30, "100", "达成", reasons={3: "苗木涨价"}))
    # 30 (万元) against ≤ 28.40 万元: 28.4/30 = 0.946667 × 14.0625 = 13.3125
    assert items(result)[3].ratio == 0.9467 and items(result)[3].points == 13.31
    same = evaluate(GoalDocument.model_validate(doc), 400,
                    actuals(2000, "96%", "2025年10月20日", "300000元", "100", "达成", reasons={3: "苗木涨价"}))
    assert items(same)[3].points == 13.31


def test_missing_and_unreadable_actuals_score_zero_with_a_finding():
    result = evaluate(GREENING, 400, actuals(None, "很多", "2025年10月20日", 1450, "100", "达成"))
    got = items(result)
    assert got[0].points == 0 and got[0].ratio is None
    assert got[1].points == 0
    assert codes(result, "EVAL_ACTUAL_MISSING") == [0]
    assert codes(result, "ACTUAL_UNREADABLE") == [1]
    # 100 - 2 × 14.0625 = 71.875
    assert result.score == 71.88 and result.grade == "中"


def test_budget_missing_scores_no_execution_points():
    doc = greening()
    doc["project"]["budget"] = None
    result = evaluate(GoalDocument.model_validate(doc), 400,
                      actuals(2000, "96%", "2025年10月20日", 1450, "100", "达成"))
    assert result.budget_execution.rate is None and result.budget_execution.points == 0
    assert result.score == 90 and codes(result, "BUDGET_MISSING") == [None]


def test_rules_change_weights_shares_and_bands():
    rules = EvaluationRules(weights={"output": 60, "benefit": 30, "satisfaction": 0, "budget_execution": 10},
                            qualitative={"部分达成": 0.5}, grade_bands={"优": 95})
    result = evaluate(GREENING, 400, actuals(2000, "96%", "2025年10月20日", 1450, "100", "部分达成",
                                             reasons={5: "x"}), rules)
    # 满意度 weighs 0: nothing to pass on; 产出 60/4 = 15 each, 效益 30/2 = 15 each
    assert [i.max for i in result.items] == [15] * 6
    # 部分达成 at 50%: 7.5; total 100 - 15 + 7.5 = 92.5, under the 优 band of 95 → 良
    assert result.score == 92.5 and result.grade == "良"


def test_rules_are_validated_in_chinese():
    with pytest.raises(ValidationError, match="各项分值之和应为 100"):
        EvaluationRules(weights={"output": 60})
    with pytest.raises(ValidationError, match="不认识的规则项 weight"):
        EvaluationRules(weight={"output": 60})
    with pytest.raises(ValidationError, match="优 ≥ 良 ≥ 中"):
        EvaluationRules(grade_bands={"良": 95})


def test_actual_for_an_indicator_the_document_lacks_is_refused():
    with pytest.raises(InvalidInput, match="只有 6 个指标"):
        evaluate(GREENING, 400, [Actual(indicator=6, value=1)])
    with pytest.raises(InvalidInput, match="填了两次"):
        evaluate(GREENING, 400, [Actual(indicator=1, value=1), Actual(indicator=1, value=2)])


@pytest.mark.parametrize(("score", "grade"), [(90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"),
                                               (59.99, "差")])
def test_grade_bands(score, grade):
    assert grade_by_bands(score) == grade


# A 森林防火 self-evaluation as counties publish it: a share with 不低于, a rate with 小于 in ‰, a cost
# with no operator, a yes/no question; the 实际完成值 column in words.
FIRE = {
    "project": {"name": "区级森林防火专项经费", "budget": 63, "budget_unit": "万元", "year": 2025},
    "goal": "森林火灾受害率控制在0.9‰以内，火因查明率不低于95%。",
    "indicators": [
        {"level1": "产出指标", "level2": "质量指标", "name": "森林火灾火因查明率", "value": "不低于95%", "unit": ""},
        {"level1": "成本指标", "level2": "经济成本指标", "name": "森林防火经费", "value": "63", "unit": "万元"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "防火宣传是否覆盖全部行政村", "value": "是", "unit": ""},
        {"level1": "效益指标", "level2": "生态效益指标", "name": "森林火灾受害率", "value": "小于0.9‰", "unit": ""},
    ],
}


def test_what_a_self_evaluation_table_writes_in_words_is_read():
    """达到预期 for 是, 未超预算 for a cost ceiling, 无森林火灾 for a rate to stay under: each is met."""
    result = evaluate(GoalDocument.model_validate(FIRE), 63, actuals("达到", "未超预算", "达到预期", "无森林火灾"))
    assert all(i.achieved for i in result.items), result.items
    result = evaluate(GoalDocument.model_validate(FIRE), 63, actuals("验收合格", "控制在预算以内", "已落实", "未发生火灾"))
    assert all(i.achieved for i in result.items), result.items
    assert not codes(result, "ACTUAL_UNREADABLE")


@pytest.mark.parametrize(("index", "said"), [
    (0, "无森林火灾"),   # no fire says nothing about the share of fires whose cause was found
    (3, "无法统计问题"),   # 无法 is no "none of"
    (0, "未超预算"),      # a budget phrase meets a cost ceiling, not a share
])
def test_words_that_meet_one_kind_of_target_do_not_meet_another(index, said):
    values = ["96%", "62", "是", "0.3‰"]
    values[index] = said
    result = evaluate(GoalDocument.model_validate(FIRE), 63, actuals(*values))
    assert codes(result, "ACTUAL_UNREADABLE") == [index]
