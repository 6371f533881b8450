"""Hostile input replayed against the real app: crafted spreadsheets, text no database can hold,
absurd numbers, oversize bodies, concurrent imports. Each gets a 4xx with a Chinese message in a
few seconds, never a 500, and the service keeps answering."""

from __future__ import annotations

import csv
import inspect
import io
import resource
import time

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from indicators.goal_template import goal_workbook
from indicators.goals import GoalDocument
from kb import accounts
from kb.db import get_engine, session_scope
from services.bootstrap import initialise
from services.library_io import export_library, import_library
from tests import hostile_files, pdf_documents
from tests.conftest import FIXTURE_LIBRARY, bearer
from web.app import create_app
from web.deps import library_import_guard, upload_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = {"project": {"name": "学生资助", "budget": 100}, "goal": "资助学生100人", "indicators": []}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return hostile_files.zip_bomb()


def timed(call):
    t0 = time.perf_counter()
    response = call()
    return response, time.perf_counter() - t0


def message(response) -> str:
    return response.json()["error"]["message"]


def post_json(client, path: str, raw: bytes):
    return client.post(path, content=raw, headers={"content-type": "application/json"})


# ---------------------------------------------------------------------------- spreadsheets

@pytest.mark.parametrize("crafted", ["far_cell", "zip_bomb", "understated_bomb", "entity_bomb",
                                     "shared_strings_bomb", "styles_bomb"])
def test_a_crafted_workbook_sent_for_checking_gets_a_4xx_at_once(client, bomb, crafted):
    data = bomb if crafted == "zip_bomb" else getattr(hostile_files, crafted)()
    r, seconds = timed(lambda: client.post("/api/v1/goals/check/workbook",
                                           files={"files": ("申报表.xlsx", data, XLSX)}))
    assert r.status_code == 422 and seconds < 5
    problem = " ".join(r.json()["error"]["details"])
    assert "申报表.xlsx" in problem and ("上限" in problem or "另存为 .xlsx" in problem)
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.parametrize(("crafted", "said"), [("xls_far_cells", "第 65,536 行有内容"),
                                              ("xls_formatted_blanks", "含空白单元格的格式"),
                                              ("docx_element_bomb", "文档正文有 2,000,")])
def test_a_crafted_xls_or_docx_gets_a_4xx_before_it_is_read(client, crafted, said):
    """Read as written, the first (5 KB) makes xlrd build 1.6 GB; the second (2 MB), 240 MB; the third (50 KB),
    an lxml tree of two million elements."""
    data = getattr(hostile_files, crafted)()
    name = "申报表.docx" if crafted.startswith("docx") else "申报表.xls"
    r, seconds = timed(lambda: client.post("/api/v1/goals/check/workbook", files={"files": (name, data)}))
    assert r.status_code == 422 and seconds < 5
    (problem,) = r.json()["error"]["details"]
    assert problem.startswith(f"{name}：") and said in problem and "上限" in problem
    assert client.get("/health").json()["status"] == "ok"


def test_the_xfd1048576_workbook_names_the_row_limit(client):
    r = client.post("/api/v1/goals/check/workbook", files={"files": ("a.xlsx", hostile_files.far_cell(), XLSX)})
    assert "第 1,048,576 行有内容，超过 50,000 行的上限" in r.json()["error"]["details"][0]


def test_a_zip_bomb_on_the_review_page_is_listed_as_a_file_problem(client, bomb):
    r, seconds = timed(lambda: client.post("/review", files={"files": ("大文件.xlsx", bomb, XLSX)},
                                           headers={"accept": "text/html"}))
    assert r.status_code == 200 and seconds < 5
    assert "大文件.xlsx" in r.text and "64 MB 的上限" in r.text


@pytest.mark.parametrize("crafted", ["far_cell", "zip_bomb"])
def test_a_crafted_workbook_imported_as_the_library_gets_413(client, users, bomb, crafted):
    data = bomb if crafted == "zip_bomb" else hostile_files.far_cell()
    r, seconds = timed(lambda: client.post("/library/import", headers=bearer(users["admin"]),
                                           files={"file": ("指标库.xlsx", data, XLSX)}))
    assert r.status_code == 413 and seconds < 5 and "上限" in message(r)


def test_a_long_chinese_file_name_on_import_is_cut_not_a_500(client, users):
    name = "二〇二五年度某某市财政局预算绩效管理共性指标库（征求意见稿）" * 8 + ".csv"
    r = client.post("/library/import", headers=bearer(users["admin"]),
                    files={"file": (name, "指标编码\n".encode(), "text/csv")})
    assert r.status_code == 422 and "二〇二五年度" in message(r)
    assert len(upload_name(name).encode()) <= 120 and upload_name(name).endswith(".csv")


@pytest.mark.parametrize("name", ["a\x00b.xlsx", "😀" * 100 + ".xlsx", "..\\..\\C:\\evil.xlsx"])
def test_odd_upload_names_are_reported_not_a_500(client, name):
    r = client.post("/api/v1/goals/check/workbook", files={"files": (name, b"not a workbook", XLSX)})
    assert r.status_code == 422


def test_the_review_report_writes_uploaded_formulas_as_text(client):
    doc = GoalDocument.model_validate({**GOOD, "project": {"name": '=HYPERLINK("http://x.example/?"&B2,"详情")'}})
    r = client.post("/api/v1/goals/check/workbook?format=xlsx",
                    files={"files": ("a.xlsx", goal_workbook([doc]), XLSX)})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert wb["汇总"]["A2"].value == doc.project.name


def test_control_characters_in_uploaded_text_do_not_break_the_report(client):
    doc = b'{"project":{"name":"a\\u0001b\\u000bc"},"goal":"\\u001f","indicators":[]}'
    r = client.post("/api/v1/goals/check/workbook?format=xlsx", files={"files": ("a.json", doc, "application/json")})
    assert r.status_code == 200
    assert load_workbook(io.BytesIO(r.content))["汇总"]["A2"].value == "abc"


@pytest.mark.parametrize("data", [rb'{"project":{"name":"\ud800"},"goal":"","indicators":[]}', b"[" * 100_000])
def test_an_uploaded_json_file_no_answer_could_carry_is_a_file_problem(client, data):
    r = client.post("/api/v1/goals/check/workbook", files={"files": ("a.json", data, "application/json")})
    assert r.status_code == 422 and ("U+D800" in r.json()["error"]["details"][0]
                                     or "嵌套层数过多" in r.json()["error"]["details"][0])


@pytest.mark.parametrize(("path", "data"), [("/api/v1/goals/check", {"content": b"[" * 100_000}),
                                            ("/draft/edit", {"data": {"doc": "[" * 100_000}})])
def test_deeply_nested_json_is_a_4xx(client, path, data):
    r = client.post(path, **data, headers={"content-type": "application/json"} if "content" in data else {})
    assert 400 <= r.status_code < 500 and "请" in message(r)


@pytest.mark.parametrize(("ctype", "said"), [("multipart/form-data; boundary=zz", "无法解析"),
                                             ("multipart/form-data", "缺少 boundary")])
def test_a_body_that_is_not_multipart_gets_a_400_in_chinese(client, ctype, said):
    r = client.post("/api/v1/goals/check/workbook", content=b"garbage", headers={"content-type": ctype})
    assert r.status_code == 400 and said in message(r)


@pytest.mark.parametrize("path", ["/review/paste", "/draft/edit"])
def test_a_paste_past_a_form_fields_size_is_told_in_chinese_and_one_past_the_tables_too(client, path):
    big = client.post(path, data={"paste": "亮\t" * 400_000, "action": "paste"}, headers={"accept": "text/html"})
    assert big.status_code == 400 and "超过 1 MB" in big.text and "分几次" in big.text
    wide = client.post(path, data={"paste": "亮灯率\t98\n" * 15_000, "action": "paste"}, headers={"accept": "text/html"})
    assert "超过 100000 的上限" in wide.text and "分几次粘贴" in wide.text


# ---------------------------------------------------------------------------- text and numbers

@pytest.mark.parametrize(("raw", "field", "said"), [
    (rb'{"project":{"name":"\ud800"},"goal":"","indicators":[]}', "project.name", "U+D800"),
    (rb'{"project":{"name":"a"},"goal":"x\udc00y","indicators":[]}', "goal", "U+DC00"),
    (b'{"project":{"name":"\xed\xa0\x80"},"goal":"","indicators":[]}', "project.name", "U+D800"),
    (rb'{"project":{"name":"a"},"goal":"","indicators":[{"name":"x\u0000"}]}', "indicators.0.name", "U+0000"),
])
def test_text_no_database_can_hold_is_refused_naming_the_field(client, raw, field, said):
    r = post_json(client, "/api/v1/goals/check", raw)
    assert r.status_code == 422 and field in message(r) and said in message(r)


@pytest.mark.parametrize("path", ["/api/v1/goals/draft", "/api/v1/goals/check/batch"])
def test_a_lone_surrogate_is_refused_on_every_json_endpoint(client, path):
    raw = rb'{"project":{"name":"\udfff"},"documents":[{"project":{"name":"\udfff"}}]}'
    r = post_json(client, path, raw)
    assert r.status_code == 422 and "U+DFFF" in message(r)


def test_a_surrogate_pair_is_ordinary_text(client):
    r = post_json(client, "/api/v1/goals/check", rb'{"project":{"name":"\ud83d\ude00"},"goal":"","indicators":[]}')
    assert r.status_code == 200


@pytest.mark.parametrize("budget", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1e308"])
def test_absurd_budgets_get_a_message_not_a_crash(client, budget):
    raw = b'{"project":{"name":"a","budget":' + budget + b'},"goal":"","indicators":[]}'
    for path in ("/api/v1/goals/check", "/api/v1/goals/draft"):
        r = post_json(client, path, raw)
        assert r.status_code == 422 and "project.budget" in message(r), path
        assert "有限的数字" in message(r) or "上限" in message(r)


def test_a_nan_budget_in_a_batch_is_that_document_s_error(client):
    r = post_json(client, "/api/v1/goals/check/batch",
                  b'{"documents":[{"project":{"name":"a","budget":NaN},"goal":"","indicators":[]}]}')
    assert r.status_code == 200 and "有限的数字" in r.json()["results"][0]["error"]


@pytest.mark.parametrize("url", ["/api/v1/indicators?offset=9223372036854775808",
                                 "/api/v1/indicators?offset=99999999999999999999999",
                                 "/api/v1/indicators?limit=9223372036854775808",
                                 "/api/v1/search?q=路灯&k=9223372036854775808"])
def test_huge_integers_in_the_query_are_refused(client, url):
    r = client.get(url)
    assert r.status_code == 422 and "不能大于" in message(r)


@pytest.mark.parametrize("url", ["/api/v1/search?q=%E8%B7%AF%00", "/api/v1/indicators?category=%00",
                                 "/api/v1/indicators/201%00"])
def test_nul_in_the_url_is_refused(client, url):
    r = client.get(url)
    assert r.status_code == 422 and "U+0000" in message(r)


def test_nul_in_a_form_is_refused(client):
    r = client.post("/draft/check", content=b"name=%E8%B7%AF%00",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422 and "name" in message(r)


@pytest.mark.parametrize("q", ["，。！", "%ED%A0%80", "……——"])
def test_noise_queries_match_nothing(client, q):
    r = client.get(f"/api/v1/search?q={q}")
    assert r.status_code == 200 and r.json()["total"] == 0 and r.json()["hits"] == []


# ---------------------------------------------------------------------------- hygiene

@pytest.mark.parametrize("path", ["/", "/api/v1/taxonomy", "/health", "/nowhere", "/docs"])
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "cdn.jsdelivr.net" not in csp and "https:" not in csp  # nothing is loaded from outside


def test_a_405_says_which_methods_are_allowed(client):
    r = client.delete("/api/v1/search")
    assert r.status_code == 405 and r.headers["allow"] == "GET" and "GET" in message(r)


def test_an_oversize_chunked_body_gets_413_and_the_headers(client):
    chunks = (b"x" * 1_000_000 for _ in range(13))  # no content-length: sent chunked
    r = client.post("/api/v1/goals/check", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"
    assert "超过 12 MB 的上限" in message(r) and "分几次提交" in message(r)


def test_an_oversize_upload_from_a_page_is_told_on_a_page_in_chinese(client):
    body = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\n" + b"x" * 13_000_000
    r = client.post("/review", content=body, headers={"content-type": "multipart/form-data; boundary=b",
                                                      "accept": "text/html"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "有 13.0 MB，超过 12 MB 的上限" in r.text


def test_an_oversize_chunked_upload_gets_413(client):
    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.xlsx"\r\n\r\n'
        for _ in range(13):
            yield b"x" * 1_000_000
    r = client.post("/api/v1/goals/check/workbook", content=chunks(),
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


# ---------------------------------------------------------------------------- operations

def test_health_is_async_and_says_what_it_serves(client):
    route = next(r for r in client.app.routes if getattr(r, "path", "") == "/health")
    assert inspect.iscoroutinefunction(route.endpoint)
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["search_ready"] is True and isinstance(body["library_version"], int)
    assert body["catching_up"] is False


def test_a_second_import_while_one_runs_gets_409(client, users):
    with library_import_guard():  # an import under way
        r = client.post("/api/v1/library/import", headers=bearer(users["admin"]),
                        files={"file": ("lib.csv", "指标编码\n".encode(), "text/csv")})
    assert r.status_code == 409 and "另一个指标库导入正在进行" in message(r)
    r = client.post("/api/v1/library/import", headers=bearer(users["admin"]),
                    files={"file": ("lib.csv", "指标编码\n".encode(), "text/csv")})
    assert r.status_code == 422  # the lock was released: the next import is read (and this one refused)


def test_an_import_that_changes_nothing_still_brings_a_stale_index_up_to_date(fresh_settings, tmp_path):
    """An import whose index rebuild was cut off (the library changed, the index did not): importing
    the same file again reports nothing new, and search comes back instead of staying down."""
    initialise(fresh_settings, library_dir=FIXTURE_LIBRARY)
    with session_scope(get_engine(fresh_settings)) as session:
        token = accounts.add_user(session, name="管理员", role="admin")[1]
    out = tmp_path / "lib.csv"
    export_library(fresh_settings, out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("指标解释")] += "（修订）"
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    assert import_library(fresh_settings, out) is not None  # the library changed; no rebuild followed
    with TestClient(create_app(fresh_settings)) as c:
        first = c.get("/health").json()  # answering from the earlier indexes while catching up
        assert first["search_ready"] is True and first["library_version"] == 1
        assert c.get("/api/v1/search?q=路灯").status_code == 200
        c.app.state.catch_up.join(timeout=120)
        r = c.post("/api/v1/library/import", headers=bearer(token),
                   files={"file": ("lib.csv", out.read_bytes(), "text/csv")})
        assert r.status_code == 200 and r.json()["version"] is None  # nothing new in the file
        health = c.get("/health").json()
        assert health["search_ready"] is True and health["library_version"] >= 2 and not health["catching_up"]
        assert c.get("/api/v1/search?q=路灯").status_code == 200


def test_a_pdf_that_inflates_to_gigabytes_is_refused_and_only_its_reader_paid(client):
    """6 MB of PDF whose one content stream inflates to 2 GB: the child process reading it hits its memory cap,
    the file is listed with that cap, and the server's own peak memory does not move."""
    bomb = pdf_documents.inflating_pdf(2000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r, seconds = timed(lambda: client.post("/api/v1/goals/check/workbook", files={"files": ("申报表.pdf", bomb)}))
    assert r.status_code == 422 and seconds < 20
    (problem,) = r.json()["error"]["details"]
    assert problem.startswith("申报表.pdf：") and "内存上限" in problem
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000   # KB: under 100 MB more
    assert client.get("/health").json()["status"] == "ok"
