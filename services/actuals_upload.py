"""Actuals uploaded for a season: the workbook downloaded to fill (项目编号, 指标序号, 实际完成值), or, for
self-evaluation, the departments' own 项目支出绩效自评表 as they fill them (.xlsx, .xls, .docx or CSV; one
project per sheet or Word table, or a list of many), matched to the season's approved projects by name and
to each approved goal's indicators by name (`indicators.evaluation_sheets`). What cannot be matched is
listed with where it is and what to do; the rest is entered.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from indicators.evaluation_sheets import (
    FiledEvaluation,
    Projects,
    match_actuals,
    money_in,
    read_self_evaluations,
)
from indicators.goal_sheets import read_sheets
from kb.errors import InvalidInput, TooLarge
from kb.reviews import ReviewProject
from kb.sheets import SheetLimits
from services.cycle import APPROVED, Approved, Entry, approved_projects
from services.cycle_report import actuals_from_sheets

NOTHING = ("没有找到可导入的内容：{name} 既不是“下载填报表”得到的表格（项目编号、指标序号、实际完成值三列），"
           "也不是项目支出绩效自评表（三级指标、实际完成值两列）")


def read_actuals_upload(session: Session, *, review_id: int, data: bytes, name: str, limits: SheetLimits,
                        max_projects: int, kind: str = "evaluation", as_of: date | None = None
                        ) -> tuple[list[Entry], list[str]]:
    """The entries of an uploaded file and what could not be taken. Monitoring reads only the workbook to
    fill; self-evaluation also reads 自评表, at most `max_projects` of them (a season's most). Raises
    `InvalidInput` when the file holds neither, `TooLarge` past the most."""
    if not data:
        raise InvalidInput("上传的文件是空的；请上传填好的填报表或项目支出绩效自评表")
    sheets = read_sheets(data, source=name, limits=limits)
    read = actuals_from_sheets(sheets, name=name, as_of=as_of)
    if read is not None:
        return read
    if kind != "evaluation":
        raise InvalidInput(f"{name}：没有找到含 项目编号、指标序号、实际完成值 三列的工作表；请用“下载填报表”"
                           "得到的表格填写后上传")
    filed, unread = read_self_evaluations(sheets)
    problems = [f"{name} › {p}" for p in unread]
    if not filed:
        raise InvalidInput("；".join([NOTHING.format(name=name), *problems[:5]]))
    if len(filed) > max_projects:
        raise TooLarge(f"{name} 有 {len(filed)} 个项目的自评表，多于一个审核批次最多的 {max_projects} 个项目"
                       "（KB_MAX_BATCH）；请分成几个文件上传")
    undecided = {p.id: (p.name, p.department, p.status) for p in session.exec(
        select(ReviewProject).where(col(ReviewProject.review_id) == review_id,
                                    col(ReviewProject.status) != APPROVED))}
    entries = _entries(filed, approved_projects(session, review_id=review_id), undecided, name, problems)
    return entries, problems


def _entries(filed: list[FiledEvaluation], approved: list[Approved], undecided: dict[int, tuple[str, str, str]],
             name: str, problems: list[str]) -> list[Entry]:
    candidates = Projects({a.project.id: (a.project.name, a.project.department) for a in approved})
    others = Projects({pid: (project, department) for pid, (project, department, _) in undecided.items()})
    by_id = {a.project.id: a for a in approved}
    entries: dict[int, Entry] = {}
    for evaluation in filed:
        where = f"{name} › {evaluation.source}"
        pid = candidates.match(evaluation)
        if pid is None and (other := others.match(evaluation)) is not None:
            problems.append(f"{where}：项目『{evaluation.name}』在本批次中的状态是『{undecided[other][2]}』，还没有批复"
                            "通过，未导入；批复通过后再导入")
            continue
        if pid is None:
            problems.append(f"{where}：项目『{evaluation.name}』在本批次已批复（通过）的项目中找不到，或有几个同名项目"
                            "分不清，未导入；请核对项目名称与申报时一致，或在该项目页面逐项填报")
            continue
        if pid in entries:
            problems.append(f"{where}：项目『{evaluation.name}』在文件中出现了不止一次，只导入了第一份")
            continue
        document = by_id[pid].document
        if evaluation.spent is None:
            problems.append(f"{where}：项目『{evaluation.name}』没有填写全年执行数，未导入；请在项目资金一栏"
                            "（年度资金总额一行）填写全年执行数后再上传")
            continue
        actuals, left, refused = match_actuals(evaluation, document)
        for row in left:
            problems.append(f"{name} › {row.where}：指标『{row.name}』在批复的绩效目标中找不到对应的指标，"
                            "这一行未导入；请按批复的指标名称填写")
        for row, why in refused:
            problems.append(f"{name} › {row.where}：{why}")
        entries[pid] = Entry(project_id=pid, actuals=actuals,
                             spent=money_in(evaluation.spent, evaluation.spent_unit, document.project.budget_unit))
    return list(entries.values())
