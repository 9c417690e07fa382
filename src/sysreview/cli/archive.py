"""``sysreview archive``: the review as diff-able text files, checked, and restored from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.services import archive as archive_service
from sysreview.services import archive_restore

app = typer.Typer(
    help="Write the whole review as plain text files, check such an archive, or restore it.",
    no_args_is_help=True,
)


@app.command("write")
def write(
    out: Annotated[Path, typer.Argument(help="Folder for the archive (new, or an earlier one).")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write the review as JSON Lines files, its protocol, its full texts and a manifest.

    Example: sysreview archive write archive/ -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    summary = archive_service.write_archive(store, review, who, out)
    typer.echo(
        f"wrote {out}: {summary.files} files, {summary.rows['records.jsonl']} records, "
        f"{summary.rows['decisions.jsonl']} decisions, "
        f"{summary.rows['audit_log.jsonl']} audit entries ({summary.audit_chain} chain)"
    )


@app.command("verify")
def verify(
    archive: Annotated[Path, typer.Argument(help="A folder written by sysreview archive write.")],
) -> None:
    """Check an archive's hashes, lines, references and audit chain without restoring it.

    Example: sysreview archive verify archive/
    """
    _, rows = archive_restore.check_archive(archive)
    typer.echo(f"{archive}: ok, {sum(len(r) for r in rows.values())} rows verified")


@app.command("restore")
def restore(
    archive: Annotated[Path, typer.Argument(help="A folder written by sysreview archive write.")],
    new_review: Annotated[Path, typer.Argument(help="The new review folder to create.")],
    db: DbUrl = None,
) -> None:
    """Rebuild the archived review in a new folder and an empty store, all or nothing.

    Example: sysreview archive restore archive/ restored-review --db postgresql://me@host/new
    """
    summary = archive_restore.restore_archive(archive, new_review, db)
    typer.echo(
        f"restored into {summary.folder} ({summary.url}): "
        f"{summary.rows['records.jsonl']} records, {summary.rows['decisions.jsonl']} decisions, "
        f"{summary.rows['audit_log.jsonl']} audit entries, {summary.files} stored files"
    )
