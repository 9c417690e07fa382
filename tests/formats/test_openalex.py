"""OpenAlex works: single objects, lists, API pages and JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview.errors import ImportFormatError
from sysreview.formats import openalex, read_file
from sysreview.formats.base import SkippedRecord
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "openalex"
PAGE = json.loads((FIXTURES / "api_page.json").read_text())
WORK = PAGE["results"][0]


def read_text(text: str) -> list[Record | SkippedRecord]:
    return list(openalex.read(text, "works.json"))


def records_of(text: str) -> list[Record]:
    items = read_text(text)
    assert all(isinstance(item, Record) for item in items)
    return [item for item in items if isinstance(item, Record)]


def test_an_api_page_maps_each_work() -> None:
    result = read_file((FIXTURES / "api_page.json").read_bytes(), filename="page.json")
    assert result.format == "openalex"
    first, second = result.records
    assert first.title.startswith("Exercise as a treatment for depression")
    assert first.authors == ["Felipe Barreto Schuch", "Davy Vancampfort", "Brendon Stubbs"]
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
    assert first.keywords == ["Publication bias"]
    assert first.subject_headings == ["Depressive Disorder", "Exercise"]
    assert (first.language, first.publication_type) == ("en", "article")
    assert first.urls == ["https://doi.org/10.1016/j.jpsychires.2016.02.023"]
    assert (second.pmcid, second.abstract) == ("PMC5432101", "")
    assert second.keywords == ["Psychiatry", "Depression (economics)"]  # concepts, no keywords


def test_the_abstract_is_rebuilt_from_the_inverted_index() -> None:
    (record,) = records_of(json.dumps(WORK))
    assert record.abstract == (
        "The effects of exercise on depression have been a source of contentious debate."
    )


def test_each_work_carries_the_line_it_starts_on() -> None:
    records = records_of((FIXTURES / "api_page.json").read_text())
    text_lines = (FIXTURES / "api_page.json").read_text().split("\n")
    assert [r.source_line for r in records] == [4, 53]
    assert all(text_lines[r.source_line - 1].strip() == "{" for r in records if r.source_line)


def test_source_fields_keep_every_top_level_field() -> None:
    (record,) = records_of(json.dumps(WORK))
    assert record.source_fields["id"] == ["https://openalex.org/W2296239178"]
    assert json.loads(record.source_fields["biblio"][0])["first_page"] == "42"
    assert record.source_fields["cited_by_count"] == ["1523"]


def test_a_list_of_works_and_a_single_work_are_read() -> None:
    assert len(records_of(json.dumps(PAGE["results"]))) == 2
    assert len(records_of(json.dumps(WORK, indent=2))) == 1


def test_json_lines_are_read_line_by_line_and_a_bad_line_is_skipped() -> None:
    text = "\n".join(json.dumps(w) for w in PAGE["results"]) + "\n{not json}\n"
    first, second, bad = read_text(text)
    assert isinstance(first, Record) and first.source_line == 1
    assert isinstance(second, Record) and second.source_line == 2
    assert isinstance(bad, SkippedRecord) and bad.line == 3


def test_json_that_does_not_parse_is_an_error_with_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_text('[\n  {"title": "A"},\n  {"title": "B",}\n]')
    assert caught.value.line == 3
    assert "not valid JSON" in str(caught.value)


def test_a_work_without_a_title_or_not_an_object_is_skipped() -> None:
    items = read_text(json.dumps([{"id": "https://openalex.org/W1", "title": None}, 42, WORK]))
    assert [type(item).__name__ for item in items] == ["SkippedRecord", "SkippedRecord", "Record"]
    assert "https://openalex.org/W1 has no title" in str(items[0])


def test_wrongly_typed_fields_are_ignored_rather_than_failing() -> None:
    work = {
        "title": "T",
        "authorships": "nobody",
        "biblio": [1, 2],
        "ids": {"pmid": 7},
        "mesh": [None, {"descriptor_name": 3}],
        "publication_year": "2020",
        "abstract_inverted_index": {"word": ["x", -1, 10**12]},
    }
    (record,) = records_of(json.dumps(work))
    assert (record.title, record.authors, record.year) == ("T", [], None)
    assert record.abstract == "word"


def test_a_hostile_inverted_index_does_not_exhaust_memory() -> None:
    index = {f"w{i}": list(range(i * 1000, i * 1000 + 1000)) for i in range(150)}
    (record,) = records_of(json.dumps({"title": "T", "abstract_inverted_index": index}))
    assert record.abstract == ""


def test_lone_surrogates_become_replacement_characters() -> None:
    (record,) = records_of('{"title": "Caf\\u00e9 \\ud800 study"}')
    assert record.title == "Café \ufffd study"
    record.title.encode("utf-8")


def test_looks_like_needs_openalex_fields() -> None:
    assert openalex.looks_like(json.dumps(WORK), "w.json")
    assert not openalex.looks_like('{"name": "package.json"}', "package.json")
