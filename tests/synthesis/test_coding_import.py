"""The coding CSV: imported all or nothing, errors naming row and column, and an export that
imports back to the same coding."""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput
from sysreview.services.synthesis import load_codebook, write_memo
from sysreview.services.synthesis_coding import list_excerpts
from sysreview.services.synthesis_transfer import export_coding_csv, import_coding
from tests.synthesis.conftest import CHAKRAVARTI, EISEN, WEBB, Coded

HEADER = "study,report,source,location,excerpt,code,coder\n"
GOOD = (
    f"{EISEN},,extraction,field=outcomes,Peer support.,Community > Support,hp\n"
    f"{EISEN},,extraction,field=outcomes,Peer support.,Skills > Communication,hp\n"
    f"{WEBB},,extraction,field=outcomes; chars=0-53,,Skills > Communication,ln\n"
    f'"{CHAKRAVARTI}",,note,note=Results,strong peer teams,Community > Peer teams,hp\n'
)


def _import(coded: Coded, text: str) -> object:
    return import_coding(coded.store, coded.review, "hp", text.encode(), "coding.csv")


def _note(coded: Coded) -> None:
    write_memo(
        coded.store,
        coded.review,
        "hp",
        "Results",
        "Residents valued developing strong peer teams.",
        study=CHAKRAVARTI,
    )


def test_a_good_file_makes_excerpts_codes_and_one_excerpt_per_place(
    coded: Coded, db_url: str | None
) -> None:
    _note(coded)
    done = _import(coded, HEADER + GOOD)

    assert (done.rows, done.excerpts, done.codes_created) == (4, 3, ("Community > Peer teams",))
    found = {e.study: e for e in list_excerpts(coded.store, coded.review, "hp")}
    assert len(found[EISEN].codes) == 2
    assert found[WEBB].text == "86% of mentees reported improved communication skills"
    assert found[WEBB].coder == "ln"
    assert (found[CHAKRAVARTI].location.start, found[CHAKRAVARTI].location.end) == (28, 45)

    exported = export_coding_csv(coded.store, coded.review, "hp")
    again = import_coding(coded.store, coded.review, "hp", exported, "export.csv")
    assert again.excerpts == 3 and again.codes_created == ()
    assert len(list_excerpts(coded.store, coded.review, "hp")) == 3


BAD_ROWS = [
    ("Nobody 1999,,extraction,field=outcomes,x,Support,hp", "study", "no study"),
    (f"{EISEN},abc,extraction,field=outcomes,x,Support,hp", "report", "record id"),
    (f"{EISEN},,table,field=outcomes,x,Support,hp", "source", "source is one of"),
    (f"{EISEN},,extraction,page=2,x,Support,hp", "location", "names a field"),
    (f"{EISEN},,extraction,field=nope,x,Support,hp", "location", "no field 'nope'"),
    (f"{EISEN},,extraction,field=outcomes,burnout,Support,hp", "excerpt", "not in the source"),
    (f"{EISEN},,extraction,field=outcomes; chars=0-5,burnout,Support,hp", "location", "not the"),
    (f"{EISEN},,extraction,field=outcomes,Peer,Nowhere > Support,hp", "code", "no code"),
    (f"{EISEN},,extraction,field=outcomes,Peer,Support,stranger", "coder", "not in the review"),
    (f"{EISEN},,note,note=Missing,Peer,Support,hp", "location", "no note 'Missing'"),
    (f"{EISEN},,fulltext,page=1,Peer,Support,hp", "report", "names its report"),
]


def test_a_bad_row_names_row_and_column_and_imports_nothing(
    coded: Coded, db_url: str | None
) -> None:
    _note(coded)
    for row, column, message in BAD_ROWS:
        with pytest.raises(InvalidInput) as caught:
            _import(coded, HEADER + GOOD + row + "\n")
        text = str(caught.value)
        assert f"coding.csv: row 6, column '{column}'" in text, text
        assert message in text and "nothing was imported" in text
    assert list_excerpts(coded.store, coded.review, "hp") == []
    assert "Peer teams" not in {
        c.name for c in load_codebook(coded.store, coded.review, "hp").codes.values()
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"study,code\nA,B\n", "row 1: missing column(s) report, source, location, excerpt, coder"),
        (HEADER.encode(), "no rows of coding"),
        (b"\xff\xfe" + HEADER.encode("utf-16-le"), "UTF-8 CSV"),
    ],
)
def test_a_file_that_is_not_coding_is_refused(
    coded: Coded, db_url: str | None, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_coding(coded.store, coded.review, "hp", data, "coding.csv")
