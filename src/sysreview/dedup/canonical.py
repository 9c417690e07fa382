"""The one record a merged group presents: the best of each field of its members.

Merging never deletes: the group keeps every source record, and this canonical record is
what screening shows. Each field is taken from the member that has it most completely (the
longest abstract, the fullest author list, the expanded page range, the full journal name),
so a group reads better than any one database's export. Provenance stays with the members:
``source_fields`` is empty and ``source_line`` None.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sysreview.dedup.normalise import fold_text, page_range
from sysreview.errors import InvalidInput
from sysreview.records import Record, clean_markup, normalise_doi, normalise_pmid

__all__ = ["canonical_record"]


def canonical_record(records: Sequence[Record]) -> Record:
    """The best fields of one group of duplicate records, without provenance."""
    if not records:
        raise InvalidInput("a duplicate group needs at least one record")
    return Record(
        title=_best_title(records),
        abstract=_longest(clean_markup(r.abstract) for r in records),
        authors=_fullest_authors(records),
        year=_most_common([r.year for r in records if r.year is not None]),
        journal=_longest(r.journal for r in records),
        journal_abbrev=_shortest(r.journal_abbrev for r in records),
        volume=_most_common_text(r.volume for r in records),
        issue=_most_common_text(r.issue for r in records),
        pages=_best_pages(records),
        doi=_most_common_text(normalise_doi(r.doi) for r in records),
        pmid=_most_common_text(normalise_pmid(r.pmid) for r in records),
        pmcid=_most_common_text(r.pmcid for r in records),
        issn=_most_common_text(r.issn for r in records),
        keywords=_union(r.keywords for r in records),
        subject_headings=_union(r.subject_headings for r in records),
        language=_most_common_text(r.language for r in records),
        publication_type=_most_common_text(r.publication_type for r in records),
        urls=_union(r.urls for r in records),
    )


def _longest(values: Iterable[str]) -> str:
    return max((v.strip() for v in values if v and v.strip()), key=len, default="")


def _shortest(values: Iterable[str]) -> str:
    present = [v.strip() for v in values if v and v.strip()]
    return min(present, key=len, default="")


def _most_common(values: list[int]) -> int | None:
    """The value most members agree on; ties go to the earliest, a print year over epub."""
    if not values:
        return None
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def _most_common_text(values: Iterable[str]) -> str:
    """The most frequent non-empty value; ties go to the first met."""
    present = [v.strip() for v in values if v and v.strip()]
    if not present:
        return ""
    counts = Counter(present)
    return max(present, key=lambda v: (counts[v], -present.index(v)))


_TRAILING = re.compile(r"[\s.]+$")


def _best_title(records: Sequence[Record]) -> str:
    """The fullest title in mixed case: shouting capitals and trailing periods lose."""
    titles = [_TRAILING.sub("", clean_markup(r.title)) for r in records if r.title.strip()]
    if not titles:
        return ""

    def quality(title: str) -> tuple[bool, int]:
        letters = [c for c in title if c.isalpha()]
        shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
        return (not shouting, len(fold_text(title)))

    return max(titles, key=quality)


def _fullest_authors(records: Sequence[Record]) -> list[str]:
    """The longest author list, and among those the one with the most written out."""
    lists = [r.authors for r in records if r.authors]
    if not lists:
        return []
    best: list[str] = max(lists, key=_fullness)
    return list(best)


def _fullness(names: list[str]) -> tuple[int, int]:
    return len(names), sum(len(n) for n in names)


def _best_pages(records: Sequence[Record]) -> str:
    """A complete range ("123-129") over a first page or an abbreviated end ("123-9")."""
    best = ("", "", "")
    for r in records:
        first, last = page_range(r.pages)
        if first and (not best[0] or (last and not best[1])):
            best = (first, last, r.pages.strip())
    first, last, original = best
    if not (first.isdigit() and (last.isdigit() or not last)):
        return original
    return f"{first}-{last}" if last and last != first else first


def _union(lists: Iterable[list[str]]) -> list[str]:
    """Every value once, in order of first appearance, compared without case."""
    seen: set[str] = set()
    out = []
    for values in lists:
        for value in values:
            folded = value.casefold()
            if folded and folded not in seen:
                seen.add(folded)
                out.append(value)
    return out
