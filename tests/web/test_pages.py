"""The htmx pages, checked as HTML (parsed, not string-matched) over the fixture library."""

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
from services import reviews
from tests.conftest import PASSWORD, bearer
from tests.cycle_documents import greening, meals
from tests.web.html_kit import HTML, HX, csrf_of, fragment, page, soup_of, unlabelled
from tests.web.test_reviews_api import wait_done
from web.app import create_app
from web.deps import library_import_guard
from web.render import highlight, static_url

PAGES = ["/", "/?q=路灯", "/browse", "/browse/2120101", "/indicators/2120101-002", "/library", "/draft", "/review"]


# ---- every page ----------------------------------------------------------------------------
@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_chinese_with_one_h1_navigation_and_labelled_controls(client, url):
    soup = page(client, url)
    assert soup.html["lang"] == "zh-CN"
    assert len(soup.find_all("h1")) == 1
    nav = soup.find("nav", attrs={"aria-label": "主导航"})
    labels = [a.get_text(strip=True) for a in nav.find_all("a")]
    assert labels == ["搜索指标", "分类浏览", "起草绩效目标", "审核绩效目标", "指标库管理"]
    assert len(nav.find_all("a", attrs={"aria-current": "page"})) <= 1
    assert soup.find("a", class_="skip-link")["href"] == "#main" and soup.find("main", id="main")
    assert unlabelled(soup) == []


def test_static_assets_carry_a_content_hash_and_are_served_for_ever(client):
    soup = page(client, "/")
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    htmx = next(s for s in scripts if "htmx-2." in s)
    assert htmx.startswith("/static/htmx-2.0.") and ".min.js?v=" in htmx
    css = soup.find("link", rel="stylesheet")["href"]
    assert css == static_url("app.css") and "?v=" in css
    r = client.get(css)
    assert r.status_code == 200 and "immutable" in r.headers["cache-control"]
    assert client.get(htmx).text.startswith("var htmx=")


def test_htmx_requests_ask_for_html_and_swap_error_fragments(client):
    soup = page(client, "/")
    assert json.loads(soup.body["hx-headers"]) == {"Accept": "text/html"}
    config = json.loads(soup.find("meta", attrs={"name": "htmx-config"})["content"])
    assert {"code": "[45]..", "swap": True, "error": True} in config["responseHandling"]


# ---- search --------------------------------------------------------------------------------
def test_search_page_without_a_query_is_a_plain_get_form_with_examples(client):
    soup = page(client, "/")
    form = soup.find("form", attrs={"role": "search"})
    assert form["action"] == "/" and form["method"] == "get"
    assert form.find("input", attrs={"name": "q"}) and form.find("button", attrs={"type": "submit"})
    assert "delay:300ms" in form["hx-trigger"] and form["hx-target"] == "#search-results"
    examples = soup.select(".empty-state a.chip")
    assert examples and all(a["href"].startswith("/?q=") for a in examples)


def test_the_search_address_people_type_leads_to_the_search_page(client):
    r = client.get("/search", params={"q": "路灯", "project": "城区路灯维护"}, follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/?q=%E8%B7%AF%E7%81%AF&project=%E5%9F%8E%E5%8C%BA%E8%B7%AF%E7%81%AF%E7%BB%B4%E6%8A%A4"
    assert client.get("/search", follow_redirects=False).headers["location"] == "/"
    soup = page(client, "/search", params={"q": "路灯"})
    assert soup.find("input", attrs={"name": "q"})["value"] == "路灯" and soup.select("ol.hits li.hit")


def test_plain_search_without_javascript_renders_the_whole_page_with_marked_results(client):
    soup = page(client, "/", params={"q": "路灯"})
    assert soup.find("input", attrs={"name": "q"})["value"] == "路灯"
    hits = soup.select("ol.hits li.hit")
    assert hits and hits[0].h2.a["href"].startswith("/indicators/2120101-")
    assert [m.get_text() for m in hits[0].h2.find_all("mark")] == ["路灯"]
    assert all(h.select_one(".path a")["href"].startswith("/browse/") for h in hits)


def test_search_as_you_type_returns_only_the_results_fragment(client):
    r = client.get("/", params={"q": "营养餐"}, headers=HX)
    soup = fragment(r)
    assert soup.select("ol.hits li.hit") and soup.find(id="results-summary")


def test_history_restore_gets_the_whole_page(client):
    r = client.get("/", params={"q": "营养餐"}, headers=HX | {"hx-history-restore-request": "true"})
    assert soup_of(r).find("html") is not None


def test_highlight_escapes_the_text_before_marking_terms():
    out = str(highlight('<b>路灯</b> & "amp" 路灯', ["路灯", "amp", "b"]))
    soup = BeautifulSoup(out, "html.parser")
    assert [m.get_text() for m in soup.find_all("mark")] == ["b", "路灯", "b", "amp", "路灯"]
    assert soup.find("b") is None and "&amp;" in out and "&lt;" in out
    assert str(highlight("<i>x</i>", [])) == "&lt;i&gt;x&lt;/i&gt;"


def test_facets_list_counts_and_the_chosen_filter(client):
    soup = page(client, "/", params={"q": "学生", "level1": "满意度"})
    hits = soup.select("ol.hits li.hit")
    assert hits and all("满意度指标" in [t.get_text() for t in h.select(".tag")] for h in hits)
    level1 = soup.find("legend", string="一级指标").parent
    chosen = level1.find("input", checked=True)
    assert chosen["value"] == "满意度指标"
    counts = {i["value"]: int(i.parent.find(class_="count").get_text()) for i in level1.find_all("input") if i["value"]}
    assert counts["满意度指标"] == len(hits) and counts.get("产出指标", 0) > 0  # other values stay selectable


def test_category_facet_counts_without_its_own_filter(client):
    soup = page(client, "/", params={"q": "路灯", "category": "城乡社区"})
    category = soup.find("legend", string="大类").parent
    values = {i["value"] for i in category.find_all("input")}
    assert "城乡社区" in values and category.find("input", checked=True)["value"] == "城乡社区"


def test_a_filter_that_leaves_nothing_shows_an_empty_state_with_a_way_out(client):
    soup = page(client, "/", params={"q": "路灯", "category": "教育"})
    assert soup.select("ol.hits li") == []
    assert "没有找到" in soup.find(id="results-summary").get_text()
    assert soup.select_one(".active-filters a")["href"] == "/?q=%E8%B7%AF%E7%81%AF"


def test_more_results_button_asks_for_a_bigger_page(client):
    soup = page(client, "/", params={"q": "学生", "limit": 2})
    assert len(soup.select("ol.hits li.hit")) == 2
    more = soup.find("button", attrs={"name": "limit"})
    assert more["type"] == "submit" and int(more["value"]) > 2


def test_the_search_page_takes_the_project_and_its_function_code(client):
    def directions(soup):
        return [li.select_one(".path a").get_text() for li in soup.select("ol.hits li.hit")]

    plain = page(client, "/", params={"q": "满意度"})
    assert len(set(directions(plain))) > 1
    for_lamps = page(client, "/", params={"q": "满意度", "project": "城区路灯维护"})
    assert directions(for_lamps)[0] == "城市道路照明" and directions(plain)[0] != "城市道路照明"
    assert for_lamps.find("input", id="project")["value"] == "城区路灯维护"
    assert "context=" in for_lamps.select_one("a.export-link")["href"]
    filed = page(client, "/", params={"q": "满意度", "function_code": "２０５０２０２"})  # full-width digits too
    assert set(directions(filed)) == {"学生营养改善计划"} and filed.find("input", id="function_code")["value"] == "2050202"
    widened = page(client, "/", params={"q": "满意度", "function_code": "2050299"})
    assert set(directions(widened)) == {"学生营养改善计划", "普惠性幼儿园补助"}
    assert "已放宽到 20502 普通教育" in widened.select_one(".widened").get_text()
    bad = page(client, "/", status=422, params={"q": "满意度", "function_code": "小学"})
    assert "功能分类科目" in bad.select_one(".message").get_text()


def test_a_function_code_typed_as_the_query_lists_the_indicators_budgeted_under_it(client):
    """People who work in the budget system type the 科目 code they see there (2050202, 【2050202】小学教育)."""
    def directions(soup):
        return {li.select_one(".path a").get_text() for li in soup.select("ol.hits li.hit")}

    for typed in ("2050202", "【2050202】小学教育", "２０５０２０２ 小学教育"):
        soup = page(client, "/", params={"q": typed})
        assert directions(soup) == {"学生营养改善计划"}, typed
        assert "按支出功能分类科目 2050202 小学教育 查找" in soup.select_one("#results-summary").get_text()
        assert soup.find("input", id="function_code")["value"] == "2050202"
        export = soup.select_one("a.export-link")["href"]  # the same hits: the 科目's name under its code
        assert "q=%E5%B0%8F%E5%AD%A6%E6%95%99%E8%82%B2&" in export and "function_code=2050202" in export
    plain = page(client, "/", params={"q": "100"})  # no direction is budgeted under a 类 100: searched as typed
    assert "按支出功能分类科目" not in plain.get_text() and not plain.find("input", id="function_code")["value"]
    chosen = page(client, "/", params={"q": "2050202", "function_code": "21203"})  # the code box says what to keep
    assert "按支出功能分类科目" not in chosen.get_text()
    assert directions(chosen) <= {"城市道路照明"}


def test_an_unknown_level_filter_is_a_422_page_in_chinese(client):
    soup = page(client, "/", status=422, params={"q": "路灯", "level1": "好坏"})
    assert soup.h1.get_text(strip=True).startswith("输入有误") and "好坏" in soup.select_one(".message").get_text()


# ---- browse --------------------------------------------------------------------------------
def test_browse_tree_shows_categories_subcategories_and_directions_with_counts(client):
    soup = page(client, "/browse")
    cats = {d.summary.select_one(".tree-name").get_text(): int(d.summary.select_one(".count").get_text())
            for d in soup.select("details.tree-category")}
    assert cats == {"教育": 14, "城乡社区": 7}
    links = {a.get_text(): a["href"] for a in soup.select(".tree-directions a")}
    assert links["城市道路照明"] == "/browse/2120101" and len(links) == 3
    # the tree is the 支出功能分类's: 类 and 款 codes beside their names
    subs = [" ".join(h.get_text().split()[:2]) for h in soup.select("h2.tree-sub")]
    assert "20502 普通教育" in subs and "21203 城乡社区公共设施" in subs


def test_direction_page_groups_its_indicators_by_level(client):
    soup = page(client, "/browse/2120101")
    assert soup.h1.contents[0].strip() == "城市道路照明"
    groups = [s.h2.get_text() for s in soup.select("section.level-group")]
    assert groups == ["产出指标", "成本指标", "效益指标", "满意度指标"]
    output = soup.select("section.level-group")[0]
    groups = [th.get_text() for th in output.select("tr.group-row th")]
    assert groups == ["数量指标（1）", "质量指标（1）", "时效指标（1）"]
    assert len(soup.select("tbody th[scope=row] a")) == 7
    assert soup.find("a", string="按此方向起草绩效目标")["href"] == "/draft?direction=2120101"


def test_unknown_direction_is_a_404_page_and_an_htmx_fragment(client):
    soup = page(client, "/browse/9999", status=404)
    assert soup.h1.get_text(strip=True).startswith("找不到内容") and "9999" in soup.select_one(".message").get_text()
    r = client.get("/browse/9999", headers=HX)
    box = fragment(r).find(attrs={"role": "alert"})
    assert r.status_code == 404 and box["data-status"] == "404" and box.h2


# ---- one indicator -------------------------------------------------------------------------
def test_indicator_page_shows_every_field(client):
    soup = page(client, "/indicators/2120101-002")
    fields = {dt.get_text(): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in soup.select("dl.fields dt")}
    assert fields["计算公式"] == "亮灯盏数 / 应亮盏数 × 100%" and fields["计量单位"] == "%"
    assert fields["参考值"] == "≥98%" and fields["取值依据"] == "行业标准" and fields["别名"] == "路灯完好率"
    assert fields["数据来源"] == "夜间巡查记录" and fields["状态"] == "在用" and "2120101" in fields["所属分类"]
    for name in ("指标解释", "指标方向", "单位成本范围", "一级指标", "二级指标", "版本"):
        assert name in fields
    # 亮灯盏数 is how tables also write it, but it counts lamps: not another name of a rate in %
    assert fields["相关写法"].startswith("亮灯盏数") and "亮灯盏数" not in fields["别名"]


def test_indicator_page_lists_similar_indicators_but_not_itself(client):
    soup = page(client, "/indicators/2120101-002")
    similar = [a["href"] for a in soup.select(".similar-list a")]
    assert similar and "/indicators/2120101-002" not in similar
    assert any(h.startswith("/indicators/2120101-") for h in similar)


def test_indicator_page_can_add_it_to_my_draft(client):
    form = page(client, "/indicators/2050201-001").find("form", class_="add-to-draft")
    assert form["action"] == "/draft/edit" and form["method"] == "post" and form.has_attr("data-draft-carrier")
    assert form.find("input", attrs={"name": "add"})["value"] == "2050201-001"


def test_unit_cost_range_is_shown_for_cost_indicators(client):
    soup = page(client, "/indicators/2120101-004")
    dd = soup.find("dt", string="单位成本范围").find_next_sibling("dd")
    assert dd.get_text(" ", strip=True) == "150 ～ 400 元/盏·年"


def test_unknown_indicator_is_404_in_chinese(client):
    soup = page(client, "/indicators/NOPE-1", status=404)
    assert "NOPE-1" in soup.select_one(".message").get_text()


def test_unknown_page_is_an_error_page(client):
    soup = page(client, "/no/such/page", status=404)
    assert soup.find(class_="error-page") and soup.find("a", string="回到搜索")


# ---- draft ---------------------------------------------------------------------------------
PROJECT = {"p_name": "城市路灯维护", "p_budget": "300", "p_budget_unit": "万元", "p_direction": "城市道路照明"}


def form_of(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """The fields the draft form would submit, in document order (as a browser sends them)."""
    form = soup.find("form", id="draft-form")
    out = []
    for el in form.find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or el.get("type") in ("submit", "button") or name in ("add_q",):
            continue
        if el.name == "select":
            chosen = el.find("option", selected=True) or el.find("option")
            out.append((name, chosen.get("value", chosen.get_text())))
        elif el.name == "textarea":
            out.append((name, el.get_text()))
        else:
            out.append((name, el.get("value", "")))
    return out


def with_value(fields: list[tuple[str, str]], name: str, row: int, value: str) -> list[tuple[str, str]]:
    out, seen = [], -1
    for k, v in fields:
        if k == name:
            seen += 1
            if seen == row:
                v = value
        out.append((k, v))
    return out


def post(client, url, fields: list[tuple[str, str]], headers=HX):
    """POST form fields as a browser sends them (repeated names in order)."""
    data: dict[str, list[str]] = {}
    for k, v in fields:
        data.setdefault(k, []).append(v)
    return client.post(url, data=data, headers=headers)


@pytest.fixture(scope="module")
def drafted(client) -> BeautifulSoup:
    r = client.post("/draft", data=PROJECT, headers=HTML)
    assert r.status_code == 200, r.text[:500]
    return soup_of(r)


def test_draft_page_starts_with_a_labelled_project_form(client):
    soup = page(client, "/draft", params={"direction": "2120101"})
    form = soup.find("form", id="project-form")
    assert form["action"] == "/draft" and form["method"] == "post"
    assert form.find("input", attrs={"name": "p_name"}).has_attr("required")
    assert soup.find("input", id="p_direction")["value"] == "城市道路照明"
    restore = soup.find("form", attrs={"data-restore": True})
    assert restore.has_attr("hidden") and restore["action"] == "/draft/edit"


def test_drafting_fills_an_editable_indicator_table_from_the_library(drafted):
    rows = drafted.select("table.draft-table tbody tr[id^=row-]")
    assert len(rows) == 7
    names = [r.find("input", attrs={"name": "name"})["value"] for r in rows]
    assert "路灯亮灯率" in names
    first = rows[0]
    assert first.find("select", attrs={"name": "level2"}).find("option", selected=True).get_text() == "数量指标"
    assert first.find("input", attrs={"name": "code"})["value"].startswith("2120101-")
    assert first.find("a", class_="lib-link")["href"].startswith("/indicators/2120101-")
    state = json.loads(drafted.find(id="draft-state").string)
    assert state["project"]["name"] == "城市路灯维护" and len(state["indicators"]) == 7


def test_findings_panel_links_to_the_rows_it_speaks_of(drafted):
    findings = drafted.select("#findings li.finding")
    assert findings and drafted.select_one("#findings .score strong").get_text().isdigit()
    for li in findings:
        if li.get("data-row") is not None:
            row = int(li["data-row"])
            assert li.find("a", class_="row-link")["href"] == f"#row-{row}"
            assert drafted.find("tr", id=f"row-{row}")
            status = drafted.find(id=f"row-{row}-status")
            assert status.a["href"] == f"#f-row-{row}" and drafted.find(id=f"f-row-{row}")


def test_recheck_after_fixing_a_value_drops_its_finding(client, drafted):
    missing = [li for li in drafted.select("#findings li.finding") if li["data-code"] == "IND_VALUE_MISSING"]
    row = int(missing[0]["data-row"])
    fields = with_value(form_of(drafted), "value", row, "5")
    r = post(client, "/draft/check", fields)
    soup = fragment(r)
    still = [li for li in soup.select("li.finding") if li["data-code"] == "IND_VALUE_MISSING"
             and li.get("data-row") == str(row)]
    assert still == []
    status = soup.find(id=f"row-{row}-status")
    assert status["hx-swap-oob"] == "true" and "clean" in status["class"]
    assert soup.find(id="check-status")["hx-swap-oob"] == "innerHTML"
    assert json.loads(soup.find(id="draft-state").string)["indicators"][row]["value"] == "5"


def test_recheck_reports_unreadable_input_in_chinese(client, drafted):
    fields = [(k, "很多" if k == "p_budget" else v) for k, v in form_of(drafted)]
    soup = fragment(post(client, "/draft/check", fields))
    assert "预算金额“很多”无法识别" in soup.select_one("#findings .notice.error").get_text()


def test_removing_and_adding_rows_rerenders_the_draft(client, drafted):
    fields = form_of(drafted)
    r = post(client, "/draft/edit", fields + [("remove", "0")])
    soup = fragment(r)
    assert soup.find(id="draft") and len(soup.select("tbody tr[id^=row-]")) == 6
    assert "已删除第 1 行" in soup.select_one(".notice.info").get_text()
    soup = fragment(post(client, "/draft/edit", fields + [("add", "2050201-007")]))
    names = [i["value"] for i in soup.select("tbody input[name=name]")]
    assert len(names) == 8 and names[-1] == "受益学生及家长满意度"
    soup = fragment(post(client, "/draft/edit", fields + [("action", "blank")]))
    assert len(soup.select("tbody tr[id^=row-]")) == 8


def test_the_composed_goal_follows_the_table_and_a_written_goal_is_kept(client, drafted):
    missing = [li for li in drafted.select("#findings li.finding") if li["data-code"] == "IND_VALUE_MISSING"]
    row = int(missing[0]["data-row"])
    name = drafted.select("tbody input[name=name]")[row]["value"]
    assert drafted.find("textarea", id="goal").get_text() == drafted.find("input", attrs={"name": "goal_auto"})["value"]
    assert name not in drafted.find("textarea", id="goal").get_text()  # an empty row is not stated
    fields = with_value(form_of(drafted), "value", row, "7")
    soup = fragment(post(client, "/draft/edit", fields + [("action", "refresh")]))
    assert re.search(f"{name}不(?:少|低)于7", soup.find("textarea", id="goal").get_text())
    own = [(k, "本年度完成路灯维护。" if k == "goal" else v) for k, v in fields]
    soup = fragment(post(client, "/draft/edit", own + [("action", "refresh")]))
    assert soup.find("textarea", id="goal").get_text() == "本年度完成路灯维护。"
    soup = fragment(post(client, "/draft/edit", own + [("action", "regoal")]))
    assert re.search(f"{name}不(?:少|低)于7", soup.find("textarea", id="goal").get_text())


def test_adding_an_indicator_twice_keeps_one_row(client, drafted):
    code = drafted.find("input", attrs={"name": "code"})["value"]
    soup = fragment(post(client, "/draft/edit", form_of(drafted) + [("add", code)]))
    assert len(soup.select("tbody tr[id^=row-]")) == 7 and "已在草稿中" in soup.select_one(".notice.info").get_text()


def test_search_to_add_lists_library_indicators_with_add_buttons(client, drafted):
    soup = fragment(client.get("/draft/search", params={"add_q": "满意度"}, headers=HX))
    buttons = soup.select("#add-results button[name=add]")
    assert buttons and all(b["hx-post"] == "/draft/edit" for b in buttons)
    soup = soup_of(post(client, "/draft/edit", form_of(drafted) + [("action", "search"), ("add_q", "满意度")], HTML))
    assert soup.find("html") and soup.select("#add-results button[name=add]")


def test_search_to_add_puts_what_fits_the_drafts_project_first(client, drafted):
    """The add box searches with the draft's project in mind, as the search page does with a project."""
    def first_direction(soup):
        return soup.select_one("#add-results li .muted").get_text().rsplit("·", 1)[-1].strip()

    plain = fragment(client.get("/draft/search", params={"add_q": "满意度"}, headers=HX))
    for_lamps = fragment(client.get("/draft/search", params={"add_q": "满意度", "p_name": "城区路灯维护"}, headers=HX))
    assert first_direction(for_lamps) == "城市道路照明" != first_direction(plain)
    assert "#p_name" in drafted.find("input", id="add_q")["hx-include"]
    searched = soup_of(post(client, "/draft/edit", form_of(drafted) + [("action", "search"), ("add_q", "满意度")], HTML))
    assert first_direction(searched) == "城市道路照明"  # the draft's own project: 城市路灯维护


def test_the_browser_copy_of_a_draft_comes_back_with_the_added_indicator(client, drafted):
    state = drafted.find(id="draft-state").string
    r = client.post("/draft/edit", data={"doc": state, "add": "2050201-001"}, headers=HTML)
    soup = soup_of(r)
    assert soup.find("input", id="p_name")["value"] == "城市路灯维护"
    assert soup.select("tbody input[name=code]")[-1]["value"] == "2050201-001"


def test_adding_to_a_draft_that_does_not_exist_yet_asks_for_the_project_first(client):
    soup = soup_of(client.post("/draft/edit", data={"add": "2050201-001", "doc": ""}, headers=HTML))
    form = soup.find("form", id="project-form")
    assert form.find("input", attrs={"name": "add"})["value"] == "2050201-001"
    assert "营养膳食补助受益学生人数" in soup.select(".project-step > .notice.info")[0].get_text()


def test_a_project_without_a_name_is_sent_back_with_the_reason(client):
    r = client.post("/draft", data={"p_name": "", "p_budget": "abc"}, headers=HX)
    soup = fragment(r)
    problems = [li.get_text() for li in soup.select(".notice.error li")]
    assert r.status_code == 422 and any("项目名称" in p for p in problems) and soup.find("form", id="project-form")


def test_draft_exports_as_json(client, drafted):
    r = post(client, "/draft/export.json", with_value(form_of(drafted), "value", 4, "≥5"), HTML)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["project"]["name"] == "城市路灯维护" and doc["project"]["budget"] == 300
    assert len(doc["indicators"]) == 7 and doc["indicators"][4]["value"] == "≥5"


def test_export_of_an_unreadable_draft_is_refused_with_reasons(client, drafted):
    fields = [(k, "" if k == "p_name" else v) for k, v in form_of(drafted)]
    r = post(client, "/draft/export.json", fields, HTML)
    assert r.status_code == 422 and "项目名称" in soup_of(r).select_one(".details").get_text()


# ---- review --------------------------------------------------------------------------------
GOOD = {"project": {"name": "城市道路照明维护", "department": "市城管局", "direction": "城市道路照明", "budget": 336},
        "goal": "维护路灯12000盏，亮灯率不低于98%。",
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥", "value": "12000",
             "unit": "盏", "basis": "计划标准"},
            {"level1": "产出指标", "level2": "质量指标", "name": "路灯亮灯率", "operator": "≥", "value": "98",
             "unit": "%", "basis": "行业标准"}]}
VAGUE = {"project": {"name": "学生营养餐", "budget": "500"}, "goal": "",
         "indicators": [{"level1": "产出", "level2": "数量", "name": "受益学生人数", "value": "明显提高"}]}


def test_review_page_offers_a_multi_file_upload_and_the_template(client):
    soup = page(client, "/review")
    form = soup.find("form", id="review-form")
    files = form.find("input", attrs={"type": "file"})
    assert files.has_attr("multiple") and files["name"] == "files" and ".xlsx" in files["accept"]
    assert form["hx-indicator"] == "#review-busy" and soup.find(id="review-busy")
    assert soup.find("a", href="/review/template.xlsx")


def test_review_of_json_documents_gives_a_sortable_summary_and_findings(client):
    files = [("files", ("a.json", json.dumps([GOOD, VAGUE]).encode(), "application/json")),
             ("files", ("b.json", json.dumps({"documents": [GOOD]}).encode(), "application/json"))]
    r = client.post("/review", files=files, headers=HX)
    soup = fragment(r)
    table = soup.find("table", class_="summary-table")
    assert table.has_attr("data-sortable") and len(table.select("thead th[data-sort-key]")) == 9
    rows = table.select("tbody tr")
    assert [r.th.get_text() for r in rows] == ["城市道路照明维护", "学生营养餐", "城市道路照明维护"]
    vague = rows[1].find_all("td")
    assert vague[2].get_text() == "500 万元" and vague[2]["data-sort"] == "5000000.0"
    assert int(vague[5].get_text()) > 0 and vague[4].find(class_="grade-chip").get_text(strip=True) in "中差"
    assert "需修改后提交" in vague[4].get_text()  # an error blocks submission
    section = soup.find(id=rows[1].th.a["href"][1:])
    codes = [tr["data-code"] for tr in section.select("tbody tr.finding")]
    assert "IND_VALUE_VAGUE" in codes and "GOAL_MISSING" in codes
    assert soup.find("input", attrs={"name": "docs"}) is None  # the documents no longer ride in the page
    assert soup.select_one(".report .actions a[href='/login?next=/review']")  # sign in to save them as a season


def test_review_reports_unreadable_files_and_reviews_the_rest(client):
    files = [("files", ("ok.json", json.dumps(GOOD).encode(), "application/json")),
             ("files", ("broken.json", b"{not json", "application/json")),
             ("files", ("half.json", json.dumps([{"project": {"name": ""}}]).encode(), "application/json")),
             ("files", ("notes.txt", b"hello", "text/plain"))]
    soup = fragment(client.post("/review", files=files, headers=HX))
    problems = [li.get_text() for li in soup.select(".notice.warn li")]
    assert len(problems) == 3 and problems[0].startswith("broken.json：不是有效的 JSON")
    assert "项目名称" in problems[1] and "notes.txt" in problems[2]
    assert len(soup.select(".summary-table tbody tr")) == 1


def test_review_without_readable_documents_shows_an_empty_state(client):
    files = [("files", ("broken.json", b"[]", "application/json"))]
    soup = fragment(client.post("/review", files=files, headers=HX))
    assert soup.find(class_="empty-state") and soup.find("table") is None


def test_review_refuses_more_documents_than_the_batch_limit(kb_settings):
    settings = kb_settings.model_copy(update={"max_batch": 2})
    with TestClient(create_app(settings)) as c:
        files = [("files", ("a.json", json.dumps([GOOD] * 3).encode(), "application/json"))]
        r = c.post("/review", files=files, headers=HX)
        assert r.status_code == 422 and "2 份" in fragment(r).get_text()


FORM_COPIED = ("项目支出绩效目标申报表（2025年度）\r\n项目名称\t城区路灯维护\t主管部门\t市城市管理局\r\n"
               "年度资金总额（万元）\t100\r\n年度绩效目标\t维修路灯3200盏，亮灯率不低于98%。\r\n"
               "一级指标\t二级指标\t三级指标\t指标值\r\n产出指标\t数量指标\t维修路灯数量\t≥3200盏\r\n"
               "\t质量指标\t亮灯率\t≥98%\r\n效益指标\t社会效益指标\t夜间出行安全\t有所提升\r\n"
               "满意度指标\t服务对象满意度指标\t市民满意度\t≥90%\r\n")


def test_a_form_copied_out_of_a_spreadsheet_is_checked_where_it_is_pasted(client):
    soup = page(client, "/review")
    assert soup.select_one("form#paste-form textarea[name=paste]") is not None
    soup = fragment(client.post("/review/paste", data={"paste": FORM_COPIED}, headers=HX))
    (row,) = soup.select(".summary-table tbody tr")
    assert row.th.get_text() == "城区路灯维护" and row.select_one("td.small").get_text() == "粘贴的表格"
    section = soup.find(id=row.th.a["href"][1:])
    assert "IND_VALUE_VAGUE" in [tr["data-code"] for tr in section.select("tbody tr.finding")]  # 有所提升


def copied_form(doc: dict) -> str:
    """A goal document laid out as its form and copied out of a spreadsheet: labels, then the table."""
    p = doc["project"]
    rows = [f"项目名称\t{p['name']}\t主管部门\t{p.get('department') or ''}",
            f"年度资金总额（{p.get('budget_unit') or '万元'}）\t{p.get('budget') or ''}",
            f"支出方向\t{p.get('direction') or ''}", f"年度绩效目标\t{doc.get('goal') or ''}",
            "一级指标\t二级指标\t三级指标\t符号\t指标值\t计量单位\t取值依据\t上年实际值"]
    fields = ("level1", "level2", "name", "operator", "value", "unit", "basis", "baseline")
    rows += ["\t".join(str(i.get(f) or "") for f in fields) for i in doc["indicators"]]
    return "\r\n".join(rows) + "\r\n"


@pytest.mark.parametrize("doc", [GOOD, VAGUE, greening(), meals()], ids=["good", "vague", "greening", "meals"])
def test_a_pasted_form_is_checked_as_the_document_it_lays_out(client, doc):
    soup = fragment(client.post("/review/paste", data={"paste": copied_form(doc)}, headers=HX))
    pasted = sorted(tr["data-code"] for tr in soup.select("tr.finding"))
    sent = sorted(f["code"] for f in client.post("/api/v1/goals/check", json=doc).json()["findings"])
    assert pasted == sent and soup.select(".notice.warn li") == []


def test_a_budget_systems_list_pasted_is_checked_project_by_project_and_a_bad_paste_says_where(client):
    rows = ["项目名称\t预算部门\t项目金额（万元）\t年度绩效目标\t一级指标\t二级指标\t三级指标\t指标值",
            "城区路灯维护\t市城管局\t100\t维修路灯3200盏\t产出指标\t数量指标\t维修路灯数量\t≥3200盏",
            "\t\t\t\t满意度指标\t服务对象满意度指标\t市民满意度\t≥90%",
            "学生营养餐\t县教育局\t500\t为2万名学生提供营养餐\t产出指标\t数量指标\t受益学生人数\t≥20000人",
            "\t\t\t\t满意度指标\t服务对象满意度指标\t家长满意度\t≥90%"]
    soup = fragment(client.post("/review/paste", data={"paste": "\n".join(rows)}, headers=HX))
    assert [(r.th.get_text(), r.select_one("td.small").get_text()) for r in soup.select(".summary-table tbody tr")] == [
        ("城区路灯维护", "粘贴的表格 第 1 个项目"), ("学生营养餐", "粘贴的表格 第 2 个项目")]
    soup = fragment(client.post("/review/paste", data={"paste": "城区路灯维护\t100\n维修路灯\t3200"}, headers=HX))
    (problem,) = [li.get_text() for li in soup.select(".notice.warn li")]
    assert problem.startswith("粘贴的表格") and "找不到指标表的表头行" in problem
    r = client.post("/review/paste", data={"paste": "  "}, headers=HX)
    assert r.status_code == 422 and "没有粘贴内容" in fragment(r).get_text()


def test_draft_exports_as_a_goal_spreadsheet_the_review_page_reads_back(client, drafted):
    r = post(client, "/draft/export.xlsx", with_value(form_of(drafted), "value", 4, "≥5"), HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    [doc] = goal_sheets.read_goal_workbook(r.content)
    assert doc.project.name == "城市路灯维护" and len(doc.indicators) == 7 and doc.indicators[4].value_text == "≥5"


def test_review_template_downloads_as_a_workbook(client):
    r = client.get("/review/template.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    assert load_workbook(io.BytesIO(r.content)).sheetnames


def test_review_reads_filled_spreadsheets(client):
    data = goal_template.goal_workbook([GoalDocument.model_validate(GOOD), GoalDocument.model_validate(VAGUE)])
    files = [("files", ("申报表.xlsx", data, "application/octet-stream"))]
    soup = fragment(client.post("/review", files=files, headers=HX))
    rows = soup.select(".summary-table tbody tr")
    assert [r.th.get_text() for r in rows] == ["城市道路照明维护", "学生营养餐"]
    assert [td.get_text() for td in soup.select(".summary-table tbody td.small")] == ["申报表.xlsx"] * 2


def test_review_lists_the_cells_to_fix_in_a_damaged_spreadsheet(client):
    files = [("files", ("坏表.xlsx", b"PK not really a workbook", "application/octet-stream")),
             ("files", ("ok.json", json.dumps(GOOD).encode(), "application/json"))]
    soup = fragment(client.post("/review", files=files, headers=HX))
    problems = [li.get_text() for li in soup.select(".notice.warn li")]
    assert len(problems) == 1 and problems[0].startswith("坏表.xlsx") and ".xlsx" in problems[0]
    assert len(soup.select(".summary-table tbody tr")) == 1


def test_review_upload_saved_as_a_season_gives_the_report_from_the_server(kb_settings, users, engine, lookup):
    """The quick check's report is not exported from the page any more (the documents rode in a hidden
    field and failed above about 400 projects): the same upload is saved as a season, whose workbook
    the server makes."""
    c = TestClient(create_app(kb_settings))
    c.post("/login", data={"name": "审核员乙", "password": PASSWORD})
    files = [("files", ("a.json", json.dumps([GOOD, VAGUE]).encode(), "application/json"))]
    soup = page(c, "/review")
    form, save = soup.find("form", id="review-form"), soup.select_one("#review-form button.save-season")
    assert save["formaction"] == "/reviews" and form["enctype"] == "multipart/form-data"
    report = fragment(c.post("/review", files=files, headers={**HX, "x-csrf-token": csrf_of(soup)}))
    assert report.select_one("button.save-season")["form"] == "review-form"
    r = c.post(save["formaction"], files=files, data={"csrf_token": csrf_of(soup)}, follow_redirects=False)
    assert r.status_code == 303
    review_id = int(r.headers["location"].rsplit("/", 1)[1])
    reviews.run_checks(engine, lookup, worker="test-pages", review_id=review_id)
    # the session app's background worker may have claimed the season first: it finishes it
    assert wait_done(c, bearer(users["reviewer"]), review_id)["status"] == "done"
    r = c.get(f"/reviews/{review_id}/report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    summary = [[c.value for c in row] for row in wb["汇总"].iter_rows(min_row=2)]
    assert [row[1] for row in summary] == ["城市道路照明维护", "学生营养餐"] and summary[1][7] in "优良中差"
    assert wb["问题明细"].max_row > 2


def test_the_old_page_export_is_gone(client):
    r = client.post("/review/export.xlsx", data={"docs": "[{]"}, headers=HTML)
    assert r.status_code in (404, 405)


# ---- while the search indexes are not loaded ----------------------------------------------
@pytest.fixture
def no_search(client):
    # the library watch reloads search when the served version is not the current one (here: none);
    # holding the import guard keeps it from doing so mid-test, as it does during an import
    app = client.app
    with library_import_guard():
        saved = app.state.search, app.state.search_problem
        app.state.search, app.state.search_problem = None, "the search indexes are stale: run `kb init`"
        yield client
        app.state.search, app.state.search_problem = saved


def test_pages_keep_working_without_search(no_search):
    c = no_search
    soup = page(c, "/", params={"q": "路灯"})
    assert "搜索暂不可用" in soup.select_one("#search-results .notice").get_text() and not soup.select(".hits")
    assert "搜索暂不可用" in page(c, "/indicators/2120101-002").select_one(".similar").get_text()
    assert page(c, "/browse").select("details.tree-category")
    r = c.post("/draft", data=PROJECT, headers=HX)
    assert r.status_code == 503 and "搜索尚未就绪" in fragment(r).get_text()


def test_checking_without_search_still_reports_findings(no_search, drafted):
    soup = fragment(post(no_search, "/draft/check", form_of(drafted)))
    assert soup.select("#findings li.finding") and "未检查指标规范性" in soup.find(id="findings").get_text()


def test_uploads_without_a_file_are_refused_in_chinese(client, users):
    r = client.post("/review", data={"x": "1"}, headers=HX)
    assert r.status_code == 422 and "没有收到文件" in fragment(r).get_text()
    r = client.post("/library/import", data={"replace": "true"}, headers={**HX, **bearer(users["admin"])})
    assert r.status_code == 422 and "没有收到文件" in fragment(r).get_text()


def test_search_and_direction_pages_offer_their_rows_as_a_workbook(client):
    soup = page(client, "/", params={"q": "路灯", "level2": "质量指标"})
    link = soup.find("a", class_="export-link")["href"]
    assert "format=xlsx" in link and "level2=" in link
    r = client.get(link)
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).active.max_row >= 2
    soup = page(client, "/browse/2120101")
    link = next(a["href"] for a in soup.select("p.actions a") if "format=xlsx" in a["href"])
    rows = list(load_workbook(io.BytesIO(client.get(link).content)).active.iter_rows(values_only=True))
    assert len(rows) > 1 and all(str(r[0]).startswith("2120101-") for r in rows[1:])
