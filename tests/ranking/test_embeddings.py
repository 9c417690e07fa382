"""The optional sentence-embeddings extractor: without the extra its preset is listed as
unavailable with the command that installs it; with it, the model shipped in the package
encodes records offline and a preset using it ranks the obviously relevant record first."""

from __future__ import annotations

import os

import numpy as np
import pytest

from sysreview.errors import InvalidInput
from sysreview.ranking import PRESETS, embeddings, rank
from sysreview.ranking.presets import UNAVAILABLE, get_preset

RECORDS = [
    ("Emicizumab prophylaxis in haemophilia A", "Fewer treated bleeds with emicizumab."),
    ("Schema therapy for personality disorder", "A trial of psychotherapy."),
    ("Bleeding in haemophilia A patients on emicizumab", ""),
    ("Statins and muscle pain", "Myalgia in people taking statins."),
    ("Haemophilia A prophylaxis with a bispecific antibody", "Bleeding rates fell."),
    ("School meals and exam results", ""),
]


@pytest.mark.skipif(embeddings.available(), reason="the embeddings extra is installed here")
def test_without_the_extra_its_preset_says_what_to_install() -> None:
    assert "minilm_svm" not in PRESETS and UNAVAILABLE["minilm_svm"] == "embeddings"
    with pytest.raises(InvalidInput, match=r"pip install 'sysreview\[embeddings\]'"):
        get_preset("minilm_svm")


@pytest.mark.skipif(not embeddings.available(), reason="needs pip install sysreview[embeddings]")
def test_the_shipped_model_encodes_offline_and_ranks_by_meaning() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    extractor = embeddings.SentenceEmbeddings()
    matrix = extractor.fit_transform(RECORDS).toarray()
    assert matrix.shape == (6, 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0)
    assert extractor.device_ in ("cpu", "cuda")
    assert "minilm_svm" in PRESETS
    order = rank(RECORDS, {0: True, 1: False}, preset="minilm_svm", random_state=0)
    assert set(order[:2]) == {2, 4}  # the two haemophilia records, one without the drug's name
