"""The unfiltered exact search scans half-precision vectors and scores its best exactly: the
answer is the float32 index's own, also when rounding leaves the scan unsure."""

import faiss
import numpy as np

from search.dense import HALF_SLACK, DenseIndex


def unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def exact(index: DenseIndex, query: np.ndarray, k: int) -> dict[int, float]:
    scores, found = index.index.search(query.reshape(1, -1), k)
    return {int(d): float(s) for d, s in zip(found[0], scores[0], strict=True)}


def test_half_precision_scan_gives_the_exact_top_k():
    rng = np.random.default_rng(3)
    # crowded like e5 vectors: one shared direction plus a little of each document's own
    vectors = unit(1.0 + 0.5 * rng.normal(size=(6000, 64)))
    index = DenseIndex.build(vectors)
    assert index.half is not None
    for _ in range(20):
        query = unit(1.0 + 0.5 * rng.normal(size=64))
        assert index._half_search(query, 100) is not None  # the scan was sure of its answer
        got, want = index.search(query, 100), exact(index, query, 100)
        assert set(got) == set(want)
        assert max(abs(got[d] - want[d]) for d in got) < 1e-5  # scores are the float32 ones


def test_when_rounding_could_hide_a_document_the_exact_index_answers():
    rng = np.random.default_rng(4)
    base = unit(rng.normal(size=32))
    # more near-copies of one vector than the scan keeps beyond k, all within rounding of each other
    vectors = unit(base + 1e-5 * rng.normal(size=(HALF_SLACK + 200, 32)))
    vectors = np.vstack([vectors, unit(rng.normal(size=(500, 32)))])
    index = DenseIndex.build(vectors)
    assert index._half_search(base, 10) is None
    got, want = index.search(base, 10), exact(index, base, 10)
    assert got == want


def test_small_k_and_tiny_index():
    vectors = unit(np.eye(4, dtype=np.float32) + 0.01)
    index = DenseIndex.build(vectors)
    assert isinstance(index.index, faiss.IndexFlatIP)
    assert set(index.search(vectors[2], 10)) == {0, 1, 2, 3}
    assert max(index.search(vectors[2], 1).items(), key=lambda kv: kv[1])[0] == 2
