"""Web of Science plain-text exports: FN/VR header, indented continuation lines, ER/EF."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ImportFormatError
from sysreview.formats import ris, wos_plaintext
from sysreview.formats.base import SkippedRecord
from sysreview.formats.encoding import decode_text
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "wos"


def read_items(name: str) -> list[Record | SkippedRecord]:
    text, _ = decode_text((FIXTURES / name).read_bytes(), name)
    return list(wos_plaintext.read(text, name))


def saved_records() -> list[Record]:
    items = read_items("savedrecs.txt")
    assert all(isinstance(item, Record) for item in items)
    return [item for item in items if isinstance(item, Record)]


def test_looks_like_recognises_the_export_header() -> None:
    text, _ = decode_text((FIXTURES / "savedrecs.txt").read_bytes(), "savedrecs.txt")
    assert wos_plaintext.looks_like(text, "savedrecs.ris")
    assert not ris.looks_like(text, "savedrecs.ris")


def test_looks_like_rejects_ris_and_medline() -> None:
    assert not wos_plaintext.looks_like("TY  - JOUR\nER  - \n", "a.txt")
    assert not wos_plaintext.looks_like("PMID- 1\nTI  - A\n", "a.txt")


def test_header_and_end_of_file_lines_are_not_records() -> None:
    assert [record.source_line for record in saved_records()] == [3, 52]


def test_each_indented_author_line_is_one_more_author_full_names_preferred() -> None:
    first, _ = saved_records()
    assert first.authors == ["Okafor, Chidi", "Larsen, Kirsten M.", "Brennan, Siobhan"]
    assert first.source_fields["AU"] == ["Okafor, C", "Larsen, KM", "Brennan, S"]


def test_wrapped_title_is_joined_with_a_space() -> None:
    first, _ = saved_records()
    assert first.title == (
        "Physical activity trajectories after diagnosis of type 2 diabetes: a "
        "population-based cohort study"
    )


def test_author_keywords_and_keywords_plus_are_combined_without_repeats() -> None:
    first, _ = saved_records()
    assert first.keywords == [
        "Accelerometry",
        "Physical activity",
        "Trajectories",
        "Type 2 diabetes",
        "ADULTS",
        "EXERCISE",
        "MORTALITY",
    ]


def test_identifiers_and_citation_fields_map() -> None:
    first, _ = saved_records()
    assert (first.doi, first.pmid, first.year) == ("10.1007/s00125-021-05612-3", "34912345", 2022)
    assert (first.volume, first.issue, first.pages) == ("65", "3", "489-498")
    assert (first.journal, first.journal_abbrev) == ("DIABETOLOGIA", "Diabetologia")
    assert first.issn == "0012-186X; 1432-0428"
    assert (first.language, first.publication_type) == ("English", "Article")
    assert first.source_fields["UT"] == ["WOS:000761234500012"]


def test_article_number_stands_in_for_missing_pages() -> None:
    _, second = saved_records()
    assert second.pages == "e14620"


def test_addresses_and_cited_references_are_kept_one_per_line() -> None:
    first, _ = saved_records()
    assert len(first.source_fields["CR"]) == 2
    assert (
        first.source_fields["C1"][-1] == "[Brennan, Siobhan] Univ Leeds, Sch Med, Leeds, England."
    )


def test_cut_off_last_record_without_content_is_skipped() -> None:
    complete, cut = read_items("truncated.txt")
    assert isinstance(complete, Record) and complete.title == "A complete record"
    assert isinstance(cut, SkippedRecord) and cut.line == 9


def test_text_without_any_record_raises_at_line_one() -> None:
    with pytest.raises(ImportFormatError, match="no Web of Science record") as caught:
        list(wos_plaintext.read("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n", "w.txt"))
    assert (caught.value.file, caught.value.line) == ("w.txt", 1)


_WOS_LINES = st.one_of(
    st.sampled_from(["", "FN Clarivate Analytics Web of Science", "VR 1.0", "PT J", "ER", "EF"]),
    st.builds(
        "{}{}".format,
        st.sampled_from(
            [
                "AU ",
                "AF ",
                "TI ",
                "AB ",
                "DE ",
                "ID ",
                "PY ",
                "BP ",
                "EP ",
                "AR ",
                "DI ",
                "PM ",
                "C1 ",
                "   ",
                "PT ",
            ]
        ),
        st.text(max_size=25),
    ),
)
_WOS_BYTES = st.builds(
    lambda lines, encoding: "\n".join(lines).encode(encoding, "replace"),
    st.lists(_WOS_LINES, max_size=25),
    st.sampled_from(["utf-8", "utf-16"]),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), _WOS_BYTES))
def test_any_bytes_give_records_skips_or_an_import_format_error(data: bytes) -> None:
    try:
        text, _ = decode_text(data, "fuzz.txt")
        items = list(wos_plaintext.read(text, "fuzz.txt"))
    except ImportFormatError:
        return
    assert all(isinstance(item, Record | SkippedRecord) for item in items)
