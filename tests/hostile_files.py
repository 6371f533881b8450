"""Crafted .xlsx files that once took the service down, built here so the tests replay them."""

from __future__ import annotations

import io
import re
import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_CLOSE = b"</sheetData></worksheet>"


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def far_cell() -> bytes:
    """About 5 KB: a label in A1 and one value at XFD1048576, the last cell a sheet can have."""
    wb = Workbook()
    wb.active["A1"] = "项目名称"
    wb.active["XFD1048576"] = "x"
    return workbook_bytes(wb)


def _with_sheet(write_sheet) -> bytes:
    """A valid workbook whose first sheet's XML is written by `write_sheet(stream)`."""
    template = zipfile.ZipFile(io.BytesIO(workbook_bytes(Workbook())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in template.infolist():
            if info.filename == SHEET:
                with z.open(SHEET, "w") as f:
                    write_sheet(f)
            else:
                z.writestr(info, template.read(info))
    return out.getvalue()


def zip_bomb(rows: int = 200_000, columns: int = 100) -> bytes:
    """About 1.2 MB that unpacks to 400 MB of sheet XML: 20 million numeric cells."""
    cells = b"".join(b'<c t="n"><v>1</v></c>' for _ in range(columns))

    def write(f):
        f.write(_OPEN)
        for _ in range(rows):
            f.write(b"<row>" + cells + b"</row>")
        f.write(_CLOSE)

    return _with_sheet(write)


def lying_dimension() -> bytes:
    """Two cells of data in a sheet that declares itself A1:XFD1048576."""

    def write(f):
        f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:XFD1048576"/><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1"><v>2</v></c></row>'
                + _CLOSE)

    return _with_sheet(write)


def entity_bomb() -> bytes:
    """A sheet with a DTD that defines nested entities (billion laughs)."""

    def write(f):
        f.write(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                + _OPEN + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>' + _CLOSE)

    return _with_sheet(write)


def understated_bomb() -> bytes:
    """A zip bomb whose zip headers claim the sheet unpacks to 1 KB."""
    data = bytearray(zip_bomb(rows=50_000))
    name = SHEET.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at:at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 1024)
            at = data.find(signature, at + 4)
    return bytes(data)


def _with_parts(replace: dict, extra: dict | None = None) -> bytes:
    """A valid one-cell workbook with some parts' bytes changed by `replace[name](data)` and `extra`
    parts added (written by `extra[name](stream)`)."""
    wb = Workbook()
    wb.active["A1"] = "x"
    template = zipfile.ZipFile(io.BytesIO(workbook_bytes(wb)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in template.namelist():
            data = template.read(name)
            z.writestr(name, replace[name](data) if name in replace else data)
        for name, write in (extra or {}).items():
            with z.open(name, "w") as f:
                write(f)
    return out.getvalue()


def shared_strings_bomb(strings: int = 3_500_000) -> bytes:
    """150 KB that declares 3.5 million shared strings (60 MB of XML), read whole by openpyxl."""

    def write(f):
        f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for _ in range(strings // 1000):
            f.write(b"<si><t>a</t></si>" * 1000)
        f.write(b"</sst>")

    return _with_parts({
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                                  b'ContentType="application/vnd.openxmlformats-officedocument.'
                                                  b'spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="'
                                                          b"http://schemas.openxmlformats.org/officeDocument/2006/"
                                                          b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                                          b"</Relationships>"),
    }, {"xl/sharedStrings.xml": write})


def styles_bomb(styles: int = 800_000) -> bytes:
    """270 KB with a stylesheet of 800,000 cell formats (50 MB); openpyxl builds an object for each."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return _with_parts({"xl/styles.xml": lambda d: re.sub(rb'<cellXfs count="\d+">',
                                                          b'<cellXfs count="%d">' % (styles + 1) + xf * styles, d)})


def _xls(write) -> bytes:
    """An Excel 97-2003 workbook written by xlwt; `write(workbook)` adds its sheets."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    write(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xls_far_cells(sheets: int = 8) -> bytes:
    """A few KB of Excel 97-2003 with a label in A1 and a value at IV65536, the last cell a .xls sheet has, in each
    of `sheets` sheets; read as written, xlrd makes room for 65,536 rows in each."""
    def write(wb):
        for n in range(sheets):
            ws = wb.add_sheet(f"表{n + 1}")
            ws.write(0, 0, "项目名称")
            ws.write(65_535, 255, "x")
    return _xls(write)


def xls_formatted_blanks(rows: int = 65_000) -> bytes:
    """About 1 MB of Excel 97-2003 holding one value and, in column IV of 65,000 rows, a formatted blank cell (as a
    coloured column is saved); read with its formats, xlrd makes room for 16.6 million cells."""
    def write(wb):
        import xlwt

        ws = wb.add_sheet("目标表")
        ws.write(0, 0, "项目名称")
        yellow = xlwt.easyxf("pattern: pattern solid, fore_colour yellow")
        for r in range(1, rows):
            ws.write(r, 255, None, yellow)
    return _xls(write)


def docx_element_bomb(runs: int = 2_000_000) -> bytes:
    """About 50 KB of Word document whose body holds `runs` empty runs (12 MB of XML); python-docx would build an
    object tree of all of them."""
    import docx

    document = docx.Document()
    document.add_paragraph("项目名称：某项目")
    source = io.BytesIO()
    document.save(source)
    template = zipfile.ZipFile(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in template.infolist():
            body = template.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"</w:body>", b"<w:p>" + b"<w:r/>" * runs + b"</w:p></w:body>")
            z.writestr(info, body)
    return out.getvalue()
