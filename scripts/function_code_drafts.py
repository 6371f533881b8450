"""Drafts for projects whose title names only the kind of money (2026年专项补助资金), with and
without the 项 code the budget system files them under: for every 项 the built-in library's
directions cite, is the drafted direction one of the directions budgeted under that 项 (for a
catch-all 其他…支出 项, …99, also those budgeted by its 款: `kb.store.function_code_scope`)? And
when a title names its kind of project (a direction's own name) but the code is of another 类 (a
wrong 科目), is the named kind kept and the mismatch reported?

usage: KB_DATA_DIR=… python scripts/function_code_drafts.py   (a data directory made by `kb init`)
"""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from indicators.library import load_library
from kb.settings import get_settings
from kb.store import function_code_scope
from web.app import create_app

TITLES = ("2026年专项补助资金", "中央转移支付资金", "2026年部门项目经费")


def main() -> None:
    directions = load_library().directions
    names = {d.code: d.name for d in directions}
    cited = sorted({c for d in directions for c in d.function_codes if len(c) == 7})
    pairs = [(d.code, d.function_codes) for d in directions]
    under = {code: {names[c] for c in function_code_scope(pairs, code)[1]} for code in cited}
    with TestClient(create_app(get_settings())) as client:
        for label, with_code in (("without the code", False), ("with the code", True)):
            right = confident = n = 0
            started = time.perf_counter()
            for code, names in sorted(under.items()):
                for title in TITLES:
                    project = {"name": title, "budget": 300, **({"function_code": code} if with_code else {})}
                    draft = client.post("/api/v1/goals/draft", json={"project": project}).json()
                    n += 1
                    right += draft["project"]["direction"] in names
                    confident += not any(f["code"].startswith("DRAFT_DIRECTION") for f in draft["findings"])
            ms = (time.perf_counter() - started) * 1000 / n
            print(f"{label}: {n} drafts ({len(under)} 项 × {len(TITLES)} titles); direction under the 项 "
                  f"{right} ({right / n:.0%}); confident {confident}; {ms:.0f} ms per draft")
        # a title naming the project (a direction's own name) filed under a 项 of another 类: a wrong 科目
        kept = flagged = n = 0
        for code, names in sorted(under.items()):
            wrong = next(c for c in cited if c[:3] != code[:3])
            for name in sorted(names)[:1]:
                draft = client.post("/api/v1/goals/draft", json={"project": {"name": name, "function_code": wrong}}
                                    ).json()
                n += 1
                kept += draft["project"]["direction"] == name
                flagged += any(f["code"] == "FUNCTION_CODE_MISMATCH" for f in draft["findings"])
        print(f"a direction's own name under a 项 of another 类: {n} drafts; the named kind kept {kept}; "
              f"the mismatch reported {flagged}")


if __name__ == "__main__":
    main()
