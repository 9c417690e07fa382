"""Backups a person can trust: taken online, checked, and restorable into a fresh store.

SQLite: ``VACUUM INTO`` (a consistent copy of a live database, never a plain file copy of a
file being written). PostgreSQL: ``pg_dump`` in its custom format, restored with ``pg_restore``.
Both are checked after writing: integrity, and the audit chain of the copy verifies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from sysreview.errors import AlreadyExists, StoreError
from sysreview.services.reviews import ReviewContext
from sysreview.store import audit as audit_store
from sysreview.store.engine import Store
from sysreview.store.models import AuditEntry, Decision, StoredRecord


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    records: int
    decisions: int
    audit_entries: int


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for the pg tools (password in the environment, not argv)."""
    parsed = make_url(url)
    args = [
        "--host",
        parsed.host or "localhost",
        "--port",
        str(parsed.port or 5432),
        "--dbname",
        parsed.database or "",
    ]
    if parsed.username:
        args += ["--username", parsed.username]
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    options = parsed.query.get("options")
    if options:
        env["PGOPTIONS"] = options if isinstance(options, str) else options[0]
    return args, env


def _pg_schema(url: str) -> str | None:
    options = make_url(url).query.get("options")
    text_options = options if isinstance(options, str) else (options[0] if options else "")
    for part in text_options.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1]
    return None


def backup(store: Store, review: ReviewContext, actor: str, out: Path) -> BackupSummary:
    """Write a consistent backup of the store to ``out`` (refusing to overwrite a file)."""
    review.require(actor, "review.manage")
    if out.exists():
        raise AlreadyExists(f"{out} exists: choose a new file for the backup")
    out.parent.mkdir(parents=True, exist_ok=True)
    if store.dialect == "sqlite":
        raw = store.read_engine.raw_connection()  # outside any transaction, as VACUUM needs
        try:
            raw.driver_connection.execute("VACUUM INTO ?", (str(out),))  # type: ignore[union-attr]
        finally:
            raw.close()
        check = Store(f"sqlite:///{out}")
    else:
        return _pg_backup(store, out)
    try:
        _verify(check)
        return BackupSummary(out, *_counts(check))
    finally:
        check.dispose()


def _pg_backup(store: Store, out: Path) -> BackupSummary:
    """pg_dump from an exported snapshot, counted in that same snapshot, so the summary
    describes exactly what the file holds while writers go on."""
    args, env = _pg_env(store.url)
    schema = _pg_schema(store.url)
    with store.read_engine.connect() as connection:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        counts = tuple(
            connection.execute(select(func.count()).select_from(model)).scalar() or 0
            for model in (StoredRecord, Decision, AuditEntry)
        )
        command = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--snapshot={snapshot}",
            "--file",
            str(out),
            *args,
        ]
        if schema:
            command += ["--schema", schema]
        _run(command, env, "pg_dump")
    return BackupSummary(out, *counts)


def restore(backup_file: Path, target_url: str) -> BackupSummary:
    """Restore a backup into an empty store at ``target_url`` and verify it."""
    target = Store(target_url)
    if target.table_names():
        raise AlreadyExists(f"{target.safe_url} is not empty: restore into a new database")
    if target.dialect == "sqlite":
        database = make_url(target.url).database or ""
        target.dispose()
        with tempfile.NamedTemporaryFile(dir=Path(database).parent, delete=False) as handle:
            tmp = Path(handle.name)
        shutil.copyfile(backup_file, tmp)
        os.replace(tmp, database)
        target = Store(target_url)
    else:
        args, env = _pg_env(target.url)
        _run(
            ["pg_restore", "--no-owner", "--exit-on-error", *args, str(backup_file)],
            env,
            "pg_restore",
        )
    _verify(target)
    return BackupSummary(backup_file, *_counts(target))


def _run(command: list[str], env: dict[str, str], tool: str) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed tool and parsed URL parts, no shell
            command, env=env, capture_output=True, text=True, timeout=3600, check=False
        )
    except FileNotFoundError:
        raise StoreError(f"{tool} is not installed (Debian: postgresql-client)") from None
    if done.returncode != 0:
        raise StoreError(f"{tool} failed: {done.stderr.strip()[:500]}")


def _verify(store: Store) -> None:
    with store.read() as session:
        if store.dialect == "sqlite":
            result = session.execute(text("PRAGMA integrity_check")).scalar()
            if result != "ok":
                raise StoreError(f"the copy at {store.safe_url} fails its integrity check")
        broken = audit_store.verify_chain(audit_store.iter_entries(session))
    if broken is not None:
        raise StoreError(f"the copy's audit entry {broken.entry_id} {broken.problem}")


def _counts(store: Store) -> tuple[int, int, int]:
    with store.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (StoredRecord, Decision, AuditEntry)
        )
