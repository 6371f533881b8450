"""Inner-product search over unit vectors with faiss; filters applied inside the search.

Up to `EXACT_LIMIT` vectors the index is exact (IndexFlatIP). Above it, an IVF index
(about 4·√n lists, `NPROBE` probed) answers unfiltered queries in a few milliseconds, and a
filtered query is answered exactly over the filtered rows, which keeps every document of a
small filter reachable."""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 20_000
NPROBE = 24


class DenseIndex:
    def __init__(self, index: faiss.Index, vectors: np.ndarray):
        self.index, self.vectors = index, vectors
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = NPROBE

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
        vectors = np.load(directory / "vectors.npy", mmap_mode="r", allow_pickle=False)
        return cls(faiss.read_index(str(directory / "dense.faiss")), vectors)

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
            return {int(ids[i]): float(scores[i]) for i in top}
        scores, found = self.index.search(query.reshape(1, -1), min(k, self.index.ntotal))
        return {int(d): float(s) for d, s in zip(found[0], scores[0], strict=True) if d >= 0}
