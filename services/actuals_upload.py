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
    Projects,
    match_actuals,
    money_in,
    read_forms,
)
from indicators.evaluation import EvaluationRules
from indicators.goal_sheets import read_sheets
from indicators.monitoring import MonitorRules
from kb.accounts import User
from kb.errors import InvalidInput, KBError, TooLarge, named
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


def import_actuals(session: Session, *, review_id: int, files: list[tuple[str, bytes]], limits: SheetLimits,
                   max_projects: int, user: User, kind: str = "evaluation", as_of: date | None = None,
                   rules: MonitorRules | EvaluationRules | None = None) -> Imported:
    """Monitor (`kind` monitoring) or self-evaluate the approved projects uploaded files (name, bytes) give
    actuals for, each stored as entered by `user`; one transaction. Each file is read on its own
    (`Upload.read`): of several, one that cannot be read is listed and the others are still imported; a
    single file that cannot be read raises."""
    upload = Upload(session, review_id=review_id, kind=kind, as_of=as_of, max_projects=max_projects)
    for name, data in files:
        try:
            upload.read(name, data, limits)
        except KBError as exc:
            if len(files) == 1:
                raise
            upload.problems.append(named(name, exc.message))
    store_many = cycle.monitor_many if kind == "monitoring" else cycle.evaluate_many
    stored, trouble = store_many(session, review_id=review_id, entries=list(upload.entries.values()), user=user,
                                 rules=rules)
    return Imported(len(stored), upload.problems + trouble, upload.notes)


class Upload:
    """The entries files give for a season's approved projects, read one file after another: the workbook to
    fill, or the departments' own forms (自评表 for `kind` evaluation, 绩效监控表 for monitoring), at most
    `max_projects` forms in all (a season's most). A project given twice keeps its first entry. A monitoring
    form's date is the last day of the month it covers (1-7月: 7月31日) in its year, else the goal's; `as_of`
    stands in where neither says. The season's projects are read once, when the first form needs them."""

    def __init__(self, session: Session, *, review_id: int, kind: str, as_of: date | None, max_projects: int):
        self.session, self.review_id, self.as_of, self.max_projects = session, review_id, as_of, max_projects
        self.form = EVALUATION if kind == "evaluation" else MONITORING
        self.entries: dict[int, Entry] = {}
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.forms = 0
        self._season: tuple[dict[int, Approved], Projects, Projects, dict[int, str]] | None = None

    def read(self, name: str, data: bytes, limits: SheetLimits) -> None:
        """Take one file's entries. Raises `InvalidInput` when it holds no actuals, `TooLarge` past the most."""
        if not data:
            raise InvalidInput(f"{name}：上传的文件是空的；请上传填好的填报表，或各单位填写的自评表、监控表")
        sheets = read_sheets(data, source=name, limits=limits)
        read = actuals_from_sheets(sheets, name=name, as_of=self.as_of)
        if read is not None:
            entries, problems = read
            self.problems += problems
            for entry in entries:
                self._add(entry, f"{name}：项目编号 {entry.project_id} ")
            return
        form = self.form
        filed, unread = read_forms(sheets, form)
        problems = [f"{name} › {p}" for p in unread]
        if not filed:
            raise InvalidInput("；".join([NOTHING.format(name=name, noun=form.noun, actual=form.table[-2][1]),
                                         *problems[:5]]))
        self.forms += len(filed)
        if self.forms > self.max_projects:
            raise TooLarge(f"{name}：上传的{form.noun}共有 {self.forms} 个项目，多于一个审核批次最多的 "
                           f"{self.max_projects} 个项目（KB_MAX_BATCH）；请分批上传")
        self.problems += problems
        for filed_form in filed:
            self._take(filed_form, name)

    def _add(self, entry: Entry, what: str) -> None:
        if not self._twice(entry.project_id, what):
            self.entries[entry.project_id] = entry

    def _twice(self, pid: int, what: str) -> bool:
        """Whether the project already has its entry from this upload (listed: only the first is taken)."""
        if pid in self.entries:
            self.problems.append(f"{what}在上传的文件中出现了不止一次，只导入了第一份")
        return pid in self.entries

    def season(self) -> tuple[dict[int, Approved], Projects, Projects, dict[int, str]]:
        """(approved projects by id, them keyed for matching, the others keyed, the others' statuses)."""
        if self._season is None:
            approved = {a.project.id: a for a in approved_projects(self.session, review_id=self.review_id)}
            others = list(self.session.exec(select(ReviewProject).where(
                col(ReviewProject.review_id) == self.review_id, col(ReviewProject.status) != APPROVED)))
            self._season = (
                approved,
                Projects({pid: (a.project.name, a.project.department) for pid, a in approved.items()},
                         {pid: [ind.name for ind in a.document.indicators] for pid, a in approved.items()}),
                Projects({p.id: (p.name, p.department) for p in others}),
                {p.id: p.status for p in others})
        return self._season

    def _take(self, filed_form: FiledForm, name: str) -> None:
        """One department form's entry for the approved project it names, or why not."""
        approved, candidates, others, status = self.season()
        form, problems = self.form, self.problems
        where = f"{name} › {filed_form.source}"
        pid = candidates.match(filed_form)
        if pid is None and (other := others.match(filed_form)) is not None:
            problems.append(f"{where}：项目『{filed_form.name}』在本批次中的状态是『{status[other]}』，还没有批复"
                            "通过，未导入；批复通过后再导入")
            return
        if pid is None and (pid := candidates.by_rows(filed_form)) is not None:
            self.notes.append(f"{where}：项目名称『{filed_form.name}』与批复的『{approved[pid].project.name}』不一致，"
                              "按同一部门的指标名称对应到该项目导入；如对应错了，请在该项目页面改正")
        if pid is None:
            problems.append(f"{where}：项目『{filed_form.name}』在本批次已批复（通过）的项目中找不到，或有几个同名项目"
                            "分不清，未导入；请核对项目名称与申报时一致，或在该项目页面逐项填报")
            return
        if self._twice(pid, f"{where}：项目『{filed_form.name}』"):
            return
        document = approved[pid].document
        if filed_form.spent is None:
            money = "全年执行数" if form is EVALUATION else "截至监控月的执行数（如 1-7月执行数）"
            problems.append(f"{where}：项目『{filed_form.name}』没有填写{money}，未导入；请在项目资金一栏"
                            f"（年度资金总额一行）填写{money}后再上传")
            return
        when = (_as_of(filed_form, document.project.year) or self.as_of) if form is MONITORING else None
        if form is MONITORING and when is None:
            problems.append(f"{where}：项目『{filed_form.name}』的监控表没有写明截至哪个月（如 1-7月执行情况），"
                            "上传时也没有填写截止日期，未导入；请在上传时填写截止日期（如 2025-07-31）")
            return
        actuals, left, refused = match_actuals(filed_form, document)
        for row in left:
            problems.append(f"{name} › {row.where}：指标『{row.name}』在批复的绩效目标中找不到对应的指标，"
                            "这一行未导入；请按批复的指标名称填写")
        for row, why in refused:
            problems.append(f"{name} › {row.where}：{why}")
        self.entries[pid] = Entry(project_id=pid, actuals=actuals, as_of=when,
                                  spent=money_in(filed_form.spent, filed_form.spent_unit, document.project.budget_unit))


def _as_of(filed: FiledForm, document_year: int | None) -> date | None:
    year = filed.year or document_year
    if filed.month is None or year is None:
        return None
    return date(year, filed.month, calendar.monthrange(year, filed.month)[1])
