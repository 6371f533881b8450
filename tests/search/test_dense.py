"""The dense index: exact below the size limit, IVF above it, filters always exact."""

import faiss
import numpy as np

from search.dense import EXACT_LIMIT, DenseIndex


def unit(rows: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_small_index_is_exact_and_round_trips(tmp_path):
    vectors = unit(500)
    index = DenseIndex.build(vectors)
    assert isinstance(index.index, faiss.IndexFlatIP)
    best = index.search(vectors[7], 1)
    assert list(best) == [7] and abs(best[7] - 1.0) < 1e-5
    index.save(tmp_path)
    assert list(DenseIndex.load(tmp_path).search(vectors[7], 1)) == [7]


def test_large_index_uses_ivf_and_still_finds_near_duplicates():
    vectors = unit(EXACT_LIMIT + 5000)
    index = DenseIndex.build(vectors)
    assert isinstance(index.index, faiss.IndexIVF)
    found = sum(next(iter(index.search(vectors[i], 1))) == i for i in range(0, 2000, 20))
    assert found >= 95  # an exact copy of a stored vector is found almost always


def test_filters_are_exact_even_on_ivf():
    vectors = unit(EXACT_LIMIT + 5000, seed=1)
    index = DenseIndex.build(vectors)
    ids = np.array([3, 10_000, 24_000])
    hits = index.search(vectors[10_000], 10, ids)
    assert set(hits) == {3, 10_000, 24_000} and max(hits, key=hits.get) == 10_000
    assert index.search(vectors[0], 5, np.array([], dtype=np.int64)) == {}
