"""One battery over every registered preset and component: tiny data, records without an
abstract, priors of one class only, empty text; and scikit-learn's conventions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from sysreview.ranking import PRESETS, STOPPERS, rank
from sysreview.ranking.presets import (
    BALANCERS,
    CLASSIFIERS,
    FEATURE_EXTRACTORS,
    PRESUMED_IRRELEVANT,
    QUERIERS,
)

TINY = [("Emicizumab in haemophilia", "Bleeding fell."), ("Borderline therapy", "A trial.")] * 3
NO_ABSTRACTS = [(title, "") for title, _ in TINY]
EMPTY = [("", "")] * 6
LABEL_SETS = {
    "both classes": {0: True, 1: False},
    "only relevant": {0: True, 2: True},
    "only irrelevant": {1: False, 3: False},
    "none": {},
}
COMPONENTS = [
    cls
    for registry in (
        FEATURE_EXTRACTORS,
        BALANCERS,
        CLASSIFIERS,
        QUERIERS,
        PRESUMED_IRRELEVANT,
        STOPPERS,
    )
    for cls in registry.values()
]


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("records", [TINY, NO_ABSTRACTS, EMPTY], ids=["tiny", "titles", "empty"])
@pytest.mark.parametrize("labels", LABEL_SETS.values(), ids=LABEL_SETS.keys())
def test_every_preset_ranks_every_unlabelled_record_once(preset, records, labels) -> None:
    ranking = rank(records, labels, preset=preset, random_state=0)
    assert sorted(ranking) == sorted(set(range(len(records))) - set(labels))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_ranks_a_single_record(preset) -> None:
    assert rank([("Only one", "")], {}, preset=preset) == [0]


@pytest.mark.parametrize("name", sorted(FEATURE_EXTRACTORS))
@pytest.mark.parametrize("records", [TINY, NO_ABSTRACTS, EMPTY], ids=["tiny", "titles", "empty"])
def test_every_feature_extractor_gives_one_unit_or_zero_row_per_record(name, records) -> None:
    matrix = FEATURE_EXTRACTORS[name]().fit_transform(records)
    assert sp.issparse(matrix) and matrix.shape[0] == len(records)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    assert np.all((np.abs(norms - 1) < 1e-9) | (norms == 0))


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize("y", [[1, 0, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0]], ids=["two", "pos", "neg"])
def test_every_classifier_scores_every_row_whatever_the_classes(name, y) -> None:
    X = sp.csr_matrix(np.array([[1.0, 0], [0, 1.0], [0.7, 0.1], [0.1, 0.7], [0.5, 0.5]]))
    model = CLASSIFIERS[name]().fit(X[:4], np.array(y))
    scores = model.scores(X)
    assert scores.shape == (5,) and np.isfinite(scores).all()


@pytest.mark.parametrize("name", sorted(BALANCERS))
@pytest.mark.parametrize("y", [[1, 0, 0, 0], [1, 1], [0, 0, 0]])
def test_every_balancer_gives_one_positive_weight_per_label(name, y) -> None:
    weights = BALANCERS[name]().sample_weight(np.array(y))
    assert weights.shape == (len(y),) and (weights > 0).all()


@pytest.mark.parametrize("name", sorted(QUERIERS))
def test_every_querier_returns_a_permutation_and_honours_n(name) -> None:
    scores, priority = np.array([0.2, 0.9, 0.9, -1.0]), np.array([3, 1, 0, 2])
    querier = QUERIERS[name]()
    assert sorted(querier.order(scores, priority)) == [0, 1, 2, 3]
    assert len(querier.order(scores, priority, 2)) == 2


@pytest.mark.parametrize("name", sorted(STOPPERS))
@pytest.mark.parametrize("labels", [[], [0, 0, 0], [1, 1, 1]], ids=["empty", "none", "all"])
def test_every_stopper_gives_a_verdict_on_any_history(name, labels) -> None:
    rule = STOPPERS[name]()
    check = rule.check(labels, [], 10) if name == "hypergeometric" else rule.check(labels, 10)
    assert check.kind in ("statistical", "heuristic") and isinstance(check.stop, bool)


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_every_component_keeps_its_parameters_in_init(component) -> None:
    instance = component()
    assert clone(instance).get_params() == instance.get_params()
