"""The order records are offered in while screening: ranked by a model retrained in the
background after every decision, shuffled, or as imported.

A decision never waits for a model. :func:`decision_made` asks this process's trainer to retrain
the stage's ranking on a worker thread (one at a time per ranking; when decisions arrive while it
trains, it runs once more on the newest decisions, so the latest labels win), and
:func:`order_for` hands the screening service the newest *finished* ranking, or None (as-imported
order) while none exists yet. A ranking is a pure function of the decisions, the preset and the
seed, so :func:`train_now` (the CLI's synchronous path) gives the same order as the worker.

What a ranking learns from is what its reader may know. A record's label is its settled
decision (agreement or the arbiter's resolution) when it has one, else its votes (relevant when
any vote is include or maybe). In a blind stage, unsettled votes are another reviewer's secret:
each reviewer's ranking then learns only from settled records and that reviewer's own votes, so
the order they get cannot reveal how anyone else voted.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from sysreview import ranking as ranking_models  # models load on first use, not per command
from sysreview.protocol import Stage
from sysreview.ranking import DEFAULT_PRESET
from sysreview.services import ranking_process
from sysreview.services.ranking_labels import (
    any_relevant,
    labels_for_viewers,
    labels_version,
    sampling_started,
)
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import load_stage
from sysreview.services.screening_tallies import decided_by_reviewer
from sysreview.store.engine import Store
from sysreview.store.feature_cache import FeatureCache, feature_key
from sysreview.store.models import (
    Decision,
    StoredRecord,
)

log = logging.getLogger(__name__)

SEED = 0
CHUNK = 64
"""Ranked record ids looked up per query when finding a reviewer's next open record."""
RETRAIN_DELAY = 0.2
"""Seconds a retrain waits after a decision: the decision's request answers with the next
record at once, without a retrain competing for the interpreter, and a burst of decisions
is learnt in one retrain."""
REST_PER_TRAINING_SECOND = 1.0
"""After a retrain of t seconds, the next waits t seconds at least (decisions made meanwhile
are learnt together): on a large review, where a retrain takes a second or more and a team
decides faster than that, retraining would otherwise take a whole core for as long as the
team screens, and on a small machine the reviewers' requests compete with it for the CPU.
The order a reviewer gets is then at most about two retrains old."""
SAMPLING_REFRESH = 5.0
"""A background run reads the sampling phase afresh when what it knows is older than this."""
SAMPLING_TTL = 60.0
"""Seconds a process trusts what it read about the sampling phase when no decision has come
since (each decision's background run reads it afresh; another process may have started it)."""


def _never_wait_for_locks(session: Session) -> None:
    """A background retrain gives way at once to anything holding a lock it needs (a schema
    change, a restore): it fails, logs, and the next decision schedules it again."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL lock_timeout = '200ms'"))


# ---------------------------------------------------------------------------------- rankings


class RecordOrder:
    """Record ids in screening order, and each id's place in it, held as numpy arrays.

    A 100,000-record order as a tuple with a dict of places cost the web server ~20 ms of
    interpreter time to index and ~5 ms to unpickle each time a retrain finished in the worker
    process, and both stalled every request meanwhile; as arrays, the index is built where the
    ranking is trained and crosses processes as a few buffers."""

    __slots__ = ("ids", "_sorted", "_places")

    def __init__(self, ids: Iterable[int] | np.ndarray) -> None:
        self.ids = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64)
        sorter = np.argsort(self.ids, kind="stable")
        self._sorted = self.ids[sorter]
        self._places = sorter.astype(np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return len(self.ids) > 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids.tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordOrder):
            return bool(np.array_equal(self.ids, other.ids))
        if isinstance(other, list | tuple):
            return self.ids.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def chunk(self, begin: int, size: int) -> list[int]:
        """The ids at places ``begin`` to ``begin + size``."""
        return self.ids[begin : begin + size].tolist()

    def at(self, place: int) -> int:
        return int(self.ids[place])

    def place(self, record_id: int, default: int) -> int:
        """Where ``record_id`` stands in the order (``default`` when it is not in it)."""
        found = int(np.searchsorted(self._sorted, record_id))
        if found < len(self._sorted) and self._sorted[found] == record_id:
            return int(self._places[found])
        return default

    def places(self, record_ids: Sequence[int], default: int) -> list[int]:
        """:meth:`place` of each id, at once."""
        wanted = np.asarray(record_ids, dtype=np.int64)
        found = np.minimum(np.searchsorted(self._sorted, wanted), max(len(self._sorted) - 1, 0))
        if not len(self._sorted):
            return [default] * len(wanted)
        known = self._sorted[found] == wanted
        return np.where(known, self._places[found], default).tolist()

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, int) and self.place(record_id, -1) >= 0


@dataclass
class Ranking:
    """A finished training: every record of the review, most likely relevant first (None when
    the labels lack an include or an exclude, so there is nothing to learn from yet)."""

    viewer: str | None
    version: str
    order: RecordOrder | None
    included: int
    excluded: int
    seconds: float
    finished_at: datetime
    preset: str = DEFAULT_PRESET
    seed: int = SEED
    cursors: dict[str, int] = field(default_factory=dict)

    def without_caches(self) -> Ranking:
        """The ranking alone, to send to another process: no reviewers' cursors."""
        return replace(self, cursors={})


@dataclass
class _Features:
    ids: np.ndarray
    matrix: Any


def _review_texts(
    session: Session, review: ReviewContext
) -> tuple[list[int], list[tuple[str, str]]]:
    rows = session.execute(
        select(StoredRecord.id, StoredRecord.title, StoredRecord.data["abstract"].as_string())
        .where(StoredRecord.review_id == review.id)
        .order_by(StoredRecord.id)
    ).all()
    return [r[0] for r in rows], [(r[1] or "", r[2] or "") for r in rows]


def features_of(
    folder: Path,
    preset: str,
    ids: Sequence[int],
    texts: Sequence[tuple[str, str]],
    in_use: Collection[str] = (),
) -> Any:
    """The feature matrix of these records: from the review folder's cache when a build of the
    same records, model and versions is there, else built and kept there for the next process
    (a restarted server or the next ``sysreview screen`` then ranks in a second or two, not
    after the minute or more a large review's features take to build). A build also removes
    the cached files of models not ``in_use`` (when given) by the review's stages."""
    model = ranking_models.build_model(preset, SEED)
    cache = FeatureCache(folder)
    key = feature_key(preset, model.feature_extractor, ids, texts)
    matrix = cache.get(preset, key, len(ids))
    if matrix is None:
        matrix = model.features(texts)
        cache.put(preset, key, matrix, in_use)
    return matrix


def preset_for(stage: Stage) -> str:
    """The ranking model of ``stage``: the protocol's ``model``, else sysreview's default."""
    return stage.model or DEFAULT_PRESET


def _train(
    features: _Features, labels: dict[int, bool], viewer: str | None, preset: str
) -> Ranking:
    """Fit ``preset`` on ``labels`` and score every record (pure: same input, same order)."""
    started = time.perf_counter()
    version = labels_version(labels)
    included = sum(1 for v in labels.values() if v)
    excluded = len(labels) - included
    order: RecordOrder | None = None
    if included and excluded:
        index = {int(r): i for i, r in enumerate(features.ids)}
        known = [r for r in labels if r in index]
        model = ranking_models.build_model(preset, SEED)
        rows = np.fromiter((index[r] for r in known), dtype=np.int64, count=len(known))
        y = np.fromiter((int(labels[r]) for r in known), dtype=np.int64, count=len(known))
        model.fit(features.matrix, rows, y)
        ranked = model.next_records(features.matrix, np.zeros(len(features.ids), dtype=bool))
        order = RecordOrder(features.ids[np.asarray(ranked, dtype=np.int64)])
    return Ranking(
        viewer,
        version,
        order,
        included,
        excluded,
        time.perf_counter() - started,
        datetime.now(UTC),
        preset,
    )


_NO_FEATURES = _Features(np.zeros(0, dtype=np.int64), None)


class Trainer:
    """This process's rankings for one store: the newest finished one per (review, stage,
    viewer), the features per review, and at most one worker per ranking."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.Condition()
        self._latest: dict[tuple[int, str, str | None], Ranking] = {}
        self._running: set[tuple[int, str]] = set()
        self._pending: dict[tuple[int, str], tuple[ReviewContext, Stage, set[str | None]]] = {}
        self._features: dict[tuple[int, str, int, int], _Features] = {}
        self._shuffled: dict[tuple[int, str, int], Ranking] = {}
        self._sampling: dict[tuple[int, str], tuple[float, int | None]] = {}

    # -- features, computed once per set of records

    def features(self, session: Session, review: ReviewContext, preset: str) -> _Features:
        count, last = session.execute(
            select(func.count(), func.coalesce(func.max(StoredRecord.id), 0)).where(
                StoredRecord.review_id == review.id
            )
        ).one()
        key = (review.id, preset, int(count), int(last))
        with self._lock:
            cached = self._features.get(key)
        if cached is not None:
            return cached
        ids, texts = _review_texts(session, review)
        in_use = {preset_for(stage) for stage in review.protocol.stages}
        matrix = features_of(review.folder, preset, ids, texts, in_use | {preset})
        built = _Features(np.asarray(ids, dtype=np.int64), matrix)
        with self._lock:  # per review, one set per model its stages use: the rest are dropped
            self._features = {
                k: v
                for k, v in self._features.items()
                if k[0] != review.id or (k[1] in in_use and k[1] != preset)
            }
            self._features[key] = built
        return built

    def compute(self, review: ReviewContext, stage: Stage, viewer: str | None) -> Ranking | None:
        """Train ``viewer``'s ranking on the decisions as they are now (see :meth:`compute_all`)."""
        self.compute_all(review, stage, [viewer])
        return self.latest((review.id, stage.name, viewer))

    def compute_all(
        self, review: ReviewContext, stage: Stage, viewers: Iterable[str | None]
    ) -> None:
        """Load the stage once and retrain each viewer's ranking whose labels changed since
        its newest ranking (at a blind stage another's decision often changes nothing)."""
        store = self._store()
        if store is None:
            return
        with store.read() as session:
            _never_wait_for_locks(session)
            self._refresh_sampling(session, review, stage)
            viewers = list(viewers)
            if not viewers:
                return
            if not any_relevant(session, review, stage):
                self._nothing_to_learn(session, review, stage, viewers)
                return
            data = load_stage(session, review, stage.name)
            preset = preset_for(stage)
            work = []
            for viewer, labels in labels_for_viewers(data, stage, viewers).items():
                latest = self.latest((review.id, stage.name, viewer))
                if (
                    latest is None
                    or latest.version != labels_version(labels)
                    or latest.preset != preset  # the protocol chose another model
                ):
                    work.append((viewer, labels))
            learnable = [w for w in work if any(w[1].values()) and not all(w[1].values())]
            features = self.features(session, review, preset) if learnable else _NO_FEATURES
        for viewer, labels in work:
            ranking = _train(features, labels, viewer, preset)
            with self._lock:
                self._latest[(review.id, stage.name, viewer)] = ranking

    def _refresh_sampling(self, session: Session, review: ReviewContext, stage: Stage) -> None:
        key = (review.id, stage.name)
        with self._lock:
            cached = self._sampling.get(key)
        if cached is None or time.monotonic() - cached[0] > SAMPLING_REFRESH:
            found = sampling_started(session, review, stage)
            with self._lock:
                self._sampling[key] = (time.monotonic(), found)

    def _nothing_to_learn(
        self, session: Session, review: ReviewContext, stage: Stage, viewers: list[str | None]
    ) -> None:
        """No include or maybe yet: every viewer's order stays as imported. Counted by two
        small queries instead of loading the stage (the usual state early in a review)."""
        at_stage = (Decision.review_id == review.id, Decision.stage == stage.name)
        own = decided_by_reviewer(session, review, stage)
        records = session.scalar(
            select(func.count(func.distinct(Decision.record_id))).where(*at_stage)
        )
        now, preset = datetime.now(UTC), preset_for(stage)
        for viewer in viewers:
            excluded = int(own.get(viewer or "", 0) if stage.blind else records or 0)
            made = Ranking(
                viewer, f"irrelevant-only-{excluded}", None, 0, excluded, 0.0, now, preset
            )
            with self._lock:
                self._latest[(review.id, stage.name, viewer)] = made

    def latest(self, key: tuple[int, str, str | None]) -> Ranking | None:
        with self._lock:
            return self._latest.get(key)

    # -- the worker: one per stage at a time

    def schedule(self, review: ReviewContext, stage: Stage, viewers: Iterable[str | None]) -> None:
        """Retrain these viewers' rankings on a worker thread; a request while the stage's
        worker runs is taken up by it afterwards, on the newest decisions."""
        key = (review.id, stage.name)
        with self._lock:
            _, _, waiting = self._pending.get(key, (review, stage, set()))
            self._pending[key] = (review, stage, waiting | set(viewers))
            if key in self._running:
                return
            self._running.add(key)
        worker = threading.Thread(target=self._work, args=(key,), daemon=True, name="ranking")
        worker.start()

    def _work(self, key: tuple[int, str]) -> None:
        rest = RETRAIN_DELAY
        while True:
            time.sleep(rest)  # let the request that decided fetch its next record first
            with self._lock:
                taken = self._pending.pop(key, None)
                if taken is None:
                    self._running.discard(key)
                    self._lock.notify_all()
                    return
            review, stage, viewers = taken
            started = time.monotonic()
            try:
                ordered = sorted(viewers, key=lambda v: v or "")
                if ranking_process.enabled():
                    self._compute_remotely(review, stage, ordered)
                else:
                    self.compute_all(review, stage, ordered)
            except Exception:  # a failed retrain keeps the last ranking; the next decision retries
                log.exception("retraining the ranking of %s/%s failed", review.slug, stage.name)
            rest = max(RETRAIN_DELAY, REST_PER_TRAINING_SECOND * (time.monotonic() - started))

    def _compute_remotely(
        self, review: ReviewContext, stage: Stage, viewers: list[str | None]
    ) -> None:
        """:meth:`compute_all` in the worker process; a ranking whose labels are those of the
        one held here is not replaced, so its reviewers' cursors stay."""
        store = self._store()
        if store is None:
            return
        with store.read() as session:
            self._refresh_sampling(session, review, stage)
        if not viewers:
            return
        made = ranking_process.compute_remotely(store, review, stage, viewers)
        with self._lock:
            for viewer, ranking in made.items():
                key = (review.id, stage.name, viewer)
                held = self._latest.get(key)
                if ranking is not None and (
                    held is None or held.version != ranking.version or held.preset != ranking.preset
                ):
                    self._latest[key] = ranking

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until no retrain is running (tests, and a clean shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def busy(self, key: tuple[int, str, str | None]) -> bool:
        """Whether the stage of ``key`` is retraining now."""
        with self._lock:
            return key[:2] in self._running

    def viewers(self, review: ReviewContext, stage: Stage) -> list[str | None]:
        with self._lock:
            return [k[2] for k in self._latest if k[0] == review.id and k[1] == stage.name]

    # -- the random-sampling phase

    def sampling_from(self, session: Session, review: ReviewContext, stage: Stage) -> int | None:
        """The stage's last decision id when its random-sampling phase began (None: not yet),
        as the last background run (or a read at most a minute ago) found it in the audit trail."""
        key = (review.id, stage.name)
        with self._lock:
            cached = self._sampling.get(key)
        if cached is not None and time.monotonic() - cached[0] < SAMPLING_TTL:
            return cached[1]
        found = sampling_started(session, review, stage)
        with self._lock:
            self._sampling[key] = (time.monotonic(), found)
        return found

    def forget_sampling(self, review: ReviewContext, stage: Stage) -> None:
        with self._lock:
            self._sampling.pop((review.id, stage.name), None)

    # -- seeded random order

    def shuffled(self, session: Session, review: ReviewContext, stage: Stage) -> Ranking:
        """Every record in a random order seeded by the review and stage (the same each time)."""
        ids = list(
            session.scalars(select(StoredRecord.id).where(StoredRecord.review_id == review.id))
        )
        key = (review.id, stage.name, len(ids))
        with self._lock:
            cached = self._shuffled.get(key)
        if cached is not None:
            return cached
        seed = int(hashlib.sha256(f"{review.slug}/{stage.name}".encode()).hexdigest()[:8], 16)
        order = np.asarray(sorted(ids), dtype=np.int64)[
            np.random.default_rng(seed).permutation(len(ids))
        ]
        made = Ranking(None, f"random-{seed}", RecordOrder(order), 0, 0, 0.0, datetime.now(UTC))
        with self._lock:
            self._shuffled = {k: v for k, v in self._shuffled.items() if k[:2] != key[:2]}
            self._shuffled[key] = made
        return made


_TRAINERS: weakref.WeakKeyDictionary[Store, Trainer] = weakref.WeakKeyDictionary()
_TRAINERS_LOCK = threading.Lock()


def trainer(store: Store) -> Trainer:
    """This process's trainer for ``store`` (made on first use, gone with the store)."""
    with _TRAINERS_LOCK:
        found = _TRAINERS.get(store)
        if found is None:
            found = _TRAINERS[store] = Trainer(store)
        return found


def viewer_key(stage: Stage, reviewer: str) -> str | None:
    """Whose ranking a reviewer gets: their own at a blind stage, the shared one otherwise."""
    return reviewer if stage.blind else None


# ------------------------------------------------------------------ what the screening asks


def decision_made(store: Store, review: ReviewContext, stage: Stage, reviewer: str) -> None:
    """After a decision or resolution: retrain in the background every ranking it may change."""
    work = trainer(store)
    if stage.order != "ranked" and "ranked" not in stage.reviewer_order.values():
        work.schedule(review, stage, ())  # no ranking: only the sampling phase is read afresh
        return
    work.schedule(review, stage, {viewer_key(stage, reviewer), *work.viewers(review, stage)})


def order_for(
    store: Store, session: Session, review: ReviewContext, stage: Stage, reviewer: str
) -> Ranking | None:
    """The order ``reviewer`` gets next at the stage: a ranking, a seeded shuffle, or None for
    the order records were imported in (also while no model has both an include and an
    exclude to learn from). Never trains in the caller's thread."""
    work = trainer(store)
    chosen = stage.order_for(reviewer)
    if chosen == "random" or work.sampling_from(session, review, stage) is not None:
        return work.shuffled(session, review, stage)  # the sampling phase is random for all
    if chosen == "imported":
        return None
    viewer = viewer_key(stage, reviewer)
    latest = work.latest((review.id, stage.name, viewer))
    if latest is None:
        work.schedule(review, stage, [viewer])
        return None
    return latest if latest.order is not None else None


def first_open(
    ranking: Ranking,
    reviewer: str,
    after: int | None,
    open_among: Callable[[Sequence[int]], Iterable[int]],
) -> int | None:
    """The best-placed record after ``after`` (in the ranking's order) that ``open_among``
    says is still open to the reviewer, querying a chunk of ids at a time.

    Records only ever close, so the reviewer's cursor skips the chunks at the head of the
    order that had nothing to offer; the chunk holding the last record offered is asked again.
    Whatever the walk misses, the caller's as-imported query still finds."""
    order = ranking.order
    if order is None:
        return None
    cursor = ranking.cursors.get(reviewer, 0)
    start = cursor if after is None else max(cursor, order.place(after, len(order)) + 1)
    for begin in range(start, len(order), CHUNK):
        chunk = order.chunk(begin, CHUNK)
        found = set(open_among(chunk))
        if not found:
            if after is None:
                ranking.cursors[reviewer] = begin + len(chunk)
            continue
        if after is None:  # only whole chunks with nothing to offer are skipped next time
            ranking.cursors[reviewer] = begin
        return next(r for r in chunk if r in found)
    return None


def after_in_order(
    ranking: Ranking | None, record_ids: Iterable[int], after: int | None
) -> list[int]:
    """``record_ids`` in the ranking's order (ids it has not seen last, as imported), from the
    one after ``after`` on; with no ranking, imported order after ``after``'s id."""
    ids = list(record_ids)
    if ranking is None or ranking.order is None:
        return [r for r in ids if after is None or r > after]
    last = len(ranking.order)
    placed = sorted(zip(ranking.order.places(ids, last), ids, strict=True))
    if after is None or after not in ranking.order:
        return [r for _, r in placed]
    start = ranking.order.place(after, last)
    return [r for place, r in placed if place > start]


def train_now(store: Store, review: ReviewContext, stage: Stage, viewer: str | None) -> Ranking:
    """Train in the caller's thread on the decisions as they are now (the CLI's way)."""
    made = trainer(store).compute(review, stage, viewer)
    assert made is not None  # the caller holds the store
    return made
