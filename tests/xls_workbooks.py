"""Old Excel 97-2003 workbooks (.xls) for tests, written by xlwt the way Excel writes them, and the same
sheets as .xlsx (openpyxl), so a test can read one table in both formats and compare."""

from __future__ import annotations

import io
from dataclasses import dataclass

import xlwt
from openpyxl import Workbook


@dataclass(frozen=True)
class Typed:
    """A number shown with a number format (0.95 shown as 95% by "0%")."""

    value: float
    number_format: str


Rows = list[tuple]


def xls_bytes(sheets: dict[str, Rows], merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> bytes:
    """A .xls with one sheet per entry; `merges` (first row, last row, first column, last column; 0-based)
    per sheet, the value in the first cell as Excel keeps it."""
    wb = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for title, rows in sheets.items():
        ws = wb.add_sheet(title)
        merged = {(r1, c1): (r1, r2, c1, c2) for r1, r2, c1, c2 in (merges or {}).get(title, [])}
        covered = {(r, c) for r1, r2, c1, c2 in merged.values() for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r1, r2, c1, c2 = merged[(r, c)]
                    ws.write_merge(r1, r2, c1, c2, value)
                elif (r, c) in covered or value is None:
                    continue
                elif isinstance(value, Typed):
                    style = styles.setdefault(value.number_format, xlwt.easyxf(num_format_str=value.number_format))
                    ws.write(r, c, value.value, style)
                else:
                    ws.write(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, Rows], merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> bytes:
    """The same sheets as an .xlsx."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, Typed):
                    ws.cell(r, c, value.value).number_format = value.number_format
                elif value is not None:
                    ws.cell(r, c, value)
        for r1, r2, c1, c2 in (merges or {}).get(title, []):
            ws.merge_cells(start_row=r1 + 1, end_row=r2 + 1, start_column=c1 + 1, end_column=c2 + 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def renamed_stream(data: bytes, new_name: str) -> bytes:
    """The .xls with its Workbook stream renamed in the compound document's directory (a Word file, or a
    password-protected workbook's EncryptedPackage, look so to a reader)."""
    old = "Workbook".encode("utf-16-le")
    at = data.index(old)
    name = new_name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(data[at:at + 66])
    entry[0:64] = name.ljust(64, b"\x00")
    entry[64:66] = len(name).to_bytes(2, "little")
    return data[:at] + bytes(entry) + data[at + 66:]
