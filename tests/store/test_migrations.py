"""The Alembic revisions build exactly the schema the models describe, and upgrade old data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from sysreview.store.engine import Store
from sysreview.store.models import Base
from sysreview.store.schema import _config, current_revision, head_revision, upgrade


def test_migrations_build_what_the_models_describe(tmp_path: Path, db_url: str | None) -> None:
    store = Store(db_url or f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(store)
    with store.write_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_database_at_the_first_revision_upgrades_with_its_data(
    tmp_path: Path, db_url: str | None
) -> None:
    store = Store(db_url or f"sqlite:///{tmp_path / 'x.db'}")
    with store.write_engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO users (username, display_name, created_at) "
                "VALUES ('old', 'Old user', CURRENT_TIMESTAMP)"
            )
        )
    assert current_revision(store) == "0001"
    before, after = upgrade(store)
    assert (before, after) == ("0001", head_revision())
    with store.read() as session:
        assert session.execute(text("SELECT display_name FROM users")).scalar() == "Old user"
