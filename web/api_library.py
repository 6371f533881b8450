"""Changing the library through the JSON API: import with a dry run first, restore any version (admin).

After a real import or restore this server rebuilds its indexes and serves the new version before it
answers; other servers on the same database notice it within `KB_LIBRARY_POLL_SECONDS`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Query, Request, UploadFile
from pydantic import BaseModel, Field

from kb import store
from kb.errors import InvalidInput
from kb.tables import READ_KINDS, READ_SUFFIXES
from kb.times import beijing_iso
from services.bootstrap import rebuild_index
from services.library_io import HEADER_OF
from services.library_versions import LibraryReport, import_file, restore_version
from web.auth import AdminUser
from web.deps import SessionDep, SettingsDep, VersionNumber, library_import_guard, upload_name
from web.render import source_label
from web.search_state import load_search, served_version

router = APIRouter(prefix="/api/v1", tags=["library"])
SHOWN = 200  # changes listed per kind by default; the counts are always whole
LABELS = HEADER_OF | {"status": "状态"}


class FieldChange(BaseModel):
    field: str
    label: str = Field(description="the column's name in the library spreadsheet")
    old: Any
    new: Any


class IndicatorChangeOut(BaseModel):
    code: str
    name: str
    fields: list[FieldChange] = Field(default_factory=list, description="for a changed indicator: old → new")


class ChangeLists(BaseModel):
    added: list[IndicatorChangeOut]
    changed: list[IndicatorChangeOut]
    retired: list[IndicatorChangeOut]


class LibraryChangeResult(BaseModel):
    dry_run: bool
    mode: Literal["merge", "replace", "restore"]
    added: int
    changed: int
    retired: int
    taxonomy_changed: int = Field(description="categories, subcategories and directions added or renamed")
    version: int | None = Field(description="the version made (a dry run: the number it would get); "
                                "null when the library would not change")
    base_version: int | None = Field(description="the version compared with")
    indicator_count: int = Field(description="active indicators after it")
    imported_by: str
    shown: int = Field(description="most entries listed per kind of change")
    changes: ChangeLists
    message: str


class VersionInfo(BaseModel):
    number: int
    source: str
    source_label: str
    created_at: str = Field(description="Beijing time, ISO 8601 with +08:00")
    imported_by: str
    indicator_count: int
    added: int
    changed: int
    retired: int
    restorable: bool = Field(description="its content is kept, so it can be restored")


class VersionList(BaseModel):
    current: int | None
    served: int | None = Field(description="the version this server's search answers from")
    versions: list[VersionInfo]


def summary(report: LibraryReport) -> str:
    """The report in one Chinese sentence."""
    added, changed, retired = report.counts
    counts = f"新增 {added} 个、修改 {changed} 个、停用 {retired} 个指标"
    if report.version is None:
        return "没有变化：与当前指标库一致，" + ("不会生成新版本" if report.dry_run else "没有生成新版本")
    if report.dry_run:
        return f"预览（未写入）：将生成第 {report.version} 版，{counts}，之后有 {report.indicator_count} 个在用指标"
    return f"已生成第 {report.version} 版：{counts}，现有 {report.indicator_count} 个在用指标"


def _change(change: store.IndicatorChange) -> dict:
    return {"code": change.code, "name": change.name,
            "fields": [{"field": f, "label": LABELS.get(f, f), "old": old, "new": new}
                       for f, (old, new) in change.fields.items()]}


def report_json(report: LibraryReport, shown: int = SHOWN) -> dict:
    added, changed, retired = report.counts
    return {"dry_run": report.dry_run, "mode": report.mode, "added": added, "changed": changed, "retired": retired,
            "taxonomy_changed": report.taxonomy, "version": report.version, "base_version": report.base_version,
            "indicator_count": report.indicator_count, "imported_by": report.imported_by, "shown": shown,
            "changes": {kind: [_change(c) for c in getattr(report, kind)[:shown]]
                        for kind in ("added", "changed", "retired")},
            "message": summary(report)}


def serve_latest(app: FastAPI, changed: bool) -> None:
    """Serve the library's current version from this server at once (the others poll for it). Also when
    nothing changed: indexes left stale by an interrupted rebuild are caught up here. Search keeps
    answering from the indexes it has loaded until the new ones are."""
    app.state.catching_up = True
    try:
        rebuilt = rebuild_index(app.state.settings)
        if changed or rebuilt is not None or app.state.search is None:
            load_search(app)
    finally:
        app.state.catching_up = False


def library_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise InvalidInput(f"“{name or '未命名文件'}”不是 {READ_KINDS} 表格；请先“导出”一份指标库，"
                           "按其列填写后再导入")
    return suffix


ExpectVersion = Annotated[int | None, Query(ge=0, description="refuse with 409 unless the library is still at "
                                            "this version (the one a dry run was compared with)")]
Shown = Annotated[int, Query(ge=0, le=10_000, description="most entries listed per kind of change")]


@router.post("/library/import", response_model=LibraryChangeResult)
def import_library(
    request: Request,
    settings: SettingsDep,
    user: AdminUser,
    file: Annotated[UploadFile, File(description="the library spreadsheet, .xlsx or .csv (as exported)")],
    mode: Annotated[Literal["merge", "replace"], Query(
        description="merge: add and update; replace: also retire the indicators of the file's categories "
                    "that the file lacks")] = "merge",
    dry_run: Annotated[bool, Query(description="true: report what would change and write nothing")] = False,
    expect_version: ExpectVersion = None,
    limit: Shown = SHOWN,
) -> dict:
    """Import a library spreadsheet as a new version (admin). Run it with `dry_run=true` first."""
    name = upload_name(file.filename)
    suffix = library_suffix(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (name if Path(name).stem else "upload" + suffix)
        path.write_bytes(file.file.read())
        if dry_run:
            report = import_file(settings, path, replace=mode == "replace", dry_run=True, imported_by=user.name)
        else:
            with library_import_guard():
                report = import_file(settings, path, replace=mode == "replace", dry_run=False,
                                     imported_by=user.name, expect_version=expect_version)
                serve_latest(request.app, report.version is not None)
    return report_json(report, limit)


@router.post("/library/versions/{number}/restore", response_model=LibraryChangeResult)
def restore(
    request: Request,
    settings: SettingsDep,
    user: AdminUser,
    number: VersionNumber,
    dry_run: Annotated[bool, Query(description="true: report what would change and write nothing")] = False,
    expect_version: ExpectVersion = None,
    limit: Shown = SHOWN,
) -> dict:
    """Make a new version whose content equals version `number` (admin)."""
    if dry_run:
        report = restore_version(settings, number, dry_run=True, imported_by=user.name)
    else:
        with library_import_guard():
            report = restore_version(settings, number, dry_run=False, imported_by=user.name,
                                     expect_version=expect_version)
            serve_latest(request.app, report.version is not None)
    return report_json(report, limit)


@router.get("/library/versions", response_model=VersionList)
def versions(request: Request, session: SessionDep) -> dict:
    """Every library version, newest first: where it came from, who made it, when, and what changed."""
    kept = store.snapshot_numbers(session)
    items = store.list_versions(session)
    return {"current": items[0].number if items else None, "served": served_version(request.app),
            "versions": [{"number": v.number, "source": v.source, "source_label": version_label(v.source),
                          "created_at": beijing_iso(v.created_at), "imported_by": v.imported_by,
                          "indicator_count": v.indicator_count, "added": v.added, "changed": v.changed,
                          "retired": v.retired, "restorable": v.number in kept} for v in items]}


def version_label(source: str) -> str:
    """A version's source in words; a restore names the version it brought back."""
    kind, _, detail = source.partition(":")
    return f"恢复第 {detail} 版" if kind == "restore" else source_label(source)
