"""EndNote XML, the export of EndNote's "XML" output style (``<xml><records><record>``).

Every value sits in ``<style>`` runs (one per font change), so a value is the text of its
element with the runs joined. The XML is parsed only with defusedxml: a file that declares
entities (billion laughs, external entities that read local files) is refused whole, since
EndNote itself never writes them. Each record's line is taken from the parser as it meets the
``<record>`` start tag, so a skipped record can be found in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, SkippedRecord
from sysreview.records import Record, normalise_doi, normalise_pmcid, normalise_pmid

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "endnote_xml"

_SIGNATURE = re.compile(r"<xml>\s*<records>|<records>\s*<record>|<record>\s*<database\b")
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")
_PMCID = re.compile(r"\bPMC\d{3,9}\b")
#: Elements below a record are at most four deep in EndNote's schema; deeper is not its data.
_MAX_DEPTH = 8


def looks_like(text: str, filename: str) -> bool:
    """EndNote XML: ``<xml><records>`` (or ``<records><record>``) near the top."""
    return bool(_SIGNATURE.search(text[:65_536]))


class _RecordLines(TreeBuilder):
    """A tree builder that notes the line of each ``<record>`` start tag as the parser meets it."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: list[int] = []

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        if tag == "record" and self.expat is not None:
            self.lines.append(int(self.expat.CurrentLineNumber))
        return super().start(tag, attrs)


def _parse(text: str, filename: str) -> tuple[Element, list[int]]:
    """The document's root and the line of every ``<record>``, parsed with defusedxml."""
    builder = _RecordLines()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    # The text is already decoded; an encoding declaration would make expat decode it again.
    text = _DECLARED_ENCODING.sub(r"\1", text, count=1)
    try:
        parser.feed(text)
        root = parser.close()
    except DefusedXmlException:
        raise ImportFormatError(
            "the XML declares entities (<!ENTITY ...>), which sysreview refuses: they can "
            "expand to gigabytes or read files on the server. EndNote never writes them; "
            "export the library again as XML",
            file=filename,
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise ImportFormatError(
            f"the XML is not well-formed: {error}", file=filename, line=line
        ) from None
    except RecursionError:
        raise ImportFormatError("the XML is nested too deeply", file=filename) from None
    return root, builder.lines


def read(text: str, filename: str) -> ReaderOutput:
    """Records from an EndNote XML export."""
    root, lines = _parse(text, filename)
    records = list(root.iter("record"))
    if not records:
        raise ImportFormatError(
            "no <record> elements found: this XML is not an EndNote XML export", file=filename
        )
    return _items(records, lines)


def _items(records: list[Element], lines: list[int]) -> Iterator[Record | SkippedRecord]:
    for position, element in enumerate(records):
        line = lines[position] if position < len(lines) else 1
        yield _record(element, line)


def _text(element: Element | None) -> str:
    """The element's text with its ``<style>`` runs joined and spacing tidied."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _first(record: Element, *paths: str) -> str:
    return next((t for t in (_text(record.find(p)) for p in paths) if t), "")


def _all(record: Element, path: str) -> list[str]:
    return [t for t in (_text(e) for e in record.findall(path)) if t]


def _source_fields(record: Element) -> dict[str, list[str]]:
    """Every value in the record under its element path, e.g. ``titles/title``."""
    source: dict[str, list[str]] = {}
    stack: list[tuple[Element, str, int]] = [(child, child.tag, 1) for child in reversed(record)]
    while stack:
        element, path, depth = stack.pop()
        for name, value in element.attrib.items():
            source.setdefault(f"{path}@{name}", []).append(value)
        children = [child for child in element if child.tag != "style"]
        if not children or depth >= _MAX_DEPTH:
            source.setdefault(path, []).append("".join(element.itertext()).strip())
            continue
        stack.extend((c, f"{path}/{c.tag}", depth + 1) for c in reversed(children))
    return source


def _pmid(record: Element) -> str:
    """EndNote keeps the PubMed id in the accession number of records it got from PubMed."""
    accession = _first(record, "accession-num")
    database = _first(record, "remote-database-name", "remote-database-provider")
    if accession.isdigit() and (
        len(accession) <= 8 or re.search(r"pubmed|medline", database, re.I)
    ):
        return normalise_pmid(accession)
    return ""


def _pmcid(record: Element) -> str:
    for value in _all(record, "custom2") + _all(record, "notes"):
        match = _PMCID.search(value)
        if match:
            return normalise_pmcid(match.group(0))
    return ""


def _record(record: Element, line: int) -> Record | SkippedRecord:
    title = _first(record, "titles/title")
    if not title:
        return SkippedRecord(line, "the EndNote record has no <titles><title>")
    year_match = _YEAR.search(_first(record, "dates/year"))
    ref_type = record.find("ref-type")
    return Record(
        title=title,
        abstract=_first(record, "abstract"),
        authors=_all(record, "contributors/authors/author"),
        year=int(year_match.group(1)) if year_match else None,
        journal=_first(
            record, "periodical/full-title", "titles/secondary-title", "alt-periodical/full-title"
        ),
        journal_abbrev=_first(record, "periodical/abbr-1", "titles/alt-title"),
        volume=_first(record, "volume"),
        issue=_first(record, "number"),
        pages=_first(record, "pages"),
        doi=normalise_doi(_first(record, "electronic-resource-num")),
        pmid=_pmid(record),
        pmcid=_pmcid(record),
        issn=_first(record, "isbn"),
        keywords=_all(record, "keywords/keyword"),
        language=_first(record, "language"),
        publication_type=ref_type.get("name", "") if ref_type is not None else "",
        urls=_all(record, "urls/related-urls/url") + _all(record, "urls/web-urls/url"),
        source_fields=_source_fields(record),
        source_line=line,
    )
