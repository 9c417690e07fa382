"""PostgreSQL plans the next-record query on table statistics: an import refreshes them at
once, so a review screened right after its import is not planned as if it were empty."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg

from sysreview.demo.synthetic import ris_export
from sysreview.protocol import default_protocol
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import init_review
from tests.conftest import POSTGRES_ADMIN


def _reltuples(schema: str, table: str) -> float:
    with psycopg.connect(POSTGRES_ADMIN) as conn:
        row = conn.execute(
            "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s",
            (schema, table),
        ).fetchone()
    assert row is not None
    return float(row[0])


def test_an_import_leaves_postgresql_knowing_how_many_records_there_are(tmp_path: Path) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        url = f"{POSTGRES_ADMIN}?options=-csearch_path%3D{schema}"
        protocol = default_protocol("Statistics", "owner1")
        store, review = init_review(tmp_path / "r", protocol.title, "owner1", url, protocol)
        assert _reltuples(schema, "records") <= 0  # never analysed: the planner guesses
        data = "".join(ris_export(300)).encode()
        import_file(store, review, "owner1", data, file_name="x.ris", search=SearchDetails("X"))
        store.dispose()
        assert _reltuples(schema, "records") == 300
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
