"""The 绩效目标申报表 a department fills in, written as .xlsx: one sheet per goal document, in the layout
`goal_sheets` reads back, with drop-down lists for levels, operators and bases, and a sheet of instructions.

- `template_workbook()` → the empty form; `goal_workbook(docs)` → the forms of goal documents
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from indicators.framework import BASES, DEPARTMENT_LEVELS, LEVELS, OPERATORS
from indicators.goal_sheets import (
    BESIDE,
    COLUMNS,
    DEPARTMENT_TITLE,
    FIRST_ROW,
    HEADER_FILL,
    INSTRUCTIONS,
    KIND_WORDS,
    LABEL_FILL,
    PROJECT_FIELDS,
    TEMPLATE_ROWS,
    TITLE,
)
from indicators.goals import GoalDocument
from kb.sheets import cell_text, keep_text


def _write_sheet(ws: Worksheet, doc: GoalDocument | None) -> None:
    ws.merge_cells("A1:I1")
    ws["A1"] = DEPARTMENT_TITLE if doc and doc.project.kind == "department" else TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    p = doc.project if doc else None
    values = {
        "name": p.name if p else "", "department": p and p.department, "direction": p and p.direction,
        "budget": p and p.budget, "budget_unit": p.budget_unit if p else "万元", "year": p and p.year,
        "description": p and p.description, "goal": doc.goal if doc else "",
        "kind": KIND_WORDS[p.kind if p else "project"], "function_code": p and p.function_code,
    }
    row = 2
    for field, label, _ in PROJECT_FIELDS:
        if field in BESIDE:
            ws.cell(row=row - 1, column=BESIDE[field], value=label).fill = LABEL_FILL
            ws.cell(row=row - 1, column=BESIDE[field] + 1, value=cell_text(values[field]))
            continue
        ws.cell(row=row, column=1, value=label).fill = LABEL_FILL
        ws.cell(row=row, column=1).font = Font(bold=True)
        ws.cell(row=row, column=2, value=cell_text(values[field]))
        if field in ("name", "department", "direction", "description", "goal"):
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
            ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    header_row = FIRST_ROW - 1
    for col, (_, header, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col, value=header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    indicators = doc.indicators if doc else []
    for r, ind in enumerate(indicators, start=FIRST_ROW):
        for col, (field, _, _) in enumerate(COLUMNS, start=1):
            value = getattr(ind, field)
            ws.cell(row=r, column=col, value=cell_text(value) if value not in ("", None) else None)
    last = FIRST_ROW + max(len(indicators), TEMPLATE_ROWS) - 1
    _validations(ws, last)
    for col, width in zip("ABCDEFGHI", (12, 16, 30, 8, 12, 12, 28, 12, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.row_dimensions[8].height = 60
    ws.freeze_panes = f"A{FIRST_ROW}"
    keep_text(ws)


def _validations(ws: Worksheet, last: int) -> None:
    # both frameworks: a 部门整体 goal uses 运行成本 / 管理效率 / 履职效能 and their level-2 names
    level1s = list(dict.fromkeys([*LEVELS, *DEPARTMENT_LEVELS]))
    level2s = list(dict.fromkeys(l2 for levels in (LEVELS, DEPARTMENT_LEVELS) for l2s in levels.values() for l2 in l2s))
    lists = (("A", level1s), ("B", level2s), ("D", OPERATORS), ("G", BASES))
    for col, options in lists:
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                            showErrorMessage=False)
        dv.add(f"{col}{FIRST_ROW}:{col}{last}")
        ws.add_data_validation(dv)
    unit = DataValidation(type="list", formula1='"万元,元,亿元"', allow_blank=True)
    unit.add("D5")
    ws.add_data_validation(unit)
    kind = DataValidation(type="list", formula1='"' + ",".join(KIND_WORDS.values()) + '"', allow_blank=True)
    kind.add("D6")
    ws.add_data_validation(kind)


def _instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(INSTRUCTIONS)
    lines = (
        "每个项目填一张工作表（可复制工作表），上方填项目信息，下方逐行填绩效指标。",
        "一级指标：产出指标、成本指标、效益指标、满意度指标；"
        "二级指标须属于对应的一级指标（如 产出指标 → 数量/质量/时效指标）。",
        "产出指标应包含数量、质量、时效指标；成本、效益指标不可缺；有服务对象的项目宜设满意度指标。",
        "符号填 ≥、≤、= 或 定性；指标值填数字（如 95），也可写成 ≥95%；定性指标写明分级标准（如 优/良/中/差）。",
        "计量单位与指标含义一致：比率用 %，人数用 人，金额用 元/万元；单位成本写成 元/人、万元/公里 等。",
        "取值依据填 计划标准、行业标准、历史标准 或 其他标准，并可注明文件或测算方法；上年实际值用于判断目标是否偏低。",
        "预算金额默认以万元为单位，也可在“金额单位”中选 元 或 亿元。",
        "目标类型选 项目支出 或 部门整体：部门整体绩效目标的一级指标为 运行成本、管理效率、履职效能、满意度。",
        "功能分类科目填预算系统中项目的支出功能分类编码（类 3 位、款 5 位或项 7 位，如 2050202，可带名称），"
        "据此挑选和核对支出方向；不清楚可留空。",
        "指标库编码由起草或导出时填写，表示该指标取自指标库的哪一条；自行增加的指标可留空。本说明页在读取时会被跳过。",
    )
    ws["A1"] = INSTRUCTIONS
    ws["A1"].font = Font(bold=True, size=13)
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=f"{i - 1}. {line}")
    ws.column_dimensions["A"].width = 120


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", "", cell_text(name)).strip()[:28] or "项目"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}({n})", n + 1
    used.add(title)
    return title


def goal_workbook(docs: Iterable[GoalDocument]) -> bytes:
    """A workbook with one 申报表 sheet per goal document (and the instructions sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    docs = list(docs)
    for doc in docs or [None]:
        ws = wb.create_sheet(_sheet_title(doc.project.name if doc else "绩效目标申报表", used))
        _write_sheet(ws, doc)
    _instructions(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook() -> bytes:
    """The empty 绩效目标申报表 a department fills in, with drop-down lists for levels, operators and bases."""
    return goal_workbook([])
