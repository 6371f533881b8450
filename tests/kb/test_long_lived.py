"""What a process loads for good is kept out of full collections, and what a later load replaces is still freed."""

import gc
import weakref

from kb.long_lived import long_lived


class Engine:
    def __init__(self):
        self.me = self  # a cycle, as a service's caches and workers make: only the collector frees it


def test_a_loaded_engine_is_frozen_and_freed_once_replaced():
    holder = {}
    try:
        with long_lived():
            holder["engine"] = Engine()
        first = weakref.ref(holder["engine"])
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert first() is not None  # in use
        with long_lived():
            holder["engine"] = Engine()
        assert first() is None  # replaced, and collected although it had been frozen
        assert holder["engine"] is not None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_failed_load_still_leaves_the_process_settled():
    try:
        try:
            with long_lived():
                raise RuntimeError("索引缺失")
        except RuntimeError:
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
