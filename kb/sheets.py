"""Reading .xlsx (and Excel 97-2003 .xls) workbooks within limits, whatever the file claims about itself.

An .xlsx file is a zip archive of XML parts, so a few kilobytes can declare a cell at XFD1048576
or expand to gigabytes. Before openpyxl parses anything, the archive is checked: the bytes every
part really unpacks to (counted while decompressing, not taken from the zip directory), no DTD
in any part, and each worksheet's used range (the cells that hold a value, found by streaming
its XML, ignoring the declared `dimension`). Only then are the cells read, in openpyxl's
read-only mode and only within that range. Every refusal is a `TooLarge` (413) or an
`InvalidInput` (422) whose message names the sheet, the limit and the fix.

- `read_workbook(source, limits=…, formats=False)` → list[Sheet]; a .xls file (told by its content, not its
  name) is read within the same limits by `kb.sheets_xls`, and so is WPS 表格's own .et, which holds the same
  compound workbook
- `WORKBOOK_SUFFIXES`: the names a workbook upload may carry
- `read_csv(data, name=…, limits=…)` → one Sheet of text cells, from UTF-8 or GBK (GB18030) CSV
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from kb.errors import InvalidInput, TooLarge
from kb.sheets_xls import is_xls, read_xls

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".et")  # .et: WPS 表格's own format, read by its content like the others
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat's "uri local" names
_ROW, _C, _VALUE = _NS + "row", _NS + "c", {_NS + "v", _NS + "is", _NS + "f"}
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class SheetLimits:
    """How much of a workbook is read; the defaults come from the settings (`from_settings`)."""

    max_unpacked_bytes: int = 64_000_000
    max_rows: int = 50_000
    max_columns: int = 200
    max_cells: int = 1_000_000
    max_sheets: int = 2_000
    max_style_elements: int = 100_000  # openpyxl builds an object per style (~20 µs each)

    @classmethod
    def from_settings(cls, settings, *, upload: bool = False) -> SheetLimits:
        """The limits a library import is read with, or with `upload` those of a goal spreadsheet sent
        for checking, which anyone may send: fewer cells, so each costs at most a few seconds."""
        return cls(max_unpacked_bytes=settings.max_unpacked_bytes, max_rows=settings.max_sheet_rows,
                   max_columns=settings.max_sheet_columns,
                   max_cells=settings.max_upload_cells if upload else settings.max_sheet_cells)


@dataclass(frozen=True)
class SheetCell:
    """One cell as read: what openpyxl's cells offer that the readers use."""

    row: int
    column: int
    value: object = None
    number_format: str = "General"
    place: str = ""  # where the cell is when not in a worksheet (a Word table's 表2第3行第4格)

    @property
    def coordinate(self) -> str:
        return self.place or f"{get_column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    """The used range of one worksheet: values row by row (1-based as in Excel), number formats of
    the numeric cells that have one; for rows read from elsewhere (a Word document), where each row is."""

    title: str
    values: list[tuple] = field(default_factory=list)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    places: dict[int, str] = field(default_factory=dict)
    first_row: int = 1   # the worksheet row of values[0], for part of a sheet (`part`)

    @property
    def max_row(self) -> int:
        return len(self.values)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.values), default=0)

    def cell(self, row: int, column: int) -> SheetCell:
        value = None
        if 1 <= row <= len(self.values) and 1 <= column <= len(self.values[row - 1]):
            value = self.values[row - 1][column - 1]
        return SheetCell(row, column, value, self.formats.get((row, column), "General"),
                         self.where(row, column) if self.places or self.first_row != 1 else "")

    def where(self, row: int, column: int) -> str:
        """A cell's place as its reader sees it: C12 in a worksheet; 表2第3行第3格 (or 表1上方第2段, for a
        paragraph) in a Word document."""
        place = self.places.get(row)
        if place is None:
            return f"{get_column_letter(column)}{row + self.first_row - 1}"
        return f"{place}第{column}格" if place.endswith("行") else place

    def part(self, first: int, last: int) -> Sheet:
        """Rows `first` to `last` (1-based, inclusive) as a sheet of their own whose cells keep their places."""
        rows = range(first, min(last, self.max_row) + 1)
        return Sheet(self.title, self.values[first - 1:last],
                     {(r - first + 1, c): f for (r, c), f in self.formats.items() if r in rows},
                     {r - first + 1: p for r, p in self.places.items() if r in rows}, self.first_row + first - 1)

    def iter_rows(self, min_row: int = 1, max_row: int | None = None) -> Iterator[list[SheetCell]]:
        width = self.max_column
        for r in range(min_row, min(max_row or self.max_row, self.max_row) + 1):
            yield [self.cell(r, c) for c in range(1, width + 1)]

    def is_blank(self) -> bool:
        return all(v in (None, "") for row in self.values for v in row)


def read_workbook(source: bytes | Path, *, name: str = "", limits: SheetLimits | None = None,
                  formats: bool = False) -> list[Sheet]:
    """Every worksheet of an .xlsx or .xls file, in workbook order, each read only within its used range.

    `name` is how the file is called in messages; `formats=True` also keeps number formats (slower)."""
    limits = limits or SheetLimits()
    name = name or (source.name if isinstance(source, Path) else "工作簿")
    data = source.read_bytes() if isinstance(source, Path) else source
    if is_xls(data):
        return [Sheet(title, values, number_formats) for title, values, number_formats in
                read_xls(data, name, limits, formats)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):  # (…: a zip version no tool writes)
        raise unreadable(name, "不是 zip 格式") from None
    with archive:
        elements = check_parts(archive, name, limits)
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if elements.get(part, 0) > limits.max_cells:
                raise _too_many_elements(name, part, elements[part], limits)
        parts = _worksheet_parts(archive, name)
        sheet_parts = {part for _, part in parts}
        others = sum(n for part, n in elements.items() if part not in sheet_parts)
        if elements.get("xl/styles.xml", 0) > limits.max_style_elements:
            raise TooLarge(f"{name}：样式表有 {elements['xl/styles.xml']:,} 个 XML 元素，超过 "
                           f"{limits.max_style_elements:,} 个的上限；请用 Excel 或 WPS 另存为新文件"
                           "（会清理多余的样式）后再上传")
        if others > limits.max_cells:  # shared strings, styles…: openpyxl reads all of them
            raise _too_many_elements(name, "工作表以外的部分（共享字符串、样式等）", others, limits)
        if len(parts) > limits.max_sheets:
            raise TooLarge(f"{name}：有 {len(parts):,} 张工作表，超过 {limits.max_sheets:,} 张的上限；"
                           "请拆分为多个文件后再上传")
        ranges = {title: _used_range(archive, part, title, name, limits) for title, part in parts}
    total = sum(rows * cols for rows, cols in ranges.values())
    if total > limits.max_cells:
        raise TooLarge(f"{name}：各工作表共有 {total:,} 个单元格（上限 {limits.max_cells:,} 个）；"
                       "请删除空白行列或拆分为多个文件后再上传")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise unreadable(name, type(exc).__name__) from None
    try:
        unscanned = [ws.title for ws in wb.worksheets if ws.title not in ranges]
        if unscanned:  # never read a sheet whose used range was not checked, nor drop it silently
            raise unreadable(name, f"工作表“{unscanned[0]}”的位置无法确定")
        return [_read_sheet(ws, ranges[ws.title], formats) for ws in wb.worksheets]
    except (KeyError, ValueError, TypeError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise unreadable(name, type(exc).__name__) from None
    finally:
        wb.close()


def joined(title: str, sheets: list[Sheet]) -> Sheet:
    """One sheet holding the rows of `sheets` one after another (as wide as the widest), with their places."""
    width = max((s.max_column for s in sheets), default=0)
    out = Sheet(title)
    for sheet in sheets:
        start = len(out.values)
        out.values += [tuple(r) + (None,) * (width - len(r)) for r in sheet.values]
        out.formats.update({(start + r, c): f for (r, c), f in sheet.formats.items()})
        out.places.update({start + r: p for r, p in sheet.places.items()})
    return out


def read_csv(data: bytes, *, name: str = "CSV", limits: SheetLimits | None = None) -> Sheet:
    """A CSV file as one sheet of text cells ("" where empty): UTF-8 (with or without BOM) or, failing
    that, GB18030, which reads the GBK files Excel and WPS save on Chinese Windows. Rows past
    `limits.max_rows` and columns past `limits.max_columns` are refused when they hold anything."""
    limits = limits or SheetLimits()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # random bytes, or a binary file renamed .csv
        raise InvalidInput(f"{name}：不是 UTF-8 或 GBK 编码的 CSV 文本；请用 Excel 或 WPS 另存为“CSV UTF-8”后再上传")
    rows, n = [], 1
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if n > limits.max_rows:
                if any(c.strip() for c in row):
                    raise TooLarge(f"{name}：第 {n:,} 行有内容，超过 {limits.max_rows:,} 行的上限；"
                                   "请拆分为多个文件后再导入")
                continue  # blank rows past the limit (millions of empty lines) are not kept
            if len(row) > limits.max_columns and any(c.strip() for c in row[limits.max_columns:]):
                raise TooLarge(f"{name}：第 {n:,} 行有 {len(row):,} 列，超过 {limits.max_columns} 列的上限；"
                               "请删除多余的列后再导入")
            rows.append(tuple(row[:limits.max_columns]))
    except csv.Error as exc:
        raise InvalidInput(f"{name}：第 {n:,} 行不是有效的 CSV（{exc}）；请用 Excel 或 WPS 另存为"
                           " CSV UTF-8 后再导入") from None
    return Sheet(title="", values=rows)


# What a file was read as, and the program and format to save it again with (`unreadable`'s `kind`).
_SAVE_AGAIN = {"xlsx": (".xlsx 工作簿", "Excel 或 WPS", ".xlsx"),
               "docx": ("Word 文档（.docx）", "Word 或 WPS", ".docx")}


def unreadable(name: str, why: str, kind: str = "xlsx") -> InvalidInput:
    """The 422 for a file that cannot be read as an .xlsx (or, `kind` "docx", a Word document): why, and to
    save it again in the program that made it."""
    read_as, program, suffix = _SAVE_AGAIN[kind]
    return InvalidInput(f"{name}：无法读取为 {read_as}（{why}）；请用 {program} 重新另存为 {suffix} 后再上传")



def _too_many_elements(name: str, where: str, count: int, limits: SheetLimits) -> TooLarge:
    return TooLarge(f"{name}：{where}有 {count:,} 个 XML 元素，超过 {limits.max_cells:,} 个的上限；请用 Excel 或 WPS "
                    "另存为新文件（会清理多余的样式），或拆分为多个文件后再上传")


def check_parts(archive: zipfile.ZipFile, name: str, limits: SheetLimits, kind: str = "xlsx") -> dict[str, int]:
    """Decompress every part once, counting the bytes it really yields and the XML elements it
    opens (every `<` that is not `</`, `<?` or `<!`); refuse DTDs (entity bombs) anywhere in an XML part:
    Office never writes one, and the parser that reads the part may expand its entities. `kind`: what the
    file is (xlsx, docx), for the advice on saving it again."""
    _, program, suffix = _SAVE_AGAIN[kind]
    elements: dict[str, int] = {}
    infos = archive.infolist()
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unpacked_bytes:
        raise _too_big(name, declared, limits)
    total = 0
    for info in infos:
        xml = info.filename.endswith((".xml", ".rels", ".vml"))  # not images and other binaries
        try:
            with archive.open(info) as part:
                tail = b""
                while chunk := part.read(_CHUNK):
                    if xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                        raise InvalidInput(f"{name}：{info.filename} 含有 DTD 声明，Office 不会生成这样的文件；"
                                           f"请用 {program} 重新另存为 {suffix} 后再上传")
                    tail = chunk[-8:]
                    if xml:
                        elements[info.filename] = elements.get(info.filename, 0) + chunk.count(b"<") - chunk.count(
                            b"</") - chunk.count(b"<?") - chunk.count(b"<!")
                    total += len(chunk)
                    if total > limits.max_unpacked_bytes:
                        raise _too_big(name, total, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
                zlib.error, RuntimeError) as exc:   # (RuntimeError: a part flagged as encrypted)
            raise unreadable(name, f"{info.filename} 损坏：{type(exc).__name__}", kind) from None
    return elements


def _too_big(name: str, size: int, limits: SheetLimits) -> TooLarge:
    return TooLarge(f"{name}：解压后有 {size / 1e6:.1f} MB，超过 {limits.max_unpacked_bytes / 1e6:g} MB 的上限；"
                    "请删除无关的工作表、图片和空白行列，或拆分为多个文件后再上传")


def _worksheet_parts(archive: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    """(sheet title, part name) of every worksheet, from workbook.xml and its relationships."""
    try:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as exc:
        raise unreadable(name, type(exc).__name__) from None
    targets = {}
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = posixpath.normpath(path)
    parts = []
    for sheet in root.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id"))
        if part is not None:
            parts.append((sheet.get("name", ""), part))
    return parts


def _used_range(archive: zipfile.ZipFile, part: str, title: str, name: str,
                limits: SheetLimits) -> tuple[int, int]:
    """(rows, columns) up to the last cell holding a value, streaming the sheet's XML through expat
    (start tags only); refuses a sheet that goes past a limit as soon as it sees such a cell."""
    state = {"row": 0, "col": 0, "cell": None, "last_row": 0, "last_col": 0, "elements": 0}
    most = 4 * limits.max_cells + 100_000  # elements of any kind, empty cells included: bounds the scan

    def start(tag: str, attrs: dict) -> None:
        state["elements"] += 1
        if state["elements"] > most:
            raise TooLarge(f"{name}：工作表“{title}”有超过 {most:,} 个 XML 元素（含空白单元格），超过上限；"
                           "请删除多余的行列，或拆分为多个文件后再上传")
        if tag == _C:
            ref = _REF.match(attrs.get("r") or "")
            if ref:
                state["row"], state["col"] = int(ref.group(2)), column_index_from_string(ref.group(1).upper())
            else:
                state["col"] += 1
            state["cell"] = (state["row"], state["col"])
        elif tag in _VALUE and state["cell"] is not None:
            row, col = state["cell"]
            state["cell"] = None
            _check(row, col)
            state["last_row"], state["last_col"] = max(state["last_row"], row), max(state["last_col"], col)
            if state["last_row"] * state["last_col"] > limits.max_cells:
                raise TooLarge(f"{name}：工作表“{title}”的内容占 {state['last_row']:,} 行 × {state['last_col']} 列，"
                               f"超过 {limits.max_cells:,} 个单元格的上限；请删除多余的行列，或拆分为多个文件后再上传")
        elif tag == _ROW:
            r = attrs.get("r")
            state["row"], state["col"], state["cell"] = (int(r) if r and r.isdigit() else state["row"] + 1), 0, None

    def _check(row: int, col: int) -> None:
        if row > limits.max_rows:
            raise TooLarge(f"{name}：工作表“{title}”第 {row:,} 行有内容，超过 {limits.max_rows:,} 行的上限；"
                           "请删除多余的行，或拆分为多个文件后再上传")
        if col > limits.max_columns:
            raise TooLarge(f"{name}：工作表“{title}”的 {get_column_letter(min(col, 18278))}{row} 单元格有内容，"
                           f"超过 {limits.max_columns} 列的上限；请删除多余的列后再上传")

    def doctype(*_args) -> None:
        raise InvalidInput(f"{name}：工作表“{title}”含有 DTD 声明，Excel 不会生成这样的文件；"
                           "请用 Excel 或 WPS 重新另存为 .xlsx 后再上传")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except KeyError:
        raise unreadable(name, f"缺少 {part}") from None
    except (expat.ExpatError, ValueError) as exc:
        raise unreadable(name, f"工作表“{title}”的 XML 有误：{type(exc).__name__}") from None
    return state["last_row"], state["last_col"]


def _read_sheet(ws, used: tuple[int, int], formats: bool) -> Sheet:
    rows, cols = used
    sheet = Sheet(ws.title)
    if not rows or not cols:
        return sheet
    if not formats:
        sheet.values = [tuple(r) for r in ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True)]
        return sheet
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=rows, max_col=cols), start=1):
        values = []
        for c, cell in enumerate(cells, start=1):
            value = getattr(cell, "value", None)
            values.append(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                number_format = getattr(cell, "number_format", "General") or "General"
                if number_format != "General":
                    sheet.formats[(r, c)] = number_format
        sheet.values.append(tuple(values))
    return sheet


_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def cell_text(value):
    """A value as a worksheet can hold it: control characters XML 1.0 cannot carry (NUL, \\x01…)
    and lone surrogates are dropped from text; other values are unchanged."""
    return _UNWRITABLE.sub("", value) if isinstance(value, str) else value


def keep_text(ws) -> None:
    """Every text cell of a worksheet being written stays text: openpyxl would store "=100%" or
    "=HYPERLINK(…)" as a formula (and "#N/A" as an error); a spreadsheet program then runs it."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"


# `标签：内容` in a line of text: a label of at most this many characters before the colon.
LABEL_CHARS = 12
_LABELLED = re.compile(rf"^([^:：]{{1,{LABEL_CHARS}}})[:：]\s*(.*)$")
_CHUNKS = re.compile(r"\s{2,}|\t")


def paragraph_cells(text: str) -> tuple:
    """A line of text above a table (a Word paragraph, a PDF line) as cells: `项目名称：某项目  主管部门：某局`
    → (项目名称, 某项目, 主管部门, 某局)."""
    text = text.strip()
    if not text:
        return ()
    cells: list = []
    for chunk in _CHUNKS.split(text):
        labelled = _LABELLED.match(chunk.strip())
        cells += [labelled.group(1).strip(), labelled.group(2).strip() or None] if labelled else [chunk.strip()]
    return tuple(c for c in cells if c != "") if any(cells) else ()


def block_sheet(title: str, rows: list[tuple], places: dict[int, str]) -> Sheet:
    """Rows of a document's block (paragraphs and a table), padded to one width, with where each row is."""
    width = max((len(r) for r in rows), default=0)
    return Sheet(title, [r + (None,) * (width - len(r)) for r in rows], places=places)
