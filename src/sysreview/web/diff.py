"""Word-level differences between two values, for showing a pair side by side.

Returns plain segments; the template marks the differing ones, autoescaped like all text.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from sysreview.records import Record

COMPARED_FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
)


@dataclass(frozen=True)
class Segment:
    text: str
    differs: bool


@dataclass(frozen=True)
class FieldComparison:
    name: str
    left: list[Segment]
    right: list[Segment]
    same: bool


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def word_diff(left: str, right: str) -> tuple[list[Segment], list[Segment]]:
    """Each side split into runs of words that the other side shares or lacks (case-blind)."""
    a, b = left.split(), right.split()
    matcher = SequenceMatcher(
        a=[w.casefold() for w in a], b=[w.casefold() for w in b], autojunk=False
    )
    left_out: list[Segment] = []
    right_out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            left_out.append(Segment(" ".join(a[i1:i2]), not same))
        if j2 > j1:
            right_out.append(Segment(" ".join(b[j1:j2]), not same))
    return left_out, right_out


def compare_records(a: Record, b: Record) -> list[FieldComparison]:
    rows = []
    for name in COMPARED_FIELDS:
        left, right = _text(getattr(a, name)), _text(getattr(b, name))
        segments = word_diff(left, right)
        rows.append(FieldComparison(name, *segments, same=left.casefold() == right.casefold()))
    return rows
