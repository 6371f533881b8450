"""Review seasons: file many goal documents as one review, follow the background check, filter and
sort the projects, decide on each with a note, take resubmissions and show what changed.

Every write records who made it and when. Documents are stored exactly as sent; each version's
check is stored with it, and the project's row carries the latest check's summary so the list
filters and sorts in the database (SQLite or PostgreSQL). Functions that write commit.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import String, case, cast, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from indicators.checker import GRADES
from indicators.findings import REGISTRY
from indicators.goals import GoalDocument
from indicators.lookup import Lookup
from kb.accounts import User
from kb.errors import Forbidden, InvalidInput, NotFound
from kb.reviews import DECISIONS, Decision, ProjectVersion, Review, ReviewProject
from kb.store import valid_function_code
from services.history import with_history
from services.review_changes import compare, describe_invalid
from services.review_jobs import UNREADABLE, check_stored, checked_count, run_checks, summary_columns, worker_name
from services.review_report import problem_cases, report_workbook

__all__ = ["CHECK_AT_ONCE", "DECISIONS", "SORTS", "ProjectDetail", "decide", "file_and_check", "file_review",
           "get_review", "list_reviews", "problem_cases", "project_detail", "query_projects", "report_workbook",
           "resubmit", "run_checks", "summary"]

MAX_NOTE = 2000
CHECK_AT_ONCE = 20  # a filing this small is checked before the answer; a larger one in the background
SORTS = ("seq", "score", "-score", "grade", "department", "budget", "-budget", "errors")


def _now() -> datetime:
    return datetime.now(UTC)


def _fingerprint(doc: GoalDocument) -> str:
    """The same content, however it was spaced or typed (860 or "860"), gives the same fingerprint."""
    return hashlib.sha256(doc.model_dump_json().encode("utf-8")).hexdigest()


def _validate(source: str, raw: object) -> tuple[GoalDocument | None, str | None]:
    if not isinstance(raw, dict):
        return None, f"{source}：不是目标文档对象（应为含 project、goal、indicators 的对象）"
    try:
        return GoalDocument.model_validate(raw), None
    except ValidationError as exc:
        return None, f"{source}：{describe_invalid(exc)}"


def _project_columns(doc: GoalDocument) -> dict:
    p = doc.project
    return {"name": p.name, "department": p.department or "", "direction": p.direction or "",
            "function_code": p.filed_code or "", "budget_yuan": p.budget_yuan, "fingerprint": _fingerprint(doc)}


def file_review(engine: Engine, *, name: str, items: list[tuple[str, object]], problems: list[str], user: User,
                limit: int, worker: str | None = None) -> Review:
    """File a season: every valid item becomes a project whose version 1 is the document as sent; an
    invalid item is added to the review's problems with its source and why. Duplicates (the same
    content, or the same project name and department) point at the first. Committed before it returns.
    With `worker`, the review is filed already claimed by it, so no background worker takes it first."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"审核批次名称 {name[:40]!r} 不可用：请填写 1 到 200 个字，如 “2026年预算项目绩效目标审核”")
    if len(items) > limit:
        raise InvalidInput(f"一次提交了 {len(items)} 份绩效目标，超过每个审核批次 {limit} 份的上限（KB_MAX_BATCH）；"
                           "请分为几个审核批次提交")
    problems = list(problems)
    valid = []
    for source, raw in items:
        doc, problem = _validate(source, raw)
        if problem:
            problems.append(problem)
        else:
            valid.append((source, raw, doc))
    if not valid:
        raise InvalidInput("没有可以归档的绩效目标；请按 details 逐条修改后重新提交", details=problems)
    with Session(engine) as session:
        review = Review(name=name, total=len(valid), problems=problems, created_by=user.name, worker=worker,
                        heartbeat=_now() if worker else None)
        session.add(review)
        session.flush()
        # bulk statements, not one ORM object per row: a 2,000-document filing is written in well under a second
        rows = [{"review_id": review.id, "seq": n, "source": source[:300], **_project_columns(doc)}
                for n, (source, _, doc) in enumerate(valid, start=1)]
        ids = list(session.scalars(insert(ReviewProject).returning(ReviewProject.id, sort_by_parameter_order=True),
                                   rows))
        first: dict[object, int] = {}
        duplicates = []
        for pid, row in zip(ids, rows, strict=True):
            keys = (row["fingerprint"], (row["name"], row["department"]))
            original = next((first[k] for k in keys if k in first), None)
            if original is not None:
                duplicates.append({"id": pid, "duplicate_of": original})
            for k in keys:
                first.setdefault(k, pid)
        if duplicates:
            session.execute(update(ReviewProject), duplicates)
        now = _now()
        session.execute(insert(ProjectVersion), [
            {"project_id": pid, "number": 1, "document": raw, "submitted_by": user.name, "submitted_at": now}
            for pid, (_, raw, _) in zip(ids, valid, strict=True)])
        session.commit()
        session.refresh(review)
        return review


def file_and_check(engine: Engine, lookup: Lookup | None, *, name: str, items: list[tuple[str, object]],
                   problems: list[str], user: User, limit: int, at_once: int = CHECK_AT_ONCE) -> Review:
    """File a season and, when it has at most `at_once` projects and a lookup is ready, check it before
    returning. It is filed already claimed under a name of its own, so a background worker polling
    meanwhile cannot take it and leave the answer saying 检查中. A larger one is left for the worker."""
    worker = worker_name() if lookup is not None and len(items) <= at_once else None
    review = file_review(engine, name=name, items=items, problems=problems, user=user, limit=limit, worker=worker)
    if worker is not None:
        run_checks(engine, lookup, worker=worker, review_id=review.id)
        with Session(engine) as session:
            review = get_review(session, review_id=review.id)
    return review


def list_reviews(session: Session) -> list[Review]:
    """Every review, newest first."""
    return list(session.exec(select(Review).order_by(col(Review.id).desc())).all())


def get_review(session: Session, *, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"没有编号为 {review_id} 的审核批次；请在审核批次列表中查看现有的批次")
    return review


def _order(sort: str) -> list:
    grade_rank = case({g: n for n, g in enumerate(GRADES)}, value=col(ReviewProject.grade), else_=len(GRADES))
    orders = {"seq": [], "score": [col(ReviewProject.score).is_(None), col(ReviewProject.score)],
              "-score": [col(ReviewProject.score).is_(None), col(ReviewProject.score).desc()],
              "grade": [grade_rank], "department": [col(ReviewProject.department)],
              "budget": [col(ReviewProject.budget_yuan).is_(None), col(ReviewProject.budget_yuan)],
              "-budget": [col(ReviewProject.budget_yuan).is_(None), col(ReviewProject.budget_yuan).desc()],
              "errors": [col(ReviewProject.errors).desc(), col(ReviewProject.warnings).desc()]}
    if sort not in orders:
        raise InvalidInput(f"排序方式 sort={sort!r} 无法识别；可用 {'、'.join(SORTS)}")
    return [*orders[sort], col(ReviewProject.seq)]


def query_projects(session: Session, *, review_id: int, grade: str | None = None, status: str | None = None,
                   department: str | None = None, direction: str | None = None, code: str | None = None,
                   function_code: str | None = None, duplicates: bool = False, sort: str = "seq", offset: int = 0,
                   limit: int = 50) -> tuple[int, list[ReviewProject]]:
    """(how many match, the page of projects) of a review, filtered and sorted in the database;
    `function_code`, a 类, 款 or 项, lists the projects filed under it."""
    get_review(session, review_id=review_id)
    where = [col(ReviewProject.review_id) == review_id]
    if grade:
        if grade not in GRADES:
            raise InvalidInput(f"等级 grade={grade!r} 无法识别；可用 {'、'.join(GRADES)}")
        where.append(col(ReviewProject.grade) == grade)
    if status:
        if status not in DECISIONS:
            raise InvalidInput(f"审核状态 status={status!r} 无法识别；可用 {'、'.join(DECISIONS)}")
        where.append(col(ReviewProject.status) == status)
    if department:
        where.append(col(ReviewProject.department) == department)
    if direction:
        where.append(col(ReviewProject.direction) == direction)
    filed = valid_function_code(function_code)
    if filed:
        where.append(col(ReviewProject.function_code).startswith(filed, autoescape=True))
    if code:
        if code not in REGISTRY and code != UNREADABLE:
            raise InvalidInput(f"问题代码 code={code!r} 不存在；请用审核结果中出现的代码，如 IND_VALUE_MISSING")
        pattern = '%"' + code.replace("_", "\\_") + '"%'
        where.append(cast(col(ReviewProject.codes), String).like(pattern, escape="\\"))
    if duplicates:
        where.append(col(ReviewProject.duplicate_of).is_not(None))
    if offset < 0 or not 0 < limit <= 500:
        raise InvalidInput(f"offset={offset}、limit={limit} 超出范围；offset 不能为负，limit 应为 1 到 500")
    total = session.exec(select(func.count()).select_from(ReviewProject).where(*where)).one()
    rows = session.exec(select(ReviewProject).where(*where).order_by(*_order(sort)).offset(offset).limit(limit))
    return total, list(rows.all())


def summary(session: Session, *, review_id: int) -> dict:
    """The season at a glance: grades, decisions, departments, directions, finding codes, duplicates."""
    get_review(session, review_id=review_id)
    of_review = col(ReviewProject.review_id) == review_id

    def counts(column) -> dict:
        return dict(session.exec(select(column, func.count()).where(of_review).group_by(column)).all())

    grades, statuses = counts(col(ReviewProject.grade)), counts(col(ReviewProject.status))
    codes = Counter(c for row in session.exec(select(ReviewProject.codes).where(of_review)).all() for c in row or [])
    departments = session.exec(select(ReviewProject.department).where(of_review).distinct()).all()
    directions = session.exec(select(ReviewProject.direction).where(of_review).distinct()).all()
    filed = counts(col(ReviewProject.function_code))
    duplicates = session.exec(select(func.count()).where(of_review, col(ReviewProject.duplicate_of).is_not(None))
                              .select_from(ReviewProject)).one()
    unchecked = session.exec(select(func.count()).where(of_review, col(ReviewProject.checked).is_(False))
                             .select_from(ReviewProject)).one()
    return {"grades": {g: grades.get(g, 0) for g in GRADES}, "statuses": {s: statuses.get(s, 0) for s in DECISIONS},
            "departments": sorted(d for d in departments if d), "directions": sorted(d for d in directions if d),
            "function_codes": {c: n for c, n in sorted(filed.items()) if c},
            "codes": [{"code": c, "label": REGISTRY[c].label if c in REGISTRY else c, "count": n}
                      for c, n in codes.most_common()],
            "duplicates": duplicates, "unchecked": unchecked}


@dataclass
class ProjectDetail:
    project: ReviewProject
    document: dict                  # the current version, as submitted
    result: dict | None             # its check (None until the background check reaches it)
    versions: list[ProjectVersion]  # oldest first
    decisions: list[Decision]       # oldest first
    changes: dict | None            # the current version against the previous one


def _project(session: Session, review_id: int, project_id: int) -> ReviewProject:
    project = session.get(ReviewProject, project_id)
    if project is None or project.review_id != review_id:
        raise NotFound(f"审核批次 {review_id} 中没有编号为 {project_id} 的项目；请回到批次的项目列表查看")
    return project


def project_detail(session: Session, *, review_id: int, project_id: int) -> ProjectDetail:
    project = _project(session, review_id, project_id)
    versions = list(session.exec(select(ProjectVersion).where(col(ProjectVersion.project_id) == project_id)
                                 .order_by(col(ProjectVersion.number))).all())
    decisions = list(session.exec(select(Decision).where(col(Decision.project_id) == project_id)
                                  .order_by(col(Decision.id))).all())
    current = versions[-1]
    changes = None
    if len(versions) > 1:
        previous = versions[-2]
        changes = compare(previous.document, current.document, previous.result, current.result)
    return ProjectDetail(project=project, document=current.document, result=current.result, versions=versions,
                         decisions=decisions, changes=changes)


def decide(session: Session, *, review_id: int, project_id: int, status: str, note: str, user: User) -> ReviewProject:
    """Record a decision (待审 / 退回修改 / 通过) with its note, who and when; the project shows the latest."""
    if status not in DECISIONS:
        raise InvalidInput(f"审核结论 {status!r} 无法识别；请用 {'、'.join(DECISIONS)} 之一")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"审核意见有 {len(note)} 个字，超过 {MAX_NOTE} 字的上限；请精简后再保存")
    project = _project(session, review_id, project_id)
    now = _now()
    session.add(Decision(project_id=project_id, version=project.version, status=status, note=note,
                         decided_by=user.name, decided_at=now))
    project.status, project.note, project.decided_by, project.decided_at = status, note, user.name, now
    session.add(project)
    session.commit()
    session.refresh(project)
    return project


def may_resubmit(user: User, project: ReviewProject) -> bool:
    """A reviewer or admin, or a department user filing for the project's own department."""
    return user.role in ("admin", "reviewer") or (
        user.role == "department" and bool(user.department) and user.department == project.department)


def resubmit(session: Session, lookup: Lookup | None, *, review_id: int, project_id: int, document: object,
             user: User) -> ProjectDetail:
    """A new version of a project, checked at once; the project goes back to 待审 and the detail's
    `changes` say what changed against the previous version."""
    project = _project(session, review_id, project_id)
    if not may_resubmit(user, project):
        owner = project.department or "该项目所属部门"
        raise Forbidden(f"{user.name} 不能重新提交“{project.name}”：只有审核人、管理员或{owner}的填报人可以重新提交")
    doc, problem = _validate("重新提交的文档", document)
    if problem:
        raise InvalidInput(problem)
    lookup = with_history(lookup, session.get_bind())
    previous = session.exec(select(ProjectVersion).where(col(ProjectVersion.project_id) == project_id,
                                                         col(ProjectVersion.number) == project.version)).one()
    if previous.result is None:  # the background check has not reached it: check it now to compare
        previous.result = check_stored(previous.document, lookup)
        session.add(previous)
    result = check_stored(document, lookup)
    number = project.version + 1
    session.add(ProjectVersion(project_id=project_id, number=number, document=document, result=result,
                               submitted_by=user.name, submitted_at=_now()))
    for key, value in {**_project_columns(doc), **summary_columns(result)}.items():
        setattr(project, key, value)
    project.version, project.status, project.note, project.decided_by, project.decided_at = number, "待审", "", "", None
    session.add(project)
    session.flush()
    session.execute(update(Review).where(col(Review.id) == review_id).values(done=checked_count(review_id)))
    session.commit()
    return project_detail(session, review_id=review_id, project_id=project_id)
