"""Changing the library as people do it: import a spreadsheet or restore an earlier version, each
previewed first (a dry run writes nothing) and recorded with who did it; an uploaded file is kept
between its preview and its confirmation, so that exactly the previewed file is imported.

- `import_file(settings, path, replace=…, dry_run=…, imported_by=…)` → LibraryReport
- `restore_version(settings, number, dry_run=…, imported_by=…)` → LibraryReport
- `preview_upload` → (StagedUpload, LibraryReport); `staged_upload` / `discard_upload`: the file a
  preview was made from, kept for an hour in the database (so any server on it can confirm)
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col

from kb import store
from kb.db import create_schema, get_engine, session_scope
from kb.errors import Conflict, Forbidden, NotFound
from kb.models import LibraryUpload, LibraryVersion
from kb.settings import Settings
from services.library_io import fingerprint_of, rows_from_file

STAGE_SECONDS = 3600
_STAGE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class LibraryReport:
    """What an import or a restore did or, for a dry run, would do."""

    dry_run: bool
    mode: str  # merge, replace or restore
    source: str
    base_version: int | None  # the version it was compared with
    version: int | None  # the version made (a dry run: the number it would get); None when nothing changes
    indicator_count: int  # active indicators after it
    imported_by: str = ""
    added: list[store.IndicatorChange] = field(default_factory=list)
    changed: list[store.IndicatorChange] = field(default_factory=list)
    retired: list[store.IndicatorChange] = field(default_factory=list)
    taxonomy: int = 0  # categories, subcategories and directions added or renamed

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.changed), len(self.retired)


def _check_expected(current: LibraryVersion | None, expected: int | None) -> None:
    number = current.number if current else 0
    if expected is not None and expected != number:
        raise Conflict(f"指标库在预览之后已变为第 {number} 版（预览时为第 {expected} 版），本次未执行；"
                       "请重新预览，核对变化后再确认")


def _store(session: Session, rows: store.LibraryRows, *, mode: str, dry_run: bool, source: str, fingerprint: str,
           imported_by: str, expect_version: int | None) -> LibraryReport:
    current = store.current_version(session)
    _check_expected(current, expect_version)
    base = current.number if current else None
    diff = store.diff_library(session, rows, replace=mode != "merge", everywhere=mode == "restore")
    unchanged = current is not None and not diff.indicators_changed and not diff.taxonomy
    report = LibraryReport(dry_run=dry_run, mode=mode, source=source, base_version=base,
                           version=None if unchanged else (base or 0) + 1, indicator_count=diff.active_after,
                           imported_by=imported_by, added=diff.added, changed=diff.changed, retired=diff.retired,
                           taxonomy=len(diff.taxonomy))
    if dry_run or unchanged:
        return report
    if current is not None:
        store.ensure_snapshot(session, current.number)  # a version stored before snapshots were kept
    record = store.write_library(session, diff, number=report.version, source=source, fingerprint=fingerprint,
                                 imported_by=imported_by)
    report.indicator_count = record.indicator_count
    return report


def import_file(settings: Settings, path: Path, *, replace: bool, dry_run: bool, imported_by: str = "",
                name: str | None = None, expect_version: int | None = None) -> LibraryReport:
    """Import (or with `dry_run` preview) a spreadsheet, in one transaction: all rows or none. With
    `expect_version`, refuse (409) unless the library is still at that version (the previewed one)."""
    engine = get_engine(settings)
    create_schema(engine)
    fingerprint = fingerprint_of(path)
    with session_scope(engine) as session:
        rows = rows_from_file(path, session)
        return _store(session, rows, mode="replace" if replace else "merge", dry_run=dry_run,
                      source=f"import:{name or path.name}", fingerprint=fingerprint, imported_by=imported_by,
                      expect_version=expect_version)


def restore_version(settings: Settings, number: int, *, dry_run: bool, imported_by: str = "",
                    expect_version: int | None = None) -> LibraryReport:
    """Make a new version whose content equals version `number`'s: its taxonomy, its indicators with
    their texts and statuses; codes added since are retired (codes are never deleted)."""
    engine = get_engine(settings)
    create_schema(engine)
    with session_scope(engine) as session:
        rows = store.snapshot_rows(session, number=number)
        fingerprint = session.get(LibraryVersion, number).fingerprint  # restoring the built-in library sticks
        return _store(session, rows, mode="restore", dry_run=dry_run, source=f"restore:{number}",
                      fingerprint=fingerprint, imported_by=imported_by, expect_version=expect_version)


# ---- an upload kept between its preview and its confirmation ---------------------------------------
@dataclass
class StagedUpload:
    """An upload as this server holds it: the database row's fields, and a local copy of the file
    (`path`) for the import to read."""

    id: str
    path: Path
    name: str
    replace: bool
    user: str
    base_version: int | None
    created: float


def _stage_root(settings: Settings) -> Path:
    return settings.data_dir / "uploads" / "library"


def _sweep(settings: Settings, session: Session, now: float) -> None:
    """Forget uploads nobody confirmed within the hour: their rows and this server's local copies."""
    session.execute(delete(LibraryUpload).where(col(LibraryUpload.created) < now - STAGE_SECONDS))
    root = _stage_root(settings)
    if not root.is_dir():
        return
    for entry in root.iterdir():
        try:
            if now - entry.stat().st_mtime > STAGE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except FileNotFoundError:
            continue


def _local_copy(settings: Settings, row: LibraryUpload) -> StagedUpload:
    """The upload with its file written under this server's data directory (once)."""
    path = _stage_root(settings) / row.id / row.name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(row.content)
        partial.replace(path)
    return StagedUpload(id=row.id, path=path, name=row.name, replace=row.replace, user=row.uploaded_by,
                        base_version=row.base_version, created=row.created)


def stage_upload(settings: Settings, *, name: str, data: bytes, replace: bool, user: str) -> StagedUpload:
    """Keep an uploaded library file under a random id (its own name kept for messages and the version)."""
    engine = get_engine(settings)
    create_schema(engine)
    now = time.time()
    with session_scope(engine) as session:
        _sweep(settings, session, now)
        row = LibraryUpload(id=secrets.token_urlsafe(18), name=name, replace=replace, uploaded_by=user,
                            created=now, content=data)
        session.add(row)
        session.flush()
        return _local_copy(settings, row)


def preview_upload(settings: Settings, *, name: str, data: bytes, replace: bool,
                   user: str) -> tuple[StagedUpload, LibraryReport]:
    """Keep an upload and preview importing it (a dry run). It is kept for its confirmation, which
    imports it only if the library is still at the version the preview compared with; a file that
    fails its checks or changes nothing is not kept."""
    staged = stage_upload(settings, name=name, data=data, replace=replace, user=user)
    try:
        report = import_file(settings, staged.path, replace=replace, dry_run=True, imported_by=user)
    except BaseException:
        discard_upload(settings, staged.id)
        raise
    if report.version is None:
        discard_upload(settings, staged.id)
    else:
        staged.base_version = report.base_version or 0
        with session_scope(get_engine(settings)) as session:
            row = session.get(LibraryUpload, staged.id)
            row.base_version = staged.base_version
    return staged, report


def staged_upload(settings: Settings, upload_id: str, *, user: str) -> StagedUpload:
    """The upload previewed as `upload_id`, for the user who previewed it, within the hour, on whichever
    server previewed it."""
    gone = NotFound("这份预览已过期（上传的文件保留 1 小时）或已经确认导入；请重新上传文件并预览")
    if not _STAGE_ID.match(upload_id):
        raise gone
    engine = get_engine(settings)
    create_schema(engine)
    with session_scope(engine) as session:
        row = session.get(LibraryUpload, upload_id)
        if row is None:
            raise gone
        if time.time() - row.created > STAGE_SECONDS:
            session.delete(row)
            shutil.rmtree(_stage_root(settings) / upload_id, ignore_errors=True)
            raise gone
        if row.uploaded_by != user:
            raise Forbidden(f"这份预览是 {row.uploaded_by} 上传的，只能由其本人确认；请自行上传文件并预览")
        return _local_copy(settings, row)


def discard_upload(settings: Settings, upload_id: str) -> None:
    if not _STAGE_ID.match(upload_id):
        return
    with session_scope(get_engine(settings)) as session:
        row = session.get(LibraryUpload, upload_id)
        if row is not None:
            session.delete(row)
    shutil.rmtree(_stage_root(settings) / upload_id, ignore_errors=True)
