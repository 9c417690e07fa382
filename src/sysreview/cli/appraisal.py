"""``sysreview appraisal``: checklists, importing answers, and the tables of a tool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.files import write_file_atomically
from sysreview.reporting.tables import TABLE_FORMATS, table_bytes
from sysreview.services import appraisal

app = typer.Typer(help="Quality appraisal: checklists, answers, Tables 2-3.", no_args_is_help=True)


@app.command("tools")
def tools(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the shipped checklists (id, name, version, items).

    Example: sysreview appraisal tools --json
    """
    listed = appraisal.list_tools()
    if as_json:
        typer.echo(json.dumps(listed, indent=2))
        return
    for tool in listed:
        typer.echo(f"{tool['id']:<32} {tool['items']:>3} items  {tool['name']} ({tool['version']})")


@app.command("import")
def import_answers(
    answers: Annotated[Path, typer.Argument(help="CSV: study, tool, item, answer, reviewer.")],
    tool_names: Annotated[
        Path | None,
        typer.Option(
            help="CSV (tool, checklist) naming the checklist behind "
            "each tool name used in the answers file."
        ),
    ] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Import appraisal answers (all or nothing); `reviewer` may be `consensus`.

    Example: sysreview appraisal import answers.csv --tool-names tools.csv
    """
    from sysreview.appraisal import read_tool_names

    store, review, who = open_for_command(review_dir, db, as_user)
    names = read_tool_names(tool_names) if tool_names else None
    result = appraisal.import_answers(store, review, who, read_input(answers), answers.name, names)
    typer.echo(
        f"{result.answers} answers for {len(result.studies)} studies "
        f"({', '.join(result.tools)}); {result.changed} new or changed"
    )


@app.command("table")
def table(
    tool: Annotated[str, typer.Option(help="Checklist id (see `sysreview appraisal tools`).")],
    out: Annotated[Path, typer.Option(help="FILE.csv, .xlsx, .html or .docx")],
    reviewer: Annotated[
        str, typer.Option(help="Whose answers: consensus or a user.")
    ] = "consensus",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write a tool's table: one row per study, its answers, score as k/n and rating.

    Example: sysreview appraisal table --tool casp-qualitative-rated --out table3.docx
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in TABLE_FORMATS:
        raise typer.BadParameter(f"--out must end in .{', .'.join(TABLE_FORMATS)}")
    result = appraisal.tool_table(store, review, who, tool, reviewer)
    write_file_atomically(out, table_bytes(result.records(), fmt, result.checklist.name))
    for row in result.rows:
        typer.echo(f"{row.study}: {row.score_text} {row.rating or ''}".rstrip())
    issues = appraisal.tool_issues(store, review, who, tool)
    if issues:
        typer.echo(
            "most frequent issues: " + "; ".join(f"{i.label} (n = {i.count})" for i in issues[:3])
        )


@app.command("plot")
def plot(
    tool: Annotated[str, typer.Option(help="Checklist id (see `sysreview appraisal tools`).")],
    out: Annotated[Path, typer.Option(help="FILE.svg or FILE.png")],
    kind: Annotated[
        str, typer.Option(help="traffic-light (study x item) or summary (a bar per item).")
    ] = "traffic-light",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Draw a robvis-style plot of a tool's consensus answers as SVG or PNG.

    Example: sysreview appraisal plot --tool casp-qualitative-rated --kind summary --out casp.svg
    """
    from sysreview.reporting.convert import render_png

    fmt = out.suffix.lstrip(".").lower()
    if fmt not in ("svg", "png"):
        raise typer.BadParameter(f"{out}: write .svg or .png (the suffix picks the format)")
    store, review, who = open_for_command(review_dir, db, as_user)
    svg = appraisal.tool_plot(store, review, who, tool, kind)
    write_file_atomically(out, render_png(svg) if fmt == "png" else svg.encode("utf-8"))
    typer.echo(f"wrote {out}")
