"""Library versions: every load is a version, codes stay stable, nothing is deleted."""

import shutil

from sqlmodel import Session

from kb import store
from kb.bootstrap import initialise
from kb.db import get_engine
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
