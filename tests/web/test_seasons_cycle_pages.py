"""The pages of an approved goal's year, checked as parsed HTML: the season's monitoring by warning,
entering a project's actuals (kept, or shown again with why when they cannot be taken), the workbook
uploaded, self-evaluation by grade, results with the department summary, and a library indicator's
usage by approved goals."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import Session

from kb import store
from kb.accounts import User
from kb.reviews import ReviewProject
from services import reviews
from tests.conftest import PASSWORD, bearer
from tests.cycle_documents import greening, meals
from tests.department_forms import GREENING_ROWS, national_form, plain
from tests.word_documents import Table, docx_bytes
from web.app import create_app

HTML = {"accept": "text/html"}


def sign_in(c: TestClient, name: str) -> str:
    r = c.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/", headers=HTML).text).group(1)


@pytest.fixture(scope="module")
def browser(kb_settings, users):
    c = TestClient(create_app(kb_settings))
    c.csrf = sign_in(c, "审核员乙")
    return c


def page(c, url, status=200) -> BeautifulSoup:
    r = c.get(url, headers=HTML)
    assert r.status_code == status, r.text[:800]
    return BeautifulSoup(r.text, "html.parser")


@pytest.fixture
def season(client, users):
    """A season of two approved projects (greening, meals) filed and decided through the API."""
    headers = bearer(users["reviewer"])
    doc = greening()
    doc["project"]["name"] = "城区道路绿化提升工程（页面）"
    r = client.post("/api/v1/reviews", json={"name": "2025年项目绩效目标（页面）", "documents": [doc, meals()]},
                    headers=headers)
    rid = r.json()["id"]
    ids = [p["id"] for p in client.get(f"/api/v1/reviews/{rid}?sort=seq", headers=headers).json()["projects"]]
    for pid in ids:
        client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": "通过", "note": ""}, headers=headers)
    return rid, ids


def test_monitoring_entered_on_the_page_is_listed_by_warning(browser, season):
    rid, (green, meal) = season
    soup = page(browser, f"/reviews/{rid}/monitoring")
    assert [tr["data-status"] for tr in soup.select("table.monitoring-table tbody tr")] == ["未填报", "未填报"]
    assert soup.select_one(f'a[href="/api/v1/reviews/{rid}/monitoring.xlsx"]')
    form = page(browser, f"/reviews/{rid}/projects/{green}/monitoring").select_one("form.cycle-entry")
    assert [i["name"] for i in form.select("input[name^=actual_]")] == [f"actual_{n}" for n in range(6)]
    data = {"csrf_token": browser.csrf, "as_of": "2025-07-31", "spent": "120", "actual_0": "1500"}
    r = browser.post(f"/reviews/{rid}/projects/{green}/monitoring", data=data, headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    soup = page(browser, r.headers["location"])
    assert soup.select_one("#saved-notice") and soup.select_one("#overall-status").text == "预警"
    assert "MON_SPEND_LAG" in [li["data-code"] for li in soup.select(".monitor-result li[data-code]")]
    assert soup.select_one("#spent")["value"] == "120.0" and soup.select_one("#actual_0")["value"] == "1500"
    # a date that does not exist: nothing stored, the form comes back with what was typed and why
    data = {**data, "as_of": "2025-02-30", "actual_0": "1600"}
    r = browser.post(f"/reviews/{rid}/projects/{meal}/monitoring", data=data, headers=HTML)
    assert r.status_code == 422
    soup = BeautifulSoup(r.text, "html.parser")
    assert "2025-02-30" in soup.select_one("#entry-problems").text and soup.select_one("#actual_0")["value"] == "1600"
    rows = page(browser, f"/reviews/{rid}/monitoring").select("table.monitoring-table tbody tr")
    assert [(int(tr["data-project"]), tr["data-status"]) for tr in rows] == [(green, "预警"), (meal, "未填报")]
    assert "落后 28.08 个百分点" in rows[0].text


def test_a_filled_workbook_is_uploaded_from_the_monitoring_page(browser, season):
    rid, (green, meal) = season
    wb = load_workbook(io.BytesIO(browser.get(f"/api/v1/reviews/{rid}/actuals.xlsx").content))
    ws = wb["实际完成值"]
    ws["L2"], ws["O2"], ws["L8"], ws["O8"] = 1500, 300, 3900, 300
    buf = io.BytesIO()
    wb.save(buf)
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML,
                     data={"csrf_token": browser.csrf, "kind": "monitoring", "as_of": "2025-07-31"},
                     files={"files": ("监控填报表.xlsx", buf.getvalue())})
    assert r.status_code == 200
    soup = BeautifulSoup(r.text, "html.parser")
    assert "已导入 2 个项目" in soup.select_one("#import-result").text
    # 300 of 400 and of 480 spent by 58.08% of the year: ahead; trees 75%, pupils 97.5%: both 正常
    assert {tr["data-status"] for tr in soup.select("table.monitoring-table tbody tr")} == {"正常"}


def test_evaluation_and_results_on_the_page(browser, season, users):
    rid, (green, meal) = season
    values = {"actual_0": "1800", "actual_1": "96%", "actual_2": "2025年10月31日", "actual_3": "1600",
              "actual_4": "99.5", "actual_5": "部分达成", "reason_0": "拆迁延后", "reason_4": "施工",
              "reason_5": "未完工"}
    r = browser.post(f"/reviews/{rid}/projects/{green}/evaluation", headers=HTML, follow_redirects=False,
                     data={"csrf_token": browser.csrf, "spent": "360", **values})
    assert r.status_code == 303
    soup = page(browser, r.headers["location"])
    assert soup.select_one("#evaluation-score").text == "91.57" and soup.select_one("#evaluation-grade").text == "优"
    assert [li["data-code"] for li in soup.select(".evaluation-result li[data-code]")] == ["EVAL_REASON_MISSING"]
    browser.post(f"/reviews/{rid}/projects/{meal}/evaluation", headers=HTML,
                 data={"csrf_token": browser.csrf, "spent": "240", "actual_0": "2000", "actual_1": "100",
                       "actual_2": "5", "actual_3": "0.5", "actual_4": "45%"})
    soup = page(browser, f"/reviews/{rid}/evaluation")
    assert [tr.select_one(".grade-chip").text for tr in soup.select("table.evaluation-table tbody tr")] == ["优", "中"]
    form = soup.select_one("#results-form")
    assert form.select_one("#mode-bands").has_attr("checked")
    r = browser.post(f"/reviews/{rid}/results", headers={**HTML, "hx-request": "true"},
                     data={"csrf_token": browser.csrf, "mode": "bands"})
    soup = BeautifulSoup(r.text, "html.parser")
    assert soup.select_one("#cycle-results") and soup.select_one("#suggested-total").text == "832.0"
    departments = {tr.td.text: tr.select("td")[-1].text for tr in soup.select(".department-summary tbody tr")}
    assert departments == {"市城市管理局": "0.0", "县教育局": "-48.0"}
    r = browser.post(f"/reviews/{rid}/results", headers={**HTML, "hx-request": "true"},
                     data={"csrf_token": browser.csrf, "mode": "rank", "quota_优": "50", "quota_良": "50",
                           "quota_中": "0", "quota_差": "0"})
    grades = [tr.select_one(".grade-chip").text for tr in
              BeautifulSoup(r.text, "html.parser").select(".result-projects tbody tr")]
    assert grades == ["优", "良"]
    r = browser.post(f"/reviews/{rid}/results", headers={**HTML, "hx-request": "true"},
                     data={"csrf_token": browser.csrf, "mode": "rank", "quota_优": "50"})
    assert r.status_code == 422 and "之和应为 1" in r.text


def test_a_departments_own_self_evaluation_in_word_is_uploaded_from_the_evaluation_page(browser, season):
    rid, (green, meal) = season
    soup = page(browser, f"/reviews/{rid}/evaluation")
    assert ".docx" in soup.select_one("#import-file")["accept"]
    form = national_form("城区道路绿化提升工程（页面）", "市城市管理局", GREENING_ROWS)
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML, data={"csrf_token": browser.csrf,
                                                                            "kind": "evaluation"},
                     files={"files": ("绿化自评表.docx", docx_bytes("项目支出绩效自评表", Table(plain(form))))})
    assert r.status_code == 200
    soup = BeautifulSoup(r.text, "html.parser")
    assert "已导入 1 个项目" in soup.select_one("#import-result").text
    rows = {int(tr["data-project"]): tr.select_one(".grade-chip") for tr in soup.select("table.evaluation-table tbody tr")}
    assert rows[green].text == "优" and rows[meal] is None   # 91.57, as typed into the project's form
    assert soup.select_one("#import-notes") is None
    renamed = national_form("道路绿化（页面）", "市城市管理局", GREENING_ROWS)   # placed by its rows, and said so
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML, data={"csrf_token": browser.csrf,
                                                                            "kind": "evaluation"},
                     files={"files": ("改名的自评表.docx", docx_bytes(Table(plain(renamed))))})
    soup = BeautifulSoup(r.text, "html.parser")
    assert "已导入 1 个项目" in soup.select_one("#import-result").text
    assert "『城区道路绿化提升工程（页面）』不一致" in soup.select_one("#import-notes").text
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML, data={"csrf_token": browser.csrf,
                                                                            "kind": "evaluation"},
                     files={"files": ("通知.docx", docx_bytes("关于开展2025年度绩效自评工作的通知"))})
    assert "项目支出绩效自评表" in BeautifulSoup(r.text, "html.parser").select_one("#import-result").text
    # several files at once: the notice beside a form holds the form back no more
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML, data={"csrf_token": browser.csrf,
                                                                            "kind": "evaluation"},
                     files=[("files", ("通知.docx", docx_bytes("关于开展2025年度绩效自评工作的通知"))),
                            ("files", ("绿化自评表.docx", docx_bytes(Table(plain(form)))))])
    result = BeautifulSoup(r.text, "html.parser").select_one("#import-result").text
    assert "已导入 1 个项目" in result and "通知.docx：" in result


def test_a_departments_self_evaluation_copied_out_of_a_spreadsheet_is_pasted_on_the_evaluation_page(browser, season):
    rid, (green, _) = season
    form = national_form("城区道路绿化提升工程（页面）", "市城市管理局", GREENING_ROWS)
    copied = "\r\n".join("\t".join("" if v is None else str(v) for v in row) for row in plain(form))
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML,
                     data={"csrf_token": browser.csrf, "kind": "evaluation", "paste": copied})
    soup = BeautifulSoup(r.text, "html.parser")
    assert r.status_code == 200 and "已导入 1 个项目" in soup.select_one("#import-result").text
    rows = {int(tr["data-project"]): tr.select_one(".grade-chip") for tr in soup.select("table.evaluation-table tbody tr")}
    assert rows[green].text == "优"
    r = browser.post(f"/reviews/{rid}/actuals/import", headers=HTML,
                     data={"csrf_token": browser.csrf, "kind": "evaluation"})
    assert "没有收到文件" in BeautifulSoup(r.text, "html.parser").select_one("#import-result").text


def test_a_department_user_enters_only_its_own_projects(kb_settings, season):
    rid, (green, _) = season
    c = TestClient(create_app(kb_settings))
    csrf = sign_in(c, "教育局丙")
    soup = page(c, f"/reviews/{rid}/projects/{green}/monitoring")
    assert soup.select_one("form.cycle-entry") is None and "只能由该部门或审核人填报" in soup.text
    r = c.post(f"/reviews/{rid}/projects/{green}/monitoring", headers=HTML,
               data={"csrf_token": csrf, "as_of": "2025-07-31", "spent": "1"})
    assert r.status_code == 403
    assert page(c, f"/reviews/{rid}/evaluation").select_one("#results-form") is None  # results are a reviewer's
    assert TestClient(create_app(kb_settings)).get(f"/reviews/{rid}/monitoring", headers=HTML,
                                                  follow_redirects=False).status_code in (302, 303, 307)


def test_an_indicators_page_shows_how_approved_goals_used_it(browser, client, users, engine):
    """Two approved goals use a library indicator (by name, and by code with its target in 万 of the unit
    when the unit allows): the count and the spread of their targets, in the library's unit."""
    with Session(engine) as session:
        taken = {ind["name"] for doc in (greening(), meals()) for ind in doc["indicators"]}  # used by other tests
        indicator = next(i for i in store.all_indicators(session)
                         if i.unit in ("人", "人次", "个", "户", "次") and i.name not in taken)
    headers = bearer(users["reviewer"])
    docs = []
    for n, (value, code) in enumerate((("≥120", None), ("≥80", indicator.code), ("≥100", None))):
        doc = meals()
        doc["project"]["name"] = f"指标使用情况测试项目{n}{indicator.code}"
        doc["indicators"][0].update(name=indicator.name, value=value, unit=indicator.unit, code=code)
        if code:
            doc["indicators"][0]["name"] = "另一种写法"
        docs.append(doc)
    rid = client.post("/api/v1/reviews", json={"name": "指标使用情况", "documents": docs}, headers=headers).json()["id"]
    ids = [p["id"] for p in client.get(f"/api/v1/reviews/{rid}?sort=seq", headers=headers).json()["projects"]]
    for pid in ids[:2]:  # the third is not approved: it does not count
        client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": "通过", "note": ""}, headers=headers)
    soup = page(browser, f"/indicators/{indicator.code}")
    assert soup.select_one(f'[hx-get="/indicators/{indicator.code}/usage"]')
    usage = page(browser, f"/indicators/{indicator.code}/usage")
    assert usage.select_one("#indicator-usage h2").text == "历年使用情况"
    assert "2 个已批复的项目" in usage.text
    assert re.search(r"最低 80(\.0)? · 中位 100(\.0)? · 最高 120(\.0)?", usage.text), usage.text
    body = client.get(f"/api/v1/indicators/{indicator.code}/usage").json()
    assert (body["projects"], body["seasons"], body["evaluated"]) == (2, 1, 0)
    assert body["targets"] == {"min": 80, "median": 100, "max": 120, "count": 2} and body["actuals"] is None
    assert client.get("/api/v1/indicators/NO-SUCH/usage").status_code == 404


def test_a_large_season_is_listed_a_page_at_a_time(browser, engine):
    reviewer = User(name="审核员乙", role="reviewer")
    docs = []
    for n in range(101):
        doc = meals()
        doc["project"]["name"] = f"营养改善分项目{n:03d}"
        docs.append((f"documents[{n}]", doc))
    review = reviews.file_review(engine, name="分页测试", items=docs, problems=[], user=reviewer, limit=200)
    with Session(engine) as session:  # approved in bulk: the decisions are not what is tested here
        session.exec(update(ReviewProject).where(ReviewProject.review_id == review.id).values(status="通过"))
        session.commit()
    soup = page(browser, f"/reviews/{review.id}/monitoring?department=县教育局")
    assert len(soup.select("table.monitoring-table tbody tr")) == 100
    assert "共 101 个" in soup.select_one("nav.pager").text
    following = soup.select_one('nav.pager a[rel="next"]')["href"]
    assert "department=" in following and following.endswith("offset=100")
    soup = page(browser, following)
    assert [tr.a.text for tr in soup.select("table.monitoring-table tbody tr")] == ["营养改善分项目100"]
    assert soup.select_one('nav.pager a[rel="prev"]') and not soup.select_one('nav.pager a[rel="next"]')
    soup = page(browser, f"/reviews/{review.id}/evaluation?offset=100")
    assert len(soup.select("table.evaluation-table tbody tr")) == 1
