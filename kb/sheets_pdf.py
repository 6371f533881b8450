"""Reading the goal tables of a PDF within limits, as rows a sheet would hold.

Tables published or sent as PDF (a form printed to PDF from Excel or Word, a 决算 publication) are read with
pdfplumber, the maintained reader of PDF tables, in a child process (`kb.pdf_tables`) that caps its own memory
and processor time, under a wall-clock timeout: a crafted PDF can otherwise unpack to gigabytes or run for
minutes, and only the child pays. At most `CONCURRENT` PDFs are read at once. Each table, with the lines of
text since the previous one, becomes one `Sheet` as a Word table does (`kb.sheets_docx`): a merged cell's text
in its first cell, a line `项目名称：…   主管部门：…` as labels and values, and every row knowing where it is
(第2页表1第3行, 第1页表1上方第2段); the lines a narrow column wrapped a cell's text into are joined again. A
scanned PDF holds no text and is told so.

- `is_pdf(data)` → whether the bytes are a PDF
- `read_pdf(data, name, limits)` → [Sheet], one per table with the lines before it
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

from kb.errors import InvalidInput, TooLarge
from kb.pdf_tables import MAX_CONTENT_BYTES, MAX_TOTAL_CONTENT_BYTES
from kb.sheets import Sheet, SheetLimits, block_sheet, paragraph_cells

MAX_PAGES = 100
MEMORY_BYTES = 1_500_000_000   # the child's address space
CPU_SECONDS = 30
WALL_SECONDS = 45
CONCURRENT = 2
_SLOTS = threading.BoundedSemaphore(CONCURRENT)


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _unreadable(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name}：{why}；请上传 Excel（.xlsx）或 Word（.docx）原件，或可以选中复制文字的 PDF")


def _extract(data: bytes, name: str, limits: SheetLimits, memory: int, cpu: int) -> dict:
    command = [sys.executable, "-m", "kb.pdf_tables", str(MAX_PAGES), str(limits.max_cells), str(memory), str(cpu)]
    with _SLOTS:
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=WALL_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise TooLarge(f"{name}：PDF 在 {WALL_SECONDS} 秒内没有读完，内容过多或文件有异常；请拆分后再上传，"
                           "或改传 Excel、Word 原件") from None
    try:
        return json.loads(done.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):   # killed past its memory or processor time
        raise TooLarge(f"{name}：读取这个 PDF 超过了内存或时间上限（{memory // 1_000_000:,} MB、{cpu} 秒）；"
                       "请拆分后再上传，或改传 Excel、Word 原件") from None


def read_pdf(data: bytes, name: str, limits: SheetLimits | None = None, *, memory: int = MEMORY_BYTES,
             cpu: int = CPU_SECONDS) -> list[Sheet]:
    """The blocks of a PDF as sheets, read in a child process held to `memory` bytes and `cpu` seconds."""
    limits = limits or SheetLimits()
    found = _extract(data, name, limits, memory, cpu)
    error = found.get("error")
    if error == "password":
        raise _unreadable(name, "PDF 设置了打开密码，读不出内容")
    if error == "pages":
        raise TooLarge(f"{name}：PDF 有 {found['count']:,} 页，超过 {MAX_PAGES} 页的上限；请只上传绩效目标表所在的页")
    if error == "cells":
        raise TooLarge(f"{name}：PDF 的表格超过 {limits.max_cells:,} 个单元格的上限；请拆分为多个文件后再上传")
    if error == "content":
        page = found["page"]
        where, most = (f"第 {page} 页", MAX_CONTENT_BYTES) if page else ("全部页面", MAX_TOTAL_CONTENT_BYTES)
        raise TooLarge(f"{name}：PDF {where}的绘制内容展开后有 {found['count'] / 1e6:,.1f} MB，超过 "
                       f"{most // 1_000_000} MB 的上限（一页表格通常不到 1 MB）；请只上传绩效目标表所在的页，"
                       "或改传 Excel、Word 原件")
    if error == "memory":
        raise TooLarge(f"{name}：读取这个 PDF 超过了 {memory // 1_000_000:,} MB 的内存上限；请拆分后再上传")
    if error or "blocks" not in found:
        raise _unreadable(name, "不是能读取的 PDF 文件（文件损坏，或不是 PDF）")
    if not found.get("text"):
        raise _unreadable(name, "这个 PDF 是扫描件或图片，读不出文字")
    return [_sheet(block, limits) for block in found["blocks"]]


_WRAP = re.compile(r"\s*\n\s*")


def _unwrapped(text: str) -> str:
    """A cell's text with the lines its narrow column wrapped it into joined again (城区道路绿化 / 提升工程), a
    space kept only between two Latin words (a number wrapped mid-way is one number again)."""
    def join(m: re.Match[str]) -> str:
        before, after = m.string[m.start() - 1:m.start()], m.string[m.end():m.end() + 1]
        return " " if before.isascii() and before.isalpha() and after.isascii() and after.isalpha() else ""
    return _WRAP.sub(join, text.strip())


def _sheet(block: dict, limits: SheetLimits) -> Sheet:
    page, table = block["page"], block["table"]
    rows: list[tuple] = []
    places: dict[int, str] = {}
    at = f"第{page}页表{table}" if table else f"第{page}页表格之后"
    for n, line in enumerate(block["lines"], start=1):
        if cells := paragraph_cells(str(line)):
            rows.append(cells)
            places[len(rows)] = f"{at}上方第{n}段" if table else f"{at}第{n}段"
    for n, row in enumerate(block["rows"], start=1):
        if len(row) > limits.max_columns:
            raise TooLarge(f"第{page}页表{table}第{n}行有 {len(row):,} 列，超过 {limits.max_columns} 列的上限")
        rows.append(tuple(None if v in (None, "") else _unwrapped(str(v)) or None for v in row))
        places[len(rows)] = f"{at}第{n}行"
    return block_sheet(at, rows, places)
