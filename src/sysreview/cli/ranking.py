"""``sysreview ranking``: how prioritised screening stands, and the random-sampling phase."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview import ranking as ranking_models  # models load on first use, not per command
from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.services import ranking_status as service

app = typer.Typer(no_args_is_help=True)

StageName = Annotated[
    str | None,
    typer.Option("--stage", "-s", help="The stage (default: the first).", show_default=False),
]


@app.command("status")
def status(
    stage: StageName = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """The order you screen in, the model behind it (retrained now on every decision), how
    many relevant records probably remain, and each stopping rule's verdict.

    Example: sysreview ranking status -r my-review --stage title_abstract
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    name = stage or review.protocol.stages[0].name
    found = service.ranking_status(store, review, who, name, train=True)
    if as_json:
        typer.echo(service.as_json(found))
        return
    typer.echo(f"{found.label}: {found.records} records")
    typer.echo(f"Order: {found.order.text}")
    if found.model is not None:
        model = found.model
        typer.echo(
            f"Model: {model.preset} (seed {model.seed}), trained on {model.included} relevant "
            f"and {model.excluded} irrelevant records in {model.seconds:.2f} s"
        )
    if found.advice is None:
        typer.echo("Stopping advice: nothing screened yet.")
        return
    advice = found.advice
    typer.echo(
        f"Screened {advice.screened}, relevant found {advice.relevant_found}; "
        f"{advice.remaining.describe()}"
    )
    for rule in advice.rules:
        verdict = "STOP" if rule.stop else "go on"
        typer.echo(f"  {rule.rule} [{rule.kind}]: {verdict}. {rule.message}")
    typer.echo(advice.summary)
    if not found.sampling_started:
        typer.echo("Random sampling has not begun (start it: sysreview ranking sample).")


@app.command("sample")
def sample(
    stage: StageName = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Begin the random-sampling phase (owners): from now on everyone gets the stage's records
    in a seeded random order, and those screened form the sample the hypergeometric stopping
    rule tests recall with.

    Example: sysreview ranking sample -r my-review --stage title_abstract
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    name = stage or review.protocol.stages[0].name
    service.start_sampling(store, review, who, name)
    typer.echo(f"random sampling begun at {review.protocol.stage(name).label}")


@app.command("models")
def models() -> None:
    """The ranking models a stage's `model` in the protocol may name, the default first, and
    those that need an optional part installed.

    Example: sysreview ranking models
    """
    from sysreview.ranking.presets import UNAVAILABLE

    for name, preset in ranking_models.PRESETS.items():
        marker = " (default)" if name == ranking_models.DEFAULT_PRESET else ""
        typer.echo(f"{name}{marker}: {preset.label}")
        typer.echo(f"    {preset.description}")
    for name, extra in sorted(UNAVAILABLE.items()):
        typer.echo(f"{name}: needs an optional part: pip install 'sysreview[{extra}]'")
