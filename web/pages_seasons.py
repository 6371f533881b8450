"""The review season pages: file a season, follow its check, decide on projects, print opinions.

Everything a reviewer does here is kept in the database (services.reviews): the list of a season
filters, sorts and pages through query parameters, so it works without JavaScript and a URL can be
bookmarked; the check of a large season runs in the background and the page polls its progress.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from indicators.findings import REGISTRY
from indicators.goals import BUDGET_SCALE, GoalDocument
from indicators.pasted_rows import TITLE, pasted_documents
from kb.errors import InvalidInput
from kb.reviews import DECISIONS
from kb.sheets import SheetLimits
from kb.store import valid_function_code
from kb.times import BEIJING
from services import reviews
from web.auth import CurrentUser, ReviewerUser
from web.deps import Offset, ProjectId, ReviewId, SessionDep, upload_name
from web.render import XLSX, attachment, is_fragment, render, search_problem
from web.uploads import read_upload_items

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
GRADES = ("优", "良", "中", "差")
CATEGORIES = ("完整性", "细化量化", "相关性", "适当性", "规范性")
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
# column → (first sort, the other direction); a column header link switches between the two
COLUMNS = {"seq": ("seq", None), "department": ("department", None), "budget": ("-budget", "budget"),
           "score": ("score", "-score"), "grade": ("grade", None), "errors": ("errors", None)}
SORTS = {"seq": "按序号", "score": "得分从低到高", "-score": "得分从高到低", "grade": "按等级",
         "department": "按部门", "-budget": "预算从大到小", "budget": "预算从小到大", "errors": "错误最多的在前"}
FIELD_NAMES = {"level1": "一级指标", "level2": "二级指标", "name": "名称", "operator": "符号", "value": "指标值",
               "unit": "单位", "basis": "取值依据", "baseline": "上年实际值", "code": "指标编码"}
PROJECT_FIELD_NAMES = {"name": "项目名称", "department": "预算部门", "direction": "支出方向", "budget": "预算金额",
                       "budget_unit": "金额单位", "year": "预算年度", "kind": "目标类型",
                       "function_code": "功能分类科目", "goal": "年度绩效目标"}
OPINION_TITLE = "预算绩效目标审核意见书"

Text = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class ListQuery:
    """A season list's filters, sort and page: what its URL says."""

    grade: str = ""
    status: str = ""
    department: str = ""
    direction: str = ""
    code: str = ""
    function_code: str = ""
    duplicates: bool = False
    sort: str = "seq"
    offset: int = 0

    def url(self, review_id: int, **change) -> str:
        q = replace(self, **change)
        params = {k: v for k, v in (("grade", q.grade), ("status", q.status), ("department", q.department),
                                    ("direction", q.direction), ("code", q.code),
                                    ("function_code", q.function_code)) if v}
        if q.duplicates:
            params["duplicates"] = "1"
        if q.sort != "seq":
            params["sort"] = q.sort
        if q.offset:
            params["offset"] = str(q.offset)
        return f"/reviews/{review_id}" + (f"?{urlencode(params)}" if params else "")

    def sorted_by(self, column: str) -> tuple[str, str | None]:
        """(the sort a click on this column header asks for, aria-sort of the column now)."""
        first, other = COLUMNS[column]
        if self.sort == first:
            return (other or first), ("descending" if first.startswith("-") or column == "errors" else "ascending")
        if other and self.sort == other:
            return first, "descending" if other.startswith("-") else "ascending"
        return first, None


async def list_query(grade: Text = "", status: Text = "", department: Text = "", direction: Text = "", code: Text = "",
               function_code: Text = "",
               duplicates: Annotated[str, Query(max_length=5)] = "", sort: Annotated[str, Query(max_length=20)] = "seq",
               offset: Offset = 0) -> ListQuery:
    if grade and grade not in GRADES:
        raise InvalidInput(f"等级 grade={grade!r} 无效；请用 优、良、中 或 差")
    if status and status not in DECISIONS:
        raise InvalidInput(f"审核状态 status={status!r} 无效；请用 {'、'.join(DECISIONS)}")
    if sort not in SORTS:
        raise InvalidInput(f"排序 sort={sort!r} 无效；可用：{'、'.join(SORTS)}")
    function_code = valid_function_code(function_code) or ""
    return ListQuery(grade=grade, status=status, department=department.strip(), direction=direction.strip(),
                     code=code.strip(), function_code=function_code, duplicates=duplicates in ("1", "true", "on"),
                     sort=sort, offset=offset)


QueryDep = Annotated[ListQuery, Depends(list_query)]


def budget_wan(budget_yuan: float | None) -> str:
    """A budget in yuan shown in 万元, the unit the 申报表 uses."""
    if budget_yuan is None:
        return ""
    return f"{budget_yuan / BUDGET_SCALE['万元']:,.2f}".rstrip("0").rstrip(".") + " 万元"


def season_body(session, review, query: ListQuery) -> dict:
    """What the season page shows under its title: summary, filters and one page of projects."""
    total, projects = reviews.query_projects(
        session, review_id=review.id, grade=query.grade or None, status=query.status or None,
        department=query.department or None, direction=query.direction or None, code=query.code or None,
        function_code=query.function_code or None, duplicates=query.duplicates, sort=query.sort,
        offset=query.offset, limit=PAGE_SIZE)
    pages = {"first": query.offset + 1 if total else 0, "last": min(query.offset + PAGE_SIZE, total),
             "prev": query.url(review.id, offset=max(query.offset - PAGE_SIZE, 0)) if query.offset else None,
             "next": query.url(review.id, offset=query.offset + PAGE_SIZE) if query.offset + PAGE_SIZE < total
             else None}
    return {"review": review, "summary": reviews.summary(session, review_id=review.id), "query": query,
            "total": total, "projects": projects, "pages": pages, "sorts": SORTS, "decisions": DECISIONS,
            "grades": GRADES, "budget_wan": budget_wan}


# ---- seasons ---------------------------------------------------------------------------------
@router.get("/reviews", response_class=HTMLResponse)
def seasons_page(request: Request, session: SessionDep, user: CurrentUser):
    seasons = reviews.list_reviews(session) if user.role in ("admin", "reviewer") else []
    return render(request, "seasons.html", {"nav": "review", "seasons": seasons,
                                            "limit": request.app.state.settings.max_batch})


def _items(request: Request, files: list[UploadFile]) -> tuple[list[tuple[str, object]], list[str]]:
    uploads = [(upload_name(f.filename), f.file.read()) for f in files if f.filename]
    if not uploads:
        raise InvalidInput("没有收到文件：请选择一个或多个填好的模板（.xlsx）或 JSON 文档后再上传")
    return read_upload_items(uploads, limits=SheetLimits.from_settings(request.app.state.settings, upload=True))


def _season_name(name: str, files: list[UploadFile]) -> str:
    name = name.strip()
    if name:
        return name
    first = upload_name(files[0].filename) if files and files[0].filename else "上传文件"
    more = f" 等 {len(files)} 个文件" if len(files) > 1 else ""
    return f"{first}{more}（{datetime.now(BEIJING):%Y-%m-%d %H:%M}）"


@router.post("/reviews", response_class=HTMLResponse)
def file_season(request: Request, user: ReviewerUser,
                files: Annotated[list[UploadFile] | None, File(description="填好的模板或 JSON")] = None,
                name: Annotated[str, Form(max_length=200)] = ""):
    files = files or []
    items, problems = _items(request, files)
    app = request.app
    review = reviews.file_and_check(app.state.engine, app.state.search, name=_season_name(name, files), items=items,
                                    problems=problems, user=user, limit=app.state.settings.max_batch)
    worker = getattr(app.state, "review_worker", None)
    if review.status == "running" and worker is not None:
        worker.wake.set()
    target = f"/reviews/{review.id}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/reviews/{review_id}", response_class=HTMLResponse)
def season_page(request: Request, review_id: ReviewId, session: SessionDep, user: ReviewerUser, query: QueryDep):
    review = reviews.get_review(session, review_id=review_id)
    context = {"nav": "review", "review": review, "query": query, "waiting": search_problem(request)}
    if review.status != "running":
        context |= season_body(session, review, query)
    # the address a filter change puts in the location bar: only what is set, in one order, to bookmark
    return render(request, "season.html", context, fragment="_season_projects.html",
                  headers={"HX-Push-Url": query.url(review_id)} if is_fragment(request) else None)


@router.get("/reviews/{review_id}/progress", response_class=HTMLResponse)
def season_progress(request: Request, review_id: ReviewId, session: SessionDep, user: ReviewerUser):
    """While the check runs: the progress bar (polled every second); then the season's list in its place."""
    review = reviews.get_review(session, review_id=review_id)
    if review.status == "running":
        return render(request, "_season_progress.html", {"review": review, "waiting": search_problem(request)})
    return render(request, "_season_body.html", season_body(session, review, ListQuery()))


@router.get("/reviews/{review_id}/report.xlsx")
def season_report(review_id: ReviewId, session: SessionDep, user: ReviewerUser) -> Response:
    review = reviews.get_review(session, review_id=review_id)
    body = reviews.report_workbook(session, review_id=review_id)
    return Response(body, media_type=XLSX, headers=attachment(f"{review.name}-审核报告.xlsx",
                                                              f"review-{review_id}.xlsx"))


@router.get("/reviews/{review_id}/problems", response_class=HTMLResponse)
def season_problems(request: Request, review_id: ReviewId, session: SessionDep, user: ReviewerUser):
    review = reviews.get_review(session, review_id=review_id)
    cases = reviews.problem_cases(session, review_id=review_id)
    return render(request, "season_problems.html", {"nav": "review", "review": review, "cases": cases,
                                                    "severity": SEVERITY})


# ---- one project -----------------------------------------------------------------------------
def findings_by_category(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """Findings grouped under the Chinese review categories (完整性, 细化量化, …), in that order."""
    groups: dict[str, list[dict]] = {}
    for f in findings:
        entry = REGISTRY.get(f.get("code", ""))
        category = entry.category if entry else "其他"
        groups.setdefault(category, []).append({**f, "label": entry.label if entry else f.get("code", "")})
    order = {c: n for n, c in enumerate(CATEGORIES)}
    return sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))


def project_context(session, review_id: int, project_id: int) -> dict:
    review = reviews.get_review(session, review_id=review_id)
    detail = reviews.project_detail(session, review_id=review_id, project_id=project_id)
    doc = GoalDocument.model_validate(detail.document)
    findings = (detail.result or {}).get("findings", [])
    rows = {f["indicator"] for f in findings if f.get("indicator") is not None}
    seq = detail.project.seq
    _, around = reviews.query_projects(session, review_id=review_id, offset=max(seq - 2, 0), limit=3)
    neighbours = {p.seq - seq: p for p in around if abs(p.seq - seq) == 1}  # the projects before and after
    return {"nav": "review", "review": review, "detail": detail, "project": detail.project, "doc": doc,
            "result": detail.result or {}, "findings": findings, "rows_with_findings": rows,
            "severity": SEVERITY, "decisions": DECISIONS, "budget_wan": budget_wan,
            "groups": findings_by_category(findings), "labels": {c: e.label for c, e in REGISTRY.items()},
            "field_names": FIELD_NAMES, "project_field_names": PROJECT_FIELD_NAMES,
            "previous": neighbours.get(-1), "next": neighbours.get(1)}


@router.get("/reviews/{review_id}/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, review_id: ReviewId, project_id: ProjectId, session: SessionDep, user: ReviewerUser):
    return render(request, "season_project.html", project_context(session, review_id, project_id))


@router.post("/reviews/{review_id}/projects/{project_id}/decision", response_class=HTMLResponse)
def decide(request: Request, review_id: ReviewId, project_id: ProjectId, session: SessionDep, user: ReviewerUser,
           status: Annotated[str, Form(max_length=8)], note: Annotated[str, Form(max_length=2000)] = ""):
    if status not in DECISIONS:
        raise InvalidInput(f"审核结论 {status!r} 无效；请选择 {'、'.join(DECISIONS)}")
    reviews.decide(session, review_id=review_id, project_id=project_id, status=status, note=note.strip(), user=user)
    if not is_fragment(request):
        return RedirectResponse(f"/reviews/{review_id}/projects/{project_id}#decision", status_code=303)
    context = project_context(session, review_id, project_id) | {"saved": True}
    return render(request, "season_project.html", context, fragment="_season_decision.html")


@router.post("/reviews/{review_id}/projects/{project_id}/versions", response_class=HTMLResponse)
def resubmit(request: Request, review_id: ReviewId, project_id: ProjectId, session: SessionDep, user: ReviewerUser,
             file: Annotated[UploadFile | None, File(description="修改后的申报表或 JSON")] = None,
             paste: Annotated[str, Form(description="或从 Excel / WPS 复制的修改后的申报表")] = ""):
    if file is not None and file.filename:
        items, problems = _items(request, [file])
        sent = upload_name(file.filename)
    elif paste.strip():   # the revised form copied out of Excel or WPS, read as the sheet it came from
        docs, found = pasted_documents(paste)
        items, problems, sent = [(TITLE, d.model_dump(mode="json")) for d in docs], [str(p) for p in found], TITLE
    else:
        raise InvalidInput("没有收到修改稿：请选择修改后的申报表（.xlsx）或 JSON 文档，"
                           "或粘贴从 Excel / WPS 复制的申报表")
    if problems:
        raise InvalidInput("修改稿无法读取：" + "；".join(problems[:5]))
    if len(items) != 1:
        raise InvalidInput(f"{sent} 含 {len(items)} 个项目；重新提交时每次只能上传本项目的一份文档")
    reviews.resubmit(session, request.app.state.search, review_id=review_id, project_id=project_id,
                     document=items[0][1], user=user)
    target = f"/reviews/{review_id}/projects/{project_id}"
    if request.headers.get("hx-request"):  # the page loads again (a #fragment alone would only scroll)
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target + "#changes", status_code=303)


@router.get("/reviews/{review_id}/projects/{project_id}/opinion", response_class=HTMLResponse)
def opinion_page(request: Request, review_id: ReviewId, project_id: ProjectId, session: SessionDep, user: ReviewerUser):
    context = project_context(session, review_id, project_id)
    return render(request, "opinion.html", context | {"title": OPINION_TITLE, "today": datetime.now(BEIJING)})
