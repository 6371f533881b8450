"""A season on paper: the report workbook (one row per project, every finding, the most frequent
problems) and the 问题案例汇编 a bureau compiles from a season — the most frequent problems, each
with examples from the projects that have it."""

from __future__ import annotations

import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, select

from indicators.findings import REGISTRY
from indicators.review_workbook import SEVERITY_NAMES
from kb.errors import NotFound
from kb.reviews import ProjectVersion, Review, ReviewProject
from kb.sheets import cell_text
from kb.times import beijing_text

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
PROJECT_HEADERS = ("序号", "项目名称", "预算部门", "支出方向", "功能分类科目", "预算金额（万元）", "得分", "等级",
                   "可提交", "错误", "警告", "提示", "审核状态", "审核意见", "审核人", "审核时间", "版本",
                   "与第几号重复", "来源")
FINDING_HEADERS = ("序号", "项目名称", "预算部门", "级别", "代码", "问题类别", "指标序号", "指标名称", "问题",
                   "修改建议")
CASE_HEADERS = ("代码", "问题", "问题类别", "级别", "涉及项目数", "出现次数", "典型案例")
WIDTHS = {"汇总": (6, 30, 20, 16, 12, 12, 6, 6, 6, 6, 6, 6, 8, 30, 10, 16, 6, 10, 24),
          "问题明细": (6, 30, 20, 6, 26, 10, 8, 24, 60, 60), "问题汇总": (26, 24, 10, 6, 10, 10, 90)}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"没有编号为 {review_id} 的审核批次；请在审核批次列表中查看现有的批次")
    return review


def _current(session: Session, review_id: int) -> Iterator[tuple[ReviewProject, dict | None]]:
    """Every project of a review in filing order with its current version's check (None if unchecked)."""
    rows = session.exec(
        select(ReviewProject, ProjectVersion.result)
        .join(ProjectVersion, (col(ProjectVersion.project_id) == col(ReviewProject.id))
              & (col(ProjectVersion.number) == col(ReviewProject.version)))
        .where(col(ReviewProject.review_id) == review_id).order_by(col(ReviewProject.seq))
        .execution_options(yield_per=500))
    yield from rows


def problem_cases(session: Session, *, review_id: int, top: int = 15, examples: int = 3) -> list[dict]:
    """The season's most frequent problems, most projects first (hints, severity info, after the errors
    and warnings): [{"code", "label", "category",
    "severity", "count", "projects", "examples": [{"project_id", "name", "department", "message",
    "suggestion"}]}]; examples come from different projects, and from different departments first."""
    _review(session, review_id)
    cases: dict[str, dict] = {}
    for project, result in _current(session, review_id):
        seen = set()
        for f in (result or {}).get("findings") or []:
            code = f["code"]
            spec = REGISTRY.get(code)
            case = cases.setdefault(code, {
                "code": code, "label": spec.label if spec else code, "category": spec.category if spec else "",
                "severity": f["severity"], "count": 0, "projects": 0, "examples": [], "_departments": set()})
            case["count"] += 1
            if code in seen:
                continue
            seen.add(code)
            case["projects"] += 1
            example = {"project_id": project.id, "name": project.name, "department": project.department,
                       "message": f["message"], "suggestion": f.get("suggestion") or ""}
            if len(case["examples"]) < examples:
                case["examples"].append(example)
            elif project.department not in case["_departments"]:
                spare = _replaceable(case)
                if spare is not None:
                    case["examples"][spare] = example
            case["_departments"] = {e["department"] for e in case["examples"]}
    ranked = sorted(cases.values(), key=lambda c: (c["severity"] == "info", -c["projects"],
                                                   SEVERITY_RANK.get(c["severity"], 3), c["code"]))
    for case in ranked:
        del case["_departments"]
    return ranked[:top]


def _replaceable(case: dict) -> int | None:
    """The last example whose department another example already shows (to make room for a new one)."""
    departments = [e["department"] for e in case["examples"]]
    for n in range(len(departments) - 1, -1, -1):
        if departments.count(departments[n]) > 1:
            return n
    return None


def _cell(ws, value):
    value = cell_text(value)
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # text that would otherwise be stored as a formula or an error
        return cell
    return value


def _sheet(wb: Workbook, title: str, headers: tuple):
    ws = wb.create_sheet(title)
    for n, width in enumerate(WIDTHS[title], start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        header.append(cell)
    ws.append(header)
    return ws


def _counts(result: dict | None) -> list:
    if result is None:
        return [None, None, None]
    findings = result.get("findings") or []
    return [sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")]


def report_workbook(session: Session, *, review_id: int) -> bytes:
    """The whole season as a workbook, written row by row (any size up to KB_MAX_BATCH): sheet 汇总 with
    one row per project (check, decision, who and when), 问题明细 with every finding, 问题汇总 with the
    most frequent problems and examples, and 未归档 with the items that could not be filed."""
    review = _review(session, review_id)
    wb = Workbook(write_only=True)
    projects = _sheet(wb, "汇总", PROJECT_HEADERS)
    details = _sheet(wb, "问题明细", FINDING_HEADERS)
    seqs: dict[int, int] = {}
    for project, result in _current(session, review_id):
        seqs[project.id] = project.seq
        budget = None if project.budget_yuan is None else round(project.budget_yuan / 1e4, 6)
        submittable = None if project.submittable is None else ("是" if project.submittable else "否")
        row = [project.seq, project.name, project.department, project.direction, project.function_code, budget,
               project.score,
               project.grade, submittable, *_counts(result), project.status, project.note, project.decided_by,
               beijing_text(project.decided_at), project.version, seqs.get(project.duplicate_of), project.source]
        projects.append([_cell(projects, v) for v in row])
        for f in (result or {}).get("findings") or []:
            spec = REGISTRY.get(f["code"])
            n = f.get("indicator")
            row = [project.seq, project.name, project.department, SEVERITY_NAMES.get(f["severity"], f["severity"]),
                   f["code"], spec.category if spec else "", None if n is None else n + 1,
                   f.get("indicator_name") or "", f["message"], f.get("suggestion") or ""]
            details.append([_cell(details, v) for v in row])
    cases = _sheet(wb, "问题汇总", CASE_HEADERS)
    for case in problem_cases(session, review_id=review_id, top=len(REGISTRY) + 50):
        shown = "；".join(f"{e['name']}（{e['department'] or '未填部门'}）：{e['message']}" for e in case["examples"])
        row = [case["code"], case["label"], case["category"], SEVERITY_NAMES.get(case["severity"], ""),
               case["projects"], case["count"], shown]
        cases.append([_cell(cases, v) for v in row])
    if review.problems:
        unfiled = wb.create_sheet("未归档")
        unfiled.column_dimensions["A"].width = 120
        unfiled.append(["未能归档的文件或文档（来源：原因）"])
        for problem in review.problems:
            unfiled.append([_cell(unfiled, problem)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
