"""Exact inner-product search over unit vectors with faiss; filters applied inside the search."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    @property
    def vectors(self) -> np.ndarray:
        n, d = self.index.ntotal, self.index.d
        return faiss.rev_swig_ptr(self.index.get_xb(), n * d).reshape(n, d)

    def search(self, query: np.ndarray, k: int, ids: np.ndarray | None = None) -> dict[int, float]:
        """Top-k {doc: cosine}; with `ids`, only those documents are candidates."""
        if self.index.ntotal == 0 or k <= 0:
            return {}
        params = None
        if ids is not None:
            if len(ids) == 0:
                return {}
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids.astype(np.int64)))
            k = min(k, len(ids))
        scores, found = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, self.index.ntotal),
                                          params=params)
        return {int(d): float(s) for d, s in zip(found[0], scores[0], strict=True) if d >= 0}
