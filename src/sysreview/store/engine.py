"""Opening the store: SQLite (default, a file in the review folder) or PostgreSQL (team use).

Durability settings follow RELIABILITY.md: SQLite in WAL mode with ``synchronous=FULL``, foreign
keys on, a busy timeout, and every write transaction opened with ``BEGIN IMMEDIATE`` so that
concurrent writers queue on the busy timeout instead of failing at their first write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, Result, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from sysreview.errors import StoreError, UnknownDatabaseURL

SQLITE_FILENAME = "sysreview.db"
BUSY_TIMEOUT_MS = 30_000
IDLE_BEFORE_PING = 5.0
"""Seconds a pooled PostgreSQL connection may sit unused before it is tested on checkout."""


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL for a user's database URL; only SQLite and PostgreSQL are accepted."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnknownDatabaseURL(
            f"{url!r} is not a database URL (try sqlite:///path/to/file.db or "
            "postgresql://user@host:5432/dbname)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite").render_as_string(hide_password=False)
    raise UnknownDatabaseURL(
        f"sysreview stores reviews in SQLite or PostgreSQL, not {backend!r} ({url})"
    )


def sqlite_url_for(folder: Path) -> str:
    return f"sqlite+pysqlite:///{(folder / SQLITE_FILENAME).resolve()}"


def _sqlite_setup(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _postgres_setup(dbapi_connection: Any, _record: Any) -> None:
    """Turn PostgreSQL's JIT compiler off for our connections: it compiles any query whose
    estimated cost passes a threshold, and on statistics that lag behind screening the
    next-record query's estimate passes it, so each such query paid ~100 ms of compiling for
    1 ms of work. Our queries are all short; none gains from JIT."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()  # a SET inside a transaction that is rolled back would not stay


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Test a connection that sat unused for a while before handing it out; a dead one (the
    server restarted, or closed it) is replaced, so the request never sees the failure.

    A connection in steady use is not tested: a ping on every checkout (``pool_pre_ping``)
    cost each screening request five round trips, a tenth of its time."""
    idle_since = record.info.pop("idle_since", None)
    if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # any failure means: do not use this connection
        raise DisconnectionError(f"pooled connection failed its test: {exc}") from exc


def build_engine(url: str, *, immediate: bool) -> Engine:
    """An engine for ``url``; on SQLite, ``immediate`` makes every transaction a write lock."""
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise UnknownDatabaseURL(f"cannot use database URL {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_setup)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_setup)
        event.listen(engine, "checkin", _note_idle)
        event.listen(engine, "checkout", _ping_if_idle)

    return engine


def column_rows(
    session: Session, statement: Executable, params: dict[str, Any] | None = None
) -> Result[*tuple[Any, ...]]:
    """Run a statement that selects columns (no ORM objects) on the session's connection.

    The same rows as ``session.execute``, without the ORM's work around each statement, which
    was about a fifth of a short lookup's time on PostgreSQL; a screening request makes a dozen
    such lookups. Pending ORM changes are flushed first, as the session's own autoflush would."""
    session.flush()
    return session.connection().execute(statement, params)


class Store:
    """The database of one or more reviews, with separate read and write transactions."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.write_engine = build_engine(self.url, immediate=True)
        if self.write_engine.dialect.name == "sqlite":
            self.read_engine = build_engine(self.url, immediate=False)
            self._statement_engine = self.read_engine
        else:
            self.read_engine = self.write_engine
            self._statement_engine = self.write_engine.execution_options(
                isolation_level="AUTOCOMMIT"
            )
        self._write_sessions = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self._statement_sessions = sessionmaker(self._statement_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction for reading, with a consistent view; objects stay usable after it."""
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_statements(self) -> Iterator[Session]:
        """Reads that need no transaction, for the screening page's per-request lookups: on
        PostgreSQL each statement runs in autocommit, reading the latest committed data as it
        would at READ COMMITTED, without the BEGIN and COMMIT round trips (two for each of the
        four reads a screening request makes). Not for server-side cursors, locks or
        snapshots, which need :meth:`read`. On SQLite, the same as :meth:`read`."""
        with self._statement_sessions() as session, session.begin():
            yield session

    def refresh_statistics(self, *tables: str) -> None:
        """After a bulk load, let PostgreSQL's planner know the tables' new sizes at once
        (autovacuum would, a minute or more later): a freshly imported review planned on
        empty-table statistics ran the next-record query as a scan, ~20x slower. Best effort:
        a failure leaves the statistics to autovacuum. SQLite plans without them."""
        if self.dialect != "postgresql":
            return
        try:
            with self.write_engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                for table in tables:
                    conn.exec_driver_sql(f'ANALYZE "{table}"')
        except SQLAlchemyError:
            return

    def table_names(self) -> list[str]:
        try:
            return inspect(self.read_engine).get_table_names()
        except OperationalError as exc:
            raise StoreError(f"cannot open the database {self.safe_url}: {exc.orig}") from None

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.write_engine.dispose()
        self.read_engine.dispose()
