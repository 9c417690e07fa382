"""Opening a store: durability settings, schema checks, and refusing what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sysreview.demo import DemoReview
from sysreview.errors import SchemaOutdated, SchemaTooNew, StoreError, UnknownDatabaseURL
from sysreview.services.reviews import open_store
from sysreview.store.engine import Store
from sysreview.store.schema import check_schema, upgrade


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_sqlite_writes_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits on the lock instead of failing mid-transaction."""
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.write() as session:
        in_tx = session.connection().connection.dbapi_connection.in_transaction  # type: ignore
        assert in_tx
        session.execute(text("CREATE TABLE t (x int)"))


def test_a_database_from_a_newer_sysreview_is_refused_unchanged(demo: DemoReview) -> None:
    with demo.store.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNew, match="newer sysreview"):
        check_schema(demo.store)
    with pytest.raises(SchemaTooNew):
        upgrade(demo.store)
    with demo.store.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_an_empty_database_asks_for_db_upgrade(tmp_path: Path) -> None:
    with pytest.raises(SchemaOutdated, match="sysreview db upgrade"):
        check_schema(Store(f"sqlite:///{tmp_path / 'empty.db'}"))


def test_upgrade_is_idempotent(demo: DemoReview) -> None:
    before, after = upgrade(demo.store)
    assert before == after
    check_schema(demo.store)


@pytest.mark.parametrize("url", ["mysql://root@localhost/test", "not a url", "oracle://x"])
def test_unknown_database_urls_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(UnknownDatabaseURL):
        open_store(tmp_path, url)


def test_an_unreachable_postgresql_is_a_clear_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        check_schema(Store("postgresql://nobody@127.0.0.1:1/none"))
