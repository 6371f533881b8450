"""The library page in a real browser (Debian's chromium via Playwright, as tests/web/test_browser.py):
an admin signs in, uploads a one-row 整表替换, sees how many indicators it would retire, confirms,
then restores the previous version. Saves screenshots to artifacts/screenshots/."""

from __future__ import annotations

import pytest

from kb import accounts
from kb.db import get_engine, session_scope
from services.bootstrap import initialise
from tests.conftest import FIXTURE_LIBRARY, PASSWORD
from tests.web.browser_kit import NEEDS_CHROMIUM, launch, new_page, serve, shot
from web.app import create_app

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def library_server(fresh_settings):
    """A uvicorn server over a library of its own, with an admin who signs in with a password."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    with session_scope(get_engine(fresh_settings)) as session:
        accounts.add_user(session, name="管理员甲", role="admin", password=PASSWORD)
    with serve(create_app(fresh_settings)) as url:
        yield url


@pytest.fixture
def page(library_server):
    with launch() as browser, new_page(browser, library_server) as pg:
        yield pg


def test_an_admin_previews_a_replace_confirms_it_and_restores_the_previous_version(page, tmp_path):
    page.goto("/library")
    assert page.locator("#import-form").count() == 0 and "只有管理员" in page.locator("#import-who").inner_text()
    page.goto("/login?next=/library")
    page.fill("input[name=name]", "管理员甲")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/library")

    with page.expect_download() as download:
        page.click("a[href='/library/export.csv']")
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    one_row = tmp_path / "只剩一行.csv"
    one_row.write_text("\n".join([lines[0], next(x for x in lines if x.startswith("2120101-002,"))]) + "\n",
                       encoding="utf-8-sig")

    page.set_input_files("#import-file", str(one_row))
    page.check("#import-replace")
    page.click("#import-form button[type=submit]")
    preview = page.locator("#library-preview")
    preview.wait_for()
    assert preview.locator(".count-retired").inner_text() == "6"
    assert "整表替换将停用 6 个指标" in preview.locator(".retire-warning").inner_text()
    assert page.locator("#versions tbody tr").count() == 1  # nothing written yet
    shot(page, "library-preview")

    page.click("#confirm-import")
    page.locator("#library-done").wait_for()
    assert "生成第 2 版" in page.locator("#library-done").inner_text()
    top = page.locator("#versions tbody tr").first
    assert top.locator("th").inner_text() == "第 2 版" and top.locator("td").nth(3).inner_text() == "15"
    assert top.locator("td").nth(2).inner_text() == "管理员甲"

    page.click("#versions tr[data-version='1'] .restore-link")
    restore = page.locator("#version-action #library-preview")
    restore.wait_for()
    assert restore.locator(".count-added").inner_text() == "6"  # the retired ones come back
    shot(page, "library-restore-preview")
    page.click("#confirm-restore")
    page.locator("#version-action #library-done").wait_for()
    assert "已恢复第 1 版" in page.locator("#version-action #library-done").inner_text()
    top = page.locator("#versions tbody tr").first
    assert top.locator("th").inner_text() == "第 3 版" and top.locator("td").nth(3).inner_text() == "21"
    assert top.locator("td").nth(1).inner_text() == "恢复第 1 版"
    page.goto("/")
    page.locator("#q").fill("夜间道路交通事故")
    page.wait_for_selector("ol.hits li.hit h2 a")
    assert "夜间道路交通事故下降率" in page.locator("ol.hits li.hit h2 a").all_inner_texts()
