"""``sysreview screen``, ``decisions``, ``agreement`` and ``fulltext``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.services import decisions, fulltexts, screening
from sysreview.services.agreement import stage_agreement

Stage = Annotated[str, typer.Option("--stage", help="Stage name from the protocol.")]

decisions_app = typer.Typer(help="Screening decisions as CSV.", no_args_is_help=True)
fulltext_app = typer.Typer(help="Full texts of records.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("agreement")(agreement)
    app.add_typer(decisions_app, name="decisions")
    app.add_typer(fulltext_app, name="fulltext")


KEYS = {"i": "include", "e": "exclude", "m": "maybe"}


def screen(
    stage: Stage = "title_abstract",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Screen in the terminal: one record at a time, a key per decision.

    Keys: i include, e exclude, m maybe, s skip, q quit.
    Example: sysreview screen -r my-review --stage title_abstract --as alice
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    console = Console()
    protocol_stage = review.protocol.stage(stage)
    after: int | None = None
    while (view := screening.next_record(store, review, who, stage, after)) is not None:
        done = screening.reviewer_progress(store, review, who, stage)
        record = view.record
        console.print(
            Panel(
                f"{record.abstract or '(no abstract)'}",
                title=f"[{done['decided']}/{done['records']}] {record.title}",
                subtitle=f"{'; '.join(record.authors[:3])} {record.year or ''}",
            ),
            markup=False,
        )
        key = typer.prompt("[i]nclude [e]xclude [m]aybe [s]kip [q]uit", default="s")[:1]
        if key == "q":
            return
        if key not in KEYS:
            after = view.id
            continue
        reason = ""
        if KEYS[key] == "exclude" and protocol_stage.exclusion_reasons:
            for number, text in enumerate(protocol_stage.exclusion_reasons, start=1):
                console.print(f"  {number}. {text}", markup=False)
            pick = typer.prompt("reason number", type=int)
            if not 1 <= pick <= len(protocol_stage.exclusion_reasons):
                raise InvalidInput(
                    f"choose a reason from 1 to {len(protocol_stage.exclusion_reasons)}"
                )
            reason = protocol_stage.exclusion_reasons[pick - 1]
        screening.decide(store, review, who, stage, view.id, KEYS[key], reason=reason)
        after = view.id
    typer.echo("nothing left for you to screen at this stage")


def agreement(
    stage: Annotated[str | None, typer.Option("--stage", help="One stage (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Agreement between reviewers per stage: kappa with 95 % CI, PABAK, AC1.

    Example: sysreview agreement -r my-review --json
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    names = [stage] if stage else [s.name for s in review.protocol.stages]
    results = [stage_agreement(store, review, who, name) for name in names]
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    for result in results:
        typer.echo(result["label"])
        for pair in result["pairs"]:
            typer.echo(
                f"  {pair['reviewer_a']} & {pair['reviewer_b']}: n={pair['n']} "
                f"agreement={_f(pair['observed'])} kappa={_f(pair['kappa'])} "
                f"CI={_ci(pair['kappa_ci'])} PABAK={_f(pair['pabak'])}"
                + (f" ({pair['reason']})" if pair["reason"] else "")
            )
        if not result["pairs"]:
            typer.echo("  no record judged by two reviewers yet")


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ci(ci: list[float] | tuple[float, float] | None) -> str:
    return "n/a" if ci is None else f"{ci[0]:.3f}-{ci[1]:.3f}"


@decisions_app.command("export")
def export_decisions(
    output: Annotated[Path, typer.Option("--output", "-o")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write the decisions you may see to CSV.

    Example: sysreview decisions export -o decisions.csv
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    write_file_atomically(output, decisions.export_decisions(store, review, who))
    typer.echo(f"wrote {output}")


@decisions_app.command("import")
def import_decisions(
    file: Path,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Import decisions made elsewhere (owners; all or nothing).

    Columns: stage, record_id, reviewer, verdict, reason, note, labels.
    Example: sysreview decisions import rayyan-decisions.csv
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    count = decisions.import_decisions(store, review, who, read_input(file), file.name)
    typer.echo(f"imported {count} decisions")


@fulltext_app.command("attach")
def attach(
    record_id: int,
    pdf: Path,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Store a record's full text (PDF) and extract its text.

    Example: sysreview fulltext attach 42 eisen2014.pdf
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    info = fulltexts.attach_full_text(store, review, who, record_id, read_input(pdf), pdf.name)
    typer.echo(f"record {record_id}: {info.file_name}, {info.text_length} characters of text")
    for warning in info.warnings:
        typer.echo(f"warning: {warning}")


@fulltext_app.command("not-retrieved")
def not_retrieved(
    record_id: int,
    note: Annotated[str, typer.Option(help="What was tried.")] = "",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Record that a report could not be retrieved (PRISMA counts it).

    Example: sysreview fulltext not-retrieved 42 --note "not held by the library; ILL failed"
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    fulltexts.mark_not_retrieved(store, review, who, record_id, note)
    typer.echo(f"record {record_id}: recorded as not retrieved")
