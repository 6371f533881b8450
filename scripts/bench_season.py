"""Benchmark: a review season of 2,000 documents through the API of a running `kb serve`.

usage: python scripts/bench_season.py --url http://127.0.0.1:8611 --token TOKEN [--documents 2000]
       [--decisions 200] [--resubmissions 20] [--seed 7]

The server needs a reviewer or admin token (`kb user add 审核员 --role reviewer` prints it). The
season mixes the published tables in goals_real_dev.jsonl (each filed several times under new
names, a few exactly again: duplicates) with generated documents in the layouts real tables use.
Stages: file the season in one JSON call, wait for the background check (polling its progress),
page through filters and sorts, decide on projects, resubmit some, download the report workbook
(its rows are counted) and the problem summary. Prints each stage's seconds and the total.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import statistics
import time
from pathlib import Path

import httpx
from openpyxl import load_workbook

REAL = Path("/work/shared/eval/goals_real_dev.jsonl")
DEPARTMENTS = ("县教育局", "县卫生健康局", "县交通运输局", "县农业农村局", "县城市管理局", "县民政局", "县水利局",
               "县文化和旅游局", "县财政局", "县应急管理局")
OUTPUT_L1 = ("产出指标", "产出指标(50分)", "项目完成指标")
BENEFIT_L1 = ("效益指标", "效益指标(30分)", "项目效益指标")
QUANTITIES = (("受益学生人数", "人", 800, 9000), ("新种植行道树数量", "株", 500, 5000), ("维修道路长度", "公里", 5, 80),
              ("培训人次", "人次", 200, 3000), ("补助户数", "户", 100, 2000), ("新建监测站点数", "个", 3, 40))
RATES = ("验收合格率", "苗木成活率", "资金拨付率", "设备完好率", "档案完整率")
BENEFITS = ("道路通行效率提升率", "学生营养不良检出率下降幅度", "群众就医便利度提升", "绿化覆盖率")
GOALS = ("{year}年完成{what}{n}{unit}，验收合格率达到95%以上。", "进一步提高服务水平，推动高质量发展。",
         "保障{what}工作顺利开展，受益群众满意度不低于90%。")


def generated(n: int, rnd: random.Random) -> dict:
    """A goal document in a varied real-table layout: older level names, 成本 under 产出, values with
    no operator, deadlines, now and then a vague value, a missing unit or no satisfaction row."""
    out1, ben1 = rnd.choice(OUTPUT_L1), rnd.choice(BENEFIT_L1)
    rows = []
    quantities = rnd.sample(QUANTITIES, rnd.randint(1, 3))
    for name, unit, lo, hi in quantities:
        rows.append({"level1": out1, "level2": "数量指标", "name": name, "value": f"≥{rnd.randint(lo, hi)}",
                     "unit": unit if rnd.random() > 0.1 else ""})
    for name in rnd.sample(RATES, rnd.randint(1, 2)):
        rows.append({"level1": out1, "level2": "质量指标", "name": name,
                     **rnd.choice(({"value": "≥95%"}, {"value": "100", "unit": "百分比"}, {"value": "明显提高"},
                                   {"operator": "=", "value": "100", "unit": "%"}, {"value": "0.97", "unit": "比例"}))})
    rows.append({"level1": out1, "level2": "时效指标", "name": "项目完成时间",
                 "value": rnd.choice(("2026年10月底前", "2026年12月31日前", "2026.1-2026.11", "年底前"))})
    if rnd.random() > 0.2:
        rows.append({"level1": out1, "level2": rnd.choice(("成本指标", "经济成本指标")), "name": "单位成本",
                     "value": f"≤{rnd.randint(50, 5000)}", "unit": rnd.choice(("元/人", "元/株", "万元/公里"))})
    for name in rnd.sample(BENEFITS, rnd.randint(1, 2)):
        rows.append({"level1": ben1, "level2": "社会效益指标", "name": name, "value": f"≥{rnd.randint(2, 20)}",
                     "unit": "%"})
    if rnd.random() > 0.15:
        rows.append({"level1": rnd.choice(("满意度指标", ben1)),
                     "level2": rnd.choice(("服务对象满意度指标", "社会公众或服务对象满意度指标")),
                     "name": "受益群众满意度", "operator": "≥", "value": "90", "unit": "%"})
    what, n_what, unit = quantities[0][0].removesuffix("数量").removesuffix("人数"), rnd.randint(100, 900), \
        quantities[0][1]
    department = rnd.choice(DEPARTMENTS)
    return {"project": {"name": f"{department.removeprefix('县')}{what}项目{n:04d}", "department": department,
                        "budget": rnd.choice((rnd.randint(5, 3000), f"{rnd.randint(5, 3000)}万元")),
                        "budget_unit": "万元", "year": 2026},
            "goal": rnd.choice(GOALS).format(year=2026, what=what, n=n_what, unit=unit), "indicators": rows}


def season(count: int, rnd: random.Random) -> list[dict]:
    """About one document in seven from the real tables (renamed), a few exact repeats, the rest generated."""
    real = [json.loads(line)["doc"] for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = []
    for n in range(count):
        if n % 7 == 0:
            doc = copy.deepcopy(real[(n // 7) % len(real)])
            if n // 7 >= len(real):
                doc["project"]["name"] = f"{doc['project']['name']}（第{n // 7 // len(real) + 1}批）"
            docs.append(doc)
        elif n % 97 == 0:
            docs.append(copy.deepcopy(docs[rnd.randrange(len(docs))]))  # filed twice: a duplicate
        else:
            docs.append(generated(n, rnd))
    return docs


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) of a process and its live children (the check processes), from /proc."""
    if pid is None:
        return None
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def timed(label: str, times: dict, fn):
    start = time.perf_counter()
    result = fn()
    times[label] = time.perf_counter() - start
    print(f"{label:<28}{times[label]:8.2f} s", flush=True)
    return result


def ok(response: httpx.Response, status: int = 200) -> httpx.Response:
    if response.status_code != status:
        raise SystemExit(f"{response.request.method} {response.request.url} → {response.status_code}: "
                         f"{response.text[:500]}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8611")
    parser.add_argument("--token", required=True)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--resubmissions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-pid", type=int, help="the server's process id: report the CPU time it spent")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    docs = season(args.documents, rnd)
    body = json.dumps({"name": f"基准审核批次 {time.strftime('%H:%M:%S')}", "documents": docs},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    escaped = len(json.dumps({"documents": docs}).encode("utf-8"))
    print(f"{len(docs)} documents: body {len(body) / 1e6:.2f} MB as UTF-8 JSON "
          f"({escaped / 1e6:.2f} MB with \\u escapes)")
    client = httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.token}"}, timeout=300)
    times: dict[str, float] = {}
    cpu_before = cpu_seconds(args.server_pid)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    filed = timed("file (one call)", times, lambda: ok(client.post(
        "/api/v1/reviews", content=body, headers={"Content-Type": "application/json"}), 201).json())
    rid = filed["id"]

    def wait() -> dict:
        while True:
            state = ok(client.get(f"/api/v1/reviews/{rid}", params={"limit": 1})).json()
            if state["status"] != "running":
                return state
            time.sleep(0.5)

    state = timed("background check", times, wait)
    print(f"  {state['status']}: {state['progress']}, grades {state['summary']}, "
          f"{state['overview']['duplicates']} duplicates, {len(filed['problems'])} not filed")

    overview = state["overview"]
    queries = [{}, {"sort": "-score"}, {"sort": "score"}, {"sort": "grade"}, {"sort": "errors"}, {"sort": "-budget"},
               {"duplicates": "true"}, {"status": "待审"}, {"offset": 1000}, {"offset": 1950, "sort": "department"}]
    queries += [{"grade": g} for g in ("优", "良", "中", "差")]
    queries += [{"department": d} for d in overview["departments"][:5]]
    queries += [{"code": c["code"], "sort": "-score"} for c in overview["codes"][:5]]
    latencies = []

    def pages() -> list[dict]:
        seen = []
        for q in queries:
            start = time.perf_counter()
            seen.append(ok(client.get(f"/api/v1/reviews/{rid}", params={"limit": 50, **q})).json())
            latencies.append(time.perf_counter() - start)
        return seen

    timed(f"list and filter ({len(queries)} pages)", times, pages)
    print(f"  page p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")

    ids = [p["id"] for p in ok(client.get(f"/api/v1/reviews/{rid}", params={"limit": 500})).json()["projects"]]

    def decide() -> None:
        for n, pid in enumerate(ids[:args.decisions]):
            status, note = (("退回修改", "请补充成本指标并量化年度目标") if n % 3 == 0 else ("通过", ""))
            ok(client.patch(f"/api/v1/reviews/{rid}/projects/{pid}", json={"status": status, "note": note}))

    timed(f"decide ({args.decisions})", times, decide)

    def resubmit() -> list[dict]:
        answers = []
        for pid in ids[:args.resubmissions]:
            doc = copy.deepcopy(ok(client.get(f"/api/v1/reviews/{rid}/projects/{pid}")).json()["document"])
            for row in doc["indicators"]:  # the fixes a department makes when sent back
                if not row.get("operator") and str(row.get("value") or "")[:1].isdigit():
                    row["operator"] = "≥"
            if not any("满意" in f"{r.get('level1')}{r.get('level2')}" for r in doc["indicators"]):
                doc["indicators"].append({"level1": "满意度指标", "level2": "服务对象满意度指标",
                                          "name": "受益群众满意度", "operator": "≥", "value": "90", "unit": "%"})
            answers.append(ok(client.post(f"/api/v1/reviews/{rid}/projects/{pid}/versions", json=doc), 201).json())
        return answers

    answers = timed(f"resubmit ({args.resubmissions})", times, resubmit)
    resolved = sum(len(a["changes"]["findings"]["resolved"]) for a in answers)
    print(f"  {resolved} findings resolved, {sum(len(a['changes']['findings']['new']) for a in answers)} new")

    report = timed("report.xlsx", times, lambda: ok(client.get(f"/api/v1/reviews/{rid}/report.xlsx")).content)
    rows = sum(1 for _ in load_workbook(io.BytesIO(report), read_only=True)["汇总"].iter_rows()) - 1
    print(f"  {len(report) / 1e6:.2f} MB, {rows} project rows")
    if rows != state["progress"]["total"]:
        raise SystemExit(f"the report has {rows} project rows, the season {state['progress']['total']}")
    timed("problem summary", times, lambda: ok(client.get(f"/api/v1/reviews/{rid}/problems")).json())
    print(f"{'total':<28}{sum(times.values()):8.2f} s")
    if cpu_before is not None:
        print(f"server CPU time (with its check processes): {cpu_seconds(args.server_pid) - cpu_before:.1f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
