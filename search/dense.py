"""Inner-product search over unit vectors with faiss; filters applied inside the search.

Up to `EXACT_LIMIT` vectors the index is exact (IndexFlatIP). Its unfiltered queries scan a
half-precision copy of the vectors (half the memory to read: the query comes straight from the
encoder, which has pushed the vectors out of the CPU caches), then score the best of them
exactly; the answer is the exact one, and when the scan's rounding could have left a better
document out, the full-precision index answers instead. Above the limit, an IVF index (about
4·√n lists, `NPROBE` probed) answers unfiltered queries in a few milliseconds. A filtered query
is answered exactly over the filtered rows, which keeps every document of a small filter
reachable."""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 20_000
NPROBE = 24
# How far a half-precision inner product of unit vectors can be from the float32 one: each
# component is rounded to within 2^-11 of itself, so the sum moves by at most 2^-11 (Cauchy-
# Schwarz), plus float32 accumulation; taken generously.
HALF_ERROR = 1e-3
# Candidates the half-precision scan keeps beyond k, for the exact scoring to choose from.
HALF_SLACK = 64


class DenseIndex:
    def __init__(self, index: faiss.Index, vectors: np.ndarray):
        self.index, self.vectors = index, vectors
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = NPROBE
        self.half: faiss.Index | None = None
        if isinstance(index, faiss.IndexFlat) and index.ntotal:
            self.half = faiss.IndexScalarQuantizer(index.d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
            self.half.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape if vectors.ndim == 2 else (0, 384)
        if n <= EXACT_LIMIT:
            index = faiss.IndexFlatIP(dim)
        else:
            lists = int(4 * math.sqrt(n))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
        if n:
            index.add(vectors)
        return cls(index, vectors)

    def save(self, directory: Path) -> None:
        faiss.write_index(self.index, str(directory / "dense.faiss"))
        np.save(directory / "vectors.npy", self.vectors, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> DenseIndex:
        """The saved index. Beside an exact index the vectors are read into memory (at most
        EXACT_LIMIT rows): a fresh server's queries then score their candidates without a page
        fault per row, and large arrays get huge pages. Beside an IVF index they stay mapped."""
        index = faiss.read_index(str(directory / "dense.faiss"))
        exact = isinstance(index, faiss.IndexFlat)
        vectors = np.load(directory / "vectors.npy", mmap_mode=None if exact else "r", allow_pickle=False)
        return cls(index, vectors)

    def search(self, query: np.ndarray, k: int, ids: np.ndarray | None = None) -> dict[int, float]:
        """Top-k {doc: cosine}; with `ids`, only those documents are candidates (exact)."""
        if self.index.ntotal == 0 or k <= 0:
            return {}
        query = np.asarray(query, dtype=np.float32)
        if ids is not None:
            if len(ids) == 0:
                return {}
            scores = self.vectors[ids] @ query
            k = min(k, len(ids))
            top = np.argpartition(-scores, k - 1)[:k]
            return dict(zip(ids[top].tolist(), scores[top].tolist(), strict=True))
        if self.half is not None:
            found = self._half_search(query, k)
            if found is not None:
                return found
        scores, found = self.index.search(query.reshape(1, -1), min(k, self.index.ntotal))
        return {int(d): float(s) for d, s in zip(found[0], scores[0], strict=True) if d >= 0}

    def _half_search(self, query: np.ndarray, k: int) -> dict[int, float] | None:
        """The exact top k from the half-precision scan, or None when its rounding could have
        left out one of them (then the caller asks the exact index)."""
        m = min(k + HALF_SLACK, self.half.ntotal)
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)  # one query: a thread team costs more than it saves (this thread only)
        try:
            approx, found = self.half.search(query.reshape(1, -1), m)
        finally:
            faiss.omp_set_num_threads(threads)
        ids = found[0]
        scores = np.asarray(self.vectors[ids], dtype=np.float32) @ query
        k = min(k, m)
        top = np.argpartition(-scores, k - 1)[:k]
        # a document the scan left out scores at most its m-th score + the rounding
        if m < self.half.ntotal and scores[top].min() <= approx[0][-1] + HALF_ERROR:
            return None
        return dict(zip(ids[top].tolist(), scores[top].tolist(), strict=True))
