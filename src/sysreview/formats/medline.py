"""PubMed's own export: the MEDLINE tagged format (``.nbib``, "PubMed format" ``.txt``).

PubMed gives reviewers this format, not RIS, and its files are often named ``.txt`` or even
``.ris``, so detection goes by content: a record begins ``PMID- ``. Tags are up to four
characters padded to four, then ``- ``; long values wrap onto lines indented by six spaces,
and records are separated by blank lines (NLM, MEDLINE/PubMed data element descriptions).
MEDLINE separates MeSH headings (``MH``) from author keywords (``OT``), so both are kept apart.
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
from sysreview.records import Record, clean_markup, normalise_doi, normalise_pmcid, normalise_pmid

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "medline"

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,2}- ?(.*)$")


@dataclass
class _Chunk:
    line: int
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def has(self, tag: str) -> bool:
        return any(name == tag for name, _ in self.pairs)


def looks_like(text: str, filename: str) -> bool:
    """True when the first tagged line is ``PMID- ``, as in every PubMed export."""
    for line in text_lines(text[:20000])[:60]:
        tag = _tag(line)
        if tag:
            return tag[0] == "PMID"
    return False


def read(text: str, filename: str) -> ReaderOutput:
    """Records of a PubMed/MEDLINE export, each with its first line and every original tag.

    Raises :class:`ImportFormatError` (line 1) when the text holds no ``PMID- `` line at all.
    """
    lines = text_lines(text)
    if not any(line.startswith("PMID-") for line in lines):
        message = "no PubMed/MEDLINE record found: a record starts with a line 'PMID- '."
        if any(line.startswith("TY  -") for line in lines[:60]):
            message += " This looks like a RIS file; import it as RIS."
        raise ImportFormatError(message, file=filename, line=1)
    return (_item(chunk) for chunk in _chunks(lines))


def _tag(line: str) -> tuple[str, str] | None:
    """``(tag, value)`` when the line is tagged: the hyphen sits in the fifth column."""
    match = _TAG.match(line)
    if not match or len(line) < 5 or line[4] != "-":
        return None
    return match.group(1), match.group(2).strip()


def _chunks(lines: list[str]) -> Iterator[_Chunk]:
    """Records split at blank lines, or at a second ``PMID-`` when a blank line is missing."""
    current: _Chunk | None = None
    for number, line in enumerate(lines, start=1):
        tagged = _tag(line)
        if not line.strip():
            if current is not None:
                yield current
            current = None
        elif tagged:
            if current is not None and tagged[0] == "PMID" and current.has("PMID"):
                yield current
                current = None
            if current is None:
                current = _Chunk(number)
            current.pairs.append(tagged)
        elif current is not None:
            tag, value = current.pairs[-1]
            current.pairs[-1] = (tag, f"{value} {line.strip()}".strip())
    if current is not None:
        yield current


def _item(chunk: _Chunk) -> ReadItem:
    record = _record(chunk.pairs, chunk.line)
    reason = skip_reason(record, "the record has no 'PMID- ' line")
    return SkippedRecord(chunk.line, reason) if reason else record


def _record(pairs: list[tuple[str, str]], line: int) -> Record:
    """Named fields from MEDLINE tags (full author names preferred, in their order)."""
    fields = group_fields(pairs)
    return Record(
        title=clean_markup(first_value(fields, "TI", "BTI", "TT")),
        abstract=clean_markup("\n".join(fields.get("AB", []))),
        authors=_authors(pairs),
        year=year_from(*fields.get("DP", []), *fields.get("DEP", [])),
        journal=first_value(fields, "JT"),
        journal_abbrev=first_value(fields, "TA"),
        volume=first_value(fields, "VI"),
        issue=first_value(fields, "IP"),
        pages=first_value(fields, "PG"),
        doi=_doi(fields),
        pmid=normalise_pmid(first_value(fields, "PMID")),
        pmcid=normalise_pmcid(first_value(fields, "PMC")),
        issn="; ".join(collapse(value) for value in fields.get("IS", []) if value),
        keywords=split_terms(fields.get("OT", []), "\n"),
        subject_headings=split_terms(fields.get("MH", []), "\n"),
        language="; ".join(collapse(value) for value in fields.get("LA", []) if value),
        publication_type="; ".join(collapse(value) for value in fields.get("PT", []) if value),
        source_fields=fields,
        source_line=line,
    )


def _authors(pairs: list[tuple[str, str]]) -> list[str]:
    """``FAU`` full names (``AU`` initials when there are none) with group authors (``CN``)
    in the order the record lists them."""
    personal = "FAU" if any(tag == "FAU" for tag, _ in pairs) else "AU"
    return [collapse(value) for tag, value in pairs if tag in (personal, "CN") and value]


def _doi(fields: Mapping[str, list[str]]) -> str:
    """The ``[doi]``-marked value of ``AID`` or ``LID`` (``LID`` may hold a ``[pii]``)."""
    for value in (*fields.get("AID", []), *fields.get("LID", [])):
        if value.rstrip().lower().endswith("[doi]"):
            doi = normalise_doi(value)
            if doi:
                return doi
    return ""
