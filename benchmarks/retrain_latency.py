"""Retrain latency of the ranking presets on generated reviews of 10,000 and 100,000 records.

A retrain is what happens after each decision: fit the classifier on the screened records and
rank every unscreened one (features are computed once per review and timed separately). The
records are generated: titles of 8-15 and abstracts of 100-200 words drawn from a Zipf
vocabulary of 20,000 words, one record in ten without an abstract, 3 % relevant with a topic
vocabulary of their own. Targets: <= 0.2 s at 10,000 records and <= 2 s at 100,000.

    python benchmarks/retrain_latency.py                 # 10,000 and 100,000, default + elas_u4
    python benchmarks/retrain_latency.py --sizes 10000 --presets tfidf_svm
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from sysreview.ranking import DEFAULT_PRESET, build_model

TARGETS = {10_000: 0.2, 100_000: 2.0}


def generate(n: int, seed: int = 0) -> tuple[list[tuple[str, str]], np.ndarray]:
    """``n`` records of made-up text and which of them are relevant."""
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(20_000)])
    topic = np.array([f"topic{i}" for i in range(200)])
    weights = 1 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    relevant = rng.random(n) < 0.03
    title_lengths = rng.integers(8, 16, n)
    abstract_lengths = np.where(rng.random(n) < 0.1, 0, rng.integers(100, 201, n))
    pool = rng.choice(words, size=int(title_lengths.sum() + abstract_lengths.sum()), p=weights)
    topical = rng.choice(topic, size=len(pool))
    texts, start = [], 0
    for i in range(n):
        end = start + title_lengths[i] + abstract_lengths[i]
        tokens = pool[start:end].copy()
        if relevant[i]:
            swap = rng.random(len(tokens)) < 0.2
            tokens[swap] = topical[start:end][swap]
        title, abstract = tokens[: title_lengths[i]], tokens[title_lengths[i] :]
        texts.append((" ".join(title), " ".join(abstract)))
        start = end
    return texts, relevant.astype(np.int64)


def features(preset: str, texts: list[tuple[str, str]]) -> tuple[Any, Any, float]:
    """A fresh model of ``preset``, its feature matrix and the seconds it took (once per review)."""
    model = build_model(preset, 0)
    started = time.perf_counter()
    X = model.features(texts)
    return model, X, time.perf_counter() - started


def measure(model: Any, X: Any, relevant: np.ndarray, labelled: int, repeats: int) -> float:
    """Median retrain seconds with ``labelled`` records screened (one in 30 relevant)."""
    rng = np.random.default_rng(1)
    positives = rng.choice(np.flatnonzero(relevant == 1), max(1, labelled // 30), replace=False)
    negatives = rng.choice(np.flatnonzero(relevant == 0), labelled - len(positives), replace=False)
    indices = np.concatenate([positives, negatives])
    screened = np.zeros(X.shape[0], dtype=bool)
    screened[indices] = True
    times = []
    for _ in range(repeats):
        tick = time.perf_counter()
        model.fit(X, indices, relevant[indices])
        ranking = model.next_records(X, screened)
        times.append(time.perf_counter() - tick)
        assert len(ranking) == X.shape[0] - labelled
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--presets", nargs="+", default=[DEFAULT_PRESET, "elas_u4"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| records | preset | labelled | features (s, once) | retrain (s, median) | target |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        texts, relevant = generate(size)
        for preset in args.presets:
            model, X, seconds = features(preset, texts)
            # 50 screened: the default still trains on presumed-irrelevant records there
            for labelled in sorted({50, 1_000, size // 10}):
                retrain = measure(model, X, relevant, labelled, args.repeats)
                target = TARGETS.get(size)
                verdict = "" if target is None else ("ok" if retrain <= target else "SLOW")
                print(
                    f"| {size:,} | {preset} | {labelled:,} | {seconds:.1f} | {retrain:.3f} | "
                    f"{'' if target is None else f'<= {target} s {verdict}'} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
