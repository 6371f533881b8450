"""The htmx pages: search, browse, indicator. Library, draft and review live in `pages_*.py`;
the rendering toolkit they share in `web.render`; `web.app` includes every router.

Each handler renders a full page, or only its partial (`_x.html`) when htmx asks for it, so
every page also works as a plain form without JavaScript. Handlers are plain `def`: FastAPI
runs them in its thread pool, so searching and checking never block the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from indicators.framework import DEPARTMENT, LEVELS, alias_names_the_same_measure, any_level1, any_level2, framework_for
from indicators.goals import FUNCTION_CODE
from indicators.values import parse_unit
from kb import store
from kb.errors import InvalidInput, NotFound
from kb.store import Filters
from kb.text import normalize_text
from search.service import RELATIVE_FLOOR
from web.deps import SessionDep
from web.render import kemu_name, render, search_problem

PAGE_SIZE = 20
MOST = 100

router = APIRouter(include_in_schema=False)


# ---- search ---------------------------------------------------------------------------------
def _page_filters(category: str, level1: str, level2: str, function_code: str = "") -> Filters:
    l1 = any_level1(level1) if level1 else None
    l2 = any_level2(level2) if level2 else None
    if level1 and l1 is None:
        raise InvalidInput(f"一级指标“{level1}”不在指标框架中；请选择 {'、'.join(LEVELS)}，"
                           f"部门整体指标选择 {'、'.join(DEPARTMENT.levels)}")
    if level2 and l2 is None:
        raise InvalidInput(f"二级指标“{level2}”不在指标框架中，例如 数量指标、质量指标、社会效益指标")
    code = store.valid_function_code(function_code, name="功能分类科目")
    return Filters(category=category or None, level1=l1, level2=l2, function_code=code)


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


def _matches(hit, filters: Filters, directions: frozenset[str] | None = None) -> bool:
    """Whether a hit passes the filters; `directions`: those the function code filter allows."""
    return ((directions is None or hit.direction_code in directions)
            and (not filters.category or filters.category in (hit.category, hit.category_code))
            and (not filters.level1 or hit.level1 == filters.level1)
            and (not filters.level2 or hit.level2 == filters.level2))


FACETS = ("category", "level1", "level2")


def run_search(service, q: str, filters: Filters, limit: int, context: str = "") -> dict:
    """Hits for the page plus facet counts. Each facet counts with every other filter applied but
    its own, so the user sees what choosing another value would give (disjunctive facets).
    `context`, the project the indicators are for, ranks those fitting it first; a function code
    keeps the directions budgeted under it (`function_code_matched` says when it was widened).

    Relevance is decided once, on the unfiltered ranking: fused scores are normalised per
    candidate set, so a filter must narrow that set rather than rescore noise as results. Only a
    broad query with more relevant hits than one ranking returns falls back to filtered rankings."""
    context = context or None
    first = service.query(q, k=MOST, context=context)
    pool = _relevant(first.hits)
    complete = len(pool) < MOST
    scope = service.function_code_scope(filters.function_code) if filters.function_code else None
    directions = frozenset(scope[1]) if scope else None

    def hits_for(f: Filters) -> list:
        if complete:
            return [h for h in pool if _matches(h, f, directions)]
        if f.active():
            return _relevant(service.query(q, k=MOST, filters=f, context=context).hits)
        return pool

    hits = hits_for(filters)
    facets = {}
    for field in FACETS:
        counts = _count(hits_for(Filters(**{**filters.__dict__, field: None})), field)
        chosen = getattr(filters, field)
        if chosen and chosen not in counts:
            counts[chosen] = 0
        facets[field] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"hits": hits[:limit], "total": len(hits), "capped": len(hits) >= MOST, "facets": facets,
            "function_code_matched": scope[0] if scope else None, "read_as": first.read_as}


@router.get("/search")
def search_address(request: Request) -> RedirectResponse:
    """/search?q=… as people type it: the search page is the front page."""
    query = request.url.query
    return RedirectResponse("/" + (f"?{query}" if query else ""), status_code=307)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str, Query(max_length=64)] = "",
    level1: Annotated[str, Query(max_length=16)] = "",
    level2: Annotated[str, Query(max_length=16)] = "",
    project: Annotated[str, Query(max_length=200)] = "",
    function_code: Annotated[str, Query(max_length=40)] = "",
    limit: Annotated[int, Query(ge=1, le=MOST)] = PAGE_SIZE,
):
    q, project = q.strip(), project.strip()
    service = request.app.state.search
    typed = _typed_code(service, q) if service is not None and not function_code.strip() else None
    filters = _page_filters(category.strip(), level1.strip(), level2.strip(), typed[0] if typed else function_code)
    searched = typed[1] if typed else q
    context = {"nav": "search", "q": q, "searched": searched, "code_typed": typed and typed[0], "project": project,
               "filters": filters, "limit": limit, "result": None, "problem": search_problem(request),
               "more": min(limit + PAGE_SIZE, MOST)}
    if q and context["problem"] is None:
        context["result"] = run_search(service, searched, filters, limit, context=project)
    return render(request, "search.html", context, fragment="_results.html")


def _typed_code(service, q: str) -> tuple[str, str] | None:
    """(code, what to search for) when the query is a 支出功能分类 code that directions are budgeted under, as the
    budget system shows it (2050202, 2050202 小学教育, 【2050202】小学教育): the indicators of those directions,
    ranked by the 科目's name (the one written, else the code table's); None for any other query (100, 12345)."""
    text = normalize_text(q).strip()
    m = FUNCTION_CODE.match(text)
    if m is None or not service.function_code_scope(m.group(1))[1]:
        return None
    code = m.group(1)
    return code, (m.group(2) or "").strip() or kemu_name(code) or code


# ---- browse ---------------------------------------------------------------------------------
@router.get("/browse", response_class=HTMLResponse)
def browse_page(request: Request, session: SessionDep):
    tree = store.taxonomy(session)
    # a category filed on a framework other than the project one shows its levels (部门整体: 运行成本…)
    frameworks = {c["code"]: framework_for(c["code"]).levels for c in tree if framework_for(c["code"]) is DEPARTMENT}
    return render(request, "browse.html", {"nav": "browse", "tree": tree, "counts": store.taxonomy_counts(tree),
                                           "frameworks": frameworks})


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
    for l1, l2s in framework_for(cat.code).levels.items():
        subgroups = [(l2, [i for i in items if i.level2 == l2]) for l2 in l2s]
        subgroups = [(l2, rows) for l2, rows in subgroups if rows]
        if subgroups:
            groups.append((l1, subgroups))
    return render(request, "direction.html", {"nav": "browse", "direction": direction, "subcategory": sub,
                                              "category": cat, "total": total, "groups": groups,
                                              "department": framework_for(cat.code) is DEPARTMENT})


# ---- one indicator --------------------------------------------------------------------------
def similar_to(service, indicator, k: int = 6) -> list:
    if service is None:
        return []
    hits = service.query(indicator.name, k=k + 1, as_name=False).hits  # alike in wording, common or not
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
    kind = parse_unit(indicator.unit).kind
    aliases = [a for a in indicator.aliases or () if alias_names_the_same_measure(a, kind)]
    related = [a for a in indicator.aliases or () if a not in aliases]   # 婚检人数 under 婚前医学检查率
    return render(request, "indicator.html", {
        "nav": "search", "ind": indicator, "successor": successor, "aliases": aliases, "related": related,
        "similar": similar_to(request.app.state.search, indicator), "problem": search_problem(request)})
