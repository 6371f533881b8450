"""Indicator names typed in pinyin: how often the search finds the indicator, and how long it takes.

usage: KB_DATA_DIR=… python scripts/pinyin_bench.py [--sample 500] [--seed 7]

Takes a sample of the library's names (at most 10 characters), types each in pinyin with spaces between
syllables and without (lazy_pinyin, no tones), and searches for it in process as `kb serve` does. Reports how
often the query was read back as the name itself, how often the indicator comes first and within five, the
first pinyin query's wait (the words' pinyin is worked out then) and the p50 of the rest, and, beside them, the
same names typed in characters. Prints one JSON object, for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from pypinyin import lazy_pinyin

from kb.db import get_engine
from kb.settings import get_settings
from search.service import SearchService


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = get_settings()
    service = SearchService.open(settings, get_engine(settings))
    service.warm_up()
    names = sorted({d.name for d in service.docs
                    if len(d.name) <= 10 and all("\u4e00" <= c <= "\u9fff" for c in d.name)})
    sample = random.Random(args.seed).sample(names, min(args.sample, len(names)))
    out = {"names": len(sample)}
    for label, typed in (("pinyin", lambda n: "".join(lazy_pinyin(n))),
                         ("pinyin with spaces", lambda n: " ".join(lazy_pinyin(n))), ("characters", lambda n: n)):
        service._vectors.clear()  # each way of typing embeds its queries afresh
        read = first = five = 0
        times = []
        for name in sample:
            t = time.perf_counter()
            result = service.query(typed(name), k=5)
            times.append((time.perf_counter() - t) * 1000)
            read += getattr(result, "read_as", None) == name  # none before queries were read as pinyin
            found = [h.name for h in result.hits]
            first += found[:1] == [name]
            five += name in found
        n = len(sample)
        out[label] = {"read as the name": round(read / n, 3), "first": round(first / n, 3),
                      "within five": round(five / n, 3), "first query ms": round(times[0], 1),
                      "p50 ms": round(statistics.median(times[1:]), 1)}
    print(json.dumps(out, ensure_ascii=False, indent=1))  # noqa: T201


if __name__ == "__main__":
    main()
