"""Passage vectors, looked up by the hash of their exact text per encoder, embedded only when no one has.

Where a vector comes from, in order: the cache shipped with the package for the built-in library
(`search/prebuilt/`, rebuilt with `kb vectors`), the database (`kb.vector_store`: whatever
any server on it embedded, so replicas never embed a passage twice), the data directory's own file
cache, and only then the encoder. What the encoder makes, or the file cache held and the database
did not, is written to the database. A changed indicator's text misses and is embedded again while
the rest are reused; vectors of another encoder are never read.

Directions' passages (`search.context.direction_passage`) are kept apart from the indicators'
(`kind="directions"`: a directory `<encoder id>-directions` next to the encoder's own, shipped and
in the data directory), so rewriting one set never drops the other; so are their statements
(`kb.text.direction_statement`, `kind=STATEMENTS`), embedded as queries (`role="query"`, keyed apart
from the same words as a passage) because a project's text is compared with them as one query with another.

The file cache is a directory per encoder (and kind) with `stamp.json` (encoder id, dimension, count),
`keys.txt` (the SHA-1 of each passage text, one a line) and `vectors.npy`; a build that embedded
anything rewrites it with the vectors of the texts it indexed.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kb.db import session_scope
from kb.vector_store import bucket_of, embedding_claims, get_vectors, put_vectors, vector_key
from search.documents import text_key
from search.encoders import Encoder

PREBUILT_DIR = Path(__file__).parent / "prebuilt"
STATEMENTS = "statements"
BATCH = 32
Progress = Callable[[int, int], None]

_embedded_here = 0
_count_lock = threading.Lock()


def embedded_in_process() -> int:
    """How many passages this process has embedded since it started (0 when every vector was found)."""
    return _embedded_here


def _count(n: int) -> None:
    global _embedded_here
    with _count_lock:
        _embedded_here += n


class VectorCache:
    def __init__(self, directory: Path, encoder_id: str, dim: int, kind: str = ""):
        self.directory = directory / (f"{encoder_id}-{kind}" if kind else encoder_id)
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


@dataclass
class PassageVectors:
    vectors: np.ndarray  # one unit row per text, in order
    embedded: int  # passages this call had to embed
    from_database: int  # passages found in the database (embedded earlier, here or by another server)


def _from_database(engine: Engine, encoder: Encoder, digests: list[str]) -> dict[str, np.ndarray]:
    prefix = len(encoder.id) + 1
    with Session(engine) as session:
        rows = get_vectors(session, keys=[vector_key(encoder.id, d) for d in digests], dim=encoder.dim)
    return {key[prefix:]: v for key, v in rows.items()}


def _to_database(engine: Engine, encoder: Encoder, vectors: dict[str, np.ndarray]) -> None:
    with session_scope(engine) as session:
        put_vectors(session, vectors={vector_key(encoder.id, d): v for d, v in vectors.items()})


class _Embedder:
    """Embeds the passages no source had, bucket by claimed bucket when there is a database."""

    def __init__(self, encoder: Encoder, engine: Engine | None, texts: dict[str, str], known: dict[str, np.ndarray],
                 progress: Progress | None, role: str = "passage"):
        self.encoder, self.engine, self.texts, self.known = encoder, engine, texts, known
        self.encode = encoder.encode_passages if role == "passage" else encoder.encode_queries
        self.progress, self.done, self.embedded, self.from_database = progress, 0, 0, 0

    def run(self) -> None:
        if self.engine is None:
            self._embed(list(self.texts))
            return
        buckets: dict[int, list[str]] = defaultdict(list)
        for digest in self.texts:
            buckets[bucket_of(digest)].append(digest)
        with embedding_claims(self.engine, encoder_id=self.encoder.id) as claims:
            busy = []
            for bucket in sorted(buckets):  # another server embedding a bucket: do the others meanwhile
                if claims.take(bucket, wait=False):
                    self._fill(buckets[bucket])
                    claims.release(bucket)
                else:
                    busy.append(bucket)
            for bucket in busy:  # then wait for it and take what it stored
                claims.take(bucket, wait=True)
                self._fill(buckets[bucket])
                claims.release(bucket)

    def _fill(self, digests: list[str]) -> None:
        stored = _from_database(self.engine, self.encoder, digests)
        self.known.update(stored)
        self.from_database += len(stored)
        self._tick(len(stored))
        self._embed([d for d in digests if d not in stored])

    def _embed(self, digests: list[str]) -> None:
        for start in range(0, len(digests), BATCH):
            chunk = digests[start:start + BATCH]
            vectors = dict(zip(chunk, self.encode([self.texts[d] for d in chunk]), strict=True))
            self.known.update(vectors)
            if self.engine is not None:
                _to_database(self.engine, self.encoder, vectors)
            self.embedded += len(chunk)
            _count(len(chunk))
            self._tick(len(chunk))

    def _tick(self, n: int) -> None:
        self.done += n
        if self.progress and n:
            self.progress(self.done, len(self.texts))


def _keys(texts: list[str], role: str) -> list[str]:
    """Each text's key; a text embedded as a query has its own (the same words as a passage are another vector)."""
    return [text_key(t if role == "passage" else f"{role}: {t}") for t in texts]


def known_vectors(encoder: Encoder, texts: list[str], *, cache_dir: Path, engine: Engine | None = None,
                  kind: str = "", role: str = "passage") -> dict[str, np.ndarray]:
    """The vectors of those `texts` the shipped cache, the database or the data-dir cache already hold, by
    text; none is embedded."""
    keys = _keys(texts, role)
    known = _known(encoder, dict(zip(keys, texts, strict=True)), cache_dir, engine, kind)[0]
    return {t: known[k] for k, t in zip(keys, texts, strict=True) if k in known}


def _known(encoder: Encoder, wanted: dict[str, str], cache_dir: Path, engine: Engine | None,
           kind: str) -> tuple[dict[str, np.ndarray], int]:
    """(the vectors of the wanted keys found, how many of them came from the database)."""
    shipped = VectorCache(PREBUILT_DIR, encoder.id, encoder.dim, kind).rows
    known = {k: shipped[k] for k in wanted if k in shipped}
    from_database = 0
    if engine is not None and len(known) < len(wanted):
        stored = _from_database(engine, encoder, [k for k in wanted if k not in known])
        known.update(stored)
        from_database = len(stored)
    if len(known) < len(wanted):
        cached = VectorCache(cache_dir, encoder.id, encoder.dim, kind).rows
        local = {k: cached[k] for k in wanted if k not in known and k in cached}
        known.update(local)
        if engine is not None and local:
            _to_database(engine, encoder, local)  # a data directory from before vectors were shared
    return known, from_database


def embed_passages(encoder: Encoder, texts: list[str], *, cache_dir: Path, engine: Engine | None = None,
                   progress: Progress | None = None, kind: str = "", most: int | None = None,
                   role: str = "passage") -> PassageVectors | None:
    """Vectors for `texts` from the shipped cache, the database (`engine`), the data-dir cache and, for
    what none of them holds, the encoder; with no `engine` the database is left out. `kind` names the
    set of passages (indicators: ""; "directions") whose shipped and file caches are used; `role` is how
    the encoder reads them ("passage", or "query" for texts compared with queries). With `most`, None
    (and nothing embedded) when more than that many passages would have to be embedded."""
    keys = _keys(texts, role)
    wanted = dict(zip(keys, texts, strict=True))
    known, from_database = _known(encoder, wanted, cache_dir, engine, kind)
    missing = {k: t for k, t in wanted.items() if k not in known}
    if most is not None and len(missing) > most:
        return None
    embedder = _Embedder(encoder, engine, missing, known, progress, role)
    embedder.run()
    out = np.stack([known[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, encoder.dim), np.float32)
    if embedder.embedded:
        VectorCache(cache_dir, encoder.id, encoder.dim, kind).save(keys, out)
    return PassageVectors(out, embedder.embedded, from_database + embedder.from_database)


def ship_vectors(encoder: Encoder, texts: list[str], *, cache_dir: Path, engine: Engine | None = None,
                 kind: str = "", role: str = "passage", dtype: str = "float16") -> Path:
    """Write the shipped cache for the given (built-in library) passages of `kind`, embedding any that
    neither the current shipped cache, the database nor `cache_dir` holds."""
    vectors = embed_passages(encoder, texts, cache_dir=cache_dir, engine=engine, kind=kind, role=role).vectors
    cache = VectorCache(PREBUILT_DIR, encoder.id, encoder.dim, kind)
    cache.save(_keys(texts, role), vectors, dtype=dtype)
    return cache.directory
