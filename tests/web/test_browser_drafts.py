"""Drafts kept on the server, end to end in a real browser (Debian's chromium driven by Playwright)
against a real uvicorn server: sign in, draft, save, come back in a fresh browser, open the draft
from 我的草稿, edit and save it, export it, import the exported file back as a new draft, delete."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from indicators import goal_sheets
from tests.web.browser_kit import NEEDS_CHROMIUM, SHOTS, new_page, shot
from tests.web.browser_kit import sign_in as kit_sign_in

pytestmark = NEEDS_CHROMIUM


def fresh_browser(browser, base_url):
    """A browser profile of its own (nothing in localStorage, no cookies), like another computer."""
    return new_page(browser, base_url)


def sign_in(page, next_url: str) -> None:
    kit_sign_in(page, "教育局丙", next_url)


def row_of(page, name: str):
    return page.locator("#drafts-list tbody tr", has=page.locator("th", has_text=name))


def test_save_reopen_elsewhere_edit_export_import_and_delete(browser, base_url, tmp_path):
    name = "城市路灯维护（浏览器）"
    with fresh_browser(browser, base_url) as page:
        page.goto("/draft")
        page.get_by_label("项目名称").fill(name)
        page.get_by_label("预算金额", exact=True).fill("300")
        page.get_by_role("button", name="生成草稿").click()
        page.wait_for_selector("#draft-form table.draft-table")
        page.get_by_role("button", name="保存草稿").click()  # not signed in yet
        login = page.locator(".notice.login-needed a")
        login.wait_for()
        assert login.get_attribute("href") == "/login?next=/draft"
        login.click()
        sign_in(page, "/draft")
        page.goto("/drafts")  # the draft kept in this browser is not on the server yet: say so
        unsaved = page.locator("[data-unsaved-draft]")
        assert unsaved.is_visible() and name in unsaved.inner_text()
        unsaved.get_by_role("link", name="去继续编辑并保存").click()
        page.get_by_role("button", name="继续编辑上次的草稿").click()  # the browser kept it meanwhile
        page.wait_for_selector("#draft-form")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_selector(".notice.info:has-text('已保存到“我的草稿”')")
        draft_id = page.locator("input[name=draft_id]").input_value()
        page.goto("/drafts")
        assert row_of(page, name).count() == 1 and not page.locator("[data-unsaved-draft]").is_visible()
        page.goto("/draft")  # this browser still offers its own copy, which now knows the saved draft
        page.get_by_role("button", name="继续编辑上次的草稿").click()
        page.wait_for_selector("#draft-form")
        assert page.locator("input[name=draft_id]").input_value() == draft_id

    with fresh_browser(browser, base_url) as page:  # another computer: nothing in this browser
        sign_in(page, "/drafts")
        row = row_of(page, name)
        assert row.count() == 1
        assert page.locator("#drafts-list time").first.inner_text()[:2] == "20"
        shot(page, "drafts")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        row.get_by_role("link", name="打开").click()
        page.wait_for_url(f"**/drafts/{draft_id}")
        assert page.locator("#p_name").input_value() == name
        page.fill("#ind-0-value", "12000")
        page.press("#ind-0-value", "Tab")
        page.wait_for_load_state("networkidle")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_selector(".notice.info:has-text('已保存到“我的草稿”')")
        assert page.locator("input[name=draft_id]").input_value() == draft_id  # updated, not copied
        page.screenshot(path=str(SHOTS / "draft-saved.png"), full_page=True)
        stored = page.request.get(f"/api/v1/drafts/{draft_id}").json()
        assert stored["document"]["indicators"][0]["value"] == "12000"
        row_name = stored["document"]["indicators"][0]["name"]

        page.get_by_role("link", name="我的草稿").first.click()
        page.wait_for_url("**/drafts")
        with page.expect_download() as download:
            row_of(page, name).get_by_role("link", name=f"导出 {name} 为 Excel").click()
        data = Path(download.value.path()).read_bytes()
        ws = load_workbook(io.BytesIO(data)).worksheets[0]
        assert ws["B2"].value == name and ws["C11"].value == row_name and ws["E11"].value == "12000"
        [doc] = goal_sheets.read_goal_workbook(data)
        assert doc.project.name == name and doc.indicators[0].value == "12000"

        exported = tmp_path / "导出的申报表.xlsx"
        exported.write_bytes(data)
        page.get_by_label("导入填好的申报表或 JSON（可多选）").set_input_files(str(exported))
        page.get_by_role("button", name="导入为草稿").click()
        page.wait_for_selector("#drafts-list .notice.info:has-text('已导入 1 份草稿')")
        assert row_of(page, name).count() == 2
        new_id = row_of(page, name).first.get_attribute("data-draft")
        assert new_id != draft_id
        imported = page.request.get(f"/api/v1/drafts/{new_id}").json()["document"]
        assert imported["indicators"][0]["value"] == "12000" and imported["project"]["name"] == name

        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(f"#saved-draft-{new_id}").get_by_role("button", name="删除").click()
        page.wait_for_selector(f"#saved-draft-{new_id}", state="detached")
        assert row_of(page, name).count() == 1
        assert page.request.get(f"/api/v1/drafts/{new_id}").status == 404


def drafted_for_pasting(page, name: str) -> None:
    """A draft of `name` on the page, the clipboard open to it as to a person's Ctrl+C and Ctrl+V."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/draft")
    page.get_by_label("项目名称").fill(name)
    page.get_by_label("预算金额", exact=True).fill("100")
    page.get_by_role("button", name="生成草稿").click()
    page.wait_for_selector("#draft-form table.draft-table")


def test_rows_copied_in_a_spreadsheet_are_pasted_into_the_draft(browser, base_url):
    """Cells copied in Excel or WPS reach the clipboard as tab-separated lines; pasted into the box with
    Ctrl+V, they become rows of the table and are checked with the rest."""
    copied = ("一级指标\t二级指标\t三级指标\t指标值\r\n产出指标\t数量指标\t新装路灯数量\t≥120盏\r\n"
              "\t时效指标\t故障修复及时率\t≥95%\r\n满意度指标\t服务对象满意度指标\t市民满意度\t≥90%\r\n")
    with fresh_browser(browser, base_url) as page:
        drafted_for_pasting(page, "城区路灯维护（粘贴）")
        rows = page.locator("table.draft-table tbody tr[data-row]")
        before = rows.count()
        page.evaluate("text => navigator.clipboard.writeText(text)", copied)
        page.get_by_text("从 Excel / WPS 粘贴指标行").click()
        box = page.get_by_label("在 Excel 或 WPS 中选中指标行复制", exact=False)
        box.focus()
        page.keyboard.press("Control+V")
        assert "\t" in box.input_value()
        page.get_by_role("button", name="添加到指标表").click()
        page.wait_for_function(f"document.querySelectorAll('table.draft-table tbody tr[data-row]').length > {before}")
        assert rows.count() == before + 3
        assert [rows.nth(before + n).locator("input[name=name]").input_value() for n in range(3)] == [
            "新装路灯数量", "故障修复及时率", "市民满意度"]
        assert "已从粘贴的表格添加 3 个指标" in page.locator(".notice").first.inner_text()
        shot(page, "draft-pasted-rows")


def test_last_years_form_pasted_on_the_first_page_becomes_the_draft(browser, base_url):
    form = ("项目支出绩效目标申报表（2025年度）\r\n项目名称\t城区路灯维护（去年）\t主管部门\t市城市管理局\r\n"
            "年度资金总额（万元）\t100\r\n年度绩效目标\t维修路灯3200盏，亮灯率不低于98%。\r\n"
            "一级指标\t二级指标\t三级指标\t指标值\r\n产出指标\t数量指标\t维修路灯数量\t≥3200盏\r\n"
            "\t质量指标\t亮灯率\t≥98%\r\n")
    with fresh_browser(browser, base_url) as page:
        page.goto("/draft")
        page.get_by_text("已有申报表？从 Excel / WPS 粘贴").click()
        page.get_by_label("在 Excel 或 WPS 中选中整张申报表").fill(form)
        page.get_by_role("button", name="按粘贴的表格生成草稿").click()
        page.wait_for_selector("#draft-form table.draft-table")
        assert page.locator("#p_name").input_value() == "城区路灯维护（去年）"
        assert page.locator("#goal").input_value() == "维修路灯3200盏，亮灯率不低于98%。"
        rows = page.locator("table.draft-table tbody tr[data-row]")
        assert [rows.nth(n).locator("input[name=name]").input_value() for n in range(rows.count())] == [
            "维修路灯数量", "亮灯率"]
        page.wait_for_selector("#findings")


def test_values_and_units_copied_in_a_spreadsheet_paste_down_the_drafts_table(browser, base_url):
    with fresh_browser(browser, base_url) as page:
        drafted_for_pasting(page, "城区路灯维护（粘贴值）")
        errors = page.locator("#findings .sev.error").first.inner_text()
        page.evaluate("text => navigator.clipboard.writeText(text)", "3200\t盏\r\n98\t%\r\n")
        page.locator("#ind-0-value").focus()
        page.keyboard.press("Control+V")
        assert [page.locator(f"#ind-{n}-{f}").input_value() for n in (0, 1) for f in ("value", "unit")] == [
            "3200", "盏", "98", "%"]
        assert page.locator("#paste-status").inner_text() == "已粘贴 4 格"
        # the table is checked again with the pasted values: row 1's missing value is no longer an error
        page.wait_for_function("was => document.querySelector('#findings .sev.error').innerText !== was", arg=errors)



def test_the_add_box_searches_with_the_drafts_project_in_mind(browser, base_url):
    """Typing 满意度 into 添加指标 in a street-lighting draft lists the lighting survey first, as the search page
    does with the project filled in (the box sends the project's fields along)."""
    with fresh_browser(browser, base_url) as page:
        drafted_for_pasting(page, "城区路灯维护（添加）")
        with page.expect_response(lambda r: "/draft/search" in r.url) as answered:
            page.locator("#add_q").fill("满意度")
        assert "p_name=" in answered.value.url
        page.wait_for_selector("#add-results li")
        first = page.locator("#add-results li .muted").first.inner_text()
        assert first.rsplit("·", 1)[-1].strip() == "城市道路照明", first
