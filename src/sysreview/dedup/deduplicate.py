"""The de-duplication stage: records in, groups and suggestions out, no I/O.

:class:`Deduplicator` runs normalise → block → compare → group. It never deletes or rewrites a
record: a result says which records are one study (``groups``, merged automatically because
the evidence is sure) and which pairs a person should look at (``suggested``). People's earlier
decisions are honoured: a ``distinct`` pair is never grouped, a ``same`` pair always is.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sysreview.dedup.block import Blocker
from sysreview.dedup.compare import AUTO, SUGGEST, Comparer, PairVerdict
from sysreview.dedup.group import Clusterer, Clustering
from sysreview.dedup.normalise import Keys, comparison_keys
from sysreview.dedup.settings import DedupSettings
from sysreview.progress import Progress, no_progress
from sysreview.records import Record

__all__ = ["CandidatePair", "DedupResult", "Deduplicator", "DuplicateGroup", "assignments"]

K = TypeVar("K", bound=Hashable)


@dataclass
class DuplicateGroup(Generic[K]):
    """Records that are one study. ``decision`` is "auto" (the evidence was sure) or
    "confirmed" (a person's "same" decision is part of it); ``score`` is its weakest link."""

    members: list[K]
    decision: str
    score: float


@dataclass
class CandidatePair(Generic[K]):
    """Two records that may be one study, for a person to decide, with the evidence why."""

    a: K
    b: K
    score: float
    evidence: list[str]


@dataclass
class DedupResult(Generic[K]):
    """Groups merged automatically, pairs queued for a person, and warnings about the input."""

    groups: list[DuplicateGroup[K]] = field(default_factory=list)
    suggested: list[CandidatePair[K]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    compared: int = 0


class Deduplicator:
    """Finds duplicate records; parameters only in ``__init__`` (see :class:`DedupSettings`)."""

    def __init__(self, settings: DedupSettings | None = None) -> None:
        self.settings = settings or DedupSettings()

    def find(
        self,
        records: Mapping[K, Record],
        *,
        same: Iterable[tuple[K, K]] = (),
        distinct: Iterable[tuple[K, K]] = (),
        progress: Progress | None = None,
    ) -> DedupResult[K]:
        """Group duplicate ``records`` and suggest uncertain pairs; the input is not changed.

        The result does not depend on the order of ``records``.
        """
        report = progress or no_progress
        run = _Run(self.settings, list(records), report)
        same_idx = run.indices(same, "same")
        distinct_idx = run.indices(distinct, "distinct")
        run.normalise(records)
        run.collapse_identical({i for pair in distinct_idx for i in pair})
        run.block()
        run.compare_candidates()
        clustering = run.cluster(same_idx, distinct_idx)
        return run.result(clustering, set(map(_ordered, distinct_idx)))


def _ordered(pair: tuple[int, int]) -> tuple[int, int]:
    return (pair[0], pair[1]) if pair[0] < pair[1] else (pair[1], pair[0])


class _Run(Generic[K]):
    """The state of one :meth:`Deduplicator.find` call, step by step."""

    def __init__(self, settings: DedupSettings, keys: list[K], report: Progress) -> None:
        self.settings = settings
        self.keys = keys
        self.report = report
        self.position = {key: i for i, key in enumerate(keys)}
        self.comparer = Comparer(settings)
        self.tiebreak = [repr(key) for key in keys]
        self.norm: list[Keys] = []
        self.rep = list(range(len(keys)))
        self.reps: list[int] = []
        self.candidates: dict[tuple[int, int], PairVerdict] = {}
        self.cache: dict[tuple[int, int], PairVerdict] = {}
        self.warnings: list[str] = []

    def indices(self, pairs: Iterable[tuple[K, K]], name: str) -> list[tuple[int, int]]:
        """People's decisions as index pairs; one naming a record not given is reported and
        skipped (it can neither be honoured nor broken in this run)."""
        found = []
        missing = []
        for a, b in pairs:
            if a not in self.position or b not in self.position:
                missing.append(a if a not in self.position else b)
            elif a != b:
                found.append((self.position[a], self.position[b]))
        if missing:
            self.warnings.append(
                f"{len(missing)} '{name}' decisions name records that were not given "
                f"(such as {missing[0]!r}); they were skipped"
            )
        return found

    def normalise(self, records: Mapping[K, Record]) -> None:
        total = len(self.keys)
        step = max(1, total // 100)
        for i, key in enumerate(self.keys):
            self.norm.append(comparison_keys(records[key]))
            if i % step == 0:
                self.report("dedup: reading records", i, total)
        self.report("dedup: reading records", total, total)
        self._input_warnings()

    def _input_warnings(self) -> None:
        """Tell the reviewer about records that de-duplication can only partly judge."""
        untitled = sum(1 for k in self.norm if not k.title)
        bare = sum(1 for k in self.norm if not k.title and not k.authors and (k.doi or k.pmid))
        non_latin = sum(1 for k in self.norm if k.non_latin)
        if untitled:
            self.warnings.append(
                f"{untitled} records have no title: they are never merged automatically, "
                f"only suggested when an identifier matches ({bare} have only an identifier)"
            )
        if non_latin:
            self.warnings.append(
                f"{non_latin} records have titles in a non-Latin script: they were compared "
                "after transliteration, so check their suggested pairs with care"
            )

    def collapse_identical(self, keep_apart: set[int]) -> None:
        """Records identical after normalisation (imported twice) share one representative,
        but only when the record carries enough evidence to be merged with a copy of itself."""
        classes: dict[Keys, list[int]] = defaultdict(list)
        for i, k in enumerate(self.norm):
            if i not in keep_apart and k.title:
                classes[k].append(i)
        for members in classes.values():
            if len(members) < 2:
                continue
            first = min(members, key=lambda i: self.tiebreak[i])
            if self.comparer.compare(self.norm[first], self.norm[first]).decision != AUTO:
                continue
            for i in members:
                self.rep[i] = first
        self.reps = [i for i in range(len(self.keys)) if self.rep[i] == i]

    def block(self) -> None:
        reps = self.reps
        blocker = Blocker(self.settings.max_block_size, self.settings.window)
        blocking = blocker.block([self.norm[i] for i in reps], [self.tiebreak[i] for i in reps])
        for local, names in blocking.untrusted.items():
            i = reps[local]
            cleared = {name: "" for name in names}
            self.norm[i] = dataclasses.replace(self.norm[i], **cleared)  # type: ignore[arg-type]
        self.warnings.extend(blocking.warnings)
        self.candidates = {(reps[a], reps[b]): _UNSET for a, b in blocking.pairs}

    def compare_candidates(self) -> None:
        total = len(self.candidates)
        step = max(1, total // 100)
        for n, pair in enumerate(self.candidates):
            self.candidates[pair] = self.verdict(*pair)
            if n % step == 0:
                self.report("dedup: comparing pairs", n, total)
        self.report("dedup: comparing pairs", total, total)

    def verdict(self, i: int, j: int) -> PairVerdict:
        """The (cached) comparison of two representatives, in a fixed orientation."""
        pair = (i, j) if self.tiebreak[i] <= self.tiebreak[j] else (j, i)
        found = self.cache.get(pair)
        if found is None:
            found = self.comparer.compare(self.norm[pair[0]], self.norm[pair[1]])
            self.cache[pair] = found
        return found

    def cluster(self, same: list[tuple[int, int]], distinct: list[tuple[int, int]]) -> Clustering:
        self.report("dedup: grouping", 0, None)
        order = sorted(
            (
                -v.score,
                min(self.tiebreak[i], self.tiebreak[j]),
                max(self.tiebreak[i], self.tiebreak[j]),
                i,
                j,
            )
            for (i, j), v in self.candidates.items()
            if v.decision == AUTO
        )
        sure = [(-entry[0], entry[3], entry[4]) for entry in order]
        people_same = sorted(
            ((self.rep[a], self.rep[b]) for a, b in same),
            key=lambda p: sorted((self.tiebreak[p[0]], self.tiebreak[p[1]])),
        )
        clustering = Clusterer(self.settings.max_group_size).cluster(
            len(self.keys),
            sure,
            self.verdict,
            people_same,
            distinct,
        )
        self.warnings.extend(clustering.warnings)
        return clustering

    def result(self, clustering: Clustering, distinct: set[tuple[int, int]]) -> DedupResult[K]:
        """Groups with copies folded back in, and the best suggestion per pair of groups."""
        copies: dict[int, list[int]] = defaultdict(list)
        for i, r in enumerate(self.rep):
            copies[r].append(i)
        group_of = {i: i for i in range(len(self.keys))}
        result: DedupResult[K] = DedupResult(compared=len(self.cache))
        grouped: set[int] = set()
        for cluster in clustering.clusters:
            members = sorted(m for r in cluster.members for m in copies[r])
            grouped.update(cluster.members)
            decision = "confirmed" if cluster.confirmed else AUTO
            result.groups.append(
                DuplicateGroup([self.keys[m] for m in members], decision, cluster.score)
            )
            for m in cluster.members:
                group_of[m] = members[0]
        for r, members in copies.items():
            if len(members) > 1 and r not in grouped:
                result.groups.append(DuplicateGroup([self.keys[m] for m in members], AUTO, 1.0))
        result.groups.sort(key=lambda g: self.position[g.members[0]])
        result.suggested = self._suggestions(clustering, group_of, distinct)
        result.warnings = self.warnings
        self.report("dedup: grouping", 1, 1)
        return result

    def _suggestions(
        self, clustering: Clustering, group_of: dict[int, int], distinct: set[tuple[int, int]]
    ) -> list[CandidatePair[K]]:
        """Pairs for a person: uncertain ones and refused sure ones, one per pair of groups."""
        refused = {_ordered(p) for p in clustering.refused}
        best: dict[tuple[int, int], tuple[float, str, int, int]] = {}
        for (i, j), v in self.candidates.items():
            if v.decision != SUGGEST and _ordered((i, j)) not in refused:
                continue
            gi, gj = group_of[i], group_of[j]
            if gi == gj or _ordered((i, j)) in distinct:
                continue
            a, b = (i, j) if self.tiebreak[i] <= self.tiebreak[j] else (j, i)
            entry = (-v.score, self.tiebreak[a] + "\0" + self.tiebreak[b], a, b)
            slot = _ordered((gi, gj))
            if slot not in best or entry < best[slot]:
                best[slot] = entry
        pairs = []
        for _, _, a, b in sorted(best.values()):
            v = self.verdict(a, b)
            pairs.append(CandidatePair(self.keys[a], self.keys[b], v.score, list(v.evidence)))
        return pairs


_UNSET = PairVerdict(0.0, (), "distinct", False)


def assignments(result: DedupResult[K], keys: Sequence[K]) -> list[tuple[K, str, str, float]]:
    """One row per key for stateless use: (key, group id, decision, score).

    ``decision`` is "auto" (or "confirmed") for a member of a group, "suggested" for a
    record in a pair waiting for a person, and "unique" otherwise; a unique record is its
    own group. Group ids are the position of the group's first member in ``keys``.
    """
    position = {key: i for i, key in enumerate(keys)}
    rows: dict[K, tuple[str, str, float]] = {}
    for group in result.groups:
        gid = f"G{min(position.get(m, len(keys)) for m in group.members):06d}"
        for member in group.members:
            rows[member] = (gid, group.decision, group.score)
    for pair in result.suggested:
        for member in (pair.a, pair.b):
            if member not in rows:
                rows[member] = (f"G{position.get(member, len(keys)):06d}", "suggested", pair.score)
            elif rows[member][1] == "suggested":
                gid, _, score = rows[member]
                rows[member] = (gid, "suggested", max(score, pair.score))
    out = []
    for i, key in enumerate(keys):
        gid, decision, score = rows.get(key, (f"G{i:06d}", "unique", 0.0))
        out.append((key, gid, decision, score))
    return out
