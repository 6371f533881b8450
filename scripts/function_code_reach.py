"""How many of the 项 codes a budget system files projects under find directions of the built-in
library through `function_code`: every 项 listed in function_codes.yaml and, for each 款 there, its
其他…支出 项 (…99). Prints how many match at the 项 itself, and how many only once widened to
their 款 or 类.

usage: python scripts/function_code_reach.py
"""

from __future__ import annotations

from indicators.library import load_function_codes, load_library
from kb.store import function_code_scope


def main() -> None:
    table = load_function_codes()
    pairs = [(d.code, d.function_codes) for d in load_library().directions]
    kuan = {c[:5] for c in table}
    xiang = sorted({c for c in table if len(c) == 7} | {k + "99" for k in kuan})
    scopes = [function_code_scope(pairs, v) for v in xiang]
    under_only = sum(any(c.startswith(v) for _, codes in pairs for c in codes) for v in xiang)
    at_xiang = sum(bool(m) and s == v for (s, m), v in zip(scopes, xiang, strict=True))
    to_kuan = sum(bool(m) and len(s) == 5 for s, m in scopes)
    to_lei = sum(bool(m) and len(s) == 3 for s, m in scopes)
    print(f"{len(xiang)} 项 codes; matched at the 项: {at_xiang} (of which {under_only} by a direction citing that "
          f"项 itself); widened to the 款: {to_kuan}; to the 类: {to_lei}; none: {sum(not m for _, m in scopes)}")


if __name__ == "__main__":
    main()
