"""``sysreview import`` and ``sysreview export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.cli.progress import progress_bar
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.services.exports import export_records
from sysreview.services.imports import ImportSummary, SearchDetails, import_file

SUFFIX_FORMATS = {".ris": "ris", ".csv": "csv", ".xlsx": "xlsx", ".bib": "bibtex"}


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    app.command("export")(export)


def parse_column_map(pairs: list[str]) -> dict[str, str]:
    """``title=Article Title`` pairs into a field → column mapping."""
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InvalidInput(
                f"--map takes FIELD=COLUMN, e.g. title='Article Title', not {pair!r}"
            )
        mapping[field.strip()] = column.strip()
    return mapping


def import_files(
    files: Annotated[list[Path], typer.Argument(help="Export files from the databases.")],
    source: Annotated[str, typer.Option(help="Database searched, e.g. MEDLINE.")],
    platform: Annotated[str, typer.Option(help="Interface, e.g. Ovid or EBSCOhost.")] = "",
    kind: Annotated[
        str,
        typer.Option(
            help="database, register, or another method: citation, website, "
            "organisation (PRISMA's right-hand column)."
        ),
    ] = "database",
    searched_on: Annotated[str, typer.Option(help="Date of the search, YYYY-MM-DD.")] = "",
    query_file: Annotated[
        Path | None, typer.Option(help="Text file holding the search as run.")
    ] = None,
    file_format: Annotated[
        str, typer.Option("--format", help="auto (from the content) or a format name.")
    ] = "auto",
    column_map: Annotated[
        list[str] | None, typer.Option("--map", help="FIELD=COLUMN for tables; repeatable.")
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option(help="Store the good records and list the ones that cannot be read.")
    ] = False,
    again: Annotated[bool, typer.Option(help="Import a file imported before.")] = False,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Import search results, each file recorded as a search event (all or nothing per file).

    Example: sysreview import medline.ris --source MEDLINE --platform Ovid
    --searched-on 2017-11-01 --query-file medline-strategy.txt
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    query = query_file.read_text(encoding="utf-8") if query_file else ""
    search = SearchDetails(source, platform, searched_on, query, kind)
    mapping = parse_column_map(column_map or [])
    for path in files:
        data = read_input(path)
        with progress_bar() as report:
            summary = import_file(
                store,
                review,
                who,
                data,
                file_name=path.name,
                search=search,
                file_format=file_format,
                column_map=mapping,
                skip_bad=skip_bad,
                again=again,
                progress=report,
            )
        _print_summary(summary)


def _print_summary(summary: ImportSummary) -> None:
    typer.echo(
        f"{summary.file_name}: {summary.file_format}, {summary.encoding}; "
        f"{summary.records_read} read, {summary.records_stored} stored "
        f"(search event {summary.search_event_id})"
    )
    for skipped in summary.skipped:
        typer.echo(f"  skipped line {skipped.line}: {skipped.reason}")
    for warning in summary.warnings:
        typer.echo(f"  warning: {warning}")


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="ris, csv, xlsx or bibtex.")] = "",
    select: Annotated[
        str,
        typer.Option(
            help="all, source:NAME, or STAGE:included / STAGE:excluded / STAGE:conflicts."
        ),
    ] = "all",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Export records with each stage's decision and exclusion reasons as columns.

    Example: sysreview export -o included.ris --select full_text:included
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    chosen = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), output.suffix.lstrip("."))
    content, count = export_records(store, review, who, chosen, select)
    write_file_atomically(output, content)
    typer.echo(f"wrote {count} records to {output}")
