"""SVG → PNG and PDF for journals, through CairoSVG when it is installed.

The converter is optional: the SVG, the CSV and the arithmetic checks need nothing beyond the
standard library, so a server that only shows diagrams in the browser need not carry cairo.
CairoSVG (LGPL, pure Python over cffi) uses Debian's ``libcairo2``; it is imported only when a
PNG or PDF is asked for, and its absence is a :class:`ConverterUnavailable` that says what to
install instead of an ``ImportError`` deep in a command.
"""

from __future__ import annotations

from types import ModuleType

from sysreview.errors import SysreviewError

INSTALL_HINT = (
    "install the optional package CairoSVG (pip install 'cairosvg>=2.7') and Debian's "
    "libcairo2 (apt-get install libcairo2), or export the diagram as SVG"
)


class ConverterUnavailable(SysreviewError):
    """PNG or PDF was asked for, but no SVG converter can be loaded here."""


def _cairosvg() -> ModuleType:
    try:
        import cairosvg  # optional: loaded on first use
    except (ImportError, OSError) as error:  # OSError: cairocffi finds no libcairo
        raise ConverterUnavailable(
            f"PNG and PDF output needs cairo: {INSTALL_HINT} ({error})"
        ) from error
    return cairosvg


def render_png(svg: str, *, scale: float = 3.0) -> bytes:
    """A PNG of ``svg`` on its white background; ``scale`` 3 gives ~300 dpi at journal width.

    Meant for the SVG that :func:`~sysreview.reporting.prisma_svg.render_svg` draws; CairoSVG
    runs in its safe mode, so the SVG cannot pull in files or URLs either way.
    """
    png: bytes = _cairosvg().svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return png


def render_pdf(svg: str) -> bytes:
    """A vector PDF of ``svg`` with its fonts embedded, as journals ask for line art."""
    pdf: bytes = _cairosvg().svg2pdf(bytestring=svg.encode("utf-8"))
    return pdf
