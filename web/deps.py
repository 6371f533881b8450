"""Dependencies as aliases, in one place."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from kb.errors import Conflict, NotReady
from kb.models import MAX_ID
from kb.settings import Settings
from kb.store import Filters
from search.service import SearchService
from services.filters import search_filters

# Searches run on threads of their own, awaited from an `async def` route: a plain `def` route's hop
# through anyio's worker threads cost 0.55-0.75 ms more per search (scripts/bench_single.py). As
# many threads as anyio would use (40), so a burst of searches queues no earlier than before.
_SEARCH_THREADS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="search")
T = TypeVar("T")

# Record numbers in a path, bounded by what both databases store (kb.models.MAX_ID): a larger number is answered
# as a wrong number, not passed to the database, whose driver refuses it.
ReviewId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="审核批次编号")]
ProjectId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="项目编号")]
DraftId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="草稿编号")]
VersionNumber = Annotated[int, PathParam(ge=1, le=MAX_ID, description="指标库版本号")]
# Where a page of a list starts: past any list this service holds, and within what the databases take as OFFSET.
Offset = Annotated[int, Query(ge=0, le=10**9, description="从第几条开始（0 起）")]


async def in_search_thread(fn: Callable[..., T], /, *args, **kwargs) -> T:
    """`fn(*args, **kwargs)` on a search thread (the encoder's C code releases the GIL there)."""
    return await asyncio.get_running_loop().run_in_executor(_SEARCH_THREADS, functools.partial(fn, *args, **kwargs))


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its
# thread pool, and a hop per dependency costs more than the dependency itself.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_search(request: Request) -> SearchService:
    service = request.app.state.search
    if service is None:
        raise NotReady(request.app.state.search_problem or "检索索引尚未载入；请运行 `kb init`")
    return service


async def get_filters(
    category: Annotated[str | None, Query(max_length=64, description="category name or code")] = None,
    subcategory: Annotated[str | None, Query(max_length=64, description="subcategory name or code")] = None,
    direction: Annotated[str | None, Query(max_length=64, description="spending direction name or code")] = None,
    level1: Annotated[str | None, Query(max_length=16, description="一级指标, e.g. 产出指标 or 产出")] = None,
    level2: Annotated[str | None, Query(max_length=16, description="二级指标, e.g. 质量指标 or 质量")] = None,
    function_code: Annotated[str | None, Query(
        max_length=7, description="支出功能分类 code: 类 (3 digits), 款 (5) or 项 (7); a 款 matches its 项")] = None,
) -> Filters:
    return search_filters(category=category, subcategory=subcategory, direction=direction, level1=level1,
                          level2=level2, function_code=function_code)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[SearchService, Depends(get_search)]
FiltersDep = Annotated[Filters, Depends(get_filters)]


def upload_name(filename: str | None, *, max_bytes: int = 120) -> str:
    """An uploaded file's own name, safe to show and to write to disk: the last path part (Windows
    paths too), printable characters only (no NUL, no lone surrogates), at most `max_bytes` of
    UTF-8 with the extension kept (file systems allow 255 bytes; a long Chinese name is cut)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and not "\ud800" <= ch <= "\udfff")
    path = PurePosixPath(name)
    suffix = path.suffix if len(path.suffix) <= 10 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = stem.encode("utf-8")[: max_bytes - len(suffix.encode("utf-8"))].decode("utf-8", "ignore")
    return stem + suffix


_IMPORT_LOCK = threading.Lock()


@contextmanager
def library_import_guard() -> Iterator[None]:
    """One library import at a time: a second one while the first runs gets a 409 at once, and so
    does one that loses a race with another process (`kb import`) in the database."""
    if not _IMPORT_LOCK.acquire(blocking=False):
        raise Conflict("另一个指标库导入正在进行；请等它完成（通常不到一分钟）后再导入")
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        raise Conflict("指标库同时有另一个导入在写入（例如命令行的 kb import），本次导入未生效；"
                       "请稍后重新导入") from exc
    finally:
        _IMPORT_LOCK.release()
