"""Presets are data files: every shipped file loads and builds a working model, and a bad file
is refused with its name and the line of the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.ranking import PRESETS, rank
from sysreview.ranking.preset_files import (
    PresetError,
    load_preset_file,
    load_preset_files,
    shipped_preset_files,
)
from sysreview.ranking.presets import UNAVAILABLE

GOOD = """\
name: mine
label: My preset
description: Words and an SVM.
feature_extractor:
  type: tfidf
  ngram_range: [1, 2]
balancer:
  type: balanced
  ratio: 4
classifier:
  type: svm
  C: 0.3
querier:
  type: max
"""


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("file", shipped_preset_files(), ids=lambda f: f.name)
def test_every_shipped_preset_file_loads_and_ranks(file) -> None:
    spec = load_preset_file(file)
    assert spec.name == Path(file.name).stem
    if not spec.available:  # an optional extra is not installed: listed, with what to install
        assert UNAVAILABLE[spec.name] == spec.requires
        return
    assert spec.name in PRESETS
    assert PRESETS[spec.name].label == spec.label
    records = [("Emicizumab in haemophilia", "Bleeding fell."), ("Borderline therapy", "")] * 3
    order = rank(records, {0: True, 1: False}, preset=spec.name, random_state=1)
    assert sorted(order) == [2, 3, 4, 5]
    assert order == rank(records, {0: True, 1: False}, preset=spec.name, random_state=1)


CANDIDATES = sorted((Path(__file__).parents[2] / "benchmarks" / "candidates").glob("*.yaml"))


@pytest.mark.parametrize("file", CANDIDATES, ids=lambda f: f.name)
def test_every_benchmark_candidate_file_loads(file: Path) -> None:
    """The cross-validation candidates docs/ranking.md cites must stay runnable by
    ``ranking_benchmark.py --cv --cv-presets FILE``."""
    spec = load_preset_file(file)
    assert spec.name == file.stem
    assert spec.build(0).classifier is not None


def test_a_preset_file_of_ones_own_builds_the_model_it_describes(tmp_path: Path) -> None:
    spec = load_preset_file(_write(tmp_path, GOOD))
    model = spec.build(5)
    assert model.classifier.C == 0.3 and model.classifier.random_state == 5
    assert model.feature_extractor.ngram_range == (1, 2)
    assert model.balancer.ratio == 4


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("  C: 0.3", "  C: lots"), 12, "must be a number"),
        (("  C: 0.3", "  gamma: 2"), 12, "has no parameter 'gamma'"),
        (("  type: svm", "  type: forest"), 11, "unknown classifier type 'forest'"),
        (("  ngram_range: [1, 2]", "  ngram_range: [2, 1]"), 6, "range [low, high]"),
        (("name: mine", "name: theirs"), 1, "must match its file name"),
        (("querier:\n  type: max\n", "extra: 1\n"), 13, "unknown setting 'extra'"),
        (("label: My preset\n", ""), 1, "needs 'label'"),
        (("  ratio: 4", "  ratio: [4"), 10, "not valid YAML"),
    ],
)
def test_a_bad_preset_file_is_refused_with_its_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, words: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(PresetError) as raised:
        load_preset_file(path)
    assert raised.value.file == str(path)
    assert raised.value.line == line
    assert words in str(raised.value) and str(path) in str(raised.value)


def test_two_files_naming_one_preset_are_refused(tmp_path: Path) -> None:
    first = _write(tmp_path, GOOD)
    (tmp_path / "b").mkdir()
    second = _write(tmp_path / "b", GOOD)
    with pytest.raises(PresetError, match="also defined"):
        load_preset_files([first, second])


def test_an_optional_extractor_needs_the_file_to_name_its_extra(tmp_path: Path) -> None:
    text = GOOD.replace("  type: tfidf\n  ngram_range: [1, 2]", "  type: minilm")
    with pytest.raises(PresetError, match="add 'requires: embeddings'") as raised:
        load_preset_file(_write(tmp_path, text))
    assert raised.value.line == 5
    spec = load_preset_file(_write(tmp_path, "requires: embeddings\n" + text))
    assert spec.requires == "embeddings"
    with pytest.raises(PresetError, match="unknown extra"):
        load_preset_file(_write(tmp_path, "requires: magic\n" + text))
