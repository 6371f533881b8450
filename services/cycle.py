"""An approved goal through the year: monitoring (双监控) and self-evaluation (绩效自评) of a season's
approved projects, stored with who entered them and when, and the results applied to the season
(next year's suggested budgets by score bands or by rank with quotas, with a department summary).

Only projects whose decision is 通过 are monitored and evaluated: their current version is the
approved goal. A reviewer or an administrator may enter actuals for any project, a department user
for its own department's projects. Functions that write commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from indicators.actuals import Actual
from indicators.evaluation import EvaluationResult, EvaluationRules, evaluate
from indicators.goals import GoalDocument
from indicators.monitoring import STATUS_RANK, MonitorResult, MonitorRules, monitor
from indicators.results import GRADES, ProjectResult, ProjectScore, ResultRules, apply_results, summarize
from kb.accounts import User
from kb.cycle import Evaluation, MonitoringRecord, actuals_by_name
from kb.errors import Conflict, Forbidden, InvalidInput, NotFound
from kb.reviews import ProjectVersion, Review, ReviewProject

APPROVED = "通过"
NOT_MONITORED = "未填报"
STATUS_ORDER = ("预警", "关注", "正常", NOT_MONITORED)


@dataclass
class Approved:
    """An approved project and its approved goal (the current version's document)."""

    project: ReviewProject
    document: GoalDocument


@dataclass
class Entry:
    """Actuals for one project as a form, the API or a workbook gives them."""

    project_id: int
    spent: float
    actuals: list[Actual] = field(default_factory=list)
    as_of: date | None = None


def review_of(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"没有编号为 {review_id} 的审核批次；请在审核批次列表中查看现有的批次")
    return review


def _document(project: ReviewProject, raw: dict) -> GoalDocument:
    try:
        return GoalDocument.model_validate(raw)
    except ValidationError:  # filed documents were valid when filed; a later model may read one differently
        raise Conflict(f"项目『{project.name}』（编号 {project.id}）的目标文档无法读取，不能监控或评价；"
                       "请重新提交该项目") from None


def approved_project(session: Session, *, review_id: int, project_id: int) -> Approved:
    """A season's project whose goal was approved, with that goal; NotFound or Conflict (not 通过) otherwise."""
    found = session.exec(
        select(ReviewProject, ProjectVersion.document)
        .join(ProjectVersion, (col(ProjectVersion.project_id) == col(ReviewProject.id))
              & (col(ProjectVersion.number) == col(ReviewProject.version)))
        .where(col(ReviewProject.id) == project_id)).first()
    if found is None or found[0].review_id != review_id:
        review_of(session, review_id)
        raise NotFound(f"审核批次 {review_id} 中没有编号为 {project_id} 的项目；请在该批次的项目列表中查看")
    project, raw = found
    if project.status != APPROVED:
        raise Conflict(f"项目『{project.name}』的审核状态是『{project.status}』，绩效目标批复（通过）后才能填报"
                       "监控或自评数据；请先在审核页面决定为 通过")
    return Approved(project, _document(project, raw))


def approved_projects(session: Session, *, review_id: int) -> list[Approved]:
    """Every approved project of a season with its approved goal, in filing order."""
    review_of(session, review_id)
    rows = session.exec(
        select(ReviewProject, ProjectVersion.document)
        .join(ProjectVersion, (col(ProjectVersion.project_id) == col(ReviewProject.id))
              & (col(ProjectVersion.number) == col(ReviewProject.version)))
        .where(col(ReviewProject.review_id) == review_id, col(ReviewProject.status) == APPROVED)
        .order_by(col(ReviewProject.seq)))
    return [Approved(project, _document(project, raw)) for project, raw in rows]


def may_enter(user: User, project: ReviewProject) -> bool:
    """Reviewers and administrators enter actuals for any project, a department user for its own."""
    if user.role in ("admin", "reviewer"):
        return True
    return user.role == "department" and bool(user.department) and user.department == project.department


def _require_entry(user: User, project: ReviewProject) -> None:
    if not may_enter(user, project):
        raise Forbidden(f"{user.name} 不能填报项目『{project.name}』的实际数据：该项目属于"
                        f"『{project.department or '未填部门'}』，填报部门只能填报本部门的项目")


def _stored(session: Session, record):
    """Insert and commit one entry; it is returned as stored (with its id), detached, so reading it
    costs no second query."""
    session.add(record)
    session.flush()
    session.expunge(record)
    session.commit()
    return record


def _dump(actuals: Iterable[Actual]) -> list[dict]:
    return [a.model_dump(mode="json", exclude_none=True) for a in actuals]


# ---------------------------------------------------------------------------- monitoring

def _monitoring_record(approved: Approved, entry: Entry, rules: MonitorRules | None, user: User
                       ) -> MonitoringRecord:
    if entry.as_of is None:
        raise InvalidInput(f"项目『{approved.project.name}』没有填写监控截止日期；请写成 2026-07-31")
    result: MonitorResult = monitor(approved.document, entry.as_of, entry.spent, entry.actuals, rules)
    warnings = sum(i.status == "预警" for i in result.indicators) + (result.spend_status == "预警")
    return MonitoringRecord(project_id=approved.project.id, review_id=approved.project.review_id, as_of=entry.as_of,
                            spent=entry.spent, actuals=_dump(entry.actuals), result=result.model_dump(mode="json"),
                            status=result.status, spend_progress=result.spend_progress,
                            time_progress=result.time_progress, warnings=warnings, entered_by=user.name)


def record_monitoring(session: Session, *, review_id: int, project_id: int, as_of: date, spent: float,
                      actuals: list[Actual], user: User, rules: MonitorRules | None = None) -> MonitoringRecord:
    """Monitor one approved project on `as_of` and keep the entry with its result."""
    approved = approved_project(session, review_id=review_id, project_id=project_id)
    _require_entry(user, approved.project)
    record = _monitoring_record(approved, Entry(project_id, spent, actuals, as_of), rules, user)
    return _stored(session, record)


def _many(session: Session, review_id: int, entries: list[Entry], user: User, make) -> tuple[list, list[str]]:
    """Entries for many projects at once: each one that can be stored is, the others are listed with why."""
    by_id = {a.project.id: a for a in approved_projects(session, review_id=review_id)}
    stored, problems = [], []
    for entry in entries:
        approved = by_id.get(entry.project_id)
        if approved is None:
            problems.append(f"项目编号 {entry.project_id}：不是本批次中已批复（通过）的项目，未导入")
            continue
        if not may_enter(user, approved.project):
            problems.append(f"项目『{approved.project.name}』属于『{approved.project.department}』，"
                            f"{user.name} 不能填报，未导入")
            continue
        try:
            stored.append(make(approved, entry))
        except InvalidInput as exc:
            problems.append(f"项目『{approved.project.name}』：{exc.message}")
    session.add_all(stored)
    session.commit()
    return stored, problems


def monitor_many(session: Session, *, review_id: int, entries: list[Entry], user: User,
                 rules: MonitorRules | None = None) -> tuple[list[MonitoringRecord], list[str]]:
    """Monitor many approved projects (an imported workbook) in one transaction."""
    return _many(session, review_id, entries, user, lambda a, e: _monitoring_record(a, e, rules, user))


def _latest(session: Session, model, review_id: int) -> dict[int, object]:
    """Each project's latest entry of `model` in a season."""
    newest = (select(func.max(model.id)).where(col(model.review_id) == review_id).group_by(model.project_id))
    rows = session.exec(select(model).where(col(model.id).in_(newest)))
    return {r.project_id: r for r in rows}


@dataclass
class MonitoringRow:
    project: ReviewProject
    record: MonitoringRecord | None

    @property
    def status(self) -> str:
        return self.record.status if self.record else NOT_MONITORED


def monitoring_list(session: Session, *, review_id: int, status: str | None = None, department: str | None = None
                    ) -> tuple[list[MonitoringRow], dict]:
    """A season's approved projects by warning (预警 first, then 关注, 正常, not yet monitored; within a
    status the largest spending lag first), filtered; and counts by status over the whole season."""
    review_of(session, review_id)
    projects = session.exec(select(ReviewProject).where(col(ReviewProject.review_id) == review_id,
                                                        col(ReviewProject.status) == APPROVED)).all()
    latest = _latest(session, MonitoringRecord, review_id)
    rows = [MonitoringRow(p, latest.get(p.id)) for p in projects]
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_ORDER}
    departments = sorted({p.department for p in projects if p.department})
    if status:
        rows = [r for r in rows if r.status == status]
    if department:
        rows = [r for r in rows if r.project.department == department]

    def key(row: MonitoringRow) -> tuple:
        rec = row.record
        lag = (rec.time_progress - rec.spend_progress) if rec and rec.spend_progress is not None else 0.0
        return (-STATUS_RANK.get(row.status, -1), -(rec.warnings if rec else 0), -lag, row.project.seq)

    rows.sort(key=key)
    return rows, {"statuses": counts, "approved": len(projects), "departments": departments}


def monitoring_history(session: Session, *, review_id: int, project_id: int) -> list[MonitoringRecord]:
    """Every monitoring entry of a project, oldest first."""
    return list(session.exec(select(MonitoringRecord).where(col(MonitoringRecord.review_id) == review_id,
                                                            col(MonitoringRecord.project_id) == project_id)
                             .order_by(col(MonitoringRecord.id))).all())


# ---------------------------------------------------------------------------- self-evaluation

def _evaluation(approved: Approved, entry: Entry, rules: EvaluationRules | None, user: User) -> Evaluation:
    doc = approved.document
    result: EvaluationResult = evaluate(doc, entry.spent, entry.actuals, rules)
    names = [ind.name for ind in doc.indicators]
    actuals = _dump(entry.actuals)
    return Evaluation(project_id=approved.project.id, review_id=approved.project.review_id, spent=entry.spent,
                      actuals=actuals, result=result.model_dump(mode="json"), score=result.score,
                      grade=result.grade, execution_rate=result.budget_execution.rate, name=approved.project.name,
                      department=approved.project.department, year=doc.project.year,
                      by_name=actuals_by_name(names, actuals), evaluated_by=user.name)


def record_evaluation(session: Session, *, review_id: int, project_id: int, spent: float, actuals: list[Actual],
                      user: User, rules: EvaluationRules | None = None) -> Evaluation:
    """Self-evaluate one approved project with its year-end actuals; kept with who and when."""
    approved = approved_project(session, review_id=review_id, project_id=project_id)
    _require_entry(user, approved.project)
    record = _evaluation(approved, Entry(project_id, spent, actuals), rules, user)
    return _stored(session, record)


def evaluate_many(session: Session, *, review_id: int, entries: list[Entry], user: User,
                  rules: EvaluationRules | None = None) -> tuple[list[Evaluation], list[str]]:
    """Self-evaluate many approved projects (an imported workbook) in one transaction."""
    return _many(session, review_id, entries, user, lambda a, e: _evaluation(a, e, rules, user))


@dataclass
class EvaluationRow:
    project: ReviewProject
    evaluation: Evaluation | None


def evaluation_list(session: Session, *, review_id: int, grade: str | None = None, department: str | None = None
                    ) -> tuple[list[EvaluationRow], dict]:
    """A season's approved projects with their latest self-evaluation, highest score first (those not yet
    evaluated last), filtered; and counts by grade over the whole season."""
    review_of(session, review_id)
    projects = session.exec(select(ReviewProject).where(col(ReviewProject.review_id) == review_id,
                                                        col(ReviewProject.status) == APPROVED)).all()
    latest = _latest(session, Evaluation, review_id)
    rows = [EvaluationRow(p, latest.get(p.id)) for p in projects]
    grades = {g: sum(r.evaluation is not None and r.evaluation.grade == g for r in rows) for g in GRADES}
    summary = {"grades": grades, "approved": len(projects), "evaluated": sum(r.evaluation is not None for r in rows),
               "departments": sorted({p.department for p in projects if p.department})}
    if grade:
        rows = [r for r in rows if r.evaluation is not None and r.evaluation.grade == grade]
    if department:
        rows = [r for r in rows if r.project.department == department]
    rows.sort(key=lambda r: (r.evaluation is None, -(r.evaluation.score if r.evaluation else 0), r.project.seq))
    return rows, summary


def evaluation_detail(session: Session, *, review_id: int, project_id: int) -> tuple[Approved, Evaluation | None]:
    approved = approved_project(session, review_id=review_id, project_id=project_id)
    latest = session.exec(select(Evaluation).where(col(Evaluation.project_id) == project_id)
                          .order_by(col(Evaluation.id).desc()).limit(1)).first()
    return approved, latest


# ---------------------------------------------------------------------------- results

@dataclass
class SeasonResults:
    projects: list[tuple[ReviewProject, ProjectResult]]
    summary: dict
    departments: list[dict]
    unevaluated: int


def apply_season(session: Session, *, review_id: int, rules: ResultRules | None = None) -> SeasonResults:
    """Next year's suggested budget (万元) for every evaluated project of a season, by the rules (score bands
    and Shenzhen's cuts by default, or rank with quotas), with totals by grade and by department."""
    rows, summary = evaluation_list(session, review_id=review_id)
    evaluated = [r for r in rows if r.evaluation is not None]
    if not evaluated:
        raise Conflict(f"审核批次 {review_id} 还没有自评结果；请先为已批复的项目填报年度实际完成值并评价")
    scores = [ProjectScore(name=r.project.name or f"项目{r.project.id}",
                           budget=None if r.project.budget_yuan is None else round(r.project.budget_yuan / 1e4, 6),
                           score=r.evaluation.score) for r in evaluated]
    results = apply_results(scores, rules)
    pairs = list(zip([r.project for r in evaluated], results, strict=True))
    departments: dict[str, dict] = {}
    for project, result in pairs:
        d = departments.setdefault(project.department or "未填部门", {
            "department": project.department or "未填部门", "projects": 0, "grades": dict.fromkeys(GRADES, 0),
            "score_sum": 0.0, "budget": 0.0, "suggested_budget": 0.0})
        d["projects"] += 1
        d["grades"][result.grade] += 1
        d["score_sum"] += result.score
        d["budget"] += result.budget or 0.0
        d["suggested_budget"] += result.suggested_budget or 0.0
    summary_rows = []
    for d in sorted(departments.values(), key=lambda d: d["department"]):
        average = d.pop("score_sum") / d["projects"]
        summary_rows.append({**d, "average_score": round(average, 2), "budget": round(d["budget"], 4),
                             "suggested_budget": round(d["suggested_budget"], 4),
                             "change": round(d["suggested_budget"] - d["budget"], 4)})
    totals = summarize(results).model_dump()
    return SeasonResults(projects=pairs, summary=totals, departments=summary_rows,
                         unevaluated=summary["approved"] - len(evaluated))
