"""The search engine an app serves from: loaded at start-up and again after a library import."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from kb.errors import NotReady
from search.service import SearchService

log = logging.getLogger("kb.web")


def load_search(app: FastAPI) -> None:
    """(Re)load the search engine for the current library version; keep serving on failure."""
    try:
        service = SearchService.open(app.state.settings, app.state.engine)
        service.warm_up()
        app.state.search, app.state.search_problem = service, None
    except NotReady as exc:
        app.state.search, app.state.search_problem = None, exc.message
        log.warning("search not ready: %s", exc.message)
