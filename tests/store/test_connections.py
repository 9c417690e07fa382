"""PostgreSQL connections as the pool hands them out: JIT off, and a connection that died while
idle in the pool is replaced before anyone uses it, without a test on every checkout."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from sysreview.store import engine as engine_module
from sysreview.store.engine import Store
from tests.conftest import POSTGRES_ADMIN


@pytest.fixture
def pg_store() -> Iterator[Store]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    store = Store(f"{POSTGRES_ADMIN}?options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.dispose()
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _backend(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_our_connections_run_without_jit(pg_store: Store) -> None:
    with pg_store.read() as session:
        assert session.execute(text("SHOW jit")).scalar_one() == "off"
        assert session.execute(text("SHOW search_path")).scalar_one().startswith("t_")


def test_a_connection_killed_while_idle_is_replaced_unseen(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 0.0)
    first = _backend(pg_store)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone() == (True,)
    second = _backend(pg_store)  # the dead connection was tested, dropped and replaced
    assert second != first
    with pg_store.write() as session:
        assert session.execute(text("SELECT 1 + 1")).scalar_one() == 2


def test_without_the_idle_test_a_killed_connection_fails_its_next_user(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other side of the test above: what the check on checkout spares a request."""
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 3600.0)
    first = _backend(pg_store)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    with pytest.raises(Exception, match="terminat|closed|connection"):
        _backend(pg_store)
    assert _backend(pg_store) != first  # and the pool recovers on the request after


@pytest.mark.parametrize(("idle_limit", "tests"), [(3600.0, 0), (0.0, 2)])
def test_only_a_connection_idle_past_the_limit_is_tested(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch, idle_limit: float, tests: int
) -> None:
    """Three reads in a row reuse one connection: in steady use it is never tested (a test
    per checkout cost screening requests a tenth of their time); past the limit, each reuse is."""
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", idle_limit)
    executed: list[str] = []
    original = psycopg.Cursor.execute

    def spy(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        executed.append(str(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    backends = {_backend(pg_store) for _ in range(3)}
    assert len(backends) == 1
    assert executed.count("SELECT 1") == tests
