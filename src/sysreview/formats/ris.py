"""RIS, the tagged format every database and reference manager can export.

A record runs from ``TY  - `` to ``ER  - ``; a tag is two characters, two spaces, a hyphen and a
space. Real exports bend the rules, and a reader that gives up on them loses records a review
must count: Ovid puts numbering, search lines and "Link to..." lines between records, single
records come without ``ER``, some exporters write ``TY - `` with one space, and abstracts wrap
onto untagged lines. Every original tag is kept in ``Record.source_fields`` so nothing the
database exported is lost; the named fields follow the rispy mapping that other review tools
use. The writer stamps screening decisions into ``N1`` lines, as ASReview does, so reviewers can
filter them in Zotero or EndNote.

The helpers ``group_fields``, ``collapse``, ``first_value``, ``split_terms``, ``year_from``,
``pmid_from``, ``pmcid_from`` and ``skip_reason`` are shared with the other tagged readers
(MEDLINE, Web of Science, Refer), so every format derives identifiers the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, ReadItem, SkippedRecord
from sysreview.formats.encoding import iter_text_lines, text_lines
from sysreview.records import (
    Record,
    clean_markup,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
)

__all__ = [
    "FORMAT",
    "looks_like",
    "read",
    "write",
    "group_fields",
    "collapse",
    "first_value",
    "split_terms",
    "year_from",
    "pmid_from",
    "pmcid_from",
    "skip_reason",
]

FORMAT = "ris"

_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_ONE_SPACE_TY = re.compile(r"^TY - ")
# The same tests over the whole text at once, so read() need not split it into a list first.
_ONE_SPACE_TY_ANYWHERE = re.compile(r"^\ufeff?TY - ", re.MULTILINE)
_TY_ANYWHERE = re.compile(r"^\ufeff?TY  - ?", re.MULTILINE)
_LOOSE_TY_ANYWHERE = re.compile(r"^\ufeff?TY {1,2}- ?", re.MULTILINE)
_NOISE = re.compile(r"^Link to\b")
# A year on its own ("2019//", "2018/09/14/") or opening a compact date ("20200115").
_YEAR = re.compile(r"(?<!\d)([12]\d{3})(?=\d{4}(?!\d)|(?!\d))")
_LABELLED_PMID = re.compile(r"\b(?:PMID|PubMed\s*ID)\s*[:=]?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\bPMC\s?(\d{3,9})\b")
_PUBMED_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d{1,9})")
_URL_DB = re.compile(r"[?&](?:D|db)=([A-Za-z]\w*)", re.IGNORECASE)
_URL_AN = re.compile(r"[?&]AN=(\d{1,9})(?:&|$)")
_MEDLINE_NAME = re.compile(r"medline|pubmed|\bnlm\b", re.IGNORECASE)
# EBSCOhost database codes for MEDLINE, and Ovid's (medl, medp, mesz, prem, ...).
_MEDLINE_CODE = re.compile(r"^(?:mdc|mnh|cmedm|med\w*|mes\w*|prem\w*)$", re.IGNORECASE)

# RIS reference types (RIS specification, 2011); a TY outside them is kept but written as M3.
_RIS_TYPE_CODES = (
    "ABST ADVS AGGR ANCIENT ART BILL BLOG BOOK CASE CHAP CHART CLSWK COMP CONF CPAPER CTLG DATA "
    "DBASE DICT EBOOK ECHAP EDBOOK EJOUR ELEC ENCYC EQUA FIGURE GEN GOVDOC GRANT HEAR ICOMM INPR "
    "JFULL JOUR LEGAL MANSCPT MAP MGZN MPCT MULTI MUSIC NEWS PAMP PAT PCOMM RPRT SER SLIDE SOUND "
    "STAND STAT THES UNBILL UNPB VIDEO WEB"
)
RIS_TYPES = frozenset(_RIS_TYPE_CODES.split())
# Tags the writer derives from named fields, so it does not copy them from source_fields.
_NAMED_TAG_LIST = "TY TI T1 CT BT AB N2 AU A1 PY T2 JF JO JA J1 J2 VL IS SP EP DO SN KW UR LA M3 ER"
_NAMED_TAGS = frozenset(_NAMED_TAG_LIST.split())
_NOTE_TAGS = ("N1", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "M1", "M2", "U1", "U2")
_URL_TAGS = ("UR", "L1", "L2", "L3", "L4", "LK")
_STAMP_PREFIX = "sysreview_"


# ---------------------------------------------------------------- shared tagged-format helpers


def group_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``{tag: [values in file order]}`` from ``(tag, value)`` pairs: ``Record.source_fields``."""
    grouped: dict[str, list[str]] = {}
    for tag, value in pairs:
        grouped.setdefault(tag, []).append(value)
    return grouped


def collapse(value: str) -> str:
    """One line with single spaces: named fields are for display and matching."""
    return " ".join(value.split())


def first_value(fields: Mapping[str, list[str]], *tags: str) -> str:
    """The first non-empty value among the tags, in the order the tags are given, collapsed."""
    for tag in tags:
        for value in fields.get(tag, []):
            if value.strip():
                return collapse(value)
    return ""


def split_terms(values: Iterable[str], separators: str = ";\n") -> list[str]:
    """Keywords from values that may each hold several, separated by ``;`` or line breaks."""
    pattern = "[" + re.escape(separators) + "]"
    terms = (collapse(term) for value in values for term in re.split(pattern, value))
    return [term for term in terms if term]


def year_from(*values: str) -> int | None:
    """The first plausible four-digit year in the values (``2019//``, ``2018/09/14/``...)."""
    for value in values:
        match = _YEAR.search(value)
        if match:
            return int(match.group(1))
    return None


def pmid_from(
    *,
    accessions: Sequence[str],
    databases: Sequence[str],
    notes: Sequence[str] = (),
    urls: Sequence[str] = (),
) -> str:
    """The PubMed id that databases hide in accession numbers, notes and links.

    An accession number is a PMID only when the record says it came from MEDLINE or PubMed
    (Ovid, EBSCOhost and EndNote do this); Embase and Scopus accession numbers are digits too.
    """
    for value in (*accessions, *notes):
        match = _LABELLED_PMID.search(value)
        if match:
            return normalise_pmid(match.group(1))
    if _from_medline(databases):
        for value in accessions:
            if value.strip().isdigit():
                return normalise_pmid(value)
    for url in urls:
        pmid = _pmid_from_url(url)
        if pmid:
            return pmid
    return ""


def _from_medline(databases: Iterable[str]) -> bool:
    """Whether the record's database names say MEDLINE/PubMed (and not also Embase)."""
    names = list(databases)
    medline = any(_is_medline(name) for name in names)
    return medline and not any("embase" in name.lower() for name in names)


def _is_medline(name: str) -> bool:
    return bool(_MEDLINE_NAME.search(name) or _MEDLINE_CODE.match(name.strip()))


def _pmid_from_url(url: str) -> str:
    """PubMed links, and Ovid/EBSCOhost links into a MEDLINE database (``D=medp&AN=...``)."""
    match = _PUBMED_URL.search(url)
    if match:
        return normalise_pmid(match.group(1))
    database = _URL_DB.search(url)
    accession = _URL_AN.search(url)
    if database and accession and _MEDLINE_CODE.match(database.group(1)):
        return normalise_pmid(accession.group(1))
    return ""


def pmcid_from(values: Iterable[str]) -> str:
    """The first ``PMC123...`` id among the values (EndNote keeps it in Custom 2)."""
    for value in values:
        match = _PMCID.search(value)
        if match:
            return normalise_pmcid(match.group(1))
    return ""


def skip_reason(record: Record, problem: str) -> str:
    """Why a damaged record is skipped, or "" when it still has something worth screening.

    Records cut off or missing their start are read whenever they keep a title, an abstract or
    an identifier, because a record dropped is a study a review never sees.
    """
    if record.title or record.abstract or record.doi or record.pmid:
        return ""
    return f"{problem}, and it has no title, abstract, DOI or PMID"


# ---------------------------------------------------------------------------------- reader


@dataclass
class _Chunk:
    """The lines of one record as tokenised: where it began and how it ended."""

    line: int
    pairs: list[tuple[str, str]] = field(default_factory=list)
    typed: bool = False
    ended: bool = False


def looks_like(text: str, filename: str) -> bool:
    """True when the first tagged line among the first non-blank lines is ``TY``.

    Decides by content only: EndNote's Refer export is often named ``.ris``, and MEDLINE
    (``PMID- ``) or Web of Science files are not RIS whatever their name.
    """
    lines = [line for line in text_lines(text[:20000]) if line.strip()]
    for line in lines[:60]:
        match = _LOOSE_TAG.match(line)
        if match:
            return match.group(1) == "TY"
    return False


def read(text: str, filename: str) -> ReaderOutput:
    """Records of a RIS export, each with its first line and every original tag.

    Raises :class:`ImportFormatError` (line 1) when the text holds no RIS record at all.
    """
    loose = _ONE_SPACE_TY_ANYWHERE.search(text) is not None
    pattern = _LOOSE_TAG if loose else _TAG
    start = _LOOSE_TY_ANYWHERE if loose else _TY_ANYWHERE
    if start.search(text) is None:
        head = text_lines(text[:20000])
        raise ImportFormatError(_no_record_message(head), file=filename, line=1)
    return (_item(chunk) for chunk in _chunks(iter_text_lines(text), pattern))


def _starts_record(line: str, pattern: re.Pattern[str]) -> bool:
    match = pattern.match(line)
    return bool(match and match.group(1) == "TY")


def _no_record_message(lines: list[str]) -> str:
    """Say what the file seems to be, since a wrong format is the usual cause."""
    head = next((line for line in lines if line.strip()), "")
    hint = ""
    if head.startswith("PMID-"):
        hint = " This looks like a PubMed/MEDLINE (.nbib) file; import it as MEDLINE."
    elif re.match(r"^%[^\s%]( |$)", head):
        hint = " This looks like an EndNote tagged (Refer) export; import it as Refer."
    elif head.startswith(("FN ", "VR ", "PT ")):
        hint = " This looks like a Web of Science plain-text export."
    elif head.lstrip().startswith("<"):
        hint = " This looks like HTML or XML, not RIS."
    return "no RIS record found: a RIS record starts with a line 'TY  - '." + hint


def _chunks(lines: Iterable[str], pattern: re.Pattern[str]) -> Iterator[_Chunk]:
    """Split the lines into records; text between records (Ovid's extras) is dropped."""
    current: _Chunk | None = None
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        tag, value = (match.group(1), match.group(2).strip()) if match else ("", "")
        if tag == "ER" and (not value or _TAG.match(line)):
            if current is not None:
                current.ended = True
                yield current
            current = None
        elif tag == "TY":
            if current is not None:
                yield current
            current = _Chunk(number, [("TY", value)], typed=True)
        elif tag and tag != "ER":
            if current is None:
                current = _Chunk(number)
            current.pairs.append((tag, value))
        elif current is not None and current.pairs and not _NOISE.match(line):
            last_tag, last_value = current.pairs[-1]
            current.pairs[-1] = (last_tag, f"{last_value}\n{line.strip()}")
    if current is not None:
        yield current


def _item(chunk: _Chunk) -> ReadItem:
    """The Record of a chunk, or why it is skipped."""
    pairs = [(tag, value.strip()) for tag, value in chunk.pairs]
    record = _record(pairs, chunk.line)
    if chunk.typed and chunk.ended:
        if len(pairs) == 1:
            return SkippedRecord(chunk.line, "the record has no fields besides its type (TY)")
        return record
    if not chunk.typed:
        problem = "the record has no 'TY  - ' line (every RIS record starts with one)"
    else:
        problem = "the record has no 'ER  - ' end line (the file may be cut off)"
    reason = skip_reason(record, problem)
    return SkippedRecord(chunk.line, reason) if reason else record


def _record(pairs: list[tuple[str, str]], line: int) -> Record:
    """Named fields from the tags, by the rispy mapping and the dialects' habits."""
    fields = group_fields(pairs)
    journal = first_value(fields, "JF", "T2", "JO")
    journal_abbrev = first_value(fields, "JA", "J2", "J1")
    if not journal_abbrev and first_value(fields, "JO") != journal:
        journal_abbrev = first_value(fields, "JO")
    terms = split_terms(fields.get("KW", []))
    medline = _from_medline(_values(fields, "DB", "DP"))
    return Record(
        title=clean_markup(first_value(fields, "TI", "T1", "CT", "BT")),
        abstract=clean_markup(first_value(fields, "AB", "N2")),
        authors=[collapse(value) for tag, value in pairs if tag in ("AU", "A1") and value],
        year=year_from(*_values(fields, "PY", "Y1", "DA")),
        journal=journal,
        journal_abbrev=journal_abbrev,
        volume=first_value(fields, "VL"),
        issue=first_value(fields, "IS"),
        pages=_pages(first_value(fields, "SP"), first_value(fields, "EP")),
        doi=_doi(fields),
        pmid=_pmid(fields),
        pmcid=pmcid_from(_values(fields, "AN", "ID", *_NOTE_TAGS, *_URL_TAGS)),
        issn="; ".join(collapse(value) for value in fields.get("SN", []) if value),
        keywords=[] if medline else terms,
        subject_headings=terms if medline else [],
        language="; ".join(collapse(value) for value in fields.get("LA", []) if value),
        publication_type=_publication_type(fields),
        urls=split_terms(fields.get("UR", [])),
        source_fields=fields,
        source_line=line,
    )


def _values(fields: Mapping[str, list[str]], *tags: str) -> list[str]:
    return [value for tag in tags for value in fields.get(tag, [])]


def _pages(start: str, end: str) -> str:
    if start and end and "-" not in start:
        return f"{start}-{end}"
    return start or end


def _doi(fields: Mapping[str, list[str]]) -> str:
    """``DO``, else a doi.org link or a bare DOI where some exporters put it (``M3``, links)."""
    for value in _values(fields, "DO", *_URL_TAGS, "M3"):
        doi = normalise_doi(value)
        if doi and (value in fields.get("DO", []) or _looks_like_doi(value)):
            return doi
    return ""


def _looks_like_doi(value: str) -> bool:
    text = value.strip().lower()
    return text.startswith(("10.", "doi:")) or "doi.org/" in text


def _pmid(fields: Mapping[str, list[str]]) -> str:
    databases = _values(fields, "DB", "DP")
    pmid = pmid_from(
        accessions=_values(fields, "AN", "ID"),
        databases=databases,
        notes=_values(fields, *_NOTE_TAGS),
        urls=split_terms(_values(fields, *_URL_TAGS)),
    )
    if not pmid and any("embase" in name.lower() for name in databases):
        medline_id = first_value(fields, "C5")  # Embase exports the MEDLINE PMID as C5
        pmid = normalise_pmid(medline_id) if medline_id.isdigit() else ""
    return pmid


def _publication_type(fields: Mapping[str, list[str]]) -> str:
    """``M3`` (type of work: "Article", "Review") when given, else the ``TY`` code.

    ``GEN`` (generic) says the exporter did not know the type, so it reads as no type.
    """
    work = first_value(fields, "M3")
    if work and not _looks_like_doi(work):
        return work
    kind = first_value(fields, "TY")
    return "" if kind == "GEN" else kind


# ---------------------------------------------------------------------------------- writer


def write(
    records: Iterable[Record], extra_columns: Sequence[Mapping[str, object]] | None = None
) -> bytes:
    """RIS (UTF-8, CRLF line ends) for the records, stamped with ``extra_columns``.

    Each ``extra_columns`` entry (decision, reasons, labels...) becomes ``N1`` lines such as
    ``sysreview_decision: include``. Tags of RIS-imported records that have no named field
    (``DB``, ``AN``, ``N1``...) are copied through, so a re-export loses nothing.
    """
    extras = list(extra_columns or [])
    lines: list[str] = []
    for index, record in enumerate(records):
        extra = extras[index] if index < len(extras) else {}
        for tag, value in _record_fields(record, extra):
            lines.extend(_field_lines(tag, value))
        lines.extend(["ER  - ", ""])
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace") if lines else b""


def _record_fields(record: Record, extra: Mapping[str, object]) -> list[tuple[str, str]]:
    fields = [("TY", _type_code(record))]
    fields += [("TI", record.title)] + [("AU", author) for author in record.authors]
    fields += [("PY", str(record.year) if record.year is not None else "")]
    fields += [("T2", record.journal), ("J2", record.journal_abbrev)]
    fields += [("VL", record.volume), ("IS", record.issue), *_page_fields(record.pages)]
    fields += [("DO", record.doi), ("SN", record.issn), ("AB", record.abstract)]
    fields += [("KW", term) for term in (*record.keywords, *record.subject_headings)]
    fields += [("UR", url) for url in record.urls] + [("LA", record.language)]
    if record.publication_type and record.publication_type not in RIS_TYPES:
        fields.append(("M3", record.publication_type))
    fields += _copied_fields(record)
    fields = [(tag, value) for tag, value in fields if value.strip()]
    fields += _identifier_notes(record, fields)
    fields += _stamps(extra)
    return fields


def _type_code(record: Record) -> str:
    if record.publication_type in RIS_TYPES:
        return record.publication_type
    original = record.source_fields.get("TY", [""])[0].strip()
    if original in RIS_TYPES and original != "GEN" and record.publication_type:
        return original
    return "JOUR" if record.journal and record.publication_type else "GEN"


def _page_fields(pages: str) -> list[tuple[str, str]]:
    match = re.fullmatch(r"([^\s-]+)-([^\s-]+)", pages)
    return [("SP", match.group(1)), ("EP", match.group(2))] if match else [("SP", pages)]


def _copied_fields(record: Record) -> list[tuple[str, str]]:
    """Original tags without a named field, when the record came from RIS."""
    if "TY" not in record.source_fields:
        return []
    return [
        (tag, value)
        for tag, values in record.source_fields.items()
        if re.fullmatch(r"[A-Z][A-Z0-9]", tag) and tag not in _NAMED_TAGS
        for value in values
        if not (tag == "N1" and value.startswith(_STAMP_PREFIX))
    ]


def _identifier_notes(record: Record, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``N1`` lines for a PMID/PMCID that the written tags would not give back on reading."""
    written = _record(fields, 1)
    notes = []
    if record.pmid and written.pmid != record.pmid:
        notes.append(("N1", f"PMID: {record.pmid}"))
    if record.pmcid and written.pmcid != record.pmcid:
        notes.append(("N1", f"PMCID: {record.pmcid}"))
    return notes


def _stamps(extra: Mapping[str, object]) -> list[tuple[str, str]]:
    """``N1  - sysreview_<key>: <value>`` for each decision column with a value."""
    stamps = []
    for key, value in extra.items():
        if value is None or value == "" or value == []:
            continue
        shown = "; ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        name = key if key.startswith(_STAMP_PREFIX) else _STAMP_PREFIX + key
        stamps.append(("N1", f"{name}: {collapse(shown)}"))
    return stamps


def _field_lines(tag: str, value: str) -> list[str]:
    """``TAG  - first line`` then continuation lines, guarded so none reads as a tag."""
    lines_only = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = "".join(char for char in lines_only if _writable(char))
    first, *rest = text.split("\n")
    guarded = [
        f" {line}" if _LOOSE_TAG.match(line) or _NOISE.match(line) else line for line in rest
    ]
    return [f"{tag}  - {first}", *guarded]


def _writable(char: str) -> bool:
    """Line breaks and tabs, and anything that is not a control code, a lone surrogate or a
    byte-order mark (which readers drop at line starts)."""
    if char in "\t\n":
        return True
    return char != "\ufeff" and unicodedata.category(char) not in ("Cc", "Cs")
