"""Retraining runs on a worker thread: the next record is answered while it trains, the newest
decisions win, and the result equals a synchronous retrain with the same seed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sysreview.services import ranking, ranking_labels, ranking_process, screening
from tests.ranking.screening_review import TA, A, build


def test_the_next_record_never_waits_for_a_retrain(
    tmp_path: Path, db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rr = build(tmp_path / "bg", db_url)
    release, started = threading.Event(), threading.Event()
    real_train = ranking._train

    def slow_train(*args: object) -> ranking.Ranking:
        started.set()
        assert release.wait(30)
        return real_train(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ranking, "_train", slow_train)
    work = ranking.trainer(rr.store)
    key = (rr.review.id, TA, None)
    try:
        screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
        assert started.wait(10)
        began = time.perf_counter()
        view = screening.next_record(rr.store, rr.review, A, TA)
        assert time.perf_counter() - began < 5
        assert view is not None and view.id == rr.ids[0]  # no ranking yet: as imported
        assert work.busy(key)
        # More decisions while it trains: the worker runs once more on the newest of them.
        screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
        screening.decide(rr.store, rr.review, A, TA, rr.off_topic[1], "exclude")
        assert screening.next_record(rr.store, rr.review, A, TA) is not None
        release.set()
        assert work.wait(60)
        latest = work.latest(key)
        assert latest is not None and latest.order is not None
        with rr.store.read() as session:
            labels = ranking_labels.stage_labels(
                session, rr.review, rr.review.protocol.stages[0], None
            )
        assert latest.version == ranking_labels.labels_version(labels)
        assert labels == {rr.on_topic[0]: True, rr.off_topic[0]: False, rr.off_topic[1]: False}
        fresh = ranking.Trainer(rr.store).compute(rr.review, rr.review.protocol.stages[0], None)
        assert fresh is not None and fresh.order == latest.order  # same decisions, same seed
        assert screening.next_record(rr.store, rr.review, A, TA).id in rr.on_topic  # type: ignore[union-attr]
    finally:
        release.set()
        work.wait(60)
        rr.store.dispose()


def test_a_failed_retrain_keeps_the_last_ranking(
    tmp_path: Path, db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rr = build(tmp_path / "fail", db_url)
    work = ranking.trainer(rr.store)
    try:
        screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
        screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
        assert work.wait(60)
        before = work.latest((rr.review.id, TA, None))

        def broken(*args: object) -> ranking.Ranking:
            raise RuntimeError("out of memory")

        monkeypatch.setattr(ranking, "_train", broken)
        screening.decide(rr.store, rr.review, A, TA, rr.off_topic[1], "exclude")
        assert work.wait(60)
        assert work.latest((rr.review.id, TA, None)) is before
        assert screening.next_record(rr.store, rr.review, A, TA).id in rr.on_topic  # type: ignore[union-attr]
    finally:
        work.wait(60)
        rr.store.dispose()


def test_the_server_trains_in_a_worker_process_with_the_same_result(
    tmp_path: Path, db_url: str | None
) -> None:
    """`sysreview serve` retrains in a spawned worker process, so a retrain never holds the
    server's interpreter; its rankings equal in-process training and keep the cursors of a
    ranking whose labels did not change."""
    rr = build(tmp_path / "proc", db_url)
    work = ranking.trainer(rr.store)
    key = (rr.review.id, TA, None)
    ranking_process.train_in_worker_process()
    try:
        screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
        screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
        assert work.wait(120)
        latest = work.latest(key)
        assert latest is not None and latest.order is not None
        assert ranking_process._POOL is not None  # it did run in the worker process
        fresh = ranking.Trainer(rr.store).compute(rr.review, rr.review.protocol.stages[0], None)
        assert fresh is not None and fresh.order == latest.order
        assert screening.next_record(rr.store, rr.review, A, TA).id in rr.on_topic  # type: ignore[union-attr]
        work.schedule(rr.review, rr.review.protocol.stages[0], [None])  # nothing new to learn
        assert work.wait(120)
        assert work.latest(key) is latest
    finally:
        ranking_process.train_in_worker_process(False)
        work.wait(60)
        rr.store.dispose()
    assert ranking_process._POOL is None


def test_the_worker_process_ends_when_its_server_is_killed() -> None:
    """A killed server runs no exit handler; its ranking worker must not outlive it."""
    script = (
        "import os\n"
        "from sysreview.services import ranking_process\n"
        "print(ranking_process._pool().submit(os.getpid).result(), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -9
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")
