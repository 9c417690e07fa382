"""Builders shared by the de-duplication tests: one realistic article and ways to vary it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from sysreview.dedup import Deduplicator, DedupResult, DedupSettings
from sysreview.records import Record

TITLE = (
    "Effect of a brief mindfulness intervention on perceived stress in nursing students: "
    "a randomized controlled trial"
)


def article(**changes: object) -> Record:
    """The MEDLINE-shaped record of one article; ``changes`` override any field."""
    base = Record(
        title=TITLE,
        authors=["Müller, Johanna", "Okafor, Chinedu N.", "Lindqvist, Anna"],
        year=2019,
        journal="Nurse Education Today",
        volume="74",
        issue="2",
        pages="45-49",
        doi="10.1016/j.nedt.2018.12.004",
        pmid="30594872",
        publication_type="Journal Article",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def find(
    records: Mapping[str, Record],
    settings: DedupSettings | None = None,
    **kwargs: object,
) -> DedupResult[str]:
    return Deduplicator(settings).find(records, **kwargs)  # type: ignore[arg-type]


def groups_of(result: DedupResult[str]) -> set[frozenset[str]]:
    return {frozenset(g.members) for g in result.groups}


def merged(records: Mapping[str, Record], settings: DedupSettings | None = None) -> bool:
    """True when the two given records end up in one automatic group."""
    keys = list(records)
    return frozenset(keys) in groups_of(find(records, settings))


def suggested_pairs(result: DedupResult[str]) -> set[frozenset[str]]:
    return {frozenset((p.a, p.b)) for p in result.suggested}


def pair(a: Record, b: Record) -> dict[str, Record]:
    return {"a": a, "b": b}


def keyed(records: Iterable[Record]) -> dict[str, Record]:
    return {f"r{i}": r for i, r in enumerate(records)}
