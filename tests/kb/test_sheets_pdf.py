"""Goal tables and department forms printed to PDF: read as the same table in Excel, a table the printer split
across pages read as one, problems pointed at 第1页表1第3行第4格, and every PDF that cannot be read (a scan, a
password, a damaged file, too many pages, a content stream that inflates past the reader's memory or time)
told apart in Chinese without touching the server's own memory."""

from __future__ import annotations

import pytest

from indicators.actuals_forms import EVALUATION, match_actuals, read_forms
from indicators.goal_sheets import read_goal_batch, read_goal_file_partial, read_goal_workbook, read_sheets
from indicators.goals import GoalDocument
from kb.errors import InvalidInput, TooLarge
from kb.sheets_pdf import read_pdf
from tests.cycle_documents import greening
from tests.department_forms import GREENING_ROWS, national_form, plain
from tests.pdf_documents import inflating_pdf, pages_pdf, pdf_bytes, scanned_pdf
from tests.word_documents import Table
from tests.xls_workbooks import xlsx_bytes

HEADER = ("一级指标", "二级指标", "三级指标", "指标值")
ROWS = [("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
        (None, "质量指标", "路灯亮灯率", "≥98%"),
        (None, "时效指标", "故障修复及时率", "≥95%"),
        ("成本指标", "经济成本指标", "单盏维修成本", "≤300元"),
        ("效益指标", "社会效益指标", "夜间出行条件", "明显改善"),
        ("满意度指标", "服务对象满意度指标", "沿街群众满意度", "≥90%")]
INFO = [("项目名称", "城区路灯维护", "主管部门", "市城市管理局"), ("年度资金总额（万元）", "100", None, None),
        ("年度目标", "维修路灯3200盏，亮灯率不低于98%。", None, None)]


def test_a_goal_table_printed_to_pdf_reads_as_the_same_table_in_excel():
    data = pdf_bytes("2025年度项目支出绩效目标表", "填报单位（盖章）：市城市管理局",
                     Table([*INFO, HEADER, *ROWS], [(0, 1, 0, 1), (2, 1, 2, 3)]), "填表人：张三      联系电话：12345")
    (doc,) = read_goal_workbook(data, source="路灯.pdf")
    rows = [("2025年度项目支出绩效目标表",), ("填报单位（盖章）", "市城市管理局"), *INFO, HEADER, *ROWS]
    (same,) = read_goal_workbook(xlsx_bytes({"目标表": rows}), source="路灯.xlsx")
    assert doc == same
    assert (doc.project.year, doc.project.budget, doc.indicators[2].level1) == (2025, 100, "产出指标")


def test_lines_above_the_table_and_a_table_split_across_pages_are_one_project():
    data = pdf_bytes("项目名称：城区路灯维护      主管部门：市城市管理局", "年度资金总额（万元）：100",
                     Table([HEADER, *ROWS[:3]]), Table(ROWS[3:]), page_break_before=(3,))
    sheets = read_pdf(data, "路灯.pdf")
    assert [s.title for s in sheets] == ["第1页表1", "第2页表1"]
    assert sheets[0].values[0][:4] == ("项目名称", "城区路灯维护", "主管部门", "市城市管理局")
    (doc,) = read_goal_workbook(data, source="路灯.pdf")
    assert (doc.project.name, doc.project.department, len(doc.indicators)) == ("城区路灯维护", "市城市管理局", 6)


def test_a_problem_is_pointed_at_its_page_table_row_and_cell():
    bad = Table([("项目名称", "城区路灯维护"), ("年度资金总额", "很多"), HEADER, ROWS[0]])
    docs, problems = read_goal_file_partial(pdf_bytes(bad), source="路灯.pdf")
    assert docs == [] and str(problems[0]).startswith("路灯.pdf › 第1个项目 第1页表1第2行第2格：『很多』")


def test_a_departments_self_evaluation_printed_to_pdf_gives_its_actuals():
    data = pdf_bytes("项目支出绩效自评表", Table(plain(national_form("城区道路绿化提升工程", "市城市管理局",
                                                                 GREENING_ROWS)[2:])))
    (form,), problems = read_forms(read_sheets(data, source="自评表.pdf"), EVALUATION)
    assert problems == [] and (form.name, form.spent, form.spent_unit) == ("城区道路绿化提升工程", 360, "万元")
    actuals, left, _ = match_actuals(form, GoalDocument.model_validate(greening()))
    assert [(a.indicator, str(a.value)) for a in actuals] == [
        (0, "1800"), (1, "96%"), (2, "2025年10月31日"), (3, "1600"), (4, "99.5"), (5, "部分达成")] and left == []


def test_a_folder_reads_pdf_beside_excel(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes(Table([*INFO, HEADER, *ROWS])))
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes({"目标表": [*INFO, HEADER, *ROWS]}))
    docs = read_goal_batch(tmp_path)
    assert len(docs) == 2 and docs[0].indicators == docs[1].indicators


@pytest.mark.parametrize(("data", "error", "says"), [
    (scanned_pdf(), InvalidInput, "扫描件"),
    (pdf_bytes("项目名称：城区路灯维护", password="secret"), InvalidInput, "密码"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog", InvalidInput, "文件损坏"),
    (pages_pdf(101), TooLarge, "101 页"),
])
def test_a_pdf_that_cannot_be_read_says_what_to_do(data, error, says):
    with pytest.raises(error) as caught:
        read_pdf(data, "目标表.pdf")
    assert says in caught.value.message and caught.value.message.startswith("目标表.pdf：")


def test_a_content_stream_inflating_past_the_readers_memory_or_time_is_refused_by_the_reader_alone():
    bomb = inflating_pdf(1000)   # 3 MB that inflate to 1 GB of drawing operators
    assert len(bomb) < 4_000_000
    with pytest.raises(TooLarge) as caught:
        read_pdf(bomb, "炸弹.pdf", memory=700_000_000)
    assert "700 MB" in caught.value.message
    with pytest.raises(TooLarge) as caught:   # within memory, but minutes of layout: told before any is done
        read_pdf(inflating_pdf(300), "慢.pdf")
    assert "第 1 页" in caught.value.message and "300.0 MB" in caught.value.message
    with pytest.raises(TooLarge) as caught:   # 3 MB of operators, within every cap, past the processor time given
        read_pdf(inflating_pdf(3), "较慢.pdf", cpu=1)
    assert "1 秒" in caught.value.message
