"""The review report as plain data, and that data written as Markdown, HTML or DOCX.

A report is a tree of sections holding blocks (text, tables, a figure, search strategies, the
PRISMA 2020 checklist). Text is a run of spans, and a span the authors must write is marked as a
placeholder, so every output shows it as one and a script can count what is left to write.

Rendering is deterministic: the same report gives the same Markdown and HTML bytes, and DOCX is
made so as well (its zip entries carry a fixed time). HTML comes from an autoescaping template
with the diagram embedded as a base64 ``data:`` image, so no markup from a record reaches the
page; Markdown escapes every value from the data the same way, through the template's
``finalize`` hook rather than by remembering a filter at each place.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from sysreview.errors import InvalidInput, SysreviewError

REPORT_FORMATS = ("md", "html", "docx", "pdf")
PLACEHOLDER_PREFIX = "[Authors: "
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Span:
    """A piece of text; ``placeholder`` marks text the authors must replace, ``anchor`` links
    it to a section of the report."""

    text: str
    placeholder: bool = False
    anchor: str = ""


@dataclass(frozen=True)
class Text:
    """A paragraph."""

    spans: tuple[Span, ...]
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Table:
    """A table of text cells, header row first."""

    caption: str
    rows: tuple[tuple[str, ...], ...]
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Code:
    """Text kept as it is, line by line: a search strategy as it was run."""

    caption: str
    text: str
    kind: ClassVar[str] = "code"


@dataclass(frozen=True)
class Figure:
    """An SVG figure (the PRISMA diagram), written beside the report as ``file_name`` too."""

    caption: str
    svg: str
    file_name: str
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class ChecklistItem:
    """One PRISMA 2020 item: where the report answers it (``anchor``), or nothing when the
    authors must; ``status`` says how far the draft answers it."""

    number: str
    topic: str
    anchor: str
    where: str
    status: str


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    kind: ClassVar[str] = "checklist"


Block = Text | Table | Code | Figure | Checklist


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        yield self
        for section in self.sections:
            yield from section.walk()

    def placeholders(self) -> list[str]:
        """The texts left for the authors in this section and those below it."""
        found = []
        for section in self.walk():
            for block in section.blocks:
                if isinstance(block, Text):
                    found += [s.text for s in block.spans if s.placeholder]
        return found


@dataclass(frozen=True)
class Report:
    title: str
    generator: str
    sections: tuple[Section, ...]

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def figures(self) -> list[Figure]:
        return [b for s in self.walk() for b in s.blocks if isinstance(b, Figure)]

    def placeholders(self) -> list[str]:
        return [text for section in self.sections for text in section.placeholders()]


def placeholder(what: str) -> Span:
    """A span asking the authors for ``what`` (e.g. "give the date of the search")."""
    return Span(f"{PLACEHOLDER_PREFIX}{what}]", placeholder=True)


# ------------------------------------------------------------------------------ rendering


class ReportConverterUnavailable(SysreviewError):
    """PDF was asked for, but no HTML → PDF converter can be loaded here."""


def render_report(report: Report, fmt: str) -> bytes:
    """The report as ``fmt``: md, html and docx always; pdf when WeasyPrint is installed."""
    if fmt == "md":
        return _MARKDOWN.get_template("report.md.j2").render(report=report).encode("utf-8")
    if fmt == "html":
        return _HTML.get_template("report.html").render(report=report).encode("utf-8")
    if fmt == "docx":
        return _docx(report)
    if fmt == "pdf":
        return _pdf(render_report(report, "html"))
    raise InvalidInput(f"a report is written as {', '.join(REPORT_FORMATS)}, not {fmt!r}")


_MD_SPECIAL = re.compile(r"([\\`*_<>|#~]|\](?=\())")


def markdown_text(value: object) -> str:
    """A value from the data as literal Markdown text on one line, with every character that
    could start markup (HTML, a link, emphasis, a table cell, a heading) backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(value)))


def _md_finalize(value: object) -> Markup:
    """Every ``{{ … }}`` of the Markdown template: escaped as Markdown once, then marked safe so
    the environment's (HTML) autoescape leaves it alone. A macro's output and the filters below
    are already Markup, so nothing is escaped twice."""
    if isinstance(value, Markup):
        return value
    return Markup(markdown_text("" if value is None else value))  # noqa: S704 - Markdown-escaped


def _fenced(text: str) -> Markup:
    """A fenced code block that no run of backticks in ``text`` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}text\n{text.rstrip()}\n{fence}")  # noqa: S704 - Markdown, not HTML


def _hashes(level: int) -> Markup:
    return Markup("#" * int(level))  # noqa: S704 - a Markdown heading marker


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


_TEMPLATE_DIR = Path(__file__).parent / "templates"


def _environment(**options: object) -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,  # type: ignore[arg-type]
    )


_HTML = _environment()
_HTML.filters["data_uri"] = _data_uri
_MARKDOWN = _environment(finalize=_md_finalize)
_MARKDOWN.filters.update(fenced=_fenced, hashes=_hashes)


def _docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.generator)

    def add_section(section: Section, level: int) -> None:
        document.add_heading(section.title, level=min(level, 9))
        for block in section.blocks:
            if isinstance(block, Text):
                paragraph = document.add_paragraph()
                for span in block.spans:
                    run = paragraph.add_run(span.text)
                    if span.placeholder:
                        run.italic = True
                        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            elif isinstance(block, Table | Checklist):
                rows = _checklist_rows(block) if isinstance(block, Checklist) else block.rows
                if isinstance(block, Table) and block.caption:
                    document.add_paragraph(block.caption).runs[0].bold = True
                _docx_table(document, rows)
            elif isinstance(block, Code):
                document.add_paragraph(block.caption).runs[0].bold = True
                run = document.add_paragraph().add_run(block.text.rstrip())
                run.font.name, run.font.size = "Courier New", Pt(9)
            else:
                _docx_figure(document, block)
        for child in section.sections:
            add_section(child, level + 1)

    for section in report.sections:
        add_section(section, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _checklist_rows(block: Checklist) -> tuple[tuple[str, ...], ...]:
    header = ("Item", "Topic", "Reported in", "Status")
    return (header, *((i.number, i.topic, i.where, i.status) for i in block.items))


def _docx_table(document: object, rows: tuple[tuple[str, ...], ...]) -> None:
    table = document.add_table(  # type: ignore[attr-defined]
        rows=len(rows), cols=max((len(r) for r in rows), default=1)
    )
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
            if r == 0:
                for run in table.cell(r, c).paragraphs[0].runs:
                    run.bold = True


def _docx_figure(document: object, figure: Figure) -> None:
    """The diagram as a PNG when CairoSVG is installed; otherwise a line naming the SVG file."""
    from docx.shared import Inches

    from sysreview.reporting.convert import ConverterUnavailable, render_png

    try:
        png = render_png(figure.svg, scale=2.0)
    except ConverterUnavailable:
        document.add_paragraph(  # type: ignore[attr-defined]
            f"{figure.caption} (see {figure.file_name}; install CairoSVG to embed it here)"
        )
        return
    document.add_picture(io.BytesIO(png), width=Inches(6.3))  # type: ignore[attr-defined]
    document.add_paragraph(figure.caption)  # type: ignore[attr-defined]


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every entry dated alike, so a DOCX depends on its content only."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _pdf(html: bytes) -> bytes:
    """HTML → PDF through WeasyPrint (optional; it needs Debian's Pango)."""
    try:
        from weasyprint import HTML  # optional: loaded on first use
    except (ImportError, OSError) as error:
        raise ReportConverterUnavailable(
            "a PDF report needs WeasyPrint (pip install weasyprint; Debian's libpango-1.0-0): "
            f"write --format html or docx instead ({error})"
        ) from error
    pdf: bytes = HTML(string=html.decode("utf-8")).write_pdf()
    return pdf
