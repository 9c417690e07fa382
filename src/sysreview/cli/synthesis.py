"""``sysreview synthesis``: thematic coding, evidence matrices and meta-analysis."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Synthesis: codes and themes, the evidence matrix, meta-analysis.", no_args_is_help=True
)
