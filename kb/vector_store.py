"""Passage vectors in the database, so every server on it reuses what any of them embedded.

A row is keyed by the encoder and the digest of the exact passage text (`<encoder id>:<sha1>`,
the key the data directory's file cache uses within an encoder's folder) and holds the vector as
little-endian float32 bytes. Rows are only ever added: the same key always means the same vector.

Servers embedding at the same moment share the work instead of repeating it: keys fall into
`BUCKETS` buckets by digest, and a process embeds a bucket's missing passages only while it holds
that bucket's claim (a PostgreSQL advisory lock, released by the database if the process dies).
On SQLite, which one machine's processes share, claims are always granted.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import LargeBinary, func, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

CHUNK = 500  # keys per IN query and rows per insert: well under SQLite's bound-parameter limit
BUCKETS = 256  # two hex digits of the digest
LOCK_SPACE = 727002  # first key of the two-key advisory locks; kb.migrate uses a one-key lock
DTYPE = np.dtype("<f4")


class PassageVector(SQLModel, table=True):
    key: str = Field(primary_key=True, description="<encoder id>:<sha1 of the passage text>")  # ids vary in length
    dim: int
    vector: bytes = Field(sa_type=LargeBinary, description="dim float32 values, little-endian")


def vector_key(encoder_id: str, digest: str) -> str:
    return f"{encoder_id}:{digest}"


def bucket_of(digest: str) -> int:
    """The claim bucket of a passage digest (hex): its first two hex digits."""
    return int(digest[:2], 16)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def get_vectors(session: Session, *, keys: Iterable[str], dim: int) -> dict[str, np.ndarray]:
    """The stored vectors among `keys` (key → float32 array); rows of another dimension are ignored."""
    found: dict[str, np.ndarray] = {}
    for chunk in _chunks(sorted(set(keys))):
        stmt = select(PassageVector.key, PassageVector.vector).where(
            col(PassageVector.key).in_(chunk), PassageVector.dim == dim)
        for key, blob in session.exec(stmt):
            if len(blob) == dim * DTYPE.itemsize:
                found[key] = np.frombuffer(blob, dtype=DTYPE).astype(np.float32)
    return found


def put_vectors(session: Session, *, vectors: dict[str, np.ndarray]) -> None:
    """Store vectors (key → 1-d array), leaving any key already stored as it is. The caller commits."""
    if not vectors:
        return
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"passage vectors are stored on SQLite or PostgreSQL, not {dialect}")
    rows = [{"key": key, "dim": int(v.shape[0]), "vector": np.ascontiguousarray(v, dtype=DTYPE).tobytes()}
            for key, v in vectors.items()]
    table = PassageVector.__table__
    for chunk in _chunks(rows):
        session.execute(insert(table).on_conflict_do_nothing(index_elements=["key"]), chunk)


def count_vectors(session: Session, *, encoder_id: str) -> int:
    stmt = select(func.count()).select_from(PassageVector).where(
        col(PassageVector.key).startswith(f"{encoder_id}:", autoescape=True))
    return session.exec(stmt).one()


class Claims:
    """Per-bucket claims of one encoder's embedding work, held on one connection."""

    def __init__(self, conn: Connection | None, encoder_id: str):
        self._conn, self._encoder_id = conn, encoder_id
        self._held: set[int] = set()

    def _lock_key(self, bucket: int) -> int:
        unsigned = zlib.crc32(f"{self._encoder_id}:{bucket}".encode())
        return unsigned - (1 << 32) if unsigned >= 1 << 31 else unsigned  # a signed int4

    def take(self, bucket: int, *, wait: bool) -> bool:
        """Claim `bucket`: at once or not at all (`wait` false), or once whoever holds it lets go."""
        if self._conn is not None:
            fn = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            got = self._conn.execute(text(f"SELECT {fn}(:space, :key)"),
                                     {"space": LOCK_SPACE, "key": self._lock_key(bucket)}).scalar()
            if not wait and not got:
                return False
        self._held.add(bucket)
        return True

    def release(self, bucket: int) -> None:
        if bucket in self._held and self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:space, :key)"),
                               {"space": LOCK_SPACE, "key": self._lock_key(bucket)})
        self._held.discard(bucket)


@contextmanager
def embedding_claims(engine: Engine, *, encoder_id: str) -> Iterator[Claims]:
    """Claims for the embedding work of `encoder_id`; every claim still held is let go on exit."""
    if engine.dialect.name != "postgresql":
        yield Claims(None, encoder_id)
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        claims = Claims(conn, encoder_id)
        try:
            yield claims
        finally:
            for bucket in list(claims._held):
                claims.release(bucket)
