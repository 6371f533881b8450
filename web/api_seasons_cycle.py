"""A season's approved goals through the year over JSON: monitoring entries (双监控), self-evaluations
(绩效自评), the results applied to the season (结果应用), and their workbooks.

Reading needs a signed-in user. Actuals may be entered by a reviewer or an administrator, or by a
department user for its own department's projects; applying results needs a reviewer or an admin.
Entries are kept (who, when); times are ISO 8601 in Beijing time.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from indicators.actuals import Actual
from indicators.evaluation import EvaluationResult, EvaluationRules
from indicators.goals import MAX_INDICATORS
from indicators.monitoring import MonitorResult, MonitorRules
from indicators.results import ResultRules
from kb import store
from kb.accounts import User
from kb.cycle import Evaluation, MonitoringRecord
from kb.errors import InvalidInput, NotFound
from kb.sheets import SheetLimits
from kb.times import beijing_iso
from services import actuals_upload, cycle, cycle_report, history
from services.review_changes import describe_invalid
from web.api_cycle import AsOf, Spent
from web.auth import CurrentUser, ReviewerUser
from web.deps import Offset, ProjectId, ReviewId, SessionDep, SettingsDep, upload_name
from web.render import XLSX, attachment

router = APIRouter(prefix="/api/v1", tags=["season monitoring and evaluation"])
STATUSES = Literal["预警", "关注", "正常", "未填报"]
GRADE = Literal["优", "良", "中", "差"]


class MonitoringBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    as_of: AsOf = Field(description="监控截止日期，如 2026-07-31")
    spent: Spent
    actuals: list[Actual] = Field(default_factory=list, max_length=MAX_INDICATORS, description="截至 as_of 的实际值")
    rules: MonitorRules | None = Field(default=None, description="预警和关注的百分点；不填用默认 20 / 10")


class EvaluationBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    spent: Spent
    actuals: list[Actual] = Field(default_factory=list, max_length=MAX_INDICATORS,
                                  description="年度实际完成值，未完成的写 reason")
    rules: EvaluationRules | None = Field(default=None, description="分值和评分规则；不填按财预〔2020〕10号")


class ResultsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rules: ResultRules | None = Field(default=None, description="定等级和调整预算的规则；不填按分数线和深圳做法")


class MonitoringEntry(BaseModel):
    id: int
    project_id: int
    as_of: str
    spent: float
    actuals: list[dict]
    result: MonitorResult
    entered_by: str
    entered_at: str | None


class MonitoringHistory(BaseModel):
    entries: list[MonitoringEntry]


class MonitoringRow(BaseModel):
    project_id: int
    seq: int
    name: str
    department: str
    budget: float | None = Field(description="预算金额（万元）")
    status: STATUSES
    as_of: str | None
    spent: float | None = Field(description="已支出金额，与项目预算同一单位")
    time_progress: float | None
    spend_progress: float | None
    warnings: int | None = Field(description="预警的指标和支出项数")
    findings: list[dict] = Field(default=[], description="偏差及措施")
    entered_by: str = ""
    entered_at: str | None = None


class MonitoringPage(BaseModel):
    review_id: int
    approved: int = Field(description="已批复（通过）的项目数")
    statuses: dict[str, int]
    departments: list[str]
    total: int
    offset: int
    limit: int
    projects: list[MonitoringRow]


class EvaluationEntry(BaseModel):
    id: int
    project_id: int
    spent: float
    actuals: list[dict]
    result: EvaluationResult
    evaluated_by: str
    evaluated_at: str | None


class EvaluationRow(BaseModel):
    project_id: int
    seq: int
    name: str
    department: str
    budget: float | None = Field(description="预算金额（万元）")
    evaluated: bool
    score: float | None
    grade: GRADE | None
    execution_rate: float | None = Field(description="预算执行率 %")
    reasons_missing: int | None = Field(description="未说明原因的偏差数")
    evaluated_by: str = ""
    evaluated_at: str | None = None


class EvaluationPage(BaseModel):
    review_id: int
    approved: int
    evaluated: int
    grades: dict[str, int]
    departments: list[str]
    total: int
    offset: int
    limit: int
    projects: list[EvaluationRow]


class ImportResult(BaseModel):
    stored: int = Field(description="导入的项目数")
    problems: list[str] = Field(default=[], description="未能导入的行或项目及原因")
    notes: list[str] = Field(default=[], description="已导入但请核对的情况，如项目名称不一致、按指标对应到的项目")


class ResultRow(BaseModel):
    project_id: int
    name: str
    department: str
    score: float
    rank: int
    grade: GRADE
    budget: float | None = Field(description="本年度预算（万元）")
    suggested_budget: float | None = Field(description="下年度建议预算（万元）")


class DepartmentRow(BaseModel):
    department: str
    projects: int
    grades: dict[str, int]
    average_score: float
    budget: float
    suggested_budget: float
    change: float = Field(description="建议预算与本年度预算之差（万元）")


class ResultsPage(BaseModel):
    review_id: int
    unevaluated: int = Field(description="已批复但尚未自评、未参与结果应用的项目数")
    summary: dict
    departments: list[DepartmentRow]
    projects: list[ResultRow]


class Spread(BaseModel):
    min: float
    median: float
    max: float
    count: int


class IndicatorUsage(BaseModel):
    code: str
    name: str
    unit: str = Field(description="数值所用的计量单位（指标库的单位）")
    projects: int = Field(description="用了该指标的已批复（通过）项目数")
    seasons: int = Field(description="这些项目所在的审核批次数")
    targets: Spread | None = Field(description="批复的指标值的分布；没有可比较的数值时为 null")
    evaluated: int = Field(description="其中已自评的项目数")
    actuals: Spread | None = Field(description="自评实际值的分布")


def _spread(values: list[float]) -> dict | None:
    if not values:
        return None
    low, middle, high = history.spread_of(values)
    return {"min": low, "median": middle, "max": high, "count": len(values)}


def _wan(project) -> float | None:
    return None if project.budget_yuan is None else round(project.budget_yuan / 1e4, 6)


def monitoring_entry(record: MonitoringRecord) -> dict:
    return {"id": record.id, "project_id": record.project_id, "as_of": record.as_of.isoformat(),
            "spent": record.spent, "actuals": record.actuals, "result": record.result,
            "entered_by": record.entered_by, "entered_at": beijing_iso(record.entered_at)}


def evaluation_entry(record: Evaluation) -> dict:
    return {"id": record.id, "project_id": record.project_id, "spent": record.spent, "actuals": record.actuals,
            "result": record.result, "evaluated_by": record.evaluated_by,
            "evaluated_at": beijing_iso(record.evaluated_at)}


def monitoring_row(row: cycle.MonitoringRow) -> dict:
    p, rec = row.project, row.record
    return {"project_id": p.id, "seq": p.seq, "name": p.name, "department": p.department, "budget": _wan(p),
            "status": row.status, "as_of": rec.as_of.isoformat() if rec else None, "spent": rec.spent if rec else None,
            "time_progress": rec.time_progress if rec else None,
            "spend_progress": rec.spend_progress if rec else None, "warnings": rec.warnings if rec else None,
            "findings": rec.result.get("findings", []) if rec else [], "entered_by": rec.entered_by if rec else "",
            "entered_at": beijing_iso(rec.entered_at) if rec else None}


def evaluation_row(row: cycle.EvaluationRow) -> dict:
    p, ev = row.project, row.evaluation
    missing = sum(f["code"] == "EVAL_REASON_MISSING" for f in ev.result.get("findings") or []) if ev else None
    return {"project_id": p.id, "seq": p.seq, "name": p.name, "department": p.department, "budget": _wan(p),
            "evaluated": ev is not None, "score": ev.score if ev else None, "grade": ev.grade if ev else None,
            "execution_rate": ev.execution_rate if ev else None, "reasons_missing": missing,
            "evaluated_by": ev.evaluated_by if ev else "", "evaluated_at": beijing_iso(ev.evaluated_at) if ev else None}


# ---------------------------------------------------------------------------- monitoring

@router.post("/reviews/{review_id}/projects/{project_id}/monitoring", response_model=MonitoringEntry,
             status_code=201)
def monitor_project(session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId,
                    body: MonitoringBody) -> dict:
    """Monitor an approved project: actuals to `as_of` and the money spent → time and spending progress,
    each indicator's progress and status (正常 / 关注 / 预警), findings with the gap and what to do. Kept."""
    record = cycle.record_monitoring(session, review_id=review_id, project_id=project_id, as_of=body.as_of,
                                     spent=body.spent, actuals=body.actuals, user=user, rules=body.rules)
    return monitoring_entry(record)


@router.get("/reviews/{review_id}/projects/{project_id}/monitoring", response_model=MonitoringHistory)
def project_monitoring(session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId) -> dict:
    """Every monitoring entry of an approved project, oldest first."""
    cycle.approved_project(session, review_id=review_id, project_id=project_id)
    return {"entries": [monitoring_entry(r) for r in
                        cycle.monitoring_history(session, review_id=review_id, project_id=project_id)]}


@router.get("/reviews/{review_id}/monitoring", response_model=MonitoringPage)
def season_monitoring(session: SessionDep, user: CurrentUser, review_id: ReviewId,
                      status: Annotated[STATUSES | None, Query()] = None,
                      department: Annotated[str | None, Query(max_length=200)] = None,
                      offset: Offset = 0,
                      limit: Annotated[int, Query(ge=1, le=2000)] = 100) -> dict:
    """A season's approved projects by warning (预警, 关注, 正常, then those not yet monitored), each with
    its latest monitoring; counts by status over the whole season."""
    rows, summary = cycle.monitoring_list(session, review_id=review_id, status=status, department=department)
    return {"review_id": review_id, **summary, "total": len(rows), "offset": offset, "limit": limit,
            "projects": [monitoring_row(r) for r in rows[offset:offset + limit]]}


def _download(body: bytes, name: str, fallback: str) -> Response:
    return Response(body, media_type=XLSX, headers=attachment(name, fallback))


@router.get("/reviews/{review_id}/monitoring.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "绩效监控表"}})
def season_monitoring_workbook(session: SessionDep, user: CurrentUser, review_id: ReviewId) -> Response:
    """The season's 绩效监控表: a summary row per approved project by warning, and each indicator's progress."""
    return _download(cycle_report.monitoring_workbook(session, review_id=review_id),
                     f"审核批次{review_id}绩效监控表.xlsx", f"monitoring-{review_id}.xlsx")


@router.get("/reviews/{review_id}/actuals.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "实际完成值填报表"}})
def season_actuals_workbook(session: SessionDep, user: CurrentUser, review_id: ReviewId,
                            kind: Annotated[Literal["monitoring", "evaluation"], Query()] = "monitoring") -> Response:
    """The workbook to fill: one row per approved project × indicator, pre-filled with the approved
    indicators and the latest actuals entered; upload it back to …/monitoring/import or …/evaluations/import."""
    label = "监控" if kind == "monitoring" else "自评"
    return _download(cycle_report.actuals_workbook(session, review_id=review_id, kind=kind),
                     f"审核批次{review_id}{label}填报表.xlsx", f"actuals-{kind}-{review_id}.xlsx")


EXAMPLES = {MonitorRules: '{"warn_gap": 15, "watch_gap": 5}',
            EvaluationRules: '{"weights": {"output": 40, "benefit": 40, "satisfaction": 10, "budget_execution": 10}}'}


def _rules(text: str | None, model):
    """Rules sent as a JSON form field (as in the JSON endpoints' `rules`); None when not sent."""
    if not text or not text.strip():
        return None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidInput(f"rules：{describe_invalid(exc)}；请写成 JSON，如 {EXAMPLES[model]}") from None


async def _uploaded(file: UploadFile | None, files: list[UploadFile] | None) -> list[tuple[str, bytes]]:
    """(name, bytes) of the file and files sent; a 422 when none was."""
    uploads = ([file] if file is not None else []) + list(files or [])
    if not uploads:
        raise InvalidInput("没有收到文件；请用 file（一个文件）或 files（多个文件）上传填报表或各单位的表")
    return [(upload_name(u.filename) or "填报表", await u.read()) for u in uploads]


def import_files(request: Request, settings, user: User, review_id: int, files: list[tuple[str, bytes]], as_of,
                 kind: str, rules=None) -> actuals_upload.Imported:
    """The season's actuals from uploaded files (name, bytes), read within an upload's limits; the API and the
    pages import through here."""
    with Session(request.app.state.engine) as session:
        return actuals_upload.import_actuals(
            session, review_id=review_id, files=files, limits=SheetLimits.from_settings(settings, upload=True),
            max_projects=settings.max_batch, user=user, kind=kind, as_of=as_of, rules=rules)


MONITORING_FILE = "填好的监控填报表（.xlsx/.xls/.et），或各单位的绩效监控表（.xlsx/.xls/.et/.docx/.pdf/.csv）"
SELF_EVALUATION_FILE = ("填好的自评填报表（.xlsx/.xls/.et），"
                        "或各单位的项目支出绩效自评表（.xlsx/.xls/.et/.docx/.pdf/.csv）")
MANY_FILES = "多个文件一次上传（如各单位各自的自评表）；读不出的文件逐个列出，其余照常导入"
RulesForm = Annotated[str | None, Form(max_length=4000,
                                       description="评分或预警规则（JSON），与 JSON 接口的 rules 相同；不填用默认")]


@router.post("/reviews/{review_id}/monitoring/import", response_model=ImportResult)
async def import_monitoring(request: Request, settings: SettingsDep, user: CurrentUser, review_id: ReviewId,
                            file: Annotated[UploadFile | None, File(description=MONITORING_FILE)] = None,
                            files: Annotated[list[UploadFile] | None, File(description=MANY_FILES)] = None,
                            as_of: Annotated[str | None, Form(description="表中未填截止日期时采用的日期")] = None,
                            rules: RulesForm = None) -> dict:
    """Monitor many approved projects from a filled actuals workbook, or from the departments' own 绩效监控表
    (matched by project and indicator name, dated by the month they cover: 1-7月 → 7月31日), one `file` or
    several `files`; a file, row or project that cannot be taken is listed in `problems` with why, the rest
    are stored."""
    try:
        when = cycle_report.read_date(as_of) if as_of else None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    chosen = _rules(rules, MonitorRules)
    sent = await _uploaded(file, files)
    return asdict(await run_in_threadpool(import_files, request, settings, user, review_id, sent, when, "monitoring",
                                          chosen))


# ---------------------------------------------------------------------------- self-evaluation

@router.post("/reviews/{review_id}/projects/{project_id}/evaluation", response_model=EvaluationEntry,
             status_code=201)
def evaluate_project(session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId,
                     body: EvaluationBody) -> dict:
    """Self-evaluate an approved project: year-end actuals (with a reason for each miss) and the money
    spent → points per indicator, 预算执行率, score and grade per 财预〔2020〕10号. Kept; the latest counts."""
    record = cycle.record_evaluation(session, review_id=review_id, project_id=project_id, spent=body.spent,
                                     actuals=body.actuals, user=user, rules=body.rules)
    return evaluation_entry(record)


@router.get("/reviews/{review_id}/projects/{project_id}/evaluation", response_model=EvaluationEntry)
def project_evaluation(session: SessionDep, user: CurrentUser, review_id: ReviewId, project_id: ProjectId) -> dict:
    """An approved project's latest self-evaluation; 404 when it has none yet."""
    approved, latest = cycle.evaluation_detail(session, review_id=review_id, project_id=project_id)
    if latest is None:
        raise NotFound(f"项目『{approved.project.name}』还没有自评结果；请先填报年度实际完成值")
    return evaluation_entry(latest)


@router.get("/reviews/{review_id}/evaluations", response_model=EvaluationPage)
def season_evaluations(session: SessionDep, user: CurrentUser, review_id: ReviewId,
                       grade: Annotated[GRADE | None, Query()] = None,
                       department: Annotated[str | None, Query(max_length=200)] = None,
                       offset: Offset = 0,
                       limit: Annotated[int, Query(ge=1, le=2000)] = 100) -> dict:
    """A season's approved projects with their latest self-evaluation, highest score first (not yet
    evaluated last); counts by grade."""
    rows, summary = cycle.evaluation_list(session, review_id=review_id, grade=grade, department=department)
    return {"review_id": review_id, **summary, "total": len(rows), "offset": offset, "limit": limit,
            "projects": [evaluation_row(r) for r in rows[offset:offset + limit]]}


@router.post("/reviews/{review_id}/evaluations/import", response_model=ImportResult)
async def import_evaluations(request: Request, settings: SettingsDep, user: CurrentUser, review_id: ReviewId,
                             file: Annotated[UploadFile | None, File(description=SELF_EVALUATION_FILE)] = None,
                             files: Annotated[list[UploadFile] | None, File(description=MANY_FILES)] = None,
                             rules: RulesForm = None) -> dict:
    """Self-evaluate many approved projects from a filled actuals workbook (year-end values, reasons), or from
    the departments' own 项目支出绩效自评表: each table's project matched to an approved project by name, its rows
    to the approved indicators by name, 全年执行数 as the money spent; one `file` or several `files`; `rules` as
    in the JSON endpoint."""
    chosen = _rules(rules, EvaluationRules)
    sent = await _uploaded(file, files)
    return asdict(await run_in_threadpool(import_files, request, settings, user, review_id, sent, None, "evaluation",
                                          chosen))


@router.get("/reviews/{review_id}/self-evaluation.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "项目支出绩效自评表"}})
def season_self_evaluation_workbook(session: SessionDep, user: CurrentUser, review_id: ReviewId) -> Response:
    """The season's 自评表: a summary row per evaluated project and each project's 项目支出绩效自评表."""
    return _download(cycle_report.self_evaluation_workbook(session, review_id=review_id),
                     f"审核批次{review_id}绩效自评表.xlsx", f"self-evaluation-{review_id}.xlsx")


# ---------------------------------------------------------------------------- results

@router.post("/reviews/{review_id}/results", response_model=ResultsPage)
def season_results(session: SessionDep, user: ReviewerUser, review_id: ReviewId, body: ResultsBody | None = None
                   ) -> dict:
    """结果应用: each evaluated project's grade (score bands, or rank with quotas) and next year's suggested
    budget (default: Shenzhen's practice, 中 −10%, 差 none), with totals by grade and by department."""
    results = cycle.apply_season(session, review_id=review_id, rules=body.rules if body else None)
    projects = [{"project_id": p.id, "name": p.name, "department": p.department, "score": r.score, "rank": r.rank,
                 "grade": r.grade, "budget": r.budget, "suggested_budget": r.suggested_budget}
                for p, r in results.projects]
    return {"review_id": review_id, "unevaluated": results.unevaluated, "summary": results.summary,
            "departments": results.departments, "projects": projects}


# ---------------------------------------------------------------------------- library usage

@router.get("/indicators/{code}/usage", response_model=IndicatorUsage, tags=["library"])
def indicator_usage(session: SessionDep, code: str) -> dict:
    """How approved goals used a library indicator (its code, or a row of the same name): how many
    projects and seasons, the spread of their targets and of their evaluated actuals, in its unit."""
    indicator = store.get_indicator(session, code=code)
    usage = history.indicator_usage(session, code=indicator.code, name=indicator.name, unit=indicator.unit)
    return {"code": indicator.code, "name": indicator.name, "unit": usage.unit, "projects": usage.projects,
            "seasons": usage.seasons, "targets": _spread(usage.targets), "evaluated": usage.evaluated,
            "actuals": _spread(usage.actuals)}
