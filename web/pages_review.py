"""The quick check: upload a handful of filled goal spreadsheets or JSON documents → a sortable
summary and each project's findings, kept nowhere. The same upload can be saved as a review season
instead (web.pages_seasons), which keeps decisions and gives the season's report as a spreadsheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from indicators import goal_template
from indicators.checker import check_documents, grade_counts
from indicators.goals import BUDGET_SCALE, GoalDocument
from indicators.pasted_rows import TITLE, pasted_documents
from kb.errors import InvalidInput
from kb.sheets import SheetLimits
from web.deps import upload_name
from web.render import XLSX, attachment, render, search_problem
from web.uploads import read_uploads

router = APIRouter(include_in_schema=False)
GRADE_ORDER = {"优": 4, "良": 3, "中": 2, "差": 1}
QUICK_LIMIT = 100  # more than this is a season's work: filed, checked in the background, kept


def quick_limit(request: Request, count: int) -> None:
    limit = min(QUICK_LIMIT, request.app.state.settings.max_batch)
    if count > limit:
        raise InvalidInput(f"快速检查一次最多 {limit} 份绩效目标，本次上传了 {count} 份；"
                           "请改用“保存为审核批次”：在服务器上逐项检查，可记录审核意见并导出整批报告")


def review(request: Request, docs: list[tuple[str, GoalDocument]]) -> list[dict]:
    results = check_documents([doc for _, doc in docs], request.app.state.search,
                              limit=request.app.state.settings.max_batch)
    entries = []
    for n, ((source, doc), result) in enumerate(zip(docs, results, strict=True), start=1):
        counts = result.severity_counts()
        budget = doc.project.budget
        entries.append({"n": n, "source": source, "doc": doc, "result": result, "counts": counts,
                        "budget_yuan": None if budget is None else budget * BUDGET_SCALE[doc.project.budget_unit]})
    return entries


def report_context(request: Request, entries: list[dict], problems: list[str]) -> dict:
    grades = grade_counts(e["result"] for e in entries)
    return {"nav": "review", "entries": entries, "file_problems": problems,
            "grades": grades, "grade_order": GRADE_ORDER, "problem": search_problem(request), "reviewed": True}


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request):
    return render(request, "review.html", {"nav": "review", "reviewed": False, "problem": search_problem(request)})


@router.post("/review", response_class=HTMLResponse)
def review_upload(request: Request,
                  files: Annotated[list[UploadFile] | None, File(description="填好的模板或 JSON")] = None):
    uploads = [(upload_name(f.filename), f.file.read()) for f in files or [] if f.filename]
    if not uploads:
        raise InvalidInput("没有收到文件：请选择一个或多个填好的模板（.xlsx）或 JSON 文档后再上传")
    docs, problems = read_uploads(uploads, limits=SheetLimits.from_settings(request.app.state.settings, upload=True))
    quick_limit(request, len(docs))
    entries = review(request, docs)
    return render(request, "review.html", report_context(request, entries, problems), fragment="_report.html")


@router.post("/review/paste", response_class=HTMLResponse)
def review_paste(request: Request, paste: Annotated[str, Form()] = ""):
    """A form or a list copied out of Excel or WPS and pasted: read as a sheet of the workbook it came from."""
    docs, problems = pasted_documents(paste)
    quick_limit(request, len(docs))
    named = [(TITLE if len(docs) == 1 else f"{TITLE} 第 {n} 个项目", doc) for n, doc in enumerate(docs, start=1)]
    entries = review(request, named)
    return render(request, "review.html", report_context(request, entries, [str(p) for p in problems]),
                  fragment="_report.html")


@router.get("/review/template.xlsx")
def review_template() -> Response:
    return Response(goal_template.template_workbook(), media_type=XLSX,
                    headers=attachment("绩效目标申报表模板.xlsx", "goal-template.xlsx"))

