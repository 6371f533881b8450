"""A season's monitoring and self-evaluation on paper: the actuals workbook a bureau fills (one row per
project × indicator, pre-filled with the approved indicators) and reads back, the 绩效监控表 and the
自评表 (项目支出绩效自评表, one block per project, with a summary sheet).

Every workbook is written row by row, so a season of thousands of projects takes seconds. Times and
dates are Beijing time; amounts are in each project's budget unit (万元 unless the goal says 元/亿元).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from sqlmodel import Session

from indicators.actuals import Actual
from indicators.goals import GoalDocument
from indicators.values import parse_number
from kb.cycle import Evaluation, MonitoringRecord
from kb.sheets import Sheet, cell_text
from kb.text import normalize_text
from kb.times import beijing_text
from services.cycle import Approved, Entry, approved_projects, evaluation_list, monitoring_list, review_of

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_STATUS_FILL = {"预警": PatternFill("solid", fgColor="F8CBAD"), "关注": PatternFill("solid", fgColor="FFE699")}

ACTUAL_HEADERS = ("项目编号", "项目名称", "预算部门", "预算金额", "金额单位", "指标序号", "一级指标", "二级指标",
                  "三级指标", "指标值", "计量单位", "实际完成值", "未完成原因", "截止日期", "已支出金额")
ACTUAL_WIDTHS = (9, 30, 18, 10, 8, 8, 12, 14, 26, 16, 10, 14, 30, 12, 12)
MONITOR_HEADERS = ("序号", "项目编号", "项目名称", "预算部门", "预算金额", "金额单位", "截止日期", "已支出金额",
                   "时间进度（%）", "支出进度（%）", "支出状态", "总体状态", "预警项数", "偏差及原因", "下一步措施",
                   "填报人", "填报时间（北京时间）")
MONITOR_WIDTHS = (6, 9, 30, 18, 10, 8, 12, 10, 10, 10, 8, 8, 8, 60, 60, 10, 18)
DETAIL_HEADERS = ("项目编号", "项目名称", "预算部门", "一级指标", "二级指标", "三级指标", "年度指标值",
                  "截至监控日完成值", "完成进度（%）", "状态", "偏差原因", "完成目标可能性")
DETAIL_WIDTHS = (9, 30, 18, 12, 14, 26, 16, 16, 12, 8, 40, 14)
SUMMARY_HEADERS = ("序号", "项目编号", "项目名称", "预算部门", "预算金额", "全年执行数", "预算执行率（%）",
                   "总分", "等级", "未说明原因的偏差", "评价人", "评价时间（北京时间）")
SUMMARY_WIDTHS = (6, 9, 30, 18, 10, 10, 12, 8, 6, 10, 10, 18)
SELF_WIDTHS = (14, 16, 28, 16, 16, 8, 8, 48)
INSTRUCTIONS = (
    "填写说明",
    "1. 每行是一个项目的一个绩效指标，已按批复的绩效目标预填；只需填写“实际完成值”，"
    "未达到指标值的在“未完成原因”中说明。",
    "2. 实际完成值按指标值的单位填写数字（如 1800、96%），时效指标填完成日期（如 2025年10月20日），"
    "定性指标填 达成、部分达成 或 未达成。",
    "3. “截止日期”（监控截至的日期，如 2025-07-31）和“已支出金额”（与预算金额同一单位）填在每个项目的第一行即可。",
    "4. 不要改动项目编号和指标序号；不填报的项目整行留空或删除即可。",
)


_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws, value, *, bold: bool = False, fill: PatternFill | None = None, wrap: bool = False):
    """A value to append: as it is when it needs no style (the fast path), else a styled cell; text that
    would be read as a formula or an error stays text."""
    value = cell_text(value)
    formula = isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES)
    if not (bold or fill or wrap or formula):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if formula:
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = _WRAP
    return cell


def _sheet(wb: Workbook, title: str, headers: tuple, widths: tuple):
    ws = wb.create_sheet(title)
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, h, bold=True, fill=_HEADER_FILL) for h in headers])
    return ws


def _saved(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _levels(doc: GoalDocument, n: int) -> list:
    ind = doc.indicators[n]
    return [ind.level1, ind.level2, ind.name]


def _target(doc: GoalDocument, n: int) -> str:
    ind = doc.indicators[n]
    op = ind.operator if ind.operator and ind.operator != "定性" else ""
    return f"{op}{ind.value_text}"


# ---------------------------------------------------------------------------- the actuals to fill

def actuals_workbook(session: Session, *, review_id: int, kind: str = "monitoring") -> bytes:
    """The workbook a bureau fills: every approved project's indicators, one row each, with the latest
    actuals already entered (monitoring or self-evaluation, by `kind`) filled in."""
    approved = approved_projects(session, review_id=review_id)
    if kind == "evaluation":
        rows, _ = evaluation_list(session, review_id=review_id)
        latest = {r.project.id: r.evaluation for r in rows if r.evaluation is not None}
    else:
        rows, _ = monitoring_list(session, review_id=review_id)
        latest = {r.project.id: r.record for r in rows if r.record is not None}
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "实际完成值", ACTUAL_HEADERS, ACTUAL_WIDTHS)
    for a in approved:
        doc, entry = a.document, latest.get(a.project.id)
        given = {x["indicator"]: x for x in (entry.actuals if entry else [])}
        as_of = entry.as_of.isoformat() if isinstance(entry, MonitoringRecord) else None
        spent = entry.spent if entry else None
        for n in range(len(doc.indicators)):
            ind, actual = doc.indicators[n], given.get(n, {})
            first = n == 0
            ws.append([_cell(ws, v) for v in (
                a.project.id, a.project.name, a.project.department, doc.project.budget if first else None,
                doc.project.budget_unit if first else None, n + 1, *_levels(doc, n), _target(doc, n), ind.unit,
                actual.get("value"), actual.get("reason"), as_of if first else None, spent if first else None)])
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 120
    for line in INSTRUCTIONS:
        notes.append([_cell(notes, line, bold=line == INSTRUCTIONS[0])])
    return _saved(wb)


_DATE = re.compile(r"^\s*((?:19|20|21)\d{2})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?\s*$")


def read_date(value: object) -> date | None:
    """A date cell: a date, or its text 2025-07-31 / 2025/7/31 / 2025年7月31日; None when blank."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value in (None, ""):
        return None
    m = _DATE.match(normalize_text(str(value)))
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(f"截止日期『{value}』不是日期；请写成 2025-07-31")


def _number(value: object) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    number = parse_number(normalize_text(str(value)).replace(" ", "").replace(",", ""))
    if number is None or number < 0:
        raise ValueError(f"已支出金额『{value}』不是金额；请填数字，与预算金额同一单位")
    return number


def _header(sheet: Sheet) -> dict[str, int] | None:
    for r, row in enumerate(sheet.values[:5]):
        names = {normalize_text(str(v)).strip(): c for c, v in enumerate(row) if v not in (None, "")}
        if "项目编号" in names and "指标序号" in names and "实际完成值" in names:
            return {"_row": r, **names}
    return None


def actuals_from_sheets(sheets: list[Sheet], *, name: str, as_of: date | None = None
                        ) -> tuple[list[Entry], list[str]] | None:
    """The entries of a filled actuals workbook's sheets, one per project, and what could not be read (sheet,
    row, why); None when no sheet is the workbook's. A project's date and money spent come from the first of
    its rows that has them; `as_of` stands in for a date left blank."""
    found = [(s, h) for s in sheets if (h := _header(s)) is not None]
    if not found:
        return None
    entries: dict[int, Entry] = {}
    with_spent: set[int] = set()
    problems: list[str] = []
    for sheet, cols in found:
        def get(row: tuple, label: str, cols: dict = cols):
            c = cols.get(label)
            return row[c] if c is not None and c < len(row) else None

        for r in range(cols["_row"] + 1, len(sheet.values)):
            row, where = sheet.values[r], f"{name} › {sheet.title} 第 {r + 1} 行"
            pid, number = get(row, "项目编号"), get(row, "指标序号")
            value, reason = get(row, "实际完成值"), get(row, "未完成原因")
            day, spent = get(row, "截止日期"), get(row, "已支出金额")
            if all(v in (None, "") for v in (pid, value, reason, day, spent)):
                continue
            try:
                pid = int(float(str(pid)))
                entry = entries.setdefault(pid, Entry(project_id=pid, spent=0.0, as_of=None))
                when, money = read_date(day), _number(spent)
                if when is not None and entry.as_of is None:
                    entry.as_of = when
                if money is not None and pid not in with_spent:
                    entry.spent = money
                    with_spent.add(pid)
                if value in (None, "") and reason in (None, ""):
                    continue
                entry.actuals.append(Actual(indicator=int(float(str(number))) - 1, value=value, reason=reason))
            except (TypeError, ValueError, ValidationError) as exc:
                why = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
                if "invalid literal" in why or "could not convert" in why:
                    why = "项目编号和指标序号应为数字，请不要改动"
                problems.append(f"{where}：{why}")
    out = []
    for entry in entries.values():
        entry.as_of = entry.as_of or as_of
        seen: set[int] = set()
        actuals = []
        for actual in entry.actuals:
            if actual.indicator < 0 or actual.indicator in seen:
                problems.append(f"{name}：项目编号 {entry.project_id} 的指标序号 {actual.indicator + 1} 无效或重复，"
                                "已略过")
                continue
            seen.add(actual.indicator)
            actuals.append(actual)
        entry.actuals = actuals
        out.append(entry)
    return out, problems


# ---------------------------------------------------------------------------- 绩效监控表

def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def monitoring_workbook(session: Session, *, review_id: int) -> bytes:
    """The season's 绩效监控表: 监控汇总 (one row per approved project, by warning, with the gap and what
    to do) and 指标监控明细 (one row per indicator: target, actual to date, progress, status)."""
    review_of(session, review_id)
    rows, _ = monitoring_list(session, review_id=review_id)
    documents = {a.project.id: a.document for a in approved_projects(session, review_id=review_id)}
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "监控汇总", MONITOR_HEADERS, MONITOR_WIDTHS)
    detail = _sheet(wb, "指标监控明细", DETAIL_HEADERS, DETAIL_WIDTHS)
    for n, row in enumerate(rows, start=1):
        p, rec, doc = row.project, row.record, documents[row.project.id]
        findings = (rec.result.get("findings") or []) if rec else []
        gaps = "；".join(f["message"] for f in findings)
        steps = "；".join(dict.fromkeys(f["suggestion"] for f in findings if f.get("suggestion")))
        values = [n, p.id, p.name, p.department, doc.project.budget, doc.project.budget_unit,
                  rec.as_of.isoformat() if rec else None, _money(rec.spent) if rec else None,
                  rec.time_progress if rec else None, rec.spend_progress if rec else None,
                  (rec.result.get("spend_status") or "") if rec else "", row.status, rec.warnings if rec else None,
                  gaps, steps, rec.entered_by if rec else "", beijing_text(rec.entered_at) if rec else ""]
        fill = _STATUS_FILL.get(row.status)
        ws.append([_cell(ws, v, fill=fill if i == 11 else None) for i, v in enumerate(values)])
        progress = {i["indicator"]: i for i in (rec.result.get("indicators") or [])} if rec else {}
        given = {a["indicator"]: a for a in (rec.actuals if rec else [])}
        reasons = {f["indicator"]: f["message"] for f in findings if f.get("indicator") is not None}
        for i in range(len(doc.indicators)):
            got, actual = progress.get(i), given.get(i, {})
            status = got["status"] if got else ""
            likely = {"预警": "有可能", "关注": "确定能", "正常": "确定能"}.get(status, "")
            values = [p.id, p.name, p.department, *_levels(doc, i), _target(doc, i), actual.get("value"),
                      got["progress"] if got else None, status, actual.get("reason") or reasons.get(i, ""), likely]
            detail.append([_cell(detail, v, fill=_STATUS_FILL.get(status) if k == 9 else None)
                           for k, v in enumerate(values)])
    return _saved(wb)


# ---------------------------------------------------------------------------- 自评表

def _block(ws, a: Approved, ev: Evaluation) -> None:
    """One project's 项目支出绩效自评表 in the layout of 财预〔2020〕10号's annex: project, funds (预算数,
    执行数, 分值, 执行率, 得分), the year's goal against what was achieved, the indicators with their
    target, actual, points and the reason for a miss, and the total."""
    doc, result = a.document, ev.result
    unit = doc.project.budget_unit

    def line(*values, bold_first: bool = True) -> None:
        ws.append([_cell(ws, v, bold=bold_first and k == 0, fill=_LABEL_FILL if bold_first and k == 0 else None)
                   for k, v in enumerate(values)])

    ws.append([_cell(ws, f"项目支出绩效自评表（{doc.project.year or ''}年度）", bold=True)])
    line("项目名称", a.project.name, None, "主管部门", a.project.department)
    execution = result.get("budget_execution") or {}
    line(f"项目资金（{unit}）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分")
    line("年度资金总额", doc.project.budget, doc.project.budget, _money(ev.spent), execution.get("max"),
         execution.get("rate"), execution.get("points"))
    items = result.get("items") or []
    met = sum(1 for i in items if i.get("achieved"))
    line("年度总体目标", "预期目标", None, None, "实际完成情况")
    line("", doc.goal, None, None, f"{len(items)} 个指标中 {met} 个达到年度指标值，自评得分 {result.get('score')} 分")
    ws.append([_cell(ws, h, bold=True, fill=_HEADER_FILL) for h in
               ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                "偏差原因分析及改进措施")])
    by_index = {i["indicator"]: i for i in items}
    given = {x["indicator"]: x for x in ev.actuals}
    for n in range(len(doc.indicators)):
        item, actual = by_index.get(n), given.get(n, {})
        ws.append([_cell(ws, v) for v in (*_levels(doc, n), _target(doc, n), actual.get("value"),
                                          item["max"] if item else None, item["points"] if item else None,
                                          actual.get("reason") or "")])
    line("总分", None, None, None, None, 100, result.get("score"), f"自评等级：{result.get('grade')}")
    ws.append([])


def self_evaluation_workbook(session: Session, *, review_id: int) -> bytes:
    """The season's 自评表: 自评汇总 (one row per evaluated project, highest score first) and 自评表 with
    each project's 项目支出绩效自评表 one after another (资金, 指标, 分值, 得分, 偏差原因)."""
    rows, _ = evaluation_list(session, review_id=review_id)
    documents = {a.project.id: a for a in approved_projects(session, review_id=review_id)}
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "自评汇总", SUMMARY_HEADERS, SUMMARY_WIDTHS)
    blocks = wb.create_sheet("自评表")
    for n, width in enumerate(SELF_WIDTHS, start=1):
        blocks.column_dimensions[get_column_letter(n)].width = width
    evaluated = [r for r in rows if r.evaluation is not None]
    for n, row in enumerate(evaluated, start=1):
        p, ev = row.project, row.evaluation
        missing = sum(f["code"] == "EVAL_REASON_MISSING" for f in ev.result.get("findings") or [])
        ws.append([_cell(ws, v) for v in (n, p.id, p.name, p.department, documents[p.id].document.project.budget,
                                          _money(ev.spent), ev.execution_rate, ev.score, ev.grade, missing,
                                          ev.evaluated_by, beijing_text(ev.evaluated_at))])
        _block(blocks, documents[p.id], ev)
    return _saved(wb)

