"""``sysreview simulate`` as a user runs it, on the bundled example review.

The command is run through a Typer app of the test's own, built with the module's
``register``, so the test does not depend on the command being wired into ``sysreview``.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sysreview.cli.simulate import register

DATA = resources.files("sysreview.demo") / "data" / "Donners_2021.csv"


def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.callback()
    def root() -> None:
        """A stand-in for ``sysreview``."""

    return application


def invoke(*args: str):
    return CliRunner().invoke(app(), ["simulate", *args])


def ids_and_labels() -> list[tuple[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return [(r["record_id"], r["label_included"]) for r in csv.DictReader(handle) if r["title"]]


def test_help_has_an_example() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_drawn_priors_write_every_record_once_priors_first_and_print_the_figures(
    tmp_path: Path,
) -> None:
    out = tmp_path / "order.csv"
    result = invoke(
        str(DATA),
        "--prior-included",
        "1",
        "--prior-excluded",
        "1",
        "--seed",
        "0",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["record_id"]
    written = [row[0] for row in rows[1:]]
    expected = [key for key, _ in ids_and_labels()]
    assert sorted(written) == sorted(expected)
    labels = dict(ids_and_labels())
    assert [labels[key] for key in written[:2]] == ["1", "0"]
    for figure in (
        "WSS@95:",
        "WSS@100:",
        "recall@10%:",
        "recall@20%:",
        "screened to 95% recall:",
        "screened to 100% recall:",
        "ATD:",
        "loss:",
        "wall time:",
        "mean retrain time:",
    ):
        assert figure in result.output


def test_prior_ids_follow_one_option_and_come_first(tmp_path: Path) -> None:
    pairs = ids_and_labels()
    relevant = next(key for key, label in pairs if label == "1")
    irrelevant = next(key for key, label in pairs if label == "0")
    out = tmp_path / "order.csv"
    result = invoke(
        str(DATA),
        "--prior-ids",
        relevant,
        irrelevant,
        "--seed",
        "1",
        "--out",
        str(out),
        "--stop",
        "hypergeometric",
    )
    assert result.exit_code == 0, result.output
    assert [row[0] for row in csv.reader(out.open())][1:3] == [relevant, irrelevant]
    assert "stop (hypergeometric, statistical)" in result.output


def test_the_same_seed_writes_the_same_order(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        result = invoke(
            str(DATA),
            "--prior-included",
            "1",
            "--prior-excluded",
            "1",
            "--seed",
            "3",
            "--out",
            str(tmp_path / name),
            "--model",
            "elas_u4",
        )
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--prior-ids", "W0"], "not in the file"),
        (["--model", "nonsense", "--prior-included", "1", "--prior-excluded", "1"], "unknown"),
        ([], "--prior-ids"),
    ],
)
def test_bad_arguments_are_reported_in_words(tmp_path: Path, args, message) -> None:
    result = invoke(str(DATA), *args, "--out", str(tmp_path / "o.csv"))
    assert result.exit_code != 0
    assert message in str(result.exception)


def test_a_model_whose_extra_is_missing_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sysreview.ranking import presets

    monkeypatch.setitem(presets.UNAVAILABLE, "needs_extra_svm", "embeddings")
    args = ["--model", "needs_extra_svm", "--prior-included", "1", "--prior-excluded", "1"]
    result = invoke(str(DATA), *args, "--out", str(tmp_path / "o.csv"))
    assert result.exit_code != 0
    assert "pip install 'sysreview[embeddings]'" in str(result.exception)
    assert not (tmp_path / "o.csv").exists()


def test_ranking_models_lists_every_model_a_stage_may_name() -> None:
    from sysreview.cli.ranking import app as ranking_app
    from sysreview.ranking import DEFAULT_PRESET, PRESETS

    result = CliRunner().invoke(ranking_app, ["models"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith(f"{DEFAULT_PRESET} (default): ")
    assert {line.split(":")[0].removesuffix(" (default)") for line in lines} >= set(PRESETS)
