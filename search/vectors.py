"""Passage vectors cached by text, per encoder, as plain files.

A cache directory holds `stamp.json` (encoder id, dimension, count), `keys.txt` (the SHA-1
of each passage text, one a line) and `vectors.npy`. Vectors are looked up by the hash of
the exact text, so a changed indicator misses and is embedded again while the rest are
reused; a cache made by another encoder is never read. The package ships a cache for the
built-in library (`search/prebuilt/`, rebuilt with `kb vectors --ship`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search.documents import text_key
from search.encoders import Encoder

PREBUILT_DIR = Path(__file__).parent / "prebuilt"
BATCH = 32


class VectorCache:
    def __init__(self, directory: Path, encoder_id: str, dim: int):
        self.directory = directory / encoder_id
        self.encoder_id, self.dim = encoder_id, dim
        self.rows: dict[str, np.ndarray] = {}
        self._load()

    def _load(self) -> None:
        stamp_file = self.directory / "stamp.json"
        if not stamp_file.exists():
            return
        try:
            stamp = json.loads(stamp_file.read_text())
            keys = (self.directory / "keys.txt").read_text().split()
            vectors = np.load(self.directory / "vectors.npy", allow_pickle=False)
        except (OSError, ValueError):
            return  # an unreadable cache is a cold cache, never a wrong one
        if stamp.get("encoder") != self.encoder_id or stamp.get("dim") != self.dim or len(keys) != len(vectors):
            return
        self.rows = dict(zip(keys, vectors.astype(np.float32), strict=True))

    def save(self, keys: list[str], vectors: np.ndarray, *, dtype: str = "float32") -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        np.save(self.directory / "vectors.npy", vectors.astype(dtype), allow_pickle=False)
        (self.directory / "keys.txt").write_text("\n".join(keys) + "\n")
        (self.directory / "stamp.json").write_text(json.dumps(
            {"encoder": self.encoder_id, "dim": self.dim, "count": len(keys)}, indent=1))


def embed_passages(encoder: Encoder, texts: list[str], *, cache_dir: Path,
                   progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, reusing the data-dir cache and the shipped one; returns
    (vectors, how many had to be embedded now)."""
    keys = [text_key(t) for t in texts]
    known: dict[str, np.ndarray] = {}
    for directory in (PREBUILT_DIR, cache_dir):
        known.update(VectorCache(directory, encoder.id, encoder.dim).rows)
    missing = [i for i, k in enumerate(keys) if k not in known]
    for start in range(0, len(missing), BATCH):
        chunk = missing[start:start + BATCH]
        vectors = encoder.encode_passages([texts[i] for i in chunk])
        for i, v in zip(chunk, vectors, strict=True):
            known[keys[i]] = v
        if progress:
            progress(min(start + BATCH, len(missing)), len(missing))
    out = np.stack([known[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, encoder.dim), np.float32)
    if missing:
        VectorCache(cache_dir, encoder.id, encoder.dim).save(keys, out)
    return out, len(missing)


def ship_vectors(encoder: Encoder, texts: list[str], *, cache_dir: Path) -> Path:
    """Write the shipped cache for the given (built-in library) passages, embedding any
    that neither `cache_dir` nor the current shipped cache holds."""
    vectors, _ = embed_passages(encoder, texts, cache_dir=cache_dir)
    cache = VectorCache(PREBUILT_DIR, encoder.id, encoder.dim)
    cache.save([text_key(t) for t in texts], vectors, dtype="float16")
    return cache.directory
