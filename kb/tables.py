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
        raise InvalidInput(f"{path.name}: a library file must be .xlsx or .csv, not {suffix or 'no extension'}")
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    rows = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1) if any(cells)]
    if not numbered:
        raise InvalidInput(f"{path.name}: the file is empty; the first row must hold the column headers")
    (_, header), body = numbered[0], numbered[1:]
    return [h.strip() for h in header], body


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidInput(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}); "
                           "save it again from Excel or WPS as .xlsx") from exc
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
        raise InvalidInput(f"{path.name}: the CSV is neither UTF-8 nor GB18030 text")
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def write_table(path: Path, header: list[str], rows: list[list], *, sheet: str = "指标库") -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"{path.name}: export to .xlsx or .csv, not {suffix or 'no extension'}")
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
