"""What every format reader and writer shares.

A reader is a module with ``FORMAT`` (its short name), ``read(text, filename)`` yielding a
:class:`~sysreview.records.Record` for each good record or a :class:`SkippedRecord` for each one
it could not read, and optionally ``looks_like(text, filename) -> bool`` for detection. A reader
raises :class:`~sysreview.errors.ImportFormatError` (with file and line) only when the file as a
whole cannot be read; a single bad record is yielded as ``SkippedRecord`` so the caller decides
between all-or-nothing and ``--skip-bad``.

A writer is a function ``write(records, extra_columns) -> bytes``; ``extra_columns`` holds one
dict per record (decision, reasons, labels) for formats that can carry them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sysreview.records import Record


@dataclass(frozen=True)
class SkippedRecord:
    """A record a reader could not read: where it began and why."""

    line: int
    reason: str


ReadItem = Record | SkippedRecord
ReaderOutput = Iterator[ReadItem]


@dataclass
class ReadResult:
    """The outcome of reading one file: its detected format, good records, skips, warnings."""

    filename: str
    format: str
    records: list[Record] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
