"""RIS: the dialects databases and reference managers export, damaged files, and the writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ImportFormatError
from sysreview.formats import ris
from sysreview.formats.base import SkippedRecord
from sysreview.formats.encoding import decode_text
from sysreview.records import Record, clean_markup, normalise_doi

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "ris"
NAMED_FIELDS = [
    name for name in Record.__dataclass_fields__ if name not in ("source_fields", "source_line")
]


def read_items(name: str) -> list[Record | SkippedRecord]:
    text, _ = decode_text((FIXTURES / name).read_bytes(), name)
    return list(ris.read(text, name))


def read_records(name: str) -> list[Record]:
    items = read_items(name)
    assert all(isinstance(item, Record) for item in items), items
    return [item for item in items if isinstance(item, Record)]


def read_string(text: str) -> list[Record | SkippedRecord]:
    return list(ris.read(text, "inline.ris"))


def named(item: Record | SkippedRecord) -> dict[str, object]:
    """The named fields of a record (a skipped record has none, so it never compares equal)."""
    return {name: getattr(item, name, None) for name in NAMED_FIELDS}


# ------------------------------------------------------------------------------ detection


def test_looks_like_decides_by_content_whatever_the_name() -> None:
    assert ris.looks_like("TY  - JOUR\nTI  - A\nER  - \n", "export.txt")
    assert not ris.looks_like("%0 Journal Article\n%T A\n", "export.ris")


def test_looks_like_rejects_medline_and_web_of_science() -> None:
    assert not ris.looks_like("PMID- 123\nOWN - NLM\nTI  - A title\n", "pubmed.ris")
    assert not ris.looks_like("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n", "a.ris")


def test_looks_like_skips_ovid_search_history_before_the_first_record() -> None:
    text, _ = decode_text((FIXTURES / "ovid_medline.ris").read_bytes(), "ovid.ris")
    assert ris.looks_like(text, "ovid.ris")


# ------------------------------------------------------------------------------ dialects


def test_ovid_link_lines_and_search_history_are_not_records() -> None:
    records = read_records("ovid_medline.ris")
    assert [record.source_line for record in records] == [12, 42]
    assert all(
        "Link to" not in value
        for record in records
        for values in record.source_fields.values()
        for value in values
    )


def test_ovid_medline_pmid_comes_from_the_ovid_link_into_medline() -> None:
    first, second = read_records("ovid_medline.ris")
    assert (first.pmid, second.pmid) == ("36512345", "36623456")


def test_ovid_medline_keywords_are_mesh_subject_headings() -> None:
    first, second = read_records("ovid_medline.ris")
    assert first.subject_headings[:2] == ["Adult", "*Diabetes Mellitus, Type 2/th [Therapy]"]
    assert first.keywords == []


def test_ovid_fields_map_to_named_fields() -> None:
    first, _ = read_records("ovid_medline.ris")
    assert first.title.startswith("Supervised aerobic exercise and glycaemic control")
    assert first.authors == ["Larsen, Kirsten M", "Okafor, Chidi", "Brennan, Siobhan"]
    assert (first.year, first.volume, first.pages) == (2023, "196", "110231")
    assert first.journal == "Diabetes research and clinical practice"
    assert first.journal_abbrev == "Diabetes Res Clin Pract"
    assert first.doi == "10.1016/j.diabres.2022.110231"
    assert first.issn == "1872-8227; 0168-8227"


def test_ovid_embase_accession_number_is_not_taken_for_a_pmid() -> None:
    records = read_records("ovid_embase.ris")
    assert [record.pmid for record in records] == ["", ""]
    assert records[0].source_fields["AN"] == ["2021345678"]


def test_ovid_embase_type_of_work_gives_the_publication_type() -> None:
    article, abstract = read_records("ovid_embase.ris")
    assert (article.publication_type, abstract.publication_type) == (
        "Article",
        "Conference Abstract",
    )


def test_ebscohost_medline_accession_is_the_pmid_but_cinahl_one_is_not() -> None:
    cinahl, medline = read_records("ebscohost.ris")
    assert (cinahl.pmid, medline.pmid) == ("", "33891234")
    assert cinahl.keywords[0] == "Heart Failure -- Nursing"
    assert medline.subject_headings == ["Heart Failure/therapy", "Telemedicine", "Humans"]


def test_untagged_line_continues_the_previous_field() -> None:
    cinahl, _ = read_records("ebscohost.ris")
    (abstract,) = cinahl.source_fields["AB"]
    assert abstract.endswith("express written permission.")
    assert "[ABSTRACT FROM AUTHOR]\nCopyright of Journal" in abstract
    assert "\n" not in cinahl.abstract


def test_embase_com_takes_the_pmid_from_c5_and_the_abbreviation_from_jo() -> None:
    first, second = read_records("embase_com.ris")
    assert (first.pmid, second.pmid) == ("34561234", "")
    assert (first.journal, first.journal_abbrev) == ("Journal of Hypertension", "J. Hypertens.")
    assert first.source_fields["DB"] == ["Embase", "Medline"]


def test_scopus_keeps_multiline_notes_and_article_number_in_source_fields() -> None:
    first, _ = read_records("scopus.ris")
    notes = first.source_fields["N1"]
    assert notes[0].startswith("Export Date: 14 March 2024")
    assert notes[1].count("\n") == 1 and notes[1].endswith("pp. 173-182;")
    assert first.source_fields["C7"] == ["e045678"]
    assert (first.journal, first.journal_abbrev, first.publication_type) == (
        "BMJ Open",
        "BMJ Open",
        "Article",
    )


def test_web_of_science_ris_keeps_its_accession_number() -> None:
    first, second = read_records("web_of_science.ris")
    assert first.source_fields["AN"] == ["WOS:000761234500012"]
    assert first.pmid == ""
    assert second.doi == "10.1111/dme.14620"


def test_pubmed_ris_gives_pmid_from_an_and_pmcid_from_c2() -> None:
    (record,) = read_records("pubmed.ris")
    assert (record.pmid, record.pmcid) == ("33012345", "PMC7654321")
    assert record.year == 2020
    assert record.language == "eng"


def test_zotero_export_reads_dates_and_book_records() -> None:
    article, book = read_records("zotero.ris")
    assert (article.year, article.pages, article.journal_abbrev) == (
        2021,
        "102-110",
        "J Clin Epidemiol",
    )
    assert (book.publication_type, book.year, book.issn) == ("BOOK", 2019, "978-1-119-53662-8")


def test_endnote_keyword_continuation_lines_are_separate_terms() -> None:
    article, _ = read_records("endnote.ris")
    assert article.subject_headings == [
        "Humans",
        "Machine Learning",
        "*Systematic Reviews as Topic",
    ]
    assert (article.pmid, article.pmcid) == ("34521234", "PMC8765432")


def test_mendeley_doi_in_type_of_work_is_used_when_do_is_missing() -> None:
    first, second = read_records("mendeley.ris")
    assert (first.journal, first.doi) == ("Research Synthesis Methods", "10.1002/jrsm.1389")
    assert second.doi == "10.1111/hir.12345"
    assert second.publication_type == "JOUR"


def test_one_space_tags_are_read() -> None:
    first, second = read_records("one_space_tags.ris")
    assert first.title == "Exported with one space before the hyphen"
    assert first.journal == "Journal of Odd Exports"
    assert second.source_line == 8


# ------------------------------------------------------------------------------ damage


def test_cut_off_last_record_without_content_is_skipped_at_its_line() -> None:
    complete, cut = read_items("truncated.ris")
    assert isinstance(complete, Record) and complete.title == "A complete record before the cut"
    assert isinstance(cut, SkippedRecord)
    assert cut.line == 7
    assert "no 'ER  - ' end line" in cut.reason


def test_cut_off_last_record_with_a_title_is_still_read() -> None:
    (record,) = read_string("TY  - JOUR\nTI  - Kept although cut\nAU  - Walsh, A")
    assert isinstance(record, Record)
    assert record.title == "Kept although cut" and record.authors == ["Walsh, A"]


def test_single_record_without_er_is_read() -> None:
    (record,) = read_records("single_record_no_er.ris")
    assert record.title == "The only record in a file without an end tag"


def test_lines_starting_with_er_inside_a_field_do_not_end_the_record() -> None:
    first, second = read_records("er_inside_field.ris")
    assert "ER stress is implicated" in first.abstract
    assert "ER - negative samples" in first.abstract
    assert first.year == 2018
    assert second.title == "A second record after the first"


def test_record_without_ty_is_read_when_it_has_a_title_and_skipped_otherwise() -> None:
    first, lost_ty, stray, third = read_items("missing_ty.ris")
    assert isinstance(lost_ty, Record) and lost_ty.title == "A record whose TY line was lost"
    assert lost_ty.publication_type == ""
    assert isinstance(stray, SkippedRecord) and stray.line == 11
    assert "no 'TY  - ' line" in stray.reason
    assert isinstance(third, Record) and third.title == "Third record, complete"


def test_record_with_nothing_but_its_type_is_skipped() -> None:
    (item,) = read_string("TY  - JOUR\nER  - \n")
    assert item == SkippedRecord(1, "the record has no fields besides its type (TY)")


def test_text_without_any_ris_record_raises_at_line_one() -> None:
    with pytest.raises(ImportFormatError, match="no RIS record found") as caught:
        read_string("Title,Authors,Year\nA study,Smith,2020\n")
    assert (caught.value.file, caught.value.line) == ("inline.ris", 1)


def test_medline_file_given_as_ris_gets_a_hint() -> None:
    with pytest.raises(ImportFormatError, match="PubMed/MEDLINE"):
        read_string("PMID- 123\nTI  - A title\n")


def test_concatenated_exports_with_a_bom_in_the_middle_keep_both_records() -> None:
    one = "TY  - JOUR\nTI  - First\nER  - \n"
    records = read_string(one + "\ufeff" + one.replace("First", "Second"))
    assert [record.title for record in records if isinstance(record, Record)] == [
        "First",
        "Second",
    ]


# ------------------------------------------------------------------------------ fields


def test_markup_is_removed_from_titles_but_kept_in_source_fields() -> None:
    html, jats, mathml = read_records("markup_in_titles.ris")
    assert html.title == "Effect of Lactobacillus supplementation on glycaemic control & weight"
    assert html.source_fields["TI"] == [
        "Effect of <i>Lactobacillus</i> supplementation on <b>glycaemic</b> control &amp; weight"
    ]
    assert "<" not in jats.title and "in situ" in jats.title
    assert jats.abstract == "We measured CO2 at 40 sites."
    assert mathml.title.startswith("Uptake of Ca") and "<" not in mathml.title


def test_repeated_tags_keep_their_values_in_file_order() -> None:
    (record,) = read_string(
        "TY  - JOUR\nAU  - Zeta, Z\nA1  - Alpha, A\nAU  - Mu, M\nSN  - 1\nSN  - 2\nER  - \n"
    )
    assert isinstance(record, Record)
    assert record.authors == ["Zeta, Z", "Alpha, A", "Mu, M"]
    assert record.source_fields == {
        "TY": ["JOUR"],
        "AU": ["Zeta, Z", "Mu, M"],
        "A1": ["Alpha, A"],
        "SN": ["1", "2"],
    }


def test_every_original_tag_is_kept_in_source_fields() -> None:
    first, _ = read_records("ovid_medline.ris")
    expected = "TY DB T1 A1 Y1 N2 KW JF JA VL SP CY SN M2 M1 DO L2"
    assert " ".join(first.source_fields) == expected


@pytest.mark.parametrize(
    ("tags", "year"),
    [("PY  - 2019", 2019), ("Y1  - 2018//", 2018), ("DA  - 2017/09/14/", 2017), ("", None)],
)
def test_year_comes_from_py_y1_or_da(tags: str, year: int | None) -> None:
    (record,) = read_string(f"TY  - JOUR\nTI  - T\n{tags}\nER  - \n")
    assert isinstance(record, Record) and record.year == year


def test_urls_are_split_on_semicolons() -> None:
    (record,) = read_string("TY  - JOUR\nTI  - T\nUR  - http://a.example; http://b.example\nER  - ")
    assert isinstance(record, Record) and record.urls == ["http://a.example", "http://b.example"]


def test_pages_join_start_and_end_page() -> None:
    (record,) = read_string("TY  - JOUR\nTI  - T\nSP  - e101\nEP  - e109\nER  - \n")
    assert isinstance(record, Record) and record.pages == "e101-e109"


# ------------------------------------------------------------------------------ writer


def test_writer_stamps_the_decision_in_n1_lines() -> None:
    data = ris.write(
        [Record(title="A study")],
        [{"decision": "include", "reasons": ["wrong population", "wrong design"], "labels": []}],
    )
    text = data.decode("utf-8")
    assert "N1  - sysreview_decision: include\r\n" in text
    assert "N1  - sysreview_reasons: wrong population; wrong design\r\n" in text
    assert "sysreview_labels" not in text


def test_writer_uses_crlf_line_ends_throughout() -> None:
    data = ris.write([Record(title="One", abstract="Line one\nline two"), Record(title="Two")])
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.startswith(b"TY  - GEN\r\nTI  - One\r\n")
    assert data.count(b"ER  - \r\n") == 2


def test_writer_without_records_writes_nothing() -> None:
    assert ris.write([], []) == b""


def test_fixture_records_survive_a_write_and_read_back() -> None:
    for path in sorted(FIXTURES.glob("*.ris")):
        originals = [item for item in read_items(path.name) if isinstance(item, Record)]
        text, _ = decode_text(ris.write(originals), path.name)
        again = list(ris.read(text, path.name))
        assert [named(record) for record in again] == [named(r) for r in originals], path.name


def test_writer_copies_tags_without_named_fields_from_ris_records() -> None:
    _, medline = read_records("ebscohost.ris")
    text = ris.write([medline]).decode("utf-8")
    assert "AN  - 33891234\r\n" in text and "DB  - mdc\r\n" in text and "DP  - EBSCOhost" in text


def test_writer_replaces_old_decision_stamps_instead_of_repeating_them() -> None:
    (record,) = read_string("TY  - JOUR\nTI  - T\nN1  - sysreview_decision: exclude\nER  - \n")
    assert isinstance(record, Record)
    text = ris.write([record], [{"decision": "include"}]).decode("utf-8")
    assert "sysreview_decision: exclude" not in text
    assert text.count("sysreview_decision") == 1


def test_writer_notes_a_pmid_that_no_written_tag_would_carry() -> None:
    record = Record(title="From PubMed", pmid="31234567", pmcid="PMC6543210")
    text = ris.write([record]).decode("utf-8")
    assert "N1  - PMID: 31234567\r\n" in text and "N1  - PMCID: PMC6543210\r\n" in text
    (again,) = read_string(text)
    assert isinstance(again, Record) and (again.pmid, again.pmcid) == ("31234567", "PMC6543210")


def test_writer_guards_continuation_lines_that_look_like_tags() -> None:
    abstract = "Results were mixed.\nER  - this line is text\nTY  - JOUR\nLink to nowhere"
    (again,) = read_string(ris.write([Record(title="T", abstract=abstract)]).decode("utf-8"))
    assert isinstance(again, Record)
    assert again.abstract == clean_markup(abstract)


# ------------------------------------------------------------------------------ properties

_SAFE_TEXT = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs", "Cc"), exclude_characters="<>&;\ufeff\ufffd\u2028\u2029"
    ),
    max_size=30,
).map(ris.collapse)
_WORDS = _SAFE_TEXT.filter(lambda text: text == clean_markup(text))
_DOIS = st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9]{1,8}(?:[._/-][a-z0-9]{1,6}){0,3}", fullmatch=True)
_TYPES = st.one_of(
    st.sampled_from(["", "JOUR", "CONF", "BOOK", "Journal Article", "Review"]),
    _SAFE_TEXT.filter(lambda text: text != "GEN" and not normalise_doi(text)),
)


@st.composite
def records(draw: st.DrawFn) -> Record:
    return Record(
        title=draw(_WORDS.filter(bool)),
        abstract=draw(_WORDS),
        authors=draw(st.lists(_SAFE_TEXT.filter(bool), max_size=4)),
        year=draw(st.none() | st.integers(1000, 2999)),
        journal=draw(_SAFE_TEXT),
        journal_abbrev=draw(_SAFE_TEXT),
        volume=draw(_SAFE_TEXT),
        issue=draw(_SAFE_TEXT),
        pages=draw(
            st.one_of(_SAFE_TEXT, st.from_regex(r"e?[0-9]{1,4}-e?[0-9]{1,4}", fullmatch=True))
        ),
        doi=draw(st.just("") | _DOIS.filter(lambda doi: normalise_doi(doi) == doi)),
        pmid=draw(st.just("") | st.integers(1, 99_999_999).map(str)),
        pmcid=draw(st.just("") | st.integers(100, 99_999_999).map(lambda n: f"PMC{n}")),
        issn=draw(_SAFE_TEXT),
        keywords=draw(st.lists(_SAFE_TEXT.filter(bool), max_size=4)),
        language=draw(_SAFE_TEXT),
        publication_type=draw(_TYPES),
        urls=draw(
            st.lists(
                st.from_regex(r"https://example\.org/[a-z0-9]{0,12}", fullmatch=True), max_size=3
            )
        ),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), min_size=1, max_size=3))
def test_written_records_read_back_with_the_same_named_fields(originals: list[Record]) -> None:
    text, _ = decode_text(ris.write(originals, [{"decision": "include"}]), "roundtrip.ris")
    again = list(ris.read(text, "roundtrip.ris"))
    assert [named(record) for record in again] == [named(record) for record in originals]


_RIS_LINES = st.one_of(
    st.sampled_from(["TY  - JOUR", "ER  - ", "TY - JOUR", "ER -", "", "1. ", "Link to the Ovid"]),
    st.builds(
        "{}{}".format,
        st.sampled_from(
            [
                "TI  - ",
                "AU  - ",
                "AB  - ",
                "UR  - ",
                "DO  - ",
                "PY  - ",
                "KW  - ",
                "DB  - ",
                "AN  - ",
                "SP  - ",
                "EP  - ",
                "M3  - ",
                "C5  - ",
                "L2  - ",
                "N1  - ",
                "  ",
                "ER",
                "PMID- ",
            ]
        ),
        st.text(max_size=25),
    ),
)
_RIS_BYTES = st.builds(
    lambda lines, newline, encoding: newline.join(lines).encode(encoding, "replace"),
    st.lists(_RIS_LINES, max_size=25),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=400), _RIS_BYTES))
def test_any_bytes_give_records_skips_or_an_import_format_error(data: bytes) -> None:
    try:
        text, _ = decode_text(data, "fuzz.ris")
        items = list(ris.read(text, "fuzz.ris"))
    except ImportFormatError:
        return
    assert all(isinstance(item, Record | SkippedRecord) for item in items)
