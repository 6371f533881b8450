"""Benchmark: monitoring and self-evaluating a season of generated projects, in process and over HTTP.

usage: python scripts/bench_cycle.py [--projects 1000] [--seed 7] [--skip-http]

Documents are generated in the layouts real tables use (scores in level names, 成本 under 产出,
satisfaction under 效益, values with no operator in 百分比, deadlines, qualitative tiers), 6-12
indicators each, with actuals for a mid-year date (monitoring) and for the year end (evaluation).
Over HTTP a uvicorn server on a free port serves the monitoring router alone and each project is
one request, sent one after the other. Results print as Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import threading
import time
import urllib.request
from datetime import date

import uvicorn
from fastapi import FastAPI

from indicators.actuals import Actual
from indicators.evaluation import evaluate
from indicators.goals import GoalDocument
from indicators.monitoring import monitor
from indicators.results import ProjectScore, ResultRules, apply_results
from web import api_cycle, errors

AS_OF = date(2025, 8, 7)
OUTPUT_L1 = ("产出指标", "产出指标(50分)", "项目完成指标")
BENEFIT_L1 = ("效益指标", "效益指标(30分)", "项目效益指标")
QUANTITIES = (("受益学生人数", "人", 800, 9000), ("新种植行道树数量", "株", 500, 5000), ("维修道路长度", "公里", 5, 80),
              ("培训人次", "人次", 200, 3000), ("补助户数", "户", 100, 2000), ("新建监测站点数", "个", 3, 40))
RATES = ("验收合格率", "苗木成活率", "资金拨付率", "设备完好率", "档案完整率")
BENEFITS = ("道路通行效率提升率", "学生营养不良检出率下降幅度", "群众就医便利度提升", "绿化覆盖率")


def document(n: int, rnd: random.Random) -> dict:
    """One project's approved goal in a varied real-table layout."""
    out1, ben1 = rnd.choice(OUTPUT_L1), rnd.choice(BENEFIT_L1)
    rows = []
    for name, unit, lo, hi in rnd.sample(QUANTITIES, rnd.randint(1, 3)):
        rows.append({"level1": out1, "level2": "数量指标", "name": name, "value": f"≥{rnd.randint(lo, hi)}",
                     "unit": unit})
    for name in rnd.sample(RATES, rnd.randint(1, 2)):
        rows.append({"level1": out1, "level2": "质量指标", "name": name,
                     **rnd.choice(({"value": "≥95%"}, {"value": "100", "unit": "百分比"},
                                   {"operator": "=", "value": "100", "unit": "%"}, {"value": "0.97", "unit": "比例"}))})
    rows.append({"level1": out1, "level2": "时效指标", "name": "项目完成时间",
                 "value": rnd.choice(("2025年10月底前", "2025年12月31日前", "2025.1-2025.11", "年底前"))})
    rows.append({"level1": out1, "level2": rnd.choice(("成本指标", "经济成本指标")), "name": "单位成本",
                 "value": f"≤{rnd.randint(50, 5000)}", "unit": rnd.choice(("元/人", "元/株", "万元/公里"))})
    for name in rnd.sample(BENEFITS, rnd.randint(1, 2)):
        rows.append({"level1": ben1, "level2": "社会效益指标", "name": name, "value": f"≥{rnd.randint(2, 20)}",
                     "unit": "%"})
    if rnd.random() < 0.3:
        rows.append({"level1": ben1, "level2": "可持续影响指标", "name": "长效管护机制建立情况",
                     "operator": "定性", "value": "达成/部分达成/未达成"})
    if rnd.random() < 0.8:
        placement = rnd.choice((("满意度指标", "服务对象满意度指标"), ("效益指标", "社会公众或服务对象满意度指标")))
        rows.append({"level1": placement[0], "level2": placement[1], "name": "服务对象满意度", "value": "≥90%"})
    return {"project": {"name": f"项目{n:04d}", "department": f"部门{n % 37}", "budget": rnd.randint(20, 5000),
                        "budget_unit": "万元", "year": 2025}, "goal": "按期完成年度建设任务。", "indicators": rows}


def actuals(doc: dict, rnd: random.Random, share: float) -> list[dict]:
    """Actuals at `share` of the year's work, with noise; a quarter of misses carry a reason."""
    out = []
    for i, row in enumerate(doc["indicators"]):
        value = row["value"]
        if row.get("operator") == "定性":
            actual: str | float = rnd.choice(("达成", "部分达成", "未达成"))
        elif "年" in value or "." in value and "-" in value or value == "年底前":
            actual = rnd.choice(("2025年10月20日", "2025-11-15", "未完成", "按时完成"))
        else:
            target = float(value.lstrip("≥≤%").rstrip("%"))
            actual = round(target * share * rnd.uniform(0.7, 1.15), 2)
        out.append({"indicator": i, "value": actual, "reason": "受天气影响" if rnd.random() < 0.25 else None})
    return out


def season(count: int, seed: int) -> list[tuple[dict, list[dict], list[dict], float, float]]:
    rnd = random.Random(seed)
    made = []
    for n in range(count):
        doc = document(n, rnd)
        budget = doc["project"]["budget"]
        made.append((doc, actuals(doc, rnd, 0.6), actuals(doc, rnd, 1.0), budget * rnd.uniform(0.3, 0.7),
                     budget * rnd.uniform(0.8, 1.05)))
    return made


def in_process(made) -> dict:
    t0 = time.perf_counter()
    for doc, mid, _, spent_mid, _ in made:
        monitor(GoalDocument.model_validate(doc), AS_OF, spent_mid, [Actual.model_validate(a) for a in mid])
    t1 = time.perf_counter()
    scores = []
    for doc, _, end, _, spent_end in made:
        result = evaluate(GoalDocument.model_validate(doc), spent_end, [Actual.model_validate(a) for a in end])
        scores.append(ProjectScore(name=doc["project"]["name"], budget=doc["project"]["budget"], score=result.score))
    t2 = time.perf_counter()
    apply_results(scores, ResultRules(mode="rank"))
    t3 = time.perf_counter()
    return {"monitor": t1 - t0, "evaluate": t2 - t1, "results": t3 - t2,
            "grades": {g: sum(s.score >= lo and s.score < hi for s in scores)
                       for g, lo, hi in (("优", 90, 101), ("良", 80, 90), ("中", 60, 80), ("差", 0, 60))}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict) -> float:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request) as r:
        r.read()
        assert r.status == 200
    return time.perf_counter() - t0


def over_http(made) -> dict:
    app = FastAPI()
    errors.install(app)
    app.include_router(api_cycle.router)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        t0 = time.perf_counter()
        mon = [post(f"{base}/goals/monitor", {"document": doc, "as_of": AS_OF.isoformat(), "spent": spent_mid,
                                              "actuals": mid}) for doc, mid, _, spent_mid, _ in made]
        t1 = time.perf_counter()
        ev = [post(f"{base}/goals/evaluate", {"document": doc, "spent": spent_end, "actuals": end})
              for doc, _, end, _, spent_end in made]
        t2 = time.perf_counter()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {"monitor": t1 - t0, "evaluate": t2 - t1,
            "monitor_p50": statistics.median(mon) * 1000, "evaluate_p50": statistics.median(ev) * 1000,
            "monitor_p95": statistics.quantiles(mon, n=20)[-1] * 1000,
            "evaluate_p95": statistics.quantiles(ev, n=20)[-1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    made = season(args.projects, args.seed)
    rows = sum(len(doc["indicators"]) for doc, *_ in made)
    local = in_process(made)
    print(f"{args.projects} projects, {rows} indicator rows, {os.cpu_count()} cores")
    print("| | in process | over HTTP, one request per project | target |")
    print("|---|---|---|---|")
    http = None if args.skip_http else over_http(made)
    for key, label in (("monitor", "monitoring"), ("evaluate", "self-evaluation")):
        via = f"**{http[key]:.1f} s** (p50 {http[key + '_p50']:.1f} ms, p95 {http[key + '_p95']:.1f} ms)" \
            if http else "—"
        print(f"| {label} of {args.projects} projects | {local[key]:.2f} s | {via} | ≤ 30 s |")
    print(f"| results by rank with quotas, {args.projects} projects | {local['results'] * 1000:.1f} ms | | |")
    print(f"grades of the generated season: {local['grades']}")


if __name__ == "__main__":
    main()
