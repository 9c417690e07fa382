"""Presumed-irrelevant records: which records a retrain presumes irrelevant, when it stops,
that the draw is reproducible from the decisions, and what it changes in a model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from sysreview.ranking import build_model, rank
from sysreview.ranking.model import ActiveLearningModel
from sysreview.ranking.preset_files import PresetError, load_preset_file
from sysreview.ranking.presumed import FarFromRelevant, NoPresumedIrrelevant

PRESUMING = "words_char_components_presumed_svm"

# Ten records on two axes: rows 0-4 lie along the relevant direction (row 0 most), rows 5-9
# along the other one. Cosine similarity to the relevant centroid falls from row 0 to row 9.
X = sp.csr_matrix(
    np.array([[1.0 - i / 10, i / 10] for i in range(10)])
    / np.linalg.norm([[1.0 - i / 10, i / 10] for i in range(10)], axis=1, keepdims=True)
)


def test_presumed_records_come_from_the_unscreened_half_least_like_the_relevant() -> None:
    labelled, y = np.array([0, 9]), np.array([1, 0])
    drawn = FarFromRelevant(count=3, pool=0.5).draw(X, labelled, y, random_state=0)
    assert len(drawn) == 3 and len(set(drawn.tolist())) == 3
    # eight unscreened records (1-8); the half least like record 0 is 5-8
    assert set(drawn.tolist()) <= {5, 6, 7, 8}


def test_the_pool_never_shrinks_below_the_count_and_never_holds_a_screened_record() -> None:
    labelled, y = np.array([0, 1, 9]), np.array([1, 1, 0])
    drawn = FarFromRelevant(count=7, pool=0.1).draw(X, labelled, y, random_state=4)
    assert sorted(drawn.tolist()) == [2, 3, 4, 5, 6, 7, 8]


def test_the_draw_depends_only_on_the_decisions_and_the_seed() -> None:
    big = sp.random(400, 30, density=0.2, format="csr", random_state=1)
    labelled, y = np.array([3, 7, 11]), np.array([1, 0, 0])
    source = FarFromRelevant(count=30)
    first = source.draw(big, labelled, y, random_state=5)
    assert np.array_equal(first, FarFromRelevant(count=30).draw(big, labelled, y, 5))
    assert not np.array_equal(first, source.draw(big, labelled, y, 6))
    one_more = source.draw(big, np.array([3, 7, 11, 12]), np.array([1, 0, 0, 0]), 5)
    assert not np.array_equal(first, one_more)  # each retrain draws afresh


@pytest.mark.parametrize(
    ("labelled", "y", "why"),
    [
        (np.array([8, 9]), np.array([0, 0]), "no relevant record yet"),
        (np.arange(4), np.array([1, 0, 0, 0]), "until_labelled reached"),
        (np.array([], dtype=np.int64), np.array([], dtype=np.int64), "no decisions"),
        (np.arange(10), np.array([1] + [0] * 9), "nothing unscreened"),
    ],
)
def test_nothing_is_presumed_when_it_cannot_help(labelled, y, why) -> None:
    source = FarFromRelevant(count=3, until_labelled=4)
    assert len(source.draw(X, labelled, y, random_state=0)) == 0, why
    assert len(NoPresumedIrrelevant().draw(X, np.array([0, 9]), np.array([1, 0]), 0)) == 0


def test_a_model_trains_on_its_presumed_records_as_irrelevant() -> None:
    """With only relevant decisions no classifier can be trained on the decisions alone; the
    presumed records give it the other class, and they rank below the relevant side."""
    seen: dict[str, np.ndarray] = {}

    class Recording:
        def fit(self, X_, y_, sample_weight=None):
            seen["rows"], seen["y"] = X_.toarray(), np.asarray(y_)
            return self

    model = ActiveLearningModel(
        None, build_model(PRESUMING).balancer, Recording(), None, 0, FarFromRelevant(3)
    )
    model.fit(X, np.array([0, 1]), np.array([1, 1]))
    assert seen["y"].tolist() == [1, 1, 0, 0, 0]
    presumed_rows = seen["rows"][2:]
    assert (presumed_rows[:, 1] > presumed_rows[:, 0]).all()  # from the far side


def test_the_presuming_preset_ranks_otherwise_than_the_same_model_without() -> None:
    assert isinstance(build_model(PRESUMING).presumed_irrelevant, FarFromRelevant)
    records = [(f"Emicizumab trial {i}", "haemophilia bleeding prophylaxis") for i in range(4)] + [
        (f"Survey {i} of residents", f"burnout topic {i} mentoring") for i in range(36)
    ]
    labels = {0: True, 4: False}
    with_presumed = rank(records, labels, preset=PRESUMING, random_state=2)
    without = rank(records, labels, preset="words_char_components_svm", random_state=2)
    assert set(with_presumed[:3]) == set(without[:3]) == {1, 2, 3}
    assert with_presumed != without  # the presumed records moved the rest


def test_a_preset_file_may_name_presumed_records_and_leaving_them_out_means_none(
    tmp_path: Path,
) -> None:
    base = (
        "name: mine\nlabel: Mine\ndescription: Words.\nfeature_extractor: {type: tfidf}\n"
        "balancer: {type: balanced}\nclassifier: {type: svm}\nquerier: {type: max}\n"
    )
    path = tmp_path / "mine.yaml"
    path.write_text(base, encoding="utf-8")
    assert isinstance(load_preset_file(path).build(0).presumed_irrelevant, NoPresumedIrrelevant)
    path.write_text(
        base + "presumed_irrelevant: {type: far_from_relevant, count: 12, until_labelled: 40}\n",
        encoding="utf-8",
    )
    presumed = load_preset_file(path).build(0).presumed_irrelevant
    assert (presumed.count, presumed.pool, presumed.until_labelled) == (12, 0.5, 40)
    path.write_text(base + "presumed_irrelevant: {type: everything}\n", encoding="utf-8")
    with pytest.raises(PresetError, match="unknown presumed_irrelevant type") as raised:
        load_preset_file(path)
    assert raised.value.line == 8
