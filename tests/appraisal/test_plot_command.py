"""`sysreview appraisal plot` writes the robvis-style plots as valid SVG and PNG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app as cli_app
from sysreview.demo import DemoReview
from tests.cli.test_commands import db_args, run

CASP = "casp-qualitative-rated"


def _plot(folder: Path, db_url: str | None, *args: str) -> list[str]:
    return ["appraisal", "plot", "-r", str(folder), *db_args(db_url), "--as", "ln", *args]


def test_the_plot_command_writes_svg_and_png(
    full_demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    svg, png = tmp_path / "casp.svg", tmp_path / "casp.png"
    base = _plot(full_demo.review.folder, db_url, "--tool", CASP)
    drawn = CliRunner().invoke(cli_app, [*base, "--kind", "traffic-light", "--out", str(svg)])
    assert drawn.exit_code == 0, drawn.output
    root = ET.fromstring(svg.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Hilliard et al. 2007" in svg.read_text()
    drawn = CliRunner().invoke(cli_app, [*base, "--kind", "summary", "--out", str(png)])
    assert drawn.exit_code == 0, drawn.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") > 100  # width from the IHDR chunk


def test_an_unknown_kind_or_suffix_is_refused_and_nothing_written(
    demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    base = _plot(demo.review.folder, db_url, "--tool", CASP)
    pie = run(*base, "--kind", "pie", "--out", str(tmp_path / "p.svg"))
    assert pie.returncode != 0 and "traffic-light or summary" in pie.stderr
    gif = CliRunner().invoke(cli_app, [*base, "--out", str(tmp_path / "p.gif")])
    assert gif.exit_code == 2 and ".svg or .png" in gif.output
    assert list(tmp_path.iterdir()) == [tmp_path / "demo-review"]
