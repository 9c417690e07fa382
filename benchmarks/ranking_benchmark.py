"""Screening prioritisation: sysreview's default model against ASReview's ELAS u4, side by side.

On the labelled SYNERGY reviews in shared/data/synergy, for each seed, one included and one
excluded record are drawn as priors (``sysreview.ranking.draw_priors``, the same for both tools);
sysreview simulates with its default preset and ASReview 3.0.8 runs ``asreview simulate`` with
its default ``elas_u4`` from its own installed package (``--prior-idx`` with the same records,
``--seed`` the same seed). Both orders are scored by the same functions with the priors left
out. Time per retrain: sysreview times fit + score + pick per retrain; ASReview's is the mean gap
between consecutive label timestamps in its results (fit + score + pick + its bookkeeping).
ASReview stops at the last relevant record, so sysreview's ``retrain_ms`` averages the same
first retrains; ``retrain_all_ms`` is its mean over the whole review.

Stopping: over the same sysreview runs, where each rule stops, the recall reached there and the
work saved (the hypergeometric rule's random sampling phase is drawn with the run's seed).

``--cv`` instead chooses the SVM's C of the words-only model (``tfidf_svm``) by
leave-one-review-out cross-validation on seeds 100-104 (``--cv-seeds`` for others; all
disjoint from the reported 0-4): for each review, the C with the best mean WSS@95 on the other
three, then that C's WSS@95 on the held-out review. ``--cv --cv-presets A B ...`` makes the
same choice among whole presets (model families: features, classifier, ensembles), shipped ones
by name and candidates by preset file.

    python benchmarks/ranking_benchmark.py                     # 4 reviews x seeds 0-4
    python benchmarks/ranking_benchmark.py --seeds 0 1 --reviews Donners_2021 Oud_2018
    python benchmarks/ranking_benchmark.py --cv
    python benchmarks/ranking_benchmark.py --cv --cv-presets tfidf_svm words_chars_half_svm \
        words_char_components_svm benchmarks/candidates/components_256.yaml \
        benchmarks/candidates/components_full_weight.yaml
    python benchmarks/ranking_benchmark.py --cv --cv-seeds $(seq 100 119) --cv-presets \
        words_char_components_svm benchmarks/candidates/components_w04.yaml
    ASREVIEW=/path/to/venv/bin/asreview python benchmarks/ranking_benchmark.py
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sysreview.ranking import DEFAULT_PRESET, draw_priors, evaluate_stop, metrics, simulate
from sysreview.ranking.balancers import Balanced
from sysreview.ranking.classifiers import LinearSVM
from sysreview.ranking.estimate import from_discovery_curve
from sysreview.ranking.features import WordTfidf
from sysreview.ranking.model import ActiveLearningModel
from sysreview.ranking.queriers import MaxQuerier

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "synergy"
REVIEWS = ["Donners_2021", "Meijboom_2021", "Nelson_2002", "Oud_2018"]
CV_GRID = [0.11, 0.2, 0.3, 0.5, 1.0]
CV_SEEDS = [100, 101, 102, 103, 104]
Criterion = Callable[[str, list[str]], Any]
"""How a candidate fares on the reviews not held out; the largest is chosen."""


def load(review: str, data: Path) -> tuple[Path, list[tuple[str, str]], list[int]]:
    """Every row of the review's CSV (none skipped, so both tools see the same records)."""
    path = data / f"{review}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [(row["title"] or "", row["abstract"] or "") for row in rows]
    return path, texts, [int(float(row["label_included"])) for row in rows]


def run_asreview(
    command: str, path: Path, labels: list[int], priors: list[int], seed: int
) -> dict[str, float]:
    """One ``asreview simulate`` run, scored like ours."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "run.asreview"
        started = time.perf_counter()
        subprocess.run(
            [
                command,
                "simulate",
                str(path),
                "--prior-idx",
                *map(str, priors),
                "--seed",
                str(seed),
                "-o",
                str(project),
            ],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        wall = time.perf_counter() - started
        database = Path(tmp) / "results.db"
        database.write_bytes(zipfile.ZipFile(project).read("results.db"))
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "select record_id, training_set, time from results order by rowid"
            ).fetchall()
            to_row = dict(connection.execute("select record_id, dataset_row from record"))
    prior_rows = sorted(to_row[r[0]] for r in rows if r[1] is None)
    assert prior_rows == sorted(priors), (prior_rows, priors)
    ranked = [to_row[r[0]] for r in rows if r[1] is not None]
    stamps = [r[2] for r in rows if r[1] is not None]
    # ASReview stops at the last relevant record: every record it left is irrelevant.
    order = ranked + [0] * (len(labels) - len(priors) - len(ranked))
    screened = [labels[i] for i in ranked] + order[len(ranked) :]
    figures = metrics(screened)
    return {
        "wss95": figures.wss95,
        "recall10": figures.recall_at_10,
        "loss": figures.loss,
        "retrain_ms": 1000 * float(np.mean(np.diff(stamps))),
        "wall_s": wall,
        "cycles": float(len(ranked)),
    }


def run_ours(
    texts: list[tuple[str, str]],
    labels: list[int],
    priors: list[int],
    seed: int,
    preset: str,
    window: int,
) -> tuple[dict[str, float], dict[str, tuple[float, float]], list[int]]:
    """One sysreview simulation: figures, each stopping rule's (recall, work saved), labels.

    ``retrain_ms`` averages the first ``window`` retrains, the ones ASReview also ran (it stops
    at the last relevant record, and later retrains fit on more records); ``retrain_all_ms``
    averages all of them, to the end of the review.
    """
    result = simulate(texts, labels, priors, preset=preset, random_state=seed)
    screened = result.screened_labels
    figures = result.metrics()
    stops = {}
    for rule in ("hypergeometric", "knee", "consecutive"):
        outcome = evaluate_stop(rule, screened, seed)
        stops[rule] = (outcome.recall, outcome.work_saved)
    row = {
        "wss95": figures.wss95,
        "recall10": figures.recall_at_10,
        "loss": figures.loss,
        "retrain_ms": 1000 * float(np.mean(result.retrain_seconds[:window])),
        "retrain_all_ms": 1000 * result.mean_retrain_seconds,
        "wall_s": result.wall_seconds,
    }
    return row, stops, screened


def coverage(screened: list[int], fractions: tuple[float, ...] = (0.25, 0.5)) -> list[bool]:
    """Whether the remaining-relevant interval held the truth at each fraction screened."""
    n, hits = len(screened), []
    for fraction in fractions:
        cut = int(fraction * n)
        estimate = from_discovery_curve(screened[:cut], n)
        truth = sum(screened[cut:])
        hits.append(estimate.low <= truth <= estimate.high)
    return hits


def table(title: str, rows: dict[str, dict[str, list[float]]], columns: list[str]) -> None:
    """Print one markdown table of per-review means and the mean over reviews."""
    print(f"\n{title}\n")
    print("| review | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    means: dict[str, list[float]] = {c: [] for c in columns}
    for review, values in rows.items():
        cells = []
        for column in columns:
            value = statistics.mean(values[column])
            means[column].append(value)
            cells.append(f"{value:.4f}" if "ms" not in column else f"{value:.2f}")
        print(f"| {review} | " + " | ".join(cells) + " |")
    print(
        "| **mean** | "
        + " | ".join(
            f"{statistics.mean(v):.4f}" if "ms" not in c else f"{statistics.mean(v):.2f}"
            for c, v in means.items()
        )
        + " |"
    )


def compare(args: argparse.Namespace) -> None:
    """The side-by-side benchmark."""
    command = args.asreview or shutil.which("asreview")
    if command is None:
        sys.exit("asreview not found: install asreview==3.0.8 or set ASREVIEW=/path/to/asreview")
    keys = ["wss95", "recall10", "loss", "retrain_ms"]
    ours: dict[str, dict[str, list[float]]] = {}
    theirs: dict[str, dict[str, list[float]]] = {}
    stops: dict[str, list[tuple[float, float]]] = {}
    covered: list[bool] = []
    for review in args.reviews:
        path, texts, labels = load(review, args.data)
        ours[review] = {k: [] for k in keys}
        theirs[review] = {k: [] for k in keys}
        for seed in args.seeds:
            priors = draw_priors(labels, 1, 1, seed)
            other = run_asreview(command, path, labels, priors, seed)
            window = int(other["cycles"])
            row, stop, screened = run_ours(texts, labels, priors, seed, args.preset, window)
            covered.extend(coverage(screened))
            for k in keys:
                ours[review][k].append(row[k])
                theirs[review][k].append(other[k])
            ours[review].setdefault("retrain_all_ms", []).append(row["retrain_all_ms"])
            for rule, outcome in stop.items():
                stops.setdefault(rule, []).append(outcome)
            print(
                f"{review} seed {seed}: ours WSS@95 {row['wss95']:.4f} r10 {row['recall10']:.4f}"
                f" {row['retrain_ms']:.2f} ms | asreview WSS@95 {other['wss95']:.4f} r10 "
                f"{other['recall10']:.4f} {other['retrain_ms']:.2f} ms",
                flush=True,
            )
    table(f"sysreview `{args.preset}`", ours, [*keys, "retrain_all_ms"])
    table("ASReview 3.0.8 `elas_u4` (asreview simulate)", theirs, keys)
    diff = {
        r: {k: [a - b for a, b in zip(ours[r][k], theirs[r][k], strict=True)] for k in keys}
        for r in ours
    }
    table("difference (sysreview - ASReview)", diff, keys)
    print("\npaired difference over every run (review x seed), mean and 95 % t-interval\n")
    print("| figure | runs | mean | 95 % interval |")
    print("|---|---|---|---|")
    for key in keys:
        pairs = [d for review in diff.values() for d in review[key]]
        mean, low, high = paired_interval(pairs)
        print(f"| {key} | {len(pairs)} | {mean:+.4f} | [{low:+.4f}, {high:+.4f}] |")
    print("\nstopping rules over the sysreview runs\n")
    print("| rule | kind | runs with recall >= 0.95 | mean recall | mean work saved |")
    print("|---|---|---|---|---|")
    for rule, outcomes in stops.items():
        kind = "statistical" if rule == "hypergeometric" else "heuristic"
        reached = sum(recall >= 0.95 for recall, _ in outcomes)
        print(
            f"| {rule} | {kind} | {reached}/{len(outcomes)} | "
            f"{statistics.mean(r for r, _ in outcomes):.4f} | "
            f"{statistics.mean(w for _, w in outcomes):.4f} |"
        )
    print(
        f"\nremaining-relevant interval (discovery curve, 95 %) held the truth in "
        f"{sum(covered)}/{len(covered)} checks (at 25 % and 50 % screened)"
    )


def paired_interval(differences: list[float]) -> tuple[float, float, float]:
    """Mean of paired differences and its 95 % t-interval: whether a gap between the two tools
    is larger than what the seeds alone move (an interval holding 0 cannot tell them apart)."""
    from scipy.stats import t

    values = np.asarray(differences, dtype=np.float64)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = float(t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def svm_with(C: float) -> Callable[[int], ActiveLearningModel]:
    """The words-only ``tfidf_svm`` model with another C (for cross-validation only)."""

    def build(seed: int) -> ActiveLearningModel:
        return ActiveLearningModel(
            WordTfidf(), Balanced(9.8), LinearSVM(C=C, random_state=seed), MaxQuerier(), seed
        )

    return build


def register_candidate(name_or_file: str) -> str:
    """A shipped preset's name as it is; a preset file (``*.yaml``, e.g. under
    ``benchmarks/candidates/``) is read and registered for this run, and its name returned."""
    from sysreview.ranking import presets
    from sysreview.ranking.preset_files import load_preset_files

    if not name_or_file.endswith(".yaml"):
        return name_or_file
    (spec,) = load_preset_files([Path(name_or_file)])
    presets.PRESETS[spec.name] = presets.Preset(spec.name, spec.label, spec.description, spec.build)
    return spec.name


def cross_validate(args: argparse.Namespace) -> None:
    """Leave-one-review-out choice among candidate models: the SVM's C over ``CV_GRID`` (the
    words-only ``tfidf_svm`` model otherwise unchanged) or, with ``--cv-presets``, whole
    presets. Three choice rules are printed, each applied to the other three reviews: mean
    WSS@95 alone; mean WSS@95 plus recall@10 % (the two figures weighed equally); and the
    issue's goals against ELAS u4 (mean WSS@95 at least 0.03 above it, then the smallest
    shortfall in recall@10 % on any review). Each row gives the held-out review's figures with
    the ELAS u4 figures beside them."""
    from sysreview.ranking import presets

    candidates: dict[str, str] = {}
    if args.cv_presets:
        candidates = {name: name for name in map(register_candidate, args.cv_presets)}
    else:
        for C in CV_GRID:
            name = f"_cv_C={C}"
            presets.PRESETS[name] = presets.Preset(name, name, name, svm_with(C))
            candidates[f"C={C}"] = name
    baseline = "elas_u4"
    scores: dict[tuple[str, str], tuple[float, float]] = {}
    for review in args.reviews:
        _, texts, labels = load(review, args.data)
        for label, preset in {**candidates, baseline: baseline}.items():
            if (review, label) in scores:
                continue
            runs = []
            for seed in args.cv_seeds:
                priors = draw_priors(labels, 1, 1, seed)
                figures = simulate(
                    texts, labels, priors, preset, seed, until_all_found=True
                ).metrics()
                runs.append((figures.wss95, figures.recall_at_10))
            scores[(review, label)] = (
                statistics.mean(w for w, _ in runs),
                statistics.mean(r for _, r in runs),
            )
            print(
                f"{review} {label}: WSS@95 {scores[(review, label)][0]:.4f}"
                f" recall@10 {scores[(review, label)][1]:.4f}",
                flush=True,
            )

    def mean_of(figure: Callable[[tuple[float, float]], float]) -> Criterion:
        return lambda c, others: statistics.mean(figure(scores[(r, c)]) for r in others)

    def the_goals(candidate: str, others: list[str]) -> tuple[bool, float]:
        """The issue's goals against the baseline: mean WSS@95 at least 0.03 above it first,
        then the smallest shortfall in recall@10 % on any one review."""
        ahead = statistics.mean(
            scores[(r, candidate)][0] - scores[(r, baseline)][0] for r in others
        )
        worst = min(scores[(r, candidate)][1] - scores[(r, baseline)][1] for r in others)
        return ahead >= 0.03, worst

    criteria: dict[str, Criterion] = {
        "WSS@95": mean_of(lambda s: s[0]),
        "WSS@95 + recall@10": mean_of(lambda s: s[0] + s[1]),
        "the goals against elas_u4": the_goals,
    }
    for name, criterion in criteria.items():
        print(f"\nchosen by {name} on the other three reviews\n")
        print("| held out | chosen | held-out WSS@95 | recall@10 | elas_u4: WSS@95 | recall@10 |")
        print("|---|---|---|---|---|---|")
        held_out = []
        for held in args.reviews:
            others = [r for r in args.reviews if r != held]
            best = max(candidates, key=lambda c: criterion(c, others))
            (wss, r10), (base_wss, base_r10) = scores[(held, best)], scores[(held, baseline)]
            held_out.append((wss, r10, base_wss, base_r10))
            print(f"| {held} | {best} | {wss:.4f} | {r10:.4f} | {base_wss:.4f} | {base_r10:.4f} |")
        means = [statistics.mean(column) for column in zip(*held_out, strict=True)]
        print("| **mean** | | " + " | ".join(f"{m:.4f}" for m in means) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--reviews", nargs="+", default=REVIEWS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--asreview", default=os.environ.get("ASREVIEW"))
    parser.add_argument("--cv", action="store_true", help="choose C by leave-one-review-out")
    parser.add_argument(
        "--cv-presets", nargs="+", help="with --cv: choose among these presets instead of C"
    )
    parser.add_argument(
        "--cv-seeds", nargs="+", type=int, default=CV_SEEDS, help="with --cv: the seeds to use"
    )
    args = parser.parse_args()
    if args.cv:
        cross_validate(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
