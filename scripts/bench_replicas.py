"""Benchmark: server replicas on one PostgreSQL, each with a data directory of its own.

usage: python scripts/bench_replicas.py --database-url postgresql+psycopg://kb:kb@127.0.0.1/kb_bench
       [--ports 8653 8654] [--poll 1] [--runs 3] [--work /tmp/kb-replicas]

The database must already hold a library (`KB_DATABASE_URL=... kb init`). Stages:
  ready   a replica started with `kb serve` on a fresh data directory: seconds until /health says
          search is ready, with what its index build took (`embedded_now`, `vectors_from_database`,
          lexical and dense seconds from its manifest); `--runs` times, one after another.
  switch  two replicas ready; a library spreadsheet with one new indicator imported through the
          first one's API (as an admin made here); seconds until the second one finds it, and how
          many passages each embedded for it.
Servers run the code `python` imports (set PYTHONPATH to an older checkout to compare), with
KB_REVIEW_PROCESSES=0 so season workers take no cores. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlmodel import Session

from kb import accounts, store
from kb.db import get_engine, session_scope
from kb.settings import Settings
from services.library_io import export_library

NEW_NAME = "智慧灯杆多功能挂载率"


class Replica:
    def __init__(self, port: int, data_dir: Path, args: argparse.Namespace):
        shutil.rmtree(data_dir, ignore_errors=True)
        self.data_dir, self.url = data_dir, f"http://127.0.0.1:{port}"
        env = {**os.environ, "KB_DATA_DIR": str(data_dir), "KB_DATABASE_URL": args.database_url,
               "KB_LIBRARY_POLL_SECONDS": str(args.poll), "KB_REVIEW_PROCESSES": "0"}
        self.log = data_dir.with_suffix(".log").open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-c", "import sys; from cli.main import app; "
                                         "sys.argv[0] = 'kb'; app()", "serve", "--port", str(port)],
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def health(self) -> dict:
        try:
            return httpx.get(self.url + "/health", timeout=5).json()
        except httpx.HTTPError:
            return {}

    def wait_ready(self, seconds: float = 1800) -> float:
        while time.monotonic() - self.started < seconds:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.url} exited; see {self.log.name}")
            h = self.health()
            if h.get("search_ready") and not h.get("catching_up"):
                return time.monotonic() - self.started
            time.sleep(0.1)
        raise SystemExit(f"{self.url} not ready in {seconds} s")

    def manifest(self) -> dict:
        return json.loads((self.data_dir / "index" / "manifest.json").read_text())

    def finds(self, name: str) -> bool:
        r = httpx.get(self.url + "/api/v1/search", params={"q": name, "k": 3}, timeout=30)
        return r.status_code == 200 and any(h["name"] == name for h in r.json()["hits"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def describe(replica: Replica, seconds: float) -> str:
    m = replica.manifest()
    return (f"ready after {seconds:.1f} s; index build: embedded {m['embedded_now']}, from the database "
            f"{m.get('vectors_from_database', '-')}, lexical {m['seconds']['lexical']} s, "
            f"dense {m['seconds']['dense']} s")


def admin_token(settings: Settings) -> str:
    with session_scope(get_engine(settings)) as session:
        return accounts.add_user(session, name=f"测速{uuid.uuid4().hex[:6]}", role="admin")[1]


def current_version(settings: Settings) -> int | None:
    with Session(get_engine(settings)) as session:
        version = store.current_version(session)
        return version.number if version else None


def library_with_a_new_indicator(settings: Settings, path: Path) -> tuple[bytes, str]:
    """The library as exported plus one new indicator (a new name each run); returns the file and the name."""
    export_library(settings, path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, lamp = rows[0], next(r for r in rows[1:] if "路灯亮灯率" in r)
    new = dict(zip(header, lamp, strict=True)) | {
        "指标编码": "", "三级指标": f"{NEW_NAME}{uuid.uuid4().hex[:4]}", "别名": "", "参考值": "",
        "指标解释": "挂载了监控、环境监测或通信设备的智慧灯杆占智慧灯杆总数的比例。"}
    rows.append([new[h] for h in header])
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path.read_bytes(), new["三级指标"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--ports", type=int, nargs=2, default=(8653, 8654))
    ap.add_argument("--poll", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kb-replicas"))
    ap.add_argument("--stages", nargs="+", default=["ready", "switch"], choices=["ready", "switch"])
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    here = Settings(data_dir=args.work / "bench", database_url=args.database_url)
    if "ready" in args.stages:
        for run in range(args.runs):
            replica = Replica(args.ports[0], args.work / f"ready{run}", args)
            try:
                print(f"ready run {run + 1}: {describe(replica, replica.wait_ready())}", flush=True)
            finally:
                replica.stop()
    if "switch" in args.stages:
        first = Replica(args.ports[0], args.work / "first", args)
        replicas = [first]
        try:
            print(f"first replica {describe(first, first.wait_ready())}", flush=True)
            second = Replica(args.ports[1], args.work / "second", args)
            replicas.append(second)
            print(f"second replica {describe(second, second.wait_ready())}", flush=True)
            before = [r.health()["embedded"] for r in replicas]
            data, name = library_with_a_new_indicator(here, args.work / "library.csv")
            token, version = admin_token(here), current_version(here)
            answered: list[float] = []
            started = time.monotonic()

            def send() -> None:
                r = httpx.post(first.url + "/api/v1/library/import", timeout=600, files={"file": ("library.csv", data)},
                               headers={"Authorization": f"Bearer {token}"})
                r.raise_for_status()
                answered.append(time.monotonic() - started)

            sender = threading.Thread(target=send)
            sender.start()
            committed = None
            while time.monotonic() - started < 600:
                if committed is None and current_version(here) != version:
                    committed = time.monotonic() - started
                if committed is not None and second.finds(name):
                    break
                time.sleep(0.1)
            served = time.monotonic() - started
            sender.join()
            after = [r.health()["embedded"] for r in replicas]
            print(f"switch: new version committed {committed:.1f} s after the import was sent, the first replica "
                  f"answered at {answered[0]:.1f} s, the second found the new indicator at {served:.1f} s "
                  f"({served - committed:.1f} s after the commit); passages embedded for it: first "
                  f"{after[0] - before[0]}, second {after[1] - before[1]}", flush=True)
        finally:
            for replica in replicas:
                replica.stop()


if __name__ == "__main__":
    main()
