"""Tables of records: CSV/TSV and XLSX, read with automatic column mapping, and written back.

Reviewers bring tables from many places: Web of Science "tab-delimited" exports, Scopus CSV,
Rayyan, Covidence or Zotero CSV, and sheets they edited in Excel. Each table is read through a
*dialect*: the header names that mean each :class:`~sysreview.records.Record` field. Web of Science
and Scopus get their exact mappings; every other table is matched case- and space-insensitively
against common synonyms, and a reviewer can name any column with ``column_map`` (``--map``).
Every original column is kept in ``source_fields``, so nothing a database exported is lost.

Exports are neutralised against formula injection (a cell starting ``=``, ``+``, ``-``, ``@``,
tab, CR, LF or NUL gets a leading ``'``, the union of OWASP's CSV-injection list and ASVS
V1.2.10), and reading sysreview's own export back, recognised by its exact header row, undoes that.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, SkippedRecord
from sysreview.formats.cells import (
    escape_controls,
    neutralise_cell,
    restore_cell,
    unescape_controls,
)
from sysreview.records import Record, normalise_doi, normalise_pmcid, normalise_pmid

__all__ = [
    "FORMAT",
    "EXPORT_COLUMNS",
    "read",
    "read_wos_tab",
    "read_scopus_csv",
    "read_xlsx",
    "looks_like",
    "looks_like_wos_tab",
    "looks_like_scopus_csv",
    "write_csv",
    "write_xlsx",
    "neutralise_cell",
    "restore_cell",
    "escape_controls",
    "unescape_controls",
]

FORMAT = "csv"

#: The named Record fields, in the order sysreview writes them; also the header row that marks a
#: table as sysreview's own export.
EXPORT_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(Record) if f.name not in ("source_fields", "source_line")
)
_LIST_FIELDS = frozenset({"authors", "keywords", "subject_headings", "urls"})
_LIST_SEPARATOR = "; "

#: Refuse workbooks that would inflate beyond this, whatever their size on disk (zip bombs).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
_MAX_XLSX_MEMBERS = 10_000
#: A record export has tens of columns; a "header" of thousands is not one, and would make
#: every row's work grow with it.
_MAX_COLUMNS = 2_048
_MAX_XLSX_ROWS = 1_048_576  # Excel's own limit


# --- dialects: which header means which field -----------------------------------------------


def _norm(header: str) -> str:
    """A header reduced for matching: case, punctuation and spacing do not count."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())


def _split_semicolons(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _split_scopus_authors(value: str) -> list[str]:
    """Scopus wrote ``Smith J., Doe A.`` before 2023 and ``Smith J.; Doe A.`` since."""
    if ";" in value:
        return _split_semicolons(value)
    return [part.strip() for part in value.split(", ") if part.strip()]


@dataclass(frozen=True)
class _Dialect:
    """How one kind of table names its columns.

    ``columns`` maps a Record field to the normalised headers that may hold it, best first (a
    row takes the first of them that is not empty); ``page_start``, ``page_end``,
    ``article_number`` and ``keywords_plus`` are parts that are combined into one field.
    ``own_export`` marks sysreview's own export, whose cells are taken exactly as written once
    the writer's escaping is undone, so that an export reads back to the records it came from.
    """

    name: str
    columns: Mapping[str, tuple[str, ...]]
    split_authors: Callable[[str], list[str]] = _split_semicolons
    own_export: bool = False
    unquoted: bool = False


def _headers(**columns: str) -> dict[str, tuple[str, ...]]:
    """``title="title|ti"`` → ``{"title": ("title", "ti")}``: tables of synonyms stay short."""
    return {target: tuple(names.split("|")) for target, names in columns.items()}


_GENERIC = _Dialect(
    FORMAT,
    _headers(
        title="title|article title|ti|document title|primary title|t1",
        abstract="abstract|ab|abstract note|n2",
        authors="authors|author|au|author s|a1",
        year="year|publication year|py|pubyear|pub year|date|publication date",
        journal="journal|source title|so|journal title|journal name|publication title|jo|jf|t2",
        journal_abbrev="journal abbreviation|journal abbrev|abbreviated source title|j9|ji|ta",
        volume="volume|vl|vol",
        issue="issue|is|number|ip",
        pages="pages|page|pg|pagination|page range",
        page_start="page start|start page|bp|sp",
        page_end="page end|end page|ep",
        doi="doi|di|do",
        pmid="pmid|pubmed id|pm|pubmed",
        pmcid="pmcid|pmc id|pmc",
        issn="issn|sn|issn isbn",
        keywords="keywords|author keywords|keyword|kw|de|manual tags",
        subject_headings="mesh|mesh terms|mh|subject headings|index keywords",
        language="language|la|language of original document",
        publication_type="publication type|document type|type|item type|reference type|pt|dt|ty",
        urls="url|urls|link|links|ur",
    ),
)

#: Web of Science "Tab delimited file": its field tags, as in its plain-text export.
_WOS_TAB = _Dialect(
    "wos_tab",
    _headers(
        title="ti",
        abstract="ab",
        authors="au",
        year="py",
        journal="so",
        journal_abbrev="j9|ji",
        volume="vl",
        issue="is",
        page_start="bp",
        page_end="ep",
        article_number="ar",
        doi="di",
        pmid="pm",
        issn="sn|ei",
        keywords="de",
        keywords_plus="id",
        language="la",
        publication_type="dt",
    ),
    unquoted=True,
)

_SCOPUS_CSV = _Dialect(
    "scopus_csv",
    _headers(
        title="title",
        abstract="abstract",
        authors="authors",
        year="year",
        journal="source title",
        journal_abbrev="abbreviated source title",
        volume="volume",
        issue="issue",
        page_start="page start",
        page_end="page end",
        article_number="art no",
        doi="doi",
        pmid="pubmed id",
        issn="issn",
        keywords="author keywords",
        subject_headings="index keywords",
        language="language of original document",
        publication_type="document type",
        urls="link",
    ),
    split_authors=_split_scopus_authors,
)

_OWN_EXPORT = _Dialect("sysreview", {name: (name,) for name in EXPORT_COLUMNS}, own_export=True)

_NO_ABSTRACT = frozenset({"[no abstract available]", "no abstract available"})
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")


def _column_indexes(
    header: Sequence[str], dialect: _Dialect, column_map: Mapping[str, str] | None, filename: str
) -> dict[str, list[int]]:
    """Which columns may hold each field, best first: the dialect's synonyms that are present
    (a row takes the first that is not empty there), or the one the ``column_map`` names."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(_norm(name), position)
    indexes: dict[str, list[int]] = {}
    for target, names in dialect.columns.items():
        found = [positions[name] for name in names if name in positions]
        if found:
            indexes[target] = found
    for target, column in (column_map or {}).items():
        if target not in EXPORT_COLUMNS:
            known = ", ".join(EXPORT_COLUMNS)
            raise ImportFormatError(
                f"--map {target}={column}: {target!r} is not a record field; use one of {known}",
                file=filename,
            )
        if _norm(column) not in positions:
            raise ImportFormatError(
                f"--map {target}={column}: the table has no column {column!r}; "
                f"its columns are {_list_headers(header)}",
                file=filename,
            )
        indexes[target] = [positions[_norm(column)]]
    if "title" not in indexes:
        raise ImportFormatError(
            f"no title column found; the columns are {_list_headers(header)}. "
            "Name the one that holds titles with --map title=Column",
            file=filename,
            line=1,
        )
    return indexes


def _list_headers(header: Sequence[str]) -> str:
    shown = [repr(name[:60]) for name in header[:40] if name.strip()]
    more = f" and {len(header) - 40} more" if len(header) > 40 else ""
    return (", ".join(shown) or "none") + more


# --- from a row to a Record -----------------------------------------------------------------


def _year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def _pages(value: Callable[[str], str]) -> str:
    """Pages from one column, or from start/end columns, or the article number instead."""
    if value("pages"):
        return value("pages")
    start, end = value("page_start"), value("page_end")
    if start and end and start != end:
        return f"{start}-{end}"
    return start or end or value("article_number")


_CONVERT: dict[str, Callable[[str], Any]] = {
    "year": _year,
    "doi": normalise_doi,
    "pmid": normalise_pmid,
    "pmcid": normalise_pmcid,
    "abstract": lambda text: "" if text.casefold() in _NO_ABSTRACT else text,
}


def _source_fields(header: Sequence[str], cells: Sequence[str]) -> dict[str, list[str]]:
    """Every original column, under its header (a nameless column under its position)."""
    source: dict[str, list[str]] = {}
    for position, name in enumerate(header):
        value = cells[position] if position < len(cells) else ""
        source.setdefault(name or f"column {position + 1}", []).append(value)
    return source


def _record(
    cells: list[str],
    header: Sequence[str],
    indexes: Mapping[str, list[int]],
    dialect: _Dialect,
    row: int,
) -> Record | SkippedRecord:
    """One data row as a Record, or the reason it cannot be one."""
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        return SkippedRecord(
            row,
            f"row {row} has {len(cells)} cells but the header has {len(header)}; "
            "is a delimiter inside an unquoted value?",
        )

    def value(target: str) -> str:
        texts = (cells[i] for i in indexes.get(target, ()) if i < len(cells))
        if dialect.own_export:
            return next(texts, "")
        return next((text.strip() for text in texts if text.strip()), "")

    if not value("title").strip():
        column = header[indexes["title"][0]]
        return SkippedRecord(row, f"row {row} has no title in column {column!r}")
    record = Record(source_fields=_source_fields(header, cells), source_line=row)
    if dialect.own_export:
        _fill_exactly(record, value)
    else:
        _fill(record, value, dialect)
    return record


def _keywords(*values: str) -> list[str]:
    """Keywords from one or more columns (Web of Science: author keywords, then Keywords
    Plus), without repeats that differ only in case."""
    seen: dict[str, str] = {}
    for term in _split_semicolons(";".join(values)):
        seen.setdefault(term.casefold(), term)
    return list(seen.values())


def _fill(record: Record, value: Callable[[str], str], dialect: _Dialect) -> None:
    """Set a record's fields from a foreign table, normalising identifiers and lists."""
    for name in EXPORT_COLUMNS:
        if name == "authors":
            record.authors = dialect.split_authors(value(name))
        elif name == "keywords":
            record.keywords = _keywords(value("keywords"), value("keywords_plus"))
        elif name in _LIST_FIELDS:
            setattr(record, name, _split_semicolons(value(name)))
        elif name == "pages":
            record.pages = _pages(value)
        else:
            setattr(record, name, _CONVERT.get(name, str)(value(name)))


def _fill_exactly(record: Record, value: Callable[[str], str]) -> None:
    """Set a record's fields from sysreview's own export, undoing exactly what it wrote."""
    for name in EXPORT_COLUMNS:
        text = value(name)
        if name in _LIST_FIELDS:
            setattr(record, name, text.split(_LIST_SEPARATOR) if text else [])
        elif name == "year":
            record.year = int(text) if re.fullmatch(r"[0-9]{1,4}", text) else _year(text)
        else:
            setattr(record, name, text)


def _check_width(header: Sequence[object], filename: str) -> None:
    if len(header) > _MAX_COLUMNS:
        raise ImportFormatError(
            f"the header row has {len(header):,} columns; a table of records has at most "
            f"{_MAX_COLUMNS:,}. Is this the right file, and is its delimiter a comma or a tab?",
            file=filename,
            line=1,
        )


def _cell_decoder(dialect: _Dialect, escaped: bool) -> Callable[[str], str] | None:
    """What undoes a writer's escaping: all of it for sysreview's export, OOXML's for XLSX."""
    if dialect.own_export:
        return lambda cell: restore_cell(unescape_controls(cell))
    return unescape_controls if escaped else None


def _records(
    rows: Iterator[list[str]],
    filename: str,
    dialect: _Dialect,
    column_map: Mapping[str, str] | None,
    escaped: bool = False,
) -> ReaderOutput:
    """Records from a header row and data rows; row numbers count the header as row 1.

    ``escaped`` says the cells carry OOXML ``_xHHHH_`` escapes (XLSX).
    """
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportFormatError("the table has no header row", file=filename, line=1)
    _check_width(header, filename)
    header = [cell.lstrip("\ufeff").strip() for cell in header]
    if dialect is _GENERIC and tuple(header[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS:
        dialect = _OWN_EXPORT
    decode = _cell_decoder(dialect, escaped)
    if decode:
        header = [decode(cell) for cell in header]
    indexes = _column_indexes(header, dialect, column_map, filename)
    for row, cells in enumerate(rows, start=2):
        if any(cell.strip() for cell in cells):
            yield _record(
                [decode(c) for c in cells] if decode else cells, header, indexes, dialect, row
            )


# --- CSV and TSV ----------------------------------------------------------------------------

_DELIMITERS = (",", "\t", ";", "|")  # on a tie (one column) the first wins
_HEADER_SAMPLE = 65_536


def _first_line(text: str) -> str:
    """The header line (of at most 64 KiB), as the csv module would split lines."""
    return re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")[:_HEADER_SAMPLE], maxsplit=1)[0]


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _delimiter(line: str) -> str:
    """The delimiter that splits the header row into the most cells.

    Judged on the header alone: data rows hold abstracts full of commas and semicolons, which
    mislead :class:`csv.Sniffer`.
    """
    return max(_DELIMITERS, key=lambda d: len(_header_cells(line, d)))


class _Unquoted(csv.excel):
    quoting = csv.QUOTE_NONE


def _csv_rows(text: str, filename: str, delimiter: str, unquoted: bool) -> Iterator[list[str]]:
    """Rows of a delimited table; ``unquoted`` tables (Web of Science) take quotes literally."""
    dialect = _Unquoted if unquoted else csv.excel
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), dialect, delimiter=delimiter
    )
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFormatError(
            f"cannot read the table: {error}", file=filename, line=reader.line_num or 1
        ) from None


def _read_delimited(
    text: str, filename: str, dialect: _Dialect, column_map: Mapping[str, str] | None
) -> ReaderOutput:
    delimiter = "\t" if dialect is _WOS_TAB else "," if dialect is _SCOPUS_CSV else None
    delimiter = delimiter or _delimiter(_first_line(text))
    rows = _csv_rows(text, filename, delimiter, dialect.unquoted)
    return _records(rows, filename, dialect, column_map)


def read(text: str, filename: str, column_map: Mapping[str, str] | None = None) -> ReaderOutput:
    """Records from a CSV or TSV table (delimiter guessed from the header row)."""
    return _read_delimited(text, filename, _GENERIC, column_map)


def read_wos_tab(
    text: str, filename: str, column_map: Mapping[str, str] | None = None
) -> ReaderOutput:
    """Records from a Web of Science "Tab delimited file" export (two-letter tag headers)."""
    return _read_delimited(text, filename, _WOS_TAB, column_map)


def read_scopus_csv(
    text: str, filename: str, column_map: Mapping[str, str] | None = None
) -> ReaderOutput:
    """Records from a Scopus CSV export."""
    return _read_delimited(text, filename, _SCOPUS_CSV, column_map)


_KNOWN_HEADERS = frozenset(name for names in _GENERIC.columns.values() for name in names)


def looks_like(text: str, filename: str) -> bool:
    """A delimited table: a header naming a record field, or at least two short header cells.

    Loose on purpose, and asked last: a table whose columns have unknown names is better met
    by the error that lists its columns and says how to map them than by "unknown format".
    """
    line = _first_line(text)
    cells = [cell for cell in _header_cells(line, _delimiter(line)) if len(cell) <= 200]
    if any(_norm(cell) in _KNOWN_HEADERS for cell in cells):
        return True
    return len(cells) >= 2 and line.lstrip()[:1] not in ("{", "[", "<")


def looks_like_wos_tab(text: str, filename: str) -> bool:
    """Web of Science tab-delimited: a header of two-letter tags starting ``PT``."""
    cells = [cell.strip() for cell in _first_line(text).split("\t")]
    return cells[:1] == ["PT"] and {"AU", "TI", "SO"} <= set(cells)


_SCOPUS_HEADERS = frozenset({"authors", "title", "year", "source title"})
_SCOPUS_MARKS = frozenset({"eid", "link", "author s id", "art no"})


def looks_like_scopus_csv(text: str, filename: str) -> bool:
    """Scopus CSV: its own header names, such as ``Source title`` and ``EID``."""
    headers = {_norm(cell) for cell in _header_cells(_first_line(text), ",")}
    return headers >= _SCOPUS_HEADERS and bool(_SCOPUS_MARKS & headers)


# --- XLSX -----------------------------------------------------------------------------------


def _check_archive(data: bytes, filename: str) -> None:
    """Refuse what is not a workbook, or would inflate past :data:`MAX_XLSX_UNCOMPRESSED`.

    The declared member sizes bound what :mod:`zipfile` will produce, so summing them before
    openpyxl opens anything stops a zip bomb without inflating it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a directory asking for a zip version zipfile lacks (fuzzed)
        OSError,
        ValueError,
        EOFError,
    ):
        raise ImportFormatError(
            "not an XLSX workbook (the file is not a readable zip archive)", file=filename
        ) from None
    if len(members) > _MAX_XLSX_MEMBERS or not any(
        m.filename == "[Content_Types].xml" for m in members
    ):
        raise ImportFormatError("a zip archive that is not an XLSX workbook", file=filename)
    inflated = sum(member.file_size for member in members)
    if inflated > MAX_XLSX_UNCOMPRESSED:
        raise ImportFormatError(
            f"the workbook would inflate to {inflated // 1_000_000:,} MB; sysreview refuses "
            f"workbooks over {MAX_XLSX_UNCOMPRESSED // 1_000_000} MB uncompressed. "
            "Save the sheet as CSV and import that",
            file=filename,
        )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _trimmed(row: Sequence[object]) -> list[object]:
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _sheet_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    """Every row of the workbook's active sheet as text, no wider than its header row.

    The sheet's declared dimensions are ignored (they may be wrong, or hostile), and rows are
    cut to the header's width so that one far-right cell cannot make every row huge.
    """
    from openpyxl import load_workbook  # heavy; only XLSX imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise _xlsx_error(error, filename) from None
    try:
        sheet = workbook.active or workbook.worksheets[0]
        sheet.reset_dimensions()
        header = _trimmed(next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ()))
        _check_width(header, filename)
        rows = sheet.iter_rows(max_col=max(len(header), 1), values_only=True)
        for number, row in enumerate(rows, start=1):
            if number > _MAX_XLSX_ROWS:
                raise ImportFormatError(
                    f"the sheet has more than {_MAX_XLSX_ROWS:,} rows", file=filename, line=number
                )
            yield [_cell_text(value) for value in row]
    except ImportFormatError:
        raise
    except Exception as error:  # openpyxl parses sheets lazily, so errors come while reading
        raise _xlsx_error(error, filename) from None
    finally:
        workbook.close()


def _xlsx_error(error: Exception, filename: str) -> ImportFormatError:
    if "Forbidden" in type(error).__name__:  # defusedxml: entities or DTDs in the workbook
        return ImportFormatError("the workbook's XML declares entities; refused", file=filename)
    return ImportFormatError(f"cannot read the XLSX workbook: {error}", file=filename)


def read_xlsx(
    data: bytes, filename: str, column_map: Mapping[str, str] | None = None
) -> ReaderOutput:
    """Records from the active sheet of an XLSX workbook; its first row is the header."""
    _check_archive(data, filename)
    return _records(_sheet_rows(data, filename), filename, _GENERIC, column_map, escaped=True)


# --- writers --------------------------------------------------------------------------------

ExtraColumns = Sequence[Mapping[str, object]] | None


def _extra_names(extra_columns: ExtraColumns) -> list[str]:
    names: dict[str, None] = {}
    for extra in extra_columns or ():
        names.update(dict.fromkeys(extra))
    return [name for name in names if name not in EXPORT_COLUMNS]


def _export_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def _export_rows(records: Iterable[Record], extra_columns: ExtraColumns) -> Iterator[list[str]]:
    """The header and one row per record, every cell neutralised against formula injection."""
    extra_names = _extra_names(extra_columns)
    yield [escape_controls(neutralise_cell(name)) for name in (*EXPORT_COLUMNS, *extra_names)]
    extras = list(extra_columns or ())
    for position, record in enumerate(records):
        extra = extras[position] if position < len(extras) else {}
        cells = [_export_text(getattr(record, name)) for name in EXPORT_COLUMNS]
        cells += [_export_text(extra.get(name)) for name in extra_names]
        yield [escape_controls(neutralise_cell(cell)) for cell in cells]


def write_csv(records: Iterable[Record], extra_columns: ExtraColumns = None) -> bytes:
    """A UTF-8 CSV (with a BOM, so Excel reads the accents) of the records and extra columns."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(_export_rows(records, extra_columns))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(records: Iterable[Record], extra_columns: ExtraColumns = None) -> bytes:
    """An XLSX workbook with one sheet, ``records``, of the records and extra columns."""
    from openpyxl import Workbook  # heavy; only XLSX exports need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("records")
    for cells in _export_rows(records, extra_columns):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
