"""``sysreview synthesis codes|theme|matrix|unblind``: coding in and out, the codebook, the
matrix, and the end of blind coding.

Registered onto the ``synthesis`` group by :func:`register`; each command is a few lines over
the synthesis services.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.cli.options import Actor, DbUrl, ReviewDir, open_for_command, read_input
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.services import (
    synthesis,
    synthesis_blind,
    synthesis_outputs,
    synthesis_qda_import,
    synthesis_transfer,
)
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store
from sysreview.synthesis.codebook import LEVELS

codes_app = typer.Typer(help="Coded excerpts: import and export.", no_args_is_help=True)
theme_app = typer.Typer(help="The codebook: codes and themes.", no_args_is_help=True)
Level = Annotated[str, typer.Option(help=f"One of {', '.join(LEVELS)}.")]


@codes_app.command("import")
def import_codes(
    coding: Annotated[Path, typer.Argument(help=", ".join(synthesis_transfer.COLUMNS))],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Import coded excerpts from a CSV or a REFI-QDA project (.qdpx), all or nothing; new
    codes are created. A .qdpx source is named "<study label>: <field, note T, full text of
    report N>", as the export names them.

    Columns: study, report (record id or empty), source (extraction, fulltext, note), location
    (e.g. "field=outcomes" or "page=3; chars=120-180"), excerpt, code ("Theme > code"), coder.

    Example: sysreview synthesis codes import coding.csv -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    if coding.suffix.lower() == ".qdpx":
        project = synthesis_qda_import.import_qdpx(
            store, review, who, read_input(coding), coding.name
        )
        typer.echo(
            f"imported {project.selections} selections from {project.sources} sources: "
            f"{project.excerpts} excerpts, {len(project.codes_created)} new codes"
        )
        return
    done = synthesis_transfer.import_coding(store, review, who, read_input(coding), coding.name)
    typer.echo(
        f"imported {done.rows} rows: {done.excerpts} excerpts, {len(done.codes_created)} new codes"
    )


@codes_app.command("export")
def export_codes(
    out: Annotated[Path, typer.Option(help="FILE.csv, FILE.qdpx (REFI-QDA) or FILE.qdc")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Export the coding: CSV (the import's columns), a REFI-QDA project or its codebook.

    Example: sysreview synthesis codes export --out coding.qdpx
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    writers = {
        ".csv": synthesis_transfer.export_coding_csv,
        ".qdpx": synthesis_transfer.export_project_qdpx,
        ".qdc": synthesis_transfer.export_codebook_qdc,
    }
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise InvalidInput(f"{out}: --out must end in .csv, .qdpx or .qdc")
    write_file_atomically(out, writer(store, review, who))
    typer.echo(f"wrote {out}")


def matrix(
    out: Annotated[Path, typer.Option(help="FILE.html, .csv, .xlsx, .docx, .svg or .png")],
    level: Annotated[str | None, typer.Option(help=f"Rows: {', '.join(LEVELS)}.")] = None,
    coder: Annotated[str | None, typer.Option(help="Only this coder's excerpts.")] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Write the evidence matrix (themes × studies with excerpts, design and appraisal), or
    its heat map as .svg or .png; prints studies and reports per theme.

    Example: sysreview synthesis matrix --out matrix.docx
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in synthesis_outputs.MATRIX_FORMATS:
        raise InvalidInput(
            f"{out}: --out must end in .{', .'.join(synthesis_outputs.MATRIX_FORMATS)}"
        )
    write_file_atomically(
        out, synthesis_outputs.matrix_bytes(store, review, who, fmt, level=level, coder=coder)
    )
    built = synthesis_outputs.build_matrix(store, review, who, level=level, coder=coder)
    for row in built.rows:
        typer.echo(f"{row.path}: {row.studies} studies, {row.reports} reports")
    typer.echo(f"wrote {out}")


def _code_id(store: Store, review: ReviewContext, who: str, path: str) -> int:
    return synthesis.code_by_path(store, review, who, path).id


@theme_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The new code's or theme's name.")],
    level: Level = "analytical",
    parent: Annotated[str | None, typer.Option(help="File it under this code or theme.")] = None,
    definition: Annotated[str, typer.Option(help="What the code or theme means.")] = "",
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Add a theme (or, with --level code, a code) to the codebook.

    Example: sysreview synthesis theme add "Sense of community" --level analytical
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    parent_id = None if parent is None else _code_id(store, review, who, parent)
    code = synthesis.add_code(
        store, review, who, name, level=level, parent=parent_id, definition=definition
    )
    typer.echo(f"added {code.level} {code.name!r} (id {code.id})")


@theme_app.command("move")
def move(
    code: Annotated[str, typer.Argument(help="The code or theme, by name or 'Theme > code'.")],
    parent: Annotated[
        str | None, typer.Option(help="The new parent; leave out for the top level.")
    ] = None,
    level: Annotated[str | None, typer.Option(help="A new level, e.g. to promote a code.")] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """File a code or theme under another theme (its own codes move with it).

    Example: sysreview synthesis theme move "peer support" --parent "Coping and mental wellbeing"
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    code_id = _code_id(store, review, who, code)
    parent_id = None if parent is None else _code_id(store, review, who, parent)
    moved = synthesis.move_code(store, review, who, code_id, parent_id, level)
    typer.echo(f"moved {moved.name!r} under {parent or 'the top level'}")


@theme_app.command("rename")
def rename(
    code: Annotated[str, typer.Argument(help="The code or theme, by name or 'Theme > code'.")],
    name: Annotated[str, typer.Argument(help="Its new name.")],
    definition: Annotated[str | None, typer.Option(help="A new definition.")] = None,
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Rename a code or theme (and change its definition).

    Example: sysreview synthesis theme rename "Community" "Sense of community"
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    renamed = synthesis.rename_code(
        store, review, who, _code_id(store, review, who, code), name, definition
    )
    typer.echo(f"renamed to {renamed.name!r}")


@theme_app.command("merge")
def merge(
    codes: Annotated[list[str], typer.Argument(help="The codes to merge, then the target.")],
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Merge codes into the last one named: their excerpts and codes move to it.

    Example: sysreview synthesis theme merge "listening skills" "Communication skills"
    """
    if len(codes) < 2:
        raise InvalidInput("name the codes to merge and then the code to merge them into")
    store, review, who = open_for_command(review_dir, db, as_user)
    ids = [_code_id(store, review, who, c) for c in codes]
    target = synthesis.merge_codes(store, review, who, ids[:-1], ids[-1])
    typer.echo(f"merged {len(ids) - 1} code(s) into {target.name!r}")


@theme_app.command("list")
def list_codes(
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """Print the codebook as a tree, with each node's level and id.

    Example: sysreview synthesis theme list -r my-review
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    for depth, code in synthesis.load_codebook(store, review, who).walk():
        typer.echo(f"{'  ' * depth}{code.name} [{code.level}, id {code.id}]")


def unblind(
    review_dir: ReviewDir = Path("."),
    db: DbUrl = None,
    as_user: Actor = None,
) -> None:
    """End blind coding: every coder now sees the others' coding, and the comparison opens.

    Example: sysreview synthesis unblind -r my-review --as alice
    """
    store, review, who = open_for_command(review_dir, db, as_user)
    synthesis_blind.end_blind_coding(store, review, who)
    typer.echo("blind coding ended: every coder now sees all the coding")


def register(app: typer.Typer) -> None:
    """Add ``codes``, ``theme``, ``matrix`` and ``unblind`` to the ``synthesis`` group."""
    app.add_typer(codes_app, name="codes")
    app.add_typer(theme_app, name="theme")
    app.command("matrix")(matrix)
    app.command("unblind")(unblind)
