"""The JSON API per the contract, over the fixture library."""

import io
import re

import pytest
from openpyxl import load_workbook


def test_health(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["search_ready"] is True


def test_search_returns_contract_fields(client):
    body = client.get("/api/v1/search", params={"q": "路灯", "k": 3}).json()
    assert body["query"] == "路灯" and body["total"] >= 3 and len(body["hits"]) == 3
    hit = body["hits"][0]
    for field in ("code", "name", "category", "subcategory", "direction", "level1", "level2", "unit",
                  "explanation", "score"):
        assert field in hit
    assert hit["direction"] == "城市道路照明"


def test_search_filters_accept_short_level_names(client):
    body = client.get("/api/v1/search", params={"q": "学生", "level1": "满意度"}).json()
    assert body["hits"] and {h["level1"] for h in body["hits"]} == {"满意度指标"}


def test_indicators_page_through_whole_library_in_stable_order(client):
    first = client.get("/api/v1/indicators", params={"limit": 10}).json()
    second = client.get("/api/v1/indicators", params={"limit": 10, "offset": 10}).json()
    rest = client.get("/api/v1/indicators", params={"limit": 10, "offset": 20}).json()
    codes = [i["code"] for page in (first, second, rest) for i in page["items"]]
    assert first["total"] == 21 and len(codes) == 21 and codes == sorted(codes) and len(set(codes)) == 21


def test_indicators_filter_by_direction(client):
    body = client.get("/api/v1/indicators", params={"direction": "城市道路照明"}).json()
    assert body["total"] == 7 and all(i["direction"] == "城市道路照明" for i in body["items"])


def test_indicator_by_code(client):
    body = client.get("/api/v1/indicators/2120101-002").json()
    assert body["name"] == "路灯亮灯率" and body["formula"] and body["aliases"] == ["路灯完好率", "亮灯盏数"]


def test_unknown_indicator_is_404_with_a_hint(client):
    r = client.get("/api/v1/indicators/NOPE-1")
    assert r.status_code == 404 and "NOPE-1" in r.json()["error"]["message"]


def test_taxonomy_tree_with_counts(client):
    body = client.get("/api/v1/taxonomy").json()
    assert body["counts"] == {"categories": 2, "subcategories": 2, "directions": 3, "indicators": 21}
    edu = next(c for c in body["categories"] if c["name"] == "教育")
    assert edu["count"] == 14 and [(s["code"], s["name"]) for s in edu["subcategories"]] == [("20502", "普通教育")]
    assert edu["retired_subcategories"] == [{"code": "20501", "name": "学前教育", "superseded_by": "20502"}]


@pytest.mark.parametrize("path", ["/api/v1/indicators?subcategory={}&limit=100", "/api/v1/search?q=幼儿&k=100&subcategory={}"])
def test_a_retired_subcategory_code_filters_by_its_successor(client, path):
    def codes(sub):
        body = client.get(path.format(sub)).json()
        return sorted(i["code"] for i in body.get("items", body.get("hits", [])))

    now = codes("20502")
    assert now and all(c.startswith("205") for c in now)
    assert codes("20501") == now and codes("普通教育") == now


def test_versions_listed(client):
    versions = client.get("/api/v1/versions").json()["versions"]
    assert versions[0]["number"] >= 1 and versions[0]["indicator_count"] == 21


def test_openapi_docs_served_with_their_own_files(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text and "http" not in page.text.replace("http-equiv", "")
    for asset in re.findall(r'(?:src|href)="(/docs-assets/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("params,status", [
    ({"q": ""}, 422), ({"q": "路灯", "k": "ten"}, 422), ({"q": "路灯", "k": 0}, 422),
    ({"q": "路灯", "mode": "fuzzy"}, 422), ({"q": "路灯", "level2": "好坏指标"}, 422), ({}, 422),
])
def test_bad_search_requests_get_4xx_with_the_error_shape(client, params, status):
    r = client.get("/api/v1/search", params=params)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["status"] == status and error["message"] and isinstance(error["details"], list)


def test_openapi_documents_the_search_hit(client):
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/v1/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/SearchResponse")
    assert {"code", "name", "direction", "score", "matched"} <= set(spec["components"]["schemas"]["SearchHit"]["properties"])


def _sheet_rows(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)  # no formula anywhere
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_a_search_as_a_workbook_holds_the_rows_of_the_json_answer(client):
    params = {"q": "路灯", "k": 5}
    hits = client.get("/api/v1/search", params=params).json()["hits"]
    r = client.get("/api/v1/search", params={**params, "format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = _sheet_rows(r.content)
    header, body = rows[0], rows[1:]
    assert header[0] == "指标编码" and header[-1] == "相关度"
    assert [row[0] for row in body] == [h["code"] for h in hits]
    assert [row[header.index("三级指标")] for row in body] == [h["name"] for h in hits]


def test_a_filtered_page_of_indicators_as_a_workbook(client):
    params = {"level2": "质量指标", "limit": 50}
    items = client.get("/api/v1/indicators", params=params).json()["items"]
    rows = _sheet_rows(client.get("/api/v1/indicators", params={**params, "format": "xlsx"}).content)
    assert [row[0] for row in rows[1:]] == [i["code"] for i in items] and items
    assert {row[rows[0].index("二级指标")] for row in rows[1:]} == {"质量指标"}


def test_an_unknown_address_is_a_404_that_says_where_the_api_is_in_chinese(client):
    r = client.get("/api/v1/no-such-thing")
    message = r.json()["error"]["message"]
    assert r.status_code == 404 and "/api/v1/no-such-thing" in message and "/docs" in message
    assert "没有" in message and "nothing" not in message
