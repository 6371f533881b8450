"""Benchmark: monitoring and self-evaluating a stored season of 1,000 approved projects through the API.

usage: python scripts/bench_season_cycle.py [--projects 1000] [--seed 7] [--port 8671] [--database-url URL]

A server (the whole app, uvicorn, one process) runs on a fresh data directory (SQLite, or the
PostgreSQL database given). A season of generated projects (scripts/bench_cycle.py's layouts, 6-12
indicators each) is filed and every project approved. Then, one after the other:
monitoring one request per project (POST …/projects/{id}/monitoring, each stored), the list by
warning and the 绩效监控表; monitoring the whole season again from the filled actuals workbook
(download, fill, upload); self-evaluation one request per project, the list by grade, the 自评表;
the whole season self-evaluated again from a season's list of the departments' own 自评表 rows (项目名称,
全年执行数, 三级指标, 实际完成值 …, matched by name; the grades must come out the same), then 200 of the
projects again from their departments' own 自评表, one .xlsx file each, sent in one upload (the grades, again,
the same); the results by rank with quotas. Prints seconds per stage as Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from bench_cycle import AS_OF, season
from openpyxl import Workbook, load_workbook
from sqlalchemy import update
from sqlmodel import Session

from kb import accounts
from kb.db import create_schema, get_engine, session_scope
from kb.reviews import ReviewProject
from kb.settings import Settings
from services import reviews
from web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.department_forms import national_form  # noqa: E402
from tests.xls_workbooks import xlsx_bytes  # noqa: E402


def prepare(settings: Settings, made) -> tuple[str, int]:
    """A reviewer's token and a filed season whose projects are all approved."""
    engine = get_engine(settings)
    create_schema(engine)
    with session_scope(engine) as session:
        _, token = accounts.add_user(session, name="审核员", role="reviewer", password="bench-password-1")
    user = accounts.User(name="审核员", role="reviewer")
    items = [(f"documents[{n}]", doc) for n, (doc, *_) in enumerate(made)]
    review = reviews.file_review(engine, name="2025年项目绩效目标", items=items, problems=[], user=user,
                                 limit=len(items))
    with Session(engine) as session:  # the decisions themselves are the seasons benchmark's business
        session.exec(update(ReviewProject).where(ReviewProject.review_id == review.id).values(status="通过"))
        session.commit()
    return token, review.id


def timed(label: str, results: list, fn):
    t0 = time.perf_counter()
    out = fn()
    results.append((label, time.perf_counter() - t0))
    return out


def fill(workbook: bytes, made, ids: list[int]) -> bytes:
    """The downloaded actuals workbook with every project's mid-year actuals, date and money filled in."""
    wb = load_workbook(io.BytesIO(workbook))
    ws = wb["实际完成值"]
    by_id = {pid: (mid, spent) for pid, (_, mid, _, spent, _) in zip(ids, made, strict=True)}
    for row in ws.iter_rows(min_row=2):
        pid, n = row[0].value, row[5].value - 1
        mid, spent = by_id[pid]
        actual = next((a for a in mid if a["indicator"] == n), None)
        if actual is not None:
            row[11].value, row[12].value = actual["value"], actual.get("reason")
        if n == 0:
            row[13].value, row[14].value = AS_OF.isoformat(), round(spent, 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def self_evaluation_list(made) -> bytes:
    """The year-end actuals of every project as a budget system lists departments' 自评表: a row per indicator,
    the project's name, unit and 全年执行数 (in its budget's unit) on its first row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("自评表")
    ws.append(["项目名称", "预算部门", "全年执行数", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
               "偏差原因分析及改进措施"])
    for doc, _, end, _, spent in made:
        given = {a["indicator"]: a for a in end}
        for n, ind in enumerate(doc["indicators"]):
            actual = given.get(n, {})
            first = n == 0
            ws.append([doc["project"]["name"] if first else None, doc["project"]["department"] if first else None,
                       round(spent, 4) if first else None, ind.get("level1"), ind.get("level2"), ind["name"],
                       f"{ind.get('operator') or ''}{ind.get('value') or ''}{ind.get('unit') or ''}",
                       actual.get("value"), actual.get("reason")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def department_forms(made, count: int) -> list[tuple[str, tuple[str, bytes]]]:
    """The first `count` projects' year-end actuals as the departments' own 自评表, one .xlsx file each (the
    national form, tests/department_forms.py)."""
    sent = []
    for n, (doc, _, end, _, spent) in enumerate(made[:count]):
        given = {a["indicator"]: a for a in end}
        rows = [(ind.get("level1"), ind.get("level2"), ind["name"],
                 f"{ind.get('operator') or ''}{ind.get('value') or ''}{ind.get('unit') or ''}",
                 given.get(i, {}).get("value"), None, None, given.get(i, {}).get("reason"))
                for i, ind in enumerate(doc["indicators"])]
        form = national_form(doc["project"]["name"], doc["project"]["department"], rows, spent=round(spent, 4),
                             money_label=f"项目资金（{doc['project'].get('budget_unit') or '万元'}）")
        sent.append(("files", (f"自评表{n + 1}.xlsx", xlsx_bytes({"自评表": form}))))
    return sent


def run(base: str, token: str, rid: int, made) -> list[tuple[str, float]]:
    headers = {"Authorization": f"Bearer {token}"}
    results: list[tuple[str, float]] = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        ids = [p["project_id"] for p in sorted(client.get(f"/api/v1/reviews/{rid}/monitoring?limit=2000")
                                               .json()["projects"], key=lambda p: p["seq"])]

        def post_all(path: str, body) -> None:
            for pid, entry in zip(ids, made, strict=True):
                r = client.post(f"/api/v1/reviews/{rid}/projects/{pid}/{path}", json=body(entry))
                assert r.status_code == 201, r.text

        timed("monitoring, one request per project", results, lambda: post_all(
            "monitoring", lambda e: {"as_of": AS_OF.isoformat(), "spent": e[3], "actuals": e[1]}))
        page = timed("list by warning (all projects)", results,
                     lambda: client.get(f"/api/v1/reviews/{rid}/monitoring?limit=2000").json())
        timed("绩效监控表 .xlsx", results, lambda: client.get(f"/api/v1/reviews/{rid}/monitoring.xlsx").content)
        sheet = timed("actuals workbook download", results,
                      lambda: client.get(f"/api/v1/reviews/{rid}/actuals.xlsx").content)
        filled = fill(sheet, made, ids)
        imported = timed("monitoring from the filled workbook (upload)", results, lambda: client.post(
            f"/api/v1/reviews/{rid}/monitoring/import", files={"file": ("填报表.xlsx", filled)}).json())
        assert imported["stored"] == len(ids), imported
        timed("self-evaluation, one request per project", results, lambda: post_all(
            "evaluation", lambda e: {"spent": e[4], "actuals": e[2]}))
        graded = timed("list by grade (all projects)", results,
                       lambda: client.get(f"/api/v1/reviews/{rid}/evaluations?limit=2000").json())
        timed("自评表 .xlsx", results, lambda: client.get(f"/api/v1/reviews/{rid}/self-evaluation.xlsx").content)
        listed = self_evaluation_list(made)
        imported = timed("self-evaluation from a season's list of 自评表 rows (upload, matched by name)", results,
                         lambda: client.post(f"/api/v1/reviews/{rid}/evaluations/import",
                                             files={"file": ("自评表.xlsx", listed)}).json())
        assert imported["stored"] == len(ids) and not imported["problems"], imported["problems"][:5]
        again = client.get(f"/api/v1/reviews/{rid}/evaluations?limit=2000").json()
        assert again["grades"] == graded["grades"], (again["grades"], graded["grades"])
        files = department_forms(made, 200)
        imported = timed("self-evaluation from 200 departments' own 自评表, one file each (one upload)", results,
                         lambda: client.post(f"/api/v1/reviews/{rid}/evaluations/import", files=files).json())
        assert imported["stored"] == 200 and not imported["problems"], imported["problems"][:5]
        again = client.get(f"/api/v1/reviews/{rid}/evaluations?limit=2000").json()
        assert again["grades"] == graded["grades"], (again["grades"], graded["grades"])
        timed("results by rank with quotas", results, lambda: client.post(
            f"/api/v1/reviews/{rid}/results", json={"rules": {"mode": "rank"}}).json())
    print(f"statuses: {page['statuses']}; grades: {graded['grades']}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=8671)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    made = season(args.projects, args.seed)
    rows = sum(len(doc["indicators"]) for doc, *_ in made)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=args.database_url, review_processes=0)
        token, rid = prepare(settings, made)
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=args.port,
                                               log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            results = run(f"http://127.0.0.1:{args.port}", token, rid, made)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.projects} approved projects, {rows} indicator rows, {backend}, {os.cpu_count()} cores")
    print("| stage | seconds |")
    print("|---|---|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
