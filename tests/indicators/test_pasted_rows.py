"""Indicator rows pasted from Excel or WPS (tab-separated, as their clipboards hold cells), with their header
row or without it, read as a goal table's rows are."""

from __future__ import annotations

from indicators.pasted_rows import MAX_PASTE_CHARS, NO_ROWS, NOTHING, UNREAD, pasted_rows


def tsv(*rows: tuple) -> str:
    return "\r\n".join("\t".join(str(c) for c in row) for row in rows) + "\r\n"


def fields(records: list[dict], *names: str) -> list[tuple]:
    return [tuple(r.get(n) or "" for n in names) for r in records]


def read(text: str, limit: int = 300) -> tuple[list[dict], list[str]]:
    pasted = pasted_rows(text, limit=limit)
    return pasted.records, pasted.problems


# A county form's rows as copied: the level cells merged down (copied blank), targets written with their
# operator and unit, one name wrapped in its cell (Excel quotes a cell holding a line break).
COUNTY = tsv(("一级指标", "二级指标", "三级指标", "指标值"),
             ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
             ("", "质量指标", "亮灯率", "≥98%"),
             ("效益指标", "社会效益指标", '"夜间出行\n安全状况"', "明显改善"),
             ("满意度指标", "服务对象满意度指标", "市民满意度", "＞＝90%"))


def test_rows_copied_with_their_header_are_read_by_it_levels_carried_down_targets_in_their_boxes():
    """≥3200盏 fills the operator, value and unit boxes it would have been typed into; words stay as written."""
    records, problems = read(COUNTY)
    assert problems == []
    assert fields(records, "level1", "level2", "name", "operator", "value", "unit") == [
        ("产出指标", "数量指标", "维修路灯数量", "≥", "3200", "盏"), ("产出指标", "质量指标", "亮灯率", "≥", "98", "%"),
        ("效益指标", "社会效益指标", "夜间出行\n安全状况", "", "明显改善", ""),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%")]


def test_a_value_is_split_only_when_it_is_an_operator_a_number_and_its_unit():
    records, _ = read(tsv(("三级指标", "指标方向", "指标值", "计量单位"),
                          ("维修路灯数量", "", "≥3200盏", "盏"),       # the unit cell agrees
                          ("新装路灯数量", "", "≥120盏", "个"),        # it does not: as written
                          ("亮灯率", "≥", "≥98%", ""),              # an operator of its own: as written
                          ("合格率", "", "95%以上", ""),             # words after the number: as written
                          ("完成时间", "", "≤2025年12月", ""),        # a date: as written
                          ("节约资金", "", "<=1,500.5万元", "")))
    assert fields(records, "operator", "value", "unit") == [
        ("≥", "3200", "盏"), ("", "≥120盏", "个"), ("≥", "≥98%", ""), ("", "95%以上", ""), ("", "≤2025年12月", ""),
        ("≤", "1,500.5", "万元")]


def test_a_header_of_other_names_and_order_is_read_by_its_names():
    text = tsv(("指标名称", "计量单位", "目标值", "一级指标", "二级指标"), ("培训人次", "人次", 500, "产出指标", "数量指标"))
    records, _ = read(text)
    assert fields(records, "name", "unit", "value", "level1", "level2") == [("培训人次", "人次", "500", "产出指标", "数量指标")]


def test_rows_copied_without_their_header_are_read_by_what_their_columns_hold():
    """The national form's order: levels, name, operator, value, unit, basis (a 序号 column before is passed over)."""
    text = tsv((1, "产出指标", "数量指标", "维修路灯数量", "≥", 3200, "盏", "计划标准"),
               (2, "", "时效指标", "故障修复及时率", "不低于", 95, "%", "计划标准"),
               (3, "满意度指标", "服务对象满意度指标", "市民满意度", "≥", 90, "%", "其他标准"))
    records, problems = read(text)
    assert problems == []
    assert fields(records, "level1", "level2", "name", "operator", "value", "unit", "basis") == [
        ("产出指标", "数量指标", "维修路灯数量", "≥", "3200", "盏", "计划标准"),
        ("产出指标", "时效指标", "故障修复及时率", "不低于", "95", "%", "计划标准"),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%", "其他标准")]


def test_names_and_values_alone_are_read_and_a_basis_is_no_unit():
    records, _ = read(tsv(("维修路灯数量", "≥3200盏", "计划标准"), ("亮灯率", "98%以上", "行业标准")))
    assert fields(records, "level2", "name", "value", "unit", "basis") == [
        ("", "维修路灯数量", "3200", "盏", "计划标准"), ("", "亮灯率", "98%以上", "", "行业标准")]


def test_a_two_column_header_is_header_enough_and_a_row_without_a_name_is_told_by_its_line():
    records, problems = read("三级指标\t指标值\n\n\t95\n亮灯率\t98\n")
    assert fields(records, "name", "value") == [("亮灯率", "98")]
    assert problems == ["第3行第1格：这一行有内容但没有三级指标名称；请填写指标名称或删除该行"]


def test_what_is_no_indicator_table_is_answered_with_what_to_copy():
    assert read("  \n\t\n") == ([], [NOTHING])
    assert read("一级指标\t二级指标\t三级指标\t指标值\r\n") == ([], [NO_ROWS])  # the header alone
    assert read(tsv((1, 2), (3.5, "95%"))) == ([], [UNREAD])
    assert read("亮灯率\t98" + "\t" * 60)[1] == ["粘贴的内容有 62 列，超过指标表的 60 列；请只复制指标表的各列"]
    too_long = "亮灯率\t98\n" * (MAX_PASTE_CHARS // 6)
    records, (problem,) = read(too_long)
    assert records == [] and "超过" in problem and "分几次粘贴" in problem


def test_only_as_many_rows_as_the_draft_has_room_for_are_taken_and_the_rest_told():
    text = tsv(("三级指标", "指标值"), *[(f"第{n}项任务完成率", "100%") for n in range(1, 6)])
    records, problems = read(text, 3)
    assert [r["name"] for r in records] == ["第1项任务完成率", "第2项任务完成率", "第3项任务完成率"]
    assert problems == ["粘贴了 5 个指标，只添加了前 3 个（一份目标最多 300 个指标）"]


def test_characters_no_cell_shows_are_dropped():
    records, _ = read("亮灯\x00率\t9\x078%\t%\n")
    assert fields(records, "name", "value") == [("亮灯率", "98%")]


def test_a_whole_form_copied_gives_the_projects_fields_and_goal_beside_its_rows():
    """Last year's 申报表 selected whole in WPS: the labels above the table are read as a sheet's are."""
    text = tsv(("项目支出绩效目标申报表（2025年度）",),
               ("项目名称", "城区路灯维护", "主管部门", "市城市管理局"),
               ("年度资金总额（万元）", 100),
               ("年度绩效目标", "维修路灯3200盏，亮灯率不低于98%。"),
               ("一级指标", "二级指标", "三级指标", "指标值"),
               ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"))
    pasted = pasted_rows(text, limit=300)
    assert fields(pasted.records, "name", "operator", "value", "unit") == [("维修路灯数量", "≥", "3200", "盏")]
    assert {k: pasted.project.get(k) for k in ("name", "department", "budget", "budget_unit", "goal")} == {
        "name": "城区路灯维护", "department": "市城市管理局", "budget": "100", "budget_unit": "万元",
        "goal": "维修路灯3200盏，亮灯率不低于98%。"}
    assert pasted_rows(COUNTY, limit=300).project == {}


def test_a_table_in_traditional_characters_is_told_by_its_columns_as_well():
    text = tsv(("產出指標", "數量指標", "維修路燈數量", "≥", "３２００", "盞"), ("", "時效指標", "完成及時率", "≥", 95, "%"))
    records, problems = read(text)
    assert problems == []
    assert fields(records, "level2", "name", "operator", "value", "unit") == [
        ("數量指標", "維修路燈數量", "≥", "３２００", "盞"), ("時效指標", "完成及時率", "≥", "95", "%")]
