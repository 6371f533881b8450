"""Old Excel 97-2003 workbooks (.xls): read as their .xlsx would be, within the same limits, and every
file that cannot be read told apart in Chinese (damaged, another Office file, a password)."""

from __future__ import annotations

import io
import struct
from datetime import datetime

import pytest
import xlwt

from indicators.goal_sheets import GoalSheetError, read_goal_batch, read_goal_workbook, read_goal_workbook_partial
from kb.errors import InvalidInput, TooLarge
from kb.sheets import SheetLimits, read_workbook
from kb.sheets_xls import MAX_STYLES, check_records
from tests.xls_workbooks import Typed, renamed_stream, xls_bytes, xlsx_bytes

# A county table as published: a title row merged across, the project's labels, a level-1 cell merged down
# three rows, rates typed as percentages, targets written with their operator and unit in one cell.
ROWS = [
    ("2021年度项目支出绩效目标表",),
    ("项目名称", "农村公路养护补助资金", None, "主管部门", "某县交通运输局"),
    ("项目资金（万元）", "年度资金总额", 120),
    ("年度目标", "完成农村公路日常养护300公里，优良中等路率达到80%以上。"),
    ("一级指标", "二级指标", "三级指标", "指标值"),
    ("产出指标", "数量指标", "日常养护里程", "≥300公里"),
    (None, "质量指标", "优良中等路率", Typed(0.8, "0%")),
    (None, "时效指标", "养护资金拨付及时率", Typed(1, "0%")),
    ("成本指标", "经济成本指标", "每公里养护成本", "≤4000元"),
    ("效益指标", "社会效益指标", "群众出行条件", "明显改善"),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "＞＝90%"),
]
MERGES = {"目标表": [(0, 0, 0, 4), (5, 7, 0, 0)]}


def test_an_old_template_saved_as_xls_reads_as_its_xlsx_does():
    (doc,) = read_goal_workbook(xls_bytes({"目标表": ROWS}, MERGES), source="公路养护.xls")
    (same,) = read_goal_workbook(xlsx_bytes({"目标表": ROWS}, MERGES), source="公路养护.xlsx")
    assert doc == same
    assert doc.project.budget == 120 and doc.project.name == "农村公路养护补助资金"
    rate = doc.indicators[1]
    assert (rate.level1, rate.value, rate.unit) == ("产出指标", 80, "%")   # merged down; 0.8 typed as 80%


def test_values_come_as_the_xlsx_reader_gives_them():
    rows = [("整数", 120), ("小数", 2.5), ("日期", Typed(44927, "yyyy-mm-dd")), ("比例", Typed(0.955, "0.0%")),
            ("是否", True), ("空", None), ("尾",)]
    (sheet,) = read_workbook(xls_bytes({"值": rows}), formats=True)
    assert sheet.title == "值" and sheet.max_row == 7
    values = [row[1] if len(row) > 1 else None for row in sheet.values]
    assert values[:5] == [120, 2.5, datetime(2023, 1, 1), 0.955, True] and isinstance(values[0], int)
    assert sheet.formats == {(4, 2): "0.0%"}   # only numbers keep a format; the date arrives as a date
    assert read_workbook(xls_bytes({"值": rows}))[0].formats == {}


def test_every_sheet_in_workbook_order():
    data = xls_bytes({"项目一": ROWS, "说明": [("填表说明",)], "项目二": ROWS})
    assert [s.title for s in read_workbook(data)] == ["项目一", "说明", "项目二"]


def test_a_folder_of_tables_reads_xls_beside_xlsx(tmp_path):
    (tmp_path / "a.xls").write_bytes(xls_bytes({"目标表": ROWS}, MERGES))
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes({"目标表": ROWS}, MERGES))
    docs = read_goal_batch(tmp_path)
    assert len(docs) == 2 and docs[0] == docs[1]


def test_a_wps_et_in_a_folder_reads_as_the_xls_it_holds_and_a_wps_document_is_told_to_be_saved_as_docx(tmp_path):
    """WPS 表格 keeps its own .et in the compound layout of an .xls; WPS 文字's .wps has no maintained reader."""
    (tmp_path / "a.xls").write_bytes(xls_bytes({"目标表": ROWS}, MERGES))
    (tmp_path / "b.et").write_bytes(xls_bytes({"目标表": ROWS}, MERGES))
    (tmp_path / "c.et").write_bytes(xlsx_bytes({"目标表": ROWS}, MERGES))  # an .et holding an .xlsx is read too
    docs = read_goal_batch(tmp_path)
    assert len(docs) == 3 and docs[0] == docs[1] == docs[2]
    wps = tmp_path / "d.wps"
    wps.write_bytes(renamed_stream(xls_bytes({"目标表": ROWS}), "WordDocument"))
    with pytest.raises(GoalSheetError) as caught:
        read_goal_batch(wps)
    (problem,) = caught.value.problems
    assert problem.sheet == "d.wps" and "WPS 文字文档" in problem.fix and "另存为 Word 文件（.docx）" in problem.fix


def test_an_empty_folder_is_told_every_kind_it_may_hold(tmp_path):
    with pytest.raises(GoalSheetError) as caught:
        read_goal_batch(tmp_path)
    assert all(kind in caught.value.problems[0].fix for kind in (".xls", ".et", ".docx", ".pdf"))


def test_a_value_past_the_last_row_is_refused_naming_the_sheet():
    data = xls_bytes({"目标表": [*ROWS, *[()] * 60_000, ("多余",)]})
    with pytest.raises(TooLarge) as caught:
        read_workbook(data, name="大表.xls")
    assert caught.value.message.startswith("大表.xls：工作表“目标表”第 60,012 行有内容，超过 50,000 行的上限")


def test_a_value_past_the_last_column_is_refused():
    with pytest.raises(TooLarge) as caught:
        read_workbook(xls_bytes({"宽": [(None,) * 30 + ("x",)]}), name="宽.xls", limits=SheetLimits(max_columns=20))
    assert "第 31 列有内容，超过 20 列的上限" in caught.value.message


def test_formatted_blank_cells_far_to_the_right_are_refused_before_they_are_read():
    """xlrd makes room for every cell up to the last one of its row: 600 rows with one formatted blank cell in
    column IV would be 153,600 cells for a sheet holding one value."""
    wb = xlwt.Workbook()   # formatted blanks, as Excel writes a coloured column: BLANK records
    ws = wb.add_sheet("目标表")
    ws.write(0, 0, "项目名称")
    yellow = xlwt.easyxf("pattern: pattern solid, fore_colour yellow")
    for r in range(1, 600):
        ws.write(r, 255, None, yellow)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    limits = SheetLimits(max_cells=10_000)
    with pytest.raises(TooLarge) as caught:
        read_workbook(data, name="格式.xls", limits=limits, formats=True)
    assert "空白单元格" in caught.value.message
    (sheet,) = read_workbook(data, name="格式.xls", limits=limits)   # without formats xlrd skips blanks
    assert sheet.values == [("项目名称",)]


def _records(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


def test_a_file_declaring_more_formats_than_excel_writes_is_refused():
    bof = (0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12)
    font = (0x0031, b"\x00" * 16)
    stream = _records(bof, *[font] * (MAX_STYLES + 1), (0x000A, b""))
    with pytest.raises(TooLarge) as caught:
        check_records(stream, "样式.xls", SheetLimits(), True)
    assert f"{MAX_STYLES + 1:,} 个格式和样式" in caught.value.message
    check_records(_records(bof, *[font] * 100, (0x000A, b"")), "样式.xls", SheetLimits(), True)


def test_a_record_cut_short_ends_the_scan_and_is_left_to_the_reader_to_refuse():
    bof = (0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12)
    for kind in (0x0085, 0x00BD, 0x00E5):   # BOUNDSHEET, MULRK, MERGEDCELLS, each claiming 8 bytes it lacks
        check_records(_records(bof) + struct.pack("<HH", kind, 8) + b"\x00\x00", "断.xls", SheetLimits(), True)


@pytest.mark.parametrize(("damage", "says"), [
    (lambda d: d[: len(d) // 2], "无法读取为 Excel 97-2003 工作簿"),
    (lambda d: d[:8] + bytes(range(256)) * 8, "无法读取为 Excel 97-2003 工作簿"),
    (lambda d: renamed_stream(d, "WordDocument"), "不是 Excel 工作簿"),
    (lambda d: renamed_stream(d, "EncryptedPackage"), "设有打开密码"),
])
def test_a_file_that_cannot_be_read_says_why(damage, says):
    data = damage(xls_bytes({"目标表": ROWS}))
    with pytest.raises(InvalidInput) as caught:
        read_workbook(data, name="申报表.xls")
    assert caught.value.status == 422 and caught.value.message.startswith("申报表.xls：")
    assert says in caught.value.message and "另存" in caught.value.message
    docs, problems = read_goal_workbook_partial(data, source="申报表.xls")
    assert docs == [] and len(problems) == 1 and says in problems[0].fix
