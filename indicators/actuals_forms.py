"""The forms departments fill during the year, read and matched to the goal approved for their project:
the 项目支出绩效自评表 after it and the 绩效监控表 during it.

Departments fill the national self-evaluation form (attached to 财预〔2020〕10号) or their province's version
of it, in Excel, WPS or Word: the project's name and unit, the money block (年初预算数 | 全年预算数 |
全年执行数 under 项目资金（万元）, its 年度资金总额 row), and the indicator table with 年度指标值,
实际完成值, 分值, 得分 and 偏差原因分析及改进措施. A monitoring form has the same shape with what was
done by a month (1-6月执行数, 1-7月执行情况 or 半年度指标执行情况) and 完成目标可能性. A budget system's list
of a season (项目名称 on every indicator row, the actual beside the target) is read too, one form per project.

- `read_forms(sheets, EVALUATION | MONITORING)` → the forms the tables hold, and what could not be read
- `Projects(candidates, indicators).match(form)` → the approved project the form names; `.by_rows(form)`
  → the one its rows name, when its project name was changed
- `match_actuals(form, document)` → actuals by indicator of the approved goal, and the rows left over

A row is matched to the approved indicator of the same name (written in Simplified or Traditional, with
or without spaces and brackets); failing that, to the most alike name not yet taken, when at least half
its characters agree. Nothing is guessed from position alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.actuals import Actual
from indicators.goal_sheets import (
    COLUMNS,
    INSTRUCTIONS,
    CellProblem,
    find_header,
    indicator_records,
    indicator_rows,
    label_text,
    list_groups,
    project_columns,
    project_fields,
    stacked_forms,
    title_year,
)
from indicators.goals import MAX_INDICATORS, GoalDocument
from indicators.values import MONEY_SCALES
from kb.sheets import Sheet
from kb.text import normalize_text

# The columns of a self-evaluation's indicator table beyond a goal table's.
ACTUAL = ("actual", "实际完成值", ("实际完成值", "全年实际完成值", "年度实际完成值", "全年实际值", "实际完成指标值",
                                   "实际完成情况", "实际完成数", "全年完成值", "实际达成值", "实际值", "完成值",
                                   "实际完成"))
REASON = ("reason", "偏差原因分析及改进措施",
          ("偏差原因分析及改进措施", "偏差原因分析及整改措施", "偏差原因及改进措施", "偏差原因分析", "偏差原因",
           "未完成原因", "未完成原因分析", "原因分析及改进措施", "原因分析", "偏差说明", "未完成原因和改进措施",
           "偏差或不能完成目标原因分析", "偏差原因及拟采取的措施"))
# A monitoring form's: what was done by the month monitored (1-7月执行情况; 截至6月底 reads as 1-6月).
_BY_MONTH = tuple(f"1-{m}月{w}" for m in range(1, 13) for w in (
    "执行情况", "完成情况", "实际完成值", "完成值", "指标执行情况", "实际完成情况", "累计完成值", "指标完成情况"))
MONITOR_ACTUAL = ("actual", "执行情况", _BY_MONTH + (
    "半年度指标执行情况", "半年指标执行情况", "半年度执行情况", "半年执行情况", "指标执行情况", "执行情况",
    "截至目前完成值", "累计完成值", "目前完成情况", "当前完成值", "完成情况"))
# Headers of the money block's column that holds what was spent.
SPENT_HEADERS = ("全年执行数", "执行数", "实际执行数", "全年实际执行数", "实际支出数", "实际支出", "全年支出数",
                 "支出数", "决算数", "全年实际支出", "已支出金额", "实际使用金额")
MONITOR_SPENT = tuple(f"1-{m}月{w}" for m in range(1, 13) for w in ("执行数", "支出数", "实际支出", "累计支出",
                                                                    "执行金额", "实际执行数")) + (
    "半年执行数", "半年度执行数", "执行数", "实际支出", "实际支出数", "已支出金额", "已支出", "累计支出数")


@dataclass(frozen=True)
class FormKind:
    """What a kind of form is called and where its actuals and money spent are written."""

    noun: str
    table: tuple
    spent: tuple[str, ...]


EVALUATION = FormKind("项目支出绩效自评表", (*COLUMNS, ACTUAL, REASON), SPENT_HEADERS)
MONITORING = FormKind("绩效监控表", (*COLUMNS, MONITOR_ACTUAL, REASON), MONITOR_SPENT)
_TOTAL_ROW = re.compile(r"资金总额|合计|总计|小计|年度资金")
# The first cell of a row below the indicators: the total score, or a signature or note line (填表人：…).
_CLOSING = re.compile(r"^(?:(?:总分|合计|总计|综合得分|自评得分|自评总分|得分合计)$"
                      r"|(?:填表人|填报人|联系电话|审核人|单位负责人|财务负责人|项目负责人|说明|备注|注)\s*[:：])")
_MONEY_UNIT = re.compile(r"(亿元|万元|千元|元)")
_NOISE = re.compile(r"[\s\"'“”‘’、，,。.·:：;；!！?？\-—_/\\()（）\[\]【】《》<>〈〉]")
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d\d年(?:度)?")
_MONTH = re.compile(r"^1-(\d{1,2})月")
MAX_AMOUNT = 1e15   # past any budget (元); a larger figure is no sum of money
MATCH_SHARE = 0.5   # the least share of a name's characters that must agree for a row to match
ROWS_TO_PLACE, PLACED_SHARE = 3, 0.6   # a form placed by its rows names at least 3, and 60% of its rows


@dataclass
class FiledRow:
    """One indicator row of a form as written, and where it is."""

    name: str
    level1: str
    level2: str
    target: str
    actual: object
    reason: str | None
    where: str


@dataclass
class FiledForm:
    """One project's self-evaluation or monitoring as its table gives it."""

    source: str                      # the sheet (or Word project) it came from
    name: str
    department: str
    spent: float | None = None       # 全年执行数 (1-7月执行数), in `spent_unit`
    spent_unit: str | None = None
    spent_where: str = ""
    rows: list[FiledRow] = field(default_factory=list)
    month: int | None = None         # the last month a monitoring form covers (1-7月: 7)
    year: int | None = None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def key(name: str) -> str:
    """A name as compared: Simplified, half-width, no spaces or punctuation."""
    return _NOISE.sub("", normalize_text(name or ""))


def _amount(value: object) -> float | None:
    """A sum of money written in a cell (360, "360.5", "1,200万元"); None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    else:
        text = normalize_text(_text(value)).replace(",", "").replace(" ", "")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(亿元|万元|千元|元)?", text)
        amount = float(match.group(1)) if match else -1.0
    return amount if 0 <= amount < MAX_AMOUNT else None


def _month(*headers: object) -> int | None:
    """The last month a header covers: 1-7月执行情况 → 7, 半年度… → 6; None for none."""
    for header in headers:
        text = label_text(header)
        if (found := _MONTH.match(text)) and 1 <= int(found.group(1)) <= 12:
            return int(found.group(1))
        if text.startswith("半年"):
            return 6
    return None


def _spent(ws: Sheet, header_row: int, kind: FormKind) -> tuple[float | None, str | None, str, str]:
    """(the money spent, its unit, its cell, its header) from the money block above the indicator table: the
    column headed 全年执行数 (1-7月执行数 on a monitoring form), read in the row that totals the money
    (年度资金总额), else the first number under it."""
    for r in range(1, header_row):
        for c, value in enumerate(ws.values[r - 1], start=1):
            if not isinstance(value, str) or label_text(value) not in kind.spent:
                continue
            unit = _MONEY_UNIT.search(normalize_text(value)) or next(
                (m for v in ws.values[r - 1] if isinstance(v, str) and (m := _MONEY_UNIT.search(normalize_text(v)))),
                None)
            below = range(r + 1, min(header_row, r + 8))
            rows = [b for b in below if any(isinstance(v, str) and _TOTAL_ROW.search(normalize_text(v))
                                            for v in ws.values[b - 1][:c - 1])]
            for b in rows + [b for b in below if b not in rows]:
                amount = _amount(ws.cell(b, c).value)
                if amount is not None:
                    return amount, unit.group(1) if unit else None, _place(ws, b, c), value
            return None, unit.group(1) if unit else None, _place(ws, r + 1, c), value
    return None, None, "", ""


def _place(ws: Sheet, row: int, column: int) -> str:
    """Where a cell is for a person: 表2第3行第6格 in a Word document, the sheet and F13 in a workbook."""
    return ws.where(row, column) if ws.places else f"{ws.title} {ws.where(row, column)}"


def _rows(ws: Sheet, rows: list[int], columns: dict[str, int], problems: list[CellProblem]) -> list[FiledRow]:
    """The indicator rows (a 总分 row below them, and a 填表人 line, are none)."""
    rows = [r for r in rows if not _CLOSING.match(normalize_text(_text(next(
        (v for v in ws.values[r - 1] if v not in (None, "")), ""))))]
    records, where = indicator_records(ws, rows, columns, problems)
    out = []
    for record, r in zip(records, where, strict=True):
        reason = _text(record.get("reason")) or None
        target = f"{_text(record.get('operator'))}{_text(record.get('value'))}{_text(record.get('unit'))}"
        out.append(FiledRow(name=_text(record["name"]), level1=_text(record.get("level1")),
                            level2=_text(record.get("level2")), target=target, actual=record.get("actual"),
                            reason=reason, where=_place(ws, r, columns["actual"])))
    return out


def _year(ws: Sheet, header_row: int, project: dict) -> int | None:
    """The form's year: its 预算年度, else its title's (（2025年度）, `title_year`), never a project name's."""
    written = normalize_text(_text(project.get("year")))
    if (found := re.match(r"((?:19|20)\d\d)", written)) is not None:
        return int(found.group(1))
    return title_year(ws, header_row).get("year")


def _form(ws: Sheet, header_row: int, columns: dict[str, int], kind: FormKind,
          problems: list[CellProblem]) -> FiledForm | None:
    project, _ = project_fields(ws, header_row)
    name = _text(project.get("name"))
    if not name:
        problems.append(CellProblem(ws.title, "", "", f"{kind.noun}没有填写项目名称；请填写与申报时一致的项目名称"))
        return None
    spent, unit, spent_where, spent_header = _spent(ws, header_row, kind)
    actual_header = ws.cell(header_row, columns["actual"]).value
    year = _year(ws, header_row, project)
    header_row, columns, skip = indicator_rows(ws, header_row, columns, kind.table)
    if "actual" not in columns:   # the year's table, below another that has the column, lacks it
        problems.append(_no_actuals(ws, kind))
        return None
    rows = [r for r in range(header_row + 1, ws.max_row + 1) if r not in skip]
    return FiledForm(source=ws.title, name=name, department=_text(project.get("department")), spent=spent,
                     spent_unit=unit or (_text(project.get("budget_unit")) or None), spent_where=spent_where,
                     rows=_rows(ws, rows, columns, problems), month=_month(spent_header, actual_header), year=year)


def _list(ws: Sheet, header_row: int, columns: dict[str, int], listed: dict[str, int], kind: FormKind,
          problems: list[CellProblem]) -> list[FiledForm]:
    """A season's list: 项目名称 (and 预算部门, 全年执行数) on the rows of each project."""
    header = ws.values[header_row - 1]
    spent_col = next((c for c, v in enumerate(header, start=1) if isinstance(v, str) and label_text(v) in kind.spent),
                     None)
    unit = None
    if spent_col is not None:
        found = _MONEY_UNIT.search(normalize_text(str(header[spent_col - 1])))
        unit = found.group(1) if found else None
    month = _month(header[spent_col - 1] if spent_col else None, header[columns["actual"] - 1])
    out = []
    for rows in list_groups(ws, header_row, listed["name"]):
        first = rows[0]
        spent = next((a for r in rows if spent_col and (a := _amount(ws.cell(r, spent_col).value)) is not None), None)
        department = next((_text(ws.cell(r, listed["department"]).value) for r in rows
                           if "department" in listed and ws.cell(r, listed["department"]).value), "")
        out.append(FiledForm(source=ws.title, name=_text(ws.cell(first, listed["name"]).value),
                             department=department, spent=spent, spent_unit=unit,
                             spent_where=_place(ws, first, spent_col) if spent_col else "",
                             rows=_rows(ws, rows, columns, problems), month=month))
    return out


def _no_actuals(ws: Sheet, kind: FormKind) -> CellProblem:
    return CellProblem(ws.title, "", "", f"找不到含 三级指标 和 {kind.table[-2][1]} 两列的指标表；请上传{kind.noun}，"
                                         "或用“下载填报表”得到的表格填写")


def read_forms(sheets: list[Sheet], kind: FormKind = EVALUATION) -> tuple[list[FiledForm], list[CellProblem]]:
    """The forms of a file's sheets (a workbook's worksheets, a Word document's projects): each sheet a form,
    several forms one under another, or a list of a season's projects. Instructions and blank sheets are
    skipped; a sheet without a column for the actuals is reported when the file holds no form at all (a
    summary sheet beside the forms is none)."""
    found: list[FiledForm] = []
    problems: list[CellProblem] = []
    not_forms: list[CellProblem] = []
    for ws in sheets:
        if ws.title.strip() in (INSTRUCTIONS, "说明", "填报说明") or ws.is_blank():
            continue
        for part in stacked_forms(ws):
            header_row, columns = find_header(part, kind.table)
            if header_row is None or "actual" not in columns:
                not_forms.append(_no_actuals(part, kind))
                continue
            listed = project_columns(part, header_row, columns)
            if "name" in listed:
                found += _list(part, header_row, columns, listed, kind, problems)
            elif (form := _form(part, header_row, columns, kind, problems)) is not None:
                found.append(form)
    return found, problems + ([] if found else not_forms)


# ---------------------------------------------------------------------------- matching

def _share(a: str, b: str) -> float:
    """How alike two names are: the characters they share (with repeats) over the longer name's length."""
    if not a or not b:
        return 0.0
    pool = list(b)
    shared = 0
    for ch in a:
        if ch in pool:
            pool.remove(ch)
            shared += 1
    return shared / max(len(a), len(b))


def _project_key(name: str) -> str:
    return _YEAR_PREFIX.sub("", key(name))


class Projects:
    """The projects a form may name (id → (name, department)), keyed once for many lookups; with each one's
    indicator names (id → names), a form whose project name was changed can still be placed by its rows."""

    def __init__(self, candidates: dict[int, tuple[str, str]], indicators: dict[int, list[str]] | None = None):
        self.departments = {pid: key(department) for pid, (_, department) in candidates.items()}
        self.keys = {pid: _project_key(name) for pid, (name, _) in candidates.items()}
        self.exact: dict[str, list[int]] = {}
        for pid, name in self.keys.items():
            self.exact.setdefault(name, []).append(pid)
        self.indicators = {pid: {key(n) for n in names} for pid, names in (indicators or {}).items()}

    def _same_unit(self, pids: list[int], department: str) -> list[int]:
        unit = key(department)
        return [pid for pid in pids if unit and (d := self.departments[pid]) and (d in unit or unit in d)]

    def match(self, form: FiledForm) -> int | None:
        """The id of the project the form names: the same name (a year in front set aside), else the one name
        that holds the other, else none; of several with the name, the one of the same unit."""
        wanted = _project_key(form.name)
        if not wanted:
            return None
        same = self.exact.get(wanted, [])
        if not same and len(wanted) >= 4:
            same = [pid for pid, k in self.keys.items() if len(k) >= 4 and (k in wanted or wanted in k)]
        if len(same) > 1 and form.department:
            same = self._same_unit(same, form.department) or same
        return same[0] if len(same) == 1 else None

    def by_rows(self, form: FiledForm) -> int | None:
        """The one project of the form's unit whose approved indicators the form's rows name: at least
        `ROWS_TO_PLACE` of them and most of the form's rows, more than for any other project of the unit."""
        rows = {key(row.name) for row in form.rows}
        shared = sorted(((len(rows & self.indicators.get(pid, set())), pid)
                         for pid in self._same_unit(list(self.keys), form.department)), reverse=True)
        if not shared or shared[0][0] < max(ROWS_TO_PLACE, PLACED_SHARE * len(rows)):
            return None
        return shared[0][1] if len(shared) == 1 or shared[1][0] < shared[0][0] else None


def match_actuals(form: FiledForm, document: GoalDocument
                  ) -> tuple[list[Actual], list[FiledRow], list[tuple[FiledRow, str]]]:
    """(actuals by the approved indicator each row matches, rows that match none, rows that match but cannot
    be taken with why). A row without an actual or a reason is left out, as an empty cell of the form."""
    rows = [row for row in form.rows if _text(row.actual) or row.reason]
    if len(rows) > MAX_INDICATORS:
        return [], [], [(rows[0], f"这张表有 {len(rows)} 行填了完成值，多于一个项目最多的 {MAX_INDICATORS} 个指标；"
                                  "请一个项目一张表，只填批复的指标")]
    names = [key(ind.name) for ind in document.indicators]
    taken: dict[int, FiledRow] = {}
    pending = []
    for row in rows:   # the same name first
        n = next((i for i, name in enumerate(names) if name == key(row.name) and i not in taken), None)
        if n is None:
            pending.append(row)
        else:
            taken[n] = row
    alike = [(_share(key(row.name), names[n]) + (0.01 if key(row.level2) == key(document.indicators[n].level2) else 0),
              -i, -n) for i, row in enumerate(pending) for n in range(len(names)) if n not in taken]
    placed: set[int] = set()
    for share, i, n in sorted(alike, reverse=True):   # the most alike pairs first, earlier rows and indicators
        if share < MATCH_SHARE or -n in taken or -i in placed:
            continue
        taken[-n] = pending[-i]
        placed.add(-i)
    left = [row for i, row in enumerate(pending) if i not in placed]
    actuals, refused = [], []
    for n, row in sorted(taken.items()):
        value = row.actual
        if isinstance(value, str):
            value = value.strip() or None
        if isinstance(value, str) and len(value) > 200:
            refused.append((row, "实际完成值超过 200 字；请只写数值、日期或 达成/部分达成/未达成，说明写在偏差原因中"))
            continue
        if row.reason and len(row.reason) > 2000:
            refused.append((row, "偏差原因超过 2000 字；请精简后再上传"))
            continue
        actuals.append(Actual(indicator=n, value=value, reason=row.reason))
    return actuals, left, refused


def money_in(amount: float, unit: str | None, budget_unit: str | None) -> float:
    """An amount written in `unit` as it reads in the budget's unit (either unknown: as written)."""
    if not unit or not budget_unit or unit not in MONEY_SCALES or budget_unit not in MONEY_SCALES:
        return amount
    return round(amount * MONEY_SCALES[unit] / MONEY_SCALES[budget_unit], 6)
