"""The bibliographic record, and the normalisation of identifiers and text.

A :class:`Record` is what a reader yields and what de-duplication and screening see. It keeps
the fields reviewers and dedup need *and* every original field of the source record
(``source_fields``), so an import is lossless: whatever the database exported can be shown or
written back even when sysreview has no named field for it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "Record",
    "normalise_doi",
    "normalise_pmid",
    "normalise_pmcid",
    "normalise_title",
    "clean_markup",
]


@dataclass
class Record:
    """One bibliographic record as exported by a database, with its provenance.

    ``source_fields`` maps each original tag or column to its values in file order;
    ``source_line`` is the 1-based line (or row) where the record began in its file, so an
    error or a reviewer can find it again.
    """

    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    journal_abbrev: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    issn: str = ""
    keywords: list[str] = field(default_factory=list)
    subject_headings: list[str] = field(default_factory=list)
    language: str = ""
    publication_type: str = ""
    urls: list[str] = field(default_factory=list)
    source_fields: dict[str, list[str]] = field(default_factory=dict)
    source_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (lists and source fields copied), used by the store and exports.

        Written out rather than ``dataclasses.asdict``, whose deep copy dominated import time.
        """
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        for name in _LIST_FIELDS:
            data[name] = list(data[name])
        data["source_fields"] = {tag: list(v) for tag, v in self.source_fields.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Rebuild a record from :meth:`to_dict` output, ignoring keys it does not know."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def normalised(self) -> Record:
        """A copy with identifiers normalised (readers have already made titles and abstracts
        plain text; cleaning them again would decode escaped entities a second time)."""
        copy = Record(**self.to_dict())
        copy.doi = normalise_doi(copy.doi)
        copy.pmid = normalise_pmid(copy.pmid)
        copy.pmcid = normalise_pmcid(copy.pmcid)
        return copy


_FIELD_NAMES = tuple(f.name for f in fields(Record))
_LIST_FIELDS = ("authors", "keywords", "subject_headings", "urls")

_DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(value: str | None) -> str:
    """Lower-case bare DOI (``10.xxxx/...``) or "" when the value holds no DOI.

    DOIs are case-insensitive (DOI Handbook 2.4), and databases write them as URLs, with a
    ``doi:`` prefix, or with trailing punctuation and `` [doi]`` markers (MEDLINE ``AID``).
    """
    if not value:
        return ""
    text = value.strip()
    text = re.sub(r"\s*\[doi\]\s*$", "", text, flags=re.IGNORECASE)
    text = _DOI_PREFIXES.sub("", text)
    match = _DOI_SHAPE.search(text)
    if not match:
        return ""
    doi = match.group(0).rstrip(".,;")
    return doi.lower()


def normalise_pmid(value: str | None) -> str:
    """The digits of a PubMed id, or "" when there are none (``PMID: 123`` → ``123``)."""
    if not value:
        return ""
    match = re.search(r"\d{1,9}", value)
    return match.group(0).lstrip("0") if match else ""


def normalise_pmcid(value: str | None) -> str:
    """``PMC`` followed by digits, or ""."""
    if not value:
        return ""
    match = re.search(r"(?:PMC)?\s*(\d{3,9})", value, re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else ""


_ATTRIBUTE = r"""(?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)"""
_TAG = re.compile(rf"</?([A-Za-z][\w:.-]*){_ATTRIBUTE}{{0,30}}\s*/?>")
_INLINE = {"i", "b", "em", "strong", "sub", "sup", "span", "u", "sc", "italic", "bold", "a"}
_SPACE = re.compile(r"\s+")


def clean_markup(text: str | None) -> str:
    """Plain text from a title or abstract that may carry HTML, JATS or MathML markup.

    Tags are dropped, entities decoded and whitespace collapsed; the words stay. This is for
    display and matching; the original text stays in ``source_fields``.
    """
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    without_tags = _TAG.sub(_replace_tag, text)
    decoded = html.unescape(without_tags)
    return _SPACE.sub(" ", decoded).strip()


def _replace_tag(match: re.Match[str]) -> str:
    """Inline tags (``CO<sub>2</sub>``) vanish; block tags leave a space between words."""
    name = match.group(1).lower().rsplit(":", 1)[-1]
    return "" if name in _INLINE or name.startswith("mml") else " "


def normalise_title(text: str | None) -> str:
    """A title reduced for comparison: no markup, accents, case, punctuation or extra spaces."""
    plain = clean_markup(text)
    decomposed = unicodedata.normalize("NFKD", plain)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w\s]", " ", no_accents.casefold())
    return _SPACE.sub(" ", words).strip()
