"""End-to-end in a real browser: Debian's chromium driven by Playwright, against a real uvicorn
server over the fixture knowledge base. Saves a screenshot of each main page to
artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import json
import re

import pytest

from indicators import goal_template
from indicators.goals import GoalDocument
from tests.web.browser_kit import LAPTOP, NEEDS_CHROMIUM, fits_the_laptop, new_page, serve, shot
from web.app import create_app

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser, base_url):
    with new_page(browser, base_url, block_outside=False) as pg:
        yield pg


def test_search_as_you_type_then_open_an_indicator(page):
    page.goto("/")
    page.locator("#q").press_sequentially("路灯", delay=50)
    page.wait_for_selector("ol.hits li.hit h2 mark")
    assert "q=%E8%B7%AF%E7%81%AF" in page.url  # the URL follows the search, for back and bookmarks
    assert page.locator("ol.hits li.hit h2 mark").first.inner_text() == "路灯"
    page.locator("input[name=level1][value=满意度指标]").check()
    page.wait_for_function("document.querySelectorAll('ol.hits li.hit').length === 1")
    page.locator("input[name=level1][value='']").check()
    page.wait_for_function("document.querySelectorAll('ol.hits li.hit').length > 1")
    assert fits_the_laptop(page)
    shot(page, "search")
    first = page.locator("ol.hits li.hit h2 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/indicators/*")
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator(".similar-list a").count() > 0
    shot(page, "indicator")


def test_the_project_and_its_function_code_reorder_and_narrow_the_results(page):
    page.goto("/?q=满意度")
    page.wait_for_selector("ol.hits li.hit")
    first_direction = "document.querySelector('ol.hits li.hit .path a').textContent"
    assert page.evaluate(first_direction) != "城市道路照明"
    page.locator("#project").fill("城区路灯维护")
    page.locator("#project").press("Tab")  # a change, as a person leaves the field
    page.wait_for_function(f"{first_direction} === '城市道路照明'")
    assert "project=" in page.url
    page.locator("#function_code").fill("2050202")
    page.locator("#function_code").press("Enter")
    page.wait_for_function("[...document.querySelectorAll('ol.hits li.hit .path a')]"
                           ".every(a => a.textContent === '学生营养改善计划')")


def test_slash_key_jumps_to_the_search_box_and_tab_reaches_the_skip_link(page):
    page.goto("/browse")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.goto("/?q=学生")
    page.locator("body").click(position={"x": 5, "y": 700})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_draft_then_fix_a_value_and_its_finding_disappears(page):
    page.goto("/draft?direction=2120101")
    page.get_by_label("项目名称").fill("城市路灯维护")
    page.get_by_label("预算金额", exact=True).fill("300")
    page.get_by_role("button", name="生成草稿").click()
    page.wait_for_selector("#draft-form table.draft-table")
    missing = page.locator("#findings li.finding[data-code=IND_VALUE_MISSING]").first
    row = int(missing.get_attribute("data-row"))
    assert page.locator(f"#row-{row}-status a").get_attribute("href") == f"#f-row-{row}"
    assert fits_the_laptop(page)
    shot(page, "draft")
    page.fill(f"#ind-{row}-value", "10")
    page.press(f"#ind-{row}-value", "Tab")
    page.wait_for_selector(f"#findings li.finding[data-code=IND_VALUE_MISSING][data-row='{row}']", state="detached")
    assert page.locator(f"#row-{row}-status").inner_text().strip() == "✓"
    # the checked document is kept in this browser once the swap has settled
    page.wait_for_function(f"JSON.parse(localStorage.getItem('kb-draft')).indicators[{row}].value === '10'")

    # Enter in a field refreshes the draft; it must not press the first row's "删除"
    rows = page.locator("tbody tr[id^=row-]").count()
    page.fill("#p_department", "市城管局")
    page.press("#p_department", "Enter")
    page.wait_for_function("document.getElementById('p_department').value === '市城管局'")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr[id^=row-]").count() == rows

    # remove a row, then add one from another page: the draft kept in this browser comes back
    page.get_by_role("button", name="删除第 1 行", exact=False).click()
    page.wait_for_function(f"document.querySelectorAll('tbody tr[id^=row-]').length === {rows - 1}")
    page.wait_for_function("document.activeElement.name === 'remove'")  # focus stays in the table
    page.goto("/draft")
    assert page.get_by_role("button", name="继续编辑上次的草稿").is_visible()
    page.goto("/indicators/2050201-007")
    page.get_by_role("button", name="加入我的草稿").click()
    page.wait_for_selector("#draft-form")
    assert page.locator("#p_name").input_value() == "城市路灯维护"
    names = page.locator("tbody input[name=name]")
    assert names.count() == rows and names.last.input_value() == "受益学生及家长满意度"


def test_draft_adds_indicators_found_by_search(page):
    page.goto("/draft")
    page.get_by_label("项目名称").fill("学生营养改善")
    page.get_by_role("button", name="生成草稿").click()
    page.wait_for_selector("#draft-form")
    before = page.locator("tbody tr[id^=row-]").count()
    page.locator("#add_q").press_sequentially("路灯节电", delay=30)
    page.wait_for_selector("#add-results button[name=add]")
    page.locator("#add-results button[name=add]").first.click()
    page.wait_for_function(f"document.querySelectorAll('tbody tr[id^=row-]').length === {before + 1}")
    page.wait_for_function("document.activeElement.name === 'value'")  # ready to type the new row's target
    assert page.locator("tbody input[name=name]").last.input_value() == "路灯节电率"


def test_upload_spreadsheets_then_sort_the_report_and_offer_to_save_it(page, tmp_path):
    """The quick check reports at once; its report is kept by saving the upload as a season (signed
    in: tests/web/test_browser_seasons.py), not exported from the page."""
    good = {"project": {"name": "城市道路照明维护", "department": "市城管局", "direction": "城市道路照明",
                        "budget": 336}, "goal": "维护路灯12000盏，亮灯率不低于98%。",
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥",
                            "value": "12000", "unit": "盏", "basis": "计划标准"}]}
    vague = {"project": {"name": "学生营养餐", "budget": 500}, "goal": "",
             "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "受益学生人数", "value": "明显提高"}]}
    sheet = tmp_path / "申报表.xlsx"
    sheet.write_bytes(goal_template.goal_workbook([GoalDocument.model_validate(good)]))
    other = tmp_path / "营养餐.json"
    other.write_text(json.dumps(vague, ensure_ascii=False), encoding="utf-8")
    page.goto("/review")
    page.get_by_label("选择文件").set_input_files([str(sheet), str(other)])
    page.get_by_role("button", name="上传并审核").click()
    page.wait_for_selector(".summary-table tbody tr")
    assert page.locator(".summary-table tbody tr").count() == 2
    page.get_by_role("button", name="按错误排序").click()
    page.get_by_role("button", name="按错误排序").click()
    header = page.locator(".summary-table th[aria-sort]")
    assert header.get_attribute("aria-sort") == "descending"
    assert page.locator(".summary-table tbody tr th").first.inner_text() == "学生营养餐"
    assert fits_the_laptop(page)
    shot(page, "review")
    assert page.get_by_role("button", name="导出审核报告（Excel）").count() == 0
    page.locator("#report .actions a", has_text="登录").click()  # to save the upload as a season
    page.wait_for_url("**/login?next=/review")


def test_a_word_table_an_old_excel_form_and_a_pdf_are_checked_like_the_template(page, tmp_path):
    """What departments actually send: a 绩效目标表 written in Word, the bureau's old .xls form, and a form
    printed to PDF."""
    from tests.pdf_documents import pdf_bytes
    from tests.word_documents import Table, docx_bytes
    from tests.xls_workbooks import xls_bytes

    rows = [("项目名称", "城区路灯维护"), ("年度资金总额（万元）", "100"), ("年度目标", "维修路灯3200盏，亮灯率不低于98%。"),
            ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "维修路灯数量", "≥3200盏"),
            ("效益指标", "社会效益指标", "亮灯率", "≥98%")]
    word = tmp_path / "路灯维护.docx"
    word.write_bytes(docx_bytes("2025年度项目支出绩效目标表", Table(rows)))
    old = tmp_path / "公厕保洁.xls"
    old.write_bytes(xls_bytes({"目标表": [("项目名称", "公厕保洁"), *rows[1:]]}))
    printed = tmp_path / "垃圾清运.pdf"
    printed.write_bytes(pdf_bytes("2025年度项目支出绩效目标表", Table([("项目名称", "垃圾清运"), *rows[1:]])))
    page.goto("/review")
    page.get_by_label("选择文件").set_input_files([str(word), str(old), str(printed)])
    page.get_by_role("button", name="上传并审核").click()
    page.wait_for_selector(".summary-table tbody tr")
    names = page.locator(".summary-table tbody tr th").all_inner_texts()
    assert sorted(names) == sorted(["公厕保洁", "城区路灯维护", "垃圾清运"])
    shot(page, "review-word-xls-and-pdf")


@pytest.mark.parametrize("name,url", [("browse", "/browse"), ("direction", "/browse/2050201"),
                                      ("library", "/library"), ("draft-start", "/draft"),
                                      ("error", "/indicators/NOPE-1")])
def test_main_pages_fit_a_laptop_screen(page, name, url):
    page.goto(url)
    assert page.locator("h1").count() == 1 and fits_the_laptop(page)
    shot(page, name)


def test_an_upload_over_the_size_limit_gets_a_readable_message(browser, kb_settings, tmp_path):
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"project": {"name": "x" * 200}, "goal": "很长" * 20_000, "indicators": []}))
    with serve(create_app(kb_settings.model_copy(update={"max_body_bytes": 50_000}))) as url:
        context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=url)
        pg = context.new_page()
        pg.goto("/review")
        pg.get_by_label("选择文件").set_input_files(str(big))
        pg.get_by_role("button", name="上传并审核").click()
        alert = pg.locator("#report [role=alert]")
        alert.wait_for()
        assert "413" in alert.inner_text() and "超过 0.05 MB 的上限" in alert.inner_text()
        context.close()


def test_the_api_docs_render_with_no_way_out(page, base_url):
    """Swagger UI loads from the app itself and lists the operations, with every outside request blocked."""
    outside = []
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: (outside.append(route.request.url),
                                                                                  route.abort()))
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/search" in p for p in paths)
    assert outside == []
    shot(page, "docs")


def test_copy_picked_rows_pastes_as_a_table_and_print_drops_the_navigation(browser, base_url):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=base_url,
                                  permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    try:
        pg.goto("/?q=路灯")
        button = pg.locator("button.copy-rows")
        assert button.is_visible()
        picks = pg.locator("ol.hits input.pick")
        assert picks.count() >= 2
        picks.nth(0).check()
        picks.nth(1).check()
        button.click()
        pg.wait_for_function("document.querySelector('button.copy-rows').textContent.indexOf('已复制') === 0")
        lines = pg.evaluate("navigator.clipboard.readText()").rstrip("\n").split("\n")
        codes = pg.locator("ol.hits li.hit").evaluate_all("els => els.map(e => e.dataset.tsv.split('\\t')[0])")
        assert lines[0].split("\t")[:2] == ["指标编码", "三级指标"]
        assert [line.split("\t")[0] for line in lines[1:]] == codes[:2]
        assert all(len(line.split("\t")) == 8 for line in lines)
        pg.emulate_media(media="print")
        assert not pg.locator("header.site-header").is_visible() and not button.is_visible()
        assert pg.locator(".print-title").is_visible() and "打印于" in pg.locator(".print-title").inner_text()
    finally:
        context.close()
