"""The tables and lines of text of a PDF, read with pdfplumber in a process of its own (`kb.sheets_pdf` runs it).

A PDF is a program as much as a document: a few kilobytes can unpack to gigabytes or take minutes to lay out.
So this runs as `python -m kb.pdf_tables MAX_PAGES MAX_CELLS MEMORY_BYTES CPU_SECONDS`, the file on stdin;
it caps its own memory and processor time before it reads anything, and writes one JSON object to stdout:
`{"blocks": [{"page", "table", "lines", "rows"}], "text": bool}`, each table with the lines of text since the
previous one, or `{"error": "password" | "damaged" | "memory" | "pages" | "cells" | "content", "count": n}`.
"""

from __future__ import annotations

import json
import resource
import sys

GAP = 1.5   # a gap wider than this many characters' width between words of a line splits it into cells
# A page's drawing instructions, inflated: a form's page holds tens of kilobytes, and laying them out costs about
# 2.5 s of processor time per megabyte (300 MB would take minutes); a page, and the whole file, are held to these.
MAX_CONTENT_BYTES = 4_000_000
MAX_TOTAL_CONTENT_BYTES = 24_000_000


def _line_text(chars: list[dict]) -> str:
    """A line's characters as text, two spaces where a wide gap separates them (项目名称：…   主管部门：…)."""
    out, last = [], None
    for ch in chars:
        if last is not None and ch["x0"] - last["x1"] > GAP * max(ch.get("size") or 0, 1):
            out.append("  ")
        out.append(ch["text"])
        last = ch
    return "".join(out).strip()


def _lines(page, top: float, bottom: float) -> list[str]:
    if bottom - top < 1:
        return []
    region = page.crop((0, max(top, 0), page.width, min(bottom, page.height)))
    return [text for line in region.extract_text_lines(return_chars=True) if (text := _line_text(line["chars"]))]


def _content_bytes(page) -> int:
    """The size of a page's content streams once inflated (zlib does this fast; laying them out is slow)."""
    from pdfminer.pdftypes import resolve1

    return sum(len(resolve1(stream).get_data()) for stream in page.page_obj.contents or ())


def _cause(exc: BaseException) -> BaseException:
    """What pdfminer raised, inside pdfplumber's PdfminerException(cause)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc


def read(data: bytes, max_pages: int, max_cells: int) -> dict:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if isinstance(_cause(exc), PDFPasswordIncorrect):
            return {"error": "password"}
        raise
    with pdf:
        if len(pdf.pages) > max_pages:
            return {"error": "pages", "count": len(pdf.pages)}
        blocks, pending, cells, text = [], [], 0, False
        drawn_in_all = 0
        for number, page in enumerate(pdf.pages, start=1):
            drawn = _content_bytes(page)
            drawn_in_all += drawn
            if drawn > MAX_CONTENT_BYTES:
                return {"error": "content", "count": drawn, "page": number}
            if drawn_in_all > MAX_TOTAL_CONTENT_BYTES:
                return {"error": "content", "count": drawn_in_all, "page": 0}
            text = text or bool(page.chars)
            top = 0.0
            tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            for n, table in enumerate(tables, start=1):
                rows = table.extract()
                cells += sum(len(r) for r in rows)
                if cells > max_cells:
                    return {"error": "cells", "count": cells}
                blocks.append({"page": number, "table": n, "lines": pending + _lines(page, top, table.bbox[1]),
                               "rows": rows})
                pending, top = [], table.bbox[3]
            pending += _lines(page, top, page.height)
        if pending:
            blocks.append({"page": len(pdf.pages), "table": 0, "lines": pending, "rows": []})
    return {"blocks": blocks, "text": text}


def main() -> None:
    max_pages, max_cells, memory, cpu = (int(a) for a in sys.argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    data = sys.stdin.buffer.read()
    try:
        out = read(data, max_pages, max_cells)
    except Exception as exc:   # whatever a damaged file raises inside pdfminer: the parent tells the user so
        out = {"error": "memory" if isinstance(_cause(exc), MemoryError) else "damaged"}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
