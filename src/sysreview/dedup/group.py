"""Grouping: sure pairs become groups, but only groups whose every member belongs.

Plain connected components chain: A≈B and B≈C put A and C together even when A and C are
different studies (an article, its erratum, and the erratum's comment). Here sure pairs are
merged strongest first, and two clusters join only when every cross pair is linkable (no
trap, no contradiction, no person's "distinct"), so a group is merged only when all of its
members are consistent. People's "same" decisions join first and are never second-guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sysreview.dedup.compare import PairVerdict

__all__ = ["Cluster", "Clusterer"]


@dataclass
class Cluster:
    """Indices of one group, the weakest score that joined it, and whether a person did."""

    members: list[int]
    score: float = 1.0
    confirmed: bool = False


@dataclass
class Clustering:
    """The clusters of two or more, merges refused (now suggestions) and warnings."""

    clusters: list[Cluster] = field(default_factory=list)
    refused: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Clusterer:
    """Constrained agglomeration of sure pairs; parameters only in ``__init__``."""

    def __init__(self, max_group_size: int = 40) -> None:
        self.max_group_size = max_group_size

    def cluster(
        self,
        n: int,
        sure: Iterable[tuple[float, int, int]],
        verdict: Callable[[int, int], PairVerdict],
        same: Iterable[tuple[int, int]] = (),
        distinct: Iterable[tuple[int, int]] = (),
    ) -> Clustering:
        """Group ``n`` items from ``sure`` pairs (best first), people's ``same`` before all.

        Both are applied in the order given, so callers order them independently of input
        order. ``verdict(i, j)`` gives the comparison of any two items (computed on demand).
        """
        state = _State(n, {_pair(i, j) for i, j in distinct}, verdict)
        result = Clustering()
        ordered = list(dict.fromkeys(_pair(i, j) for i, j in same))
        confirmed = set(ordered)
        for i, j in ordered:
            if not state.join(i, j, 1.0, confirmed, person=True):
                result.warnings.append(
                    "people's decisions contradict each other: a record marked the same as "
                    "another is also marked distinct from a member of its group; that "
                    "'same' decision was not applied"
                )
        too_big = False
        for score, i, j in sure:
            if state.root(i) == state.root(j):
                continue
            if state.size(i) + state.size(j) > self.max_group_size:
                too_big = True
                result.refused.append((i, j))
            elif not state.join(i, j, score, confirmed, person=False):
                result.refused.append((i, j))
        if too_big:
            result.warnings.append(
                f"some groups would have grown beyond {self.max_group_size} records; the "
                "remaining matches were queued for a person instead of merged"
            )
        result.clusters = state.clusters()
        return result


def _pair(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


class _State:
    """Union-find with explicit member lists, so cross pairs can be checked before a join."""

    def __init__(
        self,
        n: int,
        distinct: set[tuple[int, int]],
        verdict: Callable[[int, int], PairVerdict],
    ) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}
        self.scores: dict[int, float] = {}
        self.people: set[int] = set()
        self.distinct = distinct
        self.verdict = verdict

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def size(self, i: int) -> int:
        return len(self.members.get(self.root(i), (i,)))

    def join(
        self, i: int, j: int, score: float, confirmed: set[tuple[int, int]], *, person: bool
    ) -> bool:
        """Join the clusters of ``i`` and ``j`` if every cross pair allows it."""
        ri, rj = self.root(i), self.root(j)
        if ri == rj:
            return True
        left = self.members.get(ri, [ri])
        right = self.members.get(rj, [rj])
        for x in left:
            for y in right:
                pair = _pair(x, y)
                if pair in self.distinct:
                    return False
                if not person and pair not in confirmed and not self.verdict(*pair).linkable:
                    return False
        if len(left) < len(right):
            ri, rj, left, right = rj, ri, right, left
        self.parent[rj] = ri
        self.members[ri] = left + right
        self.members.pop(rj, None)
        self.scores[ri] = min(self.scores.get(ri, 1.0), self.scores.pop(rj, 1.0), score)
        if person or rj in self.people:
            self.people.add(ri)
        self.people.discard(rj)
        return True

    def clusters(self) -> list[Cluster]:
        return [
            Cluster(sorted(members), self.scores.get(root, 1.0), root in self.people)
            for root, members in self.members.items()
        ]
