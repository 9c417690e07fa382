"""``sysreview db``: schema upgrades and checks."""

from __future__ import annotations

from pathlib import Path

import typer

from sysreview.cli.options import DbUrl, ReviewDir
from sysreview.services.reviews import database_url
from sysreview.store.engine import Store
from sysreview.store.schema import check_schema, head_revision
from sysreview.store.schema import upgrade as upgrade_schema

app = typer.Typer(help="The review database: upgrade and check its schema.", no_args_is_help=True)


@app.command()
def upgrade(review_dir: ReviewDir = Path("."), db: DbUrl = None) -> None:
    """Migrate the database to the schema of this sysreview (back it up first).

    Example: sysreview db upgrade --db postgresql://team@dbhost/reviews
    """
    store = Store(database_url(review_dir, db))
    before, after = upgrade_schema(store)
    if before == after:
        typer.echo(f"{store.safe_url} is up to date (schema {after})")
    else:
        typer.echo(f"{store.safe_url}: schema {before or 'empty'} -> {after}")


@app.command()
def check(review_dir: ReviewDir = Path("."), db: DbUrl = None) -> None:
    """Exit 0 when the database is at this sysreview's schema, else say what to do.

    Example: sysreview db check -r my-review
    """
    store = Store(database_url(review_dir, db))
    check_schema(store)
    typer.echo(f"{store.safe_url} is at schema {head_revision()}")
