"""Reading and writing bibliographic record files: the one door the rest of sysreview uses.

:func:`read_file` takes the bytes of an upload and gives a :class:`ReadResult`: it decodes the
text, detects the format by content (unless one is named), runs that format's reader and
collects its records; :func:`open_records` does the same but hands the records over as they
are read, for imports that store them in batches. By default one unreadable record fails the
whole file, naming its line (all or nothing: a review must not silently lose records); with
``skip_bad`` the others are imported and the bad ones listed. :func:`write_records` writes
records for export.

Readers are registered in :data:`FORMATS` by module path and imported on first use, so that
importing sysreview does not load openpyxl, bibtexparser or pylatexenc until a file needs them.
The registry's order is detection order: specific signatures first, the generic table last.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, ReadItem, ReadResult, SkippedRecord
from sysreview.formats.detect import detect_format, is_xlsx
from sysreview.formats.encoding import decode_text
from sysreview.records import Record, clean_markup

__all__ = [
    "FORMATS",
    "EXPORT_FORMATS",
    "Reader",
    "Writer",
    "OpenedFile",
    "ReadResult",
    "SkippedRecord",
    "open_records",
    "read_file",
    "write_records",
    "detect_format",
]


@dataclass(frozen=True)
class Reader:
    """A registered format: where its reader lives and what detection needs to know.

    ``binary`` readers take the file's bytes (XLSX), the others its decoded text; ``tabular``
    readers accept a ``column_map``; a ``generic`` signature counts only when no specific one
    matches; ``extensions`` break ties between formats whose content both match. Readers that do
    not strip markup from titles and abstracts themselves (``cleans_markup`` false) have it done
    by :func:`open_records`, so every record is cleaned exactly once (cleaning twice would decode
    an escaped ``&amp;lt;`` into ``<``).
    """

    name: str
    module: str
    extensions: tuple[str, ...]
    function: str = "read"
    detector: str | None = "looks_like"
    binary: bool = False
    tabular: bool = False
    generic: bool = False
    cleans_markup: bool = False

    def _load(self, attribute: str) -> Callable[..., Any]:
        function: Callable[..., Any] = getattr(importlib.import_module(self.module), attribute)
        return function

    def looks_like(self, text: str, filename: str) -> bool:
        """Whether the text has this format's signature."""
        return self.detector is not None and bool(self._load(self.detector)(text, filename))

    def read(
        self, data: bytes | str, filename: str, column_map: Mapping[str, str] | None = None
    ) -> ReaderOutput:
        """The reader's records and skips for ``data`` (bytes if ``binary``, else text)."""
        read = self._load(self.function)
        if self.tabular:
            output: ReaderOutput = read(data, filename, column_map)
            return output
        if column_map:
            raise ImportFormatError(
                f"--map applies to tables (CSV, TSV, XLSX), not to {self.name} files",
                file=filename,
            )
        output = read(data, filename)
        return output


_TABULAR = "sysreview.formats.tabular"

#: Every readable format by name, in detection order.
FORMATS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        Reader("endnote_xml", "sysreview.formats.endnote_xml", (".xml",)),
        Reader("openalex", "sysreview.formats.openalex", (".json", ".jsonl", ".ndjson")),
        Reader(
            "wos_plaintext", "sysreview.formats.wos_plaintext", (".txt", ".ciw"), cleans_markup=True
        ),
        Reader(
            "medline",
            "sysreview.formats.medline",
            (".nbib", ".medline", ".txt"),
            cleans_markup=True,
        ),
        Reader("ris", "sysreview.formats.ris", (".ris", ".txt"), cleans_markup=True),
        Reader("refer", "sysreview.formats.refer", (".enw", ".refer", ".txt"), cleans_markup=True),
        Reader("bibtex", "sysreview.formats.bibtex", (".bib", ".bibtex")),
        Reader(
            "wos_tab",
            _TABULAR,
            (".txt", ".tsv", ".tab"),
            "read_wos_tab",
            "looks_like_wos_tab",
            tabular=True,
        ),
        Reader(
            "scopus_csv",
            _TABULAR,
            (".csv",),
            "read_scopus_csv",
            "looks_like_scopus_csv",
            tabular=True,
        ),
        # Generic tables keep cell text exactly: they include sysreview's own exports, which
        # must round-trip to the byte.
        Reader(
            "csv",
            _TABULAR,
            (".csv", ".tsv", ".tab", ".txt"),
            tabular=True,
            generic=True,
            cleans_markup=True,
        ),
        Reader(
            "xlsx",
            _TABULAR,
            (".xlsx",),
            "read_xlsx",
            None,
            binary=True,
            tabular=True,
            cleans_markup=True,
        ),
    )
}


def _reader(name: str) -> Reader:
    if name not in FORMATS:
        known = ", ".join(FORMATS)
        raise ImportFormatError(f"unknown format {name!r}; the formats are auto, {known}")
    return FORMATS[name]


@dataclass
class OpenedFile:
    """An upload decoded and recognised, its records still to be read (lazily, in file order).

    ``items`` yields a Record or a SkippedRecord per record; a reader's
    :class:`ImportFormatError` for the file as a whole may come while iterating.
    """

    filename: str
    format: str
    encoding: str
    items: Iterator[ReadItem]
    warnings: list[str] = field(default_factory=list)


def open_records(
    data: bytes,
    *,
    filename: str,
    format: str = "auto",
    column_map: dict[str, str] | None = None,
) -> OpenedFile:
    """Decode ``data``, settle its format (detected when ``auto``) and start its reader.

    For callers that store records as they come (a large import need not fit in memory);
    :func:`read_file` collects them instead.
    """
    if format == "auto":
        text, encoding = (None, "utf-8") if is_xlsx(data) else decode_text(data, filename)
        reader = _reader(detect_format(data, text, filename))
    else:
        reader = _reader(format)
        text, encoding = (None, "utf-8") if reader.binary else decode_text(data, filename)
    items = iter(reader.read(data if text is None else text, filename, column_map))
    if not reader.cleans_markup:
        items = (_cleaned(item) for item in items)
    opened = OpenedFile(filename, reader.name, encoding, items)
    if encoding in ("windows-1252", "latin-1"):
        opened.warnings.append(
            f"{filename} is not UTF-8; it was read as {encoding}. Check accented names."
        )
    return opened


def _cleaned(item: ReadItem) -> ReadItem:
    if isinstance(item, Record):
        item.title = clean_markup(item.title)
        item.abstract = clean_markup(item.abstract)
    return item


def read_file(
    data: bytes,
    *,
    filename: str,
    format: str = "auto",
    column_map: dict[str, str] | None = None,
    skip_bad: bool = False,
) -> ReadResult:
    """The records of one uploaded file.

    With ``skip_bad`` false the first record that cannot be read raises
    :class:`ImportFormatError` with its file and line, and nothing is imported; with it true such
    records are listed in ``ReadResult.skipped``. A file with no records at all is an error.
    """
    opened = open_records(data, filename=filename, format=format, column_map=column_map)
    result = ReadResult(filename, opened.format, encoding=opened.encoding)
    result.warnings.extend(opened.warnings)
    for item in opened.items:
        if isinstance(item, SkippedRecord):
            if not skip_bad:
                raise ImportFormatError(
                    f"{item.reason} (fix it, or import with --skip-bad to leave it out)",
                    file=filename,
                    line=item.line,
                )
            result.skipped.append(item)
        else:
            result.records.append(item)
    if not result.records and not result.skipped:
        raise ImportFormatError(f"no records found in this {opened.format} file", file=filename)
    return result


@dataclass(frozen=True)
class Writer:
    """A format records can be exported in, with what a download needs to name it."""

    name: str
    module: str
    function: str
    extension: str
    media_type: str

    def write(
        self, records: Iterable[Record], extra_columns: Sequence[Mapping[str, object]] | None
    ) -> bytes:
        write = getattr(importlib.import_module(self.module), self.function)
        output: bytes = write(records, extra_columns)
        return output


#: Every export format by name.
EXPORT_FORMATS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        Writer(
            "ris", "sysreview.formats.ris", "write", ".ris", "application/x-research-info-systems"
        ),
        Writer("csv", _TABULAR, "write_csv", ".csv", "text/csv; charset=utf-8"),
        Writer(
            "xlsx",
            _TABULAR,
            "write_xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Writer("bibtex", "sysreview.formats.bibtex", "write", ".bib", "application/x-bibtex"),
    )
}


def write_records(
    records: Iterable[Record],
    fmt: str,
    extra_columns: Sequence[Mapping[str, object]] | None = None,
) -> bytes:
    """The records as a file in ``fmt``; ``extra_columns`` holds one dict per record
    (decision, reasons, labels) for the formats that can carry them."""
    if fmt not in EXPORT_FORMATS:
        known = ", ".join(EXPORT_FORMATS)
        raise ImportFormatError(f"unknown export format {fmt!r}; the formats are {known}")
    return EXPORT_FORMATS[fmt].write(records, extra_columns)
