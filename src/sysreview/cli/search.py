"""``sysreview search``: translate a strategy between database syntaxes, show the protocol's
strategy for every database, and the search log (PRISMA-S appendix)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.search import SYNTAXES, SearchSyntaxError
from sysreview.services import search as search_service

app = typer.Typer(no_args_is_help=True)
SYNTAX_HELP = "One of: " + ", ".join(SYNTAXES) + "."
VOCABULARY_HELP = "Thesaurus of the database's subject headings: mesh, emtree, apa or eric."


@app.command("translate")
def translate(
    file: Annotated[str, typer.Argument(help="The strategy as a text file, or - for stdin.")],
    source: Annotated[str, typer.Option("--from", help=f"Its syntax. {SYNTAX_HELP}")],
    target: Annotated[str, typer.Option("--to", help=f"The syntax to write. {SYNTAX_HELP}")],
    from_vocabulary: Annotated[
        str | None, typer.Option("--from-vocabulary", help=VOCABULARY_HELP, show_default=False)
    ] = None,
    to_vocabulary: Annotated[
        str | None, typer.Option("--to-vocabulary", help=VOCABULARY_HELP, show_default=False)
    ] = None,
) -> None:
    """Translate a search strategy from one database's syntax into another's. What has no exact
    equivalent is written in the closest form with a '#' comment saying so.

    Example: sysreview search translate --from ovid --to ebsco medline-strategy.txt
    """
    text = _read(file)
    try:
        written = search_service.translate_text(
            text, source, target, from_vocabulary, to_vocabulary
        )
    except SearchSyntaxError as exc:
        name = "stdin" if file == "-" else file
        raise SearchSyntaxError(exc.reason, line=exc.line, column=exc.column, file=name) from None
    typer.echo(written.text)


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{file}: not UTF-8 text") from None


@app.command("show")
def show(
    syntax: Annotated[
        str | None,
        typer.Option("--syntax", help=f"Only this syntax. {SYNTAX_HELP}", show_default=False),
    ] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """The protocol's search strategy written for each database searched, then for every other
    syntax, with its version (the hash the search log links to).

    Example: sysreview search show -r my-review --syntax ovid
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    view = search_service.show_strategy(store, review, who, syntax)
    typer.echo(f"Search strategy version {view.version}")
    for version in view.versions:
        typer.echo(f"\n== {version.label} [{version.syntax}] ==")
        typer.echo(version.written.text)


@app.command("log")
def log(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the log: .csv (one row per search) or .md (the PRISMA-S appendix).",
            show_default=False,
        ),
    ] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """The search log: every search event with its database, platform, date, records and the
    strategy version it ran.

    Example: sysreview search log -r my-review --out search-appendix.md
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    if out is not None and out.suffix.lower() not in (".csv", ".md"):
        raise InvalidInput(f"{out}: write .csv or .md (the suffix picks the format)")
    entries = search_service.search_log(store, review, who)
    if out is not None:
        if out.suffix.lower() == ".csv":
            data = search_service.log_csv(entries)
        else:
            data = search_service.log_markdown(review, entries).encode("utf-8")
        write_file_atomically(out, data)
        typer.echo(f"wrote {out}")
        return
    if entries.version:
        typer.echo(f"Current strategy version: {entries.version}")
    for e in entries.entries:
        mark = "" if e.current or not e.strategy_version else " (earlier version)"
        typer.echo(
            f"{e.event_id}\t{e.searched_on or '-'}\t{e.database}\t{e.platform or '-'}\t"
            f"{e.records} records\t{e.strategy_version or 'no strategy version'}{mark}"
        )
