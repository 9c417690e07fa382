"""``sysreview search`` as a user runs it: translate a file or stdin, show, and the log.

The exit codes and files go through real processes; the printed texts through Typer's runner
(the same app, in-process), which keeps these tests quick."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.demo import DemoReview
from tests.cli.test_commands import db_args, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "search"


def test_translate_writes_an_ovid_history_for_ebscohost() -> None:
    source = str(FIXTURES / "medline-ovid.txt")

    result = CliRunner().invoke(
        app,
        [
            "search",
            "translate",
            "--from",
            "ovid",
            "--to",
            "ebsco",
            "--to-vocabulary",
            "mesh",
            source,
        ],
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        '((MH "Peer Group+") OR TI (peer* OR buddy OR buddies) OR AB (peer* OR buddy OR buddies))'
        ' AND ((MH "Mentoring+") OR (MH "Mentors") OR TI (mentor* OR mentee* OR protege*) OR '
        'AB (mentor* OR mentee* OR protege*)) AND ((MH "Internship and Residency+") OR '
        'TI (resident* OR "house officer*" OR registrar*) OR AB (resident* OR "house officer*" '
        "OR registrar*))"
    ]


def test_translate_reads_stdin_and_notes_what_has_no_equivalent() -> None:
    result = CliRunner().invoke(
        app,
        ["search", "translate", "--from", "pubmed", "--to", "embase", "-"],
        input='"Mentors"[mh] OR mentor*[tiab]\n',
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "# MeSH heading 'Mentors' has no equivalent in Embase.com: searched as a phrase in title "
        "and abstract (:ti,ab); look up the database's own subject heading",
        "('Mentors':ti,ab OR mentor*:ti,ab)",
    ]


def test_a_syntax_error_exits_1_naming_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 exp Mentors/\n2 mentor$.ti,ab.\n3 1 and 7\n", encoding="utf-8")

    result = run("search", "translate", "--from", "ovid", "--to", "pubmed", str(bad))

    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {bad}: line 3, column 9: line 7 is not an earlier line of this strategy"
    )


def test_show_prints_the_protocol_strategy_for_each_ovid_database(
    demo: DemoReview, db_url: str | None
) -> None:
    folder = str(demo.review.folder)
    version = demo.review.protocol.search.version()  # type: ignore[union-attr]

    result = CliRunner().invoke(
        app, ["search", "show", "-r", folder, *db_args(db_url), "--as", "ln", "--syntax", "ovid"]
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Search strategy version {version}"
    assert "== MEDLINE (Ovid) [ovid] ==" in lines
    assert "11 3 and 7 and 10" in lines
    assert "== ERIC (EBSCOhost) [ebsco] ==" not in lines


def test_log_writes_the_csv_and_the_prisma_s_appendix(
    demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    folder = str(demo.review.folder)
    version = demo.review.protocol.search.version()  # type: ignore[union-attr]

    as_csv = CliRunner().invoke(
        app,
        [
            "search",
            "log",
            "-r",
            folder,
            *db_args(db_url),
            "--as",
            "ln",
            "--out",
            str(tmp_path / "log.csv"),
        ],
    )
    as_md = run(
        "search",
        "log",
        "-r",
        folder,
        *db_args(db_url),
        "--as",
        "ln",
        "--out",
        str(tmp_path / "log.md"),
    )

    assert (as_csv.exit_code, as_md.returncode) == (0, 0), as_csv.output + as_md.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "log.csv").read_text(encoding="utf-8"))))
    assert [
        (r["database"], r["records"], r["strategy_version"], r["current_strategy"]) for r in rows
    ] == [("Reference review: included reports", "10", version, "yes")]
    appendix = (tmp_path / "log.md").read_text(encoding="utf-8")
    assert "## Full search strategies (PRISMA-S item 8)" in appendix
    assert "### ERIC (EBSCOhost)" in appendix
    assert "none (no date, language or publication type limits)" in appendix


def test_each_search_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for command in ("translate", "show", "log"):
        result = runner.invoke(app, ["search", command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example: sysreview search " + command in result.output
