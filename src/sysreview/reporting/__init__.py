"""Reporting: the PRISMA 2020 counts, their arithmetic, and the flow diagram in every format.

Plain data in, text or bytes out: nothing here knows of the store, HTTP or the terminal, so the
CLI, the web app and a notebook all draw the same diagram from the same counts.
"""

from sysreview.reporting.convert import ConverterUnavailable, render_pdf, render_png
from sysreview.reporting.prisma import PrismaCounts
from sysreview.reporting.prisma_check import CountProblem, InconsistentCounts, check
from sysreview.reporting.prisma_csv import (
    from_json_dict,
    from_prisma2020_csv,
    to_json_dict,
    to_prisma2020_csv,
)
from sysreview.reporting.prisma_svg import render_svg

__all__ = [
    "ConverterUnavailable",
    "CountProblem",
    "InconsistentCounts",
    "PrismaCounts",
    "check",
    "from_json_dict",
    "from_prisma2020_csv",
    "render_pdf",
    "render_png",
    "render_svg",
    "to_json_dict",
    "to_prisma2020_csv",
]
