"""``sysreview backup`` and ``sysreview restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.services import backup as backup_service


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    out: Annotated[Path, typer.Argument(help="New file to write the backup to.")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Back up the review's database while it is in use (SQLite VACUUM INTO, or pg_dump).

    Example: sysreview backup backups/review-2026-11-25.db -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    summary = backup_service.backup(store, review, who, out)
    typer.echo(
        f"wrote {out}: {summary.records} records, {summary.decisions} decisions, "
        f"{summary.audit_entries} audit entries (verified)"
    )


def restore(
    backup_file: Annotated[Path, typer.Argument(help="A file written by sysreview backup.")],
    to: Annotated[str, typer.Option("--to", help="An empty database URL to restore into.")],
) -> None:
    """Restore a backup into a new, empty database and verify it.

    Example: sysreview restore backups/review.db --to sqlite:///restored/sysreview.db
    """
    summary = backup_service.restore(backup_file, to)
    typer.echo(
        f"restored {summary.records} records, {summary.decisions} decisions, "
        f"{summary.audit_entries} audit entries; integrity and audit chain verified"
    )
