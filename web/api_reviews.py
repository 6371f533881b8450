"""Review seasons through the JSON API: file many goal documents, follow the check, decide, resubmit, export.

Reading needs a signed-in user; filing and deciding need a reviewer or an admin; a resubmission may
also come from a department user of the project's own department. Times are ISO 8601 in Beijing time.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from kb.accounts import User
from kb.errors import InvalidInput
from kb.reviews import Review, ReviewProject
from kb.sheets import SheetLimits
from kb.times import beijing_iso
from services import reviews
from web.auth import CurrentUser, ReviewerUser
from web.deps import Offset, ProjectId, ReviewId, SessionDep, SettingsDep, upload_name
from web.guards import text_problem
from web.render import XLSX, attachment
from web.uploads import read_upload_items

router = APIRouter(prefix="/api/v1", tags=["reviews"])


class Progress(BaseModel):
    done: int
    total: int


class ReviewState(BaseModel):
    id: int
    name: str
    status: Literal["running", "done", "failed"]
    progress: Progress
    problems: list[str] = Field(default=[], description="files or items that could not be filed, and why")
    created_by: str = ""
    created_at: str | None = None
    finished_at: str | None = None


class ReviewList(BaseModel):
    reviews: list[ReviewState]


class ProjectRow(BaseModel):
    id: int
    seq: int
    name: str
    department: str
    direction: str
    function_code: str = Field(default="", description="支出功能分类科目（项目所填，或项目概述所引）")
    budget: float | None = Field(description="预算金额（万元）")
    budget_unit: str = "万元"
    score: int | None
    grade: str | None
    submittable: bool | None
    errors: int
    warnings: int
    codes: list[str]
    checked: bool
    status: str
    note: str
    decided_by: str
    decided_at: str | None
    version: int
    duplicate_of: int | None
    source: str


class ReviewPage(ReviewState):
    summary: dict[str, int] = Field(description="grade → projects")
    overview: dict[str, Any] = Field(description="decisions, departments, directions, finding codes, duplicates")
    total: int = Field(description="projects matching the filters")
    offset: int
    limit: int
    projects: list[ProjectRow]


class VersionRow(BaseModel):
    number: int
    submitted_by: str
    submitted_at: str | None
    score: int | None = None
    grade: str | None = None


class DecisionRow(BaseModel):
    version: int
    status: str
    note: str
    decided_by: str
    decided_at: str | None


class ProjectPage(BaseModel):
    project: ProjectRow
    document: dict
    result: dict | None = Field(description="the current version's check; null until the check reaches it")
    versions: list[VersionRow]
    decisions: list[DecisionRow]
    changes: dict | None = Field(description="the current version against the previous one")


class DecisionBody(BaseModel):
    status: Literal["待审", "退回修改", "通过"]
    note: str = Field(default="", max_length=reviews.MAX_NOTE)


class ProblemCases(BaseModel):
    problems: list[dict]


def _state(review: Review) -> dict:
    return {"id": review.id, "name": review.name, "status": review.status,
            "progress": {"done": review.done, "total": review.total}, "problems": review.problems or [],
            "created_by": review.created_by, "created_at": beijing_iso(review.created_at),
            "finished_at": beijing_iso(review.finished_at)}


def _row(p: ReviewProject) -> dict:
    return {"id": p.id, "seq": p.seq, "name": p.name, "department": p.department, "direction": p.direction,
            "function_code": p.function_code,
            "budget": None if p.budget_yuan is None else round(p.budget_yuan / 1e4, 6), "score": p.score,
            "grade": p.grade, "submittable": p.submittable, "errors": p.errors, "warnings": p.warnings,
            "codes": p.codes or [], "checked": p.checked, "status": p.status, "note": p.note,
            "decided_by": p.decided_by, "decided_at": beijing_iso(p.decided_at), "version": p.version,
            "duplicate_of": p.duplicate_of, "source": p.source}


def _detail(detail: reviews.ProjectDetail) -> dict:
    return {"project": _row(detail.project), "document": detail.document, "result": detail.result,
            "versions": [{"number": v.number, "submitted_by": v.submitted_by,
                          "submitted_at": beijing_iso(v.submitted_at),
                          "score": (v.result or {}).get("score"), "grade": (v.result or {}).get("grade")}
                         for v in detail.versions],
            "decisions": [{"version": d.version, "status": d.status, "note": d.note, "decided_by": d.decided_by,
                           "decided_at": beijing_iso(d.decided_at)} for d in detail.decisions],
            "changes": detail.changes}


def _json_items(body: bytes) -> tuple[str, list[tuple[str, object]]]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"请求体不是有效的 JSON（{exc}）；请发送 {{\"name\": 批次名称, \"documents\": [目标文档…]}}"
                           ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("documents"), list):
        raise InvalidInput("请求体应为 {\"name\": 批次名称, \"documents\": [目标文档…]}；documents 是目标文档的列表")
    name = payload.get("name")
    if not isinstance(name, str):
        raise InvalidInput("缺少审核批次名称 name，如 “2026年预算项目绩效目标审核”")
    return name, [(f"documents[{n}]", doc) for n, doc in enumerate(payload["documents"])]


def _file(request: Request, name: str, items: list, problems: list[str], user: User) -> dict:
    """File the season, then check it here when it is small, or wake the background worker."""
    app = request.app
    settings = app.state.settings
    review = reviews.file_and_check(app.state.engine, app.state.search, name=name, items=items, problems=problems,
                                    user=user, limit=settings.max_batch)
    worker = getattr(app.state, "review_worker", None)
    if review.status == "running" and worker is not None:
        worker.wake.set()
    return _state(review)


@router.post("/reviews", response_model=ReviewState, status_code=201, openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": {"type": "object", "required": ["name", "documents"], "properties": {
        "name": {"type": "string"}, "documents": {"type": "array", "items": {"type": "object"}}}}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["name", "files"], "properties": {
        "name": {"type": "string"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}})
async def file_season(request: Request, user: ReviewerUser, settings: SettingsDep) -> dict:
    """File a season: `{"name", "documents": [GoalDocument, …]}` as JSON, or multipart `files` (filled
    templates .xlsx, JSON files) with a form field `name`. Every valid document is filed (a bad one is
    listed in `problems` with why); the check runs in the background and `GET /reviews/{id}` shows its
    progress (a filing of at most 20 documents is checked before the answer)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=settings.max_batch, max_fields=100)
        name = form.get("name")
        uploads = [(upload_name(f.filename), await f.read()) for f in form.getlist("files")
                   if isinstance(f, UploadFile) and f.filename]
        if not isinstance(name, str):
            raise InvalidInput("缺少表单字段 name（审核批次名称），如 “2026年预算项目绩效目标审核”")
        if not uploads:
            raise InvalidInput("没有收到文件：请在表单字段 files 中上传填好的模板（.xlsx）或 JSON 文档")
        limits = SheetLimits.from_settings(settings, upload=True)
        items, problems = await run_in_threadpool(read_upload_items, uploads, limits=limits)
    else:
        name, items = await run_in_threadpool(_json_items, await request.body())
        problems = []
    problem = text_problem(name)
    if problem:
        raise InvalidInput(f"审核批次名称：{problem}")
    return await run_in_threadpool(_file, request, name, items, problems, user)


@router.get("/reviews", response_model=ReviewList)
def list_seasons(session: SessionDep, user: CurrentUser) -> dict:
    """Every review season, newest first, with its progress."""
    return {"reviews": [_state(r) for r in reviews.list_reviews(session)]}


@router.get("/reviews/{review_id}", response_model=ReviewPage)
def season(session: SessionDep, user: CurrentUser, review_id: ReviewId,
           grade: Annotated[Literal["优", "良", "中", "差"] | None, Query()] = None,
           status: Annotated[Literal["待审", "退回修改", "通过"] | None, Query()] = None,
           department: Annotated[str | None, Query(max_length=200)] = None,
           direction: Annotated[str | None, Query(max_length=200)] = None,
           code: Annotated[str | None, Query(max_length=40, description="a finding code, e.g. IND_VALUE_MISSING")
                           ] = None,
           function_code: Annotated[str | None, Query(
               max_length=7, description="支出功能分类 类, 款 or 项: the projects filed under it")] = None,
           duplicates: Annotated[bool, Query(description="only projects that repeat an earlier one")] = False,
           sort: Annotated[Literal["seq", "score", "-score", "grade", "department", "budget", "-budget", "errors"],
                           Query()] = "seq",
           offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """A season's progress, its grades, and one page of its projects, filtered and sorted."""
    review = reviews.get_review(session, review_id=review_id)
    total, projects = reviews.query_projects(session, review_id=review_id, grade=grade, status=status,
                                             department=department, direction=direction, code=code,
                                             function_code=function_code, duplicates=duplicates, sort=sort,
                                             offset=offset, limit=limit)
    overview = reviews.summary(session, review_id=review_id)
    return {**_state(review), "summary": overview["grades"], "overview": overview, "total": total,
            "offset": offset, "limit": limit, "projects": [_row(p) for p in projects]}


@router.get("/reviews/{review_id}/report.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "the season's report workbook"}})
def season_report(session: SessionDep, user: CurrentUser, review_id: ReviewId) -> Response:
    """The whole season as a workbook: 汇总 (one row per project), 问题明细 (every finding), 问题汇总
    (the most frequent problems with examples), 未归档 (what could not be filed)."""
    body = reviews.report_workbook(session, review_id=review_id)
    return Response(body, media_type=XLSX, headers=attachment(f"审核批次{review_id}审核报告.xlsx",
                                                              f"review-{review_id}.xlsx"))


@router.get("/reviews/{review_id}/problems", response_model=ProblemCases)
def season_problems(session: SessionDep, user: CurrentUser, review_id: ReviewId,
                    top: Annotated[int, Query(ge=1, le=100)] = 15,
                    examples: Annotated[int, Query(ge=1, le=20)] = 3) -> dict:
    """The season's most frequent problems (问题案例汇编), each with examples from its projects."""
    return {"problems": reviews.problem_cases(session, review_id=review_id, top=top, examples=examples)}


@router.get("/reviews/{review_id}/projects/{project_id}", response_model=ProjectPage)
def season_project(session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId) -> dict:
    """A project: its current document and check, every version, every decision, and what changed."""
    return _detail(reviews.project_detail(session, review_id=review_id, project_id=project_id))


@router.patch("/reviews/{review_id}/projects/{project_id}", response_model=ProjectRow)
def decide(session: SessionDep, user: ReviewerUser, review_id: ReviewId, project_id: ProjectId,
           body: DecisionBody) -> dict:
    """Decide on a project (待审 / 退回修改 / 通过) with a note; who and when are recorded."""
    return _row(reviews.decide(session, review_id=review_id, project_id=project_id, status=body.status,
                               note=body.note, user=user))


@router.post("/reviews/{review_id}/projects/{project_id}/versions", response_model=ProjectPage, status_code=201)
def resubmit(request: Request, session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId,
             document: Annotated[Any, Body(description="the resubmitted GoalDocument")]) -> dict:
    """Resubmit a project (reviewer, admin, or a department user of the project's department): checked at
    once, back to 待审, with `changes` against the previous version."""
    return _detail(reviews.resubmit(session, request.app.state.search, review_id=review_id, project_id=project_id,
                                    document=document, user=user))
