"""Reading the goal tables of a Word document (.docx) within limits, as rows a sheet would hold.

Departments often write their 绩效目标表 in Word: a title and a few labelled lines (填报单位：…) above one
or two tables, several projects one after another. The file is checked as an .xlsx is (`kb.sheets.
check_parts`: the bytes every part really unpacks to, no DTD) and its body is capped in XML elements before
python-docx parses it. Each table, with the paragraphs written since the previous one, becomes one `Sheet`:
a merged cell's text in its first cell only (as Excel keeps it), a paragraph `标签：内容` as two cells (and
`项目名称：… 主管部门：…` as four). Every row knows where it is in the document (表2第3行, 表1上方第2段), so a
problem can be pointed at. Which blocks make one project is the goal reader's business (`goal_sheets`).

- `is_docx(data)` → whether the bytes are a Word document (a zip holding word/document.xml)
- `read_docx(data, name, limits)` → [Sheet], one per table with the paragraphs before it, and one for
  paragraphs after the last table
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from kb.errors import KBError, TooLarge
from kb.sheets import Sheet, SheetLimits, block_sheet, check_parts, paragraph_cells, unreadable

if TYPE_CHECKING:
    from docx.table import Table

_BODY = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_GONE = (_W + "del", _W + "moveFrom")  # tracked deletions and moves: not the document's text
# XML elements a document's body may hold per cell read: a table cell in Word is a dozen elements or more
# (w:tc, w:tcPr, w:tcW, w:p, w:pPr, w:r, w:rPr, w:t…); lxml keeps each in memory.
ELEMENTS_PER_CELL = 5


def is_docx(data: bytes) -> bool:
    if data[:2] != b"PK":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _BODY in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return False


def read_docx(data: bytes, name: str, limits: SheetLimits | None = None) -> list[Sheet]:
    limits = limits or SheetLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        raise unreadable(name, "不是 zip 格式", "docx") from None
    with archive:
        elements = check_parts(archive, name, limits, "docx")
    most = ELEMENTS_PER_CELL * limits.max_cells + 100_000
    if elements.get(_BODY, 0) > most:
        raise TooLarge(f"{name}：文档正文有 {elements[_BODY]:,} 个 XML 元素，超过 {most:,} 个的上限；"
                       "请拆分为多个文件后再上传")
    import docx  # python-docx and lxml take 40 ms and 15 MB to load: only once a Word file arrives

    try:
        document = docx.Document(io.BytesIO(data))
        return _blocks(document, name, limits)
    except KBError:
        raise
    except RecursionError:  # python-docx follows a vertical merge up cell by cell
        raise unreadable(name, "纵向合并的单元格过多", "docx") from None
    except Exception as exc:  # python-docx and lxml raise many types for a damaged file (gridSpan="x")
        raise unreadable(name, type(exc).__name__, "docx") from None


def _body(element):
    """The body's paragraphs and tables in order, those inside content controls (w:sdt) and custom XML too."""
    for child in element:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _body(child)


def _blocks(document, name: str, limits: SheetLimits) -> list[Sheet]:
    """Each table, with the paragraphs written since the previous one, as a sheet; paragraphs after the last
    table as one more."""
    from docx.table import Table

    sheets: list[Sheet] = []
    rows: list[tuple] = []
    places: dict[int, str] = {}
    paragraphs = tables = cells = 0
    for element in _body(document.element.body):
        if element.tag == _W + "p":
            row = paragraph_cells(_paragraph_text(element))
            if row:
                paragraphs += 1
                rows.append(row)
                places[len(rows)] = f"表{tables + 1}上方第{paragraphs}段"
            continue
        tables += 1
        table = Table(element, document)
        for n, row in enumerate(_table_rows(table, f"{name}：表{tables}", limits), start=1):
            rows.append(row)
            places[len(rows)] = f"表{tables}第{n}行"
            cells += len(row)
            if len(rows) > limits.max_rows or cells > limits.max_cells:
                raise TooLarge(f"{name}：表格共有超过 {cells:,} 个单元格、{len(rows):,} 行，超过上限"
                               f"（{limits.max_cells:,} 个单元格、{limits.max_rows:,} 行）；请拆分为多个文件后再上传")
        sheets.append(block_sheet(f"表{tables}", rows, places))
        rows, places, paragraphs = [], {}, 0
    if rows:
        sheets.append(block_sheet(f"表{tables}之后", rows, {r: p.replace("上方", "之后") for r, p in places.items()}))
    return sheets


def _table_rows(table: Table, where: str, limits: SheetLimits):
    """A table's rows over its layout grid, each merged cell's text in its first grid cell only. A row is
    measured before python-docx lays it out (it makes an object for every grid column a cell spans, so
    gridSpan="2000000000" would never finish)."""
    above = ()
    for n, row in enumerate(table.rows, start=1):
        width = row.grid_cols_before + sum(tc.grid_span for tc in row._tr.tc_lst) + row.grid_cols_after
        if width > limits.max_columns:
            raise TooLarge(f"{where}第{n}行有 {width:,} 列，超过 {limits.max_columns} 列的上限；请删除多余的列后再上传")
        cells = row.cells
        values: list = [None] * row.grid_cols_before
        for i, cell in enumerate(cells):
            merged = (i and cells[i - 1]._tc is cell._tc) or (i < len(above) and above[i]._tc is cell._tc)
            values.append(None if merged else (_cell_text(cell._tc) or None))
        yield tuple(values)
        above = cells


def _paragraph_text(p) -> str:
    """A paragraph's text as it reads with tracked changes accepted: inserted runs (w:ins) and the text of
    content controls and hyperlinks kept, deleted and moved-away text (w:del, w:moveFrom) left out; a text
    box's own paragraphs are not this one's."""
    pieces = []
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if next(node.iterancestors(_W + "p"), None) is not p or next(node.iterancestors(*_GONE), None) is not None:
            continue
        pieces.append(node.text or "" if node.tag == _W + "t" else "\t" if node.tag == _W + "tab" else "\n")
    return "".join(pieces)


def _cell_text(tc) -> str:
    """A table cell's paragraphs, one line each (a table inside the cell read as its lines)."""
    return "\n".join(text for p in tc.iter(_W + "p") if (text := _paragraph_text(p).strip()))
