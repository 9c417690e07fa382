"""Who is reading which record right now, so reviewers working at the same moment are not all
handed the same record.

Without this, ten reviewers walking the same order all open the same abstract; two may decide it
and the other eight read it for nothing and have their decision refused. A record shown to a
reviewer is *held* by them until they decide it, are shown another, or the hold lapses; the
next-record query passes over a record whose decisions plus other reviewers' holds already fill
the stage's places. Holds are a courtesy, not a lock: they live in this process's memory, lapse
on their own, and never refuse a decision (the decision path keeps its own checks).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

HOLD_SECONDS = 600.0
"""How long a shown record stays held: long enough to read a full abstract, short enough that
a reviewer who walked away does not keep it from the others for long."""

_Stage = tuple[str, int, str]  # database, review id, stage name


class ReadingList:
    """Holds per (database, review, stage): reviewer → (record id, time it lapses). The
    database is part of the key because one process may serve several stores."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._holds: dict[_Stage, dict[str, tuple[int, float]]] = {}

    def hold(self, where: _Stage, reviewer: str, record_id: int) -> None:
        """``reviewer`` is now reading ``record_id`` (and no longer whatever they held)."""
        with self._lock:
            until = self._clock() + HOLD_SECONDS
            self._holds.setdefault(where, {})[reviewer] = (record_id, until)

    def claim(
        self, where: _Stage, reviewer: str, record_id: int, decided: int, places: int
    ) -> bool:
        """Hold ``record_id`` for ``reviewer`` if its ``decided`` decisions and the others
        reading it leave one of its ``places`` free: checked and taken under one lock, so two
        reviewers asking at once cannot both take the last place."""
        with self._lock:
            now = self._clock()
            holds = self._holds.setdefault(where, {})
            readers = sum(
                1
                for name, (held, until) in holds.items()
                if held == record_id and until > now and name != reviewer
            )
            if decided + readers >= places:
                return False
            holds[reviewer] = (record_id, now + HOLD_SECONDS)
            return True

    def release(self, where: _Stage, reviewer: str) -> None:
        """``reviewer`` decided (or left) the record they held."""
        with self._lock:
            self._holds.get(where, {}).pop(reviewer, None)

    def held_by_others(self, where: _Stage, reviewer: str) -> dict[int, int]:
        """Record id → how many reviewers other than ``reviewer`` are reading it now."""
        now = self._clock()
        counts: dict[int, int] = {}
        with self._lock:
            holds = self._holds.get(where, {})
            for name, (record_id, until) in list(holds.items()):
                if until <= now:
                    del holds[name]
                elif name != reviewer:
                    counts[record_id] = counts.get(record_id, 0) + 1
        return counts


READING = ReadingList()
"""This process's reading list (the web server's threads share it)."""
