"""Writing a review's tables (appraisal Tables 2–3, Table 1) as CSV, XLSX, HTML and DOCX.

A table arrives as rows of text cells, header first. HTML is rendered by an autoescaping
template, never by joining strings; CSV and XLSX cells are neutralised against formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from sysreview.errors import InvalidInput
from sysreview.formats.cells import neutralise_cell

TABLE_FORMATS = ("csv", "xlsx", "html", "docx")
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=True,
)


def table_bytes(rows: Sequence[Sequence[str]], fmt: str, title: str = "") -> bytes:
    """The table in ``fmt``; CSV and HTML are the same bytes for the same rows."""
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [[neutralise_cell(c) for c in row] for row in rows]
        )
        return buffer.getvalue().encode("utf-8")
    if fmt == "html":
        html = _TEMPLATES.get_template("table.html").render(title=title, rows=rows)
        return html.encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(rows, title)
    if fmt == "docx":
        return _docx(rows, title)
    raise InvalidInput(f"tables are written as {', '.join(TABLE_FORMATS)}, not {fmt!r}")


def _xlsx(rows: Sequence[Sequence[str]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (title or "Table")[:31]
    for row in rows:
        sheet.append([neutralise_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(rows: Sequence[Sequence[str]], title: str) -> bytes:
    from docx import Document

    document = Document()
    if title:
        document.add_heading(title, level=2)
    table = document.add_table(rows=len(rows), cols=max((len(r) for r in rows), default=1))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
