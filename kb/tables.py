"""Reading plain tables (.xlsx, .xls or WPS .et, .csv) and writing them (.xlsx, .csv), with row numbers kept
for error messages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kb.errors import InvalidInput
from kb.settings import get_settings
from kb.sheets import WORKBOOK_SUFFIXES, SheetLimits, cell_text, keep_text, read_csv, read_workbook

SUFFIXES = (".xlsx", ".csv")  # written
READ_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")  # read: a bureau's older library may be Excel 97-2003 or WPS
READ_KINDS = ".xlsx、.xls、WPS 表格 .et 或 .csv"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, *, limits: SheetLimits | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number as the user sees it, cells)]) of the first sheet or the CSV file;
    blank rows are skipped. Reading stays within `limits` (by default the settings')."""
    limits = limits or SheetLimits.from_settings(get_settings())
    suffix = path.suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise InvalidInput(f"{path.name}：指标库文件须为 {READ_KINDS}，而不是 {suffix or '无扩展名'}")
    if not path.exists():
        raise InvalidInput(f"{path}：文件不存在")
    if not path.is_file():
        raise InvalidInput(f"{path}：是文件夹，不是文件；请给出一个 {READ_KINDS} 文件")
    rows = _read_csv(path, limits) if suffix == ".csv" else _read_workbook(path, limits)
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1) if any(cells)]
    if not numbered:
        raise InvalidInput(f"{path.name}：文件是空的；第一行应为列名")
    (_, header), body = numbered[0], numbered[1:]
    return [h.strip() for h in header], body


def _read_workbook(path: Path, limits: SheetLimits) -> list[list[str]]:
    sheets = read_workbook(path, name=path.name, limits=limits)
    if not sheets:
        raise InvalidInput(f"{path.name}：工作簿里没有工作表；第一张工作表应为指标库")
    return [[_cell(v) for v in row] for row in sheets[0].values]


def _read_csv(path: Path, limits: SheetLimits) -> list[list[str]]:
    sheet = read_csv(path.read_bytes(), name=path.name, limits=limits)
    return [[_cell(unescape_formula(c)) for c in row] for row in sheet.values]


_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _looks_risky(text: str) -> bool:
    """Would a spreadsheet program take this text as a formula (also once a leading ' is removed)?"""
    while text.startswith("'"):
        text = text[1:]
    return text.startswith(_RISKY)


def escape_formula(value):
    """Text a spreadsheet program would run as a formula, written with a leading ' (OWASP's advice
    against CSV injection); `unescape_formula` takes exactly that ' away again on import."""
    if isinstance(value, str) and _looks_risky(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and _looks_risky(text[1:]) else text


def write_table(path: Path, header: list[str], rows: list[list], *, sheet: str = "指标库") -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"{path.name}：只能导出为 .xlsx 或 .csv，而不是 {suffix or '无扩展名'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([cell_text(escape_formula(h)) for h in header])
            writer.writerows([cell_text(escape_formula(v)) for v in row] for row in rows)
        return
    path.write_bytes(workbook_bytes(header, rows, sheet=sheet))


def workbook_bytes(header: list[str], rows: list[list], *, sheet: str = "指标库") -> bytes:
    """A one-sheet workbook of the rows under a bold, frozen header; every text cell stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet
    ws.append([cell_text(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([cell_text(v) for v in row])
    keep_text(ws)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
