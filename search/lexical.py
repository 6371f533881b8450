"""BM25 over jieba tokens with bm25s; saved and loaded as bm25s' own plain files (mmap on load)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np


class LexicalIndex:
    def __init__(self, model: bm25s.BM25):
        self.model = model
        self.vocab: dict[str, int] = model.vocab_dict

    @classmethod
    def build(cls, corpus_tokens: list[list[str]]) -> LexicalIndex:
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index(corpus_tokens, show_progress=False)
        return cls(model)

    def save(self, directory: Path) -> None:
        self.model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    def doc_counts(self) -> dict[str, int]:
        """Each indexed word → how many documents hold it."""
        indptr = self.model.scores["indptr"]
        return {word: int(indptr[i + 1] - indptr[i]) for word, i in self.vocab.items() if word and i + 1 < len(indptr)}

    def known(self, tokens: list[str]) -> list[str]:
        return [t for t in dict.fromkeys(tokens) if t in self.vocab]

    def scores(self, tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray | None:
        """BM25 score of every document for the query tokens (None when no token is known)."""
        known = self.known(tokens)
        if not known:
            return None
        weight = None if mask is None else mask.astype(np.float32)
        return self.model.get_scores(known, weight_mask=weight)
