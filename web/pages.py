"""The htmx pages: search, browse, indicator. Library, draft and review live in `pages_*.py`.

Each handler renders a full page, or only its partial (`_x.html`) when htmx asks for it, so
every page also works as a plain form without JavaScript. Handlers are plain `def`: FastAPI
runs them in its thread pool, so searching and checking never block the event loop.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup, escape

from indicators.framework import LEVEL1_OF, LEVELS, canonical_level1, canonical_level2
from kb import store
from kb.errors import InvalidInput, NotFound
from kb.store import Filters
from search.service import RELATIVE_FLOOR
from web.deps import SessionDep

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
PAGE_SIZE = 20
MOST = 100

router = APIRouter(include_in_schema=False)


# ---- templates: hashed static URLs, highlighting, rendering ---------------------------------
@lru_cache(maxsize=64)
def _digest(name: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """/static/NAME?v=<content hash>: browsers may cache it for ever, a new build changes the URL."""
    path = STATIC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"static file {name!r} is not in {STATIC_DIR}")
    return f"/static/{name}?v={_digest(name, path.stat().st_mtime_ns)}"


class HashedStatic(StaticFiles):
    """Static files; a request carrying the content hash (?v=…) may be cached for a year."""

    async def get_response(self, path, scope):
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def highlight(text: str | None, terms: list[str] | None) -> Markup:
    """Text with the matched terms wrapped in <mark>; every piece of the text is escaped, so no
    term can break an entity or smuggle in markup."""
    text = text or ""
    terms = sorted({t for t in terms or [] if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>%s</mark>") % m.group(0))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def source_label(source: str) -> str:
    """A library version's source in words: builtin → 内置指标库, import:x.xlsx → 导入 x.xlsx."""
    kind, _, detail = (source or "").partition(":")
    if kind == "builtin":
        return "内置指标库" + (f"（{detail}）" if detail else "")
    if kind == "import":
        return f"导入 {detail}" if detail else "导入"
    return source


def configure(templates) -> None:
    """Register the page helpers on the app's Jinja environment (called by web.app)."""
    env = templates.env
    env.globals["static_url"] = static_url
    env.globals["LEVELS"] = LEVELS
    env.globals["LEVEL2S"] = tuple(LEVEL1_OF)
    env.filters["highlight"] = highlight
    env.filters["source_label"] = source_label
    env.filters["yuan"] = lambda v: "" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")


def attachment(filename: str, fallback: str) -> dict[str, str]:
    """A download header with a Chinese file name (RFC 6266) and an ASCII one for old clients."""
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def is_fragment(request: Request) -> bool:
    """An htmx request that swaps a part of the page (not a history restore, which needs it all)."""
    h = request.headers
    return bool(h.get("hx-request")) and not h.get("hx-history-restore-request") and not h.get("hx-boosted")


def render(request: Request, page: str, context: dict, *, fragment: str | None = None, status_code: int = 200,
           headers: dict | None = None) -> HTMLResponse:
    partial = is_fragment(request)
    name = fragment if fragment and partial else page
    context = {"nav": None, **context, "is_fragment": partial}
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code,
                                                        headers=headers)


def search_problem(request: Request) -> str | None:
    return None if request.app.state.search is not None else (request.app.state.search_problem or "正在启动")


# ---- search ---------------------------------------------------------------------------------
def _page_filters(category: str, level1: str, level2: str) -> Filters:
    l1 = canonical_level1(level1) if level1 else None
    l2 = canonical_level2(level2) if level2 else None
    if level1 and l1 is None:
        raise InvalidInput(f"一级指标“{level1}”不在指标框架中；请选择 {'、'.join(LEVELS)}")
    if level2 and l2 is None:
        raise InvalidInput(f"二级指标“{level2}”不在指标框架中，例如 数量指标、质量指标、社会效益指标")
    return Filters(category=category or None, level1=l1, level2=l2)


def _relevant(hits: list) -> list:
    if not hits:
        return hits
    floor = hits[0].score * RELATIVE_FLOOR
    return [h for h in hits if h.score >= floor]


def _count(hits: list, field: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for h in hits:
        counts[getattr(h, field)] = counts.get(getattr(h, field), 0) + 1
    return counts


def _matches(hit, filters: Filters) -> bool:
    return ((not filters.category or filters.category in (hit.category, hit.category_code))
            and (not filters.level1 or hit.level1 == filters.level1)
            and (not filters.level2 or hit.level2 == filters.level2))


FACETS = ("category", "level1", "level2")


def run_search(service, q: str, filters: Filters, limit: int) -> dict:
    """Hits for the page plus facet counts. Each facet counts with every other filter applied but
    its own, so the user sees what choosing another value would give (disjunctive facets).

    Relevance is decided once, on the unfiltered ranking: fused scores are normalised per
    candidate set, so a filter must narrow that set rather than rescore noise as results. Only a
    broad query with more relevant hits than one ranking returns falls back to filtered rankings."""
    pool = _relevant(service.query(q, k=MOST).hits)
    complete = len(pool) < MOST

    def hits_for(f: Filters) -> list:
        if complete:
            return [h for h in pool if _matches(h, f)]
        return _relevant(service.query(q, k=MOST, filters=f).hits) if f.active() else pool

    hits = hits_for(filters)
    facets = {}
    for field in FACETS:
        counts = _count(hits_for(Filters(**{**filters.__dict__, field: None})), field)
        chosen = getattr(filters, field)
        if chosen and chosen not in counts:
            counts[chosen] = 0
        facets[field] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"hits": hits[:limit], "total": len(hits), "capped": len(hits) >= MOST, "facets": facets}


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str, Query(max_length=64)] = "",
    level1: Annotated[str, Query(max_length=16)] = "",
    level2: Annotated[str, Query(max_length=16)] = "",
    limit: Annotated[int, Query(ge=1, le=MOST)] = PAGE_SIZE,
):
    filters = _page_filters(category.strip(), level1.strip(), level2.strip())
    q = q.strip()
    context = {"nav": "search", "q": q, "filters": filters, "limit": limit, "result": None,
               "problem": search_problem(request), "more": min(limit + PAGE_SIZE, MOST)}
    if q and context["problem"] is None:
        context["result"] = run_search(request.app.state.search, q, filters, limit)
    return render(request, "search.html", context, fragment="_results.html")


# ---- browse ---------------------------------------------------------------------------------
@router.get("/browse", response_class=HTMLResponse)
def browse_page(request: Request, session: SessionDep):
    tree = store.taxonomy(session)
    return render(request, "browse.html", {"nav": "browse", "tree": tree, "counts": store.taxonomy_counts(tree)})


def find_direction(session, code: str):
    for d, s, c in store.all_directions(session):
        if d.code == code:
            return d, s, c
    raise NotFound(f"没有编码为“{code}”的支出方向；请从“浏览”页的分类树中选择")


@router.get("/browse/{code}", response_class=HTMLResponse)
def direction_page(request: Request, code: str, session: SessionDep):
    direction, sub, cat = find_direction(session, code)
    total, items = store.query_indicators(session, filters=Filters(direction=code), limit=10_000)
    groups = []
    for l1, l2s in LEVELS.items():
        subgroups = [(l2, [i for i in items if i.level2 == l2]) for l2 in l2s]
        subgroups = [(l2, rows) for l2, rows in subgroups if rows]
        if subgroups:
            groups.append((l1, subgroups))
    return render(request, "direction.html", {"nav": "browse", "direction": direction, "subcategory": sub,
                                              "category": cat, "total": total, "groups": groups})


# ---- one indicator --------------------------------------------------------------------------
def similar_to(service, indicator, k: int = 6) -> list:
    if service is None:
        return []
    hits = service.query(indicator.name, k=k + 1).hits
    return [h for h in _relevant(hits) if h.code != indicator.code][:k]


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator_page(request: Request, code: str, session: SessionDep):
    try:
        indicator = store.get_indicator(session, code=code)
    except NotFound:
        raise NotFound(f"没有编码为“{code}”的指标；请用搜索按名称查找") from None
    successor = None
    if indicator.superseded_by:
        try:
            successor = store.get_indicator(session, code=indicator.superseded_by)
        except NotFound:
            successor = None
    return render(request, "indicator.html", {
        "nav": "search", "ind": indicator, "successor": successor,
        "similar": similar_to(request.app.state.search, indicator), "problem": search_problem(request)})


def include_routers(app) -> None:
    """Mount the static files and every page router (called by web.app)."""
    from web import pages_draft, pages_library, pages_review

    app.mount("/static", HashedStatic(directory=STATIC_DIR), name="static")
    app.include_router(router)
    app.include_router(pages_library.router)
    app.include_router(pages_draft.router)
    app.include_router(pages_review.router)
