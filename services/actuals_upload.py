"""Actuals uploaded for a season: the workbook downloaded to fill (项目编号, 指标序号, 实际完成值), or the
departments' own forms as they fill them, 项目支出绩效自评表 or 绩效监控表 (.xlsx, .xls, .docx or CSV; one
project per sheet or Word table, or a list of many), matched to the season's approved projects by name and
to each approved goal's indicators by name (`indicators.actuals_forms`). What cannot be matched is
listed with where it is and what to do; the rest is entered.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from indicators.actuals_forms import (
    EVALUATION,
    MONITORING,
    FiledForm,
    FormKind,
    Projects,
    match_actuals,
    money_in,
    read_forms,
)
from indicators.evaluation import EvaluationRules
from indicators.goal_sheets import read_sheets
from indicators.monitoring import MonitorRules
from kb.accounts import User
from kb.errors import InvalidInput, TooLarge
from kb.reviews import ReviewProject
from kb.sheets import SheetLimits
from services import cycle
from services.cycle import APPROVED, Approved, Entry, approved_projects
from services.cycle_report import actuals_from_sheets

NOTHING = ("没有找到可导入的内容：{name} 既不是“下载填报表”得到的表格（项目编号、指标序号、实际完成值三列），"
           "也不是{noun}（三级指标、{actual}两列）")


@dataclass
class Imported:
    """What an upload entered: how many projects, what was not taken and why, and what was taken but is worth
    a look (a form placed by its rows under another project name)."""

    stored: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_actuals(session: Session, *, review_id: int, data: bytes, name: str, limits: SheetLimits,
                   max_projects: int, user: User, kind: str = "evaluation", as_of: date | None = None,
                   rules: MonitorRules | EvaluationRules | None = None) -> Imported:
    """Monitor (`kind` monitoring) or self-evaluate the approved projects an uploaded file gives actuals for
    (`read_actuals_upload`), each stored as entered by `user`; one transaction."""
    entries, problems, notes = read_actuals_upload(session, review_id=review_id, data=data, name=name, limits=limits,
                                                   max_projects=max_projects, kind=kind, as_of=as_of)
    store_many = cycle.monitor_many if kind == "monitoring" else cycle.evaluate_many
    stored, trouble = store_many(session, review_id=review_id, entries=entries, user=user, rules=rules)
    return Imported(len(stored), problems + trouble, notes)


def read_actuals_upload(session: Session, *, review_id: int, data: bytes, name: str, limits: SheetLimits,
                        max_projects: int, kind: str = "evaluation", as_of: date | None = None
                        ) -> tuple[list[Entry], list[str], list[str]]:
    """The entries of an uploaded file, what could not be taken, and what was taken but is worth a look: the
    workbook to fill, or the departments' own forms (自评表 for `kind` evaluation, 绩效监控表 for monitoring),
    at most `max_projects` of them (a season's most). A monitoring form's date is the last day of the month it
    covers (1-7月: 7月31日) in its year, else the goal's; `as_of` stands in where neither says. Raises
    `InvalidInput` when the file holds no actuals, `TooLarge` past the most."""
    if not data:
        raise InvalidInput("上传的文件是空的；请上传填好的填报表，或各单位填写的自评表、监控表")
    sheets = read_sheets(data, source=name, limits=limits)
    read = actuals_from_sheets(sheets, name=name, as_of=as_of)
    if read is not None:
        return (*read, [])
    form = EVALUATION if kind == "evaluation" else MONITORING
    filed, unread = read_forms(sheets, form)
    problems = [f"{name} › {p}" for p in unread]
    if not filed:
        raise InvalidInput("；".join([NOTHING.format(name=name, noun=form.noun, actual=form.table[-2][1]),
                                     *problems[:5]]))
    if len(filed) > max_projects:
        raise TooLarge(f"{name} 有 {len(filed)} 个项目的{form.noun}，多于一个审核批次最多的 {max_projects} 个项目"
                       "（KB_MAX_BATCH）；请分成几个文件上传")
    undecided = {p.id: (p.name, p.department, p.status) for p in session.exec(
        select(ReviewProject).where(col(ReviewProject.review_id) == review_id,
                                    col(ReviewProject.status) != APPROVED))}
    notes: list[str] = []
    entries = _entries(filed, approved_projects(session, review_id=review_id), undecided, name, form, as_of,
                       problems, notes)
    return entries, problems, notes


def _as_of(filed: FiledForm, document_year: int | None) -> date | None:
    year = filed.year or document_year
    if filed.month is None or year is None:
        return None
    return date(year, filed.month, calendar.monthrange(year, filed.month)[1])


def _entries(filed: list[FiledForm], approved: list[Approved], undecided: dict[int, tuple[str, str, str]],
             name: str, form: FormKind, as_of: date | None, problems: list[str], notes: list[str]) -> list[Entry]:
    candidates = Projects({a.project.id: (a.project.name, a.project.department) for a in approved},
                          {a.project.id: [ind.name for ind in a.document.indicators] for a in approved})
    others = Projects({pid: (project, department) for pid, (project, department, _) in undecided.items()})
    by_id = {a.project.id: a for a in approved}
    entries: dict[int, Entry] = {}
    for filed_form in filed:
        where = f"{name} › {filed_form.source}"
        pid = candidates.match(filed_form)
        if pid is None and (other := others.match(filed_form)) is not None:
            problems.append(f"{where}：项目『{filed_form.name}』在本批次中的状态是『{undecided[other][2]}』，还没有批复"
                            "通过，未导入；批复通过后再导入")
            continue
        if pid is None and (pid := candidates.by_rows(filed_form)) is not None:
            notes.append(f"{where}：项目名称『{filed_form.name}』与批复的『{by_id[pid].project.name}』不一致，"
                            "按同一部门的指标名称对应到该项目导入；如对应错了，请在该项目页面改正")
        if pid is None:
            problems.append(f"{where}：项目『{filed_form.name}』在本批次已批复（通过）的项目中找不到，或有几个同名项目"
                            "分不清，未导入；请核对项目名称与申报时一致，或在该项目页面逐项填报")
            continue
        if pid in entries:
            problems.append(f"{where}：项目『{filed_form.name}』在文件中出现了不止一次，只导入了第一份")
            continue
        document = by_id[pid].document
        if filed_form.spent is None:
            money = "全年执行数" if form is EVALUATION else "截至监控月的执行数（如 1-7月执行数）"
            problems.append(f"{where}：项目『{filed_form.name}』没有填写{money}，未导入；请在项目资金一栏"
                            f"（年度资金总额一行）填写{money}后再上传")
            continue
        when = (_as_of(filed_form, document.project.year) or as_of) if form is MONITORING else None
        if form is MONITORING and when is None:
            problems.append(f"{where}：项目『{filed_form.name}』的监控表没有写明截至哪个月（如 1-7月执行情况），"
                            "上传时也没有填写截止日期，未导入；请在上传时填写截止日期（如 2025-07-31）")
            continue
        actuals, left, refused = match_actuals(filed_form, document)
        for row in left:
            problems.append(f"{name} › {row.where}：指标『{row.name}』在批复的绩效目标中找不到对应的指标，"
                            "这一行未导入；请按批复的指标名称填写")
        for row, why in refused:
            problems.append(f"{name} › {row.where}：{why}")
        entries[pid] = Entry(project_id=pid, actuals=actuals,
                             spent=money_in(filed_form.spent, filed_form.spent_unit, document.project.budget_unit),
                             as_of=when)
    return list(entries.values())
