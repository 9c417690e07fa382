"""The ``sysreview`` command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from sysreview.cli import app as cli_app
from sysreview.demo import DemoReview


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "sysreview", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def db_args(url: str | None) -> list[str]:
    return ["--db", url] if url else []


def test_status_json_is_the_documented_shape(demo: DemoReview, db_url: str | None) -> None:
    result = run("status", "-r", str(demo.review.folder), *db_args(db_url), "--as", "ln", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["format"] == 1
    assert status["records"]["total"] == 10
    assert [s["files"] for s in status["records"]["by_source"]] == [1]
    assert [s["reviewers_required"] for s in status["stages"]] == [2, 2]
    assert {"user": "eop", "role": "arbiter"} in status["team"]


def test_a_non_member_gets_one_line_and_exit_4(demo: DemoReview, db_url: str | None) -> None:
    result = run("audit", "list", "-r", str(demo.review.folder), *db_args(db_url), "--as", "ln")
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        f"error: ln is reviewer in review '{demo.review.slug}', and a reviewer may not "
        "read and export the audit trail"
    ]


def test_an_invalid_protocol_edit_is_reported_and_nothing_is_written(
    demo: DemoReview, db_url: str | None
) -> None:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text().replace("reviewers: 2", "reviewers: -1", 1))
    before = run("audit", "verify", "-r", str(demo.review.folder), *db_args(db_url))
    result = run("status", "-r", str(demo.review.folder), *db_args(db_url), "--as", "hp")
    assert result.returncode == 1
    assert "protocol.yaml:" in result.stderr
    assert "reviewers" in result.stderr
    after = run("audit", "verify", "-r", str(demo.review.folder), *db_args(db_url))
    assert before.stdout == after.stdout  # same entry count: nothing was written


def test_user_add_reads_the_password_from_stdin_and_refuses_short_ones(
    demo: DemoReview, db_url: str | None
) -> None:
    folder = str(demo.review.folder)
    short = run(
        "user", "add", "zoe", "-r", folder, *db_args(db_url), "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 1
    assert "at least 8" in short.stderr
    ok = run(
        "user",
        "add",
        "zoe",
        "-r",
        folder,
        *db_args(db_url),
        "--password-stdin",
        stdin="long-enough-pw\n",
    )
    assert ok.returncode == 0, ok.stderr
    again = run(
        "user",
        "add",
        "zoe",
        "-r",
        folder,
        *db_args(db_url),
        "--password-stdin",
        stdin="long-enough-pw\n",
    )
    assert again.returncode == 6
    listing = run("user", "list", "-r", folder, *db_args(db_url))
    assert "zoe\t\tcan log in" in listing.stdout


def test_audit_export_writes_csv_with_every_entry(
    demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "audit.csv"
    result = run(
        "audit",
        "export",
        "-o",
        str(out),
        "-r",
        str(demo.review.folder),
        *db_args(db_url),
        "--as",
        "eop",
    )
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("id,at,actor,action")
    assert sum("member.role" in line for line in lines) == 4


def test_init_refuses_an_existing_review(tmp_path: Path) -> None:
    first = run("init", str(tmp_path / "r"), "--title", "T", "--owner", "alice")
    assert first.returncode == 0, first.stderr
    second = run("init", str(tmp_path / "r"), "--title", "T", "--owner", "alice")
    assert second.returncode == 6
    assert "holds a review already" in second.stderr


def test_a_folder_that_is_not_a_review_is_named(tmp_path: Path) -> None:
    result = run("status", "-r", str(tmp_path), "--as", "x")
    assert result.returncode == 5
    assert str(tmp_path) in result.stderr


def test_a_database_url_of_another_kind_is_refused(tmp_path: Path) -> None:
    result = run("db", "check", "--db", "mysql://root@localhost/x")
    assert result.returncode == 8
    assert "SQLite or PostgreSQL" in result.stderr


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command under ``command`` with its path (typer's groups list their own)."""
    if not hasattr(command, "list_commands"):
        yield path, command
        return
    context = type(command).context_class(command)
    for name in command.list_commands(context):
        yield from _commands(command.get_command(context, name), (*path, name))


def test_every_command_has_help_with_an_example() -> None:
    """Walks the whole command tree, so a command added later is held to it too."""
    leaves = list(_commands(typer.main.get_command(cli_app)))
    assert len(leaves) > 30
    assert [" ".join(path) for path, command in leaves if "Example:" not in command.help] == []


def test_help_is_printed_by_the_installed_command() -> None:
    result = run("dedup", "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_a_wrong_option_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    result = run("status", "--bogus")
    assert result.returncode == 2
    assert "No such option: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_audit_verify_exits_non_zero_on_a_tampered_trail(tmp_path: Path) -> None:
    """Tampering with the SQLite file directly (PostgreSQL's case is in tests/store)."""
    import sqlite3

    from sysreview.demo import build_demo

    demo = build_demo(tmp_path / "d", with_decisions=False)
    connection = sqlite3.connect(demo.review.folder / "sysreview.db")
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    connection.commit()
    connection.close()
    result = run("audit", "verify", "-r", str(demo.review.folder))
    assert result.returncode == 1
    assert "audit entry 2" in result.stderr


def test_a_missing_input_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    from sysreview.demo import build_demo

    folder = build_demo(tmp_path / "d", with_decisions=False).review.folder
    for command in (
        ["decisions", "import"],
        ["appraisal", "import"],
        ["extraction", "import"],
        ["synthesis", "codes", "import"],
        ["import", "--source", "MEDLINE"],
    ):
        result = run(*command, str(tmp_path / "absent.csv"), "-r", str(folder))
        assert result.returncode != 0, command
        assert "absent.csv: cannot read the file" in result.stderr, command
        assert "Traceback" not in result.stderr, command
