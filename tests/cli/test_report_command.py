"""``sysreview report``: the report and the diagram written into a folder, the same bytes the
service renders, and a clear refusal of an unknown format.

Driven through a small Typer app holding only this command, so it runs before the command is
registered in ``sysreview.cli``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from sysreview.cli.report import register
from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput
from sysreview.services.report import build_report, render_report
from tests.cli.test_commands import db_args


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A stand-in for the sysreview app."""

    register(app)
    return app


def _report(demo: DemoReview, db_url: str | None, *args: str) -> Result:
    folder = str(demo.review.folder)
    return CliRunner().invoke(_app(), ["report", "-r", folder, *db_args(db_url), *args])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_writes_the_report_and_the_diagram(
    full_demo: DemoReview, db_url: str | None, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "out"
    result = _report(full_demo, db_url, "--as", "hp", "--out", str(out), "--format", fmt)

    assert result.exit_code == 0, result.output
    expected = render_report(build_report(full_demo.store, full_demo.review, "hp"), fmt)
    assert (out / f"report.{fmt}").read_bytes() == expected
    assert (out / "prisma.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "placeholders marked [Authors: …] to write" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"report.{fmt}", "prisma.svg"])


def test_report_refuses_an_unknown_format(
    full_demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = _report(full_demo, db_url, "--as", "hp", "--out", str(out), "--format", "rtf")

    assert isinstance(result.exception, InvalidInput)
    assert "md, html, docx, pdf" in str(result.exception)
    assert not out.exists()


def test_report_help_has_an_example() -> None:
    result = CliRunner().invoke(_app(), ["report", "--help"])

    assert result.exit_code == 0
    assert "Example: sysreview report" in result.output
