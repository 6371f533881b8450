"""Library versions: every load is a version, codes stay stable, nothing is deleted."""

import shutil

from sqlmodel import Session

from kb import store
from kb.db import get_engine
from services.bootstrap import initialise
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
    assert "function_codes" not in {c["name"] for c in inspect(engine).get_columns("direction")}
    report = initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    assert "function_codes" in {c["name"] for c in inspect(engine).get_columns("direction")}
    assert report.version == first.version and report.embedded_now == 0  # same content, same version
    with Session(engine) as session:
        assert {d.code: d.function_codes for d, _, _ in store.all_directions(session)}["2120101"] == ["21203"]


def test_a_spreadsheet_import_keeps_the_function_codes(fresh_settings, tmp_path):
    """An exported sheet carries no function codes; importing it back must not erase them."""
    from services.library_io import export_library, import_library

    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    out = tmp_path / "library.csv"
    export_library(fresh_settings, out)
    out.write_text(out.read_text(encoding="utf-8-sig").replace("路灯亮灯率", "路灯开灯率"), encoding="utf-8-sig")
    assert import_library(fresh_settings, out).changed == 1
    with Session(get_engine(fresh_settings)) as session:
        assert {d.code: d.function_codes for d, _, _ in store.all_directions(session)}["2120101"] == ["21203"]
