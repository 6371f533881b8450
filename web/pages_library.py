"""The library page: versions with what changed and who made them, export (open to all), and for an
admin: import previewed before it is confirmed, and any kept version restored (previewed too)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from kb import store
from kb.accounts import ROLES
from kb.errors import InvalidInput
from kb.tables import READ_KINDS
from services.library_io import export_library
from services.library_versions import (
    LibraryReport,
    discard_upload,
    import_file,
    preview_upload,
    restore_version,
    staged_upload,
)
from web.api_library import LABELS, library_suffix, serve_latest, version_label
from web.auth import AdminUser, OptionalUser
from web.deps import SessionDep, SettingsDep, VersionNumber, library_import_guard, upload_name
from web.render import attachment, render, search_problem

router = APIRouter(include_in_schema=False)
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
CHANGE_KINDS = (("added", "新增"), ("changed", "修改"), ("retired", "停用"))
SHOWN = 100  # codes listed per kind of change in the versions list; the rest are counted
PREVIEW_ROWS = 20  # indicators listed per kind of change in a preview


def library_context(request: Request, session, user=None) -> dict:
    versions = store.list_versions(session)
    shown = [code for v in versions for kind, _ in CHANGE_KINDS for code in (v.changes or {}).get(kind, [])[:SHOWN]]
    names = store.indicator_names(session, shown)  # only the names the page shows
    tree = store.taxonomy(session)
    return {"nav": "library", "versions": versions, "names": names, "kinds": CHANGE_KINDS, "shown": SHOWN,
            "current": versions[0] if versions else None, "problem": search_problem(request),
            "counts": store.taxonomy_counts(tree), "restorable": store.snapshot_numbers(session),
            "can_change": user is not None and user.role == "admin", "version_label": version_label,
            "role_label": ROLES.get(user.role, user.role) if user is not None else ""}


def _shown_value(field: str, value) -> str:
    if field == "status":
        return {"active": "在用", "retired": "停用"}.get(value, value or "")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return "" if value is None else str(value)


def preview_rows(report: LibraryReport) -> dict[str, list[dict]]:
    """The first indicators of each kind of change, with each changed field as label, old, new."""
    return {kind: [{"code": c.code, "name": c.name,
                    "fields": [(LABELS.get(f, f), _shown_value(f, old), _shown_value(f, new))
                               for f, (old, new) in c.fields.items()]}
                   for c in getattr(report, kind)[:PREVIEW_ROWS]]
            for kind, _ in CHANGE_KINDS}


def _page(request: Request, user, fragment: str, **extra) -> HTMLResponse:
    with Session(request.app.state.engine) as session:  # a new session: writes committed elsewhere
        context = library_context(request, session, user)
    context.update(extra, preview_limit=PREVIEW_ROWS)
    return render(request, "library.html", context, fragment=fragment)


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, session: SessionDep, user: OptionalUser):
    return render(request, "library.html", library_context(request, session, user))


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
def library_import_preview(
    request: Request,
    settings: SettingsDep,
    user: AdminUser,
    file: Annotated[UploadFile | None, File(description=f"指标库表格 {READ_KINDS}")] = None,
    replace: Annotated[bool, Form()] = False,
):
    """Step one: read and check the file, keep it, and show what importing it would change."""
    if file is None or not file.filename:
        raise InvalidInput(f"没有收到文件：请选择要导入的指标库表格（{READ_KINDS}）")
    name = upload_name(file.filename)
    suffix = library_suffix(name)
    name = name if Path(name).stem else "upload" + suffix
    staged, report = preview_upload(settings, name=name, data=file.file.read(), replace=replace, user=user.name)
    return _page(request, user, "_library_preview.html", preview=report, preview_kind="import", filename=name,
                 rows=preview_rows(report), upload_id=staged.id, expect_version=staged.base_version)


@router.post("/library/import/{upload_id}/confirm", response_class=HTMLResponse)
def library_import_confirm(request: Request, settings: SettingsDep, user: AdminUser, upload_id: str):
    """Step two: import exactly the previewed file, unless the library changed since the preview."""
    staged = staged_upload(settings, upload_id, user=user.name)
    with library_import_guard():
        report = import_file(settings, staged.path, replace=staged.replace, dry_run=False, imported_by=user.name,
                             name=staged.name, expect_version=staged.base_version)
        discard_upload(settings, staged.id)
        serve_latest(request.app, report.version is not None)
    return _page(request, user, "_import_result.html", result=report, result_kind="import", filename=staged.name)


@router.post("/library/import/{upload_id}/cancel", response_class=HTMLResponse)
def library_import_cancel(request: Request, settings: SettingsDep, user: AdminUser, upload_id: str):
    discard_upload(settings, upload_id)
    return _page(request, user, "_import_result.html", cancelled=True, result_kind="import")


@router.get("/library/versions/{number}/restore", response_class=HTMLResponse)
def library_restore_preview(request: Request, settings: SettingsDep, user: AdminUser, number: VersionNumber):
    """What restoring version `number` would change, with the button that does it."""
    report = restore_version(settings, number, dry_run=True, imported_by=user.name)
    return _page(request, user, "_library_preview.html", preview=report, preview_kind="restore", number=number,
                 rows=preview_rows(report), expect_version=report.base_version or 0)


@router.post("/library/versions/{number}/restore", response_class=HTMLResponse)
def library_restore(request: Request, settings: SettingsDep, user: AdminUser, number: VersionNumber,
                    expect_version: Annotated[int | None, Form(ge=0)] = None):
    with library_import_guard():
        report = restore_version(settings, number, dry_run=False, imported_by=user.name,
                                 expect_version=expect_version)
        serve_latest(request.app, report.version is not None)
    return _page(request, user, "_import_result.html", result=report, result_kind="restore", number=number)
