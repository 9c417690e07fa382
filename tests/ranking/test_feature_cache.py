"""Ranking features kept in the review folder: a new process (a restarted server, the next
``sysreview screen``) ranks from them instead of rebuilding, gets the very same order, and a
changed, damaged or unwritable cache costs a rebuild, never a ranking."""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sqlalchemy import update

from sysreview.ranking import DEFAULT_PRESET, build_model
from sysreview.ranking.model import ActiveLearningModel
from sysreview.services import ranking, screening
from sysreview.services.reviews import open_review, open_store
from sysreview.store.feature_cache import FOLDER, FeatureCache, feature_key
from sysreview.store.models import StoredRecord
from tests.ranking.screening_review import OWNER, TA, A, RankedReview, build


def _teach(rr: RankedReview) -> list[int]:
    """One include and one exclude, and the order the trainer of this process made from them."""
    screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
    screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
    assert ranking.trainer(rr.store).wait()
    made = ranking.trainer(rr.store).latest((rr.review.id, TA, None))
    assert made is not None and made.order is not None
    return list(made.order)


def _order_in_a_new_process(rr: RankedReview, db_url: str | None) -> list[int]:
    """What a freshly started process (its own store and trainer) ranks, on the same decisions."""
    store = open_store(rr.review.folder, db_url)
    try:
        review = open_review(store, rr.review.folder, actor=OWNER)
        made = ranking.trainer(store).compute(review, review.protocol.stages[0], None)
        assert made is not None and made.order is not None
        return list(made.order)
    finally:
        store.dispose()


def _cached_files(rr: RankedReview) -> list[Path]:
    return sorted((rr.review.folder / FOLDER).glob("*.npz"))


def _no_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ActiveLearningModel, texts: object) -> None:
        raise AssertionError("the features were rebuilt although the cache holds them")

    monkeypatch.setattr(ActiveLearningModel, "features", refuse)


def test_a_new_process_ranks_from_the_cached_features_in_the_same_order(
    rr: RankedReview, db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _teach(rr)
    (cached,) = _cached_files(rr)
    assert cached.name.startswith(f"{DEFAULT_PRESET}-")
    _no_rebuilds(monkeypatch)
    assert _order_in_a_new_process(rr, db_url) == first
    assert (rr.review.folder / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_an_edited_record_misses_the_cache_and_its_old_file_goes(
    rr: RankedReview, db_url: str | None
) -> None:
    _teach(rr)
    (before,) = _cached_files(rr)
    with rr.store.write() as session:
        session.execute(
            update(StoredRecord)
            .where(StoredRecord.id == rr.off_topic[3])
            .values(title="Emicizumab prophylaxis and schema therapy")
        )
    _order_in_a_new_process(rr, db_url)
    (after,) = _cached_files(rr)
    assert after != before


def test_a_damaged_cache_file_is_rebuilt_with_a_warning_naming_it(
    rr: RankedReview, db_url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    first = _teach(rr)
    (cached,) = _cached_files(rr)
    cached.write_bytes(cached.read_bytes()[:100])  # a crash of the disk, not of sysreview
    with caplog.at_level(logging.WARNING, logger="sysreview.store.feature_cache"):
        assert _order_in_a_new_process(rr, db_url) == first
    assert str(cached) in caplog.text and "cannot be read" in caplog.text
    rewritten = FeatureCache(rr.review.folder).get(DEFAULT_PRESET, cached.stem.split("-")[-1], 16)
    assert rewritten is not None and rewritten.shape[0] == 16


def test_a_folder_that_cannot_hold_the_cache_costs_only_the_cache(
    tmp_path: Path, db_url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    rr = build(tmp_path / "ranked", db_url)
    try:
        (rr.review.folder / "cache").write_text("a file where the cache folder would go")
        with caplog.at_level(logging.WARNING, logger="sysreview.store.feature_cache"):
            order = _teach(rr)
        assert set(order) == set(rr.ids)
        assert "could not keep the ranking features" in caplog.text
    finally:
        ranking.trainer(rr.store).wait()
        rr.store.dispose()


# ------------------------------------------------------------------- the cache on its own

TEXTS = [("Emicizumab in haemophilia", "Bleeding rates."), ("Statins", "")]


def _matrix() -> sp.csr_matrix:
    model = build_model(DEFAULT_PRESET, 0)
    return model.features(TEXTS)


def test_a_stored_matrix_comes_back_bit_for_bit(tmp_path: Path) -> None:
    cache, matrix = FeatureCache(tmp_path), _matrix()
    key = feature_key(DEFAULT_PRESET, build_model(DEFAULT_PRESET).feature_extractor, [1, 2], TEXTS)
    cache.put(DEFAULT_PRESET, key, matrix)
    back = cache.get(DEFAULT_PRESET, key, rows=2)
    assert back is not None
    assert back.shape == matrix.shape
    assert np.array_equal(back.indptr, matrix.indptr)
    assert np.array_equal(back.indices, matrix.indices)
    assert back.data.tobytes() == matrix.data.tobytes()


def test_the_key_changes_with_every_input_it_depends_on() -> None:
    extractor = build_model(DEFAULT_PRESET).feature_extractor
    key = feature_key(DEFAULT_PRESET, extractor, [1, 2], TEXTS)
    assert key == feature_key(
        DEFAULT_PRESET, build_model(DEFAULT_PRESET).feature_extractor, [1, 2], list(TEXTS)
    )
    moved = [("Emicizumab in haemophili", "aBleeding rates."), TEXTS[1]]
    changed = [
        feature_key(DEFAULT_PRESET, extractor, [1, 3], TEXTS),
        feature_key(DEFAULT_PRESET, extractor, [1, 2], moved),
        feature_key(DEFAULT_PRESET, extractor, [1, 2], TEXTS[::-1]),
        feature_key("tfidf_svm", extractor, [1, 2], TEXTS),
        feature_key(DEFAULT_PRESET, extractor.set_params(components=64), [1, 2], TEXTS),
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_a_file_of_another_key_or_size_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache, matrix = FeatureCache(tmp_path), _matrix()
    cache.put(DEFAULT_PRESET, "a" * 64, matrix)
    assert cache.get(DEFAULT_PRESET, "a" * 64, rows=3) is None  # the review has 3 records now
    cache.path(DEFAULT_PRESET, "a" * 64).rename(cache.path(DEFAULT_PRESET, "b" * 64))
    with caplog.at_level(logging.WARNING, logger="sysreview.store.feature_cache"):
        assert cache.get(DEFAULT_PRESET, "b" * 64, rows=2) is None
    assert "another key" in caplog.text


def test_writing_a_new_key_removes_only_that_models_older_file(tmp_path: Path) -> None:
    cache, matrix = FeatureCache(tmp_path), _matrix()
    cache.put(DEFAULT_PRESET, "a" * 64, matrix)
    cache.put("tfidf_svm", "a" * 64, matrix)
    cache.put(DEFAULT_PRESET, "b" * 64, matrix)
    names = sorted(p.name for p in cache.folder.iterdir())
    assert names == sorted([f"{DEFAULT_PRESET}-{'b' * 64}.npz", f"tfidf_svm-{'a' * 64}.npz"])


def test_writing_with_the_models_in_use_removes_the_files_of_the_others(tmp_path: Path) -> None:
    cache, matrix = FeatureCache(tmp_path), _matrix()
    for model in ("words_char_components_svm", "tfidf_svm", "elas_u4"):
        cache.put(model, "a" * 64, matrix)
    (cache.folder / "notes.npz").write_bytes(b"not ours")
    cache.put(DEFAULT_PRESET, "b" * 64, matrix, in_use={DEFAULT_PRESET, "tfidf_svm"})
    names = sorted(p.name for p in cache.folder.iterdir())
    assert names == sorted(
        [f"{DEFAULT_PRESET}-{'b' * 64}.npz", f"tfidf_svm-{'a' * 64}.npz", "notes.npz"]
    )


def test_a_new_default_removes_the_old_defaults_file_when_no_stage_uses_it(
    rr: RankedReview,
) -> None:
    """After an upgrade that changes the default model, the review folder must not keep the old
    default's features (hundreds of megabytes at 100,000 records) for good."""
    cache = FeatureCache(rr.review.folder)
    cache.put("words_char_components_svm", "c" * 64, _matrix())
    assert rr.review.protocol.stages[0].model is None  # the stage ranks with the default
    _teach(rr)
    assert [p.name.split("-")[0] for p in _cached_files(rr)] == [DEFAULT_PRESET]


def test_another_process_computes_the_same_key() -> None:
    """The key must not depend on anything a process draws for itself (string hashing)."""
    code = (
        "from sysreview.ranking import DEFAULT_PRESET, build_model\n"
        "from sysreview.store.feature_cache import feature_key\n"
        f"texts = {TEXTS!r}\n"
        "extractor = build_model(DEFAULT_PRESET).feature_extractor\n"
        "print(feature_key(DEFAULT_PRESET, extractor, [1, 2], texts))\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    extractor = build_model(DEFAULT_PRESET).feature_extractor
    assert keys == {feature_key(DEFAULT_PRESET, extractor, [1, 2], TEXTS)}


def test_the_key_changes_with_the_code_that_builds_the_features(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between releases the version number stays; a change to the extractor's module must still
    miss the cache rather than return features the new code would not build."""
    source = tmp_path / "my_extractor.py"
    source.write_text("class Extractor:\n    def get_params(self):\n        return {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("my_extractor")
    before = feature_key("mine", module.Extractor(), [1, 2], TEXTS)
    source.write_text(source.read_text() + "# the features are built differently now\n")
    module = importlib.reload(module)
    assert feature_key("mine", module.Extractor(), [1, 2], TEXTS) != before
    monkeypatch.delitem(sys.modules, "my_extractor")
