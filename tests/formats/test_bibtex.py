"""BibTeX: LaTeX decoded to Unicode, authors in order, broken entries skipped by line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sysreview.errors import ImportFormatError
from sysreview.formats import bibtex, read_file, write_records
from sysreview.formats.base import SkippedRecord
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "bibtex"


def read_text(text: str) -> list[Record | SkippedRecord]:
    return list(bibtex.read(text, "refs.bib"))


def only_record(text: str) -> Record:
    (item,) = read_text(text)
    assert isinstance(item, Record)
    return item


def zotero_records() -> list[Record]:
    data = (FIXTURES / "zotero_export.bib").read_bytes()
    return read_file(data, filename="zotero_export.bib").records


def test_zotero_export_maps_the_fields() -> None:
    first = zotero_records()[0]
    assert first.title == (
        "Exercise as a treatment for depression: A meta-analysis adjusting for publication bias"
    )
    assert first.authors[:2] == ["Schuch, Felipe B.", "Vancampfort, Davy"]
    assert len(first.authors) == 6
    assert (first.year, first.journal, first.volume, first.pages) == (
        2016,
        "Journal of Psychiatric Research",
        "77",
        "42-51",
    )
    assert (first.doi, first.pmid, first.issn) == (
        "10.1016/j.jpsychires.2016.02.023",
        "26978184",
        "0022-3956",
    )
    assert first.keywords == ["Depression", "Exercise", "Meta-analysis", "Publication bias"]
    assert "25% of trials" in first.abstract
    assert first.publication_type == "article"
    assert first.source_line == 2


def test_latex_accents_and_protected_words_become_unicode() -> None:
    third = zotero_records()[2]
    assert third.title == "Yoga for anxiety in primary care: a pilot study in Gdańsk and Köln"
    assert third.authors == ["Müller, Jürgen", "Nowak, Małgorzata", "World Health Organization"]
    assert third.journal == "Proceedings of the 27th European Congress of Psychiatry"


def test_source_fields_keep_every_field_as_written() -> None:
    third = zotero_records()[2]
    assert third.source_fields["ENTRYTYPE"] == ["inproceedings"]
    assert third.source_fields["ID"] == ["muller_yoga_2019"]
    assert third.source_fields["address"] == ["Warsaw"]
    assert third.source_fields["author"][0].startswith('M{\\"u}ller, J{\\"u}rgen')


def test_first_last_names_are_written_last_name_first() -> None:
    record = only_record(
        "@article{k, title={T}, author={Jos\\'e Garc\\'{\\i}a and Ludwig van Beethoven}}"
    )
    assert record.authors == ["García, José", "van Beethoven, Ludwig"]


def test_a_name_bibtex_cannot_split_is_kept_as_written() -> None:
    record = only_record("@article{k, title={T}, author={Smith, J., Doe, A., Roe, B.}}")
    assert record.authors == ["Smith, J., Doe, A., Roe, B."]


def test_a_bare_percent_is_text_not_a_latex_comment() -> None:
    record = only_record("@article{k, title={A 50% fall in relapse, and a 3\\% rise}}")
    assert record.title == "A 50% fall in relapse, and a 3% rise"


def test_math_is_decoded_to_text() -> None:
    assert (
        only_record("@article{k, title={$\\alpha$-synuclein in {PD}}}").title == "α-synuclein in PD"
    )


def test_doi_and_url_are_not_latex_decoded() -> None:
    record = only_record("@article{k, title={T}, doi={10.1000/a_b%20c}, url={http://x.org/a_b~c}}")
    assert record.doi == "10.1000/a_b%20c"
    assert record.urls == ["http://x.org/a_b~c"]


def test_a_broken_entry_is_skipped_with_the_line_it_starts_on() -> None:
    items = list(bibtex.read((FIXTURES / "broken_entries.bib").read_text(), "broken.bib"))
    assert [type(item).__name__ for item in items] == ["Record", "SkippedRecord", "Record"]
    skipped = items[1]
    assert isinstance(skipped, SkippedRecord)
    assert skipped.line == 10
    assert "@article{unbalanced," in skipped.reason
    assert [item.source_line for item in items if isinstance(item, Record)] == [1, 16]


def test_a_broken_entry_fails_the_file_unless_skip_bad() -> None:
    data = (FIXTURES / "broken_entries.bib").read_bytes()
    with pytest.raises(ImportFormatError) as caught:
        read_file(data, filename="broken.bib")
    assert (caught.value.file, caught.value.line) == ("broken.bib", 10)
    assert len(read_file(data, filename="broken.bib", skip_bad=True).records) == 2


def test_entries_sharing_a_key_are_all_read() -> None:
    items = read_text("@article{smith2020, title={One}}\n\n@article{smith2020, title={Two}}\n")
    assert [(i.title, i.source_line) for i in items if isinstance(i, Record)] == [
        ("One", 1),
        ("Two", 3),
    ]


def test_an_entry_without_a_title_is_skipped() -> None:
    (item,) = read_text("% a comment\n@book{k, author={Doe, J.}}")
    assert isinstance(item, SkippedRecord) and item.line == 2


def test_a_file_without_entries_is_an_error() -> None:
    with pytest.raises(ImportFormatError, match="no BibTeX entries"):
        read_text("% only a comment\n@comment{nothing here}\n")


def test_a_very_long_value_is_read_quickly_without_latex_decoding() -> None:
    started = time.perf_counter()
    record = only_record("@article{k, title={T}, abstract={" + "\\'e " * 200_000 + "}}")
    assert time.perf_counter() - started < 2
    assert len(record.abstract) > 100_000


# --- writer -------------------------------------------------------------------------------------


def named(record: Record) -> dict[str, object]:
    fields = record.to_dict()
    for name in ("source_fields", "source_line", "publication_type"):
        del fields[name]
    return fields


def test_written_bibtex_reads_back_to_the_same_records() -> None:
    records = zotero_records()
    written = write_records(records, "bibtex")
    again = read_file(written, filename="again.bib").records
    assert [named(r) for r in again] == [named(r) for r in records]
    assert [r.publication_type for r in again] == ["article", "article", "inproceedings"]
    assert again[2].source_fields["address"] == ["Warsaw"]


def test_latex_specials_and_unbalanced_braces_are_written_safely() -> None:
    record = Record(
        title="R&D costs: 50% of $10 for #1 {unclosed and } stray, a_b ~ c^2 \\ end",
        authors=["World Health Organization", "O'Brien, Sé"],
        year=2021,
    )
    written = write_records([record], "bibtex")
    assert b"50\\%" in written and b"R\\&D" in written
    (again,) = read_file(written, filename="w.bib").records
    assert again.title == "R&D costs: 50% of $10 for #1 unclosed and stray, a_b ~ c^2 \\ end"
    assert again.authors == ["World Health Organization", "O'Brien, Sé"]


def test_decisions_are_written_as_sysreview_fields_with_unique_keys() -> None:
    records = [Record(title="A", authors=["Smith, J."], year=2020)] * 2
    written = write_records(records, "bibtex", [{"decision": "include"}, {"decision": "exclude"}])
    text = written.decode()
    assert "@article{smith2020," not in text  # no journal: a misc entry
    assert "@misc{smith2020," in text and "@misc{smith2020a," in text
    again = read_file(written, filename="w.bib").records
    assert [r.source_fields["sysreview_decision"] for r in again] == [["include"], ["exclude"]]
