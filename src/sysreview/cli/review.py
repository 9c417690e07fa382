"""``sysreview init``, ``demo`` and ``status``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sysreview.cli.options import Actor, DbUrl, ReviewDir, acting_user, open_for_command
from sysreview.demo import build_demo
from sysreview.services.reviews import init_review
from sysreview.services.status import review_status


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("status")(status)


def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create the review in.")],
    title: Annotated[str, typer.Option(help="The review's title.")] = "Untitled review",
    owner: Annotated[
        str | None, typer.Option(help="Owner's user name (default: your login name).")
    ] = None,
    db: DbUrl = None,
) -> None:
    """Create a review folder with a commented protocol.yaml and its database.

    Example: sysreview init my-review --title "Exercise for low back pain" --owner alice
    """
    _, review = init_review(folder, title, acting_user(owner), db)
    typer.echo(f"created review {review.slug!r} in {review.folder}")
    typer.echo(f"edit {review.folder / 'protocol.yaml'} to set the question, criteria and team")


def demo(
    folder: Annotated[Path, typer.Argument(help="Folder to build the demo review in.")],
    db: DbUrl = None,
) -> None:
    """Build the demo review (peer mentorship in medical residency) with demo logins.

    Example: sysreview demo demo-review && sysreview serve -r demo-review
    """
    built = build_demo(folder, db)
    typer.echo(f"built the demo review {built.review.slug!r} in {built.review.folder}")
    for user, password in built.logins.items():
        role = built.review.role_of(user)
        typer.echo(f"  login {user} / {password}  ({role})")


def status(
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stable JSON form.")] = False,
) -> None:
    """Counts per stage: records, screened, included, excluded, conflicts.

    Example: sysreview status -r my-review --json | jq .stages
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    counts = review_status(store, review, who)
    if as_json:
        typer.echo(json.dumps(counts, indent=2, ensure_ascii=False))
        return
    _print_status(counts)


def _print_status(counts: dict) -> None:
    console = Console()
    console.print(f"[bold]{counts['title']}[/bold]  ({counts['review']})", markup=True)
    console.print(f"records: {counts['records']['total']}", markup=False)
    for source in counts["records"]["by_source"]:
        console.print(f"  {source['source']}: {source['records']}", markup=False)
    table = Table("stage", "records", "screened", "included", "excluded", "conflicts")
    for stage in counts["stages"]:
        table.add_row(
            stage["label"],
            *(str(stage[k]) for k in ("records", "screened", "included", "excluded", "conflicts")),
        )
    console.print(table)
