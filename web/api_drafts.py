"""Drafts kept on the server per user, through the JSON API (/api/v1/drafts).

Any signed-in user (API token or web session) keeps their own drafts; a draft is reached only by
its owner (anyone else gets 404, so ids do not leak). The document is stored exactly as sent,
once it reads as a GoalDocument. Times are ISO 8601 in Beijing time (+08:00).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, PlainSerializer, PrivateAttr, ValidationError, model_validator

from indicators.goals import GoalDocument
from kb import accounts
from kb.drafts import Draft
from kb.errors import Forbidden, InvalidInput, KBError, named
from kb.sheets import SheetLimits
from kb.times import beijing_iso
from services import drafts
from web.auth import CurrentUser
from web.deps import DraftId, SessionDep, upload_name
from web.pages_forms import describe_errors, raw_from_doc
from web.render import XLSX, attachment
from web.uploads import SHEETS, SUFFIXES, json_items, kind_problem

router = APIRouter(prefix="/api/v1", tags=["drafts"])
_WRONG_KIND = ("只能导入填好的模板（.xlsx、.xls 或 WPS 表格的 .et）、CSV 目标表、Word 目标表（.docx）、"
               "PDF 目标表（.pdf）或 JSON 文档（.json）")


BeijingTime = Annotated[datetime, PlainSerializer(beijing_iso, return_type=str)]


class DraftSummary(BaseModel):
    """A draft as the list shows it: its project, where it stands at the last check, when it was saved."""

    id: int
    name: str = Field(description="草稿名称（默认为项目名称）")
    owner: str = Field(description="草稿所属用户")
    department: str = Field(description="预算部门")
    budget: float | None = Field(description="预算金额，单位见 budget_unit")
    budget_unit: str
    score: int | None = Field(description="最近一次保存时检查的得分")
    grade: str | None = Field(description="最近一次保存时检查的等级：优/良/中/差")
    submittable: bool | None = None
    errors: int = 0
    warnings: int = 0
    created_at: BeijingTime
    updated_at: BeijingTime
    checked_at: BeijingTime | None = None


class DraftDetail(DraftSummary):
    document: dict[str, Any] = Field(description="目标文档，与保存时发送的完全一致")


class DraftList(BaseModel):
    owner: str
    total: int
    items: list[DraftSummary]


class DraftIn(BaseModel):
    """A goal document to keep as a draft; it is stored exactly as sent once it reads as one."""

    document: GoalDocument
    name: str | None = Field(default=None, max_length=300, description="草稿名称；不填则用项目名称")
    _sent: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_as_sent(cls, data: Any, handler):
        model = handler(data)
        if isinstance(data, dict) and isinstance(data.get("document"), dict):
            model._sent = data["document"]
        return model

    @property
    def sent(self) -> dict:
        return self._sent or self.document.model_dump(mode="json", exclude_none=True)


class Deleted(BaseModel):
    id: int
    name: str
    message: str


class ImportResult(BaseModel):
    created: list[DraftSummary] = Field(description="每份读出的目标文档各成一份草稿")
    problems: list[str] = Field(default=[], description="未能读取的文件、工作表或文档，以及如何修改")


def summary_of(draft: Draft, owner: str) -> DraftSummary:
    return DraftSummary(owner=owner, **draft.model_dump(exclude={"document", "owner_id"}))


def detail_of(draft: Draft, owner: str) -> DraftDetail:
    return DraftDetail(owner=owner, **draft.model_dump(exclude={"owner_id"}))


def read_draft_files(files: list[tuple[str, bytes]], *, limits: SheetLimits | None
                     ) -> tuple[list[tuple[str, dict]], list[str]]:
    """(source, document) for every goal document in filled templates (.xlsx, .xls), CSV tables, Word tables
    (.docx) and JSON files (each JSON document exactly as in the file), and what to fix in the files, sheets
    and documents that could not be read, in Chinese."""
    found: list[tuple[str, dict]] = []
    problems: list[str] = []
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            problems.append(kind_problem(name, suffix, _WRONG_KIND))
            continue
        if not data:
            problems.append(f"{name}：文件是空的")
            continue
        if suffix in SHEETS:
            try:
                docs, trouble = drafts.sheet_documents(name, data, limits=limits)
            except KBError as exc:  # past a limit (TooLarge): this file is reported, the others still read
                docs, trouble = [], [named(name, exc.message)]
            found += docs
            problems += trouble
            continue
        items, trouble = json_items(name, data)
        problems += trouble
        for where, item in items:
            if not isinstance(item, dict):
                problems.append(f"{where}：不是目标文档对象（应含 project、goal、indicators）")
                continue
            try:
                drafts.validate(item)
            except ValidationError as exc:
                problems.append(f"{where}：" + "；".join(describe_errors(exc, raw_from_doc(item))[:5]))
                continue
            found.append((where, item))
    return found, problems


@router.get("/drafts", response_model=DraftList)
def list_drafts(user: CurrentUser, session: SessionDep,
                owner: Annotated[str | None, Query(max_length=64, description="用户名（仅管理员）")] = None
                ) -> DraftList:
    """The caller's drafts, the most recently saved first (without their documents); an admin may
    pass `owner` to see another user's."""
    who = user
    if owner and owner != user.name:
        if user.role != "admin":
            raise Forbidden(f"只有管理员可以查看他人的草稿；{user.name} 请去掉 owner 参数查看自己的草稿")
        who = accounts.require_user(session, name=owner)
    items = [summary_of(d, who.name) for d in drafts.list_for(session, owner_id=who.id)]
    return DraftList(owner=who.name, total=len(items), items=items)


@router.post("/drafts", response_model=DraftDetail, status_code=201)
def create_draft(body: DraftIn, request: Request, user: CurrentUser, session: SessionDep) -> DraftDetail:
    """Keep a goal document as a new draft of the caller's; it is checked and its grade kept with it."""
    draft = drafts.create(session, request.app.state.search, owner=user, document=body.sent, name=body.name)
    session.commit()
    session.refresh(draft)
    return detail_of(draft, user.name)


@router.get("/drafts/{draft_id}", response_model=DraftDetail)
def get_draft(draft_id: DraftId, user: CurrentUser, session: SessionDep) -> DraftDetail:
    """One of the caller's drafts with its document as saved; 404 for anyone else's."""
    return detail_of(drafts.get(session, owner=user, draft_id=draft_id), user.name)


@router.put("/drafts/{draft_id}", response_model=DraftDetail)
def update_draft(draft_id: DraftId, body: DraftIn, request: Request, user: CurrentUser,
                 session: SessionDep) -> DraftDetail:
    """Replace the document of one of the caller's drafts (checked again); 404 for anyone else's."""
    draft = drafts.update(session, request.app.state.search, owner=user, draft_id=draft_id, document=body.sent,
                          name=body.name)
    session.commit()
    session.refresh(draft)
    return detail_of(draft, user.name)


@router.delete("/drafts/{draft_id}", response_model=Deleted)
def delete_draft(draft_id: DraftId, user: CurrentUser, session: SessionDep) -> Deleted:
    """Delete one of the caller's drafts; 404 for anyone else's."""
    name = drafts.delete(session, owner=user, draft_id=draft_id).name
    session.commit()
    return Deleted(id=draft_id, name=name, message=f"已删除草稿『{name}』")


@router.get("/drafts/{draft_id}/export.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "the filled 绩效目标申报表 (.xlsx)"}})
def export_draft(draft_id: DraftId, user: CurrentUser, session: SessionDep) -> Response:
    """The draft as the filled goal template (绩效目标申报表), as the draft page exports it."""
    draft = drafts.get(session, owner=user, draft_id=draft_id)
    return Response(drafts.workbook(draft), media_type=XLSX,
                    headers=attachment(drafts.file_name(draft, ".xlsx"), f"draft-{draft.id}.xlsx"))


@router.post("/drafts/import", response_model=ImportResult, status_code=201)
def import_drafts(request: Request, user: CurrentUser, session: SessionDep,
                  file: Annotated[list[UploadFile], File(description="填好的模板（.xlsx）或 JSON 文档")]
                  ) -> ImportResult:
    """One new draft per goal document in the uploaded filled templates or JSON files; documents that
    cannot be read are listed in `problems` (in Chinese, with what to fix) and the rest are saved."""
    settings = request.app.state.settings
    uploads = [(upload_name(f.filename), f.file.read()) for f in file if f.filename]
    items, problems = read_draft_files(uploads, limits=SheetLimits.from_settings(settings, upload=True))
    if not items:
        raise InvalidInput("上传的文件中没有可读取的绩效目标，未建立草稿；请按 details 修改后重新导入",
                           details=problems)
    created = drafts.import_documents(session, request.app.state.search, owner=user, items=items,
                                      limit=settings.max_batch)
    summaries = [summary_of(d, user.name) for d in created]
    session.commit()
    return ImportResult(created=summaries, problems=problems)
