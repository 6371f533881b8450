"""Import and export of a bureau's library as .xlsx / .csv: validated whole, all or nothing."""

import csv

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from indicators.library_sheet import COLUMNS, export_library, import_library
from kb import store
from kb.bootstrap import initialise
from kb.db import get_engine
from kb.errors import InvalidInput
from tests.conftest import FIXTURE_LIBRARY

HEADER = [h for _, h in COLUMNS]


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(**values):
    fields = [f for f, _ in COLUMNS]
    return [values.get(f, "") for f in fields]


GOOD = {"category": "城乡社区", "subcategory": "城市管理", "direction": "公厕管理", "level1": "产出指标",
        "level2": "质量指标", "name": "公厕保洁达标率", "unit": "%", "operator": "≥", "basis": "行业标准",
        "explanation": "抽查公厕中保洁达到《城市公共厕所管理办法》要求的比例。", "source": "抽查记录",
        "aliases": "厕所干净程度"}
COUNT_ROW = {**GOOD, "name": "公厕数量", "level2": "数量指标", "unit": "座",
             "explanation": "辖区内纳入管理的公厕座数。"}


def count(settings):
    with Session(get_engine(settings)) as session:
        return store.query_indicators(session)[0]


def test_export_then_import_round_trip_keeps_codes(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "lib.xlsx"
    assert export_library(fresh_settings, out) == 21
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == HEADER and sheet.max_row == 22
    assert import_library(fresh_settings, out) is None or count(fresh_settings) == 21


def test_import_adds_rows_without_codes_and_reuses_the_taxonomy(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    path = write_csv(tmp_path / "mine.csv", [row(**GOOD), row(**COUNT_ROW)])
    version = import_library(fresh_settings, path)
    assert version.added == 2 and count(fresh_settings) == 23
    with Session(get_engine(fresh_settings)) as session:
        total, items = store.query_indicators(session, filters=store.Filters(direction="公厕管理"))
    assert total == 2 and all(i.subcategory_code == "21201" for i in items)  # existing 城市管理 reused
    assert {i.code for i in items} == {f"{items[0].direction_code}-001", f"{items[0].direction_code}-002"}
    again = import_library(fresh_settings, write_csv(tmp_path / "again.csv", [row(**GOOD)]))
    assert again is None or again.added == 0  # same name in the same direction keeps its code


def test_bad_rows_are_all_reported_and_nothing_is_imported(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    bad = [row(**GOOD),
           row(**{**GOOD, "name": "公厕保洁合格率", "unit": "座"}),
           row(**{**GOOD, "name": "公厕投诉量", "level2": "好坏指标", "unit": "件"}),
           row(**{**GOOD, "name": "维护成本", "level2": "经济成本指标", "unit": "元/座", "cost_low": "abc"}),
           row(**{**GOOD, "name": "", "explanation": ""})]
    with pytest.raises(InvalidInput) as err:
        import_library(fresh_settings, write_csv(tmp_path / "bad.csv", bad))
    details = "\n".join(err.value.details)
    assert "第 3 行" in details and "第 4 行" in details and "第 5 行" in details and "第 6 行" in details
    assert "『座』与指标" in details and "『好坏指标』不是二级指标" in details and "『abc』不是数字" in details
    assert count(fresh_settings) == 21


@pytest.mark.parametrize("content,message", [
    (b"", "文件是空的"),
    ("名称,单位\n路灯,盏\n".encode(), "表头缺少列"),
])
def test_unusable_files_say_what_is_wrong(fresh_settings, tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        import_library(fresh_settings, path)


def test_damaged_workbook_is_rejected_clearly(fresh_settings, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(InvalidInput, match="无法读取为 .xlsx"):
        import_library(fresh_settings, path)


def test_gbk_csv_from_excel_is_read(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    path = tmp_path / "gbk.csv"
    text = ",".join(HEADER) + "\n" + ",".join(row(**GOOD)) + "\n"
    path.write_bytes(text.encode("gb18030"))
    assert import_library(fresh_settings, path).added == 1
