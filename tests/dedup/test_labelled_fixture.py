"""On a small hand-labelled set of real-shaped exports: no wrong merge, and most found."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

from sysreview.dedup import Deduplicator
from sysreview.records import Record

FIXTURE = Path(__file__).parent.parent / "fixtures" / "dedup" / "labelled.csv"


def load() -> tuple[dict[str, Record], dict[str, str]]:
    records, truth = {}, {}
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            records[row["record_id"]] = Record(
                title=row["title"],
                authors=[a.strip() for a in row["authors"].split(";") if a.strip()],
                year=int(row["year"]) if row["year"] else None,
                journal=row["journal"],
                volume=row["volume"],
                issue=row["issue"],
                pages=row["pages"],
                doi=row["doi"],
                pmid=row["pmid"],
                publication_type=row["publication_type"],
            )
            truth[row["record_id"]] = row["work"]
    return records, truth


def true_pairs(truth: dict[str, str]) -> set[tuple[str, str]]:
    works: dict[str, list[str]] = defaultdict(list)
    for record_id, work in truth.items():
        works[work].append(record_id)
    return {p for ids in works.values() for p in itertools.combinations(sorted(ids), 2)}


def test_no_automatic_group_mixes_two_works() -> None:
    records, truth = load()
    for group in Deduplicator().find(records).groups:
        assert len({truth[m] for m in group.members}) == 1, group


def test_most_true_duplicate_pairs_are_merged() -> None:
    records, truth = load()
    result = Deduplicator().find(records)
    merged = {p for g in result.groups for p in itertools.combinations(sorted(g.members), 2)}
    expected = true_pairs(truth)
    assert len(merged & expected) / len(expected) >= 0.8


def test_every_true_duplicate_not_merged_is_put_to_a_person() -> None:
    records, truth = load()
    result = Deduplicator().find(records)
    group_of = {key: key for key in records}
    for group in result.groups:
        for member in group.members:
            group_of[member] = group.members[0]
    offered = {frozenset((group_of[p.a], group_of[p.b])) for p in result.suggested}
    for a, b in true_pairs(truth):
        assert group_of[a] == group_of[b] or frozenset((group_of[a], group_of[b])) in offered
