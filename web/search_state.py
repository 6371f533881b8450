"""The search engine an app serves from: loaded at start-up and again after a library import.

When the saved indexes are stale at start-up (the library changed while the server was down, or
a rebuild was interrupted), the app answers from the indexes it has, of the earlier version, and
rebuilds in the background; `/health` says `catching_up` until the new ones are served. With no
indexes at all it builds them the same way and search says so meanwhile."""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from sqlmodel import Session

from kb import store
from kb.errors import KBError, NotReady
from kb.long_lived import long_lived
from search.service import SearchService
from search.vectors import embedded_in_process
from services.bootstrap import rebuild_index

log = logging.getLogger("kb.web")


def load_search(app: FastAPI) -> None:
    """(Re)load the search engine for the current library version; keep serving on failure."""
    try:
        with long_lived():
            service = SearchService.open(app.state.settings, app.state.engine)
            service.warm_up()
            app.state.search, app.state.search_problem = service, None
    except NotReady as exc:
        app.state.search, app.state.search_problem = None, exc.message
        log.warning("search not ready: %s", exc.message)


def embedded_passages() -> int:
    """Passages this process has embedded since it started; replicas on one database embed each once."""
    return embedded_in_process()


def rebuild(app: FastAPI) -> None:
    """Rebuild stale indexes (passage vectors come from the database when any server embedded them) and serve."""
    manifest = rebuild_index(app.state.settings)
    if manifest is not None:
        log.info("library version %s indexed: %s passages embedded here, %s vectors from the database",
                 manifest["library_version"], manifest["embedded_now"], manifest.get("vectors_from_database", 0))
    load_search(app)


def start(app: FastAPI, guard) -> threading.Thread | None:
    """Load search; when the indexes are stale or missing, answer from what there is and catch up in
    a background thread, one rebuild at a time (`guard` is the library-import lock). Returns the thread."""
    load_search(app)
    if app.state.search is not None:
        return None
    with Session(app.state.engine) as session:
        if store.current_version(session) is None:
            return None  # an empty knowledge base: `kb init` loads the library (search says so)
    try:
        with long_lived():
            app.state.search = SearchService.open(app.state.settings, app.state.engine, allow_stale=True)
            app.state.search.warm_up()
    except NotReady:
        app.state.search_problem = "正在建立检索索引，请稍候（通常一两分钟）"
    app.state.catching_up = True

    def catch_up() -> None:
        try:
            with guard():
                rebuild(app)
        except KBError as exc:
            app.state.search_problem = exc.message
            log.warning("catching up failed: %s", exc.message)
        finally:
            app.state.catching_up = False

    thread = threading.Thread(target=catch_up, name="catch-up", daemon=True)
    thread.start()
    return thread


def served_version(app: FastAPI) -> int | None:
    search = app.state.search
    return (search.manifest or {}).get("library_version") if search is not None else None


def watch(app: FastAPI, guard, stop: threading.Event) -> threading.Thread:
    """Every `library_poll_seconds`, ask the database for the current library version; when it is newer
    than the one served (an import by `kb import` or another server), rebuild the indexes and serve it,
    answering from the earlier ones meanwhile. Stops when `stop` is set."""

    def loop() -> None:
        while not stop.wait(app.state.settings.library_poll_seconds):
            if app.state.catching_up:
                continue
            try:
                with Session(app.state.engine) as session:
                    current = store.current_version(session)
                if current is not None and current.number != served_version(app):
                    with guard():  # 409 while an import runs here: it brings search up to date itself
                        app.state.catching_up = True
                        try:
                            rebuild(app)
                        finally:
                            app.state.catching_up = False
            except KBError as exc:
                log.info("library watch: %s", exc.message)
            except Exception:  # the database may be briefly away; the next round tries again
                log.exception("library watch failed")

    thread = threading.Thread(target=loop, name="library-watch", daemon=True)
    thread.start()
    return thread
