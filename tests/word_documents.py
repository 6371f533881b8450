"""Word documents (.docx) for tests, written by python-docx as Word writes them: paragraphs and tables,
merged cells holding their text once."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import docx


@dataclass(frozen=True)
class Table:
    rows: list[tuple]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col


def docx_bytes(*blocks: str | Table) -> bytes:
    """A document of paragraphs (str) and tables, in order."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(r) for r in block.rows)
        table = document.add_table(rows=len(block.rows), cols=width)
        for r, row in enumerate(block.rows):
            for c, value in enumerate(row):
                if value is not None:
                    table.cell(r, c).text = str(value)
        for r1, c1, r2, c2 in block.merges:
            table.cell(r1, c1).merge(table.cell(r2, c2))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
