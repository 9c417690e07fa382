"""Schema versions: upgrading with Alembic, and refusing a database this code cannot read."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from sysreview.errors import SchemaOutdated, SchemaTooNew, StoreError
from sysreview.store.engine import Store

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    try:
        with store.write_engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as exc:
        raise StoreError(f"cannot open the database {store.safe_url}: {exc.orig}") from None


def upgrade(store: Store) -> tuple[str | None, str]:
    """Bring the database to the newest schema; returns (revision before, revision after)."""
    before = current_revision(store)
    _refuse_unknown(before)
    with store.write_engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def _refuse_unknown(revision: str | None) -> None:
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise SchemaTooNew(
            f"the database has schema revision {revision}, written by a newer sysreview; "
            "upgrade sysreview to open it (nothing was changed)"
        )


def check_schema(store: Store) -> None:
    """Raise unless the database is at exactly the schema this code writes."""
    revision = current_revision(store)
    if revision is None:
        if store.table_names():
            raise StoreError(f"{store.safe_url} is a database, but not a sysreview one")
        raise SchemaOutdated(
            f"{store.safe_url} has no sysreview tables yet: run `sysreview db upgrade`"
        )
    _refuse_unknown(revision)
    if revision != head_revision():
        raise SchemaOutdated(
            f"the database is at schema {revision}, this sysreview needs {head_revision()}: "
            "back it up, then run `sysreview db upgrade`"
        )
