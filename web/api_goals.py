"""Goal checking and drafting over JSON (/api/v1/goals). Plain `def` endpoints: checking runs
in the thread pool, never on the event loop."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from indicators import goal_template, review_workbook
from indicators.checker import check_batch_size, check_documents, check_goal, grade_counts
from indicators.drafter import draft_goal
from indicators.goals import CheckResult, Draft, Finding, GoalDocument, Project
from kb.accounts import User
from kb.errors import InvalidInput
from kb.sheets import SheetLimits
from services.history import with_history
from web.auth import OptionalUser
from web.deps import SearchDep, SettingsDep, upload_name
from web.errors import describe_validation
from web.render import XLSX, attachment
from web.uploads import read_uploads

router = APIRouter(prefix="/api/v1/goals", tags=["goals"])


class DraftRequest(BaseModel):
    project: Project


class BatchEntry(BaseModel):
    """One document of a batch: its check (`valid`), or why it could not be read."""

    index: int
    project: str | None = None
    valid: bool
    department: str | None = None
    budget: float | None = None
    budget_unit: str | None = None
    findings: list[Finding] = []
    score: int | None = None
    grade: str | None = None
    submittable: bool | None = None
    rationale: list[str] = []
    counts: dict[str, int] = {}
    error: str | None = None
    details: list[dict] = []
    source: str | None = None


class BatchSummary(BaseModel):
    documents: int
    checked: int
    invalid: int
    grades: dict[str, int]


class BatchResult(BaseModel):
    results: list[BatchEntry]
    summary: BatchSummary
    problems: list[str] = Field(default=[], description="files, sheets or cells that could not be read")


def lookup_of(request: Request, user: User | None = None):
    """The search engine as the checker's library lookup, or None while it is not loaded. A signed-in
    caller's checks also take last year's actuals as baselines; they are review data, so an anonymous
    check does not see them."""
    search = request.app.state.search
    return with_history(search, request.app.state.engine) if user is not None else search


@router.post("/check", response_model=CheckResult)
def check(doc: GoalDocument, request: Request, user: OptionalUser) -> CheckResult:
    """Check one goal document: findings, score 0-100 and grade 优/良/中/差 with the rationale. With a
    token, indicators without a baseline take last year's evaluated actual of the same project."""
    return check_goal(doc, lookup_of(request, user))


def check_many(raw_documents: list[Any], lookup) -> dict:
    """Check each document on its own: one malformed document is reported, not fatal to the batch."""
    results: list[dict] = []
    valid: list[tuple[int, GoalDocument]] = []
    for n, raw in enumerate(raw_documents):
        try:
            valid.append((n, GoalDocument.model_validate(raw)))
        except ValidationError as exc:
            message, details = describe_validation(exc.errors())
            results.append({"index": n, "project": _name_of(raw), "valid": False, "error": message,
                            "details": details})
    checked = check_documents([doc for _, doc in valid], lookup)
    for (n, doc), result in zip(valid, checked, strict=True):
        results.append({"index": n, "project": doc.project.name, "department": doc.project.department,
                        "budget": doc.project.budget, "budget_unit": doc.project.budget_unit, "valid": True,
                        **result.model_dump(), "counts": result.severity_counts()})
    results.sort(key=lambda r: r["index"])
    return {"results": results, "summary": {"documents": len(results), "checked": len(checked),
                                            "invalid": len(results) - len(checked), "grades": grade_counts(checked)}}


def _name_of(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("project"), dict):
        name = raw["project"].get("name")
        return name if isinstance(name, str) else None
    return None


@router.post("/check/batch", response_model=BatchResult)
def check_batch(request: Request, settings: SettingsDep, user: OptionalUser,
                documents: Annotated[list[Any], Body(embed=True)]) -> dict:
    """Check many goal documents at once: `{"documents": [GoalDocument, …]}` → per-document results
    and a summary; a malformed document gets its own error entry."""
    check_batch_size(len(documents), settings.max_batch)  # refused before any document is read
    return check_many(documents, lookup_of(request, user))


@router.post("/draft", response_model=Draft)
def draft(body: DraftRequest, request: Request, search: SearchDep, user: OptionalUser) -> Draft:
    """Draft a goal document for a project from the library: ≤ 15 indicators covering every dimension,
    a goal text, and the findings the user still has to resolve. With a token, unit costs the library
    gives no range for are estimated from the targets approved goals set."""
    return draft_goal(body.project, lookup_of(request, user) or search)


@router.get("/template.xlsx", response_class=Response)
def template() -> Response:
    """The goal-document spreadsheet (绩效目标申报表 layout) to fill in; one sheet per project."""
    return Response(goal_template.template_workbook(), media_type=XLSX,
                    headers=attachment("绩效目标申报表模板.xlsx", "goal-template.xlsx"))


@router.post("/check/workbook", response_model=BatchResult,
             responses={200: {"content": {XLSX: {}}, "description": "JSON, or the summary workbook with format=xlsx"}})
def check_workbook(request: Request, settings: SettingsDep, user: OptionalUser,
                   files: Annotated[list[UploadFile], File(description="filled templates (.xlsx), CSV tables, JSON")],
                   format: Literal["json", "xlsx"] = "json"):
    """Check every project in uploaded templates or JSON files. A file with problems is reported
    cell by cell (`problems`) while the others are still checked; `format=xlsx` returns the
    summary workbook instead of JSON."""
    uploads = [(upload_name(f.filename), f.file.read()) for f in files if f.filename]
    docs, problems = read_uploads(uploads, limits=SheetLimits.from_settings(settings, upload=True))
    if not docs:
        raise InvalidInput("上传的文件中没有可读取的绩效目标；请按 details 逐条修改后重新上传", details=problems)
    check_batch_size(len(docs), settings.max_batch)
    lookup = lookup_of(request, user)
    if format == "xlsx":
        checked = check_documents([doc for _, doc in docs], lookup)
        body = review_workbook.summary_workbook(list(zip([doc for _, doc in docs], checked, strict=True)))
        return Response(body, media_type=XLSX, headers=attachment("绩效目标审核报告.xlsx", "goal-review.xlsx"))
    report = check_many([doc for _, doc in docs], lookup)
    for entry, (source, _) in zip(report["results"], docs, strict=True):
        entry["source"] = source
    return {**report, "problems": problems}
