"""Web of Science "Plain text file" exports (``savedrecs.txt``, ``.ciw``).

The file opens with ``FN Clarivate Analytics Web of Science`` and ``VR 1.0``, each record runs
from ``PT`` to ``ER`` and ``EF`` ends the file. A tag is two characters and a space; further
values of a tag follow on lines indented by three spaces. For author and address tags each such
line is one more value; for titles and abstracts it is the same text wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, ReadItem, SkippedRecord
from sysreview.formats.encoding import text_lines
from sysreview.formats.ris import (
    collapse,
    first_value,
    group_fields,
    skip_reason,
    split_terms,
    year_from,
)
from sysreview.records import Record, clean_markup, normalise_doi, normalise_pmid

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "wos_plaintext"

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_FIRST_LINE = re.compile(r"^(?:FN |VR \d|PT [A-Z]\s*$)")
# Tags whose continuation lines are separate values (one author, address or reference each).
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "ED", "C1", "C3", "CR"})
_FILE_TAGS = frozenset({"FN", "VR", "EF"})


@dataclass
class _Chunk:
    line: int
    pairs: list[tuple[str, str]] = field(default_factory=list)
    typed: bool = False
    ended: bool = False


def looks_like(text: str, filename: str) -> bool:
    """True when the file opens with the ``FN``/``VR`` header or a ``PT`` record start."""
    for line in text_lines(text[:4000]):
        if line.strip():
            return bool(_FIRST_LINE.match(line))
    return False


def read(text: str, filename: str) -> ReaderOutput:
    """Records of a Web of Science plain-text export, with their first line and every tag.

    Raises :class:`ImportFormatError` (line 1) when the text holds no ``PT`` record at all.
    """
    lines = text_lines(text)
    if not any(re.match(r"^PT \S", line) for line in lines):
        message = "no Web of Science record found: a record starts with a line 'PT J'."
        raise ImportFormatError(message, file=filename, line=1)
    return (_item(chunk) for chunk in _chunks(lines))


def _chunks(lines: list[str]) -> Iterator[_Chunk]:
    """Records from ``PT`` to ``ER``; the file header and ``EF`` are not records."""
    current: _Chunk | None = None
    for number, line in enumerate(lines, start=1):
        match = _TAG.match(line)
        tag, value = (match.group(1), (match.group(2) or "").strip()) if match else ("", "")
        if tag in ("ER", "EF") and not value:
            if current is not None:
                current.ended = tag == "ER"
                yield current
            current = None
            if tag == "EF":
                return
        elif tag == "PT" or (tag and current is None and tag not in _FILE_TAGS):
            if current is not None:
                yield current
            current = _Chunk(number, [(tag, value)], typed=tag == "PT")
        elif tag and current is not None:
            current.pairs.append((tag, value))
        elif current is not None and line.strip():
            _continue(current, line.strip())
    if current is not None:
        yield current


def _continue(chunk: _Chunk, text: str) -> None:
    """An indented line: one more value of a list tag, else more of the same text."""
    tag, value = chunk.pairs[-1]
    if tag in _LIST_TAGS:
        chunk.pairs.append((tag, text))
    else:
        chunk.pairs[-1] = (tag, f"{value} {text}".strip())


def _item(chunk: _Chunk) -> ReadItem:
    record = _record(chunk.pairs, chunk.line)
    if chunk.typed and chunk.ended:
        return record
    if not chunk.typed:
        problem = "the record has no 'PT' line (every record starts with one)"
    else:
        problem = "the record has no 'ER' line (the file may be cut off)"
    reason = skip_reason(record, problem)
    return SkippedRecord(chunk.line, reason) if reason else record


def _record(pairs: list[tuple[str, str]], line: int) -> Record:
    """Named fields from Web of Science tags (full author names ``AF`` preferred)."""
    fields = group_fields(pairs)
    authors = fields.get("AF") or fields.get("AU") or fields.get("CA") or []
    return Record(
        title=clean_markup(first_value(fields, "TI")),
        abstract=clean_markup(first_value(fields, "AB")),
        authors=[collapse(author) for author in authors if author.strip()],
        year=year_from(*fields.get("PY", []), *fields.get("EA", []), *fields.get("PD", [])),
        journal=first_value(fields, "SO"),
        journal_abbrev=first_value(fields, "JI", "J9"),
        volume=first_value(fields, "VL"),
        issue=first_value(fields, "IS"),
        pages=_pages(fields),
        doi=normalise_doi(first_value(fields, "DI", "D2")),
        pmid=normalise_pmid(first_value(fields, "PM")),
        issn="; ".join(
            value for value in (first_value(fields, "SN"), first_value(fields, "EI")) if value
        ),
        keywords=_keywords(fields),
        language=first_value(fields, "LA"),
        publication_type=first_value(fields, "DT"),
        source_fields=fields,
        source_line=line,
    )


def _pages(fields: Mapping[str, list[str]]) -> str:
    """``BP-EP``, or the article number (``AR``) that online-only journals give instead."""
    begin, end = first_value(fields, "BP"), first_value(fields, "EP")
    if begin and end:
        return f"{begin}-{end}"
    return begin or first_value(fields, "AR")


def _keywords(fields: Mapping[str, list[str]]) -> list[str]:
    """Author keywords (``DE``) then Keywords Plus (``ID``), without case-only repeats."""
    seen: set[str] = set()
    keywords = []
    for term in split_terms([*fields.get("DE", []), *fields.get("ID", [])], ";"):
        if term.casefold() not in seen:
            seen.add(term.casefold())
            keywords.append(term)
    return keywords
