"""Importing a REFI-QDA project (.qdpx): our own export round-trips into a fresh review and
again changes nothing, another tool's minimal project imports, and hostile or wrong zips are
refused with the file and place named and nothing written."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sysreview.errors import InvalidInput
from sysreview.services.synthesis import load_codebook, write_memo
from sysreview.services.synthesis_coding import list_excerpts
from sysreview.services.synthesis_qda_import import ImportedProject, import_qdpx
from sysreview.services.synthesis_transfer import export_project_qdpx, import_coding
from sysreview.store.models import FullText, Study, StudyReport, User
from sysreview.synthesis.refiqda_read import read_qdpx
from tests.cli.test_commands import run
from tests.synthesis.conftest import CHAKRAVARTI, EISEN, OUTCOMES, WEBB, Coded, make_coded

CODING = (
    "study,report,source,location,excerpt,code,coder\n"
    f"{EISEN},,extraction,field=outcomes,Peer support.,Community > Support,hp\n"
    f"{EISEN},,extraction,field=outcomes,Peer support.,Skills > Communication,hp\n"
    f"{WEBB},,extraction,field=outcomes; chars=0-53,,Skills > Communication,ln\n"
    f'"{CHAKRAVARTI}",,note,note=Results,strong peer teams,Community > Peer teams,hp\n'
)


def _note(coded: Coded) -> None:
    write_memo(
        coded.store,
        coded.review,
        "hp",
        "Results",
        "Residents valued developing strong peer teams.",
        study=CHAKRAVARTI,
    )


def _state(coded: Coded) -> tuple[list[tuple[str, str, str, str, str, tuple[str, ...]]], list[str]]:
    """The coding as a reviewer sees it: excerpts (place, words, coder, code paths) and codes."""
    book = load_codebook(coded.store, coded.review, "hp")
    excerpts = sorted(
        (
            e.study,
            e.source,
            e.location.text(),
            e.text,
            e.coder,
            tuple(sorted(book.path(c) for c in e.codes)),
        )
        for e in list_excerpts(coded.store, coded.review, "hp")
    )
    return excerpts, sorted(book.path(c.id) for _, c in book.walk())


def _import(coded: Coded, data: bytes) -> ImportedProject:
    return import_qdpx(coded.store, coded.review, "hp", data, "coding.qdpx")


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _project(source_name: str, doctype: str = "") -> str:
    """A minimal project as another tool writes it: one user, one code, one coded selection
    on a source whose text is inline."""
    return f"""<?xml version="1.0" encoding="utf-8"?>{doctype}
<Project xmlns="urn:QDA-XML:project:1.0" name="From ATLAS.ti" origin="ATLAS.ti 23">
  <Users><User guid="u-1" name="ln"/></Users>
  <CodeBook><Codes>
    <Code guid="c-1" name="Peer learning" isCodable="true">
      <Description>Learning from residents of the same year.</Description>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="s-1" name="{source_name}">
      <PlainTextContent>{OUTCOMES[EISEN]}</PlainTextContent>
      <PlainTextSelection guid="x-1" startPosition="63" endPosition="76" creatingUser="u-1">
        <Coding guid="k-1" creatingUser="u-1"><CodeRef targetGUID="c-1"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def test_an_export_imports_into_a_fresh_review_and_again_changes_nothing(
    coded: Coded, db_url: str | None, tmp_path: Path
) -> None:
    _note(coded)
    import_coding(coded.store, coded.review, "hp", CODING.encode(), "coding.csv")
    exported = export_project_qdpx(coded.store, coded.review, "hp")
    fresh = make_coded(tmp_path / "fresh", db_url)
    try:
        _note(fresh)
        done = import_qdpx(fresh.store, fresh.review, "hp", exported, "review.qdpx")
        assert (done.sources, done.selections, done.excerpts) == (3, 3, 3)
        assert done.codes_created == ("Community > Peer teams",)
        assert _state(fresh) == _state(coded)

        again = import_qdpx(fresh.store, fresh.review, "hp", exported, "review.qdpx")
        assert again.codes_created == () and again.excerpts == 3
        assert _state(fresh) == _state(coded)
    finally:
        fresh.store.dispose()
    before = _state(coded)
    assert _import(coded, exported).codes_created == ()
    assert _state(coded) == before


def test_another_tools_minimal_project_imports(coded: Coded, db_url: str | None) -> None:
    done = _import(coded, _zip({"project.qde": _project(f"{EISEN}: outcomes")}))

    assert done.codes_created == ("Peer learning",)
    (excerpt,) = list_excerpts(coded.store, coded.review, "hp")
    assert (excerpt.study, excerpt.text, excerpt.coder) == (EISEN, "Peer support.", "ln")
    assert excerpt.location.text() == "field=outcomes; chars=63-76"
    book = load_codebook(coded.store, coded.review, "hp")
    assert book.find("Peer learning").definition == "Learning from residents of the same year."


ENTITIES = '<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
HOSTILE = [
    (
        {"project.qde": _project(f"{EISEN}: outcomes"), "../../evil.txt": "x"},
        "coding.qdpx: ../../evil.txt: entry name leaves the archive",
    ),
    (
        {"project.qde": _project(f"{EISEN}: outcomes", ENTITIES)},
        "coding.qdpx: project.qde: the XML declares entities",
    ),
    (
        {"project.qde": _project("Nobody 1999: outcomes")},
        "coding.qdpx: project.qde line 10: TextSource 'Nobody 1999: outcomes' names no study",
    ),
    (
        {"project.qde": _project(f"{EISEN}: outcomes").replace("Peer support.<", "Peer sxpport.<")},
        "coding.qdpx: project.qde line 12: the source's words at chars 63-76",
    ),
    (
        {"project.qde": _project(f"{EISEN}: outcomes").replace('"c-1"/>', '"c-9"/>')},
        "coding.qdpx: project.qde line 12: CodeRef 'c-9' names no code",
    ),
    ({"other.xml": "<a/>"}, "coding.qdpx: no project.qde in the zip"),
]


@pytest.mark.parametrize(("entries", "message"), HOSTILE)
def test_hostile_or_wrong_projects_are_refused_and_nothing_is_written(
    coded: Coded, db_url: str | None, entries: dict[str, str], message: str
) -> None:
    before = _state(coded)
    with pytest.raises(InvalidInput) as caught:
        _import(coded, _zip(entries))
    assert message in str(caught.value), str(caught.value)
    assert _state(coded) == before


def test_a_file_that_is_not_a_zip_is_refused(coded: Coded, db_url: str | None) -> None:
    with pytest.raises(InvalidInput, match="coding.qdpx: not a REFI-QDA project"):
        _import(coded, b"<Project/>")


def test_the_import_command_takes_a_qdpx(tmp_path: Path) -> None:
    built = make_coded(tmp_path / "review", None)
    built.store.dispose()
    where = ["-r", str(built.review.folder), "--as", "hp"]
    good, bad = tmp_path / "atlas.qdpx", tmp_path / "bad.qdpx"
    good.write_bytes(_zip({"project.qde": _project(f"{EISEN}: outcomes")}))
    bad.write_bytes(_zip({"project.qde": _project("Nobody 1999: outcomes")}))

    refused = run("synthesis", "codes", "import", str(bad), *where)
    imported = run("synthesis", "codes", "import", str(good), *where)

    assert refused.returncode == 1
    assert "bad.qdpx: project.qde line 10: TextSource 'Nobody 1999: outcomes'" in refused.stderr
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 selections from 1 sources: 1 excerpts, 1 new codes" in imported.stdout


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=200))
def test_the_reader_refuses_any_bad_input_with_invalid_input(raw: bytes, qde: str) -> None:
    for data in (raw, _zip({"project.qde": qde})):
        try:
            read_qdpx(data, "x.qdpx")
        except InvalidInput as exc:
            assert str(exc).startswith("x.qdpx")


def _full_text(coded: Coded, study: str, text: str) -> int:
    """Store a retrieved full text for the study's first report; its record id."""
    with coded.store.write() as session:
        found = session.execute(
            select(StudyReport.record_id)
            .join(Study, Study.id == StudyReport.study_id)
            .where(Study.review_id == coded.review.id, Study.label == study)
            .order_by(StudyReport.record_id)
        ).first()
        assert found is not None
        user = session.scalar(select(User.id).where(User.username == "hp"))
        assert user is not None
        session.add(
            FullText(
                review_id=coded.review.id,
                record_id=found[0],
                status="retrieved",
                text=text,
                updated_by=user,
                updated_at=datetime.now(UTC),
            )
        )
        return int(found[0])


def test_full_text_selections_keep_their_page_and_reimport_changes_nothing(
    coded: Coded, db_url: str | None
) -> None:
    report = _full_text(coded, EISEN, "Page one words.\fSecond page has peer support here.")
    rows = (
        "study,report,source,location,excerpt,code,coder\n"
        f"{EISEN},{report},fulltext,page=2,peer support,Community > Support,hp\n"
        f"{EISEN},{report},fulltext,chars=0-8,Page one,Skills > Communication,ln\n"
    )
    import_coding(coded.store, coded.review, "hp", rows.encode(), "coding.csv")
    before = _state(coded)
    exported = export_project_qdpx(coded.store, coded.review, "hp")

    done = _import(coded, exported)

    assert (done.sources, done.selections, done.excerpts) == (1, 2, 2)
    assert _state(coded) == before
    assert {e[2] for e in before[0]} == {"page=2; chars=16-28", "chars=0-8"}


def test_a_selection_with_no_code_is_passed_over(coded: Coded, db_url: str | None) -> None:
    uncoded = _project(f"{EISEN}: outcomes").replace(
        '<Coding guid="k-1" creatingUser="u-1"><CodeRef targetGUID="c-1"/></Coding>', ""
    )
    done = _import(coded, _zip({"project.qde": uncoded}))

    assert (done.sources, done.selections, done.excerpts) == (1, 0, 0)
    assert list_excerpts(coded.store, coded.review, "hp") == []
