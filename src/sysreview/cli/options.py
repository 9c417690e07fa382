"""Options shared by the commands: which review, which database, who is acting."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from sysreview.errors import InvalidInput
from sysreview.services.reviews import ReviewContext, open_review, open_store
from sysreview.store.engine import Store

ReviewDir = Annotated[
    Path,
    typer.Option(
        "--review", "-r", help="The review folder.", envvar="SYSREVIEW_REVIEW", show_default=False
    ),
]
DbUrl = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db or postgresql://user@host/db); "
        "default: $SYSREVIEW_DATABASE_URL, else sysreview.db in the review folder.",
        show_default=False,
    ),
]
Actor = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="The team member you act as (default: $SYSREVIEW_USER, else your login name).",
        show_default=False,
    ),
]


def acting_user(name: str | None) -> str:
    return name or os.environ.get("SYSREVIEW_USER") or getpass.getuser()


def open_for_command(
    folder: Path, db_url: str | None, actor: str | None
) -> tuple[Store, ReviewContext, str]:
    """Store, review and acting user for a command that works on one review."""
    who = acting_user(actor)
    store = open_store(folder, db_url)
    return store, open_review(store, folder, actor=who), who


def read_input(path: Path) -> bytes:
    """The bytes of a file the user named, or an error naming it (never a traceback)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the file ({exc.strerror})") from None
