"""Import and export of a bureau's library as .xlsx / .csv: validated whole, all or nothing."""

import csv

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from kb import store
from kb.db import create_schema, get_engine, session_scope
from kb.errors import Forbidden, InvalidInput, NotFound
from kb.models import Category, Direction, LibraryUpload, Subcategory
from kb.settings import Settings, get_settings
from kb.tables import read_table, write_table
from services.bootstrap import initialise, load_builtin
from services.library_io import COLUMNS, export_library, import_library
from services.library_versions import discard_upload, import_file, preview_upload, staged_upload
from tests.conftest import FIXTURE_LIBRARY
from tests.xls_workbooks import xls_bytes

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


GOOD = {"category": "城乡社区", "subcategory": "城乡社区公共设施", "direction": "公厕管理", "level1": "产出指标",
        "level2": "质量指标", "name": "公厕保洁达标率", "unit": "%", "operator": "≥", "basis": "行业标准",
        "explanation": "抽查公厕中保洁达到《城市公共厕所管理办法》要求的比例。", "source": "抽查记录",
        "aliases": "厕所干净程度"}
COUNT_ROW = {**GOOD, "name": "公厕数量", "level2": "数量指标", "unit": "座",
             "explanation": "辖区内纳入管理的公厕座数。"}


def count(settings):
    with Session(get_engine(settings)) as session:
        return store.query_indicators(session)[0]


def taxonomy_rows(settings) -> list[dict]:
    with Session(get_engine(settings)) as session:
        return [r.model_dump() for model in (Category, Subcategory, Direction) for r in session.exec(select(model))]


def test_export_then_import_changes_nothing_and_makes_no_version(fresh_settings, tmp_path):
    """The sheet carries no direction summary, keywords or function codes: importing it keeps them."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    taxonomy = taxonomy_rows(fresh_settings)
    assert any(r.get("keywords") for r in taxonomy) and any(r.get("summary") for r in taxonomy)
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"lib.{fmt}"
        assert export_library(fresh_settings, out) == 21
        report = import_file(fresh_settings, out, replace=True, dry_run=True)
        assert (report.counts, report.taxonomy, report.version, report.base_version) == ((0, 0, 0), 0, None, 1)
        assert import_library(fresh_settings, out, replace=True) is None, fmt
    sheet = load_workbook(tmp_path / "lib.xlsx").active
    assert [c.value for c in sheet[1]] == HEADER and sheet.max_row == 22
    assert taxonomy_rows(fresh_settings) == taxonomy and count(fresh_settings) == 21
    with Session(get_engine(fresh_settings)) as session:
        assert [v.number for v in store.list_versions(session)] == [1]


def test_a_sheet_exported_before_subcategories_followed_the_kuan_leaves_the_tree_as_it_is(fresh_settings, tmp_path):
    """An export from before: 普惠性幼儿园补助 under 20501 学前教育 (now retired), 学生营养改善计划 under
    20502 义务教育 (now 普通教育), 城市道路照明 under 城市管理 in a category written 城市建设. Edited in
    Excel and imported again, it changes the indicator edited and nothing of the tree."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    taxonomy = taxonomy_rows(fresh_settings)
    out = tmp_path / "lib.csv"
    export_library(fresh_settings, out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    col = {h: HEADER.index(h) for h in ("大类", "子类", "子类编码", "支出方向编码", "指标解释")}
    old_places = {"2050101": ("学前教育", "20501"), "2050201": ("义务教育", "20502"), "2120101": ("城市管理", "21201")}
    for r in rows[1:]:
        if r[col["支出方向编码"]] in old_places:
            r[col["子类"]], r[col["子类编码"]] = old_places[r[col["支出方向编码"]]]
        if r[col["支出方向编码"]] == "2120101":
            r[col["大类"]] = "城市建设"
    edited = next(r for r in rows if r[0] == "2120101-002")
    edited[col["指标解释"]] = "夜间巡查时正常亮灯的路灯占应亮路灯的比例。"
    write_csv(tmp_path / "old.csv", rows[1:])
    report = import_file(fresh_settings, tmp_path / "old.csv", replace=False, dry_run=False)
    assert report.counts == (0, 1, 0) and report.taxonomy == 0
    assert taxonomy_rows(fresh_settings) == taxonomy
    with Session(get_engine(fresh_settings)) as session:
        kindergarten = store.get_indicator(session, code="2050101-001")
        assert (kindergarten.subcategory_code, kindergarten.subcategory) == ("20502", "普通教育")


def test_a_dry_run_reports_each_change_and_writes_nothing(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "lib.csv"
    export_library(fresh_settings, out)
    before = out.read_bytes()
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    lamp = next(r for r in rows if r[0] == "2120101-002")
    lamp[HEADER.index("计算公式")] = "亮灯盏数/应亮盏数×100%"  # spacing is text too: stored as written
    write_csv(tmp_path / "one.csv", [lamp, row(**GOOD)])
    report = import_file(fresh_settings, tmp_path / "one.csv", replace=True, dry_run=True)
    assert [c.name for c in report.added] == ["公厕保洁达标率"] and report.taxonomy == 1  # a new direction
    assert [(c.code, c.fields) for c in report.changed] == [
        ("2120101-002", {"formula": ("亮灯盏数 / 应亮盏数 × 100%", "亮灯盏数/应亮盏数×100%")})]
    assert len(report.retired) == 6 and report.version == 2 and report.indicator_count == 21 + 1 - 6
    export_library(fresh_settings, out)
    assert out.read_bytes() == before  # nothing written
    report = import_file(fresh_settings, tmp_path / "one.csv", replace=True, dry_run=False, imported_by="管理员甲")
    assert report.version == 2 and report.counts == (1, 1, 6)
    with Session(get_engine(fresh_settings)) as session:
        version = store.current_version(session)
        assert (version.imported_by, version.source, version.indicator_count) == ("管理员甲", "import:one.csv", 16)
        assert store.get_indicator(session, code="2120101-002").formula == "亮灯盏数/应亮盏数×100%"


def test_kb_import_dry_run_prints_the_preview_and_a_real_one_records_the_os_user(fresh_settings, tmp_path,
                                                                                 monkeypatch):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    monkeypatch.setenv("KB_DATA_DIR", str(fresh_settings.data_dir))
    monkeypatch.setenv("KB_DATABASE_URL", fresh_settings.db_url)
    monkeypatch.setenv("USER", "zhangsan")
    monkeypatch.setenv("LOGNAME", "zhangsan")
    get_settings.cache_clear()
    path = write_csv(tmp_path / "mine.csv", [row(**GOOD)])
    try:
        result = CliRunner().invoke(app, ["import", str(path), "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "预览（未写入）：将生成第 2 版：新增 1，修改 0，停用 0" in result.output
        assert "新增" in result.output and "公厕保洁达标率" in result.output and "未写入" in result.output
        assert count(fresh_settings) == 21
        result = CliRunner().invoke(app, ["import", str(path)])
        assert result.exit_code == 0, result.output
        assert "指标库第 2 版：新增 1" in result.output
        result = CliRunner().invoke(app, ["restore-version", "1", "--dry-run"])
        assert result.exit_code == 0 and "停用 1" in result.output and count(fresh_settings) == 22
    finally:
        get_settings.cache_clear()
    with Session(get_engine(fresh_settings)) as session:
        assert store.current_version(session).imported_by == "命令行 zhangsan"


def test_import_adds_rows_without_codes_and_reuses_the_taxonomy(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    path = write_csv(tmp_path / "mine.csv", [row(**GOOD), row(**COUNT_ROW)])
    version = import_library(fresh_settings, path)
    assert version.added == 2 and count(fresh_settings) == 23
    with Session(get_engine(fresh_settings)) as session:
        total, items = store.query_indicators(session, filters=store.Filters(direction="公厕管理"))
    assert total == 2 and all(i.subcategory_code == "21203" for i in items)  # existing 款 reused by name
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


def test_a_library_kept_as_xls_imports_as_the_xlsx_it_was_saved_from(fresh_settings, tmp_path):
    """A bureau's older library in Excel 97-2003: the export saved as .xls changes nothing; a row added to it is added."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "library.xlsx"
    export_library(fresh_settings, out)
    ws = load_workbook(out).active
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[0][:len(HEADER)]) == tuple(HEADER)
    same = tmp_path / "共性指标库.xls"
    same.write_bytes(xls_bytes({ws.title: rows}))
    report = import_file(fresh_settings, same, replace=True, dry_run=True)
    assert (report.counts, report.taxonomy, report.version) == ((0, 0, 0), 0, None)
    wps = tmp_path / "共性指标库.et"  # WPS 表格's own format, holding the same compound workbook
    wps.write_bytes(same.read_bytes())
    report = import_file(fresh_settings, wps, replace=True, dry_run=True)
    assert (report.counts, report.taxonomy, report.version) == ((0, 0, 0), 0, None)
    more = tmp_path / "共性指标库（新增）.xls"
    more.write_bytes(xls_bytes({ws.title: [*rows, tuple(row(**GOOD))]}))
    assert import_library(fresh_settings, more).added == 1 and count(fresh_settings) == 22


def test_gbk_csv_from_excel_is_read(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    path = tmp_path / "gbk.csv"
    text = ",".join(HEADER) + "\n" + ",".join(row(**GOOD)) + "\n"
    path.write_bytes(text.encode("gb18030"))
    assert import_library(fresh_settings, path).added == 1


def test_the_whole_built_in_library_round_trips_through_xlsx_and_csv(fresh_settings, tmp_path):
    """Export → import changes nothing (the 786 reference values like "=100%" included), and no
    exported cell is a formula."""
    create_schema(get_engine(fresh_settings))
    load_builtin(fresh_settings)
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"library.{fmt}"
        assert export_library(fresh_settings, out) > 8000
        report = import_file(fresh_settings, out, replace=True, dry_run=True)
        assert (report.counts, report.taxonomy, report.version) == ((0, 0, 0), 0, None), fmt
        assert import_library(fresh_settings, out) is None, fmt  # no new version either
    cells = [c for row in load_workbook(tmp_path / "library.xlsx").active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sum(c.value == "=100%" for c in cells) > 100
    text = (tmp_path / "library.csv").read_text(encoding="utf-8-sig")
    assert ",'=100%," in text and ",=100%," not in text


def test_csv_cells_a_spreadsheet_would_run_are_escaped_and_read_back_exactly(tmp_path):
    values = ["=1+2", "+86 10", "-5%", "@SUM(A1)", "'=already quoted", "''=twice", "'plain", "普通文字"]
    path = tmp_path / "t.csv"
    write_table(path, ["值"], [[v] for v in values])
    written = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert all(line.startswith("'") for line in written[:6]) and written[6:] == ["'plain", "普通文字"]
    assert [cells[0] for _, cells in read_table(path)[1]] == values


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_characters_a_spreadsheet_cannot_hold_are_dropped_on_export_not_a_crash(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    write_table(path, ["值"], [["a\x01b\x0b"], ["c\ud800"], ["d\x00"]])
    assert [cells[0] for _, cells in read_table(path)[1]] == ["ab", "c", "d"]


def test_a_previewed_upload_is_kept_for_its_user_for_an_hour(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    data = write_csv(tmp_path / "mine.csv", [row(**GOOD)]).read_bytes()
    staged, report = preview_upload(fresh_settings, name="我的指标.csv", data=data, replace=False, user="管理员甲")
    assert report.version == 2 and staged.base_version == 1 and staged.path.read_bytes() == data
    kept = staged_upload(fresh_settings, staged.id, user="管理员甲")
    assert (kept.name, kept.replace, kept.base_version) == ("我的指标.csv", False, 1)
    with pytest.raises(Forbidden, match="管理员甲 上传的"):
        staged_upload(fresh_settings, staged.id, user="管理员丁")
    for bad in ("../../etc", "short", staged.id + "x"):
        with pytest.raises(NotFound, match="重新上传"):
            staged_upload(fresh_settings, bad, user="管理员甲")
    with session_scope(get_engine(fresh_settings)) as session:  # an hour later
        session.get(LibraryUpload, staged.id).created -= 3601
    with pytest.raises(NotFound, match="已过期"):
        staged_upload(fresh_settings, staged.id, user="管理员甲")
    assert not staged.path.parent.exists()
    unchanged, report = preview_upload(fresh_settings, name="same.csv", data=data, replace=False, user="管理员甲")
    assert report.version == 2 and unchanged.id != staged.id
    import_file(fresh_settings, unchanged.path, replace=False, dry_run=False)
    same, report = preview_upload(fresh_settings, name="same.csv", data=data, replace=False, user="管理员甲")
    assert report.version is None and not same.path.parent.exists()  # nothing to confirm: not kept


def test_an_upload_previewed_on_one_server_is_confirmed_on_another(fresh_settings, tmp_path):
    """Two servers on one database, each with its own data directory, behind a load balancer."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    other = Settings(data_dir=tmp_path / "other", database_url=fresh_settings.db_url)
    data = write_csv(tmp_path / "mine.csv", [row(**GOOD)]).read_bytes()
    staged, _ = preview_upload(fresh_settings, name="我的指标.csv", data=data, replace=False, user="管理员甲")
    there = staged_upload(other, staged.id, user="管理员甲")
    assert there.path.read_bytes() == data and there.path.is_relative_to(tmp_path / "other")
    assert (there.name, there.base_version) == ("我的指标.csv", 1)
    report = import_file(other, there.path, replace=False, dry_run=False, name=there.name,
                         expect_version=there.base_version)
    discard_upload(other, there.id)
    assert report.version == 2
    with pytest.raises(NotFound, match="重新上传"):
        staged_upload(fresh_settings, staged.id, user="管理员甲")
