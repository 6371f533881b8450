"""Cells pasted from Excel or WPS: a draft's indicator rows, or a whole form to check.

Copying cells in Excel or WPS puts them on the clipboard as tab-separated lines (a cell holding a line break
or a tab comes quoted). A department that keeps last year's table in a workbook selects its indicator rows,
with the header row or without it, and pastes them; they are read as the goal-table readers read a sheet:

- with a header row (一级指标 | 二级指标 | 三级指标 | 指标值 …, in any of the names `goal_sheets` knows), by it;
- without one, by what the columns hold: the columns of level names (产出指标, 数量指标), then the indicator's
  name, then an operator column if there is one (≥, 不低于), the value, the unit and the basis, in the order
  the national form lays them out.

Levels left blank under a merged cell carry down. A value that only puts an operator before a number and a
unit (≥3200盏, >=95%) fills the operator, value and unit boxes it would have been typed into, when those boxes
were not pasted otherwise; any other value stays as written (95%以上, 不低于上年) and is read by the checker as it
is from a file. A whole form copied with its labels above the table (项目名称 | 城区路灯维护, 年度绩效目标 |
…) also gives the project's fields and goal. `pasted_rows(text, limit=…)` → `Pasted` (indicator records,
project fields, problems in Chinese); `pasted_documents(text)` → the goal documents of a pasted form
or list, with the problems of what could not be read; `pasted_csv(text)` → the paste as a CSV file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from indicators.framework import DEPARTMENT, PROJECT
from indicators.goal_sheets import (
    CellProblem,
    find_header,
    indicator_records,
    indicator_rows,
    project_fields,
    read_goal_sheet_partial,
    title_year,
)
from indicators.goals import MAX_INDICATORS, GoalDocument
from indicators.values import canonical_operator, parse_number
from kb.errors import InvalidInput
from kb.sheets import Sheet
from kb.text import normalize_text

MAX_PASTE_CHARS = 100_000
MAX_PASTE_COLUMNS = 60  # the widest goal tables (a self-evaluation's) have about 20
TITLE = "粘贴的表格"
NOTHING = "没有粘贴内容：请在 Excel 或 WPS 中选中指标行（可连同表头行）复制，再粘贴到框中"
UNREAD = ("没有认出指标名称所在的列：请连同表头行（一级指标、二级指标、三级指标、指标值）一起复制后再粘贴，"
          "或在下方搜索指标库逐个添加")
NO_ROWS = "粘贴的表格只有表头，没有指标行：请连同表头下面的指标行一起复制"
_SHORT = 8     # a unit cell is at most this long (万元/公里, 人次)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # what no cell shows (a line break within a cell stays)
_MOSTLY = 0.5  # share of a column's filled cells that decides what the column holds
# ≥3200盏, >= 95 %, ＜0.5万元: an operator, a number and at most a short unit, nothing else
_BOXED = re.compile(rf"^(>=|<=|≥|≤|≧|≦|>|<|=)\s*(\d[\d,]*(?:\.\d+)?)\s*([^\d\s]{{0,{_SHORT}}})$")


@dataclass
class Pasted:
    """What a paste held: indicator records with the fields `goal_sheets` reads, the project's fields and
    goal when the whole form was copied (its labels above the indicator table), what could not be taken."""

    records: list[dict] = field(default_factory=list)
    project: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def pasted_sheet(text: str) -> Sheet:
    """The cells copied out of a spreadsheet as a sheet, each row placed by its line (第3行第2格), blank lines
    left out. Raises `InvalidInput` for nothing pasted, more than `MAX_PASTE_CHARS` or `MAX_PASTE_COLUMNS`."""
    if not text.strip():
        raise InvalidInput(NOTHING)
    if len(text) > MAX_PASTE_CHARS:
        raise InvalidInput(f"粘贴的内容有 {len(text)} 个字符，超过 {MAX_PASTE_CHARS} 的上限；请分几次粘贴")
    lines = csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t")
    cells = (tuple(_CONTROL.sub("", c).strip() for c in row) for row in lines)
    kept = [(n, row) for n, row in enumerate(cells, start=1) if any(row)]
    rows = [row for _, row in kept]
    width = max((len(r) for r in rows), default=0)
    if width > MAX_PASTE_COLUMNS:
        raise InvalidInput(f"粘贴的内容有 {width} 列，超过指标表的 {MAX_PASTE_COLUMNS} 列；请只复制指标表的各列")
    return Sheet(TITLE, rows, places={r: f"第{n}行" for r, (n, _) in enumerate(kept, start=1)})


def pasted_documents(text: str) -> tuple[list[GoalDocument], list[CellProblem]]:
    """The goal documents of a paste read as the sheet it came from (`goal_sheets.read_goal_sheet_partial`):
    a form, forms one under another, or a budget system's list."""
    return read_goal_sheet_partial(pasted_sheet(text))


def pasted_csv(text: str) -> bytes:
    """The paste as the UTF-8 CSV file it would be saved as, for readers that take files (the actuals import)."""
    out = io.StringIO()
    csv.writer(out).writerows(pasted_sheet(text).values)
    return out.getvalue().encode("utf-8")


def pasted_rows(text: str, *, limit: int) -> Pasted:
    """What cells copied out of a spreadsheet hold; at most `limit` indicator records are taken."""
    try:
        sheet = pasted_sheet(text)
    except InvalidInput as exc:
        return Pasted(problems=[exc.message])
    rows = sheet.values
    header, columns = find_header(sheet, least=2)  # 三级指标 | 指标值 is header enough for a few rows
    project: dict[str, object] = {}
    if header is not None:
        project, _ = project_fields(sheet, header)  # labels above the table: the whole form was copied
        if project and "year" not in project:
            project.update(title_year(sheet, header))
        header, columns, skip = indicator_rows(sheet, header, columns)
        body = [r for r in range(header + 1, sheet.max_row + 1) if r not in skip]
    else:
        columns = _columns_by_content(rows)
        body = list(range(1, sheet.max_row + 1))
    if "name" not in columns:
        return Pasted(problems=[UNREAD])
    found = []
    records, _ = indicator_records(sheet, body, columns, found)
    records = [_in_boxes(r) for r in records]
    problems = [f"{p.cell}：{p.fix}" for p in found]
    if not records and not problems:
        problems.append(NO_ROWS)
    if len(records) > limit:
        problems.append(f"粘贴了 {len(records)} 个指标，只添加了前 {limit} 个（一份目标最多 {MAX_INDICATORS} 个指标）")
    return Pasted(records[:limit], project, problems)


def _in_boxes(record: dict) -> dict:
    """A record whose value is only an operator, a number and a unit (≥3200盏), with no operator of its own
    and no other unit, split into the three boxes a person would have typed it into; others as they are."""
    value, unit = record.get("value"), str(record.get("unit") or "").strip()
    if record.get("operator") not in (None, "") or not isinstance(value, str):
        return record
    m = _BOXED.match(normalize_text(value).strip())
    if m is None or not _is_unit(m.group(3)) or (unit and m.group(3) and m.group(3) != unit):
        return record
    return {**record, "operator": canonical_operator(m.group(1)), "value": m.group(2), "unit": m.group(3) or unit}


def _columns_by_content(rows: list[tuple]) -> dict[str, int]:
    """field → column (1-based) of rows pasted without their header, told by what each column holds."""
    width = max((len(r) for r in rows), default=0)
    cells = [[r[c] for r in rows if c < len(r) and r[c]] for c in range(width)]
    columns: dict[str, int] = {}
    rest = list(range(width))
    for level, test in (("level1", _is_level1), ("level2", _is_level2)):
        column = next((c for c in rest if _mostly(cells[c], test)), None)
        if column is not None:
            columns[level] = column + 1
            rest = [c for c in rest if c > column]
    rest = [c for c in rest if cells[c]]
    name = next((c for c in rest if _mostly(cells[c], _is_words)), None)
    if name is None:
        return columns
    columns["name"] = name + 1
    after = [c for c in rest if c > name]
    if after and _mostly(cells[after[0]], _is_operator):
        columns["operator"] = after.pop(0) + 1
    for kind in ("value", "unit", "basis"):
        if not after:
            break
        if kind == "unit" and not _mostly(cells[after[0]], _is_unit):
            continue
        columns[kind] = after.pop(0) + 1
    return columns


def _mostly(cells: list[str], test) -> bool:
    return bool(cells) and sum(map(test, cells)) >= _MOSTLY * len(cells)


def _is_level1(text: str) -> bool:
    text = normalize_text(text)  # 產出指標 as a Traditional table writes it
    return any(fw.canonical_level1(text) for fw in (PROJECT, DEPARTMENT))


def _is_level2(text: str) -> bool:
    text = normalize_text(text)
    return any(fw.written_level2(text) for fw in (PROJECT, DEPARTMENT))


def _is_operator(text: str) -> bool:
    """An operator alone (≥, 不低于, 定性), not a target that starts with one (≥98%)."""
    return len(text) <= 4 and not any(ch.isdigit() for ch in text) and canonical_operator(text) is not None


def _is_words(text: str) -> bool:
    """An indicator's name: words, not a number or a target (95%, ≥3200)."""
    return parse_number(text) is None and sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 2


def _is_unit(text: str) -> bool:
    """A unit (盏, 万元/公里, %): short, no digits, not a basis (计划标准)."""
    return len(text) <= _SHORT and not any(ch.isdigit() for ch in text) and not text.endswith("标准")
