"""REFI-QDA exchange files: the codebook (.qdc) and a project with its coding (.qdpx).

The REFI-QDA standard (www.qdasoftware.org; Project and Codebook schemas 1.0) is what NVivo,
ATLAS.ti, MAXQDA and others read and write. A .qdc is one XML document, ``<CodeBook>`` in the
``urn:QDA-XML:codebook:1.0`` namespace. A .qdpx is a zip holding ``project.qde`` (``<Project>``
in ``urn:QDA-XML:project:1.0``: users, the codebook, text sources with their coded selections)
and each source's plain text under ``Sources/``, which the project names as
``internal://GUID.txt``. Selections are zero-based character offsets into that text.

GUIDs are derived from the review and the object's id (UUID version 5), so exporting twice
gives the same GUIDs and a tool that imports both can tell the objects are the same. The XML is
built with ElementTree, which escapes every name and text; characters XML cannot hold become
U+FFFD one for one, so offsets still count the same characters.
"""

from __future__ import annotations

import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from sysreview.synthesis.codebook import Codebook

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "sysreview"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROOT = uuid.UUID("6f1c3c52-3f5e-4a7e-9d0e-0c8a9a1e5f21")


@dataclass(frozen=True)
class Selection:
    """A coded span of a source: character offsets, who coded it, the codes applied."""

    id: int
    start: int
    end: int
    coder: str
    codes: tuple[int, ...]


@dataclass(frozen=True)
class TextSource:
    """A text the excerpts were taken from (a study's field, note or a report's full text)."""

    key: str
    name: str
    text: str
    selections: list[Selection] = field(default_factory=list)


def guid(review: str, kind: str, key: object) -> str:
    """A stable GUID for one object of one review."""
    return str(uuid.uuid5(_ROOT, f"{review}/{kind}/{key}"))


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _codes(parent: ET.Element, book: Codebook, review: str, ns: str) -> None:
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")

    def add(into: ET.Element, code_id: int | None) -> None:
        for code in book.children(code_id):
            element = ET.SubElement(
                into,
                f"{{{ns}}}Code",
                {"guid": guid(review, "code", code.id), "name": _clean(code.name)},
            )
            element.set("isCodable", "true")
            if code.definition:
                ET.SubElement(element, f"{{{ns}}}Description").text = _clean(code.definition)
            add(element, code.id)

    add(codes, None)


def _xml(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def codebook_qdc(book: Codebook, review: str) -> bytes:
    """The codebook as a REFI-QDA .qdc document."""
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN})
    _codes(root, book, review, CODEBOOK_NS)
    return _xml(root, CODEBOOK_NS)


def project_qdpx(book: Codebook, sources: Sequence[TextSource], review: str, title: str) -> bytes:
    """The project as a REFI-QDA .qdpx zip: project.qde and each source's text."""
    ns = PROJECT_NS
    coders = sorted({s.coder for source in sources for s in source.selections})
    root = ET.Element(f"{{{ns}}}Project", {"name": _clean(title) or review, "origin": ORIGIN})
    users = ET.SubElement(root, f"{{{ns}}}Users")
    for coder in coders:
        ET.SubElement(users, f"{{{ns}}}User", {"guid": guid(review, "user", coder), "name": coder})
    book_element = ET.SubElement(root, f"{{{ns}}}CodeBook")
    _codes(book_element, book, review, ns)
    files: dict[str, str] = {}
    source_elements = ET.SubElement(root, f"{{{ns}}}Sources")
    for source in sources:
        source_guid = guid(review, "source", source.key)
        files[f"Sources/{source_guid}.txt"] = _clean(source.text)
        element = ET.SubElement(
            source_elements,
            f"{{{ns}}}TextSource",
            {
                "guid": source_guid,
                "name": _clean(source.name),
                "plainTextPath": f"internal://{source_guid}.txt",
            },
        )
        for selection in sorted(source.selections, key=lambda s: (s.start, s.end, s.id)):
            _selection(element, selection, review, ns)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("project.qde"), _xml(root, ns))
        for name, text in files.items():
            archive.writestr(_entry(name), text.encode("utf-8"))
    return buffer.getvalue()


def _selection(parent: ET.Element, selection: Selection, review: str, ns: str) -> None:
    user = guid(review, "user", selection.coder)
    element = ET.SubElement(
        parent,
        f"{{{ns}}}PlainTextSelection",
        {
            "guid": guid(review, "excerpt", selection.id),
            "name": f"Excerpt {selection.id}",
            "startPosition": str(selection.start),
            "endPosition": str(selection.end),
            "creatingUser": user,
        },
    )
    for code_id in selection.codes:
        coding = ET.SubElement(
            element,
            f"{{{ns}}}Coding",
            {"guid": guid(review, "coding", f"{selection.id}/{code_id}"), "creatingUser": user},
        )
        ET.SubElement(coding, f"{{{ns}}}CodeRef", {"targetGUID": guid(review, "code", code_id)})


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
