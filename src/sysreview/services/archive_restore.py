"""Reading an archive back: checked whole first, then restored into a new store in one go.

Every check runs before anything is written: the manifest's format and schema revision, each
file's SHA-256, each line's fields and types, every reference between tables, and the audit
chain. A problem is reported with the file and line; then the rows are inserted in one
transaction with their original ids (PostgreSQL's sequences moved past them), the stored files
and the protocol written, and the new folder removed again if anything fails.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sysreview.errors import AlreadyExists, InvalidInput, ProtocolError, StoreError
from sysreview.files import write_file_atomically
from sysreview.protocol import PROTOCOL_FILENAME, parse_protocol
from sysreview.services.archive import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    MANIFEST,
    NEW_FOLDER,
    TABLES,
    ArchivedTable,
    blob_path,
    jsonl_lines,
)
from sysreview.services.reviews import database_url
from sysreview.store.audit import GENESIS, entry_digest
from sysreview.store.engine import Store
from sysreview.store.models import AuditEntry, Review, User
from sysreview.store.schema import head_revision, upgrade

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class RestoreSummary:
    folder: Path
    url: str
    rows: dict[str, int]
    files: int


def _bad(file: str, line: int | None, problem: str) -> InvalidInput:
    where = f"{file}:{line}" if line else file
    return InvalidInput(f"{where}: {problem}")


def check_archive(folder: Path) -> tuple[dict[str, Any], Rows]:
    """The manifest and every table's rows, or the first problem with its file and line."""
    manifest = _manifest(folder)
    _check_hashes(folder, manifest)
    rows = {entry.file: _parents_first(entry, _rows(folder, entry)) for entry in TABLES}
    _check_references(rows)
    _check_stored_files(manifest, rows["full_texts.jsonl"])
    _check_chain(rows["audit_log.jsonl"])
    protocol_text = (folder / PROTOCOL_FILENAME).read_bytes().decode("utf-8", "replace")
    try:
        parse_protocol(protocol_text, PROTOCOL_FILENAME)
    except ProtocolError as exc:
        raise _bad(PROTOCOL_FILENAME, None, str(exc)) from None
    return manifest, rows


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise InvalidInput(f"{folder} is not a sysreview archive: it has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _bad(MANIFEST, None, f"not a readable manifest ({exc})") from None
    if not isinstance(files, dict) or not all(isinstance(f, dict) for f in files.values()):
        raise _bad(MANIFEST, None, "its files entry is not a name → facts table")
    if (
        manifest.get("format") != ARCHIVE_FORMAT
        or manifest.get("format_version") != ARCHIVE_VERSION
    ):
        raise _bad(MANIFEST, None, f"not a {ARCHIVE_FORMAT} version {ARCHIVE_VERSION} manifest")
    if manifest.get("schema_revision") != head_revision():
        raise _bad(
            MANIFEST,
            None,
            f"written at schema revision {manifest.get('schema_revision')!r}; this sysreview "
            f"restores revision {head_revision()!r} only: restore it with the sysreview that "
            "wrote it, then run `sysreview db upgrade`",
        )
    needed = {entry.file for entry in TABLES} | {PROTOCOL_FILENAME}
    missing = sorted(needed - set(files))
    if missing:
        raise _bad(MANIFEST, None, f"lists no {', '.join(missing)}")
    return dict(manifest)


def _check_hashes(folder: Path, manifest: dict[str, Any]) -> None:
    for name, facts in sorted(manifest["files"].items()):
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            raise _bad(name, None, "listed in the manifest but missing from the archive")
        if hashlib.sha256(path.read_bytes()).hexdigest() != facts.get("sha256"):
            raise _bad(name, None, "its SHA-256 differs from the manifest's (changed by hand?)")


_PYTHON_TYPES: tuple[tuple[type, tuple[type, ...]], ...] = (
    (Boolean, (bool,)),
    (Integer, (int,)),
    (Float, (int, float)),
    (String, (str,)),
    (Text, (str,)),
)


def _value(entry: ArchivedTable, name: str, value: Any, file: str, line: int) -> Any:
    """The column's value as the database takes it, or an error naming the field."""
    column = entry.table.c[name]
    if value is None:
        if not column.nullable:
            raise _bad(file, line, f"{name} is empty, but it must have a value")
        return None
    if isinstance(column.type, DateTime):
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _bad(file, line, f"{name} {value!r} is not a time") from None
    for sql_type, python_types in _PYTHON_TYPES:
        if isinstance(column.type, sql_type):
            wrong_bool = isinstance(value, bool) and bool not in python_types
            if wrong_bool or not isinstance(value, python_types):
                raise _bad(file, line, f"{name} {value!r} is not a {sql_type.__name__.lower()}")
    return value


def _rows(folder: Path, entry: ArchivedTable) -> list[dict[str, Any]]:
    expected = set(entry.columns)
    rows = []
    try:
        lines = jsonl_lines((folder / entry.file).read_bytes())
    except UnicodeDecodeError:
        raise _bad(entry.file, None, "not UTF-8 text") from None
    for number, line in enumerate(lines, start=1):
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise _bad(entry.file, number, f"not a JSON line ({exc.args[0]})") from None
        if not isinstance(raw, dict) or set(raw) != expected:
            found = set(raw) if isinstance(raw, dict) else set()
            missing, extra = sorted(expected - found), sorted(found - expected)
            raise _bad(entry.file, number, f"fields missing {missing}, unexpected {extra}")
        rows.append({k: _value(entry, k, v, entry.file, number) for k, v in raw.items()})
    return rows


def _check_references(rows: Rows) -> None:
    """Every foreign key points at a row in the archive (a hand-edited id is named here)."""
    by_table = {entry.table.name: entry for entry in TABLES}
    ids = {
        entry.table.name: {row["id"] for row in rows[entry.file]}
        for entry in TABLES
        if "id" in entry.columns
    }
    for entry in TABLES:
        for column in entry.table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if target not in by_table:
                    continue
                for number, row in enumerate(rows[entry.file], start=1):
                    value = row.get(column.name)
                    if value is not None and value not in ids[target]:
                        raise _bad(
                            entry.file,
                            number,
                            f"{column.name} {value} names no row of {by_table[target].file}",
                        )


def _check_stored_files(manifest: dict[str, Any], full_texts: list[dict[str, Any]]) -> None:
    """Each full text's file is in the archive, under the name its own SHA-256 gives."""
    for name, facts in manifest["files"].items():
        if name.startswith("files/") and name != blob_path(str(facts.get("sha256"))):
            raise _bad(name, None, "its name is not its SHA-256")
    for number, row in enumerate(full_texts, start=1):
        if row["sha256"] and blob_path(row["sha256"]) not in manifest["files"]:
            raise _bad(
                "full_texts.jsonl", number, f"its file {blob_path(row['sha256'])} is missing"
            )


def _check_chain(entries: list[dict[str, Any]]) -> None:
    """The audit entries chain from the first one ever written, each matching its hash."""
    previous = GENESIS
    for number, row in enumerate(entries, start=1):
        if row["prev_hash"] != previous:
            problem = (
                "does not link to the entry before it (one was removed, or the source store "
                "held other reviews whose entries sit in between: such an archive can be read "
                "but not restored as a verifiable trail)"
            )
            raise _bad("audit_log.jsonl", number, f"entry {row['id']} {problem}")
        if entry_digest(AuditEntry(**row)) != row["entry_hash"]:
            raise _bad(
                "audit_log.jsonl",
                number,
                f"entry {row['id']}: its content does not match its hash (it was altered)",
            )
        previous = row["entry_hash"]


def restore_archive(archive: Path, into: Path, db_url: str | None = None) -> RestoreSummary:
    """Check ``archive`` whole, then rebuild its review in the new folder ``into`` and an empty
    store (``db_url``, else ``sysreview.db`` in the folder); all or nothing."""
    try:
        manifest, rows = check_archive(archive)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc.message} (nothing was restored)") from None
    into = into.resolve()
    if into.exists() and any(into.iterdir()):
        raise AlreadyExists(f"{into} is not empty: restore into a new folder")
    created = not into.exists()
    into.mkdir(parents=True, exist_ok=True)
    store: Store | None = None
    try:
        store = Store(database_url(into, db_url))
        _refuse_used(store)
        upgrade(store)
        with store.write() as session:
            _insert(session, rows, into)
            if store.dialect == "postgresql":
                _move_sequences(session)
        blobs = [name for name in manifest["files"] if name.startswith("files/")]
        for name in [*blobs, PROTOCOL_FILENAME]:
            write_file_atomically(into / name, (archive / name).read_bytes())
        url = store.safe_url
    except BaseException:
        if store is not None:
            store.dispose()
        _remove(into, created)
        raise
    store.dispose()
    counts = {file: len(table_rows) for file, table_rows in rows.items()}
    return RestoreSummary(into, url, counts, len(blobs))


def _refuse_used(store: Store) -> None:
    if not {"users", "reviews"} <= set(store.table_names()):
        return
    with store.read() as session:
        used = any(session.scalar(select(func.count()).select_from(m)) for m in (User, Review))
    if used:
        raise AlreadyExists(f"{store.safe_url} holds reviews or users: restore into an empty one")


def _parents_first(entry: ArchivedTable, table_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that points at itself (a code filed under a theme) ordered so each row
    follows the row it points at, whatever their ids; other tables keep their order."""
    own = [
        column.name
        for column in entry.table.columns
        if any(fk.column.table is entry.table for fk in column.foreign_keys)
    ]
    if not own:
        return table_rows
    by_id = {row["id"]: row for row in table_rows}
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []

    def place(row: dict[str, Any], seen: frozenset[Any]) -> None:
        if row["id"] in placed:
            return
        if row["id"] in seen:
            raise _bad(entry.file, None, f"row {row['id']} is its own ancestor (a cycle)")
        for name in own:
            parent = by_id.get(row[name])
            if parent is not None:
                place(parent, seen | {row["id"]})
        placed.add(row["id"])
        ordered.append(row)

    for row in table_rows:
        place(row, frozenset())
    return ordered


def _insert(session: Session, rows: Rows, into: Path) -> None:
    for entry in TABLES:
        table_rows = rows[entry.file]
        filled = {
            name: str(into) if value is NEW_FOLDER else value for name, value in entry.omit.items()
        }
        for start in range(0, len(table_rows), 1000):
            batch = [{**row, **filled} for row in table_rows[start : start + 1000]]
            try:
                session.execute(insert(entry.table), batch)
            except DBAPIError as exc:
                raise StoreError(
                    f"{entry.file}: the database refused its rows: {exc.orig}"
                ) from None


def _move_sequences(session: Session) -> None:
    """Set each id sequence past the restored ids, so new rows do not collide with them."""
    for entry in TABLES:
        if "id" not in entry.table.c or not isinstance(entry.table.c.id.type, Integer):
            continue
        name = entry.table.name
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - registry names
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
            )
        )


def _remove(into: Path, created: bool) -> None:
    """Take back what a failed restore wrote (the folder was new or empty before it)."""
    if created:
        shutil.rmtree(into, ignore_errors=True)
        return
    for child in into.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
