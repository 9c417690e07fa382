"""Cold start of ranking: features rebuilt (the baseline) against read from the review folder.

A new process (a restarted server, each ``sysreview screen``) needs a review's feature matrix
before its first retrain. Without the cache it builds it from every record's text; with it, it
hashes the texts and reads the matrix back. Printed per size: the build, the key and the read in
seconds, the file's size, and that the matrix read is the one built, bit for bit. Records are
generated as in ``retrain_latency.py``.

    python benchmarks/cold_start.py                  # 10,000 and 100,000 records
    python benchmarks/cold_start.py --sizes 10000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from retrain_latency import generate

from sysreview.ranking import DEFAULT_PRESET, build_model
from sysreview.services.ranking import features_of
from sysreview.store.feature_cache import FeatureCache, feature_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    args = parser.parse_args()
    print("| records | rebuild s (no cache) | build + write s | key s | read s | MB | same |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        texts, _ = generate(n)
        ids = list(range(1, n + 1))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            rebuilt = build_model(args.preset, 0).features(texts)
            rebuild = time.perf_counter() - started
            started = time.perf_counter()
            features_of(folder, args.preset, ids, texts)  # a miss: build and keep
            first = time.perf_counter() - started
            started = time.perf_counter()
            key = feature_key(args.preset, build_model(args.preset).feature_extractor, ids, texts)
            keyed = time.perf_counter() - started
            cache = FeatureCache(folder)
            started = time.perf_counter()
            read = cache.get(args.preset, key, n)
            reading = time.perf_counter() - started
            assert read is not None, "the cache missed right after it was written"
            size = cache.path(args.preset, key).stat().st_size / 1e6
            same = (
                np.array_equal(read.indptr, rebuilt.indptr)
                and np.array_equal(read.indices, rebuilt.indices)
                and read.data.tobytes() == rebuilt.data.tobytes()
            )
        print(
            f"| {n:,} | {rebuild:.1f} | {first:.1f} | {keyed:.2f} | {reading:.2f} | {size:.0f} "
            f"| {'yes' if same else 'NO'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
