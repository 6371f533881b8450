"""A review's report as .xlsx: sheet 汇总 (one row per project: score, grade and counts of findings) and sheet
问题明细 (every finding with its fix)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.goal_sheets import HEADER_FILL
from indicators.goals import CheckResult, GoalDocument
from kb.sheets import cell_text, keep_text

SUMMARY_HEADERS = ("项目名称", "预算部门", "支出方向", "预算金额", "金额单位", "得分", "等级", "错误", "警告", "提示")
FINDING_HEADERS = ("项目名称", "级别", "代码", "指标序号", "指标名称", "问题", "修改建议")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def summary_workbook(results: Iterable[tuple[GoalDocument, CheckResult]]) -> bytes:
    """A review report: sheet 汇总 (one row per project with score, grade and counts), sheet 问题明细."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    details = wb.create_sheet("问题明细")
    summary.append(SUMMARY_HEADERS)
    details.append(FINDING_HEADERS)
    for doc, result in results:
        p = doc.project
        counts = [sum(f.severity == s for f in result.findings) for s in ("error", "warning", "info")]
        summary.append([cell_text(v) for v in (p.name, p.department, p.direction, p.budget, p.budget_unit,
                                               result.score, result.grade, *counts)])
        for f in result.findings:
            name = doc.indicators[f.indicator].name if f.indicator is not None and f.indicator < len(
                doc.indicators) else ""
            details.append([cell_text(v) for v in (p.name, SEVERITY_NAMES[f.severity], f.code,
                                                   None if f.indicator is None else f.indicator + 1, name,
                                                   f.message, f.suggestion)])
    for ws, widths in ((summary, (30, 20, 18, 12, 10, 8, 8, 8, 8, 8)), (details, (30, 8, 28, 10, 24, 60, 60))):
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
            ws.cell(row=1, column=col).font = Font(bold=True)
            ws.cell(row=1, column=col).fill = HEADER_FILL
        ws.freeze_panes = "A2"
        keep_text(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
