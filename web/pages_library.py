"""The library page: versions with what changed, export (open to all), import (admin token)."""

from __future__ import annotations

import hmac
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from kb import store
from kb.errors import Forbidden, InvalidInput
from services.bootstrap import rebuild_index
from services.library_io import export_library, import_library
from web.deps import SessionDep, SettingsDep, library_import_guard, upload_name
from web.render import attachment, render, search_problem
from web.search_state import load_search

router = APIRouter(include_in_schema=False)
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
CHANGE_KINDS = (("added", "新增"), ("changed", "修改"), ("retired", "停用"))
SHOWN = 100  # codes listed per kind of change; the rest are counted


def check_token(expected: str | None, given: str | None) -> None:
    if not expected:
        raise Forbidden("指标库的写入功能已关闭：服务器没有设置管理令牌（环境变量 KB_ADMIN_TOKEN），请联系管理员")
    if not given:
        raise Forbidden("导入需要管理令牌：请在“管理令牌”一栏填写管理员提供的令牌")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("管理令牌不正确：请核对后重新填写（区分大小写）")


def library_context(request: Request, session) -> dict:
    versions = store.list_versions(session)
    shown = [code for v in versions for kind, _ in CHANGE_KINDS for code in (v.changes or {}).get(kind, [])[:SHOWN]]
    names = store.indicator_names(session, shown)  # only the names the page shows
    tree = store.taxonomy(session)
    return {"nav": "library", "versions": versions, "names": names, "kinds": CHANGE_KINDS, "shown": SHOWN,
            "current": versions[0] if versions else None, "problem": search_problem(request),
            "counts": {"categories": len(tree), "directions": sum(len(s["directions"]) for c in tree
                                                                  for s in c["subcategories"]),
                       "indicators": sum(c["count"] for c in tree)},
            "writable": bool(request.app.state.settings.admin_token)}


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, session: SessionDep):
    return render(request, "library.html", library_context(request, session))


@router.get("/library/export.{fmt}")
def library_export(fmt: str, settings: SettingsDep, session: SessionDep) -> Response:
    if fmt not in FORMATS:
        raise InvalidInput(f"不能导出为 .{fmt}；请选择 .xlsx 或 .csv")
    version = store.current_version(session)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"library.{fmt}"
        export_library(settings, path)
        body = path.read_bytes()
    number = version.number if version else 0
    return Response(body, media_type=FORMATS[fmt],
                    headers=attachment(f"绩效指标库-第{number}版.{fmt}", f"indicator-library-v{number}.{fmt}"))


@router.post("/library/import", response_class=HTMLResponse)
def library_import(
    request: Request,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File(description="指标库表格 .xlsx 或 .csv")] = None,
    token: Annotated[str, Form(max_length=200)] = "",
    replace: Annotated[bool, Form()] = False,
    x_admin_token: Annotated[str | None, Header()] = None,
):
    check_token(settings.admin_token, token or x_admin_token)
    if file is None or not file.filename:
        raise InvalidInput("没有收到文件：请选择要导入的指标库表格（.xlsx 或 .csv）")
    name = upload_name(file.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidInput(f"“{name or '未命名文件'}”不是 .xlsx 或 .csv 表格；请先“导出”一份指标库，"
                           "按其列填写后再导入")
    with library_import_guard(), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (name if Path(name).stem else "upload" + suffix)
        path.write_bytes(file.file.read())
        version = import_library(settings, path, replace=replace)
        # also when nothing changed: indexes left stale by an interrupted rebuild are caught up here;
        # search keeps answering from the indexes it has loaded until the new ones are
        request.app.state.catching_up = True
        try:
            rebuilt = rebuild_index(settings)
            if version is not None or rebuilt is not None or request.app.state.search is None:

                load_search(request.app)
        finally:
            request.app.state.catching_up = False
    with Session(request.app.state.engine) as session:  # a new session: the import committed elsewhere
        context = library_context(request, session)
    context.update(imported=version, filename=name)
    return render(request, "library.html", context, fragment="_import_result.html")
