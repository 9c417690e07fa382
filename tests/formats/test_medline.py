"""PubMed/MEDLINE (.nbib, "PubMed format"): padded tags, wrapped values, MeSH kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ImportFormatError
from sysreview.formats import medline, ris
from sysreview.formats.base import SkippedRecord
from sysreview.formats.encoding import decode_text
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "medline"


def read_items(name: str) -> list[Record | SkippedRecord]:
    text, _ = decode_text((FIXTURES / name).read_bytes(), name)
    return list(medline.read(text, name))


def export_records() -> list[Record]:
    items = read_items("pubmed_export.nbib")
    assert all(isinstance(item, Record) for item in items)
    return [item for item in items if isinstance(item, Record)]


def read_string(text: str) -> list[Record | SkippedRecord]:
    return list(medline.read(text, "inline.nbib"))


def test_looks_like_recognises_pubmed_format_whatever_the_name() -> None:
    text = (FIXTURES / "pubmed_export.nbib").read_text(encoding="utf-8")
    assert medline.looks_like(text, "pubmed-export.ris")
    assert not ris.looks_like(text, "pubmed-export.ris")


def test_looks_like_rejects_ris() -> None:
    assert not medline.looks_like("TY  - JOUR\nTI  - A\nER  - \n", "a.txt")


def test_records_begin_at_their_pmid_line() -> None:
    assert [record.source_line for record in export_records()] == [2, 54, 79]


def test_wrapped_title_and_abstract_are_joined_with_spaces() -> None:
    first = export_records()[0]
    assert first.title == (
        "Supervised aerobic exercise and glycaemic control in adults with type 2 diabetes: "
        "a randomised controlled trial."
    )
    assert "usual care for 24 weeks. RESULTS:" in first.abstract


def test_full_author_names_are_preferred_and_keep_their_order_with_group_authors() -> None:
    assert export_records()[0].authors == [
        "Larsen, Kirsten M",
        "Okafor, Chidi",
        "Brennan, Siobhan",
        "EXERCISE-T2D Study Group",
    ]


def test_short_author_names_are_used_when_there_are_no_full_ones() -> None:
    assert export_records()[2].authors == ["Lef\u00e8vre H"]


def test_doi_comes_from_the_doi_marked_identifier_not_the_pii() -> None:
    first, second, third = export_records()
    assert (first.doi, second.doi, third.doi) == (
        "10.1016/j.diabres.2022.110231",
        "10.1111/dme.14412",
        "",
    )


def test_identifiers_journal_and_citation_fields_map() -> None:
    second = export_records()[1]
    assert (second.pmid, second.pmcid, second.year) == ("33012345", "PMC7654321", 2020)
    assert (second.volume, second.issue, second.pages) == ("37", "11", "1801-1810")
    assert second.journal.startswith("Diabetic medicine")
    assert second.journal_abbrev == "Diabet Med"
    assert second.issn == "1464-5491 (Electronic)"


def test_mesh_headings_and_author_keywords_stay_apart() -> None:
    first = export_records()[0]
    assert first.subject_headings[1] == "*Diabetes Mellitus, Type 2/blood/therapy"
    assert first.keywords == ["aerobic exercise", "HbA1c"]


def test_every_publication_type_is_kept() -> None:
    assert (
        export_records()[1].publication_type == "Journal Article; Meta-Analysis; Systematic Review"
    )


def test_repeated_tags_keep_their_values_in_file_order() -> None:
    first = export_records()[0]
    assert first.source_fields["IS"] == ["1872-8227 (Electronic)", "0168-8227 (Linking)"]
    assert first.source_fields["AID"] == [
        "S0168-8227(22)01012-3 [pii]",
        "10.1016/j.diabres.2022.110231 [doi]",
    ]
    assert list(first.source_fields)[:4] == ["PMID", "OWN", "STAT", "DCOM"]


def test_year_falls_back_to_the_electronic_publication_date() -> None:
    (record,) = read_string("PMID- 1\nTI  - Epub only.\nDEP - 20240115\n")
    assert isinstance(record, Record) and record.year == 2024


def test_records_without_a_blank_line_between_them_are_split_at_pmid() -> None:
    records = read_string("PMID- 1\nTI  - One.\nPMID- 2\nTI  - Two.\n")
    assert [(r.pmid, r.source_line) for r in records if isinstance(r, Record)] == [
        ("1", 1),
        ("2", 3),
    ]


def test_record_without_pmid_is_read_with_a_title_and_skipped_without() -> None:
    complete, no_pmid, fragment = read_items("broken_records.txt")
    assert isinstance(complete, Record) and complete.pmid == "36512345"
    assert isinstance(no_pmid, Record) and no_pmid.title.startswith("Some title fragment")
    assert isinstance(fragment, SkippedRecord) and fragment.line == 8


def test_text_without_any_pmid_raises_at_line_one_with_a_ris_hint() -> None:
    with pytest.raises(ImportFormatError, match="no PubMed/MEDLINE record.*RIS") as caught:
        read_string("TY  - JOUR\nTI  - A\nER  - \n")
    assert (caught.value.file, caught.value.line) == ("inline.nbib", 1)


_MEDLINE_LINES = st.one_of(
    st.sampled_from(["", "PMID- 12345", "PMID-", "TY  - JOUR"]),
    st.builds(
        "{}{}".format,
        st.sampled_from(
            [
                "TI  - ",
                "AB  - ",
                "FAU - ",
                "AU  - ",
                "CN  - ",
                "DP  - ",
                "AID - ",
                "LID - ",
                "MH  - ",
                "OT  - ",
                "PMC - ",
                "      ",
                "PMID- ",
                "X",
            ]
        ),
        st.text(max_size=25),
    ),
)
_MEDLINE_BYTES = st.builds(
    lambda lines, newline: newline.join(lines).encode("utf-8", "replace"),
    st.lists(_MEDLINE_LINES, max_size=25),
    st.sampled_from(["\n", "\r\n"]),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), _MEDLINE_BYTES))
def test_any_bytes_give_records_skips_or_an_import_format_error(data: bytes) -> None:
    try:
        text, _ = decode_text(data, "fuzz.nbib")
        items = list(medline.read(text, "fuzz.nbib"))
    except ImportFormatError:
        return
    assert all(isinstance(item, Record | SkippedRecord) for item in items)
