"""PNG and PDF for journals, and a clear error where no converter can be loaded."""

from __future__ import annotations

import sys

import pytest

from sysreview.reporting import ConverterUnavailable, render_pdf, render_png, render_svg
from tests.reporting.test_prisma_svg import UPDATED_REVIEW


def test_png_and_pdf_start_with_their_magic_bytes() -> None:
    pytest.importorskip("cairosvg", reason="CairoSVG (optional) is not installed")
    svg = render_svg(UPDATED_REVIEW)
    png = render_png(svg, scale=1.0)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert render_pdf(svg).startswith(b"%PDF-")


def test_png_is_drawn_at_the_requested_scale() -> None:
    pytest.importorskip("cairosvg", reason="CairoSVG (optional) is not installed")
    png = render_png(render_svg(UPDATED_REVIEW), scale=2.0)
    width = int.from_bytes(png[16:20], "big")
    assert width > 2 * 1400


def test_a_missing_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    with pytest.raises(ConverterUnavailable, match="pip install 'cairosvg"):
        render_png("<svg xmlns='http://www.w3.org/2000/svg'/>")
