"""``sysreview audit``: list, export and verify the append-only trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.files import write_file_atomically
from sysreview.services import audit as audit_service
from sysreview.services.reviews import open_store

app = typer.Typer(
    help="The audit trail: who changed what, when, from what to what.", no_args_is_help=True
)


@app.command("list")
def list_entries(
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
    limit: Annotated[int, typer.Option(help="Show only the newest N entries (0: all).")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the review's audit entries, oldest first.

    Example: sysreview audit list -r my-review --limit 20
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    rows = audit_service.list_audit(store, review, who, limit or None)
    if as_json:
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(
            f"{row['id']:>6} {row['at']} {row['actor']:<10} {row['action']:<16} "
            f"{row['entity']}:{row['entity_id']} {row['reason']}"
        )


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Export the review's whole audit trail.

    Example: sysreview audit export -o audit.csv
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    write_file_atomically(output, audit_service.export_audit(store, review, who, fmt))
    typer.echo(f"wrote {output}")


@app.command("verify")
def verify(review_dir: ReviewDir = Path("."), db: DbUrl = None) -> None:
    """Check the hash chain of every audit entry; exit 1 and name the first bad entry.

    Example: sysreview audit verify -r my-review
    """
    store = open_store(review_dir, db)
    broken = audit_service.verify_audit(store)
    if broken is None:
        typer.echo(f"audit trail verified: {audit_service.count_entries(store)} entries")
        return
    typer.echo(f"audit entry {broken.entry_id} {broken.problem}", err=True)
    raise typer.Exit(1)
