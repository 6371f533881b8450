"""Reading goal documents from the 绩效目标申报表 spreadsheet layout, and batch input of goal documents.

One sheet per project: the project fields at the top (label in one cell, value in the next),
then the indicator table under a header row 一级指标 | 二级指标 | 三级指标 | 符号 | 指标值 |
计量单位 | 取值依据 | 上年实际值. Labels and headers are recognised in Simplified or
Traditional characters and in common variants (主管部门, 指标名称, 目标值…); merged level
cells are filled down. Every problem is reported with its sheet, cell, value and fix, all at
once, in a `GoalSheetError`; nothing is silently dropped.

- `read_goal_workbook(data)` → list[GoalDocument]; `read_goal_workbook_partial` → the good sheets and the problems
- `read_goal_batch(path)` → documents from JSON, JSON lines, a workbook or a folder of them

The layout's labels and columns are defined here; `goal_template` writes them, `review_workbook` writes a
review's report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl.styles import PatternFill
from pydantic import ValidationError

from indicators.goals import GoalDocument, names_overall_goal
from kb.errors import InvalidInput
from kb.sheets import (
    WORKBOOK_SUFFIXES,
    Sheet,
    SheetCell,
    SheetLimits,
    joined,
    read_csv,
    read_workbook,
)
from kb.sheets_docx import is_docx, read_docx
from kb.sheets_pdf import is_pdf, read_pdf
from kb.text import normalize_text

TITLE = "项目支出绩效目标申报表"
SHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".docx", ".pdf")  # files read as goal tables (`read_goal_file_partial`)
_BATCH_KINDS = ".json、.jsonl、.xlsx、.xls、.et、.csv、.docx 或 .pdf"  # what `read_goal_batch_partial` reads
OLD_WORD = {  # Word files in formats no maintained Python reader takes; saved again as .docx, they are read
    ".doc": "是 Word 97-2003 文档（.doc），无法直接读取；请在 Word 或 WPS 中另存为 .docx",
    ".wps": "是 WPS 文字文档（.wps），无法直接读取；请在 WPS 中另存为 Word 文件（.docx）",
}
DEPARTMENT_TITLE = "部门（单位）整体绩效目标申报表"
KIND_WORDS = {"project": "项目支出", "department": "部门整体"}  # how the sheet writes Project.kind
INSTRUCTIONS = "填表说明"
PROJECT_FIELDS = (  # field, label written in the template, labels recognised when reading
    ("name", "项目名称", ("项目名称", "项目", "名称")),
    ("department", "预算部门（单位）",
     ("预算部门", "预算单位", "主管部门", "主管部门及代码", "实施单位", "部门", "单位名称", "申报单位", "部门名称",
      "填报单位", "项目单位", "项目实施单位", "主管单位")),
    ("direction", "支出方向", ("支出方向", "方向", "项目类别")),
    ("budget", "预算金额", ("预算金额", "项目预算", "预算资金", "年度预算", "资金总额", "预算数", "预算",
                            "年度资金总额", "项目资金", "申报金额", "项目金额", "项目总金额", "年度预算数",
                            "年度预算金额", "全年预算数", "预算总额", "资金金额", "申请金额", "年初预算数",
                            "年度资金总额及构成", "资金总额及构成", "年度预算申请", "预算申请")),
    ("budget_unit", "金额单位", ("金额单位", "预算金额单位", "资金单位")),
    ("year", "预算年度", ("预算年度", "年度", "年份")),
    ("kind", "目标类型", ("目标类型", "绩效目标类型", "目标类别")),
    ("function_code", "功能分类科目", ("功能分类科目", "支出功能分类科目", "支出功能分类", "功能分类", "功能科目",
                                       "支出功能科目", "科目编码", "预算科目", "功能分类科目编码")),
    ("description", "项目概述", ("项目概述", "项目描述", "项目内容", "项目简介", "主要内容", "概述")),
    ("goal", "年度绩效目标", ("年度绩效目标", "年度目标", "本年度目标", "本年度绩效目标", "年度总体目标", "绩效目标",
                            "总体目标")),
)
COLUMNS = (  # field, header written, headers recognised
    ("level1", "一级指标", ("一级指标",)),
    ("level2", "二级指标", ("二级指标",)),
    ("name", "三级指标", ("三级指标", "指标名称", "绩效指标", "三级指标名称", "绩效指标名称", "指标内容", "指标")),
    # 指标性质 is where the 一体化 system's export writes ≥ / ≤ / = / 定性
    ("operator", "符号", ("符号", "指标方向", "运算符", "比较符", "计算符号", "指标性质")),
    # a self-evaluation table's target column: 年初目标值(A), 全年指标值 (its 实际完成值 is not read here)
    ("value", "指标值", ("指标值", "目标值", "指标值(目标值)", "年度指标值", "年度目标值", "指标目标值", "预期目标值",
                         "全年指标值", "年初目标值", "年初设定目标值", "计划目标值")),
    ("unit", "计量单位", ("计量单位", "单位", "度量单位")),
    ("basis", "取值依据", ("取值依据", "指标值依据", "依据")),
    ("baseline", "上年实际值", ("上年实际值", "上年值", "上年完成值", "基期值", "历史值")),
    ("code", "指标库编码", ("指标库编码", "指标编码", "库编码")),
)
# read, never written: the export's 正向 / 反向, the operator of a row whose 符号 / 指标性质 cell is empty
SENSE = ("sense", "", ("指标方向性", "正反向", "指标正反向"))
# written right of the field above them, from this column: 金额单位 by 预算金额; 目标类型 and 功能分类科目 by 预算年度
BESIDE = {"budget_unit": 3, "kind": 3, "function_code": 5}
_NUMBER_FIELDS = ("value", "baseline", "actual")   # read as shown: 0.95 formatted 0% is 95
_FORMULA_ERROR = re.compile(r"^#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!)$")
FIRST_ROW = 11           # first indicator row in the template
TEMPLATE_ROWS = 25       # empty indicator rows offered by the template
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class CellProblem:
    """One thing to fix: where (sheet and cell, or file and line), the value found, and the fix."""

    sheet: str
    cell: str
    value: str
    fix: str

    def __str__(self) -> str:
        if not self.cell and not self.value:   # the file as a whole (不是 zip 格式, 编码): no cell to show
            return f"{self.sheet}：{self.fix}"
        shown = f"『{self.value}』" if self.value else "（空）"
        return f"{self.sheet} {self.cell}：{shown} {self.fix}"


class GoalSheetError(InvalidInput):
    """Problems in goal spreadsheets or goal files; `details` lists every `CellProblem`."""

    def __init__(self, problems: list[CellProblem]):
        shown = "；".join(str(p) for p in problems[:3]) + ("…" if len(problems) > 3 else "")
        super().__init__(f"{len(problems)} 处需要修改：{shown}", details=problems)
        self.problems = problems


# ---------------------------------------------------------------------------- reading

# A month range in a header, as 1-7月: 1～7月, 1至7月, 1月-7月, 截至7月底
_MONTH_RANGE = re.compile(r"^(?:1月?[-－—–~～至到]|截[至止])(\d{1,2})月(?:底|末|份)?")


def label_text(value: object) -> str:
    """A label or header as compared: Simplified, half-width, without spaces, colons, asterisks or what is in
    brackets (项目资金（万元） → 项目资金), a month range as 1-7月."""
    text = normalize_text(str(value)) if value is not None else ""
    return _MONTH_RANGE.sub(r"1-\1月", re.sub(r"[\s:：*＊]|[(（][^)）]*[)）]", "", text))


def _cell_text(cell: SheetCell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_label(text: str, table: tuple) -> str | None:
    for field, _, labels in table:
        if text in labels:
            return field
    return None


def _header_columns(row: Iterable[SheetCell], table: tuple = COLUMNS) -> dict[str, int]:
    """Field → column for a header row; of two headers for one field the one listed first wins. A header that
    names the indicator twice (三级指标 … 三级指标) holds two tables side by side, the medium term's and the year's
    (财预〔2015〕88号): a header written the same way twice is the year's, the right one."""
    cells = [(c.column, label_text(c.value) if c.value is not None else "") for c in row]
    texts = [text for _, text in cells]
    twice = any(texts.count(label) > 1 for label in COLUMNS[2][2])   # the name's headers
    ranked: dict[str, tuple[int, int]] = {}
    for column, text in cells:
        for field, _, labels in (*table, SENSE):
            if text in labels and (field not in ranked or labels.index(text) < ranked[field][0]
                                   or twice and labels.index(text) == ranked[field][0]):
                ranked[field] = (labels.index(text), column)
    return {field: column for field, (_, column) in ranked.items()}


# Labels of the national and county templates that name no field read here: beside or above the year's money and
# aims, they are not their values (项目资金 | 中期资金总额： | 1200 | 年度资金总额： | 400).
_OTHER_LABELS = ("中期目标", "长期目标", "总目标", "中期资金总额", "其中财政拨款", "其中财政资金", "其他资金",
                 "项目属性", "项目期", "年度主要任务", "任务名称", "对应项目")
# …and words between a label and its value that say which of it is meant (年度资金总额及构成 | 总额 | 1060).
_BETWEEN = ("总额", "合计", "总计")


def _is_label(value: object) -> bool:
    """A cell that names what is beside or under it: a project field's label, an indicator table's header,
    another label of the national template, or any short text ending in a colon (中期资金总额：)."""
    if not isinstance(value, str):
        return False
    text = label_text(value)
    return bool(_find_label(text, PROJECT_FIELDS) or _find_label(text, COLUMNS) or text in _OTHER_LABELS
                or (len(value.strip()) <= 12 and value.strip().endswith((":", "："))))


def _next_value(ws: Sheet, cell: SheetCell) -> SheetCell | None:
    """The value written right of a label: the next non-empty cell in the row, unless it is another label; with
    nothing right of it, the cell under it, unless that is a label (年度目标 over the year's aims)."""
    for col in range(cell.column + 1, min(ws.max_column, cell.column + 8) + 1):
        nxt = ws.cell(row=cell.row, column=col)
        if nxt.value not in (None, ""):
            if isinstance(nxt.value, str) and label_text(nxt.value) in _BETWEEN:
                continue
            return None if _is_label(nxt.value) else nxt
    below = ws.cell(row=cell.row + 1, column=cell.column)
    return None if below.value in (None, "") or _is_label(below.value) else below


def find_header(ws: Sheet, table: tuple = COLUMNS, *, least: int = 3) -> tuple[int | None, dict[str, int]]:
    """(row, field → column) of the indicator table's header row among a sheet's first 60 rows, or (None, {});
    `table` lists the columns to recognise (a self-evaluation table adds its 实际完成值), a header names the
    indicator and at least `least` columns in all."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60)):
        found = _header_columns(row, table)
        if "name" in found and len(found) >= least:
            return row[0].row, found
    return None, {}


# A table's title naming the period its targets are for: 长期绩效指标 / 年度绩效指标, 总目标 / 本年度 (county forms put
# the long-term indicator table above the year's).
_PERIOD_TITLE = re.compile(r"(年度|长期|中期|总目标|总体目标).{0,4}指标")


def _period_of(ws: Sheet, header_row: int) -> str:
    """The title of the indicator table whose header is `header_row`: a cell of its header row that is no
    header (长期绩效指标, merged down beside the table), or a one-cell row right above it; "" if none."""
    row = ws.values[header_row - 1] if header_row <= len(ws.values) else ()
    texts = [v for v in row if isinstance(v, str) and not _find_label(label_text(v), COLUMNS)]
    above = [v for v in (ws.values[header_row - 2] if header_row >= 2 else ()) if v not in (None, "")]
    if len(above) == 1 and isinstance(above[0], str):
        texts.append(above[0])
    return next((t for t in texts if _PERIOD_TITLE.search(label_text(t))), "")


def indicator_rows(ws: Sheet, first: int, columns: dict[str, int], table: tuple = COLUMNS
                   ) -> tuple[int, dict[str, int], set[int]]:
    """(header row, columns, rows to skip) of the indicator table to read, given the first header row and its
    columns. A sheet holding several tables (the long-term one above the year's) is read for the table titled
    年度; without such a title, from the first header down, other header rows skipped."""
    headers = [(first, columns)]
    for row in ws.iter_rows(min_row=first + 1, max_row=ws.max_row):
        found = _header_columns(row, table)
        if "name" in found and len(found) >= 3:
            headers.append((row[0].row, found))
    skip = {r for r, _ in headers}
    for n, (row, columns) in enumerate(headers):
        period = label_text(_period_of(ws, row))
        if len(headers) > 1 and "年度" in period and not re.search(r"长期|中期|总", period):
            end = headers[n + 1][0] - 1 if n + 1 < len(headers) else ws.max_row
            return row, columns, skip | set(range(1, row)) | set(range(end + 1, ws.max_row + 1))
    return first, headers[0][1], skip


_TITLE_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年度")


def title_year(ws: Sheet, header_row: int) -> dict:
    """{"year": …} from a title above the table that names its budget year (（2025年度）, 2025年度部门整体支出
    绩效目标表): a row of one short cell, the year alone or in a form's title (…表), not a sentence."""
    for row in ws.values[:header_row - 1]:
        texts = [v for v in row if v not in (None, "")]
        if len(texts) != 1 or not isinstance(texts[0], str):
            continue
        text = normalize_text(texts[0]).strip()
        found = _TITLE_YEAR.search(text)
        bare = re.fullmatch(r"[（(]?\s*20\d\d\s*年度\s*[)）]?", text)
        if found and (bare or ("表" in text and len(text) <= 40 and not re.search(r"[，。；：,;:]", text))):
            return {"year": int(found.group(1))}
    return {}


def _as_department(ws: Sheet, header_row: int, project: dict) -> None:
    """A table with no project name whose title names an overall goal (2025年度部门整体支出绩效目标申报表) or
    that names its 部门（单位）名称 is the unit's overall goal: its name is the unit's with the form's words
    (某县林业局部门整体支出), or the title when the unit is not written."""
    texts = [v for row in ws.values[:header_row - 1] for v in row if isinstance(v, str)]
    title = next((t.strip() for t in texts if names_overall_goal(t) and not _is_label(t)), "")
    named = any(label_text(t) in ("部门名称", "单位名称") for t in texts)
    unit = project.get("department")
    if not (title or named):
        return
    project["kind"] = "department"
    if isinstance(unit, str) and unit.strip():
        project["name"] = f"{unit.strip()}部门整体支出"
    elif title:
        project["name"] = title


def project_fields(ws: Sheet, header_row: int) -> tuple[dict[str, object], dict[str, str]]:
    """(field → value, field → the cell it came from or would be in) of the project labels above a form's
    indicator table; the budget's unit also from its label (预算金额（万元）)."""
    project: dict[str, object] = {}
    cells: dict[str, str] = {}
    for row in ws.iter_rows(min_row=1, max_row=header_row - 1):
        for c in row:
            label = label_text(c.value) if isinstance(c.value, str) else ""
            field = _find_label(label, PROJECT_FIELDS) if label else None
            if field is None or field in project:
                continue
            unit = re.search(r"(亿元|万元|元)", normalize_text(str(c.value)))
            value_cell = _next_value(ws, c)
            if field == "budget" and unit and "budget_unit" not in project:
                project["budget_unit"] = unit.group(1)
            if value_cell is not None:
                project[field] = value_cell.value
                cells[field] = value_cell.coordinate
            else:
                cells[field] = ws.where(c.row, c.column + 1)
    return project, cells


def _read_sheet(ws: Sheet, problems: list[CellProblem]) -> list[GoalDocument]:
    """The goal document of a sheet laid out as a form (the project's labels above its indicator table), or,
    for a list of many projects' indicators (a budget system's export, a 项目名称 column beside the indicator
    columns), one per project. A form with any problem gives no document."""
    header_row, columns = find_header(ws)
    if header_row is None:
        problems.append(CellProblem(ws.title, ws.where(1, 1), "", "找不到指标表的表头行（一级指标、二级指标、三级指标、"
                                                              "符号、指标值、计量单位…）；请使用模板的版式"))
        return []
    listed = project_columns(ws, header_row, columns)
    if "name" in listed:
        return _read_list(ws, header_row, columns, listed, problems)
    before = len(problems)
    project, cells = project_fields(ws, header_row)
    if "name" not in project:  # a 部门整体 table names the unit, not a project
        _as_department(ws, header_row, project)
    if "year" not in project:  # the form's title: 项目支出绩效目标表（2025年度）
        project.update(title_year(ws, header_row))
    header_row, columns, skip = indicator_rows(ws, header_row, columns)
    rows = [r for r in range(header_row + 1, ws.max_row + 1) if r not in skip]
    indicators, where = indicator_records(ws, rows, columns, problems)
    doc = _validated(ws, project, indicators, cells, columns, where, problems)
    return [doc] if doc is not None and len(problems) == before else []


def project_columns(ws: Sheet, header_row: int, columns: dict[str, int]) -> dict[str, int]:
    """Project field → column, for a header row that also names the project's fields beside the indicator's
    (项目名称 | 预算部门 | 项目金额（万元） | 一级指标 | …), as a budget system lists a season's indicators."""
    found: dict[str, int] = {}
    taken = set(columns.values())
    for cell in next(ws.iter_rows(min_row=header_row, max_row=header_row)):
        if cell.column in taken or not isinstance(cell.value, str):
            continue
        field = _find_label(label_text(cell.value), PROJECT_FIELDS)
        if field and field not in found:
            found[field] = cell.column
    return found


def _read_list(ws: Sheet, header_row: int, columns: dict[str, int], listed: dict[str, int],
               problems: list[CellProblem]) -> list[GoalDocument]:
    """One document per project of a list of indicators, a project's rows one after another (its name written
    on each, or on the first only, the cells below left empty or merged). A project with a problem gives no
    document; the others still do."""
    unit = re.search(r"(亿元|万元|元)", normalize_text(str(ws.cell(header_row, listed.get("budget", 1)).value or "")))
    docs = []
    for rows in list_groups(ws, header_row, listed["name"]):
        before = len(problems)
        project: dict[str, object] = {"budget_unit": unit.group(1)} if unit and "budget" in listed else {}
        cells: dict[str, str] = {}
        for field, column in listed.items():
            cell = next((c for r in rows if (c := ws.cell(r, column)).value not in (None, "")), None)
            cells[field] = (cell or ws.cell(rows[0], column)).coordinate
            if cell is not None:
                project[field] = cell.value
        indicators, where = indicator_records(ws, rows, columns, problems)
        doc = _validated(ws, project, indicators, cells, columns, where, problems)
        if doc is not None and len(problems) == before:
            docs.append(doc)
    return docs


def list_groups(ws: Sheet, header_row: int, column: int) -> list[list[int]]:
    """The rows of each project of a list under `header_row`, a project starting where `column` names a new one
    (its name written on each row, or on the first only)."""
    groups: list[list[int]] = []
    current = None
    for r in range(header_row + 1, ws.max_row + 1):
        name = _cell_text(ws.cell(r, column))
        if name and name != current:
            groups.append([])
            current = name
        if groups:
            groups[-1].append(r)
    return groups


def indicator_records(ws: Sheet, rows: list[int], columns: dict[str, int], problems: list[CellProblem]
                      ) -> tuple[list[dict], list[int]]:
    """(indicators, the row each came from) of an indicator table's `rows`, levels carried down merged cells."""
    indicators, where = [], []
    carry = {"level1": "", "level2": ""}
    for r in rows:
        record = _indicator(ws, r, columns, carry, problems)
        if record is not None:
            indicators.append(record)
            where.append(r)
    return indicators, where


def _indicator(ws: Sheet, r: int, columns: dict[str, int], carry: dict[str, str],
               problems: list[CellProblem]) -> dict | None:
    """Row r of an indicator table as an indicator's fields; None for an empty row, or one without a name
    (reported). `carry` holds the levels merged cells carry down."""
    by_field = {f: ws.cell(row=r, column=col) for f, col in columns.items()}
    if all(c.value in (None, "") for c in by_field.values()):
        return None
    record: dict[str, object] = {}
    for field, cell in by_field.items():
        value = cell.value
        if isinstance(value, str) and _FORMULA_ERROR.match(value.strip()):
            problems.append(CellProblem(ws.title, cell.coordinate, value, "是公式错误值；请填写实际内容"))
            value = None
        elif field in _NUMBER_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            if "%" in (cell.number_format or ""):  # 0.95 shown as 95%
                value = round(value * 100, 6)
                if field == "value" and not _cell_text(by_field["unit"]) if "unit" in by_field else True:
                    record["unit_from_format"] = "%"
            value = int(value) if isinstance(value, float) and value.is_integer() else value
        elif value is not None:
            value = _cell_text(cell)
        record[field] = value
    if record.pop("unit_from_format", None):
        record["unit"] = "%"
    sense = record.pop("sense", None)
    if sense and not record.get("operator"):
        record["operator"] = sense
    for level in ("level1", "level2"):  # merged cells: the level carries down until a new one appears
        if record.get(level):
            carry[level] = record[level]
            if level == "level1":
                carry["level2"] = ""
        else:
            record[level] = carry[level]
    if not record.get("name"):
        problems.append(CellProblem(ws.title, by_field["name"].coordinate, "",
                                    "这一行有内容但没有三级指标名称；请填写指标名称或删除该行"))
        return None
    return record


def _validated(ws: Sheet, project: dict, indicators: list[dict], cells: dict[str, str], columns: dict[str, int],
               where: list[int], problems: list[CellProblem]) -> GoalDocument | None:
    goal = project.pop("goal", "")
    raw = {"project": project, "goal": goal if goal is not None else "", "indicators": indicators}
    try:
        return GoalDocument.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(_locate(ws, err, cells, columns, where, raw))
        return None


def _locate(ws: Sheet, err: dict, cells: dict[str, str], columns: dict[str, int], rows: list[int],
            raw: dict) -> CellProblem:
    """The cell a validation error is about, with the value as written there."""
    loc, fix, sheet = err.get("loc", ()), _fix(err), ws.title
    if loc[:1] == ("project",):
        field = str(loc[1]) if len(loc) > 1 else "name"
        return CellProblem(sheet, cells.get(field, "B2"), _shown(raw["project"].get(field)), fix)
    if loc[:1] == ("indicators",) and len(loc) > 2 and isinstance(loc[1], int):
        col = columns.get(str(loc[2]), 1)
        value = raw["indicators"][loc[1]].get(str(loc[2]))
        return CellProblem(sheet, ws.where(rows[loc[1]], col), _shown(value), fix)
    return CellProblem(sheet, cells.get("goal", "B8"), _shown(raw.get("goal")), fix)


def _shown(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


_FIXES = {
    "missing": "不能为空",
    "string_too_short": "不能为空",
    "float_parsing": "应为数字，如 860",
    "int_parsing": "应为整数年份，如 2025",
    "greater_than_equal": "不能为负数",
}


def _fix(err: dict) -> str:
    message = str(err.get("msg", "")).removeprefix("Value error, ")
    loc = err.get("loc") or ("",)
    names = {"name": "项目名称" if "project" in loc else "三级指标名称", "budget": "预算金额", "year": "预算年度",
             "budget_unit": "金额单位", "value": "指标值", "baseline": "上年实际值", "goal": "年度绩效目标"}
    field = names.get(str(loc[-1]), "")
    if err.get("type") in _FIXES:
        return f"{field}{_FIXES[err['type']]}"
    return f"{field}：{message}" if field else message


def read_goal_workbook(data: bytes, *, source: str = "", limits: SheetLimits | None = None) -> list[GoalDocument]:
    """Every project sheet of a goal workbook (the instructions sheet and blank sheets are skipped), or
    of a goal table in CSV when `source` ends in .csv.

    The workbook is read within `limits` (`kb.sheets`): a file that unpacks to too much, or a sheet with
    a value past the last row or column read, is refused with a `TooLarge` (413) naming the limit."""
    docs, problems = read_goal_file_partial(data, source=source, limits=limits)
    if problems:
        raise GoalSheetError(problems)
    return docs


def read_goal_workbook_partial(data: bytes, *, source: str = "", limits: SheetLimits | None = None
                               ) -> tuple[list[GoalDocument], list[CellProblem]]:
    """The project sheets that read cleanly, and the problems of the others: a sheet with any problem
    gives no document, and one bad sheet never hides the rest (see `read_goal_workbook`)."""
    return _read_partial(lambda: read_workbook(data, name=source or "工作簿", limits=limits, formats=True), source)


def read_goal_csv_partial(data: bytes, *, source: str = "", limits: SheetLimits | None = None
                          ) -> tuple[list[GoalDocument], list[CellProblem]]:
    """A goal table saved as CSV (UTF-8 or GBK), laid out like one sheet of the template or of a
    system's export: the project's labels above the indicator table's header row."""
    return _read_partial(lambda: [read_csv(data, name=source or "CSV", limits=limits)], source)


def read_goal_file_partial(data: bytes, *, source: str = "", limits: SheetLimits | None = None
                           ) -> tuple[list[GoalDocument], list[CellProblem]]:
    """A goal workbook (.xlsx or .xls), Word document (.docx) or PDF, told by its content, or, when `source`
    ends in .csv, a goal table in CSV (`read_sheets`)."""
    return _read_partial(lambda: read_sheets(data, source=source, limits=limits), source)


def read_sheets(data: bytes, *, source: str = "", limits: SheetLimits | None = None) -> list[Sheet]:
    """The tables of a file as sheets: a CSV (by `source`'s suffix) as one, a Word document or a PDF (by its
    content, or a damaged one by its name) one per project (`word_projects`), a workbook (.xlsx or .xls) one
    per worksheet, number formats kept. Raises `InvalidInput` (422) for a file that cannot be read, `TooLarge`
    past a limit."""
    if source.lower().endswith(".csv"):
        return [read_csv(data, name=source or "CSV", limits=limits)]
    if is_docx(data) or source.lower().endswith(".docx"):   # a damaged .docx is told so as a Word document
        return word_projects(read_docx(data, source or "Word 文档", limits))
    if is_pdf(data) or source.lower().endswith(".pdf"):
        return word_projects(read_pdf(data, source or "PDF 文件", limits))
    return read_workbook(data, name=source or "工作簿", limits=limits, formats=True)


def read_goal_docx_partial(data: bytes, *, source: str = "", limits: SheetLimits | None = None
                           ) -> tuple[list[GoalDocument], list[CellProblem]]:
    """The goal tables of a Word document, one project per indicator table (`word_projects`)."""
    return _read_partial(lambda: word_projects(read_docx(data, source or "Word 文档", limits)), source)


def word_projects(blocks: list[Sheet]) -> list[Sheet]:
    """The projects of a Word document from its blocks (each table with the paragraphs before it): a project
    runs up to and including the block whose table holds the indicator header; a table titled for a period
    (年度绩效指标 below 长期绩效指标) naming no project is the same project's. A block after it with no header,
    no project name and no paragraph of its own continues its indicator rows (a table Word split across
    pages); other blocks without a header belong to the next project. Paragraphs after the last
    project (填表人, 联系电话) are no project; a block naming a project but no indicator table is one, so the
    reader says what it lacks."""
    projects: list[list[Sheet]] = []
    pending: list[Sheet] = []
    for block in blocks:
        header = find_header(block)[0]
        if header is not None:
            if projects and _period_of(block, header) and not any(_names_project(b) for b in [*pending, block]):
                projects[-1] += [*pending, block]   # the year's indicator table below the long-term one
            else:
                projects.append([*pending, block])
            pending = []
        elif projects and not pending and not _names_project(block) and not _has_paragraphs(block):
            projects[-1].append(block)
        else:
            pending.append(block)
    if any(_names_project(b) for b in pending) or not projects:
        projects.append(pending)
    return [joined(f"第{n}个项目", parts) for n, parts in enumerate(projects, start=1) if parts]


def _has_paragraphs(ws: Sheet) -> bool:
    return any(place.endswith("段") for place in ws.places.values())   # `kb.sheets_docx` names them so


def _names_project(ws: Sheet) -> bool:
    """Does a block hold the 项目名称 label (with a value beside it or not)?"""
    return any(isinstance(v, str) and _find_label(label_text(v), PROJECT_FIELDS) == "name"
               for row in ws.values for v in row)


def _read_partial(read: Callable[[], list[Sheet]], source: str) -> tuple[list[GoalDocument], list[CellProblem]]:
    """The documents of the sheets `read` returns; a file that cannot be read at all (422) is one problem,
    a file past a limit (413) is raised."""
    try:
        sheets = read()
    except InvalidInput as exc:
        if exc.status != 422:
            raise
        return [], [CellProblem(source or "文件", "", "", exc.message.split("：", 1)[-1])]
    return _sheet_documents(sheets, source)


def stacked_forms(ws: Sheet) -> list[Sheet]:
    """A sheet of several forms one under another (as a department's publication, or the season's 自评表
    export, lays them out) as one part each, cut above each 项目名称 row and the one-cell title lines over
    it; else the sheet. Each part keeps its cells' places (`Sheet.part`)."""
    starts = [r for r, row in enumerate(ws.values, start=1)
              if any(isinstance(v, str) and label_text(v) == "项目名称" for v in row)]
    if len(starts) < 2:
        return [ws]
    cuts: list[int] = []
    for start in starts[1:]:
        r = start
        while r - 1 > (cuts[-1] if cuts else starts[0]) and sum(v not in (None, "") for v in ws.values[r - 2]) <= 1:
            r -= 1
        cuts.append(r)
    return [ws.part(first, last - 1) for first, last in zip([1, *cuts], [*cuts, ws.max_row + 1], strict=True)]


def read_goal_sheet_partial(ws: Sheet) -> tuple[list[GoalDocument], list[CellProblem]]:
    """The goal documents of one sheet made elsewhere (cells pasted from a spreadsheet), read as a workbook's
    sheet is: a form, forms one under another, or a budget system's list; problems name the sheet's title."""
    return _sheet_documents([replace(ws, title="")], ws.title)


def _sheet_documents(sheets: list[Sheet], source: str) -> tuple[list[GoalDocument], list[CellProblem]]:
    problems: list[CellProblem] = []
    docs = []
    for ws in sheets:
        if label_text(ws.title) in (INSTRUCTIONS, "说明", "填报说明") or ws.is_blank():
            continue
        for part in stacked_forms(ws):
            docs += _read_sheet(part, problems)
    if not docs and not problems:
        problems.append(CellProblem(source or "工作簿", "", "", "没有填写任何项目；请在模板中填写项目信息和指标"))
    if source:   # a CSV's one sheet has no name of its own: the file's is enough
        problems = [CellProblem(f"{source} › {p.sheet}" if p.sheet else source, p.cell, p.value, p.fix)
                    for p in problems]
    return docs, problems


def _documents_from_json(data: object, name: str, problems: list[CellProblem], start: str = "") -> list:
    if isinstance(data, dict) and "documents" in data and "project" not in data:
        data = data["documents"]
    items = data if isinstance(data, list) else [data]
    docs = []
    for i, item in enumerate(items):
        where = start or (f"第{i + 1}个文档" if isinstance(data, list) else "文档")
        try:
            docs.append(GoalDocument.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                path = ".".join(str(x) for x in err.get("loc", ()))
                value = err.get("input")
                shown = "" if isinstance(value, dict | list) or value is None else str(value)
                problems.append(CellProblem(name, f"{where} {path}".strip(), shown, _fix(err)))
    return docs


def read_goal_batch(path: str | Path) -> list[GoalDocument]:
    """Every goal document of a file or folder (see `read_goal_batch_partial`); GoalSheetError on any problem."""
    docs, problems = read_goal_batch_partial(path)
    if problems:
        raise GoalSheetError(problems)
    return docs


def read_goal_batch_partial(path: str | Path) -> tuple[list[GoalDocument], list[CellProblem]]:
    """Goal documents from a .json file (one document, a list, or {"documents": […]}), a .jsonl file
    (one per line), an .xlsx, .xls or .et workbook, a .csv goal table, a Word document's or a PDF's goal tables, or a
    folder holding such files (read in name order), and the problems of the files, lines and sheets that could
    not be read: one bad item never hides the rest."""
    path = Path(path)
    if not path.exists():
        raise GoalSheetError([CellProblem(str(path), "", "", "文件或文件夹不存在")])
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".jsonl", *SHEET_SUFFIXES)
                   and not p.name.startswith((".", "~$"))) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise GoalSheetError([CellProblem(str(path), "", "", f"文件夹中没有 {_BATCH_KINDS} 文件")])
    problems: list[CellProblem] = []
    docs: list[GoalDocument] = []
    for f in files:
        suffix = f.suffix.lower()
        if suffix in SHEET_SUFFIXES:
            try:
                docs += read_goal_workbook(f.read_bytes(), source=f.name)
            except GoalSheetError as exc:
                problems += exc.problems
            continue
        if suffix not in (".json", ".jsonl"):
            problems.append(CellProblem(f.name, "", "", OLD_WORD.get(suffix, f"只能读取 {_BATCH_KINDS} 文件")))
            continue
        try:
            text = f.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError) as exc:
            problems.append(CellProblem(f.name, "", "", f"无法读取（{exc.__class__.__name__}）；请保存为 UTF-8 编码"))
            continue
        if suffix == ".jsonl":
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    _parse_json(line, f.name, problems, docs, where=f"第{n}行")
        else:
            _parse_json(text, f.name, problems, docs)
    return docs, problems


def _parse_json(text: str, name: str, problems: list[CellProblem], docs: list, where: str = "") -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(CellProblem(name, where or f"第{exc.lineno}行第{exc.colno}列", "",
                                    f"不是有效的 JSON：{exc.msg}"))
        return
    except RecursionError:
        problems.append(CellProblem(name, where, "", "嵌套层数过多，不是目标文档；请上传导出的 JSON 文件"))
        return
    docs += _documents_from_json(data, name, problems, where)
