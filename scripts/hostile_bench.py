"""Hostile input against a running `kb serve`: each crafted file and request with its status and
time, the server's resident memory after them, and /health latency right after and under load.

usage: python scripts/hostile_bench.py --url http://127.0.0.1:8101 --pid PID --token ADMIN_TOKEN [--load 200]

The crafted files are the ones tests/web/test_hostile.py replays (tests/hostile_files.py).
Results print as Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import hostile_files, pdf_documents  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = {"content-type": "application/json"}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cases(token: str):
    admin = {"Authorization": f"Bearer {token}"}   # an admin's API token: library imports (dry runs) need one
    far, bomb, lying = hostile_files.far_cell(), hostile_files.zip_bomb(), hostile_files.understated_bomb()
    strings, styles = hostile_files.shared_strings_bomb(), hostile_files.styles_bomb()
    many = hostile_files.zip_bomb(rows=1_999, columns=100)  # 199,900 cells: just under the upload limit
    xls_far, xls_blanks = hostile_files.xls_far_cells(), hostile_files.xls_formatted_blanks()
    docx_runs = hostile_files.docx_element_bomb()
    pdf_bomb, pdf_slow = pdf_documents.inflating_pdf(2000), pdf_documents.inflating_pdf(300)
    doc = b'{"project":{"name":"%s","budget":%s},"goal":"","indicators":[]}'
    for name, data in (("XFD1048576 cell (4.8 KB)", far), (f"zip bomb ({len(bomb) / 1e6:.1f} MB → 422 MB)", bomb),
                       ("zip bomb, sizes understated", lying),
                       (f"3.5 M shared strings ({len(strings) / 1e3:.0f} KB → 60 MB)", strings),
                       (f"800,000 cell styles ({len(styles) / 1e3:.0f} KB → 50 MB)", styles),
                       ("199,900 cells, within limits", many)):
        yield (f"check/workbook: {name}",
               lambda c, d=data: c.post("/api/v1/goals/check/workbook", files={"files": ("a.xlsx", d, XLSX)}))
        yield (f"/review page: {name}", lambda c, d=data: c.post("/review", files={"files": ("a.xlsx", d, XLSX)}))
        yield (f"library import: {name}", lambda c, d=data: c.post(
            "/api/v1/library/import", params={"dry_run": "true"}, headers=admin, files={"file": ("lib.xlsx", d, XLSX)}))
    for name, file, data in (
            (f"Excel 97-2003, IV65536 in 8 sheets ({len(xls_far) / 1e3:.1f} KB)", "a.xls", xls_far),
            (f"Excel 97-2003, formatted blanks in column IV ({len(xls_blanks) / 1e6:.1f} MB)", "a.xls", xls_blanks),
            (f"Word, 2 million empty runs ({len(docx_runs) / 1e3:.0f} KB → 12 MB of XML)", "a.docx", docx_runs),
            (f"PDF, a content stream inflating to 2 GB ({len(pdf_bomb) / 1e6:.1f} MB)", "a.pdf", pdf_bomb),
            (f"PDF, 300 MB of drawing operators ({len(pdf_slow) / 1e6:.1f} MB)", "a.pdf", pdf_slow)):
        yield (f"check/workbook: {name}",
               lambda c, d=data, f=file: c.post("/api/v1/goals/check/workbook", files={"files": (f, d)}))
        yield (f"/review page: {name}", lambda c, d=data, f=file: c.post("/review", files={"files": (f, d)}))
    for label, name, budget in (("lone surrogate", rb"\ud800", b"1"), ("NUL", rb"a\u0000", b"1"),
                                ("NaN budget", b"a", b"NaN"), ("Infinity budget", b"a", b"Infinity"),
                                ("1e308 budget", b"a", b"1e308")):
        body = doc % (name, budget)
        yield (f"goals/check: {label}", lambda c, b=body: c.post("/api/v1/goals/check", content=b, headers=JSON))
        yield (f"goals/draft: {label}", lambda c, b=body: c.post(
            "/api/v1/goals/draft", content=b.split(b',"goal"')[0] + b"}", headers=JSON))
    yield "indicators?offset=2^63", lambda c: c.get("/api/v1/indicators?offset=9223372036854775808")
    yield "search?q=NUL", lambda c: c.get("/api/v1/search?q=a%00")
    yield "search?q=，。！", lambda c: c.get("/api/v1/search?q=，。！")
    yield "import: 400-byte Chinese file name", lambda c: c.post(
        "/api/v1/library/import", params={"dry_run": "true"}, headers=admin,
        files={"file": ("二〇二五年度共性指标库（征求意见稿）" * 8 + ".csv", "指标编码\n".encode(), "text/csv")})
    yield "DELETE /api/v1/search", lambda c: c.delete("/api/v1/search")
    yield "13 MB chunked body, past KB_MAX_BODY_BYTES", lambda c: c.post(  # no content-length to refuse it by
        "/api/v1/goals/check", content=(b"x" * 1_000_000 for _ in range(13)), headers=JSON)
    yield from pastes()


def pastes():
    """Cells pasted into the quick check and the draft page: past a form field's 1 MB, past the paste's
    100,000 characters, 50,000 columns, and the largest table a paste may hold."""
    table = "项目名称\t城区路灯维护\n年度资金总额（万元）\t100\n一级指标\t二级指标\t三级指标\t指标值\n" + "".join(
        f"产出指标\t数量指标\t第{n}项任务完成数量\t≥{n}项\n" for n in range(1, 300))
    listing = "项目名称\t预算部门\t项目金额（万元）\t年度绩效目标\t一级指标\t二级指标\t三级指标\t指标值\n" + "".join(
        f"第{p}号项目\t某局\t100\t完成任务{p}项\t产出指标\t数量指标\t完成任务数量\t≥{p}项\n"
        f"\t\t\t\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\n" for p in range(1, 101))
    html = {"accept": "text/html"}
    for name, text in (("1.2 MB, one form field past 1 MB", "亮\t" * 400_000),
                       ("105,000 characters", "亮灯率\t98\n" * 15_000),
                       ("50,000 tabs on one line", "亮灯率" + "\t" * 50_000),
                       (f"a form of 299 indicators ({len(table) / 1e3:.1f} K characters)", table),
                       (f"a budget system's list of 100 projects ({len(listing) / 1e3:.1f} K characters)", listing)):
        yield (f"/review/paste: {name}",
               lambda c, t=text: c.post("/review/paste", data={"paste": t}, headers=html))
        yield (f"/draft/edit paste: {name}",
               lambda c, t=text: c.post("/draft/edit", data={"paste": t, "action": "paste"}, headers=html))


def health_ms(client: httpx.Client, n: int = 20) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get("/health").raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def under_load(url: str, clients: int, seconds: float) -> tuple[float, float, int]:
    """/health latency while `clients` connections search without pause."""
    stop, done = threading.Event(), [0]

    def hammer():
        with httpx.Client(base_url=url, timeout=60) as c:
            while not stop.is_set():
                try:
                    c.get("/api/v1/search", params={"q": "学生资助覆盖率", "k": 10})
                    done[0] += 1
                except httpx.HTTPError:
                    pass

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(2)
    times = []
    with httpx.Client(base_url=url, timeout=60) as c:
        end = time.time() + seconds
        while time.time() < end:
            t0 = time.perf_counter()
            c.get("/health").raise_for_status()
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    return statistics.median(times), max(times), done[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8101")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--token", required=True, help="an admin's API token (kb user add … --role admin)")
    parser.add_argument("--load", type=int, default=200)
    args = parser.parse_args()
    print(f"server RSS before: {rss_mb(args.pid):.0f} MB\n")
    print("| input | status | time | server RSS after |\n|---|---|---|---|")
    peak = 0.0
    with httpx.Client(base_url=args.url, timeout=120) as client:
        for name, send in cases(args.token):
            t0 = time.perf_counter()
            r = send(client)
            seconds = time.perf_counter() - t0
            rss = rss_mb(args.pid)
            peak = max(peak, rss)
            print(f"| {name} | {r.status_code} | {seconds:.2f} s | {rss:.0f} MB |")
        median, worst = health_ms(client)
    print(f"\nhighest RSS seen: {peak:.0f} MB; /health right after: median {median:.1f} ms, max {worst:.1f} ms")
    median, worst, searches = under_load(args.url, args.load, 10)
    print(f"/health with {args.load} clients searching: median {median:.1f} ms, max {worst:.1f} ms "
          f"({searches} searches answered meanwhile); RSS after: {rss_mb(args.pid):.0f} MB")


if __name__ == "__main__":
    main()
