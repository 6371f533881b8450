"""Search quality on the dev queries for each mode and for each fusion method and weight,
in process, on an initialised data directory.

usage: KB_DATA_DIR=… python scripts/fusion_grid.py [path/to/search_dev.jsonl]
"""

import json
import sys
from pathlib import Path

from kb.db import get_engine
from kb.settings import Settings, get_settings
from search.service import SearchService

sys.path.insert(0, str(Path(__file__).parent))
from bench import first_relevant_rank, success_and_mrr  # noqa: E402

DATA = get_settings().data_dir
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/eval/search_dev.jsonl"
qs = [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]


def run(svc, mode):
    return success_and_mrr([first_relevant_rank([h.model_dump() for h in svc.query(q["q"], k=10, mode=mode).hits],
                                                q["rel"]) for q in qs])


svc = SearchService.open(get_settings(), get_engine(get_settings()))
print("lexical", run(svc, "lexical"))
print("semantic", run(svc, "semantic"))
for fusion in ("convex", "rrf"):
    for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        svc.settings = Settings(data_dir=DATA, fusion=fusion, fusion_weight=w)
        print(fusion, w, run(svc, "hybrid"))
