"""The entry points: read_file, open_records and write_records."""

from __future__ import annotations

import pytest

from sysreview.errors import ImportFormatError
from sysreview.formats import EXPORT_FORMATS, FORMATS, open_records, read_file, write_records
from sysreview.records import Record

TWO_GOOD_ONE_BAD = b"Title,Year\nFirst,2001\n,2002\nThird,2003\n"


def test_one_bad_record_fails_the_whole_file_naming_file_and_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_file(TWO_GOOD_ONE_BAD, filename="search.csv")
    assert (caught.value.file, caught.value.line) == ("search.csv", 3)
    assert str(caught.value).startswith("search.csv:3: ")
    assert "--skip-bad" in str(caught.value)


def test_skip_bad_imports_the_others_and_lists_the_bad_ones() -> None:
    result = read_file(TWO_GOOD_ONE_BAD, filename="search.csv", skip_bad=True)
    assert [r.title for r in result.records] == ["First", "Third"]
    assert [s.line for s in result.skipped] == [3]
    assert (result.filename, result.format, result.encoding) == ("search.csv", "csv", "utf-8")


def test_a_file_with_no_records_is_an_error() -> None:
    with pytest.raises(ImportFormatError, match="no records found"):
        read_file(b"Title,Year\n", filename="empty.csv")


def test_a_named_format_skips_detection() -> None:
    result = read_file(b"Title\tYear\nA\t2001\n", filename="x.dat", format="csv")
    assert result.records[0].year == 2001


def test_an_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_file(b"x", filename="x.txt", format="endnote")
    assert "unknown format 'endnote'" in str(caught.value)
    assert all(name in str(caught.value) for name in FORMATS)


def test_column_map_is_for_tables_only() -> None:
    data = b"TY  - JOUR\nTI  - A\nER  - \n"
    with pytest.raises(ImportFormatError, match="--map applies to tables"):
        read_file(data, filename="x.ris", column_map={"title": "TI"})


def test_a_windows_1252_file_carries_a_warning() -> None:
    result = read_file("Title\nCaf\u00e9 culture\n".encode("windows-1252"), filename="x.csv")
    assert result.records[0].title == "Caf\u00e9 culture"
    assert result.encoding == "windows-1252" and result.warnings


def test_open_records_hands_records_over_as_they_are_read() -> None:
    opened = open_records(TWO_GOOD_ONE_BAD, filename="search.csv")
    assert (opened.format, opened.encoding) == ("csv", "utf-8")
    first = next(opened.items)
    assert isinstance(first, Record) and first.title == "First"
    assert len(list(opened.items)) == 2


def test_write_records_knows_its_formats() -> None:
    assert set(EXPORT_FORMATS) == {"ris", "csv", "xlsx", "bibtex"}
    record = Record(title="A", year=2020)
    for name, writer in EXPORT_FORMATS.items():
        data = write_records([record], name, [{"decision": "include"}])
        assert read_file(data, filename="export" + writer.extension).records[0].title == "A"
    with pytest.raises(ImportFormatError, match="unknown export format 'pdf'"):
        write_records([record], "pdf")
