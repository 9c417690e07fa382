"""Long de-duplication reports its progress through the one progress protocol."""

from __future__ import annotations

from sysreview.dedup import Deduplicator
from tests.dedup.conftest import article


def test_progress_reports_each_step_to_completion() -> None:
    seen: list[tuple[str, int, int | None]] = []
    records = {f"r{i}": article(pages=str(i)) for i in range(50)}
    Deduplicator().find(
        records, progress=lambda task, done, total: seen.append((task, done, total))
    )
    tasks = {task for task, _, _ in seen}
    assert {"dedup: reading records", "dedup: comparing pairs", "dedup: grouping"} <= tasks
    for task in tasks:
        last = [(done, total) for t, done, total in seen if t == task][-1]
        assert last[0] == last[1]
