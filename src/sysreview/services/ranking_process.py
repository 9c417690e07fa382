"""Retraining in a separate process, for the web server.

A retrain is seconds of CPU on a large review (the features of 100,000 records, a fit, a score
for every record), most of it holding Python's global interpreter lock. Run on a thread of the
server, it stalls every request that arrives meanwhile: on a 100,000-record review, the slowest
twentieth of screening requests waited most of a second. `sysreview serve` therefore trains in one
worker process (spawned on first use, kept for the server's life): the server's worker thread
sends it the review, stage and viewers, and waits, without the lock, for the rankings.

The worker keeps its own store per database URL and its own trainer, so the features of a review
are built once there and kept; the rankings it returns are the same pure function of the
decisions as in-process training (the tests compare them).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from sysreview.protocol import Stage
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store

if TYPE_CHECKING:
    from sysreview.services.ranking import Ranking

log = logging.getLogger(__name__)

_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_ENABLED = False


def train_in_worker_process(enabled: bool = True) -> None:
    """Make this process's trainers retrain in the worker process (``sysreview serve`` does)."""
    global _ENABLED
    _ENABLED = enabled
    if not enabled:
        shutdown()


def start_now() -> None:
    """Start the worker process and load the ranking code in it now, in the background, rather
    than with the review's first decision: its start-up (a few seconds of CPU importing
    scikit-learn) then competes with the server starting, not with the first reviewers."""
    if _ENABLED:
        _pool().submit(_load_ranking_code)


def enabled() -> bool:
    return _ENABLED


def _pool() -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            context = multiprocessing.get_context("spawn")  # never fork a threaded server
            _POOL = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return _POOL


def shutdown() -> None:
    """Stop the worker process now (at exit, or when process training is turned off): a
    retrain in progress is abandoned, as a retrain may always be."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is None:
        return
    for worker in list((getattr(pool, "_processes", None) or {}).values()):
        worker.terminate()
        worker.join(timeout=10)
    pool.shutdown(wait=True, cancel_futures=True)  # closes its queues, so nothing leaks


atexit.register(shutdown)


def compute_remotely(
    store: Store, review: ReviewContext, stage: Stage, viewers: list[str | None]
) -> dict[str | None, Ranking | None]:
    """The rankings of ``viewers`` as the worker process trains them (None for a viewer it
    did not train; nothing when the worker was stopped meanwhile). A worker that died is
    replaced on the next call; this call raises."""
    global _POOL
    pool = _pool()
    try:
        return pool.submit(_compute, store.url, review, stage, viewers).result()
    except (BrokenProcessPool, CancelledError):
        with _POOL_LOCK:
            if _POOL is not pool:  # stopped on purpose (the server is shutting down)
                return {}
            _POOL = None
        log.error("the ranking worker process died; a new one starts with the next decision")
        raise


# -- in the worker process ----------------------------------------------------------------

_STORES: dict[str, Store] = {}


def _start_worker(parent: int) -> None:
    """Run at a lower CPU priority than the server (a retrain is background work: on a small
    machine the reviewers' requests and the database come first), and end the worker when the
    server that started it is gone, however it went (a killed server runs no exit handlers)."""
    os.nice(10)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _load_ranking_code() -> None:
    """Import what a retrain runs: the service, and the models (scikit-learn), which the
    ranking package otherwise loads only when a model is first built."""
    import sysreview.services.ranking  # noqa: F401
    from sysreview.ranking import PRESETS  # noqa: F401  (loads the presets' model classes)


def _compute(
    url: str, review: ReviewContext, stage: Stage, viewers: list[str | None]
) -> dict[str | None, Ranking | None]:
    from sysreview.services.ranking import trainer

    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    work = trainer(store)
    work.compute_all(review, stage, viewers)
    found: dict[str | None, Ranking | None] = {}
    for viewer in viewers:
        ranking = work.latest((review.id, stage.name, viewer))
        found[viewer] = None if ranking is None else ranking.without_caches()
    return found
