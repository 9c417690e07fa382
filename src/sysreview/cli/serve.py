"""``sysreview serve``: the web app on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import DbUrl, ReviewDir
from sysreview.services.reviews import open_store


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app for the reviews in this database.

    Example: sysreview serve -r demo-review --port 8000
    """
    import uvicorn

    from sysreview.web import create_app

    store = open_store(review_dir, db)
    typer.echo(f"sysreview is at http://{host}:{port}/  (Ctrl+C stops it)")
    uvicorn.run(create_app(store), host=host, port=port, log_level="warning")
