"""The ``sysreview`` command: Typer commands, each a few lines over a service call.

:func:`main` is the one place where a :class:`~sysreview.errors.SysreviewError` becomes a
one-line message on stderr and the error's exit code.
"""

from __future__ import annotations

import sys

import typer

from sysreview.cli import (
    appraisal,
    archive,
    audit,
    backup,
    db,
    dedup,
    extraction,
    prisma,
    ranking,
    records,
    report,
    review,
    screening,
    search,
    serve,
    simulate,
    synthesis,
    user,
)
from sysreview.errors import SysreviewError

app = typer.Typer(
    name="sysreview",
    help="A workbench for the whole systematic review. Start with `sysreview demo DIR`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
review.register(app)
records.register(app)
dedup.register(app)
backup.register(app)
report.register(app)
simulate.register(app)
screening.register(app)
serve.register(app)
app.add_typer(db.app, name="db")
app.add_typer(user.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(appraisal.app, name="appraisal")
app.add_typer(extraction.app, name="extraction")
app.add_typer(prisma.app, name="prisma")
app.add_typer(ranking.app, name="ranking")
app.add_typer(synthesis.app, name="synthesis")
app.add_typer(archive.app, name="archive")
app.add_typer(search.app, name="search")


def main() -> None:
    """Entry point: run the app, turning our errors into a clear line and an exit code."""
    try:
        code = app(standalone_mode=False)
    except SysreviewError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Usage errors come from the click that Typer bundles; they know how to show themselves.
        exit_code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(exit_code, int):
            exc.show()
            sys.exit(exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
