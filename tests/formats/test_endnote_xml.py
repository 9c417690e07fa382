"""EndNote XML, parsed only with defusedxml."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sysreview.errors import ImportFormatError
from sysreview.formats import endnote_xml, read_file
from sysreview.formats.base import SkippedRecord
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "endnote_xml"


def fixture_records() -> list[Record]:
    data = (FIXTURES / "endnote_20_export.xml").read_bytes()
    result = read_file(data, filename="library.xml")
    assert result.format == "endnote_xml"
    return result.records


def read_text(text: str) -> list[Record | SkippedRecord]:
    return list(endnote_xml.read(text, "library.xml"))


def test_endnote_export_maps_the_fields() -> None:
    first = fixture_records()[0]
    assert first.title.startswith("Exercise as a treatment for depression: A meta-analysis")
    assert first.authors == ["Schuch, Felipe B.", "Vancampfort, Davy", "Richards, Justin"]
    assert (first.year, first.journal, first.journal_abbrev) == (
        2016,
        "Journal of Psychiatric Research",
        "J Psychiatr Res",
    )
    assert (first.volume, first.pages, first.issn) == ("77", "42-51", "0022-3956")
    assert (first.doi, first.pmid) == ("10.1016/j.jpsychires.2016.02.023", "26978184")
    assert first.keywords == ["Depressive Disorder/*therapy", "*Exercise", "Meta-analysis"]
    assert first.urls == ["https://www.ncbi.nlm.nih.gov/pubmed/26978184"]
    assert (first.language, first.publication_type) == ("eng", "Journal Article")
    assert first.abstract.startswith("The effects of exercise on depression")


def test_style_runs_are_joined_and_identifiers_normalised() -> None:
    second = fixture_records()[1]
    assert second.title == "Exercise as a treatment for depression: A meta-analysis"
    assert (second.doi, second.pmcid, second.pmid) == (
        "10.1016/j.jad.2016.03.063",
        "PMC5432101",
        "",
    )


def test_records_without_style_runs_read_too() -> None:
    third = fixture_records()[2]
    assert (third.title, third.authors) == (
        "Yoga for anxiety in primary care — a pilot study",
        ["Müller, Jürgen"],
    )
    assert third.publication_type == "Conference Proceedings"


def test_each_record_carries_the_line_of_its_record_tag() -> None:
    assert [r.source_line for r in fixture_records()] == [2, 3, 4]


def test_source_fields_keep_every_element_by_its_path() -> None:
    first = fixture_records()[0]
    assert first.source_fields["rec-number"] == ["1"]
    assert first.source_fields["ref-type@name"] == ["Journal Article"]
    assert first.source_fields["dates/pub-dates/date"] == ["Jun"]
    assert first.source_fields["edition"] == ["2016/03/15"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<xml><records><record><titles><title>&f;</title></titles></record></records></xml>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><records><record><titles><title>&secret;</title></titles></record></records></xml>
"""


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, XXE], ids=["billion laughs", "XXE"])
def test_xml_that_declares_entities_is_refused_at_once(attack: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ImportFormatError, match="the XML declares entities"):
        read_file(attack.encode(), filename="attack.xml")
    assert time.perf_counter() - started < 1


def test_xml_that_does_not_parse_is_an_error_with_its_line() -> None:
    text = "<xml><records>\n<record><titles><title>A</title></titles></record>\n<record>\n</xml>"
    with pytest.raises(ImportFormatError) as caught:
        read_text(text)
    assert caught.value.line == 4
    assert "not well-formed" in str(caught.value)


def test_a_record_without_a_title_is_skipped_with_its_line() -> None:
    text = (
        "<xml><records>\n<record><titles><title>Kept</title></titles></record>\n"
        "<record><rec-number>2</rec-number></record>\n</records></xml>"
    )
    first, second = read_text(text)
    assert isinstance(first, Record) and first.title == "Kept"
    assert isinstance(second, SkippedRecord) and second.line == 3


def test_xml_without_records_is_an_error() -> None:
    with pytest.raises(ImportFormatError, match="no <record> elements"):
        read_text("<xml><records></records></xml>")


def test_a_declared_encoding_does_not_confuse_the_decoded_text() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><xml><records><record><titles><title>Café'
    text += "</title></titles></record></records></xml>"
    (record,) = read_text(text)
    assert isinstance(record, Record) and record.title == "Café"


def test_deep_nesting_is_read_or_refused_quickly() -> None:
    text = "<xml><records><record><titles><title>T</title></titles>"
    text += "<a>" * 50_000 + "</a>" * 50_000 + "</record></records></xml>"
    started = time.perf_counter()
    (record,) = read_text(text)
    assert time.perf_counter() - started < 2
    assert isinstance(record, Record) and record.title == "T"
