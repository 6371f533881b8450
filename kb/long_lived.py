"""Objects a process keeps for good, out of the cyclic garbage collector's way.

A server's search engine holds some 14,000 documents, their texts and indexes for as long as it serves. Python's
collector walks every object it tracks at each full collection: with the engine loaded that took about 130 ms,
and fell in the middle of whichever request happened to trigger it (one real table's check went from 80 to 210
ms in the benchmark). Objects alive once the engine is loaded are frozen (`gc.freeze`): reference counting
still frees them, but full collections no longer walk them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Load something the process keeps (a search engine) inside this block: what an earlier load froze is
    unfrozen first, so an engine the new one replaces can be collected, and what is alive at the end is frozen."""
    gc.unfreeze()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
