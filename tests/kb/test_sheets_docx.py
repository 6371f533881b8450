"""Goal tables written in Word (.docx): one project per indicator table with what is written above it, a
table Word split across pages read as one, merged cells read once, problems pointed at 表/行/格, and every
document that cannot be read told apart in Chinese."""

from __future__ import annotations

import io
import zipfile

import pytest

from indicators.goal_sheets import read_goal_batch, read_goal_file_partial, read_goal_workbook
from kb.errors import InvalidInput, TooLarge
from kb.sheets import SheetLimits
from kb.sheets_docx import read_docx
from kb.sheets_xls import read_xls
from tests.word_documents import Table, docx_bytes
from tests.xls_workbooks import xlsx_bytes

INFO = [("项目名称", "农村公路养护补助资金", None, "主管部门", "某县交通运输局"),
        ("项目资金（万元）", "年度资金总额", "120", None, None),
        ("年度目标", "完成农村公路日常养护300公里，优良中等路率达到80%以上。", None, None, None)]
HEADER = ("一级指标", "二级指标", "三级指标", "指标值", None)
ROWS = [("产出指标", "数量指标", "日常养护里程", "≥300公里", None),
        (None, "质量指标", "优良中等路率", "≥80%", None),
        (None, "时效指标", "养护资金拨付及时率", "100%", None),
        ("成本指标", "经济成本指标", "每公里养护成本", "≤4000元", None),
        ("效益指标", "社会效益指标", "群众出行条件", "明显改善", None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", None)]
# as a county publishes it: the project's name merged over two columns, the goal over four, 产出指标 down three
# rows, each target over the last two columns
TABLE = Table([*INFO, HEADER, *ROWS], [(0, 1, 0, 2), (2, 1, 2, 4), (4, 0, 6, 0),
                                     *[(r, 3, r, 4) for r in range(3, 3 + 1 + len(ROWS))]])


def test_a_goal_table_in_word_reads_as_the_same_table_in_excel():
    data = docx_bytes("2021年度项目支出绩效目标表", "填报单位（盖章）：某县交通运输局", TABLE, "填表人：张三  联系电话：12345")
    (doc,) = read_goal_workbook(data, source="公路养护.docx")
    rows = [("2021年度项目支出绩效目标表",), ("填报单位（盖章）", "某县交通运输局"), *INFO, HEADER, *ROWS]
    (same,) = read_goal_workbook(xlsx_bytes({"目标表": rows}), source="公路养护.xlsx")
    assert doc == same
    assert doc.indicators[2].level1 == "产出指标" and doc.project.budget == 120
    assert (doc.project.year, doc.project.department) == (2021, "某县交通运输局")   # from the title and 填报单位


def test_a_label_merged_over_two_columns_is_read_once():
    """Word forms often merge a label's cell over two columns: its text is in the first only, as in Excel, so the
    value beside it is the next cell's, not the label again."""
    table = Table([("项目名称", None, "城区路灯维护"), ("年度资金总额（万元）", None, "100"),
                   ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏")],
                  [(0, 0, 0, 1), (1, 0, 1, 1)])
    (block,) = read_docx(docx_bytes(table), "路灯.docx")
    assert block.values[0] == ("项目名称", None, "城区路灯维护", None)
    assert block.where(2, 3) == "表1第2行第3格"
    (doc,) = read_goal_workbook(docx_bytes(table), source="路灯.docx")
    assert (doc.project.name, doc.project.budget) == ("城区路灯维护", 100)


def test_labelled_lines_above_an_indicator_table_are_the_project():
    data = docx_bytes("项目支出绩效目标表", "项目名称：城区路灯维护    主管部门：市城市管理局", "年度资金总额（万元）：100",
                      "年度目标：维修路灯3200盏，亮灯率不低于98%。",
                      Table([HEADER[:4], ("产出指标", "数量指标", "维修路灯数量", "≥3200盏")]))
    (doc,) = read_goal_workbook(data, source="路灯.docx")
    assert (doc.project.name, doc.project.department, doc.project.budget) == ("城区路灯维护", "市城市管理局", 100)
    assert doc.goal.startswith("维修路灯3200盏") and doc.indicators[0].name == "维修路灯数量"


def test_several_projects_and_a_table_split_across_pages():
    first = Table([*INFO, HEADER, *ROWS[:3]], [(4, 0, 6, 0)])
    rest = Table(ROWS[3:])          # the same table, continued on the next page
    second = Table([("项目名称", "城区路灯维护"), ("年度资金总额", "100"), ("年度目标", "维修路灯3200盏。"),
                    HEADER[:4], ("产出指标", "数量指标", "维修路灯数量", "≥3200盏")])
    data = docx_bytes("表一", first, "", rest, "表二", second, "填表人：张三")
    docs, problems = read_goal_file_partial(data, source="两个项目.docx")
    assert problems == []
    assert [d.project.name for d in docs] == ["农村公路养护补助资金", "城区路灯维护"]
    assert [i.name for i in docs[0].indicators][-1] == "沿线群众满意度" and len(docs[0].indicators) == 6


@pytest.mark.parametrize(("budget", "name", "shown"), [
    ("很多", "维修路灯数量", "路灯.docx › 第1个项目 表1第2行第2格：『很多』 预算金额"),
    ("100", None, "路灯.docx › 第1个项目 表1第4行第3格：（空） 这一行有内容但没有三级指标名称"),
])
def test_a_problem_is_pointed_at_its_table_row_and_cell(budget, name, shown):
    bad = Table([("项目名称", "城区路灯维护"), ("年度资金总额", budget), HEADER[:4], ("产出指标", "数量指标", name, "3200")])
    docs, problems = read_goal_file_partial(docx_bytes("说明", bad), source="路灯.docx")
    assert docs == [] and str(problems[0]).startswith(shown), problems


def test_a_document_without_an_indicator_table_says_so():
    docs, problems = read_goal_file_partial(docx_bytes("项目名称：城区路灯维护", "今年要把路灯修好。"), source="a.docx")
    assert docs == [] and "找不到指标表的表头行" in problems[0].fix


def test_a_folder_reads_word_beside_excel(tmp_path):
    (tmp_path / "a.docx").write_bytes(docx_bytes(TABLE))
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes({"目标表": [*INFO, HEADER, *ROWS]}))
    docs = read_goal_batch(tmp_path)
    assert len(docs) == 2 and docs[0].indicators == docs[1].indicators


def test_a_body_of_more_xml_elements_than_its_cells_could_need_is_refused_before_it_is_parsed():
    data = docx_bytes(TABLE)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "word/document.xml":   # 300,000 empty runs: 3 MB unpacked, a few KB packed
                body = body.replace(b"</w:body>", b"<w:p>" + b"<w:r/>" * 300_000 + b"</w:p></w:body>")
            z.writestr(info, body)
    with pytest.raises(TooLarge) as caught:
        read_docx(out.getvalue(), "大文档.docx", SheetLimits(max_cells=20_000))
    assert caught.value.message.startswith("大文档.docx：文档正文有 300,") and "拆分" in caught.value.message


@pytest.mark.parametrize(("data", "says"), [
    (b"PK\x03\x04 not a zip at all", "无法读取"),
    (None, "无法读取为 Word 文档"),
    ("deflate", "word/document.xml 损坏"),
])
def test_a_damaged_document_says_what_to_do(data, says):
    if data == "deflate":   # the body's compressed data garbled in transfer
        raw = bytearray(docx_bytes(TABLE))
        info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("word/document.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        for k in range(start + 5, start + 15):
            raw[k] ^= 0x5A
        data = bytes(raw)
    elif data is None:   # a zip with the parts of a document, its body cut in half
        good = zipfile.ZipFile(io.BytesIO(docx_bytes(TABLE)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in good.infolist():
                body = good.read(info)
                z.writestr(info, body[: len(body) // 2] if info.filename == "word/document.xml" else body)
        data = out.getvalue()
    docs, problems = read_goal_file_partial(data, source="申报表.docx")
    assert docs == [] and len(problems) == 1 and says in problems[0].fix and "另存为" in problems[0].fix
    assert "Excel" not in problems[0].fix and ".xlsx" not in problems[0].fix   # a Word file is saved again in Word


def _patched(old: bytes, new: bytes) -> bytes:
    """The label table's document with one piece of its body's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes(Table([("项目名称", "x"), HEADER[:3]]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            body = source.read(info)
            z.writestr(info, body.replace(old, new, 1) if info.filename == "word/document.xml" else body)
    return out.getvalue()


@pytest.mark.parametrize(("new", "error", "says"), [
    (b'<w:tcPr><w:gridSpan w:val="x"/>', InvalidInput, "无法读取为 Word 文档"),
    (b"<w:tcPr><w:vMerge/>", InvalidInput, "无法读取为 Word 文档"),   # merged down from a row that is not there
    (b'<w:tcPr><w:gridSpan w:val="2000000000"/>', TooLarge, "表1第1行有 2,000,000,"),
])
def test_a_table_word_would_not_write_is_refused_not_a_crash(new, error, says):
    with pytest.raises(error) as caught:
        read_docx(_patched(b"<w:tcPr>", new), "怪表.docx", SheetLimits())
    assert caught.value.message.startswith("怪表.docx：") and says in caught.value.message


_NAME = b"<w:r><w:t>x</w:t></w:r>"


@pytest.mark.parametrize(("old", "new"), [
    # revised with tracked changes on: the inserted name is the text, the deleted one is not
    (_NAME, '<w:ins w:id="1" w:author="科员"><w:r><w:t>城区路灯</w:t></w:r></w:ins>'
            '<w:del w:id="2" w:author="科员"><w:r><w:delText>路灯</w:delText></w:r></w:del>'.encode()),
    (_NAME, '<w:moveFrom w:id="3" w:author="科员"><w:r><w:t>别处</w:t></w:r></w:moveFrom>'
            '<w:r><w:t>城区路灯</w:t></w:r>'.encode()),
    # a template's fill-in field (a content control) in the cell
    (_NAME, "<w:sdt><w:sdtContent><w:r><w:t>城区路灯</w:t></w:r></w:sdtContent></w:sdt>".encode()),
])
def test_tracked_changes_and_fill_in_fields_read_as_the_document_shows_them(old, new):
    (block,) = read_docx(_patched(old, new), "修订.docx", SheetLimits())
    assert block.values[0][:2] == ("项目名称", "城区路灯")


def test_a_table_inside_a_content_control_is_read():
    data = _patched(b"<w:tbl>", b"<w:sdt><w:sdtContent><w:tbl>")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(b"</w:tbl>", b"</w:tbl></w:sdtContent></w:sdt>", 1)
            z.writestr(info.filename, body)
    (block,) = read_docx(out.getvalue(), "控件.docx", SheetLimits())
    assert block.values[0][:2] == ("项目名称", "x") and block.places[1] == "表1第1行"


def test_a_word_97_document_is_told_to_be_saved_as_docx():
    from tests.xls_workbooks import renamed_stream, xls_bytes

    data = renamed_stream(xls_bytes({"表": [("x",)]}), "WordDocument")
    with pytest.raises(InvalidInput) as caught:
        read_xls(data, "申报表.doc", SheetLimits(), True)
    assert "Word 97-2003 文档（.doc）" in caught.value.message and "另存为 .docx" in caught.value.message
