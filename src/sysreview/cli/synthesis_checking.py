"""``sysreview synthesis check|checking``: one coder with checking, from a terminal.

Registered onto the ``synthesis`` group by :func:`register`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command
from sysreview.errors import InvalidInput
from sysreview.services import synthesis_checking


def check(
    excerpt: Annotated[int, typer.Argument(help="The excerpt's id (see `checking` or export).")],
    agree: Annotated[bool, typer.Option("--agree", help="The codes fit the words.")] = False,
    dispute: Annotated[
        bool, typer.Option("--dispute", help="They do not; say why in --comment.")
    ] = False,
    comment: Annotated[str, typer.Option(help="Why (required with --dispute).")] = "",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Agree with a coded excerpt or dispute it (checked coding: `synthesis: mode: checked`).
    A verdict replaces your earlier one on the same excerpt.

    Example: sysreview synthesis check 12 --dispute --comment "about support, not skills"
    """
    if agree == dispute:
        raise InvalidInput("say --agree or --dispute (one of them)")
    store, review, who = open_for_command(review_dir, db, as_user)
    verdict = "agree" if agree else "dispute"
    state = synthesis_checking.check_excerpt(store, review, who, excerpt, verdict, comment)
    typer.echo(f"excerpt {excerpt}: {state}")


def checking(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Print how far checking has come in each study, and every disputed excerpt with the
    checker's comment.

    Example: sysreview synthesis checking --json
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    studies, disputes = synthesis_checking.checking_progress(store, review, who)
    if as_json:
        data = {
            "studies": [
                {"study": s.study, "excerpts": s.excerpts, "done": s.done, **s.states}
                for s in studies
            ],
            "disputes": [
                {
                    "excerpt": d.excerpt.id,
                    "study": d.excerpt.study,
                    "text": d.excerpt.text,
                    "coder": d.excerpt.coder,
                    "checks": [
                        {"checker": c.checker, "verdict": c.verdict, "comment": c.comment}
                        for c, current in d.checks
                        if current
                    ],
                }
                for d in disputes
            ],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for s in studies:
        to_check = s.states["unchecked"] + s.states["partly"]
        typer.echo(
            f"{s.study}: {s.excerpts} excerpts, {s.states['agreed']} agreed, "
            f"{s.states['disputed']} disputed, {to_check} to check"
        )
    for d in disputes:
        typer.echo(f"disputed excerpt {d.excerpt.id} ({d.excerpt.study}, {d.excerpt.coder}):")
        typer.echo(f"  “{d.excerpt.text}”")
        for c, current in d.checks:
            if current and c.verdict == "dispute":
                typer.echo(f"  {c.checker}: {c.comment}")


def register(app: typer.Typer) -> None:
    """Add ``check`` and ``checking`` to the ``synthesis`` group."""
    app.command("check")(check)
    app.command("checking")(checking)
