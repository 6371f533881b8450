"""Changing the library through the API: admin only, a dry run first, every version restorable, and
search serving the new version at once here and within the poll interval on another server."""

from __future__ import annotations

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient

from kb import accounts
from kb.db import get_engine, session_scope
from services.bootstrap import initialise
from services.library_io import COLUMNS
from tests.conftest import FIXTURE_LIBRARY, bearer
from web.app import create_app

HEADER = [h for _, h in COLUMNS]
NEW_ROW = {"category": "城乡社区", "subcategory": "城乡社区公共设施", "direction": "城市道路照明", "level1": "产出指标",
           "level2": "质量指标", "name": "路灯杆体防腐刷漆完成率", "unit": "%", "operator": "≥",
           "explanation": "年度计划刷漆防腐的路灯杆中已完成的比例。", "basis": "计划标准"}


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([[r.get(f, "") for f, _ in COLUMNS] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def csv_of(records: list[dict]) -> bytes:
    """Exported rows (header → cell) back to a CSV file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([[r[h] for h in HEADER] for r in records])
    return out.getvalue().encode("utf-8-sig")


def upload(data: bytes, name: str = "lib.csv") -> dict:
    return {"file": (name, data, "text/csv")}


@pytest.fixture
def admin_client(fresh_settings):
    """A knowledge base of its own over the fixture library, with an admin and a reviewer."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    tokens = {}
    with session_scope(get_engine(fresh_settings)) as session:
        for name, role in (("管理员甲", "admin"), ("审核员乙", "reviewer")):
            tokens[role] = accounts.add_user(session, name=name, role=role, password="correct-horse-9")[1]
    with TestClient(create_app(fresh_settings)) as c:
        c.tokens = tokens
        yield c


def admin(c) -> dict:
    return bearer(c.tokens["admin"])


def everything(c) -> dict[str, dict]:
    """Every indicator, retired ones too, as stored (the export the library page offers)."""
    r = c.get("/library/export.csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_writes_need_a_signed_in_admin(client, users):
    files = upload(csv_bytes([NEW_ROW]))
    for url in ("/api/v1/library/import?dry_run=true", "/api/v1/library/versions/1/restore"):
        r = client.post(url, files=files)
        assert r.status_code == 401 and "Authorization" in r.json()["error"]["message"], url
        for role in ("reviewer", "department"):
            r = client.post(url, files=files, headers=bearer(users[role]))
            assert r.status_code == 403 and "管理员" in r.json()["error"]["message"], (url, role)
    assert client.get("/api/v1/library/versions").status_code == 200  # reading the versions is open


def test_export_then_import_of_the_whole_library_changes_nothing(admin_client):
    c = admin_client
    for fmt in ("csv", "xlsx"):
        data = c.get(f"/library/export.{fmt}").content
        for dry_run in ("true", "false"):
            r = c.post(f"/api/v1/library/import?dry_run={dry_run}", files=upload(data, f"lib.{fmt}"), headers=admin(c))
            assert r.status_code == 200, r.text
            body = r.json()
            assert (body["added"], body["changed"], body["retired"], body["version"]) == (0, 0, 0, None), body
            assert body["taxonomy_changed"] == 0 and body["base_version"] == 1 and "没有变化" in body["message"]
    assert [v["number"] for v in c.get("/api/v1/library/versions").json()["versions"]] == [1]


def test_a_replace_is_previewed_then_applied_then_undone_by_a_restore(admin_client):
    c = admin_client
    before = everything(c)
    active = sum(r["状态"] == "在用" for r in before.values())
    one_row = csv_of([{**before["2120101-002"], "指标解释": "夜间巡查时正常亮灯的路灯占比。"}])

    preview = c.post("/api/v1/library/import?mode=replace&dry_run=true", files=upload(one_row), headers=admin(c))
    body = preview.json()
    assert preview.status_code == 200 and body["dry_run"] is True and body["mode"] == "replace"
    assert body["version"] == 2 and body["base_version"] == 1
    category = [code for code, r in before.items() if r["大类编码"] == "212" and r["状态"] == "在用"]
    assert body["retired"] == len(category) - 1 > 0  # the rest of the file's category (城乡社区) goes
    assert body["changed"] == 1 and body["added"] == 0 and body["indicator_count"] == active - body["retired"]
    fields = body["changes"]["changed"][0]["fields"]
    assert fields == [{"field": "explanation", "label": "指标解释", "old": before["2120101-002"]["指标解释"],
                       "new": "夜间巡查时正常亮灯的路灯占比。"}]
    assert {i["code"] for i in body["changes"]["retired"]} == set(category) - {"2120101-002"}
    assert everything(c) == before and c.get("/health").json()["library_version"] == 1  # nothing written

    stale = c.post("/api/v1/library/import?mode=replace&expect_version=0", files=upload(one_row), headers=admin(c))
    assert stale.status_code == 409 and "重新预览" in stale.json()["error"]["message"]
    done = c.post("/api/v1/library/import?mode=replace&expect_version=1", files=upload(one_row), headers=admin(c))
    assert done.status_code == 200 and done.json()["version"] == 2 and done.json()["dry_run"] is False
    assert {k: done.json()[k] for k in ("added", "changed", "retired")} == {
        k: body[k] for k in ("added", "changed", "retired")}
    assert c.get("/health").json()["library_version"] == 2  # served at once
    after = everything(c)
    assert sum(r["状态"] == "在用" for r in after.values()) == active - body["retired"]

    restore = c.post("/api/v1/library/versions/1/restore?dry_run=true", headers=admin(c)).json()
    assert (restore["added"], restore["changed"], restore["retired"]) == (body["retired"], 1, 0)
    assert everything(c) == after
    r = c.post("/api/v1/library/versions/1/restore", headers=admin(c))
    assert r.status_code == 200 and r.json()["version"] == 3 and r.json()["mode"] == "restore"
    assert everything(c) == before  # texts and statuses as they were
    assert c.get("/health").json()["library_version"] == 3
    hits = c.get("/api/v1/search", params={"q": "路灯亮灯率"}).json()["hits"]
    assert hits[0]["explanation"] == before["2120101-002"]["指标解释"]

    versions = c.get("/api/v1/library/versions").json()
    assert versions["current"] == 3 and versions["served"] == 3
    newest, imported, builtin = versions["versions"]
    assert newest["source_label"] == "恢复第 1 版" and newest["imported_by"] == "管理员甲"
    assert imported["source"] == "import:lib.csv" and imported["imported_by"] == "管理员甲"
    assert builtin["imported_by"] == "" and builtin["indicator_count"] == newest["indicator_count"] == active
    assert all(v["restorable"] and v["created_at"].endswith("+08:00") for v in versions["versions"])
    again = c.post("/api/v1/library/versions/3/restore", headers=admin(c)).json()
    assert again["version"] is None  # the current content already: nothing to do
    missing = c.post("/api/v1/library/versions/9/restore", headers=admin(c))
    assert missing.status_code == 404 and "第 9 版" in missing.json()["error"]["message"]


def test_only_a_workbook_or_csv_is_imported(admin_client):
    r = admin_client.post("/api/v1/library/import", files={"file": ("x.pdf", b"%PDF", "application/pdf")},
                          headers=admin(admin_client))
    assert r.status_code == 422 and ".xlsx、.xls、WPS 表格 .et 或 .csv" in r.json()["error"]["message"]
    r = admin_client.post("/api/v1/library/import?mode=everything", files=upload(b"x"), headers=admin(admin_client))
    assert r.status_code == 422


def test_an_imported_indicator_is_searchable_at_once_here_and_soon_on_another_server(admin_client, tmp_path):
    """Two servers share one database; each has its own indexes. The one that imports serves the new
    version before it answers; the other polls the database and serves it within the poll interval."""
    c = admin_client
    settings = c.app.state.settings
    other = settings.model_copy(update={"data_dir": tmp_path / "other", "database_url": settings.db_url,
                                        "library_poll_seconds": 0.5})
    initialise(other, builtin=False)  # its own indexes, of version 1
    with TestClient(create_app(other)) as second:
        assert second.get("/health").json()["library_version"] == 1
        r = c.post("/api/v1/library/import", files=upload(csv_bytes([NEW_ROW])), headers=admin(c))
        assert r.status_code == 200 and r.json()["added"] == 1 and r.json()["version"] == 2
        names = [h["name"] for h in c.get("/api/v1/search", params={"q": "路灯杆体防腐刷漆"}).json()["hits"]]
        assert names[0] == "路灯杆体防腐刷漆完成率" and c.get("/health").json()["library_version"] == 2
        start = time.monotonic()
        while second.get("/health").json()["library_version"] != 2 and time.monotonic() - start < 30:
            time.sleep(0.1)
        took = time.monotonic() - start
        assert second.get("/health").json()["library_version"] == 2 and took < 10, took
        names = [h["name"] for h in second.get("/api/v1/search", params={"q": "路灯杆体防腐刷漆"}).json()["hits"]]
        assert names[0] == "路灯杆体防腐刷漆完成率"
