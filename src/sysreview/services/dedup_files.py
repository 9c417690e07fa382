"""De-duplicating files without a review: for scripts, benchmarks and other tools' pipelines.

Each record is named by the id its file gives it (CSV ``record_id``, RIS ``ID``, MEDLINE
``PMID``…), else by ``file:line``, and gets a group and a decision: unique, auto or suggested.
"""

from __future__ import annotations

from collections.abc import Sequence

from sysreview.dedup import Deduplicator, DedupSettings, assignments
from sysreview.formats import read_file
from sysreview.records import Record

ASSIGNMENT_COLUMNS = ("record_id", "group_id", "decision", "score")
ID_FIELDS = ("record_id", "ID", "PMID", "UT", "EID", "id", "AN")


def record_id(record: Record, file_name: str) -> str:
    """The id the file gives the record, else ``file:line``."""
    for name in ID_FIELDS:
        values = record.source_fields.get(name)
        if values and values[0].strip():
            return values[0].strip()
    return f"{file_name}:{record.source_line}"


def dedup_files(
    files: Sequence[tuple[str, bytes]], settings: DedupSettings | None = None
) -> tuple[list[tuple[str, str, str, float]], list[str]]:
    """Rows of record_id, group_id, decision, score for every record of every file."""
    records: dict[str, Record] = {}
    warnings: list[str] = []
    for name, data in files:
        for record in read_file(data, filename=name).records:
            key = record_id(record, name)
            if key in records:
                warnings.append(f"{name}: id {key!r} appears again; named {key}@{name}")
                key = f"{key}@{name}:{record.source_line}"
            records[key] = record
    result = Deduplicator(settings or DedupSettings()).find(records)
    rows = [(str(k), str(g), str(d), float(s)) for k, g, d, s in assignments(result, list(records))]
    return rows, warnings + list(result.warnings)
