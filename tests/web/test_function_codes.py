"""Finding the library by the budget system's classification (支出功能分类), over the fixture
library: 普惠性幼儿园补助 files under 2050201 (学前教育), 学生营养改善计划 under 2050202/2050203
(小学/初中教育), 城市道路照明 under 21203 (城乡社区公共设施)."""

import pytest

EDU_PRESCHOOL, EDU_MEALS, LAMPS = "2050101", "2050201", "2120101"


def directions_of(items) -> set[str]:
    return {i["code"].split("-")[0] for i in items}


def test_taxonomy_carries_function_codes_on_every_direction(client):
    body = client.get("/api/v1/taxonomy").json()
    codes = {d["code"]: d["function_codes"] for c in body["categories"] for s in c["subcategories"]
             for d in s["directions"]}
    assert codes == {EDU_PRESCHOOL: ["2050201"], EDU_MEALS: ["2050202", "2050203"], LAMPS: ["21203"]}


@pytest.mark.parametrize("code,expected,matched", [
    ("2050201", {EDU_PRESCHOOL}, "2050201"),              # a 项: only the directions filed under it
    ("2050203", {EDU_MEALS}, "2050203"),
    ("20502", {EDU_PRESCHOOL, EDU_MEALS}, "20502"),       # a 款 matches the 项 codes under it
    ("205", {EDU_PRESCHOOL, EDU_MEALS}, "205"),           # a 类 matches everything under it
    ("21203", {LAMPS}, "21203"),
    ("2120399", {LAMPS}, "2120399"),    # a 项 of the 款 a direction is budgeted by: 城市道路照明 cites 21203
    ("2050299", {EDU_PRESCHOOL, EDU_MEALS}, "20502"),     # a 项 no direction cites: its 款's directions
    ("2120101", {LAMPS}, "212"),                          # …or, with none under its 款 either, its 类's
    ("2100408", set(), "2100408"),                        # nothing under its 类: nothing, not everything
])
def test_indicators_filter_by_function_code(client, code, expected, matched):
    body = client.get("/api/v1/indicators", params={"function_code": code, "limit": 100}).json()
    assert directions_of(body["items"]) == expected
    assert body["total"] == len(body["items"]) and body["function_code_matched"] == matched
    hits = client.get("/api/v1/search", params={"q": "学生 幼儿园 路灯", "function_code": code, "k": 50}).json()
    assert directions_of(hits["hits"]) <= expected and hits["function_code_matched"] == matched
    assert bool(hits["hits"]) == bool(expected)


def test_without_a_function_code_nothing_says_it_matched_one(client):
    assert client.get("/api/v1/indicators").json()["function_code_matched"] is None
    assert client.get("/api/v1/search", params={"q": "学生"}).json()["function_code_matched"] is None


def test_function_code_combines_with_other_filters(client):
    body = client.get("/api/v1/indicators", params={"function_code": "20502", "level1": "满意度"}).json()
    assert body["items"] and {i["level1"] for i in body["items"]} == {"满意度指标"}
    assert directions_of(body["items"]) <= {EDU_PRESCHOOL, EDU_MEALS}


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_search_filters_by_function_code(client, mode):
    params = {"q": "学生 幼儿园 路灯", "k": 20, "mode": mode}
    everything = client.get("/api/v1/search", params=params).json()
    assert len(directions_of(everything["hits"])) > 1
    only_preschool = client.get("/api/v1/search", params={**params, "function_code": "2050201"}).json()
    assert only_preschool["hits"] and directions_of(only_preschool["hits"]) == {EDU_PRESCHOOL}
    by_kuan = client.get("/api/v1/search", params={**params, "function_code": "20502"}).json()
    assert by_kuan["hits"] and directions_of(by_kuan["hits"]) <= {EDU_PRESCHOOL, EDU_MEALS}
    none = client.get("/api/v1/search", params={**params, "function_code": "21001"}).json()
    assert none["total"] == 0 and none["hits"] == [] and none["function_code_matched"] == "21001"


def test_full_width_digits_are_a_code(client):
    body = client.get("/api/v1/indicators", params={"function_code": "２０５０２０１"}).json()
    assert directions_of(body["items"]) == {EDU_PRESCHOOL} and body["function_code_matched"] == "2050201"


@pytest.mark.parametrize("code", ["2050", "20502011", "学前教育", "2O502"])
def test_a_malformed_function_code_is_422_with_a_hint(client, code):
    for path in ("/api/v1/indicators", "/api/v1/search"):
        r = client.get(path, params={"q": "学生", "function_code": code})
        assert r.status_code == 422
        assert "function_code" in str(r.json()["error"])


def test_direction_page_and_browse_show_the_codes(client):
    page = client.get(f"/browse/{EDU_MEALS}").text
    assert "支出功能分类科目" in page and "2050202" in page and "2050203" in page
    assert "21203" in client.get("/browse").text
