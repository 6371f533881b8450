"""Searching with a project in mind: which spending directions a project's text points to,
and how much that lifts the indicators of those directions. Pure functions over vectors.

A direction is represented by the mean of its indicators' passage vectors (no extra model
call at start-up). The project text is embedded once as a query; every direction whose
centroid is nearly as close to it as the best one's is lifted, the best one most, and the
共性指标 category (what any project of a type measures) a little. A vague project text (委托业务,
专项经费) is about as close to many directions: the lift shrinks with how little the best
directions stand out from the crowd.
"""

from __future__ import annotations

import re

import numpy as np

# How much a fitting direction adds to a fused score (fused scores lie in 0-1).
DIRECTION_BOOST = 0.6
# A direction this much (cosine) behind the best one gets no lift; in between, a linear share.
DIRECTION_MARGIN = 0.02
# At most this many directions are lifted.
MAX_DIRECTIONS = 5
# Full lift only when the best direction is this much (cosine) closer than the CROWD-th best.
DISTINCT = 0.03
CROWD = 20
# What the 共性指标 category adds when a project is given.
COMMON_BOOST = 0.1
COMMON_CATEGORY = "901"
MAX_CONTEXT_CHARS = 256

# Parts of a project title that say nothing about its kind: years, amounts, document numbers
# (邯财社〔2018〕126号), bare digits.
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[(（]?\d{4}[〕\])）]?\d+号")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|万)")
_YEAR = re.compile(r"\d{4}\s*(?:年度|年)?(?:\s*[-至~]\s*\d{4}\s*(?:年度|年)?)?")
_DIGITS = re.compile(r"\d+")
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[）)]")


def project_text(context: str) -> str:
    """The words of a project's name and description that tell what kind of project it is."""
    text = context
    for pattern in (_DOC_NUMBER, _AMOUNT, _YEAR, _DIGITS, _EMPTY_BRACKETS):
        text = pattern.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ，,。;；:：-")
    return (text or context.strip())[:MAX_CONTEXT_CHARS]


def direction_centroids(vectors: np.ndarray, doc_direction: np.ndarray, n_directions: int) -> np.ndarray:
    """Unit mean vector of each direction's indicators (`doc_direction[i]` is the row of doc i)."""
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    sums = np.zeros((n_directions, dim), dtype=np.float32)
    np.add.at(sums, doc_direction, np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return sums / np.maximum(norms, 1e-12)


def direction_weights(centroids: np.ndarray, project_vector: np.ndarray, *, margin: float = DIRECTION_MARGIN,
                      limit: int = MAX_DIRECTIONS, distinct: float = DISTINCT, crowd: int = CROWD) -> np.ndarray:
    """Per direction, 0-1: 1 for the direction closest to the project, falling linearly to 0
    at `margin` behind it; only the `limit` closest directions get more than 0. All of it is
    scaled down when the closest direction is less than `distinct` closer than the `crowd`-th."""
    if len(centroids) == 0:
        return np.zeros(0, dtype=np.float32)
    cos = centroids @ np.asarray(project_vector, dtype=np.float32)
    order = np.argsort(-cos)
    weights = np.clip(1.0 - (cos.max() - cos) / margin, 0.0, 1.0).astype(np.float32)
    weights[order[limit:]] = 0.0
    if len(cos) > crowd:
        weights *= min(1.0, float(cos[order[0]] - cos[order[crowd]]) / distinct)
    return weights


def normalise(scores: dict[int, float], floor: float | None = None) -> dict[int, float]:
    """Scores scaled to 0-1: from `floor` (default: the lowest) to the highest, clipped."""
    if not scores:
        return {}
    hi = max(scores.values())
    lo = min(scores.values()) if floor is None else floor
    span = hi - lo
    if span <= 1e-9:
        return dict.fromkeys(scores, 1.0)
    return {d: min(max((s - lo) / span, 0.0), 1.0) for d, s in scores.items()}
