"""``sysreview prisma``: the PRISMA 2020 counts and diagram, and counts entered by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.reporting import InconsistentCounts, PrismaCounts, to_json_dict
from sysreview.reporting.prisma import label
from sysreview.services import prisma as prisma_service

app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


@app.callback()
def show(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the counts under the PRISMA2020 CSV data keys as JSON."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the diagram or counts; the suffix picks the format: .svg, .png, .pdf, "
            ".csv (the PRISMA2020 package's template) or .json.",
            show_default=False,
        ),
    ] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """The review's PRISMA 2020 counts, computed from its records; counts entered by hand are
    marked. Exits 1, naming each box and why, when the counts do not add up (records still
    unscreened, conflicts unresolved, …); no diagram is drawn then.

    Example: sysreview prisma -r my-review --out prisma.svg
    """
    if ctx.invoked_subcommand is not None:
        return
    store, review, who = open_for_command(review_dir, db, as_user)
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in prisma_service.FORMATS:
            raise InvalidInput(
                f"{out}: write .svg, .png, .pdf, .csv or .json (the suffix picks the format)"
            )
        write_file_atomically(out, prisma_service.prisma_outputs(store, review, who, fmt))
        typer.echo(f"wrote {out}")
    summary = prisma_service.prisma_summary(store, review, who)
    if as_json:
        typer.echo(json.dumps(to_json_dict(summary.counts), indent=2, ensure_ascii=False))
    elif out is None:
        _print_counts(summary.counts, summary.entered)
    if summary.problems:
        raise InconsistentCounts(summary.problems)


@app.command("enter")
def enter(
    key: Annotated[str, typer.Argument(help="A PRISMA2020 data key, e.g. records_screened.")],
    value: Annotated[
        str,
        typer.Argument(
            help="A whole number; NA for not reported; for dbr_excluded, other_excluded and "
            "the *_specific_results keys: 'Name, 12; Other name, 3' or a JSON object."
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="Where the count comes from.")] = "",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Enter a count by hand (owners): it replaces the computed one and is marked as entered.

    Example: sysreview prisma enter records_screened 372 --note "carried over from Covidence"
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    entered = prisma_service.enter_count(
        store, review, who, key, prisma_service.parse_value(key, value), note
    )
    typer.echo(f"{label(key)}: entered {prisma_service.value_text(entered.value)}")


@app.command("clear")
def clear(
    key: Annotated[str, typer.Argument(help="The PRISMA2020 data key entered by hand.")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Remove a count entered by hand (owners), so the computed one shows again.

    Example: sysreview prisma clear records_screened -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    prisma_service.clear_entered_count(store, review, who, key)
    typer.echo(f"{label(key)}: computed from the review again")


def _print_counts(counts: PrismaCounts, entered: list[prisma_service.EnteredValue]) -> None:
    notes = {e.key: e for e in entered}
    for key, value in to_json_dict(counts).items():
        if key == "entered" or (value in (None, {}) and key not in notes):
            continue
        text = prisma_service.value_text(getattr(counts, key))
        mark = " (entered)" if key in notes else ""
        typer.echo(f"{label(key, counts.template)}: {text}{mark}")
        if key in notes and notes[key].note:
            typer.echo(f"    {notes[key].note}")
