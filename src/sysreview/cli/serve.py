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

    from sysreview.services.ranking_process import shutdown, start_now, train_in_worker_process
    from sysreview.web import create_app

    store = open_store(review_dir, db)
    train_in_worker_process()  # a retrain must not hold up the requests (see that module)
    start_now()
    # The ranking page's stopping advice (SciPy) loads now, not while its first viewer waits.
    from sysreview.ranking import stopping_advice  # noqa: F401

    typer.echo(f"sysreview is at http://{host}:{port}/  (Ctrl+C stops it)")
    # uvicorn ends the process by the signal that stopped it, so no exit handler would run: the
    # training worker is stopped as the app shuts down
    app = create_app(store, on_shutdown=shutdown)
    uvicorn.run(app, host=host, port=port, log_level="warning")
