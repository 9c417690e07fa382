"""Screening from the terminal, agreement, decisions CSV and de-duplication commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sysreview.demo import DemoReview
from tests.cli.test_commands import db_args, run

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _review(demo: DemoReview, url: str | None) -> list[str]:
    return ["-r", str(demo.review.folder), *db_args(url)]


def test_screening_in_the_terminal_records_key_presses(
    demo: DemoReview, db_url: str | None
) -> None:
    keys = "i\ne\nq\n"
    result = run(
        "screen", "--stage", "title_abstract", *_review(demo, db_url), "--as", "ln", stdin=keys
    )
    assert result.returncode == 0, result.stderr
    exported = run(
        "decisions",
        "export",
        "-o",
        str(demo.review.folder / "d.csv"),
        *_review(demo, db_url),
        "--as",
        "ln",
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO((demo.review.folder / "d.csv").read_text())))
    assert [(r["reviewer"], r["verdict"]) for r in rows] == [("ln", "include"), ("ln", "exclude")]


def test_agreement_json_for_the_arbiter(demo: DemoReview, db_url: str | None) -> None:
    result = run("agreement", "--json", *_review(demo, db_url), "--as", "eop")
    assert result.returncode == 0, result.stderr
    stages = json.loads(result.stdout)
    assert [s["stage"] for s in stages] == ["title_abstract", "full_text"]
    assert stages[0]["pairs"] == []


def test_dedup_of_files_without_a_review_writes_every_record(tmp_path: Path) -> None:
    out = tmp_path / "groups.csv"
    files = [str(FIXTURES / "duplicates" / n) for n in ("medline.ris", "embase.ris")]
    result = run("dedup", *files, "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 6
    assert set(rows[0]) == {"record_id", "group_id", "decision", "score"}
    groups = {r["record_id"]: r["group_id"] for r in rows}
    assert groups["M1"] == groups["E1"]


def test_dedup_in_a_review_reports_what_it_did(demo: DemoReview, db_url: str | None) -> None:
    for name in ("medline.ris", "embase.ris"):
        imported = run(
            "import",
            str(FIXTURES / "duplicates" / name),
            "--source",
            name[:-4],
            *_review(demo, db_url),
            "--as",
            "hp",
        )
        assert imported.returncode == 0, imported.stderr
    result = run("dedup", *_review(demo, db_url), "--as", "hp")
    assert result.returncode == 0, result.stderr
    assert "duplicates removed" in result.stdout
