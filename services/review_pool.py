"""Season checks on every core: child processes, each with its own search engine, check the parts of a
chunk side by side (a check is Python work under one interpreter lock; a process per core doubles a
2-core server's rate). Children start on the first large season and load the library version the
server answers from; a child that dies is replaced on the next chunk."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from kb.db import get_engine
from kb.long_lived import long_lived
from kb.settings import Settings
from search.service import SearchService
from services.history import with_history
from services.review_jobs import check_stored

log = logging.getLogger("kb.reviews")

# in each child: its settings, its search engine and the library version that engine holds
_child: dict = {}


def _start(settings: dict, server: int) -> None:
    _child.clear()
    _child["settings"] = Settings(**settings)
    threading.Thread(target=_follow, args=(server,), name="follow-server", daemon=True).start()


def _follow(server: int) -> None:
    """End this child when the server is gone (killed with -9, it cannot ask its children to stop)."""
    while os.getppid() == server:
        time.sleep(1.0)
    os._exit(0)


def _service(version: int | None) -> SearchService:
    if "service" not in _child or (version is not None and _child["version"] != version):
        settings = _child["settings"]
        with long_lived():
            service = SearchService.open(settings, get_engine(settings), allow_stale=True)
            _child["service"], _child["version"] = service, (service.manifest or {}).get("library_version")
    return _child["service"]


def _check(documents: list[dict], version: int | None) -> list[dict]:
    settings = _child["settings"]
    lookup = with_history(_service(version), get_engine(settings))
    return [check_stored(doc, lookup) for doc in documents]


class CheckPool:
    """`processes` children that check documents against the library; `check` keeps the order."""

    def __init__(self, settings: Settings, processes: int, *, smallest: int = 100):
        self.settings, self.processes, self.smallest = settings, processes, smallest
        self._pool: ProcessPoolExecutor | None = None

    def check(self, documents: list[dict], version: int | None) -> list[dict]:
        if self._pool is None:
            # spawned, not forked: the server's threads and open connections are not copied
            settings = self.settings.model_dump(mode="json")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(settings, os.getpid()))
        size = -(-len(documents) // self.processes)
        parts = [documents[n:n + size] for n in range(0, len(documents), size)]
        try:
            return [r for part in self._pool.map(_check, parts, [version] * len(parts)) for r in part]
        except BrokenProcessPool:
            log.warning("a season check process died; starting new ones")
            self.close()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # the children end with the server
            self._pool = None
