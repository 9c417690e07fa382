"""BibTeX, the format of LaTeX users and of many reference managers' exports.

Entries are split by bibtexparser (v2), which survives broken entries: an entry it cannot read
(unbalanced braces, a missing comma) becomes a failed block with the line it started on, and the
entries after it are still read. Field values are LaTeX, so accents (``M{\\"u}ller``), escapes
(``50\\%``) and protective braces (``{DNA}``) are decoded to plain Unicode for the named fields;
``source_fields`` keeps every field as written. Authors are split on ``and`` the way BibTeX
does (braces protect ``{Barnes and Noble}``) and written ``Last, First``.

The writer escapes LaTeX's special characters in text fields and keeps braces balanced, so the
file it writes is one that BibTeX, biber and this reader accept.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.middlewares.names import (
    NameParts,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, SkippedRecord
from sysreview.records import Record, normalise_doi, normalise_pmcid, normalise_pmid

__all__ = ["FORMAT", "looks_like", "read", "write", "latex_to_text"]

FORMAT = "bibtex"

# bibtexparser logs each broken entry with 0-based line numbers; the reader reports them as
# SkippedRecords with 1-based ones, so its log stays silent unless an application asks for it.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")
_STAMP_PREFIX = "sysreview_"

# --- LaTeX to Unicode -----------------------------------------------------------------------

_NEEDS_DECODER = re.compile(r"[\\$~`]")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
#: pylatexenc's cost grows faster than the length of a value; longer values only lose braces.
_MAX_LATEX_CHARS = 10_000


@lru_cache(maxsize=1)
def _pylatexenc() -> tuple[Any, Any]:
    """pylatexenc's decoder, configured as bibtexparser's LatexDecodingMiddleware configures it,
    and the parser context it needs, built once rather than for every value.

    Used directly rather than through the middleware so that plain values (most of them) skip
    it, verbatim fields (DOI, URL) are never decoded, and a value it chokes on keeps its text.
    """
    from pylatexenc.latex2text import (  # bibtexparser's own LaTeX decoder
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.latexwalker import get_default_latex_context_db as parser_context

    context = get_default_latex_context_db()
    context.add_context_category(
        "sysreview", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    decoder = LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="text")
    return decoder, parser_context()


def _strip_braces(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def _decode(value: str) -> str:
    decoder, context = _pylatexenc()
    latex = _UNESCAPED_PERCENT.sub(r"\\%", value)
    try:
        text = str(decoder.latex_to_text(latex, latex_context=context, tolerant_parsing=True))
    except Exception:  # pylatexenc has many failure modes on malformed LaTeX; keep the text
        return _strip_braces(value)
    if "textasciicircum" in value:  # pylatexenc gives U+02C6 where LaTeX prints ^
        text = text.replace("\u02c6", "^")
    return text.replace("\xa0", " ")


#: Names and journal titles repeat across a file; short values are decoded once.
_decode_short = lru_cache(maxsize=32_768)(_decode)


def latex_to_text(value: str) -> str:
    """Plain Unicode from a BibTeX field value: accents, escapes and braces decoded.

    A bare ``%`` is literal in BibTeX but a comment in LaTeX, so it is kept as a character.
    """
    if not _NEEDS_DECODER.search(value) or len(value) > _MAX_LATEX_CHARS:
        return _strip_braces(value)
    return _decode_short(value) if len(value) <= 200 else _decode(value)


# --- reading --------------------------------------------------------------------------------


def looks_like(text: str, filename: str) -> bool:
    """A BibTeX file: an ``@type{`` entry start near the top."""
    return bool(_ENTRY_START.search(text[:65_536]))


def read(text: str, filename: str) -> ReaderOutput:
    """Records from a BibTeX file; an entry bibtexparser cannot read is skipped with its line."""
    library = bibtexparser.parse_string(text) if "@" in text else Library()
    if not library.entries and not library.failed_blocks:
        raise ImportFormatError(
            "no BibTeX entries found (an entry starts like @article{key,)", file=filename
        )
    return _items(library)


def _items(library: Library) -> Iterator[Record | SkippedRecord]:
    for block in library.blocks:
        if isinstance(block, Entry):
            yield _record(block, _line(block.start_line))
        elif isinstance(block, DuplicateBlockKeyBlock):
            yield from _duplicate(block)
        elif isinstance(block, ParsingFailedBlock):
            yield SkippedRecord(_line(block.start_line), _failure(block))


def _line(start_line: int | None) -> int:
    """bibtexparser counts lines from 0; reviewers and editors count from 1."""
    return (start_line or 0) + 1


def _failure(block: ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", "") or str(error) or type(error).__name__
    first = (block.raw or "").strip().split("\n", 1)[0][:80]
    return f"cannot read the BibTeX entry {first!r}: {reason}"


def _duplicate(block: DuplicateBlockKeyBlock) -> Iterator[Record | SkippedRecord]:
    """An entry whose key another entry already used is still a record: read it on its own.

    Exports often reuse keys such as ``smith2020``; for a review, each entry counts, and
    de-duplication decides later whether they are the same study.
    """
    offset = block.start_line or 0
    for item in _items(bibtexparser.parse_string(block.raw or "")):
        if isinstance(item, SkippedRecord):
            yield SkippedRecord(item.line + offset, item.reason)
        else:
            item.source_line = (item.source_line or 1) + offset
            yield item


def _values(entry: Entry) -> dict[str, str]:
    """Field values by lower-case name; the first of repeated fields wins."""
    values: dict[str, str] = {}
    for field in entry.fields:
        if isinstance(field.value, str):
            values.setdefault(field.key.lower(), field.value.strip())
    return values


def _source_fields(entry: Entry) -> dict[str, list[str]]:
    source: dict[str, list[str]] = {"ENTRYTYPE": [entry.entry_type], "ID": [entry.key]}
    for field in entry.fields:
        source.setdefault(field.key, []).append(str(field.value))
    return source


def _record(entry: Entry, line: int) -> Record | SkippedRecord:
    values = _values(entry)

    def text(*names: str) -> str:
        return next((latex_to_text(values[n]).strip() for n in names if values.get(n)), "")

    title = text("title")
    if not title:
        return SkippedRecord(line, f"the BibTeX entry {entry.key!r} has no title")
    eprint_type = values.get("eprinttype", "").lower()
    return Record(
        title=" ".join(title.split()),
        abstract=text("abstract"),
        authors=_names(values.get("author", "")),
        year=_year(values.get("year", "") or values.get("date", "")),
        journal=text("journal", "journaltitle", "booktitle"),
        journal_abbrev=text("shortjournal", "journal-abbrev", "journalabbrev"),
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=re.sub(r"\s*[-\u2013\u2014]+\s*", "-", _strip_braces(values.get("pages", ""))),
        doi=normalise_doi(values.get("doi", "")) or normalise_doi(values.get("url", "")),
        pmid=normalise_pmid(
            values.get("pmid") or values.get("pubmed") or _eprint(values, "pubmed", eprint_type)
        ),
        pmcid=normalise_pmcid(values.get("pmcid") or _eprint(values, "pmc", eprint_type)),
        issn=_strip_braces(values.get("issn", "")),
        keywords=_terms(text("keywords", "keyword")),
        subject_headings=_terms(text("mesh")),
        language=text("language", "langid"),
        publication_type=entry.entry_type.lower(),
        urls=_strip_braces(values.get("url", "")).split(),
        source_fields=_source_fields(entry),
        source_line=line,
    )


def _eprint(values: Mapping[str, str], kind: str, eprint_type: str) -> str:
    return values.get("eprint", "") if eprint_type == kind else ""


def _year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def _terms(value: str) -> list[str]:
    return [term.strip() for term in re.split(r"[;,]", value) if term.strip()]


def _names(value: str) -> list[str]:
    """Authors in order, each ``Last, First``, split and parsed the way BibTeX does."""
    names = []
    for name in split_multiple_persons_names(value):
        try:
            parts = parse_single_name_into_parts(name)
        except Exception:  # a name BibTeX itself could not split: keep it as written
            names.append(" ".join(latex_to_text(name).split()))
            continue
        decoded = NameParts(
            first=[latex_to_text(p) for p in parts.first],
            von=[latex_to_text(p) for p in parts.von],
            last=[latex_to_text(p) for p in parts.last],
            jr=[latex_to_text(p) for p in parts.jr],
        )
        names.append(" ".join(decoded.merge_last_name_first.split()))
    return [name for name in names if name]


# --- writing --------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\&%$#_~^]")
_ENTRY_TYPES = (
    (re.compile(r"conf|proceed|congress|meeting|cpaper", re.I), "inproceedings"),
    (re.compile(r"chap|section", re.I), "incollection"),
    (re.compile(r"book", re.I), "book"),
    (re.compile(r"thes|dissert", re.I), "phdthesis"),
    (re.compile(r"report|rprt", re.I), "techreport"),
    (re.compile(r"article|jour|review|letter|editorial", re.I), "article"),
)


def _balanced(value: str) -> str:
    """The value without the braces that do not pair up, which would break the whole file."""
    kept: list[str] = []
    open_positions: list[int] = []
    for char in value:
        if char == "}" and not open_positions:
            continue
        if char == "{":
            open_positions.append(len(kept))
        elif char == "}":
            open_positions.pop()
        kept.append(char)
    for position in reversed(open_positions):
        del kept[position]
    return "".join(kept)


def _latex(value: str) -> str:
    """Plain text as a BibTeX text field: LaTeX specials escaped, braces kept balanced."""
    return _SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group(0)], _balanced(_writable(value)))


def _writable(value: str) -> str:
    """No control characters or lone surrogates; line breaks become spaces."""
    return "".join(
        " " if char in "\t\r\n" else char
        for char in value
        if char in "\t\r\n" or unicodedata.category(char) not in ("Cc", "Cs")
    )


def _entry_type(record: Record) -> str:
    original = record.source_fields.get("ENTRYTYPE", [""])[0].lower()
    if original and original == record.publication_type.lower():
        return original
    for pattern, entry_type in _ENTRY_TYPES:
        if pattern.search(record.publication_type):
            return entry_type
    return "article" if record.journal else "misc"


def _key(record: Record, used: dict[str, int]) -> str:
    """A citation key such as ``smith2020``, ``smith2020a``: ASCII and unique in the file.

    ``used`` maps each key given so far to the next suffix to try after it.
    """
    author = record.authors[0].split(",")[0] if record.authors else record.title
    ascii_name = unicodedata.normalize("NFKD", author).encode("ascii", "ignore").decode()
    stem = (re.sub(r"[^a-z]", "", ascii_name.lower())[:20] or "record") + str(record.year or "")
    key, suffix = stem, used.get(stem, 0)
    while key in used:
        suffix += 1
        key = stem + _letters(suffix)
    used[stem], used[key] = suffix, 0
    return key


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _author(name: str) -> str:
    """``Last, First`` as written; a name without a comma (an organisation) braced whole,
    so that BibTeX does not take its last word for a surname."""
    text = _latex(name)
    return text if "," in text or " " not in text.strip() else "{" + text + "}"


def _named_fields(record: Record) -> list[tuple[str, str]]:
    return [
        ("title", _latex(record.title)),
        ("author", " and ".join(_author(name) for name in record.authors)),
        ("year", str(record.year) if record.year is not None else ""),
        ("journal", _latex(record.journal)),
        ("shortjournal", _latex(record.journal_abbrev)),
        ("volume", _latex(record.volume)),
        ("number", _latex(record.issue)),
        ("pages", _latex(re.sub(r"(?<=\w)-(?=\w)", "--", record.pages))),
        ("doi", _balanced(_writable(record.doi))),
        ("pmid", _latex(record.pmid)),
        ("pmcid", _latex(record.pmcid)),
        ("issn", _latex(record.issn)),
        ("abstract", _latex(record.abstract)),
        ("keywords", ", ".join(_latex(k) for k in record.keywords)),
        ("mesh", "; ".join(_latex(h) for h in record.subject_headings)),
        ("language", _latex(record.language)),
        ("url", " ".join(_balanced(_writable(url)) for url in record.urls)),
    ]


_READ_FIELDS = frozenset(
    {
        *("title", "author", "year", "date", "journal", "journaltitle", "booktitle"),
        *("shortjournal", "journal-abbrev", "journalabbrev", "volume", "number", "issue"),
        *("pages", "doi", "pmid", "pubmed", "pmcid", "issn", "abstract", "keywords", "keyword"),
        *("mesh", "language", "langid", "url"),
    }
)


def _copied_fields(record: Record) -> list[tuple[str, str]]:
    """Fields of a BibTeX-imported record that have no named field, as they were written."""
    if "ENTRYTYPE" not in record.source_fields:
        return []
    return [
        (name, _balanced(_writable(values[0])))
        for name, values in record.source_fields.items()
        if name not in ("ENTRYTYPE", "ID")
        and name.lower() not in _READ_FIELDS
        and not name.startswith(_STAMP_PREFIX)
        and re.fullmatch(r"[A-Za-z][\w\-:.+]*", name)
        and values
    ]


def _stamps(extra: Mapping[str, object]) -> list[tuple[str, str]]:
    """``sysreview_<column> = {value}`` for each decision column with a value."""
    stamps = []
    for name, value in extra.items():
        if value is None or value == "" or value == []:
            continue
        shown = "; ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        key = re.sub(r"[^A-Za-z0-9_]+", "_", name)
        stamps.append((key if key.startswith(_STAMP_PREFIX) else _STAMP_PREFIX + key, shown))
    return [(key, _latex(value)) for key, value in stamps]


def write(
    records: Iterable[Record], extra_columns: Sequence[Mapping[str, object]] | None = None
) -> bytes:
    """A UTF-8 BibTeX file of the records, with decision columns as ``sysreview_*`` fields."""
    extras = list(extra_columns or ())
    used: dict[str, int] = {}
    entries: list[Block] = []
    for index, record in enumerate(records):
        extra = extras[index] if index < len(extras) else {}
        pairs = _named_fields(record) + _copied_fields(record) + _stamps(extra)
        fields = [Field(name, value) for name, value in pairs if value.strip()]
        entries.append(Entry(_entry_type(record), _key(record, used), fields))
    # The library is built here and thrown away, so the writer may change it in place
    # rather than deep-copying every entry first.
    stack = default_unparse_stack(allow_inplace_modification=True)
    return bibtexparser.write_string(Library(entries), unparse_stack=stack).encode("utf-8")
