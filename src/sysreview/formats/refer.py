"""EndNote's tagged export (``.enw``), descended from the Unix Refer format.

A record starts with ``%0 <reference type>``; each line is ``%`` and a one-character tag, a
space and the value (``%T`` title, ``%A`` author, ``%D`` year...). Untagged lines continue the
previous field (EndNote puts each keyword on its own line under one ``%K``), and records are
separated by blank lines. EndNote users often save this export with a ``.ris`` name (ASReview
issue #602), so it is recognised by its ``%`` tags, never by the file name.
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
    pmcid_from,
    pmid_from,
    skip_reason,
    split_terms,
    year_from,
)
from sysreview.records import Record, clean_markup, normalise_doi

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "refer"

_TAG = re.compile(r"^%([^\s%])(?:[ \t](.*))?$")


@dataclass
class _Chunk:
    line: int
    pairs: list[tuple[str, str]] = field(default_factory=list)
    typed: bool = False


def looks_like(text: str, filename: str) -> bool:
    """True when the first non-blank line is a ``%`` tag line (``%0 Journal Article``)."""
    for line in text_lines(text[:4000]):
        if line.strip():
            return bool(_TAG.match(line))
    return False


def read(text: str, filename: str) -> ReaderOutput:
    """Records of an EndNote tagged/Refer export, with their first line and every tag.

    Raises :class:`ImportFormatError` (line 1) when the text holds no ``%`` tag line at all.
    """
    lines = text_lines(text)
    if not any(_TAG.match(line) for line in lines):
        message = "no EndNote/Refer record found: a record starts with a line such as "
        raise ImportFormatError(message + "'%0 Journal Article'.", file=filename, line=1)
    return (_item(chunk) for chunk in _chunks(lines))


def _chunks(lines: list[str]) -> Iterator[_Chunk]:
    """Records start at ``%0`` or at the first tag line after a blank line."""
    current: _Chunk | None = None
    after_blank = True
    for number, line in enumerate(lines, start=1):
        match = _TAG.match(line)
        if match:
            tag, value = "%" + match.group(1), (match.group(2) or "").strip()
            if current is not None and (tag == "%0" or after_blank):
                yield current
                current = None
            if current is None:
                current = _Chunk(number, typed=tag == "%0")
            current.pairs.append((tag, value))
        elif current is not None and line.strip():
            tag, value = current.pairs[-1]
            current.pairs[-1] = (tag, f"{value}\n{line.strip()}")
        after_blank = not line.strip()
    if current is not None:
        yield current


def _item(chunk: _Chunk) -> ReadItem:
    record = _record(chunk.pairs, chunk.line)
    if chunk.typed and len(chunk.pairs) > 1:
        return record
    if chunk.typed:
        return SkippedRecord(chunk.line, "the record has no fields besides its type (%0)")
    reason = skip_reason(record, "the record has no '%0' reference type line")
    return SkippedRecord(chunk.line, reason) if reason else record


def _record(pairs: list[tuple[str, str]], line: int) -> Record:
    """Named fields from EndNote tags (``%R`` holds the DOI, ``%M`` the accession number)."""
    fields = group_fields(pairs)
    urls = split_terms(fields.get("%U", []))
    notes = [*fields.get("%Z", []), *fields.get("%1", []), *fields.get("%2", [])]
    return Record(
        title=clean_markup(first_value(fields, "%T")),
        abstract=clean_markup(first_value(fields, "%X")),
        authors=[collapse(value) for tag, value in pairs if tag == "%A" and value],
        year=year_from(*fields.get("%D", []), *fields.get("%8", [])),
        journal=first_value(fields, "%J", "%B"),
        journal_abbrev=first_value(fields, "%O"),
        volume=first_value(fields, "%V"),
        issue=first_value(fields, "%N"),
        pages=first_value(fields, "%P"),
        doi=_doi(fields, urls),
        pmid=pmid_from(
            accessions=fields.get("%M", []),
            databases=[*fields.get("%~", []), *fields.get("%W", [])],
            notes=notes,
            urls=urls,
        ),
        pmcid=pmcid_from([*fields.get("%2", []), *notes, *urls]),
        issn="; ".join(collapse(value) for value in fields.get("%@", []) if value),
        keywords=split_terms(fields.get("%K", [])),
        language=first_value(fields, "%G"),
        publication_type=first_value(fields, "%9", "%0"),
        urls=urls,
        source_fields=fields,
        source_line=line,
    )


def _doi(fields: Mapping[str, list[str]], urls: list[str]) -> str:
    """``%R`` (EndNote's "Electronic Resource Number"), else a doi.org link."""
    doi = normalise_doi(first_value(fields, "%R"))
    if doi:
        return doi
    for url in urls:
        if "doi.org/" in url.lower():
            return normalise_doi(url)
    return ""
