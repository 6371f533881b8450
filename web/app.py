"""The FastAPI application: JSON API, pages, error handling, start-up."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from kb.db import create_schema, get_engine
from kb.errors import NotReady
from kb.settings import Settings, get_settings
from search.service import SearchService
from web import api, api_cycle, api_goals, errors, guards, pages

log = logging.getLogger("kb.web")
HERE = Path(__file__).parent


def load_search(app: FastAPI) -> None:
    """(Re)load the search engine for the current library version; keep serving on failure."""
    try:
        service = SearchService.open(app.state.settings, app.state.engine)
        service.warm_up()
        app.state.search, app.state.search_problem = service, None
    except NotReady as exc:
        app.state.search, app.state.search_problem = None, exc.message
        log.warning("search not ready: %s", exc.message)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        create_schema(app.state.engine)
        load_search(app)
        yield

    app = FastAPI(title="绩效指标知识库 API", version="1", lifespan=lifespan,
                  description="Performance-budgeting indicator library: search, taxonomy, goal checking, drafting.")
    app.state.settings = settings
    app.state.engine = get_engine(settings)
    app.state.search = None
    app.state.search_problem = "starting"
    app.state.catching_up = False  # true while an import rebuilds the indexes; search answers from the old ones
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    pages.configure(app.state.templates)  # hashed static URLs and the page filters
    errors.install(app)
    app.add_middleware(guards.TextGuard)  # inside BodyLimit: the bodies it reads are bounded
    app.add_middleware(errors.BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(guards.SecurityHeaders)  # outermost: on every response, 413s included
    app.include_router(api.router)
    app.include_router(api_goals.router)
    app.include_router(api_cycle.router)
    pages.include_routers(app)  # /static and the htmx pages

    @app.get("/health", tags=["meta"])
    async def health() -> dict:
        """Liveness, the library version search answers from, whether search is ready and whether
        it is catching up with an import (answering from the previous version meanwhile). It
        touches neither the database nor the thread pool, so it answers at once under load."""
        search = app.state.search
        return {"status": "ok", "search_ready": search is not None,
                "library_version": (search.manifest or {}).get("library_version") if search else None,
                "catching_up": app.state.catching_up}

    return app
