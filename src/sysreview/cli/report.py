"""``sysreview report``: the review report (methods draft, PRISMA diagram, tables, appendices)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.services.report import REPORT_FORMATS, build_report, render_report


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder to write report.<format> and prisma.svg into."),
    ] = Path("report"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="md, html, docx, or pdf (pdf needs the optional WeasyPrint package).",
        ),
    ] = "html",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write the review's report: a methods draft made from what the review records (searches,
    screening, agreement, conflicts, extraction, appraisal), the PRISMA diagram, Table 1, the
    appraisal tables and appendices (search strategies, full texts excluded, PRISMA 2020
    checklist). Text the authors must write is marked [Authors: …]. The same review gives
    the same md and html bytes every time.

    Example: sysreview report -r my-review --out report --format docx
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in REPORT_FORMATS:
        raise InvalidInput(f"--format is one of {', '.join(REPORT_FORMATS)}, not {fmt!r}")
    store, review, who = open_for_command(review_dir, db, as_user)
    built = build_report(store, review, who)
    content = render_report(built, fmt)
    target = out / f"report.{fmt}"
    write_file_atomically(target, content)
    typer.echo(f"wrote {target}")
    for figure in built.figures():
        write_file_atomically(out / figure.file_name, figure.svg.encode("utf-8"))
        typer.echo(f"wrote {out / figure.file_name}")
    left = len(built.placeholders())
    if left:
        typer.echo(f"{left} placeholder{'s' if left != 1 else ''} marked [Authors: …] to write")
