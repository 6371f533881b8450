"""Reading and writing plain tables (.xlsx, .csv) with row numbers kept for error messages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kb.errors import InvalidInput

SUFFIXES = (".xlsx", ".csv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number as the user sees it, cells)]) of the first sheet or the CSV file;
    blank rows are skipped."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"{path.name}：指标库文件须为 .xlsx 或 .csv，而不是 {suffix or '无扩展名'}")
    if not path.exists():
        raise InvalidInput(f"{path}：文件不存在")
    rows = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1) if any(cells)]
    if not numbered:
        raise InvalidInput(f"{path.name}：文件是空的；第一行应为列名")
    (_, header), body = numbered[0], numbered[1:]
    return [h.strip() for h in header], body


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidInput(f"{path.name}：无法读取为 .xlsx 工作簿（{type(exc).__name__}），"
                           "请用 Excel 或 WPS 重新另存为 .xlsx") from exc
    try:
        return [[_cell(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInput(f"{path.name}：CSV 既不是 UTF-8 也不是 GB18030 编码")
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def write_table(path: Path, header: list[str], rows: list[list], *, sheet: str = "指标库") -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"{path.name}：只能导出为 .xlsx 或 .csv，而不是 {suffix or '无扩展名'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    wb.save(path)
