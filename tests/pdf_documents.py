"""PDFs for tests: text and ruled tables written by fpdf2 in the CJK font Debian ships (fonts-wqy-microhei), as
a form printed to PDF looks; an image-only page as a scan; and raw PDFs built byte by byte for what no writer
makes on purpose (a content stream that inflates to hundreds of megabytes)."""

from __future__ import annotations

import io
import zlib

from fpdf import FPDF
from PIL import Image

from tests.word_documents import Table

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _document() -> FPDF:
    pdf = FPDF()
    pdf.add_font("wqy", fname=FONT, collection_font_number=0)
    pdf.set_font("wqy", size=8)
    return pdf


def pdf_bytes(*blocks: str | Table, page_break_before: tuple[int, ...] = (), password: str | None = None) -> bytes:
    """A PDF of lines (str) and ruled tables, in order; a new page before the blocks numbered in
    `page_break_before`; opened only with `password` when one is given."""
    pdf = _document()
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.add_page()
    for n, block in enumerate(blocks):
        if n in page_break_before:
            pdf.add_page()
        if isinstance(block, str):
            pdf.cell(text=block, new_x="LMARGIN", new_y="NEXT")
            continue
        origins = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in block.merges}
        covered = {(r, c) for r1, c1, r2, c2 in block.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        width = max(len(r) for r in block.rows)
        with pdf.table(first_row_as_headings=False, line_height=5) as table:
            for r, values in enumerate(block.rows):
                row = table.row()
                for c in range(width):
                    value = values[c] if c < len(values) else None
                    if (r, c) in origins:
                        rows, cols = origins[(r, c)]
                        row.cell("" if value is None else str(value), rowspan=rows, colspan=cols)
                    elif (r, c) not in covered:
                        row.cell("" if value is None else str(value))
        pdf.ln(4)
    return bytes(pdf.output())


def pages_pdf(count: int) -> bytes:
    """A PDF of `count` pages, a line of text on each."""
    pdf = _document()
    for n in range(count):
        pdf.add_page()
        pdf.cell(text=f"第{n + 1}页")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page holding only a picture, as a scanner makes it."""
    pdf = _document()
    pdf.add_page()
    picture = io.BytesIO()
    Image.new("L", (200, 100), 255).save(picture, format="PNG")
    pdf.image(picture, x=10, y=10, w=100)
    return bytes(pdf.output())


def inflating_pdf(megabytes: int) -> bytes:
    """One page whose content stream, a few hundred kilobytes compressed, inflates to `megabytes` of text
    operators (the PDF kin of a zip bomb)."""
    packer, line = zlib.compressobj(9), b"BT /F1 12 Tf 72 712 Td (0) Tj ET\n"
    chunk = line * (1_000_000 // len(line))
    stream = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
