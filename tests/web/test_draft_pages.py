"""The draft page with drafts kept on the server: 保存草稿 for a signed-in user (请先登录 for anyone
else), 我的草稿 listing, opening, exporting, deleting and importing; checked as parsed HTML."""

from __future__ import annotations

import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from indicators import goal_sheets, goal_template
from indicators.goals import GoalDocument
from tests.conftest import PASSWORD, bearer
from tests.draft_documents import comparable, streetlights
from web.app import create_app

HTML = {"accept": "text/html"}
HX = {"accept": "text/html", "hx-request": "true"}
PROJECT = {"p_name": "城市路灯维护", "p_department": "市城管局", "p_budget": "300", "p_budget_unit": "万元",
           "p_direction": "城市道路照明"}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def form_of(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """The fields the draft form would submit, in document order (as a browser sends them)."""
    out = []
    for el in soup.find("form", id="draft-form").find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or el.get("type") in ("submit", "button") or name == "add_q":
            continue
        if el.name == "select":
            chosen = el.find("option", selected=True) or el.find("option")
            out.append((name, chosen.get("value", chosen.get_text())))
        else:
            out.append((name, el.get_text() if el.name == "textarea" else el.get("value", "")))
    return out


def with_field(fields, name, value, row=0):
    out, seen = [], -1
    for k, v in fields:
        if k == name:
            seen += 1
            v = value if seen == row else v
        out.append((k, v))
    return out


def as_data(fields) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for k, v in fields:
        data.setdefault(k, []).append(v)
    return data


class Browser:
    """A signed-in browser: the session cookie, and the CSRF token htmx sends with every request."""

    def __init__(self, client: TestClient, csrf: str):
        self.client, self.csrf = client, csrf

    def hx_post(self, url, fields=(), **kw):
        return self.client.post(url, data=as_data(fields), headers=HX | {"X-CSRF-Token": self.csrf}, **kw)

    def saved(self, draft_id: int) -> dict:
        r = self.client.get(f"/api/v1/drafts/{draft_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def count(self) -> int:
        return self.client.get("/api/v1/drafts").json()["total"]


def sign_in(kb_settings, name: str) -> Browser:
    client = TestClient(create_app(kb_settings))
    client.__enter__()
    r = client.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/draft").text).group(1)
    return Browser(client, csrf)


@pytest.fixture(scope="module")
def browser(kb_settings, users):
    b = sign_in(kb_settings, "教育局丙")
    yield b
    b.client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def drafted(client) -> BeautifulSoup:
    r = client.post("/draft", data=PROJECT, headers=HTML)
    assert r.status_code == 200, r.text[:300]
    return soup_of(r)


def saved_id(soup: BeautifulSoup) -> int:
    return int(soup.find("input", attrs={"name": "draft_id"})["value"])


# ---- anonymous: today's page, and saving asks to sign in ---------------------------------------
def test_the_draft_page_links_to_my_drafts_and_offers_saving(client, drafted):
    start = soup_of(client.get("/draft", headers=HTML))
    assert start.find("a", href="/drafts", string="我的草稿")
    save = drafted.find("button", string="保存草稿")
    assert save["formaction"] == "/draft/save" and save["hx-post"] == "/draft/save"
    assert "只保存在本浏览器中" in drafted.select_one(".save-hint").get_text()
    assert drafted.find("input", attrs={"name": "draft_id"}) is None


def test_saving_without_signing_in_says_to_sign_in_first_and_keeps_the_draft(client, drafted):
    r = client.post("/draft/save", data=as_data(form_of(drafted)), headers=HX)
    soup = soup_of(r)
    note = soup.select_one(".notice.login-needed")
    assert r.status_code == 200 and "请先登录" in note.get_text()
    assert note.find("a")["href"] == "/login?next=/draft"
    assert len(soup.select("tbody tr[id^=row-]")) == len(drafted.select("tbody tr[id^=row-]"))


def test_my_drafts_needs_signing_in(client):
    r = client.get("/drafts", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fdrafts"


PASTED = ("一级指标\t二级指标\t三级指标\t指标值\r\n产出指标\t数量指标\t新装路灯数量\t≥120盏\r\n"
          "\t时效指标\t故障修复及时率\t≥95%\r\n满意度指标\t服务对象满意度指标\t市民满意度\t≥90%\r\n")


def table_rows(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    return [(tr.select_one("select[name=level2] option[selected]").get_text(), tr.select_one("input[name=name]")["value"],
             tr.select_one("input[name=value]")["value"]) for tr in soup.select("table.draft-table tbody tr[data-row]")]


def target_boxes(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """Each row's operator, value and unit, as the boxes show them."""
    return [(tr.select_one("select[name=operator] option[selected]").get_text(), tr.select_one("input[name=value]")["value"],
             tr.select_one("input[name=unit]")["value"]) for tr in soup.select("table.draft-table tbody tr[data-row]")]


def test_rows_pasted_from_excel_are_added_below_the_drafted_ones_and_checked(client, drafted):
    before = table_rows(drafted)
    fields = with_field(form_of(drafted), "paste", PASTED) + [("action", "paste")]
    soup = soup_of(client.post("/draft/edit", data=as_data(fields), headers=HTML))
    assert table_rows(soup) == before + [("数量指标", "新装路灯数量", "120"), ("时效指标", "故障修复及时率", "95"),
                                          ("服务对象满意度指标", "市民满意度", "90")]
    assert target_boxes(soup)[-3:] == [("≥", "120", "盏"), ("≥", "95", "%"), ("≥", "90", "%")]  # ≥120盏 in its boxes
    assert "已从粘贴的表格添加 3 个指标" in soup.select_one(".notice").get_text()
    assert soup.find("textarea", id="paste").get_text() == "" and not soup.select_one("details.paste-rows").has_attr("open")
    assert "新装路灯数量" in soup.find("textarea", id="goal").get_text()  # the goal composed from the table follows it


def test_levels_written_in_traditional_characters_take_their_place_in_the_framework(client, drafted):
    pasted = "一級指標\t二級指標\t三級指標\t指標值\r\n產出指標\t數量指標\t維修路燈數量\t≥3200盞\r\n"
    fields = with_field(form_of(drafted), "paste", pasted) + [("action", "paste")]
    soup = soup_of(client.post("/draft/edit", data=as_data(fields), headers=HTML))
    assert table_rows(soup)[-1] == ("数量指标", "維修路燈數量", "3200")  # the name stays as written
    assert target_boxes(soup)[-1] == ("≥", "3200", "盏")  # the unit box as the unit list writes it
    assert soup.select("table.draft-table tbody tr[data-row]")[-1].find("input", attrs={"name": "level1"})["value"] == "产出指标"


def test_no_paste_box_cuts_what_is_pasted(client, drafted):
    """A maxlength would cut a long paste without a word and the rest would be read as if whole; the server
    tells the limit instead (tests/web/test_hostile.py)."""
    boxes = [*drafted.select("textarea[name=paste]"), *soup_of(client.get("/draft", headers=HTML)).select(
        "textarea[name=paste]"), *soup_of(client.get("/review", headers=HTML)).select("textarea[name=paste]")]
    assert len(boxes) == 3 and not any(box.has_attr("maxlength") for box in boxes)


def test_a_paste_nothing_could_be_read_from_stays_in_its_box_with_what_to_copy(client, drafted):
    before = table_rows(drafted)
    fields = with_field(form_of(drafted), "paste", "1\t2\r\n3\t95%\r\n") + [("action", "paste")]
    soup = soup_of(client.post("/draft/edit", data=as_data(fields), headers=HX))
    assert table_rows(soup) == before
    assert soup.find("textarea", id="paste").get_text() == "1\t2\r\n3\t95%\r\n"
    assert soup.select_one("details.paste-rows").has_attr("open")
    assert "连同表头行" in soup.select_one(".notice").get_text()


def test_last_years_whole_form_pasted_on_the_first_page_starts_a_draft_as_written(client):
    form = ("项目支出绩效目标申报表（2025年度）\r\n项目名称\t城区路灯维护\t主管部门\t市城市管理局\r\n"
            "年度资金总额（万元）\t100\r\n年度绩效目标\t维修路灯3200盏，亮灯率不低于98%。\r\n" + PASTED)
    first = soup_of(client.get("/draft", headers=HTML))
    assert first.select_one("form.paste-start textarea[name=paste]") is not None
    soup = soup_of(client.post("/draft/edit", data={"paste": form, "action": "paste"}, headers=HX))
    assert [soup.find("input", id=f"p_{f}")["value"] for f in ("name", "department", "budget", "year")] == [
        "城区路灯维护", "市城市管理局", "100", "2025"]
    assert soup.find("textarea", id="goal").get_text() == "维修路灯3200盏，亮灯率不低于98%。"
    assert [name for _, name, _ in table_rows(soup)] == ["新装路灯数量", "故障修复及时率", "市民满意度"]
    notice = soup.select_one(".notice").get_text()
    assert "添加 3 个指标" in notice and "项目名称、预算部门、预算金额、预算年度" in notice and "年度绩效目标" in notice


def test_a_pasted_department_form_starts_a_department_draft_with_its_own_levels(client):
    form = ("项目名称\t林业局部门整体支出\r\n目标类型\t部门整体\r\n一级指标\t二级指标\t三级指标\t指标值\r\n"
            "运行成本\t人员经费\t人员经费控制率\t≤100%\r\n履职效能\t职责履行\t森林覆盖率\t≥62%\r\n")
    soup = soup_of(client.post("/draft/edit", data={"paste": form, "action": "paste"}, headers=HX))
    assert soup.select_one("#p_kind option[selected]")["value"] == "department"
    levels = [tr.find("input", attrs={"name": "level1"})["value"]
              for tr in soup.select("table.draft-table tbody tr[data-row]")]
    assert levels == ["运行成本", "履职效能"] and "（不在指标框架中）" not in soup.select_one("table.draft-table").get_text()
    assert "目标类型" in soup.select_one(".notice").get_text()


def test_a_pasted_form_fills_only_what_the_draft_left_blank(client, drafted):
    form = "项目名称\t另一个项目\r\n预算部门\t市住建局\r\n年度绩效目标\t别的目标\r\n" + PASTED
    fields = with_field(form_of(drafted), "paste", form) + [("action", "paste")]
    soup = soup_of(client.post("/draft/edit", data=as_data(fields), headers=HTML))
    assert soup.find("input", id="p_name")["value"] == "城市路灯维护"
    assert soup.find("input", id="p_department")["value"] == "市城管局"
    assert "别的目标" not in soup.find("textarea", id="goal").get_text()  # the drafted goal stays
    assert "填入" not in soup.select_one(".notice").get_text()


# ---- signed in ------------------------------------------------------------------------------------
def test_save_then_save_again_updates_the_same_draft(browser, drafted):
    before = browser.count()
    r = browser.hx_post("/draft/save", form_of(drafted))
    soup = soup_of(r)
    assert r.status_code == 200 and "已保存到“我的草稿”：『城市路灯维护』" in soup.select_one(".notice.info").get_text()
    draft_id = saved_id(soup)
    assert json.loads(soup.find(id="draft-state").string)["draft_id"] == draft_id  # the browser's copy knows it
    assert browser.count() == before + 1
    assert soup.find("button", string="另存为新草稿")
    fields = with_field(form_of(soup), "value", "≥12000", row=0)
    again = soup_of(browser.hx_post("/draft/save", fields))
    assert saved_id(again) == draft_id and browser.count() == before + 1
    assert browser.saved(draft_id)["document"]["indicators"][0]["value"] == "≥12000"
    copy = soup_of(browser.hx_post("/draft/save", form_of(again) + [("action", "save_new")]))
    assert saved_id(copy) != draft_id and browser.count() == before + 2


def test_the_saved_id_survives_checking_and_the_browsers_copy(browser, drafted):
    soup = soup_of(browser.hx_post("/draft/save", form_of(drafted)))
    draft_id = saved_id(soup)
    checked = soup_of(browser.hx_post("/draft/check", form_of(soup)))
    assert json.loads(checked.find(id="draft-state").string)["draft_id"] == draft_id
    state = soup.find(id="draft-state").string  # what localStorage holds; another page posts it back
    restored = soup_of(browser.hx_post("/draft/edit", [("doc", state), ("add", "2050201-001")]))
    assert saved_id(restored) == draft_id
    assert restored.select("tbody input[name=code]")[-1]["value"] == "2050201-001"


def test_an_unreadable_draft_is_not_saved_and_says_why(browser, drafted):
    before = browser.count()
    r = browser.hx_post("/draft/save", with_field(form_of(drafted), "p_budget", "很多"))
    soup = soup_of(r)
    assert r.status_code == 422 and "未保存" in soup.select_one(".notice.error").get_text()
    assert "预算金额“很多”无法识别" in soup.select_one("#findings").get_text()
    assert browser.count() == before


def test_my_drafts_lists_name_department_budget_beijing_time_and_grade(browser, drafted):
    draft_id = saved_id(soup_of(browser.hx_post("/draft/save", form_of(drafted))))
    api = browser.saved(draft_id)
    soup = soup_of(browser.client.get("/drafts", headers=HTML))
    assert soup.find("h1").get_text() == "我的草稿"
    row = soup.find("tr", id=f"saved-draft-{draft_id}")
    cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
    assert cells[:3] == ["城市路灯维护", "市城管局", "300 万元"]
    assert cells[3] == api["updated_at"][:16].replace("T", " ")  # Beijing time, as the API gives it
    assert row.select_one(".grade-chip").get_text() == api["grade"] and f"{api['score']} 分" in cells[4]
    links = {a.get_text(): a["href"] for a in row.select("td.draft-actions a")}
    assert links == {"打开": f"/drafts/{draft_id}", "导出 Excel": f"/drafts/{draft_id}/export.xlsx"}
    assert row.th.a["href"] == f"/drafts/{draft_id}"
    delete = row.find("button", string="删除")
    assert delete["hx-post"] == f"/drafts/{draft_id}/delete" and "无法恢复" in delete["hx-confirm"]
    assert soup.find("form", id="drafts-import").find("input", attrs={"type": "file"})["name"] == "file"
    assert soup.find(attrs={"data-unsaved-draft": True}).has_attr("hidden")  # shown by app.js when it applies


def test_opening_a_draft_keeps_placeholders_operators_and_units_and_saving_updates_it(browser, users):
    token_draft = browser.client.post("/api/v1/drafts", json={"document": streetlights()},
                                      headers={"X-CSRF-Token": browser.csrf}).json()
    soup = soup_of(browser.client.get(f"/drafts/{token_draft['id']}", headers=HTML))
    assert soup.find("h1").get_text() == "起草绩效目标" and saved_id(soup) == token_draft["id"]
    assert "已打开草稿『城区路灯维护』" in soup.select_one(".notice.info").get_text()
    values = [i["value"] for i in soup.select("tbody input[name=value]")]
    units = [i["value"] for i in soup.select("tbody input[name=unit]")]
    operators = [v for k, v in form_of(soup) if k == "operator"]
    assert values[0] == "【待填】" and units[1] == "百分比" and operators[1] == ">=" and operators[3] == "<="
    assert "【待填】" in soup.find("textarea", id="goal").get_text()
    assert soup.find("input", id="p_budget")["value"] == "336" and soup.find("input", id="p_year")["value"] == "2026"
    fields = with_field(form_of(soup), "value", "3200", row=0)
    after = soup_of(browser.hx_post("/draft/save", fields))
    assert saved_id(after) == token_draft["id"]
    stored = browser.saved(token_draft["id"])
    rows = stored["document"]["indicators"]
    assert rows[0]["value"] == "3200" and rows[1]["operator"] == ">=" and rows[1]["unit"] == "百分比"
    assert "【待填】" in stored["document"]["goal"]  # a goal the user wrote is kept as written
    assert stored["updated_at"] >= token_draft["updated_at"]


def test_someone_elses_draft_cannot_be_opened_exported_deleted_or_overwritten(browser, kb_settings, users):
    other = browser.client.post("/api/v1/drafts", json={"document": streetlights()},
                                headers={"X-CSRF-Token": browser.csrf}).json()
    with TestClient(create_app(kb_settings)) as c:
        token = bearer(users["reviewer"])
        for url in (f"/drafts/{other['id']}", f"/drafts/{other['id']}/export.xlsx", f"/drafts/{other['id']}/delete"):
            assert c.get(url, headers=HTML | token).status_code == 404, url
        assert c.post(f"/drafts/{other['id']}/delete", headers=HX | token).status_code == 404
    thief = sign_in(kb_settings, "审核员乙")
    try:
        soup = soup_of(thief.client.get("/draft", headers=HTML))
        assert soup.find("a", href="/drafts")
        drafted = soup_of(thief.client.post("/draft", data=PROJECT, headers=HTML))
        r = thief.hx_post("/draft/save", form_of(drafted) + [("draft_id", str(other["id"]))])
        assert "已另存为新草稿" in soup_of(r).select_one(".notice.info").get_text()
        assert saved_id(soup_of(r)) != other["id"]
    finally:
        thief.client.__exit__(None, None, None)
    assert browser.saved(other["id"])["document"] == streetlights()


def test_export_from_my_drafts_is_the_filled_template(browser):
    saved = browser.client.post("/api/v1/drafts", json={"document": streetlights()},
                                headers={"X-CSRF-Token": browser.csrf}).json()
    r = browser.client.get(f"/drafts/{saved['id']}/export.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws["B2"].value == "城区路灯维护" and ws["E11"].value == "【待填】" and ws["D12"].value == ">="
    [doc] = goal_sheets.read_goal_workbook(r.content)
    assert comparable(doc) == comparable(GoalDocument.model_validate(streetlights()))


def test_delete_asks_first_and_needs_the_csrf_token(browser):
    saved = browser.client.post("/api/v1/drafts", json={"document": streetlights()},
                                headers={"X-CSRF-Token": browser.csrf}).json()
    url = f"/drafts/{saved['id']}/delete"
    confirm = soup_of(browser.client.get(url, headers=HTML))
    assert "删除草稿『城区路灯维护』？" in confirm.select_one(".confirm-delete").get_text()
    assert confirm.select_one(".confirm-delete form")["action"] == url
    refused = browser.client.post(url, headers=HTML)
    assert refused.status_code == 403 and browser.saved(saved["id"])
    r = browser.hx_post(url)
    soup = soup_of(r)
    assert r.status_code == 200 and soup.find("html") is None
    assert "已删除草稿『城区路灯维护』" in soup.select_one(".notice").get_text()
    assert soup.find("tr", id=f"saved-draft-{saved['id']}") is None
    assert browser.client.get(f"/api/v1/drafts/{saved['id']}").status_code == 404


def test_delete_without_scripts_goes_back_to_the_list(browser):
    saved = browser.client.post("/api/v1/drafts", json={"document": streetlights()},
                                headers={"X-CSRF-Token": browser.csrf}).json()
    r = browser.client.post(f"/drafts/{saved['id']}/delete", data={"csrf_token": browser.csrf}, headers=HTML,
                            follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/drafts"
    assert browser.client.get(f"/api/v1/drafts/{saved['id']}").status_code == 404


def test_import_on_my_drafts_creates_drafts_and_lists_what_could_not_be_read(browser):
    before = browser.count()
    sheet = goal_template.goal_workbook([GoalDocument.model_validate(streetlights())])
    bad = json.dumps({"project": {"name": "缺指标的项目"}, "goal": ""}, ensure_ascii=False).encode()
    files = [("file", ("申报表.xlsx", sheet)), ("file", ("坏.json", bad))]
    r = browser.client.post("/drafts/import", files=files, headers=HX | {"X-CSRF-Token": browser.csrf})
    soup = soup_of(r)
    assert r.status_code == 200 and "已导入 1 份草稿：『城区路灯维护』" in soup.select_one(".notice.info").get_text()
    problems = [li.get_text() for li in soup.select(".notice.warn li")]
    assert len(problems) == 1 and problems[0].startswith("坏.json：") and "indicators" in problems[0]
    assert browser.count() == before + 1
    nothing = browser.client.post("/drafts/import", files=[("file", ("坏.json", bad))],
                                  headers=HX | {"X-CSRF-Token": browser.csrf})
    assert nothing.status_code == 422 and "未建立草稿" in soup_of(nothing).select_one(".notice.error").get_text()
    assert browser.count() == before + 1


def test_the_form_takes_the_projects_function_code_and_keeps_it_in_the_draft(client):
    data = {"p_name": "2026年县级教育补助资金", "p_budget": "300", "p_budget_unit": "万元",
            "p_function_code": "2050202 小学教育"}
    soup = soup_of(client.post("/draft", data=data, headers=HTML))
    assert soup.find("input", id="p_direction")["value"] == "学生营养改善计划"
    assert soup.find("input", id="p_function_code")["value"] == "2050202 小学教育"  # kept as written
    bad = soup_of(client.post("/draft", data={**data, "p_function_code": "小学教育"}, headers=HTML))
    assert "功能分类科目" in bad.get_text() and "2050201" in bad.get_text()
