"""An approved goal's year in a real browser (Debian's chromium driven by Playwright, a real uvicorn server):
a reviewer opens a season's monitoring, enters a project's actuals, sees its warning and the list by
warning, downloads the 绩效监控表, self-evaluates the projects, and applies the results; a department's own
自评表 in Word is uploaded and scored. Every request
outside the server is blocked. Screenshots go to artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from kb.accounts import User
from kb.reviews import ReviewProject
from services import reviews
from tests.cycle_documents import greening, meals
from tests.department_forms import GREENING_ROWS, national_form, plain
from tests.web.browser_kit import NEEDS_CHROMIUM, chinese, fits_the_laptop, new_page, shot, sign_in
from tests.word_documents import Table, docx_bytes

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser, base_url):
    with new_page(browser, base_url, timezone_id="Europe/London") as pg:
        yield pg


@pytest.fixture(scope="module")
def season(engine, lookup) -> tuple[int, list[int]]:
    """Two projects filed, checked and approved (通过)."""
    reviewer = User(name="审核员乙", role="reviewer")
    green = greening()
    green["project"]["name"] = "城区道路绿化提升工程（浏览器）"
    items = [("documents[0]", green), ("documents[1]", meals())]
    review = reviews.file_review(engine, name="2025年项目绩效目标（浏览器）", items=items, problems=[], user=reviewer,
                                 limit=10)
    reviews.run_checks(engine, lookup, worker="test-browser-cycle", review_id=review.id)
    with Session(engine) as session:
        ids = [p.id for p in session.exec(select(ReviewProject).where(ReviewProject.review_id == review.id)
                                          .order_by(ReviewProject.seq))]
        for pid in ids:
            reviews.decide(session, review_id=review.id, project_id=pid, status="通过", note="", user=reviewer)
    return review.id, ids


def test_monitor_evaluate_and_apply_results_in_the_browser(page, season):
    rid, (green, meal) = season
    target = f"/reviews/{rid}/monitoring"
    sign_in(page, "审核员乙", target)
    assert page.locator("table.monitoring-table tbody tr").count() == 2
    chinese(page)

    # enter the greening project's actuals to the end of July
    page.get_by_role("link", name="城区道路绿化提升工程（浏览器）").click()
    page.get_by_label("截止日期").fill("2025-07-31")
    page.get_by_label("已支出金额").fill("120")
    page.get_by_label("新种植行道树数量").fill("1500")
    page.get_by_role("button", name="保存并计算进度").click()
    page.wait_for_selector("#saved-notice")
    assert page.locator("#overall-status").inner_text() == "预警"
    assert "落后 28.08 个百分点" in page.locator("#monitor-result").inner_text()
    assert fits_the_laptop(page)
    shot(page, "cycle-monitoring-project")

    # the season by warning: the greening project first, then the one not yet monitored
    page.get_by_role("link", name="运行监控").click()
    statuses = page.locator("table.monitoring-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["预警", "未填报"]
    with page.expect_download() as download:
        page.get_by_role("link", name="导出绩效监控表（Excel）").click()
    wb = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert wb["监控汇总"]["L2"].value == "预警"
    assert fits_the_laptop(page)
    shot(page, "cycle-monitoring")

    # year-end self-evaluation of both projects
    for pid, spent, values in ((green, "360", ("1800", "96%", "2025年10月31日", "1600", "99.5", "部分达成")),
                               (meal, "240", ("2000", "100", "5", "0.5", "45%"))):
        page.goto(f"/reviews/{rid}/projects/{pid}/evaluation")
        page.get_by_label("已支出金额").fill(spent)
        for n, value in enumerate(values):
            page.locator(f"#actual_{n}").fill(value)
        page.get_by_role("button", name="保存并评分").click()
        page.wait_for_selector("#saved-notice")
    assert page.locator("#evaluation-score").inner_text() == "66.67"
    page.get_by_role("link", name="绩效自评").first.click()
    page.wait_for_url(re.compile(rf"/reviews/{rid}/evaluation$"))
    grades = page.locator("table.evaluation-table tbody .grade-chip").all_inner_texts()
    assert grades == ["优", "中"]

    # results: Shenzhen's practice by default; the summary comes in place (htmx)
    page.get_by_role("button", name="计算下年度预算建议").click()
    page.wait_for_selector("#suggested-total")
    assert page.locator("#suggested-total").inner_text() == "832.0"
    assert page.url.endswith(f"/reviews/{rid}/evaluation")  # swapped in, not a new page
    chinese(page)
    assert fits_the_laptop(page)
    shot(page, "cycle-results")


def test_cells_copied_in_a_spreadsheet_paste_down_and_across_the_actuals(page, season):
    """A column copied out of Excel fills the boxes below the one pasted into; two columns fill the reason too.
    Nothing is saved: the form is only filled."""
    rid, (green, _) = season
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "审核员乙", f"/reviews/{rid}/projects/{green}/evaluation")
    fourth = page.locator("#actual_3").input_value()  # whatever an earlier test saved stays
    page.evaluate("text => navigator.clipboard.writeText(text)", "1700\r\n95%\r\n2025年11月30日\r\n")
    page.locator("#actual_0").focus()
    page.keyboard.press("Control+V")
    assert [page.locator(f"#actual_{n}").input_value() for n in range(4)] == ["1700", "95%", "2025年11月30日", fourth]
    page.evaluate("text => navigator.clipboard.writeText(text)", '1600\t"苗木供应\n推迟"\r\n')
    page.locator("#actual_3").focus()
    page.keyboard.press("Control+V")
    assert page.locator("#actual_3").input_value() == "1600"
    assert page.locator("input[name=reason_3]").input_value() == "苗木供应推迟"  # a one-line box drops the break
    assert page.locator("#paste-status").inner_text() == "已粘贴 2 格"


def test_enter_moves_down_the_actuals_as_in_a_sheet_and_saves_nothing(page, season):
    rid, (_, meal) = season
    sign_in(page, "审核员乙", f"/reviews/{rid}/projects/{meal}/monitoring")
    url = page.url
    page.locator("#actual_0").fill("1000")
    page.locator("#actual_0").press("Enter")
    assert page.evaluate("document.activeElement.id") == "actual_1"
    page.keyboard.type("98")
    page.keyboard.press("Shift+Enter")
    assert page.evaluate("document.activeElement.id") == "actual_0"
    assert page.locator("#actual_1").input_value() == "98"
    assert page.url == url and page.locator("#saved-notice").count() == 0


def test_a_departments_own_self_evaluation_in_word_is_uploaded_in_the_browser(page, engine, lookup, tmp_path):
    reviewer = User(name="审核员乙", role="reviewer")
    green = greening()
    green["project"]["name"] = "城区道路绿化提升工程（自评表）"
    review = reviews.file_review(engine, name="2025年项目绩效目标（自评表）", items=[("documents[0]", green)],
                                 problems=[], user=reviewer, limit=10)
    with Session(engine) as session:
        (pid,) = [p.id for p in session.exec(select(ReviewProject).where(ReviewProject.review_id == review.id))]
        reviews.decide(session, review_id=review.id, project_id=pid, status="通过", note="", user=reviewer)
    rows = [*GREENING_ROWS, (None, "时效指标", "养护交接及时率", "100%", "100%", 5, 5, None)]   # not approved
    form = tmp_path / "绿化自评表.docx"
    form.write_bytes(docx_bytes("项目支出绩效自评表", Table(plain(national_form(
        "城区道路绿化提升工程（自评表）", "市城市管理局", rows)))))
    sign_in(page, "审核员乙", f"/reviews/{review.id}/evaluation")
    page.get_by_text("或各单位的项目支出绩效自评表").click()
    page.get_by_label("填报表或自评表（.xlsx、.xls、.et、.docx、.pdf 或 .csv，可多选）").set_input_files(str(form))
    page.get_by_role("button", name="上传并评分").click()
    page.wait_for_selector("#import-result")
    result = page.locator("#import-result").inner_text()
    assert "已导入 1 个项目" in result and "养护交接及时率" in result and "表1第19行第6格" in result
    assert page.locator("table.evaluation-table tbody .grade-chip").all_inner_texts() == ["优"]
    chinese(page)
    assert fits_the_laptop(page)
    shot(page, "cycle-self-evaluation-import")
