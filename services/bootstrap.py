"""Bring a data directory up to date: schema, built-in library, search indexes.

A service the command line and the web app share: it composes `indicators` (the library
data), `search` (the indexes) and `kb` (the database), all of which sit below it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from indicators import library as library_data
from indicators.catalog import builtin_rows
from kb import store
from kb.db import create_schema, get_engine, session_scope
from kb.settings import Settings
from kb.text import direction_statement
from search.build import build_indexes, manifest_matches, read_manifest
from search.encoders import make_encoder

Progress = Callable[[str, int, int], None]


@dataclass
class InitReport:
    version: int
    new_version: bool
    indicators: int
    rebuilt_index: bool
    embedded_now: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def load_builtin(settings: Settings, *, library_dir: Path | None = None,
                 force: bool = False) -> store.LibraryVersion | None:
    """Store the built-in library as a new version when its files changed; None when unchanged.
    `force` reads the files even when unchanged, to fill columns a schema upgrade has just added.
    Servers starting together load it once: on PostgreSQL they queue on a lock and the later ones
    find it loaded; elsewhere a process that loses the race looks again instead of failing."""
    directory = library_dir or library_data.LIBRARY_DIR
    engine = get_engine(settings)
    for attempt in range(3):
        try:
            with session_scope(engine) as session:
                if engine.dialect.name == "postgresql":
                    session.execute(text("SELECT pg_advisory_xact_lock(727002)"))
                last = store.last_version_from(session, source_prefix="builtin")
                if last and last.fingerprint == library_data.library_fingerprint(directory) and (
                        not force or attempt):
                    return None  # unchanged files (or loaded a moment ago by another process)
                rows, fingerprint = builtin_rows(directory)
                source = "builtin" if library_dir is None else f"builtin:{library_dir.name}"
                version = store.apply_library(session, rows, source=source, fingerprint=fingerprint, replace=True)
                if version is not None:
                    session.expunge(version)
                return version
        except (IntegrityError, OperationalError):
            if attempt == 2:
                raise
            time.sleep(0.5)  # another process stored a version at the same moment
    return None


def rebuild_index(settings: Settings, *, progress: Progress | None = None, force: bool = False) -> dict | None:
    """Rebuild the search indexes if they do not match the current library version and encoder."""
    engine = get_engine(settings)
    encoder = make_encoder(settings.encoder, settings.encoder_threads)
    with Session(engine) as session:
        version = store.current_version(session)
        current = version.number if version else None
        if not force and manifest_matches(read_manifest(settings.index_dir), version=current, encoder_id=encoder.id):
            return None
        indicators = store.all_indicators(session)
        directions = [d for d, _, _ in store.all_directions(session)]
    return build_indexes(index_dir=settings.index_dir, cache_dir=settings.data_dir / "vectors",
                         indicators=indicators, keywords={d.code: list(d.keywords) for d in directions},
                         version=version.number if version else 0,
                         fingerprint=version.fingerprint if version else "", encoder=encoder, engine=engine,
                         progress=progress, statements=[direction_statement(d.name, d.summary) for d in directions])


def initialise(settings: Settings, *, progress: Progress | None = None, library_dir: Path | None = None,
               builtin: bool = True, index: bool = True) -> InitReport:
    """Idempotent: create the schema, load the built-in library if it changed, rebuild stale indexes
    (unless `index` is false: a server rebuilds them in the background while it answers)."""
    t0 = time.perf_counter()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings)
    added_columns = create_schema(engine)
    with Session(engine) as session:
        empty = store.current_version(session) is None
    version = (load_builtin(settings, library_dir=library_dir, force=bool(added_columns))
               if (builtin or empty or added_columns) else None)
    t1 = time.perf_counter()
    manifest = rebuild_index(settings, progress=progress) if index else None
    t2 = time.perf_counter()
    with Session(engine) as session:
        current = store.current_version(session)
    return InitReport(version=current.number if current else 0, new_version=version is not None,
                      indicators=current.indicator_count if current else 0, rebuilt_index=manifest is not None,
                      embedded_now=(manifest or {}).get("embedded_now", 0),
                      seconds={"library": round(t1 - t0, 2), "index": round(t2 - t1, 2)})
