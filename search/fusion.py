"""Rank fusion for hybrid search, as pure functions over {doc id: score} candidates."""

from __future__ import annotations

RRF_K = 60


def ranks(scores: dict[int, float]) -> dict[int, int]:
    """1-based ranks, best score first (ties broken by doc id for stable results)."""
    order = sorted(scores, key=lambda i: (-scores[i], i))
    return {doc: r for r, doc in enumerate(order, start=1)}


def rrf(lexical: dict[int, float], semantic: dict[int, float], *, k: int = RRF_K,
        weight: float = 0.5) -> dict[int, float]:
    """Reciprocal rank fusion: Σ w / (k + rank), the semantic side weighted by `weight`."""
    out: dict[int, float] = {}
    for side, w in ((lexical, 1.0 - weight), (semantic, weight)):
        for doc, r in ranks(side).items():
            out[doc] = out.get(doc, 0.0) + 2 * w / (k + r)
    return out


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    if span <= 1e-9:
        return dict.fromkeys(scores, 1.0)
    return {d: (s - lo) / span for d, s in scores.items()}


def convex(lexical: dict[int, float], semantic: dict[int, float], *, weight: float = 0.5,
           others: dict[int, float] | None = None) -> dict[int, float]:
    """Convex combination of normalised scores: (1 - w)·lexical + w·semantic.

    Lexical scores are divided by the best one (a document no query term hits stays at 0);
    semantic cosines are min-max scaled over the semantic candidates, since e5 cosines crowd
    into a narrow band. `others` holds the cosines of candidates the semantic side did not
    retrieve (found by BM25 alone): they are scaled on the same scale and clipped at 0, so a
    lexical match that is also close in meaning is not treated as if it were far."""
    top = max(lexical.values(), default=0.0)
    lex = {d: s / top for d, s in lexical.items()} if top > 0 else {}
    sem = _minmax(semantic)
    if others and semantic:
        lo, hi = min(semantic.values()), max(semantic.values())
        span = hi - lo
        if span > 1e-9:
            for d, s in others.items():
                if d not in sem:
                    sem[d] = min(max((s - lo) / span, 0.0), 1.0)
    return {d: (1.0 - weight) * lex.get(d, 0.0) + weight * sem.get(d, 0.0) for d in set(lex) | set(sem)}


def fuse(method: str, lexical: dict[int, float], semantic: dict[int, float], *, weight: float,
         others: dict[int, float] | None = None) -> dict[int, float]:
    """Fused scores of every candidate; `others` are semantic scores of lexical-only candidates
    (used by the convex method)."""
    if method == "rrf":
        return rrf(lexical, semantic, weight=weight)
    return convex(lexical, semantic, weight=weight, others=others)
