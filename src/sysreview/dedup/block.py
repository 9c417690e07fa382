"""Blocking: which pairs of records are worth comparing at all.

Comparing every pair is quadratic (100,000 records are five billion pairs). Records are put
into blocks by keys that duplicates almost always share: the DOI, the PMID, the first or the
last informative words of the title (or of a translated title), the first author with the
year and first page, the volume with the first page. Small blocks are compared all against
all; a large block is sorted and each record compared with its neighbours only, so the work
stays close to linear. An identifier shared by more records than ``max_block_size`` is a
collision (a supplement's DOI, a journal-level DOI), reported and no longer trusted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sysreview.dedup.normalise import STOPWORDS, Keys

__all__ = ["Blocker", "Blocking"]

ALL_PAIRS_UP_TO = 24
_PREFIX_WORDS = 3


@dataclass
class Blocking:
    """The candidate pairs (index pairs, smaller first), what blocking had to report, and
    the identifiers ("doi", "pmid") of each record shared too widely to be evidence."""

    pairs: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    untrusted: dict[int, set[str]] = field(default_factory=dict)


def _informative(text: str) -> list[str]:
    return [w for w in text.split() if w not in STOPWORDS]


def blocking_keys(k: Keys) -> list[tuple[str, ...]]:
    """The blocks one record belongs to; duplicates share at least one in practice."""
    found: list[tuple[str, ...]] = []
    if k.doi:
        found.append(("doi", k.doi))
    if k.pmid:
        found.append(("pmid", k.pmid))
    for title in (k.title, *k.alt_titles):
        words = _informative(title) or title.split()
        if words:
            found.append(("start", *words[:_PREFIX_WORDS]))
        if len(words) > _PREFIX_WORDS:
            found.append(("end", *words[-_PREFIX_WORDS:]))
    if k.first_page:
        if k.first_author and k.year is not None:
            found.append(("author-page", k.first_author, str(k.year), k.first_page))
        if k.volume:
            found.append(("volume-page", k.volume, k.first_page, str(k.year or "")))
    return found


class Blocker:
    """Turns records' keys into candidate pairs; parameters only in ``__init__``."""

    def __init__(self, max_block_size: int = 100, window: int = 4) -> None:
        self.max_block_size = max_block_size
        self.window = window

    def block(self, keys: Sequence[Keys], tiebreak: Sequence[str]) -> Blocking:
        """Candidate pairs over ``keys``; ``tiebreak`` orders ties so input order never matters."""
        blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index, k in enumerate(keys):
            for key in blocking_keys(k):
                blocks[key].append(index)
        result = Blocking()
        for key, members in blocks.items():
            if len(members) < 2:
                continue
            if key[0] in ("doi", "pmid") and len(members) > self.max_block_size:
                for index in members:
                    result.untrusted.setdefault(index, set()).add(key[0])
                result.warnings.append(_collision_warning(key, len(members)))
            self._pairs_in(members, keys, tiebreak, result.pairs)
        self._neighbours(range(len(keys)), _title_order(keys, tiebreak), result.pairs)
        return result

    def _pairs_in(
        self,
        members: list[int],
        keys: Sequence[Keys],
        tiebreak: Sequence[str],
        out: set[tuple[int, int]],
    ) -> None:
        """All pairs of a small block; neighbours in title order within a large one."""
        if len(members) <= ALL_PAIRS_UP_TO:
            ordered = sorted(members)
            for position, i in enumerate(ordered):
                for j in ordered[position + 1 :]:
                    out.add((i, j))
            return
        self._neighbours(members, _title_order(keys, tiebreak), out)

    def _neighbours(
        self,
        members: Sequence[int] | range,
        order_key: Callable[[int], tuple[object, ...]],
        out: set[tuple[int, int]],
    ) -> None:
        """Sorted-neighbourhood pairs: each record with the next ``window - 1`` records."""
        ordered = sorted(members, key=order_key)
        for position, i in enumerate(ordered):
            for j in ordered[position + 1 : position + self.window]:
                out.add((i, j) if i < j else (j, i))


def _title_order(
    keys: Sequence[Keys], tiebreak: Sequence[str]
) -> Callable[[int], tuple[object, ...]]:
    """Sort by title, then by where the record was published, then a content-free tiebreak."""

    def order(index: int) -> tuple[object, ...]:
        k = keys[index]
        return (
            k.title,
            k.journal,
            k.year or 0,
            k.volume,
            k.first_page,
            k.first_author,
            tiebreak[index],
        )

    return order


def _collision_warning(key: tuple[str, ...], size: int) -> str:
    """A message a reviewer can act on when one identifier is shared by many records."""
    name = "DOI" if key[0] == "doi" else "PMID"
    return (
        f"{size} records share the {name} {key[1]}: too many to be one article (a supplement "
        f"or journal-level {name}?), so it is not used as evidence for them; they were "
        "compared with records of similar titles only"
    )
