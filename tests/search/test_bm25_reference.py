"""Our lexical index against a reference BM25 written out from the formula: the Lucene
variant (Kamphuis et al., ECIR 2020), which drops the constant (k1 + 1) factor."""

import math

import numpy as np
import pytest

from search.lexical import LexicalIndex

CORPUS = [
    ["路灯", "亮灯率", "路灯", "照明"],
    ["营养", "午餐", "学生", "补助"],
    ["学生", "资助", "人数"],
    ["污水", "处理", "达标率", "污水"],
    ["路灯", "维护", "费用"],
]


def reference_bm25(corpus, query, k1=1.2, b=0.75):
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    scores = []
    for doc in corpus:
        s = 0.0
        for term in set(query):
            df = sum(term in d for d in corpus)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            s += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(s)
    return np.array(scores)


@pytest.mark.parametrize("query", [["路灯"], ["学生", "补助"], ["污水", "路灯", "不存在"]])
def test_scores_match_reference(query):
    index = LexicalIndex.build(CORPUS)
    ours = index.scores(query)
    assert np.allclose(ours, reference_bm25(CORPUS, query), atol=1e-4)


def test_unknown_terms_give_no_scores():
    assert LexicalIndex.build(CORPUS).scores(["火箭"]) is None


def test_mask_zeroes_filtered_documents():
    index = LexicalIndex.build(CORPUS)
    mask = np.array([False, True, True, True, True])
    scores = index.scores(["路灯"], mask)
    assert scores[0] == 0 and scores[4] > 0


def test_save_and_load_round_trip(tmp_path):
    index = LexicalIndex.build(CORPUS)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert np.allclose(loaded.scores(["学生"]), index.scores(["学生"]))
