"""``sysreview synthesis codes|theme|matrix`` as a user runs them.

One test on SQLite: each command starts a Python process, and the services under the commands
are tested on both databases in the other files; ``--db`` is passed as the other commands'
tests pass it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.cli.test_commands import db_args, run
from tests.synthesis.conftest import EISEN, WEBB, make_coded

HEADER = "study,report,source,location,excerpt,code,coder\n"


def test_import_coding_merge_codes_and_write_the_matrix(tmp_path: Path) -> None:
    coded = make_coded(tmp_path / "review", None)
    coded.store.dispose()
    where = ["-r", str(coded.review.folder), *db_args(None), "--as", "hp"]
    bad, good = tmp_path / "bad.csv", tmp_path / "coding.csv"
    bad.write_text(
        HEADER + f"{EISEN},,extraction,field=outcomes,burnout,Community > Support,hp\n",
        encoding="utf-8",
    )
    good.write_text(
        HEADER
        + f"{EISEN},,extraction,field=outcomes,Peer support.,Community > Support,hp\n"
        + f"{WEBB},,extraction,field=outcomes,work-related stress,Community > stress,ln\n",
        encoding="utf-8",
    )

    refused = run("synthesis", "codes", "import", str(bad), *where)
    imported = run("synthesis", "codes", "import", str(good), *where)
    merged = run("synthesis", "theme", "merge", "Community > stress", "Community > Support", *where)
    matrix = run("synthesis", "matrix", "--out", str(tmp_path / "m.svg"), *where)
    exported = run("synthesis", "codes", "export", "--out", str(tmp_path / "c.qdpx"), *where)

    assert refused.returncode == 1
    assert "bad.csv: row 2, column 'excerpt'" in refused.stderr
    for result in (imported, merged, matrix, exported):
        assert result.returncode == 0, result.stderr
    assert "imported 2 rows: 2 excerpts, 1 new codes" in imported.stdout
    assert "merged 1 code(s) into 'Support'" in merged.stdout
    assert "Community: 2 studies, 2 reports" in matrix.stdout
    assert (tmp_path / "m.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with zipfile.ZipFile(tmp_path / "c.qdpx") as archive:
        qde = archive.read("project.qde")
    assert b'name="Support"' in qde and b'name="stress"' not in qde


def test_every_synthesis_command_has_an_example() -> None:
    from sysreview.cli import synthesis_codes

    commands = [
        *synthesis_codes.codes_app.registered_commands,
        *synthesis_codes.theme_app.registered_commands,
    ]
    docs = {c.callback.__name__: c.callback.__doc__ or "" for c in commands if c.callback}
    docs["matrix"] = synthesis_codes.matrix.__doc__ or ""
    assert len(docs) == 8
    assert [name for name, doc in docs.items() if "Example: sysreview synthesis" not in doc] == []
