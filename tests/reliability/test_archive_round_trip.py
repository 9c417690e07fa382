"""An archive of a review restores whole, on either database, and archives again to the byte."""

from __future__ import annotations

import filecmp
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from sysreview.demo import DemoReview, build_demo
from sysreview.services import screening
from sysreview.services.archive import write_archive
from sysreview.services.archive_restore import restore_archive
from sysreview.services.audit import verify_audit
from sysreview.services.fulltexts import attach_full_text, mark_not_retrieved
from sysreview.services.reviews import open_review, open_store
from sysreview.store.models import StoredRecord
from tests.conftest import DATABASES, POSTGRES_ADMIN

FIXTURES = Path(__file__).parent.parent / "fixtures"
TA = "title_abstract"


@pytest.fixture
def empty_schemas() -> Iterator[list[str]]:
    """Make fresh PostgreSQL schemas on demand (append a name), dropped afterwards."""
    made: list[str] = []
    yield made
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        for schema in made:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _new_pg_url(made: list[str]) -> str:
    schema = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    made.append(schema)
    return f"{POSTGRES_ADMIN}?options=-csearch_path%3D{schema}"


def _same_folders(a: Path, b: Path) -> list[str]:
    """Names of files that differ or exist on one side only (empty when identical)."""
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return sorted(
        str(n)
        for n in names
        if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, False))
    )


def _archive_again(folder: Path, db_url: str | None, out: Path) -> None:
    store = open_store(folder, db_url)
    try:
        write_archive(store, open_review(store, folder, "hp"), "hp", out)
    finally:
        store.dispose()


def _with_full_text(demo: DemoReview) -> None:
    pdf = (FIXTURES / "fulltext" / "report.pdf").read_bytes()
    with demo.store.read() as session:
        first = session.scalar(select(func.min(StoredRecord.id)))
    attach_full_text(demo.store, demo.review, "hp", first, pdf, "report.pdf")


@pytest.fixture(scope="module", params=DATABASES)
def source_archive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The whole demo (plus a stored full text) built once per database, and its archive."""
    root = tmp_path_factory.mktemp(f"source-{request.param}")
    made: list[str] = []
    url = None if request.param == "sqlite" else _new_pg_url(made)
    demo = build_demo(root / "demo", url)
    _with_full_text(demo)
    write_archive(demo.store, demo.review, "hp", root / "archive")
    demo.store.dispose()
    yield root / "archive"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        for schema in made:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.parametrize("target", DATABASES)
def test_archive_restore_archive_gives_the_same_bytes(
    source_archive: Path, target: str, tmp_path: Path, empty_schemas: list[str]
) -> None:
    first = source_archive
    assert list((first / "files").rglob("*")), "the full text travels by its hash"
    assert (first / "synthesis_codes.jsonl").read_text(), "tables added by migration 0009 too"
    target_url = None if target == "sqlite" else _new_pg_url(empty_schemas)
    restored = restore_archive(first, tmp_path / "restored", target_url)
    second = tmp_path / "second"
    _archive_again(restored.folder, target_url, second)
    assert _same_folders(first, second) == []

    store = open_store(restored.folder, target_url)
    assert verify_audit(store) is None
    review = open_review(store, restored.folder, "hp")
    with store.read() as session:
        last = session.scalar(select(func.max(StoredRecord.id)))
    # New rows (a full-text row, an audit entry) get ids past the restored ones.
    mark_not_retrieved(store, review, "hp", last, "library has no access")
    assert verify_audit(store) is None
    store.dispose()


@pytest.fixture
def sqlite_demo(tmp_path: Path) -> Iterator[DemoReview]:
    """The demo before screening, on SQLite only (the writer's output is the same on both
    stores, as the round-trip tests show)."""
    built = build_demo(tmp_path / "demo", None, with_decisions=False)
    yield built
    built.store.dispose()


def test_a_second_archive_is_identical_and_a_change_is_a_small_diff(
    sqlite_demo: DemoReview, tmp_path: Path
) -> None:
    demo = sqlite_demo
    first, again, changed = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_archive(demo.store, demo.review, "hp", first)
    write_archive(demo.store, demo.review, "hp", again)
    assert _same_folders(first, again) == []
    record = screening.next_record(demo.store, demo.review, "ln", TA, None)
    assert record is not None
    screening.decide(demo.store, demo.review, "ln", TA, record.id, "exclude")
    write_archive(demo.store, demo.review, "hp", changed)
    assert _same_folders(first, changed) == [
        "audit_log.jsonl",
        "decisions.jsonl",
        "manifest.json",
    ]
    added = set((changed / "decisions.jsonl").read_text().splitlines()) - set(
        (first / "decisions.jsonl").read_text().splitlines()
    )
    assert len(added) == 1 and '"verdict":"exclude"' in added.pop()


def test_archiving_over_an_earlier_archive_updates_it_in_place(
    sqlite_demo: DemoReview, tmp_path: Path
) -> None:
    demo = sqlite_demo
    out = tmp_path / "archive"
    write_archive(demo.store, demo.review, "hp", out)
    (out / ".git").mkdir()  # a user keeps the archive under version control
    record = screening.next_record(demo.store, demo.review, "ln", TA, None)
    assert record is not None
    screening.decide(demo.store, demo.review, "ln", TA, record.id, "include")
    write_archive(demo.store, demo.review, "hp", out)
    assert (out / ".git").is_dir()
    assert (out / "decisions.jsonl").read_text().count("\n") == 1


def test_an_archive_taken_while_reviewers_decide_is_one_snapshot(
    demo: DemoReview, db_url: str | None, tmp_path: Path, empty_schemas: list[str]
) -> None:
    stop = threading.Event()

    def decide_all(user: str) -> None:
        after = None
        while not stop.is_set():
            view = screening.next_record(demo.store, demo.review, user, TA, after)
            if view is None:
                return
            screening.decide(demo.store, demo.review, user, TA, view.id, "include")
            after = view.id

    writers = [threading.Thread(target=decide_all, args=(u,)) for u in ("ln", "dll")]
    for writer in writers:
        writer.start()
    try:
        write_archive(demo.store, demo.review, "hp", tmp_path / "live")
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    decisions = (tmp_path / "live" / "decisions.jsonl").read_text().splitlines()
    audited = [
        line
        for line in (tmp_path / "live" / "audit_log.jsonl").read_text().splitlines()
        if '"action":"screening.decide"' in line
    ]
    assert len(decisions) == len(audited), "every archived decision has its audit entry"
    target = None if db_url is None else _new_pg_url(empty_schemas)
    restored = restore_archive(tmp_path / "live", tmp_path / "restored", target)
    assert restored.rows["decisions.jsonl"] == len(decisions)
