"""A damaged, tampered or foreign archive is refused with its file and line, and nothing is
written: no folder, no rows."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.demo import build_demo
from sysreview.errors import AlreadyExists, InvalidInput, PermissionDenied, StoreError
from sysreview.services.archive import NOT_ARCHIVED, TABLES, write_archive
from sysreview.services.archive_restore import _parents_first, restore_archive
from sysreview.store.engine import Store
from sysreview.store.models import Base


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One archive of the whole demo on SQLite, shared by the tests (each works on a copy)."""
    root = tmp_path_factory.mktemp("archive")
    demo = build_demo(root / "demo", None)
    write_archive(demo.store, demo.review, "hp", root / "archive")
    demo.store.dispose()
    yield root / "archive"


@pytest.fixture
def archive(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(pristine, copy)
    return copy


def _edit(archive: Path, name: str, change: str, to: str, *, rehash: bool = True) -> None:
    """Change the first ``change`` in a file; with ``rehash`` fix the manifest too, as a
    careful hand-editor would, so that the deeper checks are what must catch it."""
    path = archive / name
    content = path.read_text("utf-8")
    assert change in content
    path.write_text(content.replace(change, to, 1), "utf-8")
    if rehash:
        manifest = json.loads((archive / "manifest.json").read_text())
        manifest["files"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        (archive / "manifest.json").write_text(json.dumps(manifest))


def _refused(archive: Path, target: Path, *expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        restore_archive(archive, target)
    for part in expected:
        assert part in str(caught.value)
    assert not target.exists(), "a refused restore leaves nothing behind"


def test_a_flipped_byte_is_named_by_its_file(archive: Path, tmp_path: Path) -> None:
    _edit(archive, "records.jsonl", '"title":"', '"title":"X', rehash=False)
    _refused(archive, tmp_path / "new", "records.jsonl", "SHA-256")


def test_a_missing_file_is_named(archive: Path, tmp_path: Path) -> None:
    (archive / "studies.jsonl").unlink()
    _refused(archive, tmp_path / "new", "studies.jsonl", "missing")


def test_a_decision_for_a_record_that_does_not_exist(archive: Path, tmp_path: Path) -> None:
    _edit(archive, "decisions.jsonl", '"record_id":1,', '"record_id":99999,')
    _refused(archive, tmp_path / "new", "decisions.jsonl:1", "record_id 99999", "records.jsonl")


def test_a_line_that_is_not_json_is_named(archive: Path, tmp_path: Path) -> None:
    _edit(archive, "studies.jsonl", "}\n", "\n")
    _refused(archive, tmp_path / "new", "studies.jsonl:1", "not a JSON line")


def test_a_value_of_the_wrong_type_is_named(archive: Path, tmp_path: Path) -> None:
    _edit(archive, "decisions.jsonl", '"version":1', '"version":"one"')
    _refused(archive, tmp_path / "new", "decisions.jsonl:1", "version", "integer")


def test_an_altered_audit_entry_breaks_the_chain(archive: Path, tmp_path: Path) -> None:
    _edit(archive, "audit_log.jsonl", '"actor":"hp"', '"actor":"eop"')
    _refused(archive, tmp_path / "new", "audit_log.jsonl:", "does not match its hash")


def test_a_removed_audit_entry_breaks_the_chain(archive: Path, tmp_path: Path) -> None:
    path = archive / "audit_log.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:5] + lines[6:]))
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["files"]["audit_log.jsonl"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest))
    _refused(archive, tmp_path / "new", "audit_log.jsonl:6", "does not link")


def test_an_unknown_schema_revision_is_refused(archive: Path, tmp_path: Path) -> None:
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["schema_revision"] = "9999_from_the_future"
    (archive / "manifest.json").write_text(json.dumps(manifest))
    _refused(archive, tmp_path / "new", "manifest.json", "9999_from_the_future")


def test_rows_the_database_refuses_roll_back_and_leave_no_folder(
    archive: Path, tmp_path: Path
) -> None:
    path = archive / "studies.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    twin = json.loads(lines[0])
    twin["id"] = 99999  # a second study with the first one's label: unique per review
    path.write_text("".join(lines) + json.dumps(twin) + "\n")
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["files"]["studies.jsonl"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="studies.jsonl"):
        restore_archive(archive, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_a_store_that_holds_a_review_is_not_restored_into(archive: Path, tmp_path: Path) -> None:
    restore_archive(archive, tmp_path / "first")
    url = f"sqlite:///{tmp_path / 'first' / 'sysreview.db'}"
    with pytest.raises(AlreadyExists, match="holds reviews or users"):
        restore_archive(archive, tmp_path / "second", url)
    assert not (tmp_path / "second").exists()
    store = Store(url)
    assert "reviews" in store.table_names()
    store.dispose()


def test_only_an_owner_may_archive(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo", None, with_decisions=False)
    with pytest.raises(PermissionDenied):
        write_archive(demo.store, demo.review, "ln", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    demo.store.dispose()


def test_a_folder_of_other_files_is_not_archived_into(pristine: Path, tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo", None, with_decisions=False)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep")
    with pytest.raises(AlreadyExists, match="no manifest.json"):
        write_archive(demo.store, demo.review, "hp", tmp_path / "notes")
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["mine.txt"]
    demo.store.dispose()


def test_the_commands_verify_and_restore(archive: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    checked = runner.invoke(app, ["archive", "verify", str(archive)])
    assert checked.exit_code == 0 and "ok" in checked.output
    done = runner.invoke(app, ["archive", "restore", str(archive), str(tmp_path / "again")])
    assert done.exit_code == 0, done.output
    assert "10 records" in done.output
    rewritten = runner.invoke(
        app,
        ["archive", "write", str(tmp_path / "out"), "-r", str(tmp_path / "again"), "--as", "hp"],
    )
    assert rewritten.exit_code == 0, rewritten.output
    for name in ("records.jsonl", "audit_log.jsonl", "manifest.json"):
        assert (tmp_path / "out" / name).read_bytes() == (archive / name).read_bytes()


@pytest.mark.parametrize("command", ["write", "verify", "restore"])
def test_every_archive_command_has_help_with_an_example(command: str) -> None:
    shown = CliRunner().invoke(app, ["archive", command, "--help"])
    assert shown.exit_code == 0
    assert "Example: sysreview archive " + command in shown.output


def test_every_table_is_archived_or_deliberately_left_out() -> None:
    archived = {entry.table.name for entry in TABLES}
    assert archived.isdisjoint(NOT_ARCHIVED)
    missing = set(Base.metadata.tables) - archived - NOT_ARCHIVED
    assert not missing, f"add an ArchivedTable entry for {sorted(missing)} in services/archive.py"


def test_a_code_filed_under_a_later_theme_is_restored_after_it() -> None:
    codes = next(entry for entry in TABLES if entry.table.name == "synthesis_codes")
    rows = [{"id": 1, "parent_id": 3}, {"id": 2, "parent_id": None}, {"id": 3, "parent_id": 2}]
    assert [row["id"] for row in _parents_first(codes, rows)] == [2, 3, 1]
    with pytest.raises(InvalidInput, match="synthesis_codes.jsonl: row 1 is its own ancestor"):
        _parents_first(codes, [{"id": 1, "parent_id": 2}, {"id": 2, "parent_id": 1}])


def test_a_full_text_whose_file_is_missing_is_named(archive: Path, tmp_path: Path) -> None:
    sha = "ab" * 32
    row = {
        "file_name": "report.pdf",
        "id": 1,
        "media_type": "application/pdf",
        "note": "",
        "record_id": 1,
        "review_id": 1,
        "sha256": sha,
        "status": "retrieved",
        "text": "",
        "updated_at": "2026-11-25T02:05:51.126070Z",
        "updated_by": 1,
    }
    path = archive / "full_texts.jsonl"
    path.write_text(json.dumps(row) + "\n")
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["files"]["full_texts.jsonl"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest))
    _refused(archive, tmp_path / "new", "full_texts.jsonl:1", f"files/ab/{sha}", "missing")


def test_an_edited_manifest_cannot_make_the_writer_remove_files_outside(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo", None, with_decisions=False)
    out = tmp_path / "archive"
    write_archive(demo.store, demo.review, "hp", out)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["../precious.txt"] = {"sha256": "0" * 64}
    manifest["files"][str(outside)] = {"sha256": "0" * 64}
    (out / "manifest.json").write_text(json.dumps(manifest))
    write_archive(demo.store, demo.review, "hp", out)
    assert outside.read_text() == "keep"
    demo.store.dispose()
