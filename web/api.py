"""The JSON API (/api/v1), per the contract. Endpoints are plain `def`: FastAPI runs them in
its thread pool, so encoding and checking never block the event loop."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kb import store
from kb.models import IndicatorPublic
from kb.tables import workbook_bytes
from search.service import SearchHit
from services.library_io import COLUMNS, export_rows
from web.deps import FiltersDep, Offset, SearchDep, SessionDep, in_search_thread
from web.render import XLSX, attachment

router = APIRouter(prefix="/api/v1", tags=["indicators"])


MATCHED = ("with a function_code filter, the code it matched: the one asked for, or the 款 (then 类) it was "
           "widened to when no direction is budgeted under it")


class SearchResponse(BaseModel):
    query: str
    total: int
    mode: str
    hits: list[SearchHit]
    function_code_matched: str | None = Field(default=None, description=MATCHED)
    read_as: str | None = Field(default=None, description=(
        "a query typed in pinyin (manyidu, myd): the library's words it was read as (满意度) and searched for"))


class IndicatorPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[IndicatorPublic]
    function_code_matched: str | None = Field(default=None, description=MATCHED)


class DirectionNode(BaseModel):
    code: str
    name: str
    summary: str = ""
    function_codes: list[str] = []
    count: int


class SubcategoryNode(BaseModel):
    code: str
    name: str
    count: int
    directions: list[DirectionNode]


class RetiredSubcategoryNode(BaseModel):
    code: str
    name: str
    superseded_by: str


class CategoryNode(BaseModel):
    code: str
    name: str
    common: bool
    count: int
    subcategories: list[SubcategoryNode]
    retired_subcategories: list[RetiredSubcategoryNode] = Field(
        default=[], description="subcategory codes no longer in use, each with the 款 that superseded it")


class TaxonomyResponse(BaseModel):
    version: int | None
    categories: list[CategoryNode]
    counts: dict[str, int]


class VersionInfo(BaseModel):
    number: int
    source: str
    fingerprint: str
    created_at: datetime
    indicator_count: int
    added: int
    changed: int
    retired: int
    changes: dict


class VersionList(BaseModel):
    versions: list[VersionInfo]


@router.get("/search", responses={200: {"model": SearchResponse, "content": {XLSX: {}},
                                        "description": "the best indicators, best first (format=xlsx: a workbook)"}})
async def search(
    service: SearchDep,
    filters: FiltersDep,
    q: Annotated[str, Query(max_length=200, description="what you are looking for, e.g. 学生营养午餐补助")],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Literal["hybrid", "lexical", "semantic"] = "hybrid",
    context: Annotated[str | None, Query(
        max_length=1000, description="the project the indicator is for: its name, and its description when "
                                     "known, e.g. 2024年农村公路安全生命防护工程; indicators that fit that kind "
                                     "of project rank first")] = None,
    format: Annotated[Literal["json", "xlsx"], Query(description="xlsx: the same hits as a workbook")] = "json",
) -> Response:
    result = await in_search_thread(service.query, q, k=k, mode=mode, filters=filters, context=context)
    if format == "xlsx":
        return workbook(f"指标检索-{result.query}", "search.xlsx", result.hits, scores=True)
    # serialised by pydantic in one pass (no dicts in between, no FastAPI encoder pass): the same bytes
    body = SearchResponse.model_construct(query=result.query, total=result.total, mode=mode, hits=result.hits,
                                          function_code_matched=result.function_code_matched, read_as=result.read_as)
    return Response(body.model_dump_json(), media_type="application/json")


def workbook(title: str, fallback: str, indicators: list, *, scores: bool = False) -> Response:
    """Indicators as the library's export columns (plus 相关度 for search hits), one row each, in order."""
    header = [h for _, h in COLUMNS] + (["相关度"] if scores else [])
    rows = export_rows(indicators)
    if scores:
        rows = [[*row, round(i.score, 4)] for row, i in zip(rows, indicators, strict=True)]
    body = workbook_bytes(header, rows, sheet="指标")
    return Response(body, media_type=XLSX, headers=attachment(f"{title}"[:80] + ".xlsx", fallback))


@router.get("/indicators", response_model=IndicatorPage,
            responses={200: {"content": {XLSX: {}}, "description": "JSON, or with format=xlsx a workbook"}})
def list_indicators(
    session: SessionDep,
    filters: FiltersDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "xlsx"], Query(description="xlsx: the same page as a workbook")] = "json",
) -> dict | Response:
    total, items = store.query_indicators(session, filters=filters, offset=offset, limit=limit)
    if format == "xlsx":
        return workbook("指标列表", "indicators.xlsx", items)
    matched = store.directions_under(session, filters.function_code)[0] if filters.function_code else None
    return {"total": total, "offset": offset, "limit": limit, "items": [i.model_dump() for i in items],
            "function_code_matched": matched}


@router.get("/indicators/{code}", response_model=IndicatorPublic)
def get_indicator(code: str, session: SessionDep) -> dict:
    return store.get_indicator(session, code=code).model_dump()


@router.get("/taxonomy", response_model=TaxonomyResponse)
def taxonomy(session: SessionDep) -> dict:
    tree = store.taxonomy(session)
    version = store.current_version(session)
    return {"version": version.number if version else None, "categories": tree,
            "counts": store.taxonomy_counts(tree)}


@router.get("/versions", response_model=VersionList)
def versions(session: SessionDep) -> dict:
    return {"versions": [v.model_dump() for v in store.list_versions(session)]}
