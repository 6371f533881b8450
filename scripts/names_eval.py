"""Real indicator names (../shared/eval/names_real_dev.jsonl) per search mode, by name and with
the project as `context`, plus the search dev set, through the HTTP API.

usage: python scripts/names_eval.py [BASE_URL] [--eval ../shared/eval] [--modes hybrid,lexical,semantic] [--true-only]
                                    [--half tune|held-out] [--names scripts/names_fresh.jsonl]

With a BASE_URL (e.g. http://127.0.0.1:8103) it asks that server; without one it serves the
data directory of KB_DATA_DIR in process (FastAPI's TestClient, the same routes). The scoring
is the evaluation script's own (`evaluate.names`, `evaluate.search`); only the `mode` parameter
is added to every search request. `--true-only` scores only the names that have a true
equivalent (rel2), against those alone. `--half` scores one half of the names that have an
acceptable equivalent, in file order: `tune` the 1st, 3rd, 5th… (where settings are chosen),
`held-out` the 2nd, 4th… (where they are checked). `--names` scores another file of judged names
in the same format instead: `scripts/names_fresh.jsonl` holds 838 names from 103 published tables
outside the dev set, each judged against the library by the dev set's rules (true equivalent, acceptable
substitute, none; rows added to the library later judged again by the same rules), with the page it came
from. Prints one JSON object, for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_evaluate(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("evaluate", eval_dir / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_process_call():
    """A `call(base, path, payload=None, **params)` answered by the app in this process."""
    from fastapi.testclient import TestClient

    from kb.settings import get_settings
    from web.app import create_app

    client = TestClient(create_app(get_settings()))
    client.__enter__()  # runs the lifespan: loads the search engine

    def call(base, path, payload=None, **params):
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        t = time.perf_counter()
        r = client.post(url, json=payload) if payload is not None else client.get(url)
        if r.status_code >= 400:
            raise RuntimeError(f"{url}: {r.status_code}")
        return r.json(), (time.perf_counter() - t) * 1000

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default=None)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--modes", default="hybrid,lexical,semantic")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--true-only", action="store_true", help="only true equivalents (rel2) count")
    parser.add_argument("--half", choices=("tune", "held-out"), help="one half of the names (file order, alternating)")
    parser.add_argument("--names", type=Path, help="another file of judged names, in the dev set's format")
    args = parser.parse_args()
    evaluate = load_evaluate(args.eval)
    plain_load = evaluate.load

    def load(name):
        if name != "names_real_dev.jsonl":
            return plain_load(name)
        rows = ([json.loads(line) for line in args.names.read_text(encoding="utf-8").splitlines() if line.strip()]
                if args.names else plain_load(name))
        if args.half:
            judged = [q for q in rows if q["rel1"] or q["rel2"]]
            rows = judged[0 if args.half == "tune" else 1::2]
        if args.true_only:
            rows = [{**q, "rel1": []} for q in rows if q["rel2"]]
        return rows

    evaluate.load = load
    plain_call = evaluate.call if args.base else in_process_call()
    base = args.base or "http://in-process"
    out = {}
    for mode in args.modes.split(","):
        def call(b, path, payload=None, _mode=mode, **params):
            if path == "/api/v1/search":
                params["mode"] = _mode
            return plain_call(b, path, payload, **params)

        evaluate.call = call
        out[mode] = {"names": evaluate.names(base, args.verbose and mode == "hybrid"),
                     "search": evaluate.search(base, False)}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
