"""A backup taken while reviewers are deciding restores whole into a fresh store."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from sysreview.demo import DemoReview
from sysreview.errors import AlreadyExists, PermissionDenied
from sysreview.services import backup as backup_service
from sysreview.services import screening
from sysreview.services.audit import verify_audit
from sysreview.store.engine import Store
from sysreview.store.models import Decision
from tests.conftest import POSTGRES_ADMIN

TA = "title_abstract"


def _decide_all(demo: DemoReview, user: str, stop: threading.Event) -> None:
    after = None
    while not stop.is_set():
        view = screening.next_record(demo.store, demo.review, user, TA, after)
        if view is None:
            return
        screening.decide(demo.store, demo.review, user, TA, view.id, "include")
        after = view.id


def _target(tmp_path: Path, db_url: str | None) -> tuple[str, str | None]:
    if db_url is None:
        return f"sqlite:///{tmp_path / 'restored.db'}", None
    name = f"restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    options = db_url.split("?", 1)[1]
    return f"{POSTGRES_ADMIN.rsplit('/', 1)[0]}/{name}?{options}", name


def test_a_backup_under_write_load_restores_and_verifies(
    demo: DemoReview, db_url: str | None, tmp_path: Path
) -> None:
    stop = threading.Event()
    writers = [threading.Thread(target=_decide_all, args=(demo, u, stop)) for u in ("ln", "dll")]
    for writer in writers:
        writer.start()
    out = tmp_path / ("backup.db" if db_url is None else "backup.pgdump")
    taken = backup_service.backup(demo.store, demo.review, "hp", out)
    stop.set()
    for writer in writers:
        writer.join()
    target_url, database = _target(tmp_path, db_url)
    try:
        restored = backup_service.restore(out, target_url)
        assert (restored.records, restored.decisions, restored.audit_entries) == (
            taken.records,
            taken.decisions,
            taken.audit_entries,
        )
        copy = Store(target_url)
        with copy.read() as session:
            assert session.scalar(select(func.count()).select_from(Decision)) == taken.decisions
        assert verify_audit(copy) is None
        copy.dispose()
    finally:
        if database:
            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {database} WITH (FORCE)")
    assert verify_audit(demo.store) is None


def test_backup_refuses_to_overwrite_and_needs_an_owner(demo: DemoReview, tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(AlreadyExists):
        backup_service.backup(demo.store, demo.review, "hp", existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(PermissionDenied):
        backup_service.backup(demo.store, demo.review, "ln", tmp_path / "new.db")
