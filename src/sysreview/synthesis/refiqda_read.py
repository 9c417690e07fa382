"""Reading a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti, MAXQDA or sysreview wrote.

A .qdpx is a zip holding ``project.qde`` (the ``urn:QDA-XML:project:1.0`` Project: users, the
codebook, text sources with their coded selections) and each source's plain text under
``Sources/`` (named ``internal://GUID.txt`` by the project) unless the source holds its text
inline in ``PlainTextContent``. The zip comes from outside, so it is read defensively: entry
names that climb out of the archive or are absolute are refused, and the entries' sizes are
capped before anything is decompressed. The XML is parsed with defusedxml, so a document that
declares entities (billion laughs, external entities) is refused whole, as the EndNote reader
does. Errors name the file inside the zip and the line of the element at fault.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from sysreview.errors import InvalidInput

NS = "{urn:QDA-XML:project:1.0}"
PROJECT = "project.qde"
MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class QdaCode:
    """A code of the codebook: its names from the top (the hierarchy) and its description."""

    guid: str
    path: tuple[str, ...]
    description: str
    has_children: bool


@dataclass(frozen=True)
class QdaSelection:
    """A coded span: character offsets into the source's text, its coder and codes' GUIDs."""

    start: int
    end: int
    coder: str
    codes: tuple[str, ...]
    line: int


@dataclass
class QdaSource:
    """A text source: its name, its plain text and its coded selections."""

    name: str
    text: str
    line: int
    selections: list[QdaSelection] = field(default_factory=list)


@dataclass(frozen=True)
class QdaProject:
    codes: list[QdaCode]
    sources: list[QdaSource]


class _Lines(TreeBuilder):
    """A tree builder that notes the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(element)] = int(self.expat.CurrentLineNumber)
        return element


def _fail(file_name: str, where: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{file_name}: {where}: {problem}")


def _entries(data: bytes, file_name: str) -> dict[str, zipfile.ZipInfo]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidInput(f"{file_name}: not a REFI-QDA project (.qdpx is a zip)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InvalidInput(f"{file_name}: the zip holds {len(infos)} entries, over {MAX_ENTRIES}")
    total = 0
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise _fail(file_name, name, "entry name leaves the archive; refused")
        if info.file_size > MAX_ENTRY_BYTES:
            raise _fail(file_name, name, f"entry is over {MAX_ENTRY_BYTES // 2**20} MiB")
        total += info.file_size
        entries[name.replace("\\", "/").lower()] = info
    if total > MAX_TOTAL_BYTES:
        raise InvalidInput(f"{file_name}: the zip unpacks to over {MAX_TOTAL_BYTES // 2**20} MiB")
    return entries


def _read(data: bytes, info: zipfile.ZipInfo, file_name: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(info) as entry:
            content = entry.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _fail(file_name, info.filename, f"the entry cannot be unpacked ({exc})") from None
    if len(content) > MAX_ENTRY_BYTES:
        raise _fail(file_name, info.filename, "entry unpacks to more than its stated size")
    return content


def _parse(content: bytes, where: str) -> tuple[Element, dict[int, int]]:
    builder = _Lines()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    try:
        parser.feed(content)
        root = parser.close()
    except DefusedXmlException:
        raise InvalidInput(
            f"{where}: the XML declares entities (<!ENTITY ...>), which sysreview refuses: "
            "they can expand to gigabytes or read files on the server"
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else "?"
        raise InvalidInput(f"{where}: line {line}: the XML is not well-formed: {error}") from None
    except RecursionError:
        raise InvalidInput(f"{where}: the XML is nested too deeply") from None
    return root, builder.lines


def read_qdpx(data: bytes, file_name: str) -> QdaProject:
    """The codebook and coded text sources of a .qdpx; InvalidInput names what is wrong."""
    entries = _entries(data, file_name)
    info = entries.get(PROJECT)
    if info is None:
        raise InvalidInput(f"{file_name}: no {PROJECT} in the zip; is it a REFI-QDA project?")
    where = f"{file_name}: {info.filename}"
    root, lines = _parse(_read(data, info, file_name), where)
    if root.tag != f"{NS}Project":
        raise InvalidInput(f"{where}: line 1: the root is not a REFI-QDA <Project>")
    users = {u.get("guid", ""): u.get("name", "") for u in root.iter(f"{NS}User")}
    codes: list[QdaCode] = []
    book = root.find(f"{NS}CodeBook/{NS}Codes")
    if book is not None:
        _codes(book, (), codes, f"{where}: line", lines)
    sources = []
    for element in root.iter(f"{NS}TextSource"):
        line = lines.get(id(element), 0)
        text = _source_text(element, entries, data, file_name, f"{where}: line {line}")
        source = QdaSource(element.get("name", ""), text, line)
        for chosen in element.iter(f"{NS}PlainTextSelection"):
            source.selections.append(_selection(chosen, users, f"{where}: line", lines))
        sources.append(source)
    return QdaProject(codes, sources)


def _codes(
    parent: Element, path: tuple[str, ...], out: list[QdaCode], where: str, lines: dict[int, int]
) -> None:
    for element in parent.findall(f"{NS}Code"):
        name = (element.get("name") or "").strip()
        if not name:
            raise InvalidInput(f"{where} {lines.get(id(element), '?')}: a <Code> has no name")
        described = element.find(f"{NS}Description")
        description = (described.text or "").strip() if described is not None else ""
        children = element.findall(f"{NS}Code")
        out.append(QdaCode(element.get("guid", ""), (*path, name), description, bool(children)))
        _codes(element, (*path, name), out, where, lines)


def _source_text(
    element: Element,
    entries: dict[str, zipfile.ZipInfo],
    data: bytes,
    file_name: str,
    where: str,
) -> str:
    inline = element.find(f"{NS}PlainTextContent")
    if inline is not None:
        return inline.text or ""
    path = element.get("plainTextPath", "")
    if not path.startswith("internal://"):
        raise InvalidInput(
            f"{where}: TextSource {element.get('name', '')!r} keeps its text outside the "
            f"project ({path!r}); export it again with the sources inside"
        )
    wanted = path.removeprefix("internal://").lower()
    info = entries.get(f"sources/{wanted}")
    if info is None:
        raise InvalidInput(f"{where}: TextSource's text sources/{wanted} is not in the zip")
    try:
        return _read(data, info, file_name).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(file_name, info.filename, "the source text is not UTF-8") from None


def _selection(
    element: Element, users: dict[str, str], where: str, lines: dict[int, int]
) -> QdaSelection:
    line = lines.get(id(element), 0)
    try:
        start = int(element.get("startPosition", ""))
        end = int(element.get("endPosition", ""))
    except ValueError:
        raise InvalidInput(
            f"{where} {line}: PlainTextSelection needs whole-number startPosition and endPosition"
        ) from None
    if start < 0 or end <= start:
        raise InvalidInput(f"{where} {line}: PlainTextSelection {start}-{end} is empty or reversed")
    codes = tuple(
        ref.get("targetGUID", "")
        for coding in element.findall(f"{NS}Coding")
        for ref in coding.findall(f"{NS}CodeRef")
    )
    user = element.get("creatingUser", "")
    return QdaSelection(start, end, users.get(user, user), codes, line)
