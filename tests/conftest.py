"""Fixtures shared by the whole suite.

Every test that touches the store runs once on SQLite (a real file in tmp_path) and once on
PostgreSQL (a fresh schema in the ``test`` database at 127.0.0.1:5432). A PostgreSQL that cannot
be reached fails those tests: it is never skipped. ``SYSREVIEW_TEST_DATABASES=sqlite`` narrows
the run for quick local work.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sysreview.demo import DemoReview, build_demo

POSTGRES_ADMIN = os.environ.get(
    "SYSREVIEW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
DATABASES = os.environ.get("SYSREVIEW_TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite (the review folder's own file), else a PostgreSQL URL of a new schema."""
    if request.param == "sqlite":
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_ADMIN}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def demo(tmp_path: Path, db_url: str | None) -> Iterator[DemoReview]:
    """The demo review up to screening (records imported, nothing decided), built through the
    services, on each database."""
    built = build_demo(tmp_path / "demo-review", db_url, with_decisions=False)
    yield built
    built.store.dispose()


@pytest.fixture
def full_demo(tmp_path: Path, db_url: str | None) -> Iterator[DemoReview]:
    """The whole demo review as ``sysreview demo`` builds it."""
    built = build_demo(tmp_path / "full-demo", db_url)
    yield built
    built.store.dispose()


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their database and user explicitly, whatever the shell has set."""
    for name in ("SYSREVIEW_DATABASE_URL", "SYSREVIEW_USER", "SYSREVIEW_REVIEW"):
        monkeypatch.delenv(name, raising=False)
