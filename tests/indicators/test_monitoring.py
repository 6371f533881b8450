"""Monitoring (双监控) against the calendar; every expected number is worked by hand."""

from datetime import date

import pytest
from pydantic import ValidationError

from indicators.actuals import Actual, parse_date
from indicators.goals import GoalDocument
from indicators.monitoring import MonitorRules, monitor, time_progress
from kb.errors import InvalidInput
from tests.cycle_documents import greening, meals

GREENING = GoalDocument.model_validate(greening())   # budget 400 万元, year 2025
AUG_7 = date(2025, 8, 7)   # 31+28+31+30+31+30+31 = 212 days to July 31, + 7 = day 219; 219/365 = 60%


def finding(result, code):
    return [f for f in result.findings if f.code == code]


def status_of(result, index):
    return next(e for e in result.indicators if e.indicator == index)


def test_time_progress_counts_the_day_itself():
    assert time_progress(AUG_7, 2025) == pytest.approx(60.0)            # 219/365
    assert time_progress(date(2024, 6, 30), 2024) == pytest.approx(182 / 366 * 100)  # 49.73%, a leap year
    assert time_progress(date(2025, 12, 31), 2025) == 100
    assert time_progress(date(2024, 12, 31), 2025) == 0
    assert time_progress(date(2026, 1, 5), 2025) == 100


def test_spending_25_points_behind_is_a_warning_with_what_to_do():
    result = monitor(GREENING, AUG_7, 140, [])
    # 140/400 = 35%; 60 - 35 = 25 points behind > 20 → 预警
    assert result.time_progress == 60 and result.spend_progress == 35
    assert result.spend_status == "预警" and result.status == "预警"
    [lag] = finding(result, "MON_SPEND_LAG")
    assert lag.severity == "warning" and lag.indicator is None
    assert "25 个百分点" in lag.message and "预警" in lag.message
    assert "加快" in lag.suggestion and "说明原因" in lag.suggestion and "申请调整" in lag.suggestion


def test_spending_15_points_behind_is_attention():
    result = monitor(GREENING, AUG_7, 180, [])
    # 180/400 = 45%; 60 - 45 = 15 points behind: 10-20 → 关注, reported as info
    assert result.spend_progress == 45 and result.spend_status == "关注"
    [lag] = finding(result, "MON_SPEND_LAG")
    assert lag.severity == "info" and "15 个百分点" in lag.message and "关注" in lag.message


@pytest.mark.parametrize(("spent", "status"), [
    (160, "关注"),   # 40%: exactly 20 behind is not more than 20
    (156, "预警"),   # 39%: 21 behind
    (200, "关注"),   # 50%: exactly 10 behind
    (204, "正常"),   # 51%: 9 behind
    (260, "正常"),   # 65%: ahead
])
def test_spending_thresholds(spent, status):
    assert monitor(GREENING, AUG_7, spent, []).spend_status == status


def test_outputs_behind_the_calendar():
    result = monitor(GREENING, AUG_7, 240, [Actual(indicator=0, value=700), Actual(indicator=1, value="96%"),
                                            Actual(indicator=4, value="90")])
    # 240/400 = 60%: spending on time
    assert result.spend_status == "正常" and finding(result, "MON_SPEND_LAG") == []
    # row 0: 700/2000 = 35% → 25 behind → 预警
    assert status_of(result, 0).progress == 35 and status_of(result, 0).status == "预警"
    # row 1: 96/95 = 101.05% → 正常
    assert status_of(result, 1).progress == 101.05 and status_of(result, 1).status == "正常"
    # row 4: "90" of "100" 百分比 = 90% → 正常
    assert status_of(result, 4).progress == 90 and status_of(result, 4).status == "正常"
    [lag] = finding(result, "MON_OUTPUT_LAG")
    assert lag.indicator == 0 and lag.severity == "warning"
    assert "700株" in lag.message and "≥2000株" in lag.message and "25 个百分点" in lag.message
    assert "申请调整目标" in lag.suggestion
    assert result.status == "预警"
    # only indicators with an actual are listed
    assert [e.indicator for e in result.indicators] == [0, 1, 4]


def test_output_15_points_behind_is_attention():
    result = monitor(GREENING, AUG_7, 240, [Actual(indicator=0, value=900)])
    # 900/2000 = 45%; 60 - 45 = 15 → 关注
    assert status_of(result, 0).progress == 45 and status_of(result, 0).status == "关注"
    assert [f.severity for f in finding(result, "MON_OUTPUT_LAG")] == ["info"]


def test_a_limit_already_passed_is_a_warning_whatever_the_date():
    result = monitor(GREENING, date(2025, 3, 1), 40, [Actual(indicator=3, value="1600元/株")])
    # ≤1500 元/株 and 1600 spent per tree: 1600/1500 = 106.67% of the limit
    entry = status_of(result, 3)
    assert entry.status == "预警" and entry.progress == 106.67
    [passed] = finding(result, "MON_LIMIT_EXCEEDED")
    assert passed.indicator == 3 and "1600元/株" in passed.message and "≤1500元/株" in passed.message
    assert "说明" in passed.suggestion


def test_a_limit_not_reached_is_normal():
    result = monitor(GREENING, AUG_7, 240, [Actual(indicator=3, value=1400)])
    # 1400/1500 = 93.33% of the limit, not passed
    assert status_of(result, 3).status == "正常" and status_of(result, 3).progress == 93.33
    assert finding(result, "MON_LIMIT_EXCEEDED") == []


def test_a_deadline_passed_without_completion_is_exceeded():
    late = monitor(GREENING, date(2025, 11, 15), 360, [Actual(indicator=2, value="未完成")])
    assert status_of(late, 2).status == "预警" and finding(late, "MON_LIMIT_EXCEEDED")[0].indicator == 2
    on_time = monitor(GREENING, date(2025, 9, 15), 300, [Actual(indicator=2, value="未完成")])
    assert status_of(on_time, 2).status == "正常"
    done = monitor(GREENING, date(2025, 11, 15), 360, [Actual(indicator=2, value="2025年10月28日")])
    assert status_of(done, 2).status == "正常" and status_of(done, 2).progress == 100
    done_late = monitor(GREENING, date(2025, 11, 15), 360, [Actual(indicator=2, value="2025-11-10")])
    assert status_of(done_late, 2).status == "预警"


def test_fraction_target_and_qualitative_actual():
    doc = meals()
    doc["indicators"][1].update(operator="", value="0.97", unit="比例")
    result = monitor(GoalDocument.model_validate(doc), date(2025, 6, 30), 240,
                     [Actual(indicator=1, value=0.95)])
    # 0.95 of 0.97 = 97.94%
    assert status_of(result, 1).progress == 97.94
    qualitative = monitor(GREENING, AUG_7, 240, [Actual(indicator=5, value="部分达成")])
    assert status_of(qualitative, 5).progress is None and status_of(qualitative, 5).status == "正常"


def test_unreadable_actual_is_a_finding_and_attention():
    result = monitor(GREENING, AUG_7, 240, [Actual(indicator=0, value="进展顺利")])
    assert status_of(result, 0).status == "关注"
    assert finding(result, "ACTUAL_UNREADABLE")[0].indicator == 0


@pytest.mark.parametrize(("index", "said", "status"), [
    (0, "已完成", "正常"),        # a count target answered in words
    (3, "未超预算", "正常"),      # a cost ceiling kept
    (3, "合格", "正常"),
    (4, "进行中", "关注"),        # under way, no share to compare: attention, not a crash
])
def test_a_word_for_a_numeric_target_has_a_status_and_no_progress(index, said, status):
    result = monitor(GREENING, AUG_7, 240, [Actual(indicator=index, value=said)])
    assert status_of(result, index).progress is None
    assert status_of(result, index).status == status
    assert not finding(result, "ACTUAL_UNREADABLE")


def test_no_budget_means_no_spending_progress():
    doc = greening()
    doc["project"]["budget"] = None
    result = monitor(GoalDocument.model_validate(doc), AUG_7, 140, [])
    assert result.spend_progress is None and result.spend_status is None
    assert finding(result, "BUDGET_MISSING")


def test_overspending_and_a_date_outside_the_year_are_reported():
    result = monitor(GREENING, date(2026, 2, 1), 420, [])
    # after the budget year: time progress 100%; 420/400 = 105%
    assert result.time_progress == 100 and result.spend_progress == 105
    assert finding(result, "SPEND_OVER_BUDGET") and finding(result, "MON_DATE_OUTSIDE_YEAR")


def test_rules_move_the_thresholds():
    rules = MonitorRules(warn_gap=30, watch_gap=20)
    # 25 behind: 关注 under these rules
    assert monitor(GREENING, AUG_7, 140, [], rules).spend_status == "关注"
    with pytest.raises(ValidationError, match="不能大于"):
        MonitorRules(warn_gap=10, watch_gap=20)


def test_actual_for_a_missing_indicator_is_refused():
    with pytest.raises(InvalidInput, match="actuals\\[0\\].indicator 为 9"):
        monitor(GREENING, AUG_7, 140, [Actual(indicator=9, value=1)])


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年10月底前", date(2026, 10, 31)),
    ("2026.1-2026.11", date(2026, 11, 30)),
    ("12月中旬", date(2025, 12, 20)),
    ("年底前", date(2025, 12, 31)),
    ("第三季度", date(2025, 9, 30)),
    ("上半年", date(2025, 6, 30)),
    ("2026-09-20", date(2026, 9, 20)),
    ("按时完成", None),
])
def test_deadlines_are_read_as_the_end_of_their_period(text, expected):
    assert parse_date(text, 2025) == expected
