"""Library versions: every load is a version, codes stay stable, nothing is deleted."""

import shutil

import pytest
from sqlmodel import Session, select

from indicators.library import FUNCTION_CODES_FILE, function_codes_file
from kb import store
from kb.db import get_engine, session_scope
from kb.errors import Conflict, NotFound
from kb.models import Direction, Indicator, LibrarySnapshot, Subcategory
from services.bootstrap import initialise
from services.library_io import export_library, import_library
from services.library_versions import import_file, restore_version
from tests.conftest import FIXTURE_LIBRARY


def test_init_is_idempotent(fresh_settings):
    first = initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    again = initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    assert first.new_version and first.rebuilt_index and first.indicators == 21
    assert not again.new_version and not again.rebuilt_index and again.version == first.version


def test_changed_library_is_a_new_version_that_reembeds_only_what_changed(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURE_LIBRARY, lib)
    path = lib / "212-chengxiang.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("夜间巡查时正常亮灯的路灯", "夜间抽查时正常亮灯的路灯")  # edit one explanation
    text = text.replace("          - {id: 6, name: 路灯节电率", "          - {id: 9, name: 路灯节电率")  # a new code
    path.write_text(text, encoding="utf-8")
    report = initialise(fresh_settings, library_dir=lib)
    assert report.new_version and report.version == 2 and report.rebuilt_index
    assert report.embedded_now == 1  # only the edited text; the re-coded one's text (and vector) is unchanged
    with Session(get_engine(fresh_settings)) as session:
        version = store.current_version(session)
        assert version.changed == 1 and version.added == 1 and version.retired == 1
        assert version.changes["retired"] == ["2120101-006"]
        retired = store.get_indicator(session, code="2120101-006")
        assert retired.status == "retired"  # kept, so the code never means something else
        assert store.get_indicator(session, code="2120101-002").version_changed == 2


def test_function_codes_are_stored_and_a_change_of_them_is_a_new_version(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    with Session(get_engine(fresh_settings)) as session:
        stored = {d.code: d.function_codes for d, _, _ in store.all_directions(session)}
    assert stored == {"2050101": ["2050201"], "2050201": ["2050202", "2050203"], "2120101": ["21203"]}
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURE_LIBRARY, lib)
    path = lib / "212-chengxiang.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('["21203"]', '["21203", "21205"]'), encoding="utf-8")
    report = initialise(fresh_settings, library_dir=lib)
    assert report.new_version and report.version == 2 and report.embedded_now == 0  # passages unchanged
    with Session(get_engine(fresh_settings)) as session:
        lamps = next(d for d, _, _ in store.all_directions(session) if d.code == "2120101")
        assert lamps.function_codes == ["21203", "21205"]
        assert store.current_version(session).changed == 0  # no indicator changed


def test_a_database_made_before_function_codes_still_opens(fresh_settings):
    """The previous schema had no direction.function_codes: opening it adds the column and fills it."""
    from sqlalchemy import inspect, text

    engine = get_engine(fresh_settings)
    first = initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    with engine.begin() as conn:  # back to the old schema, as a database of the last release has it
        conn.execute(text('ALTER TABLE "direction" DROP COLUMN "function_codes"'))
        conn.execute(text("DROP TABLE alembic_version"))  # that release predates migrations
    assert "function_codes" not in {c["name"] for c in inspect(engine).get_columns("direction")}
    report = initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    assert "function_codes" in {c["name"] for c in inspect(engine).get_columns("direction")}
    assert report.version == first.version and report.embedded_now == 0  # same content, same version
    with Session(engine) as session:
        assert {d.code: d.function_codes for d, _, _ in store.all_directions(session)}["2120101"] == ["21203"]


def test_a_spreadsheet_import_keeps_the_function_codes(fresh_settings, tmp_path):
    """An exported sheet carries no function codes; importing it back must not erase them."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "library.csv"
    export_library(fresh_settings, out)
    out.write_text(out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "路灯开灯率"), encoding="utf-8-sig")
    assert import_library(fresh_settings, out).changed == 1
    with Session(get_engine(fresh_settings)) as session:
        assert {d.code: d.function_codes for d, _, _ in store.all_directions(session)}["2120101"] == ["21203"]


def library_state(settings) -> dict:
    """Everything a version holds: taxonomy rows and every indicator (retired ones too) with all its fields."""
    with Session(get_engine(settings)) as session:
        rows = store.snapshot_rows(session, number=store.current_version(session).number)
        live = {"indicators": {i.code: i.model_dump(exclude={"version_added", "version_changed"})
                               for i in session.exec(select(Indicator))},
                "directions": {d.code: d.model_dump() for d in session.exec(select(Direction))}}
    kept = {"indicators": {i.code: i.model_dump() for i in rows.indicators},
            "directions": {d.code: d.model_dump() for d in rows.directions}}
    assert kept == live  # the current version's snapshot is what the tables hold
    return live


def test_every_version_keeps_a_snapshot_and_any_can_be_restored(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    first = library_state(fresh_settings)
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURE_LIBRARY, lib)
    path = lib / "212-chengxiang.yaml"
    text = path.read_text(encoding="utf-8").replace("夜间巡查时正常亮灯的路灯", "夜间抽查时正常亮灯的路灯")
    path.write_text(text.replace('["21203"]', '["21203", "21205"]'), encoding="utf-8")
    initialise(fresh_settings, library_dir=lib)  # version 2: one text and the function codes changed
    out = tmp_path / "one.csv"
    export_library(fresh_settings, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    out.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8-sig")
    version = import_library(fresh_settings, out, replace=True, imported_by="管理员甲")  # version 3
    assert version.number == 3 and version.retired > 0
    third = library_state(fresh_settings)

    preview = restore_version(fresh_settings, 1, dry_run=True)
    assert library_state(fresh_settings) == third  # a dry run writes nothing
    assert preview.version == 4 and len(preview.added) == version.retired  # retired ones back in use
    report = restore_version(fresh_settings, 1, dry_run=False, imported_by="管理员甲")
    assert report.version == 4 and report.counts == preview.counts
    assert library_state(fresh_settings) == first  # texts, statuses and function codes of version 1
    with Session(get_engine(fresh_settings)) as session:
        assert store.snapshot_numbers(session) == {1, 2, 3, 4}
        current = store.current_version(session)
        assert (current.source, current.imported_by, current.indicator_count) == ("restore:1", "管理员甲", 21)
    assert restore_version(fresh_settings, 3, dry_run=False).version == 5
    assert library_state(fresh_settings) == third
    assert restore_version(fresh_settings, 5, dry_run=False).version is None  # already its content
    assert not initialise(fresh_settings, library_dir=lib).new_version  # the built-in files did not change


def test_a_version_from_before_snapshots_gets_one_at_the_next_change_or_says_it_cannot_be_restored(
        fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    first = library_state(fresh_settings)
    with session_scope(get_engine(fresh_settings)) as session:  # as a database of the last release has it
        session.delete(session.get(LibrarySnapshot, 1))
    with pytest.raises(NotFound, match="第 1 版生成于保存版本内容之前"):
        restore_version(fresh_settings, 1, dry_run=True)
    out = tmp_path / "lib.csv"
    export_library(fresh_settings, out)
    out.write_text(out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "城市路灯亮灯率", 1), encoding="utf-8-sig")
    assert import_library(fresh_settings, out).number == 2
    restore_version(fresh_settings, 1, dry_run=False)  # kept just before version 2 was written
    assert library_state(fresh_settings) == first
    with pytest.raises(NotFound, match="没有第 7 版"):
        restore_version(fresh_settings, 7, dry_run=True)
    for number in (0, 2**31, 10**20):  # past what a database holds: the same answer, not its driver's error
        with pytest.raises(NotFound, match=f"没有第 {number} 版"):
            restore_version(fresh_settings, number, dry_run=True)


def test_a_stale_preview_is_refused(fresh_settings, tmp_path):
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "lib.csv"
    export_library(fresh_settings, out)
    out.write_text(out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "城市路灯亮灯率", 1), encoding="utf-8-sig")
    with pytest.raises(Conflict, match="已变为第 1 版"):
        import_file(fresh_settings, out, replace=False, dry_run=False, expect_version=0)
    assert import_file(fresh_settings, out, replace=False, dry_run=False, expect_version=1).version == 2


def test_a_retired_code_the_classification_uses_becomes_that_kuan_and_a_restore_brings_the_old_one_back(
        fresh_settings, tmp_path):
    """20501 was the library's 学前教育 (retired, now under 20502); in the 科目 it is 教育管理事务. When the
    library takes up that 款 the code names it, and restoring the old version brings the old meaning back."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURE_LIBRARY, lib)
    table = function_codes_file().read_text(encoding="utf-8")
    assert '"20501": {name: 教育管理事务' in table  # the built-in library took the 款 up the same way
    (lib / FUNCTION_CODES_FILE).write_text(table, encoding="utf-8")
    path = lib / "205-jiaoyu.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("      - name: 学生营养改善计划\n")
    direction = "".join(lines[start:lines.index("retired_subcategories:\n")])
    direction = (direction.replace("学生营养改善计划", "教育管理信息化").replace('"2050201"', '"2050901"')
                 .replace('["2050202", "2050203"]', '["20501"]'))
    text = "".join(lines[:lines.index("retired_subcategories:\n")])
    text = text.replace("subcategories:\n", "subcategories:\n  - name: 教育管理事务\n    code: \"20501\"\n    directions:\n"
                        + direction, 1)
    path.write_text(text, encoding="utf-8")
    assert initialise(fresh_settings, library_dir=lib).version == 2

    def subcategory(code):
        with Session(get_engine(fresh_settings)) as session:
            row = session.get(Subcategory, code)
            return row.name, row.superseded_by

    assert subcategory("20501") == ("教育管理事务", None)
    with Session(get_engine(fresh_settings)) as session:
        assert store.retired_subcategories(session) == []
        assert {d.code: d.subcategory_code for d, _, _ in store.all_directions(session)}["2050901"] == "20501"
    restore_version(fresh_settings, 1, dry_run=False)
    assert subcategory("20501") == ("学前教育", "20502")
