"""A review season end to end in a real browser (Debian's chromium driven by Playwright, a real
uvicorn server with its background worker): sign in as a reviewer, file a season from a workbook and
a JSON file, follow the progress, filter the list, return a project for revision, take its
resubmission, download the season's workbook and print the 审核意见书. Every request outside the
server is blocked. Screenshots go to artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.web.browser_kit import NEEDS_CHROMIUM, chinese, fits_the_laptop, new_page, shot
from tests.web.browser_kit import sign_in as kit_sign_in
from tests.web.season_documents import BROKEN, many, nutrition, nutrition_revised, workbook

pytestmark = NEEDS_CHROMIUM
SEASON = "2027年部门预算项目绩效目标审核（浏览器）"
PROJECTS = 400  # enough that the check runs in the background for a moment


@pytest.fixture
def page(browser, base_url):
    with new_page(browser, base_url, timezone_id="Europe/London") as pg:  # the server shows Beijing time
        yield pg


def sign_in(pg, target: str) -> None:
    """Sign in as the reviewer."""
    kit_sign_in(pg, "审核员乙", target)


def beijing_now() -> datetime:
    return datetime.now(UTC) + timedelta(hours=8)


def shows_beijing_time(text: str) -> bool:
    """Every time on the page is Beijing time (the browser itself is on London time): within a few
    minutes of now in UTC+8."""
    times = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    now = beijing_now().replace(tzinfo=None)
    return bool(times) and all(abs(datetime.strptime(t, "%Y-%m-%d %H:%M") - now) < timedelta(minutes=10)
                               for t in times)


def test_a_season_filed_reviewed_resubmitted_and_exported(page, tmp_path):
    page.goto("/reviews")
    page.wait_for_url("**/login?next=%2Freviews")  # signing in comes first
    sign_in(page, "/reviews")
    assert page.locator("nav a[aria-current=page]").inner_text() == "审核绩效目标"
    shot(page, "seasons")

    # file: one workbook with two projects, one JSON file with many more (one repeated, one broken)
    sheet = tmp_path / "县教育局.xlsx"
    sheet.write_bytes(workbook(nutrition(), many(2)[1]))
    docs = tmp_path / "各部门.json"
    docs.write_text(json.dumps({"documents": many(PROJECTS) + [many(1)[0], BROKEN]}, ensure_ascii=False),
                    encoding="utf-8")
    page.get_by_label("批次名称").fill(SEASON)
    page.get_by_label("申报文件（可多选）").set_input_files([str(sheet), str(docs)])
    page.get_by_role("button", name="上传并建立批次").click()
    page.wait_for_url(re.compile(r"/reviews/\d+$"))
    season_url = page.url
    assert page.locator("h1").inner_text() == SEASON

    # the check runs in the background: its progress shows, and survives a reload
    progress = page.locator("#season-progress")
    progress.wait_for()
    assert "已检查" in progress.inner_text() and f"/ {PROJECTS + 3} 个项目" in progress.inner_text()
    shot(page, "season-progress")
    page.reload()
    page.wait_for_selector("#season-progress, table.season-table")
    page.wait_for_selector("table.season-table tbody tr", timeout=120_000)  # swapped in when done
    total = PROJECTS + 3  # and the workbook's two; the broken one is listed as a problem
    assert page.locator(".season-count").inner_text().startswith(f"共 {total} 个项目")
    assert page.locator("table.season-table tbody tr").count() == 50
    assert "1 处文件内容无法读取" in page.locator(".season-problems-notice").inner_text()
    assert shows_beijing_time(page.locator(".season-meta").inner_text())
    assert fits_the_laptop(page)
    chinese(page)
    shot(page, "season")

    # filter by grade: the list and the address follow, each row is 差
    page.locator("#f-grade").select_option("差")
    page.wait_for_url(re.compile(r"grade=%E5%B7%AE"))
    page.wait_for_function("document.querySelector('.season-count').textContent.indexOf('符合筛选条件') > 0")
    grades = page.locator("table.season-table tbody tr .grade-chip").all_inner_texts()
    assert grades and set(grades) == {"差"}
    # sort by score through the column header, then page on: the filter stays
    page.locator("table.season-table thead th a", has_text="得分").click()
    page.wait_for_url(re.compile(r"sort=score"))
    assert page.locator("table.season-table thead th[aria-sort]").inner_text().startswith("得分")
    page.go_back()
    page.wait_for_url(re.compile(r"grade=%E5%B7%AE$"))
    page.wait_for_function("document.querySelector('table.season-table th[aria-sort]').textContent.trim() === '序号'")
    page.locator("#f-grade").select_option("")
    page.wait_for_url(season_url)
    page.locator("#f-dup").check()  # duplicates are flagged: the workbook's second project came twice, and one more
    page.wait_for_url(season_url + "?duplicates=1")
    page.wait_for_function("document.querySelectorAll('table.season-table tbody tr').length === 2")
    assert page.locator("table.season-table tbody tr a.tag.dup").all_inner_texts() == ["疑似重复"] * 2
    page.goto(season_url)

    # open a project and return it for revision with a note
    page.get_by_role("link", name="学生营养餐（抽查样本）").click()
    page.wait_for_url("**/projects/*")
    project_url = page.url
    assert page.locator(".project-findings tr.finding[data-code=GOAL_MISSING]").count() == 1
    page.get_by_label("退回修改").check()
    page.get_by_label("审核意见说明").fill("请填写年度绩效目标；受益学生人数写明具体数量。")
    page.get_by_role("button", name="保存审核意见").click()
    page.wait_for_selector("#decision .notice.ok")
    assert page.locator("#decision .status-chip").first.inner_text() == "退回修改"
    assert shows_beijing_time(page.locator("#decision .decisions").inner_text())
    page.reload()  # kept on the server
    assert page.get_by_label("审核意见说明").input_value() == "请填写年度绩效目标；受益学生人数写明具体数量。"
    assert fits_the_laptop(page)
    chinese(page)
    shot(page, "season-project")

    # the department sends a corrected document: checked again, what changed is shown
    revised = tmp_path / "学生营养餐（修改稿）.json"
    revised.write_text(json.dumps(nutrition_revised(), ensure_ascii=False), encoding="utf-8")
    page.get_by_label("修改后的申报表或 JSON").set_input_files(str(revised))
    page.get_by_role("button", name="提交修改稿并重新检查").click()
    changes = page.locator("#changes")
    changes.wait_for()
    assert changes.locator(".change-list.resolved li[data-code=GOAL_MISSING]").count() == 1
    assert changes.locator(".change-list.resolved li[data-code=IND_VALUE_VAGUE]").count() == 1
    assert changes.locator(".change-list.new li[data-code=IND_UNIT_MISSING]").count() == 1
    assert page.locator("#decision .status-chip").first.inner_text() == "待审"
    assert page.locator(".versions li").count() == 2
    chinese(page)
    shot(page, "season-resubmitted")
    page.get_by_label("通过").check()
    page.get_by_label("审核意见说明").fill("已按意见修改，同意。")
    page.get_by_role("button", name="保存审核意见").click()
    page.wait_for_selector("#decision .notice.ok")

    # the printable 审核意见书: a title block, findings by category, the decision; no navigation on paper
    page.get_by_role("link", name="审核意见书（打印）").click()
    page.wait_for_url("**/opinion")
    assert page.locator(".title-block h1").inner_text().replace(" ", "") == "预算绩效目标审核意见书"
    assert page.locator(".opinion-category h3", has_text="细化量化").count() == 1
    assert "审核通过" in page.locator(".conclusion").inner_text()
    assert beijing_now().strftime("%Y年%m月%d日") in page.locator(".opinion-fields").inner_text()
    chinese(page)
    shot(page, "opinion")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible() and not page.locator(".breadcrumb").is_visible()
    assert not page.locator("button[data-print]").is_visible() and not page.locator(".print-title").is_visible()
    assert page.locator(".title-block").is_visible()
    shot(page, "opinion-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 2  # a page or two
    page.emulate_media(media="screen")

    # the season's workbook comes from the server, with the decision in it
    page.goto(project_url)
    page.locator(".breadcrumb a").nth(1).click()
    page.wait_for_selector("table.season-table")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出整批审核报告（Excel）").click()
    assert download.value.suggested_filename == f"{SEASON}-审核报告.xlsx"
    wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == total
    header = [c.value for c in wb["汇总"][1]]
    sample = next(r for r in rows if r[1] == "学生营养餐（抽查样本）")
    assert sample[header.index("审核状态")] == "通过" and sample[header.index("版本")] in (2, "2")

    # the 问题案例汇编 of the season
    page.get_by_role("link", name="问题案例汇编").click()
    page.wait_for_url("**/problems")
    assert page.locator("table.problems-table tbody tr").count() >= 3
    assert page.locator("section.case .examples li a").count() >= 3
    chinese(page)
    shot(page, "season-problems")


def test_the_quick_check_saves_its_upload_as_a_season(page, tmp_path):
    sign_in(page, "/review")
    upload = tmp_path / "两个项目.json"
    upload.write_text(json.dumps([nutrition(), many(2)[1]], ensure_ascii=False), encoding="utf-8")
    page.get_by_label("选择文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传并审核").click()
    page.wait_for_selector(".summary-table tbody tr")
    page.locator(".report button.save-season").click()  # the files chosen above go to the server
    page.wait_for_url(re.compile(r"/reviews/\d+$"))
    page.wait_for_selector("table.season-table tbody tr")
    assert page.locator("h1").inner_text().startswith("两个项目.json")
    names = page.locator("table.season-table tbody th > a:first-child").all_inner_texts()
    assert names == ["学生营养餐（抽查样本）", many(2)[1]["project"]["name"]]
