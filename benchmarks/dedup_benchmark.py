"""De-duplication: accuracy against labelled sets and a peer, and speed at 10k and 100k records.

Accuracy, on two labelled sets, in one run:
  * ``digital_work.csv`` (Wagner et al. 2021, groups curated by the bib-dedupe project), and
  * a synthetic set made by exporting real-shaped works through the habits of six databases
    (``dedup_corrupt.py``), traps included;
for sysreview's automatic merges, sysreview's automatic merges plus every suggestion accepted,
and ``bib-dedupe`` (CoLRev) given the same fields. Figures are pairwise over all record pairs:
sensitivity (recall), precision, specificity, wrong pairs, and studies lost (distinct true works
swallowed by another work's group: each is a study that would vanish from a review).

Speed: records/s and peak resident memory of a fresh process de-duplicating 10,000 and
100,000 synthetic records.

Run: ``.venv/bin/python benchmarks/dedup_benchmark.py [--data PATH] [--works N] [--sizes ...]``
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from dedup_corrupt import make_labelled_set  # noqa: E402

from sysreview.dedup import Deduplicator, DedupResult  # noqa: E402
from sysreview.records import Record  # noqa: E402

DIGITAL_WORK = Path("/work/shared/data/dedup/digital_work.csv")
Pair = tuple[str, str]


@dataclass
class Labelled:
    """A labelled set: records by id, and each record's true work."""

    name: str
    records: dict[str, Record]
    truth: dict[str, str]


@dataclass
class Scores:
    """Pairwise accuracy of one method on one labelled set."""

    sensitivity: float
    precision: float
    specificity: float
    wrong_pairs: int
    studies_lost: int
    seconds: float


def load_digital_work(path: Path) -> Labelled:
    """The bib-dedupe project's curated export (BibTeX-style "A and B" author lists)."""
    records, truth = {}, {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            year = row["year"].strip()
            records[row["record_id"]] = Record(
                title=row["title"],
                authors=[a.strip() for a in row["authors"].split(" and ") if a.strip()],
                year=int(year) if year.isdigit() else None,
                journal=row["journal"],
                volume=row["volume"],
                issue=row["issue"],
                pages=row["pages"],
                doi=row["doi"],
                abstract=row["abstract"],
            )
            truth[row["record_id"]] = row["duplicate_group_id"]
    return Labelled(path.name, records, truth)


def synthetic(works: int, seed: int) -> Labelled:
    items = make_labelled_set(works, seed=seed)
    return Labelled(
        f"synthetic ({works} works, seed {seed})",
        {i.record_id: i.record for i in items},
        {i.record_id: i.work_id for i in items},
    )


def pairs_within(groups: Iterable[Sequence[str]]) -> set[Pair]:
    return {p for g in groups for p in itertools.combinations(sorted(g), 2)}


def components(groups: list[list[str]], extra: set[Pair]) -> list[list[str]]:
    """Groups joined by the extra pairs: what accepting every suggestion would merge."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in groups:
        for member in group[1:]:
            parent[root(member)] = root(group[0])
    for a, b in extra:
        parent[root(a)] = root(b)
    joined: dict[str, list[str]] = defaultdict(list)
    for member in parent:
        joined[root(member)].append(member)
    return list(joined.values())


def score(data: Labelled, groups: list[list[str]], extra: set[Pair], seconds: float) -> Scores:
    """Pairwise scores of predicted ``groups`` (plus ``extra`` pairs) against the truth."""
    works: dict[str, list[str]] = defaultdict(list)
    for record_id, work in data.truth.items():
        works[work].append(record_id)
    truth = pairs_within(works.values())
    predicted = pairs_within(groups) | extra
    tp = len(truth & predicted)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    n = len(data.records)
    tn = n * (n - 1) // 2 - tp - fp - fn
    lost = sum(len({data.truth[m] for m in g}) - 1 for g in components(groups, extra))
    return Scores(
        sensitivity=tp / len(truth) if truth else 1.0,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        specificity=tn / (tn + fp) if tn + fp else 1.0,
        wrong_pairs=fp,
        studies_lost=lost,
        seconds=seconds,
    )


def run_sysreview(data: Labelled) -> tuple[Scores, Scores]:
    """(automatic merges, automatic merges with every suggestion accepted)."""
    started = time.perf_counter()
    result: DedupResult[str] = Deduplicator().find(data.records)
    seconds = time.perf_counter() - started
    groups = [list(g.members) for g in result.groups]
    auto = score(data, groups, set(), seconds)
    group_of = {m: g for g in groups for m in g}
    accepted: set[Pair] = set()
    for pair in result.suggested:
        left, right = group_of.get(pair.a, [pair.a]), group_of.get(pair.b, [pair.b])
        accepted |= {tuple(sorted((x, y))) for x in left for y in right}  # type: ignore[misc]
    return auto, score(data, groups, accepted, seconds)


def run_bib_dedupe(data: Labelled) -> tuple[Scores, Scores] | str:
    """bib-dedupe's automatic merges and its merges plus "maybe" pairs, or why it failed."""
    try:
        import pandas as pd
        from bib_dedupe import bib_dedupe as bd
    except ImportError as error:
        return f"bib-dedupe not installed ({error}); pip install bib-dedupe"
    rows = [
        {
            "ID": key,
            "ENTRYTYPE": "article",
            "title": r.title,
            "author": " and ".join(r.authors),
            "year": str(r.year or ""),
            "journal": r.journal,
            "volume": r.volume,
            "number": r.issue,
            "pages": r.pages,
            "doi": r.doi,
            "abstract": r.abstract,
        }
        for key, r in data.records.items()
    ]
    try:
        started = time.perf_counter()
        prepared = bd.prep(pd.DataFrame(rows), verbosity_level=0)
        matched = bd.match(bd.block(prepared, verbosity_level=0), verbosity_level=0)
        groups = [list(map(str, g)) for g in bd.cluster(matched, verbosity_level=0)]
        seconds = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001 - report any failure of the peer, keep going
        return f"bib-dedupe failed: {type(error).__name__}: {error}"
    maybe = matched[matched["duplicate_label"] == "maybe"]
    extra = {
        tuple(sorted((str(a), str(b)))) for a, b in zip(maybe["ID_1"], maybe["ID_2"], strict=True)
    }
    return score(data, groups, set(), seconds), score(data, groups, extra, seconds)  # type: ignore[arg-type]


def accuracy_table(datasets: list[Labelled], with_peer: bool) -> None:
    header = (
        f"{'data set':38} {'method':30} {'sens':>7} {'prec':>7} {'spec':>9} "
        f"{'wrong pairs':>11} {'studies lost':>12} {'seconds':>8}"
    )
    print(header)
    print("-" * len(header))
    for data in datasets:
        n_pairs = len(pairs_within(_groups(data.truth)))
        label = f"{data.name} ({len(data.records)} rec, {n_pairs} dup pairs)"
        auto, suggested = run_sysreview(data)
        rows: list[tuple[str, Scores | str]] = [
            ("sysreview auto", auto),
            ("sysreview auto+suggested", suggested),
        ]
        if with_peer:
            peer = run_bib_dedupe(data)
            if isinstance(peer, str):
                rows.append(("bib-dedupe", peer))
            else:
                rows += [("bib-dedupe auto", peer[0]), ("bib-dedupe auto+maybe", peer[1])]
        for method, s in rows:
            if isinstance(s, str):
                print(f"{label[:38]:38} {method:30} {s}")
            else:
                print(
                    f"{label[:38]:38} {method:30} {s.sensitivity:7.4f} {s.precision:7.4f} "
                    f"{s.specificity:9.6f} {s.wrong_pairs:11d} {s.studies_lost:12d} "
                    f"{s.seconds:8.1f}"
                )
            label = ""
        print()


def _groups(truth: dict[str, str]) -> list[list[str]]:
    works: dict[str, list[str]] = defaultdict(list)
    for record_id, work in truth.items():
        works[work].append(record_id)
    return list(works.values())


def peak_rss_mb() -> float:
    """This process's peak resident memory; VmHWM, since ru_maxrss survives exec on Linux."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed_worker(size: int, seed: int) -> None:
    """Run in a fresh process: de-duplicate ``size`` synthetic records, print JSON figures."""
    items = make_labelled_set(int(size / 2.05) + 10, seed=seed)[:size]
    records = {i.record_id: i.record for i in items}
    before = peak_rss_mb()
    started = time.perf_counter()
    result = Deduplicator().find(records)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "records": len(records),
                "seconds": seconds,
                "groups": len(result.groups),
                "suggested": len(result.suggested),
                "compared": result.compared,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
            }
        )
    )


def speed_table(sizes: list[int], seed: int) -> None:
    print(
        f"{'records':>8} {'seconds':>8} {'records/s':>10} {'pairs compared':>15} "
        f"{'groups':>7} {'suggested':>9} {'peak RSS MB':>12} {'of which input MB':>17}"
    )
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--speed-worker", str(size), "--seed", str(seed)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        f = json.loads(out.strip().splitlines()[-1])
        print(
            f"{f['records']:8d} {f['seconds']:8.1f} {f['records'] / f['seconds']:10.0f} "
            f"{f['compared']:15d} {f['groups']:7d} {f['suggested']:9d} "
            f"{f['peak_rss_mb']:12.0f} {f['rss_before_mb']:17.0f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DIGITAL_WORK, help="digital_work.csv")
    parser.add_argument("--works", type=int, default=3000, help="works in the synthetic set")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--sizes", default="10000,100000", help="speed test sizes, comma-separated")
    parser.add_argument("--no-peer", action="store_true", help="skip bib-dedupe")
    parser.add_argument("--speed-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.speed_worker:
        speed_worker(args.speed_worker, args.seed)
        return
    datasets = []
    if args.data.exists():
        datasets.append(load_digital_work(args.data))
    else:
        print(f"(no {args.data}: the digital_work rows are left out)")
    datasets.append(synthetic(args.works, args.seed))
    print("== Accuracy (pairwise over all record pairs)\n")
    accuracy_table(datasets, with_peer=not args.no_peer)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        print("== Speed (synthetic records, fresh process each, 1 core)\n")
        speed_table(sizes, args.seed)


if __name__ == "__main__":
    main()
