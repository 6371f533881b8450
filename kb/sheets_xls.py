"""Reading old Excel 97-2003 workbooks (.xls) within the limits `kb.sheets` reads .xlsx with.

Many bureaus still hand out their 绩效目标申报表 as .xls, and departments fill them in as they are. A .xls
file is a compound document holding one stream of BIFF records; a few kilobytes of those records can
name a cell at IV65536 in every sheet, and the reader (xlrd) makes room for every cell up to the last
one of its row. So before xlrd reads anything the stream is scanned record by record: where each sheet's
last value lies, how many cells xlrd would make room for, how many formats the file declares. Only then
is it read, one sheet at a time, and its values are handed back with the number formats of the numeric
cells (a cell typed as 95% is 0.95 with the format 0%, as in an .xlsx).

- `is_xls(data)` → whether the bytes are a compound document (an .xls, or a password-protected workbook)
- `check_records(stream, name, limits, formats)`: the scan, refusing (413) what goes past a limit
- `read_xls(data, name, limits, formats)` → [(sheet title, rows of values, {(row, column): number format})]
"""

from __future__ import annotations

import io
import struct
from datetime import datetime

import xlrd
from xlrd.compdoc import CompDoc

from kb.errors import InvalidInput, TooLarge

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOF, _EOF, _BOUNDSHEET, _MERGED = 0x0809, 0x000A, 0x0085, 0x00E5
# Cell records: row and column are their first two words; MULRK and MULBLANK give their last column
# in their last word. BLANK and MULBLANK hold formatting only, no value.
_VALUES = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6}
_MULTI_VALUES, _BLANK, _MULTI_BLANK = 0x00BD, 0x0201, 0x00BE
_STYLES = {0x00E0, 0x0031, 0x041E, 0x0293}  # XF, FONT, FORMAT, STYLE
# Excel 97-2003 keeps at most about 4,000 cell formats in a workbook; a file declaring far more was not
# written by it, and xlrd builds several objects for each.
MAX_STYLES = 16_384
_SAVE_AS = "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


def is_xls(data: bytes) -> bool:
    return data[:8] == _SIGNATURE


def read_xls(data: bytes, name: str, limits, formats: bool) -> list[tuple[str, list[tuple], dict]]:
    """Every worksheet of a .xls file, in workbook order, within `limits` (a `kb.sheets.SheetLimits`)."""
    stream = _workbook_stream(data, name)
    check_records(stream, name, limits, formats)
    sink = io.StringIO()  # xlrd writes its warnings to stdout otherwise
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=formats, ragged_rows=True,
                                  on_demand=True, logfile=sink)
    except xlrd.XLRDError as exc:
        raise _unreadable(name, str(exc)) from None
    except Exception as exc:  # a damaged file raises many types inside xlrd
        raise _unreadable(name, type(exc).__name__) from None
    sheets = []
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise _unreadable(name, f"工作表“{book.sheet_names()[index]}”损坏：{type(exc).__name__}") from None
            sheets.append(_values(book, sheet, formats))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets


def _workbook_stream(data: bytes, name: str) -> bytes:
    sink = io.StringIO()
    try:
        doc = CompDoc(data, logfile=sink)
        for qname in ("Workbook", "Book"):
            mem, base, size = doc.locate_named_stream(qname)
            if mem is not None:
                return bytes(mem[base:base + size])
        encrypted = doc.locate_named_stream("EncryptedPackage")[0] is not None
        word = doc.locate_named_stream("WordDocument")[0] is not None
    except Exception as exc:
        raise _unreadable(name, f"文件结构损坏：{type(exc).__name__}") from None
    if encrypted:
        raise InvalidInput(f"{name}：工作簿设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码"
                           "（文件 › 信息 › 保护工作簿）后另存再上传")
    if word:
        raise InvalidInput(f"{name}：是 Word 97-2003 文档（.doc），不是 Excel 工作簿；"
                           "请在 Word 或 WPS 中另存为 .docx 后上传")
    raise _unreadable(name, "不是 Excel 工作簿，可能是 PowerPoint 或其他 Office 文件")


def check_records(stream: bytes, name: str, limits, formats: bool) -> None:
    """Check the BIFF records against the limits before xlrd reads them."""
    named: dict[int, str] = {}  # where a sheet's substream starts → its title (BOUNDSHEET records)
    titles: list[str] = []
    extents: list[list[int]] = []   # per sheet: [last value row, last value column], 1-based
    widths: dict[tuple[int, int], int] = {}  # (sheet, row) → the columns xlrd makes room for
    styles = depth = 0
    sheet = -1  # the workbook's own substream comes first
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        start = pos
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + size
        if pos > end:  # a record cut short: the file is damaged, which xlrd will say
            break
        if kind == _BOF:
            depth += 1
            if depth == 1 and start > 0:  # a sheet's substream
                sheet = len(extents)
                extents.append([0, 0])
                titles.append(named.get(start) or f"第 {sheet + 1} 张")
            continue
        if kind == _EOF:
            depth = max(depth - 1, 0)
            continue
        if kind in _STYLES:
            styles += 1
            continue
        if kind == _BOUNDSHEET and size >= 8 and sheet < 0:
            named[struct.unpack_from("<I", stream, body)[0]] = _sheet_name(stream, body + 6, pos)
            continue
        if depth != 1 or sheet < 0 or size < 4:
            continue
        row, col = struct.unpack_from("<HH", stream, body)
        if kind in _VALUES or kind == _MULTI_VALUES:
            last = struct.unpack_from("<H", stream, pos - 2)[0] if kind == _MULTI_VALUES else col
            _check(name, titles[sheet], row + 1, last + 1, limits)
            extent = extents[sheet]
            extent[0], extent[1] = max(extent[0], row + 1), max(extent[1], last + 1)
        elif kind in (_BLANK, _MULTI_BLANK) and formats:
            last = struct.unpack_from("<H", stream, pos - 2)[0] if kind == _MULTI_BLANK else col
        elif kind == _MERGED and formats:
            row, last = _merged_extent(stream, body, pos)
        else:
            continue
        widths[(sheet, row)] = max(widths.get((sheet, row), 0), last + 1)
    if styles > MAX_STYLES:
        raise TooLarge(f"{name}：声明了 {styles:,} 个格式和样式，超过 {MAX_STYLES:,} 个的上限；"
                       "请用 Excel 或 WPS 打开后另存为 .xlsx（会清理多余的样式）再上传")
    total = sum(rows * cols for rows, cols in extents)
    if total > limits.max_cells:
        raise TooLarge(f"{name}：各工作表共有 {total:,} 个单元格（上限 {limits.max_cells:,} 个）；"
                       "请删除空白行列或拆分为多个文件后再上传")
    last_rows: dict[int, int] = {}
    for s, r in widths:
        last_rows[s] = max(last_rows.get(s, 0), r + 1)
    room = sum(widths.values()) + sum(last_rows.values())  # cells, and the rows that hold them
    most = 4 * limits.max_cells + 100_000  # the bound the .xlsx reader puts on the elements it scans
    if room > most:
        raise TooLarge(f"{name}：工作表含有超过 {most:,} 个单元格（含空白单元格的格式），超过上限；"
                       "请删除多余的行列，或拆分为多个文件后再上传")


def _check(name: str, title: str, row: int, col: int, limits) -> None:
    if row > limits.max_rows:
        raise TooLarge(f"{name}：工作表“{title}”第 {row:,} 行有内容，超过 {limits.max_rows:,} 行的上限；"
                       "请删除多余的行，或拆分为多个文件后再上传")
    if col > limits.max_columns:
        raise TooLarge(f"{name}：工作表“{title}”第 {row:,} 行第 {col} 列有内容，超过 {limits.max_columns} 列的上限；"
                       "请删除多余的列后再上传")


def _merged_extent(stream: bytes, body: int, end: int) -> tuple[int, int]:
    """(last row, last column) of the merged ranges a MERGEDCELLS record lists (xlrd fills their rows)."""
    count = struct.unpack_from("<H", stream, body)[0] if end - body >= 2 else 0
    rows = cols = 0
    for i in range(min(count, (end - body - 2) // 8)):
        _first_row, last_row, _first_col, last_col = struct.unpack_from("<HHHH", stream, body + 2 + 8 * i)
        rows, cols = max(rows, last_row), max(cols, last_col)
    return rows, cols


def _sheet_name(stream: bytes, at: int, end: int) -> str:
    """A BOUNDSHEET record's name: a count, then (BIFF8) a flag for 16-bit characters, then the characters."""
    try:
        count, wide = stream[at], stream[at + 1] & 1
        raw = stream[at + 2:min(at + 2 + count * (2 if wide else 1), end)]
        return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
    except IndexError:
        return ""


def _values(book, sheet, formats: bool) -> tuple[str, list[tuple], dict]:
    """A sheet's values up to the last cell holding one, as the .xlsx reader gives them."""
    rows: list[tuple] = []
    number_formats: dict[tuple[int, int], str] = {}
    last_row = 0
    for r in range(sheet.nrows):
        values = []
        for c in range(sheet.row_len(r)):
            kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
            value = _value(kind, value, book.datemode)
            values.append(value)
            if formats and kind == xlrd.XL_CELL_NUMBER:
                fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
                if fmt is not None and fmt.format_str not in ("General", "general", ""):
                    number_formats[(r + 1, c + 1)] = fmt.format_str
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
        if values:
            last_row = r + 1
    rows = rows[:last_row]
    width = max((len(r) for r in rows), default=0)
    return sheet.name, [r + (None,) * (width - len(r)) for r in rows], number_formats


def _value(kind: int, value, datemode: int):
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < 2 ** 53 else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#错误")
    return value if isinstance(value, str | int | float | datetime) else str(value)


def _unreadable(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name}：无法读取为 Excel 97-2003 工作簿（.xls）（{why}）；{_SAVE_AS}")
