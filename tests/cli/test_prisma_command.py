"""``sysreview prisma`` as a user runs it: the JSON keys, the diagram file, and a refusal."""

from __future__ import annotations

import json
from pathlib import Path

from sysreview.demo import INCLUDED_REPORTS_SOURCE, DemoReview
from sysreview.reporting.prisma import BREAKDOWN_KEYS, COUNT_KEYS
from tests.cli.test_commands import db_args, run


def test_json_uses_the_prisma2020_data_keys(full_demo: DemoReview, db_url: str | None) -> None:
    folder = str(full_demo.review.folder)
    result = run("prisma", "-r", folder, *db_args(db_url), "--as", "ln", "--json")

    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert set(counts) == {*COUNT_KEYS, *BREAKDOWN_KEYS, "entered"}
    assert (counts["records_screened"], counts["records_excluded"]) == (372, 362)
    assert (counts["total_studies"], counts["total_reports"]) == (9, 10)
    assert counts["dbr_excluded"] == {"": 0}
    assert counts["entered"] == ["records_excluded", "records_screened"]


def test_out_svg_writes_the_diagram(
    full_demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "figures" / "prisma.svg"
    folder = str(full_demo.review.folder)
    result = run("prisma", "-r", folder, *db_args(db_url), "--as", "ln", "--out", str(out))

    assert result.returncode == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Records screened (n = 372)\u2020" in svg


def test_a_review_that_does_not_add_up_exits_1_naming_the_box(
    demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    folder = str(demo.review.folder)
    out = tmp_path / "prisma.svg"

    as_json = run("prisma", "-r", folder, *db_args(db_url), "--as", "ln", "--json")
    drawn = run("prisma", "-r", folder, *db_args(db_url), "--as", "ln", "--out", str(out))

    assert as_json.returncode == 1
    per_database = json.loads(as_json.stdout)["database_specific_results"]
    assert per_database == {INCLUDED_REPORTS_SOURCE: 10}
    assert "Records screened: 10 of the 10 records at Title and abstract screening" in (
        as_json.stderr
    )
    assert drawn.returncode == 1
    assert "no diagram was drawn" in drawn.stderr and "records_screened" in drawn.stderr
    assert not out.exists()


def test_owners_enter_and_clear_counts(demo: DemoReview, db_url: str | None) -> None:
    where = ["-r", str(demo.review.folder), *db_args(db_url)]

    refused = run("prisma", "enter", "records_screened", "372", *where, "--as", "ln")
    entered = run(
        "prisma", "enter", "records_screened", "372", *where, "--as", "hp", "--note", "paper"
    )
    shown = run("prisma", *where, "--as", "ln")
    cleared = run("prisma", "clear", "records_screened", *where, "--as", "hp")

    assert refused.returncode == 4
    assert entered.returncode == 0, entered.stderr
    assert "Records screened: 372 (entered)\n    paper\n" in shown.stdout
    assert cleared.returncode == 0, cleared.stderr
    again = run("prisma", *where, "--as", "ln")
    assert "Records screened: 10\n" in again.stdout


def test_prisma_commands_have_help_with_an_example() -> None:
    for command in (["prisma"], ["prisma", "enter"], ["prisma", "clear"]):
        result = run(*command, "--help")
        assert result.returncode == 0
        assert "Example:" in result.stdout
