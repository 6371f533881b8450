"""The FastAPI application: JSON API, pages, error handling, start-up."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from kb.db import create_schema, get_engine
from kb.settings import Settings, get_settings
from services import review_jobs
from services.review_pool import CheckPool
from web import (
    api,
    api_accounts,
    api_cycle,
    api_drafts,
    api_goals,
    api_library,
    api_reviews,
    api_seasons_cycle,
    docs,
    errors,
    guards,
    pages,
    pages_account,
    pages_cycle,
    pages_draft,
    pages_library,
    pages_review,
    pages_seasons,
    render,
    search_state,
)
from web.deps import library_import_guard

HERE = Path(__file__).parent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        create_schema(app.state.engine)
        app.state.catch_up = search_state.start(app, library_import_guard)
        stop = threading.Event()
        search_state.watch(app, library_import_guard, stop)  # imports by kb import or another server
        pool = CheckPool(settings, settings.review_processes) if settings.review_processes else None
        app.state.review_worker = review_jobs.CheckWorker(app.state.engine, lambda: app.state.search, pool=pool)
        app.state.review_worker.start()  # season checks, claimed through the database with other replicas
        yield
        stop.set()
        app.state.review_worker.close()

    app = FastAPI(title="绩效指标知识库 API", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="预算绩效指标库：指标检索与分类、绩效目标审核与起草、运行监控、绩效自评与结果应用。")
    app.state.settings = settings
    app.state.engine = get_engine(settings)
    app.state.search = None
    app.state.search_problem = "starting"
    app.state.catching_up = False  # true while an import rebuilds the indexes; search answers from the old ones
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    render.configure(app.state.templates)  # hashed static URLs and the page filters
    errors.install(app)
    app.add_middleware(guards.TextGuard)  # inside BodyLimit: the bodies it reads are bounded
    app.add_middleware(errors.BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(guards.SecurityHeaders)  # outermost: on every response, 413s included
    app.mount("/static", render.HashedStatic(directory=render.STATIC_DIR), name="static")
    docs.install(app)  # /docs with Swagger UI's own files, no CDN
    routers = (api, api_accounts, api_goals, api_library, api_reviews, api_drafts, api_cycle, api_seasons_cycle, pages,
               pages_account, pages_library, pages_draft, pages_review, pages_seasons, pages_cycle)
    for module in routers:
        app.include_router(module.router)  # every router, in one place

    @app.get("/health", tags=["meta"])
    async def health() -> dict:
        """Liveness, the library version search answers from, whether search is ready and whether
        it is catching up with an import (answering from the previous version meanwhile). It
        touches neither the database nor the thread pool, so it answers at once under load. `embedded`:
        passages this process embedded (replicas on one database reuse each other's vectors)."""
        search = app.state.search
        return {"status": "ok", "search_ready": search is not None,
                "library_version": (search.manifest or {}).get("library_version") if search else None,
                "catching_up": app.state.catching_up, "embedded": search_state.embedded_passages()}

    return app
