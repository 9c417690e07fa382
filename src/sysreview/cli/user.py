"""``sysreview user``: accounts for logging in to the web app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import DbUrl, ReviewDir, acting_user
from sysreview.services import accounts
from sysreview.services.reviews import open_store

app = typer.Typer(
    help="User accounts (passwords are stored as argon2id hashes).", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, _ - .")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user who can log in.

    Example: echo 's3cret-pass' | sysreview user add alice --name "Alice A" --password-stdin
    """
    store = open_store(review_dir, db)
    accounts.add_user(store, username, _read_password(password_stdin), name, acting_user(None))
    typer.echo(f"added user {username}")


@app.command("passwd")
def passwd(
    username: str,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (also lets a team member listed in the protocol log in).

    Example: sysreview user passwd ln -r my-review
    """
    store = open_store(review_dir, db)
    accounts.set_password(store, username, _read_password(password_stdin), acting_user(None))
    typer.echo(f"password set for {username}")


@app.command("list")
def list_users(review_dir: ReviewDir = Path("."), db: DbUrl = None) -> None:
    """List accounts and whether each can log in.

    Example: sysreview user list -r my-review
    """
    store = open_store(review_dir, db)
    for row in accounts.list_users(store):
        login = "can log in" if row["can_log_in"] else "no password yet"
        typer.echo(f"{row['username']}\t{row['display_name']}\t{login}")
