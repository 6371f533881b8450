"""Searching with a project in mind: which spending directions a project's text points to,
and how much that lifts the indicators of those directions. Pure functions over vectors.

A direction is represented by the mean of its indicators' passage vectors blended with the
vector of a passage describing it (name, category, summary, keywords: `direction_passage`),
embedded once and cached like the indicators' passages. The project text is embedded once, as a
passage too (a description of a project is compared with descriptions of directions); every
direction nearly as close to it as the best one is lifted, the best one most, and the
共性指标 category (what any project of a type measures) a little. A vague project text (委托业务,
专项经费) is about as close to many directions: the lift shrinks with how little the best
directions stand out from the crowd.
"""

from __future__ import annotations

import re

import numpy as np

from kb.text import keyword_text, normalize_text, without_paperwork

# How much a fitting direction adds to a fused score (fused scores lie in 0-1).
DIRECTION_BOOST = 0.6
# A direction this much (cosine) behind the best one gets no lift; in between, a linear share.
DIRECTION_MARGIN = 0.03
# At most this many directions are lifted. Five was enough among 350 directions; among 580 the kind a
# project belongs to is as often the sixth or seventh closest (a grape-growing project behind 粮油单产提升,
# 产业强镇, 和美乡村… before 帮扶产业发展), and the margin still keeps the far ones out.
MAX_DIRECTIONS = 7
# …but the limit does not cut between near-ties: a direction within this (cosine) of the last one lifted is
# lifted too. Closeness this near is noise (a grape project: 畜牧业发展 0.8910 against 帮扶产业发展 0.8909, the
# order flipped by one edited row of 畜牧业发展, and 帮扶产业发展's indicators lost their whole lift).
TIE = 0.001
# Full lift only when the best direction is this much (cosine) closer than the CROWD-th best…
DISTINCT = 0.03
CROWD = 20
# …or, in a library of more than CROWD / CROWD_SHARE directions, than the closest CROWD_SHARE of them:
# a growing library has more near neighbours, and a fixed count would lift its projects less and less.
CROWD_SHARE = 0.05
# What the 共性指标 category adds when a project is given.
COMMON_BOOST = 0.1
COMMON_CATEGORY = "901"
# …except its 项目通用指标 (项目完成及时率, 资金到位率), the fallback for projects with no
# more specific indicator: with a project in mind, the fitting direction's own variant
# (项目建设按期完成率 for farmland) is the better answer when it is as good a match. They are not lifted,
# nor held back: held back by 0.1, a generic name whose project's direction has no row of its kind found
# another kind of project's first (任务完成时间 in a school meal subsidy: 年度培训任务完成时限).
GENERIC_SUBCATEGORY = "90106"
MAX_CONTEXT_CHARS = 256

# Parts of a project title that say nothing about its kind: years, amounts, bare digits (and the
# allocation notice and the form it came on, `kb.text.without_paperwork`).
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|万)")
_YEAR = re.compile(r"\d{4}\s*(?:年度|年)?(?:\s*[-至~]\s*\d{4}\s*(?:年度|年)?)?")
_DIGITS = re.compile(r"\d+")
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[）)]")
# How much a direction's own words found in the project text add to its closeness (cosine).
LEXICAL_AFFINITY = 0.01
# The share of a direction's own passage (vs. its indicators' centroid) in its closeness to a project.
PASSAGE_SHARE = 0.5
# At most this many directions' passages are embedded when the search engine starts (a few seconds:
# directions edited since the vectors shipped); with more to embed (a large imported library), every
# direction is its centroid alone until `kb vectors` or a build has embedded them.
PASSAGES_EMBEDDED_AT_START = 48


def project_text(context: str) -> str:
    """The words of a project's name and description that tell what kind of project it is."""
    text = without_paperwork(context)
    for pattern in (_AMOUNT, _YEAR, _DIGITS, _EMPTY_BRACKETS):
        text = pattern.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ，,。;；:：-")
    return (text or context.strip())[:MAX_CONTEXT_CHARS]


def direction_passage(name: str, category: str, summary: str, keywords: tuple[str, ...] | list[str]) -> str:
    """The passage the encoder embeds for a direction: what it is called, the area it belongs to,
    what it funds and the words projects of its kind use. (Not its subcategory: those names are
    the budget's function headings and may be regrouped.)"""
    words = f"关键词：{'、'.join(keywords)}" if keywords else ""
    return f"{name}。{category}。{summary}{words}"


def direction_vectors(centroids: np.ndarray, passages: np.ndarray | None, share: float = PASSAGE_SHARE) -> np.ndarray:
    """Each direction's representation: (1 − share) × its centroid + share × its passage vector,
    so the cosine to a project is the same blend of the two cosines. No passages: the centroids."""
    if passages is None or len(passages) != len(centroids):
        return centroids
    return ((1.0 - share) * centroids + share * np.asarray(passages, dtype=np.float32)).astype(np.float32)


def direction_centroids(vectors: np.ndarray, doc_direction: np.ndarray, n_directions: int) -> np.ndarray:
    """Unit mean vector of each direction's indicators (`doc_direction[i]` is the row of doc i)."""
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    sums = np.zeros((n_directions, dim), dtype=np.float32)
    np.add.at(sums, doc_direction, np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return sums / np.maximum(norms, 1e-12)


def direction_terms(token_lists: list[tuple[list[str], list[str]]]) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Per direction, {token: weight} from its (own words, summary words): a direction's name
    and keywords count 1, its summary 0.5; and each token's idf over directions."""
    terms = []
    for own, summary in token_lists:
        weights = dict.fromkeys(summary, 0.5)
        weights.update(dict.fromkeys(own, 1.0))
        terms.append(weights)
    n = max(len(terms), 1)
    df: dict[str, int] = {}
    for weights in terms:
        for token in weights:
            df[token] = df.get(token, 0) + 1
    return terms, {t: float(np.log(1 + n / c)) for t, c in df.items()}


def lexical_affinity(project_tokens: list[str], terms: list[dict[str, float]], idf: dict[str, float]) -> np.ndarray:
    """Per direction, 0-1: the idf-weighted share of the project's words that are the direction's
    own (a word no direction uses counts as the rarest, so it dilutes rather than vanishes)."""
    out = np.zeros(len(terms), dtype=np.float32)
    tokens = list(dict.fromkeys(project_tokens))
    if not tokens or not terms:
        return out
    rarest = float(np.log(1 + len(terms)))
    total = sum(idf.get(t, rarest) for t in tokens)
    for row, weights in enumerate(terms):
        out[row] = sum(idf[t] * weights[t] for t in tokens if t in weights) / total
    return out


def closeness_weights(cos: np.ndarray, *, margin: float = DIRECTION_MARGIN, limit: int = MAX_DIRECTIONS,
                      distinct: float = DISTINCT, crowd: int | None = None) -> np.ndarray:
    """Per direction, 0-1, from each direction's closeness to the project (`direction_closeness`): 1 for the
    closest, falling linearly to 0 at `margin` behind it; only the `limit` closest directions (and any within `TIE`
    of the last of them) get more than 0. All of it is scaled down when the closest direction is less than
    `distinct` closer than the `crowd`-th (by default `crowd_size` of the library's directions)."""
    if len(cos) == 0:
        return np.zeros(0, dtype=np.float32)
    order = np.argsort(-cos)
    crowd = crowd_size(len(cos)) if crowd is None else crowd
    weights = np.clip(1.0 - (cos.max() - cos) / margin, 0.0, 1.0).astype(np.float32)
    if len(cos) > limit:  # beyond the limit, except directions as close as the last one within (near-)ties
        beyond = order[limit:]
        weights[beyond[cos[beyond] < cos[order[limit - 1]] - TIE]] = 0.0
    if len(cos) > crowd:
        weights *= min(1.0, float(cos[order[0]] - cos[order[crowd]]) / distinct)
    return weights


def direction_closeness(centroids: np.ndarray, project_vector: np.ndarray, affinity: np.ndarray | None = None,
                        lexical: float = LEXICAL_AFFINITY) -> np.ndarray:
    """Per direction, how close a project is to it: the cosine to the direction's vector plus `lexical` × its
    `affinity` (`lexical_affinity`)."""
    cos = centroids @ np.asarray(project_vector, dtype=np.float32)
    return cos if affinity is None else cos + lexical * affinity


def crowd_size(directions: int) -> int:
    """How many of the closest directions a project's best one must stand out from."""
    return max(CROWD, round(CROWD_SHARE * directions))


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


# A keyword shorter than this (路灯, 公安) is too common a stretch of text to name one kind of project.
NAMING_CHARS = 3


def keyword_owners(directions, texts: dict[str, str]) -> dict[str, str]:
    """Each direction name and keyword of NAMING_CHARS or more characters that no other direction's
    name, keywords, summary or indicators (`texts`, by direction code) use → that direction's code. A
    word several directions share (城市更新, 监督检查, 无害化处理) names none of them."""
    candidates: dict[str, str] = {}
    for d in directions:
        for word in {d.name, *d.keywords}:
            word = normalize_text(word)
            if len(word) >= NAMING_CHARS:
                candidates[word] = d.code if candidates.get(word, d.code) == d.code else ""
    everything = "\n".join(texts.values())   # a word no other text holds occurs there only as often as in its own
    return {word: code for word, code in candidates.items()
            if code and everything.count(word) == texts.get(code, "").count(word)}


def named_directions(owners: dict[str, str], text: str) -> set[str]:
    """The directions a text names by one of their own words; a word inside a longer one the text also
    holds (青少年 in 青少年体育训练) does not count; nor does a short aside in brackets (村（社区）干部养老保险
    names 村干部养老保险)."""
    text = keyword_text(text)
    found = [word for word in owners if word in text]
    return {owners[w] for w in found if not any(w != longer and w in longer for longer in found)}
