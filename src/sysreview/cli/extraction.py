"""``sysreview extraction``: import values and write Table 1."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.files import write_file_atomically
from sysreview.reporting.tables import TABLE_FORMATS, table_bytes
from sysreview.services import extraction

app = typer.Typer(
    help="Data extraction: values per study, verification, Table 1.", no_args_is_help=True
)


@app.command("import")
def import_values(
    values: Annotated[Path, typer.Argument(help="CSV: study, field, value, author, kind.")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Import extraction values (kind: extracted, verified, corrected); all or nothing.

    Example: sysreview extraction import extraction.csv -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    count = extraction.import_extraction(store, review, who, read_input(values), values.name)
    typer.echo(f"imported {count} values")


@app.command("table")
def table(
    out: Annotated[Path, typer.Option(help="FILE.csv, .xlsx, .html or .docx")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write Table 1: characteristics of the included studies, one row per study.

    Example: sysreview extraction table --out table1.docx
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in TABLE_FORMATS:
        raise typer.BadParameter(f"--out must end in .{', .'.join(TABLE_FORMATS)}")
    rows = extraction.table_one(store, review, who)
    write_file_atomically(out, table_bytes(rows, fmt, "Characteristics of included studies"))
    status = extraction.verification_status(store, review, who)
    typer.echo(
        f"wrote {len(rows) - 1} studies to {out}; {status['verified']} of "
        f"{status['extracted']} extracted fields verified"
    )
