"""The library page: versions, exports, and an import or restore previewed, then confirmed, by an admin."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kb import accounts
from kb.db import get_engine, session_scope
from services.bootstrap import initialise
from tests.conftest import FIXTURE_LIBRARY, PASSWORD, bearer
from tests.web.html_kit import HTML, HX, fragment, page, soup_of
from web.app import create_app


# ---- the library page -----------------------------------------------------------------------
def test_library_page_lists_versions_with_changes_and_export_links(client):
    soup = page(client, "/library")
    rows = soup.select("#versions tbody tr")
    assert rows and rows[-1].th.get_text() == "第 1 版"
    cells = [td.get_text(strip=True) for td in rows[-1].find_all("td")]
    assert cells[1] == "内置指标库（library）" and cells[2] == "—" and cells[3] == "21" and cells[4] == "21"
    assert soup.select("#versions thead th")[1].get_text() == "时间（北京时间）"
    added = rows[-1].find("details").find_all("a")
    assert len(added) == 21 and added[0]["href"].startswith("/indicators/")
    assert {a["href"] for a in soup.select("a.button[download]")} == {"/library/export.xlsx", "/library/export.csv"}


def test_library_exports_as_xlsx_and_csv(client):
    r = client.get("/library/export.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "指标编码" and ws.max_row == 22
    r = client.get("/library/export.csv")
    assert r.status_code == 200 and r.content.decode("utf-8-sig").splitlines()[0].startswith("指标编码,大类")
    assert client.get("/library/export.pdf", headers=HTML).status_code == 422


def test_only_an_admin_sees_the_import_form_and_the_restore_buttons(client, users):
    soup = page(client, "/library")
    assert soup.find("form", id="import-form") is None and not soup.select(".restore-link")
    who = soup.find(id="import-who")
    assert "只有管理员" in who.get_text() and who.a["href"] == "/login?next=/library"
    soup = soup_of(client.get("/library", headers={**HTML, **bearer(users["reviewer"])}))
    assert soup.find("form", id="import-form") is None
    assert "审核员乙 的角色是审核人" in soup.find(id="import-who").get_text()
    soup = soup_of(client.get("/library", headers={**HTML, **bearer(users["admin"])}))
    form = soup.find("form", id="import-form")
    assert form["enctype"] == "multipart/form-data" and form.find("input", attrs={"name": "replace"})
    assert form.find("input", attrs={"name": "token"}) is None  # no shared token any more
    assert soup.select("#versions thead th")[-1].get_text() == "操作"


def test_import_needs_the_admin_role(client, users):
    files = {"file": ("lib.csv", "指标编码\n".encode(), "text/csv")}
    r = client.post("/library/import", files=files, headers=HX, follow_redirects=False)
    assert r.status_code == 204 and r.headers["hx-redirect"] == "/login?next=%2Flibrary%2Fimport"
    r = client.post("/library/import", files=files, headers={**HX, **bearer(users["reviewer"])})
    assert r.status_code == 403 and "管理员" in fragment(r).find(attrs={"role": "alert"}).get_text()
    for url in ("/library/import/abcdefghijklmnopqrstuvwx/confirm", "/library/versions/1/restore"):
        assert client.post(url, headers={**HX, **bearer(users["department"])}).status_code == 403


@pytest.fixture
def library_client(fresh_settings):
    """A library of its own, and a client signed in as its admin (by API token: no CSRF needed)."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    with session_scope(get_engine(fresh_settings)) as session:
        token = accounts.add_user(session, name="管理员甲", role="admin", password=PASSWORD)[1]
    with TestClient(create_app(fresh_settings), headers=bearer(token)) as c:
        yield c


def test_import_is_previewed_then_confirmed_and_search_serves_it(library_client):
    c = library_client
    wb = load_workbook(io.BytesIO(c.get("/library/export.xlsx").content))
    ws = wb.active
    row = next([c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value == "2120101-002")
    row[0], row[9] = None, "路灯杆体防腐刷漆完成率"
    ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    files = {"file": ("新指标库.xlsx", data.getvalue(), "application/octet-stream")}
    soup = fragment(c.post("/library/import", files=files, headers=HX))
    preview = soup.find(id="library-preview")
    assert "将生成第 2 版" in preview.get_text() and preview.select_one(".count-added").get_text() == "1"
    assert [td.get_text() for td in preview.select("[data-kind=added] td")][1] == "路灯杆体防腐刷漆完成率"
    assert not preview.select(".retire-warning")  # a merge retires nothing
    assert len(soup_of(c.get("/library", headers=HTML)).select("#versions tbody tr")) == 1  # nothing written yet
    confirm = preview.find("form", attrs={"hx-post": re.compile("/confirm$")})
    r = c.post(confirm["hx-post"], headers=HX)
    soup = fragment(r)
    assert r.status_code == 200 and "生成第 2 版" in soup.find(id="library-done").get_text()
    versions = soup.find(id="versions")
    assert versions["hx-swap-oob"] == "true" and versions.select("tbody tr")[0].th.get_text() == "第 2 版"
    assert versions.select("tbody tr")[0].find_all("td")[2].get_text() == "管理员甲"
    hits = soup_of(c.get("/", params={"q": "防腐刷漆"}, headers=HTML)).select("ol.hits li.hit h2 a")
    assert hits[0].get_text() == "路灯杆体防腐刷漆完成率"
    again = c.post(confirm["hx-post"], headers=HX)  # the kept file is gone once imported
    assert again.status_code == 404 and "重新上传" in fragment(again).get_text()


def test_a_replace_preview_warns_how_many_it_retires_and_cancel_writes_nothing(library_client):
    c = library_client
    export = c.get("/library/export.csv").content.decode("utf-8-sig").splitlines()
    one_row = "\n".join([export[0], next(line for line in export if line.startswith("2120101-002,"))]) + "\n"
    r = c.post("/library/import", files={"file": ("一行.csv", one_row.encode("utf-8-sig"), "text/csv")},
               data={"replace": "true"}, headers=HX)
    preview = fragment(r).find(id="library-preview")
    assert preview["data-mode"] == "replace" and preview.select_one(".count-retired").get_text() == "6"
    assert "整表替换将停用 6 个指标" in preview.select_one(".retire-warning").get_text()
    cancel = preview.find("form", attrs={"hx-post": re.compile("/cancel$")})
    assert "已取消" in fragment(c.post(cancel["hx-post"], headers=HX)).get_text()
    confirm = preview.find("form", attrs={"hx-post": re.compile("/confirm$")})
    assert c.post(confirm["hx-post"], headers=HX).status_code == 404
    assert len(soup_of(c.get("/library", headers=HTML)).select("#versions tbody tr")) == 1


def test_a_version_is_restored_after_a_preview(library_client):
    c = library_client
    export = c.get("/library/export.csv").content.decode("utf-8-sig")
    changed = export.replace("路灯亮灯率", "城市路灯亮灯率", 1)
    r = c.post("/library/import", files={"file": ("改名.csv", changed.encode("utf-8-sig"), "text/csv")}, headers=HX)
    confirm = fragment(r).find("form", attrs={"hx-post": re.compile("/confirm$")})
    assert c.post(confirm["hx-post"], headers=HX).status_code == 200
    soup = page(c, "/library")
    link = soup.select_one("#versions tr[data-version='1'] .restore-link")
    assert link["href"] == "/library/versions/1/restore" and link.get_text() == "恢复此版本"
    assert soup.select_one("#versions tr[data-version='2'] .restore-link") is None  # the current one
    preview = fragment(c.get(link["hx-get"], headers=HX)).find(id="library-preview")
    assert "将生成第 3 版" in preview.get_text() and preview.select_one(".count-changed").get_text() == "1"
    assert "城市路灯亮灯率" in preview.find("del").get_text() and "路灯亮灯率" == preview.find("ins").get_text()
    form = preview.find("form", attrs={"hx-post": "/library/versions/1/restore"})
    expect = form.find("input", attrs={"name": "expect_version"})["value"]
    r = c.post(form["hx-post"], data={"expect_version": expect}, headers=HX)
    soup = fragment(r)
    assert r.status_code == 200 and "已恢复第 1 版" in soup.find(id="library-done").get_text()
    top = soup.find(id="versions").select("tbody tr")[0]
    assert top.th.get_text() == "第 3 版" and top.find_all("td")[1].get_text() == "恢复第 1 版"
    assert c.get("/library/export.csv").content.decode("utf-8-sig") == export
    stale = c.post(form["hx-post"], data={"expect_version": expect}, headers=HX)  # the library moved on
    assert stale.status_code == 409 and "重新预览" in fragment(stale).get_text()


def test_import_of_a_bad_file_lists_every_problem_and_changes_nothing(library_client):
    csv = "大类,子类,支出方向,二级指标,三级指标,指标解释\n教育,义务教育,学生营养改善计划,好坏,某指标,\n"
    files = {"file": ("bad.csv", csv.encode(), "text/csv")}
    r = library_client.post("/library/import", files=files, headers=HX)
    assert r.status_code == 422
    problems = [li.get_text() for li in fragment(r).select(".details li")]
    assert len(problems) >= 2 and any("好坏" in p for p in problems) and any("指标解释" in p for p in problems)
    r = library_client.post("/library/import", files={"file": ("x.pdf", b"%PDF", "application/pdf")}, headers=HTML)
    assert r.status_code == 422 and ".xlsx" in soup_of(r).select_one(".message").get_text()
    assert len(soup_of(library_client.get("/library", headers=HTML)).select("#versions tbody tr")) == 1
