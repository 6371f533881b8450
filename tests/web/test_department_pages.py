"""部门整体 (902) in the browse and direction pages and the API filters: its own levels (运行成本, 管理效率,
履职效能, 满意度), checked as parsed HTML over the fixture library plus two 902 directions."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from indicators.framework import DEPARTMENT, LEVELS
from tests.department_library import department_settings
from web.app import create_app

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(department_settings(tmp_path_factory.mktemp("dept-web")))) as c:
        yield c


def page(client, url) -> BeautifulSoup:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def test_browse_shows_902_with_its_own_levels(client):
    soup = page(client, "/browse")
    categories = {d.summary.select_one(".tree-name").get_text(): d for d in soup.select("details.tree-category")}
    department = categories["部门整体绩效"].select_one("dl.framework-levels")
    levels = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in department.select("dt")}
    assert list(levels) == list(DEPARTMENT.levels)
    assert levels["管理效率"] == "预算执行、预算管理、资产管理、采购管理、绩效管理"
    assert categories["教育"].select_one("dl.framework-levels") is None  # a project category keeps the usual table


def test_a_department_direction_groups_its_indicators_by_the_department_levels(client):
    soup = page(client, "/browse/9020102")
    sections = soup.select("section.level-group")
    assert [s.h2.get_text() for s in sections] == list(DEPARTMENT.levels)
    management = [th.get_text().split("（")[0] for th in sections[1].select("tr.group-row th")]
    assert management == ["预算执行", "预算管理", "资产管理", "绩效管理"]
    assert not set(LEVELS) - {"满意度指标"} & {s.h2.get_text() for s in sections}
    listed = len(soup.select("tbody th[scope=row] a"))
    assert listed == client.get("/api/v1/indicators", params={"direction": "9020102"}).json()["total"]


def test_a_project_direction_still_groups_by_the_project_levels(client):
    soup = page(client, "/browse/2120101")
    assert [s.h2.get_text() for s in soup.select("section.level-group")] == list(LEVELS)


def test_the_api_filters_by_department_levels(client):
    body = client.get("/api/v1/indicators", params={"level1": "运行成本", "limit": 500}).json()
    assert body["total"] > 0 and {i["category"] for i in body["items"]} == {"部门整体绩效"}
    assert {i["level2"] for i in body["items"]} <= set(DEPARTMENT.levels["运行成本"])
    hits = client.get("/api/v1/search", params={"q": "三公经费", "level2": "三公经费"}).json()["hits"]
    assert hits and all(h["level1"] == "运行成本" and h["level2"] == "三公经费" for h in hits)
    assert client.get("/api/v1/indicators", params={"level1": "运行效率"}).status_code == 422


def test_the_search_page_filters_by_a_department_level(client):
    soup = page(client, "/?q=预算执行率&level1=管理效率")
    links = soup.select("a[href^='/indicators/']")
    assert links and all(a["href"].startswith("/indicators/902") for a in links)
    assert any("预算执行率" in a.get_text() for a in links)


def test_the_draft_page_drafts_a_department_goal_on_its_own_framework(client):
    r = client.post("/draft", data={"p_name": "市市场监督管理局部门整体支出", "p_kind": "department", "p_budget": "12000",
                                    "p_department": "市市场监督管理局", "p_description": "市场监管执法、食品安全抽检"})
    soup = BeautifulSoup(r.text, "html.parser")
    assert r.status_code == 200
    assert soup.select_one("#p_kind option[selected]")["value"] == "department"
    level1s = {i["value"] for i in soup.select("input[name=level1]")}
    assert {"运行成本", "管理效率", "履职效能"} <= level1s and not level1s & {"产出指标", "效益指标"}
    groups = [g["label"] for g in soup.select("select[name=level2]")[0].select("optgroup")]
    assert groups == ["运行成本", "管理效率", "履职效能", "满意度指标"]
    assert "不在指标框架中" not in r.text
    codes = {li["data-code"] for li in soup.select("li.finding")}
    assert not codes & {"DEPT_MISSING_RUNNING_COST", "DEPT_MISSING_MANAGEMENT", "DEPT_MISSING_PERFORMANCE",
                        "IND_LEVEL_INVALID", "DIM_MISSING_QUANTITY"}


def test_the_draft_pages_goal_for_a_unit_names_the_unit_and_its_duties(client):
    """The page composes the goal again as the table changes: a unit's is its overall goal (全面履行部门职责, with its
    duties' and management's numbers), not a project's (实施某县民政局2026年部门整体绩效目标…)."""
    r = client.post("/draft", data={"p_name": "某县民政局2026年部门整体绩效目标", "p_kind": "department",
                                    "p_budget": "1860"})
    goal = BeautifulSoup(r.text, "html.parser").select_one("textarea[name=goal]").get_text()
    assert goal.startswith("2026年，某县民政局（部门预算1860万元）全面履行部门职责"), goal
    assert "实施" not in goal and "绩效目标（" not in goal and "运行成本上" in goal, goal
