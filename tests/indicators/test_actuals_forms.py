"""Departments' own 项目支出绩效自评表 read and matched to the approved goal (indicators.actuals_forms)."""

from __future__ import annotations

import pytest

from indicators.actuals_forms import EVALUATION, MONITORING, Projects, match_actuals, money_in, read_forms
from indicators.goal_sheets import read_sheets
from indicators.goal_template import goal_workbook
from indicators.goals import GoalDocument
from tests.cycle_documents import greening, meals
from tests.department_forms import (
    GREENING_MID_ROWS,
    GREENING_ROWS,
    monitoring_form,
    national_form,
    plain,
    season_list,
)
from tests.word_documents import Table, docx_bytes
from tests.xls_workbooks import xls_bytes, xlsx_bytes

APPROVED = GoalDocument.model_validate(greening())
EXPECTED = [(0, 1800, "拆迁延后"), (1, 96, None), (2, "2025年10月31日", None), (3, 1600, None), (4, "99.5", "施工"),
            (5, "部分达成", "未完工")]
MERGES = {"自评表": [(0, 0, 0, 9), (1, 1, 0, 9), (2, 2, 1, 9), (4, 8, 0, 0), (11, 17, 0, 0), (12, 15, 1, 1),
                     (16, 17, 1, 1)]}


def _read(data: bytes, source: str):
    return read_forms(read_sheets(data, source=source))


def _match(evaluation, candidates):
    return Projects(candidates).match(evaluation)


def _form(**kw) -> list[tuple]:
    return national_form("城区道路绿化提升工程", "市城市管理局", GREENING_ROWS, **kw)


@pytest.mark.parametrize("write, source", [(xlsx_bytes, "自评.xlsx"), (xls_bytes, "自评.xls")])
def test_the_national_form_in_excel_gives_the_project_the_money_spent_and_each_row(write, source):
    filed, problems = _read(write({"自评表": _form()}, MERGES), source)
    assert problems == []
    (evaluation,) = filed
    assert (evaluation.name, evaluation.department) == ("城区道路绿化提升工程", "市城市管理局")
    assert (evaluation.spent, evaluation.spent_unit, evaluation.spent_where) == (360, "万元", "自评表 E6")
    assert evaluation.rows[0].where == "自评表 F13"
    assert [r.name for r in evaluation.rows] == [row[2] for row in GREENING_ROWS]
    assert [r.level1 for r in evaluation.rows] == ["产出指标"] * 4 + ["效益指标"] * 2   # carried down merged cells
    actuals, left, refused = match_actuals(evaluation, APPROVED)
    assert [(a.indicator, a.value, a.reason) for a in actuals] == EXPECTED   # 0.96 shown as 96% is 96
    assert left == [] and refused == []


def test_the_national_form_in_word_reads_as_in_excel_and_points_at_its_cells():
    data = docx_bytes("项目支出绩效自评表", Table(plain(_form())), "填表人：张三  联系电话：0000")
    filed, problems = _read(data, "自评.docx")
    assert problems == []
    (evaluation,) = filed
    assert evaluation.spent == 360 and evaluation.spent_where == "表1第6行第5格"
    actuals, _, _ = match_actuals(evaluation, APPROVED)
    assert [(a.indicator, str(a.value)) for a in actuals] == [(n, str(v)) for n, v, _ in EXPECTED[:1]] + [
        (1, "96%"), (2, "2025年10月31日"), (3, "1600"), (4, "99.5"), (5, "部分达成")]
    assert evaluation.rows[4].where == "表1第17行第6格"


def test_a_word_document_of_several_forms_gives_each_its_project_and_a_header_may_say_全年实际值():
    second = [tuple("全年实际值" if v == "实际完成值" else v for v in row)
              for row in plain(national_form("城区路灯节能改造", "市城市管理局", GREENING_ROWS[:2], spent=88))]
    data = docx_bytes("附件：项目支出绩效自评表", Table(plain(_form())), "（二）", Table(second), "填表人：李四")
    filed, problems = _read(data, "自评.docx")
    assert problems == []
    assert [(f.source, f.name, f.spent, len(f.rows)) for f in filed] == [
        ("第1个项目", "城区道路绿化提升工程", 360, 6), ("第2个项目", "城区路灯节能改造", 88, 2)]
    assert [r.actual for r in filed[1].rows] == ["1800", "96%"]


def test_rows_written_a_little_differently_still_find_their_indicator_and_strangers_are_left():
    rows = [("产出指标", "数量指标", "行道树种植数量", "2000株", 2100, 10, 10, None),
            (None, "质量指标", "苗木成活率（%）", "95", 97, 10, 10, None),
            (None, "质量指标", "道路照明亮灯率", "98%", 99, 10, 10, None),   # not in the approved goal
            ("效益指标", "社会效益指标", "市容環境改善情況", "达成", "达成", 15, 15, None),  # Traditional
            (None, "社会效益指标", "道路绿化覆盖率", "100%", None, 15, 0, None),       # left blank
            ("合计", None, None, None, None, 100, 80, None)]                            # the total, no indicator
    filed, problems = _read(xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", rows)}), "x.xlsx")
    assert problems == []
    actuals, left, _ = match_actuals(filed[0], APPROVED)
    assert [(a.indicator, a.value) for a in actuals] == [(0, 2100), (1, 97), (5, "达成")]
    assert [r.name for r in left] == ["道路照明亮灯率"]


def test_a_row_never_takes_an_indicator_another_row_names_exactly():
    rows = [("产出指标", "数量指标", "种植行道树数量", "2000", 1900, 10, 9, None),
            (None, "数量指标", "新种植行道树数量", "2000", 2000, 10, 10, None)]
    filed, _ = _read(xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", rows)}), "x.xlsx")
    actuals, left, _ = match_actuals(filed[0], APPROVED)
    assert [(a.indicator, a.value) for a in actuals] == [(0, 2000)]
    assert [r.name for r in left] == ["种植行道树数量"]


def test_money_written_in_yuan_is_read_in_the_budgets_unit():
    filed, _ = _read(xlsx_bytes({"自评表": _form(spent=3_600_000, money_label="项目资金（元）")}), "x.xlsx")
    assert (filed[0].spent, filed[0].spent_unit) == (3_600_000, "元")
    assert money_in(filed[0].spent, filed[0].spent_unit, "万元") == 360
    assert money_in(360, None, "万元") == 360


@pytest.mark.parametrize("spent", [None, "—", -360, 1e300, "三百六十"])
def test_a_form_without_a_sum_of_money_spent_reads_none(spent):
    filed, _ = _read(xlsx_bytes({"自评表": _form(spent=spent)}), "x.xlsx")
    assert filed[0].spent is None


def test_an_actual_too_long_to_be_a_value_is_refused_with_why():
    rows = [("产出指标", "数量指标", "新种植行道树数量", "2000株", "完成" * 120, 10, 9, None)]
    filed, _ = _read(xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", rows)}), "x.xlsx")
    actuals, _, refused = match_actuals(filed[0], APPROVED)
    assert actuals == [] and "200 字" in refused[0][1]


def test_the_project_is_found_by_name_in_either_script_with_the_year_in_front_and_by_unit_among_namesakes():
    filed, _ = _read(xlsx_bytes({"自评表": national_form("2025年城區道路綠化提升工程", "市城市管理局",
                                                          GREENING_ROWS)}), "x.xlsx")
    candidates = {7: ("城区道路绿化提升工程", "市城市管理局"), 8: ("农村义务教育学生营养改善计划", "县教育局")}
    assert _match(filed[0], candidates) == 7
    namesakes = {7: ("城区道路绿化提升工程", "区住房和城乡建设局"), 9: ("城区道路绿化提升工程", "市城市管理局")}
    assert _match(filed[0], namesakes) == 9
    assert _match(filed[0], {8: candidates[8]}) is None
    # the same name with the year set aside wins over a longer name that holds it
    assert _match(filed[0], {3: ("城区道路绿化提升工程配套管网", "市城市管理局"),
                                    4: ("2025年度城区道路绿化提升工程", "市城市管理局")}) == 4


def test_a_seasons_list_gives_one_evaluation_per_project():
    meal_rows = [("产出指标", "数量指标", "受益学生人数", "≥4000人", 4100, 20, 20, None),
                 ("效益指标", "满意度指标", "受益学生及家长满意度", "≥90%", "93%", 10, 10, None)]
    rows = season_list([("城区道路绿化提升工程", "市城市管理局", 360, GREENING_ROWS),
                        ("农村义务教育学生营养改善计划", "县教育局", "450", meal_rows)])
    filed, problems = _read(xlsx_bytes({"自评": rows}), "list.xlsx")
    assert problems == []
    assert [(f.name, f.department, f.spent, f.spent_unit) for f in filed] == [
        ("城区道路绿化提升工程", "市城市管理局", 360, "万元"), ("农村义务教育学生营养改善计划", "县教育局", 450, "万元")]
    actuals, left, _ = match_actuals(filed[1], GoalDocument.model_validate(meals()))
    assert [(a.indicator, a.value) for a in actuals] == [(0, 4100), (4, "93%")] and left == []


def test_a_goal_table_is_not_a_self_evaluation_and_is_told_what_is_wanted():
    filed, problems = _read(goal_workbook([APPROVED]), "申报表.xlsx")
    assert filed == []
    assert "实际完成值" in problems[0].fix and "自评表" in problems[0].fix


def test_a_sheet_of_more_rows_than_a_goal_may_hold_is_refused_whole():
    rows = [("产出指标", "数量指标", f"指标{n}", "1", 1, 1, 1, None) for n in range(301)]
    filed, _ = _read(xlsx_bytes({"自评表": national_form("城区道路绿化提升工程", "市城市管理局", rows)}), "x.xlsx")
    actuals, left, refused = match_actuals(filed[0], APPROVED)
    assert actuals == [] and left == [] and refused[0][1].startswith("这张表有 301 行填了完成值")   # 自评表 or 监控表


@pytest.mark.parametrize("progress, money, month", [("1-7月执行情况", "1-7月执行数", 7),
                                                     ("截至6月底执行情况", "1～6月执行数", 6),
                                                     ("半年度指标执行情况", "执行数", 6)])
def test_a_monitoring_form_gives_what_was_done_and_spent_by_the_month_it_covers(progress, money, month):
    form = monitoring_form("城区道路绿化提升工程", "市城市管理局", GREENING_MID_ROWS, progress=progress, money=money)
    filed, problems = read_forms(read_sheets(xlsx_bytes({"监控表": form}), source="监控.xlsx"), MONITORING)
    assert problems == []
    (monitored,) = filed
    assert (monitored.spent, monitored.month, monitored.year) == (180, month, 2025)
    actuals, left, _ = match_actuals(monitored, APPROVED)
    assert [(a.indicator, a.value) for a in actuals] == [(0, 1500), (1, "96%"), (3, 1400)] and left == []


def test_a_self_evaluation_form_is_no_monitoring_form_and_the_other_way_round():
    evaluation = xlsx_bytes({"自评表": _form()})
    monitoring = xlsx_bytes({"监控表": monitoring_form("城区道路绿化提升工程", "市城市管理局", GREENING_MID_ROWS)})
    filed, problems = read_forms(read_sheets(evaluation, source="x.xlsx"), MONITORING)
    assert filed == [] and "执行情况" in problems[0].fix and "绩效监控表" in problems[0].fix
    filed, problems = read_forms(read_sheets(monitoring, source="x.xlsx"), EVALUATION)
    assert filed == [] and "实际完成值" in problems[0].fix


def test_a_years_table_without_the_actuals_column_below_one_with_it_is_reported_not_read():
    form = _form()
    form += [("年度绩效指标",) + (None,) * 9, ("一级指标", "二级指标", "三级指标", "指标值") + (None,) * 6,
             ("产出指标", "数量指标", "新种植行道树数量", "2000") + (None,) * 6]
    filed, problems = _read(xlsx_bytes({"自评表": form}), "x.xlsx")
    assert filed == [] and "实际完成值" in problems[0].fix


def test_a_form_whose_project_was_renamed_is_placed_by_its_rows_within_its_unit_only():
    filed, _ = _read(xlsx_bytes({"自评表": national_form("城区绿化工程", "市城市管理局", GREENING_ROWS)}), "x.xlsx")
    names = {7: [ind.name for ind in APPROVED.indicators], 8: ["受益学生人数", "食品安全检查合格率", "苗木成活率"]}
    projects = Projects({7: ("城区道路绿化提升工程", "市城市管理局"), 8: ("农村义务教育学生营养改善计划", "市城市管理局")},
                        names)
    assert projects.match(filed[0]) is None and projects.by_rows(filed[0]) == 7
    # another unit's project is never taken, however alike its indicators
    elsewhere = Projects({7: ("城区道路绿化提升工程", "区住房和城乡建设局")}, names)
    assert elsewhere.by_rows(filed[0]) is None
    # two projects of the unit named alike by the rows: neither
    twins = Projects({7: ("城区道路绿化提升工程", "市城市管理局"), 9: ("滨河路绿化提升工程", "市城市管理局")},
                     {7: names[7], 9: names[7]})
    assert twins.by_rows(filed[0]) is None
    # a form that names too few of the goal's indicators is not placed
    few = national_form("城区绿化工程", "市城市管理局", GREENING_ROWS[:2])
    filed, _ = _read(xlsx_bytes({"自评表": few}), "x.xlsx")
    assert projects.by_rows(filed[0]) is None


def test_forms_stacked_in_one_sheet_are_read_each_with_its_cells_where_they_are():
    second = national_form("城区路灯节能改造", "市城市管理局", GREENING_ROWS[:2], spent=88, year=2024)
    rows = [*_form(), (None,) * 10, *second]
    filed, problems = _read(xlsx_bytes({"自评表": rows}), "x.xlsx")
    assert problems == []
    assert [(f.name, f.spent, f.year, len(f.rows)) for f in filed] == [
        ("城区道路绿化提升工程", 360, 2025, 6), ("城区路灯节能改造", 88, 2024, 2)]
    start = len(_form()) + 2   # the second form's title row, in the worksheet
    assert filed[1].spent_where == f"自评表 E{start + 5}"
    assert filed[1].rows[0].where == f"自评表 F{start + 12}"


def test_a_year_in_the_project_name_does_not_date_a_monitoring_form():
    """Only the form's own title or 预算年度 says its year: 2024年 in a project's name is the project's, so a form
    titled without a year is dated by the goal's year instead."""
    form = monitoring_form("2024年城区道路绿化提升工程", "市城市管理局", GREENING_MID_ROWS, year=None)
    (filed,), _ = read_forms(read_sheets(xlsx_bytes({"监控表": form}), source="监控.xlsx"), MONITORING)
    assert (filed.month, filed.year) == (7, None)
