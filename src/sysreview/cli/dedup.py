"""``sysreview dedup``: run de-duplication, review the uncertain pairs, undo a merge, or
de-duplicate files without a review (for scripts and benchmarks)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.cli.progress import progress_bar
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.services import dedup as dedup_service
from sysreview.services.dedup_files import ASSIGNMENT_COLUMNS, dedup_files
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store

FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid")


def register(app: typer.Typer) -> None:
    app.command("dedup")(dedup)


def dedup(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to de-duplicate without a review (needs --out).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="CSV of record_id,group_id,decision,score.")
    ] = None,
    undo: Annotated[int | None, typer.Option(help="Undo the merge of this group.")] = None,
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail).")] = "",
    queue: Annotated[bool, typer.Option(help="Review the uncertain pairs one by one.")] = False,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Find duplicates across the imported databases; merge the sure ones, queue the rest.

    Example: sysreview dedup -r my-review && sysreview dedup -r my-review --queue
    Example: sysreview dedup medline.ris embase.ris --out groups.csv
    """
    if files:
        _stateless(files, out)
        return
    store, review, who = open_for_command(review_dir, db, as_user)
    if undo is not None:
        members = dedup_service.undo_group(store, review, who, undo, reason)
        typer.echo(f"undid group {undo}: records {', '.join(map(str, members))} are separate again")
        return
    if queue:
        _review_queue(store, review, who)
        return
    with progress_bar() as report:
        summary = dedup_service.run_dedup(store, review, who, progress=report)
    typer.echo(
        f"{summary.records} records: {summary.groups_created} new groups, "
        f"{summary.groups_extended} grown; {summary.duplicates_removed} duplicates removed; "
        f"{summary.pairs_to_review} uncertain pairs to review (sysreview dedup --queue)"
    )
    for warning in summary.warnings:
        typer.echo(f"warning: {warning}")


def _stateless(files: list[Path], out: Path | None) -> None:
    if out is None:
        raise InvalidInput("de-duplicating files without a review needs --out FILE.csv")
    inputs = [(path.name, read_input(path)) for path in files]
    rows, warnings = dedup_files(inputs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ASSIGNMENT_COLUMNS)
    writer.writerows(rows)
    write_file_atomically(out, buffer.getvalue().encode("utf-8"))
    for warning in warnings:
        typer.echo(f"warning: {warning}")
    typer.echo(f"wrote {len(rows)} records to {out}")


def _review_queue(store: Store, review: ReviewContext, who: str) -> None:
    console = Console()
    pairs = dedup_service.pending_pairs(store, review, who)
    if not pairs:
        typer.echo("no uncertain pairs to review")
        return
    for number, pair in enumerate(pairs, start=1):
        table = Table(
            "",
            f"record {pair.record_a}",
            f"record {pair.record_b}",
            title=f"pair {number}/{len(pairs)}: score {pair.score:.2f}",
        )
        for name in FIELDS:
            left, right = _shown(getattr(pair.a, name)), _shown(getattr(pair.b, name))
            style = "" if left == right else "bold yellow"
            table.add_row(name, left, right, style=style)
        console.print(table)
        console.print("evidence: " + "; ".join(pair.evidence), markup=False)
        key = typer.prompt("[d]uplicate, [n]ot duplicate, [s]kip, [q]uit", default="s")
        if key.startswith("q"):
            return
        if key[:1] in ("d", "n"):
            verdict = "same" if key.startswith("d") else "distinct"
            dedup_service.judge_pair(store, review, who, pair.record_a, pair.record_b, verdict)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)
