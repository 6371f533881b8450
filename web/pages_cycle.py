"""The pages of an approved goal's year: a season's monitoring by warning (with the 绩效监控表 and the
actuals workbook to fill and upload), entering a project's actuals, self-evaluation by grade, the
results applied to the season, and how approved goals used a library indicator.

Forms post with the CSRF token; a value that cannot be taken shows the form again with what was
entered and why. Downloads are the JSON API's (/api/v1/reviews/{id}/…), which take the session too.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from indicators.actuals import Actual
from indicators.pasted_rows import TITLE as PASTED
from indicators.pasted_rows import pasted_csv
from indicators.results import GRADES, ResultRules
from kb import store
from kb.accounts import User
from kb.errors import InvalidInput, KBError
from services import actuals_upload, cycle, history
from services.review_changes import describe_invalid
from web.api_cycle import AsOf, Spent
from web.api_seasons_cycle import import_files
from web.auth import CurrentUser, OptionalUser, ReviewerUser
from web.deps import Offset, ProjectId, ReviewId, SessionDep, SettingsDep, upload_name
from web.render import render

router = APIRouter(include_in_schema=False)
STATUSES = ("预警", "关注", "正常", "未填报")
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_CLASS = {"预警": "error", "关注": "warning", "正常": "ok", "未填报": "muted"}
PAGE_SIZE = 100
DATE = TypeAdapter(AsOf)
MONEY = TypeAdapter(Spent)


def _date(text: str):
    try:
        return DATE.validate_python(text)
    except ValidationError as exc:
        raise InvalidInput(f"截止日期：{describe_invalid(exc)}") from None


def _paged(rows: list, offset: int, path: str, **filters) -> dict:
    """One page of a list, and the links to the pages before and after it (the filters kept)."""
    offset = max(0, min(offset, max(len(rows) - 1, 0) // PAGE_SIZE * PAGE_SIZE))
    kept = "&".join(f"{k}={quote(v)}" for k, v in filters.items() if v)

    def link(at: int) -> str:
        return f"{path}?{kept}{'&' if kept else ''}offset={at}"

    return {"rows": rows[offset:offset + PAGE_SIZE], "total": len(rows), "offset": offset,
            "previous": link(offset - PAGE_SIZE) if offset else None,
            "next": link(offset + PAGE_SIZE) if offset + PAGE_SIZE < len(rows) else None}


def _context(session: Session, review_id: int, **more) -> dict:
    return {"review": cycle.review_of(session, review_id), "statuses": STATUSES, "status_class": STATUS_CLASS,
            "grades": GRADES, "severity": SEVERITY, **more}


@router.get("/reviews/{review_id}/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, session: SessionDep, user: CurrentUser, review_id: ReviewId,
                    status: Annotated[str, Query(max_length=8)] = "",
                    department: Annotated[str, Query(max_length=200)] = "",
                    offset: Offset = 0):
    """A season's approved projects by warning, a page at a time, with the 绩效监控表 and the workbook to fill."""
    rows, summary = cycle.monitoring_list(session, review_id=review_id, status=status or None,
                                          department=department or None)
    paged = _paged(rows, offset, f"/reviews/{review_id}/monitoring", status=status, department=department)
    return render(request, "monitoring.html", _context(session, review_id, summary=summary, status=status,
                                                       department=department, imported=None, **paged))


@router.post("/reviews/{review_id}/actuals/import", response_class=HTMLResponse)
async def import_page(request: Request, settings: SettingsDep, user: CurrentUser, review_id: ReviewId,
                      files: Annotated[list[UploadFile] | None, File()] = None,
                      kind: Annotated[str, Form(max_length=12)] = "monitoring",
                      as_of: Annotated[str, Form(max_length=20)] = "", paste: Annotated[str, Form()] = ""):
    """Filled actuals workbooks, or the departments' own forms, several at once, uploaded from the monitoring or
    the evaluation page; or such a form or list copied out of Excel or WPS and pasted."""
    kind = "evaluation" if kind == "evaluation" else "monitoring"
    sent = [(upload_name(f.filename) or "填报表", await f.read()) for f in files or [] if f.filename]
    try:
        if paste.strip():
            sent.append((f"{PASTED}.csv", pasted_csv(paste)))
        if not sent:
            raise InvalidInput("没有收到文件：请选择填好的填报表或各单位的绩效表，或粘贴从 Excel / WPS 复制的表格")
        when = _date(as_of) if as_of.strip() else None
        done = await run_in_threadpool(import_files, request, settings, user, review_id, sent, when, kind)
    except (KBError, ValueError) as exc:
        done = actuals_upload.Imported(0, [getattr(exc, "message", None) or str(exc)])
    stored, problems, notes = done.stored, done.problems, done.notes
    with Session(request.app.state.engine) as session:
        if kind == "monitoring":
            rows, summary = cycle.monitoring_list(session, review_id=review_id)
            return render(request, "monitoring.html", _context(
                session, review_id, summary=summary, status="", department="", imported=stored, problems=problems,
                notes=notes, **_paged(rows, 0, f"/reviews/{review_id}/monitoring")))
        rows, summary = cycle.evaluation_list(session, review_id=review_id)
        return render(request, "evaluation.html", _context(
            session, review_id, summary=summary, grade="", department="", imported=stored, problems=problems,
            notes=notes, results=None, rules={}, **_paged(rows, 0, f"/reviews/{review_id}/evaluation")))


# ---------------------------------------------------------------------------- one project's actuals

def _entered(form, count: int, *, reasons: bool) -> tuple[list[Actual], dict, list[str]]:
    """The actuals typed into a project's form (blank rows left out), what was typed, and what is wrong."""
    actuals, typed, problems = [], {}, []
    for n in range(count):
        value = str(form.get(f"actual_{n}") or "").strip()
        reason = str(form.get(f"reason_{n}") or "").strip() if reasons else ""
        typed[n] = (value, reason)
        if not value and not reason:
            continue
        try:
            actuals.append(Actual(indicator=n, value=value or None, reason=reason or None))
        except ValidationError as exc:
            problems.append(f"第 {n + 1} 个指标：{describe_invalid(exc)}")
    return actuals, typed, problems


def _project_page(request: Request, session: Session, kind: str, review_id: int, project_id: int, user: User,
                  **more) -> HTMLResponse:
    approved = cycle.approved_project(session, review_id=review_id, project_id=project_id)
    if kind == "monitoring":
        entries = cycle.monitoring_history(session, review_id=review_id, project_id=project_id)
        latest = entries[-1] if entries else None
        page = "monitoring_project.html"
    else:
        _, latest = cycle.evaluation_detail(session, review_id=review_id, project_id=project_id)
        entries = []
        page = "evaluation_project.html"
    given = {a["indicator"]: (str(a.get("value") if a.get("value") is not None else ""), a.get("reason") or "")
             for a in (latest.actuals if latest else [])}
    context = _context(session, review_id, project=approved.project, doc=approved.document, entries=entries,
                       latest=latest, typed=more.pop("typed", None) or given, may_enter=cycle.may_enter(
                           user, approved.project), **more)
    return render(request, page, context, status_code=422 if more.get("problems") else 200)


@router.get("/reviews/{review_id}/projects/{project_id}/monitoring", response_class=HTMLResponse)
def monitor_project_page(request: Request, session: SessionDep, user: CurrentUser, review_id: ReviewId,
                         project_id: ProjectId):
    """A project's monitoring: the form for actuals to a date and the money spent, the latest result, history."""
    return _project_page(request, session, "monitoring", review_id, project_id, user)


@router.get("/reviews/{review_id}/projects/{project_id}/evaluation", response_class=HTMLResponse)
def evaluate_project_page(request: Request, session: SessionDep, user: CurrentUser, review_id: ReviewId,
                          project_id: ProjectId):
    """A project's self-evaluation: year-end actuals with reasons, the money spent, points and grade."""
    return _project_page(request, session, "evaluation", review_id, project_id, user)


def _save(request: Request, user: User, kind: str, review_id: int, project_id: int, form) -> HTMLResponse:
    with Session(request.app.state.engine) as session:
        approved = cycle.approved_project(session, review_id=review_id, project_id=project_id)
        actuals, typed, problems = _entered(form, len(approved.document.indicators), reasons=True)
        spent_text = str(form.get("spent") or "").strip()
        as_of_text = str(form.get("as_of") or "").strip()
        spent = as_of = None
        try:
            if not spent_text:
                raise InvalidInput("请填写已支出金额（与预算同一单位，如 168）")
            spent = MONEY.validate_python(spent_text)
        except ValidationError as exc:
            problems.append(f"已支出金额：{describe_invalid(exc)}")
        except InvalidInput as exc:
            problems.append(exc.message)
        if kind == "monitoring":
            try:
                as_of = _date(as_of_text)
            except InvalidInput as exc:
                problems.append(exc.message)
        if not problems:
            try:
                if kind == "monitoring":
                    cycle.record_monitoring(session, review_id=review_id, project_id=project_id, as_of=as_of,
                                            spent=spent, actuals=actuals, user=user)
                else:
                    cycle.record_evaluation(session, review_id=review_id, project_id=project_id, spent=spent,
                                            actuals=actuals, user=user)
            except InvalidInput as exc:
                problems.append(exc.message)
        if problems:
            return _project_page(request, session, kind, review_id, project_id, user, problems=problems,
                                 typed=typed, spent_text=spent_text, as_of_text=as_of_text)
    return RedirectResponse(f"/reviews/{review_id}/projects/{project_id}/{kind}?saved=1", status_code=303)


@router.post("/reviews/{review_id}/projects/{project_id}/monitoring", response_class=HTMLResponse)
async def monitor_project_save(request: Request, user: CurrentUser, review_id: ReviewId, project_id: ProjectId):
    form = await request.form()
    return await run_in_threadpool(_save, request, user, "monitoring", review_id, project_id, form)


@router.post("/reviews/{review_id}/projects/{project_id}/evaluation", response_class=HTMLResponse)
async def evaluate_project_save(request: Request, user: CurrentUser, review_id: ReviewId, project_id: ProjectId):
    form = await request.form()
    return await run_in_threadpool(_save, request, user, "evaluation", review_id, project_id, form)


# ---------------------------------------------------------------------------- evaluation and results

@router.get("/reviews/{review_id}/evaluation", response_class=HTMLResponse)
def evaluation_page(request: Request, session: SessionDep, user: CurrentUser, review_id: ReviewId,
                    grade: Annotated[str, Query(max_length=2)] = "",
                    department: Annotated[str, Query(max_length=200)] = "",
                    offset: Offset = 0):
    """A season's self-evaluations by grade, a page at a time, the 自评表, and the results form."""
    rows, summary = cycle.evaluation_list(session, review_id=review_id, grade=grade or None,
                                          department=department or None)
    paged = _paged(rows, offset, f"/reviews/{review_id}/evaluation", grade=grade, department=department)
    return render(request, "evaluation.html", _context(session, review_id, summary=summary, grade=grade,
                                                       department=department, results=None, rules={}, **paged))


def _percent(form, key: str, default: float) -> float:
    text = str(form.get(key) or "").strip().rstrip("%")
    if not text:
        return default
    try:
        return float(text) / 100
    except ValueError:
        raise InvalidInput(f"『{form.get(key)}』不是百分数；请写如 -10 或 30") from None


@router.post("/reviews/{review_id}/results", response_class=HTMLResponse)
async def results_page(request: Request, user: ReviewerUser, review_id: ReviewId):
    """The results applied with the rules chosen on the evaluation page: grades, next year's budgets,
    the department summary."""
    form = await request.form()

    def work() -> HTMLResponse:
        rules_form = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        with Session(request.app.state.engine) as session:
            problem, results = None, None
            try:
                mode = "rank" if form.get("mode") == "rank" else "bands"
                rules = ResultRules(mode=mode, adjustments={g: _percent(form, f"adjust_{g}", d) for g, d in
                                                            (("优", 0), ("良", 0), ("中", -0.1), ("差", -1))},
                                    quotas={g: _percent(form, f"quota_{g}", d) for g, d in
                                            (("优", .3), ("良", .3), ("中", .3), ("差", .1))})
                results = cycle.apply_season(session, review_id=review_id, rules=rules)
            except ValidationError as exc:
                problem = describe_invalid(exc)
            except KBError as exc:
                problem = exc.message
            rows, summary = cycle.evaluation_list(session, review_id=review_id)
            return render(request, "evaluation.html", _context(
                session, review_id, summary=summary, grade="", department="", results=results,
                rules=rules_form, results_problem=problem, **_paged(rows, 0, f"/reviews/{review_id}/evaluation")),
                fragment="_cycle_results.html",
                status_code=422 if problem else 200)

    return await run_in_threadpool(work)


# ---------------------------------------------------------------------------- library usage

@router.get("/indicators/{code}/usage", response_class=HTMLResponse)
def indicator_usage(request: Request, session: SessionDep, user: OptionalUser, code: str):
    """How approved goals used a library indicator: how often, the spread of their targets and actuals."""
    indicator = store.get_indicator(session, code=code)
    usage = history.indicator_usage(session, code=indicator.code, name=indicator.name, unit=indicator.unit)
    return render(request, "_indicator_usage.html", {"ind": indicator, "usage": usage})

