"""Tables of records: CSV/TSV, Scopus CSV, Web of Science tab-delimited and XLSX."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sysreview.errors import ImportFormatError
from sysreview.formats import read_file, tabular, write_records
from sysreview.formats.base import SkippedRecord
from sysreview.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "tabular"


def read_fixture(name: str, **options: object) -> list[Record]:
    path = FIXTURES / name
    return read_file(path.read_bytes(), filename=name, **options).records  # type: ignore[arg-type]


def read_csv(text: str, column_map: dict[str, str] | None = None) -> list[Record | SkippedRecord]:
    return list(tabular.read(text, "table.csv", column_map))


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- generic CSV ------------------------------------------------------------------------------


def test_zotero_csv_columns_are_mapped_by_their_names() -> None:
    first, second, third = read_fixture("zotero_export.csv")
    assert first.title.startswith("Exercise as a treatment for depression")
    assert first.authors[:2] == ["Schuch, Felipe B.", "Vancampfort, Davy"]
    assert (first.year, first.journal, first.journal_abbrev) == (
        2016,
        "Journal of Psychiatric Research",
        "J Psychiatr Res",
    )
    assert (first.volume, first.pages, first.issn) == ("77", "42-51", "0022-3956")
    assert first.doi == "10.1016/j.jpsychires.2016.02.023"
    assert first.keywords == ["Depression", "Exercise", "Meta-analysis"]
    assert first.urls == ["https://www.sciencedirect.com/science/article/pii/S002239561630050X"]
    assert third.authors == ["Müller, Jürgen", "Nowak, Małgorzata"]


def test_the_first_non_empty_synonym_column_wins() -> None:
    records = read_fixture("zotero_export.csv")
    # Zotero has an empty "Type" column and a filled "Item Type" column.
    assert records[0].publication_type == "journalArticle"


def test_every_original_column_is_kept_in_source_fields() -> None:
    record = read_fixture("zotero_export.csv")[0]
    assert record.source_fields["Key"] == ["9KQ2ZP3M"]
    assert record.source_fields["Extra"] == ["PMID: 26978184"]
    assert len(record.source_fields) == 41


def test_source_line_is_the_row_number_with_the_header_as_row_one() -> None:
    # The second record's abstract spans two lines of the file but is one row.
    assert [r.source_line for r in read_fixture("zotero_export.csv")] == [2, 3, 4]


def test_headers_match_whatever_their_case_spacing_and_punctuation() -> None:
    (record,) = read_csv("ARTICLE  TITLE,Publication_Year,AUTHOR(S)\nA trial,2019,Doe J; Roe K\n")
    assert isinstance(record, Record)
    assert (record.title, record.year, record.authors) == ("A trial", 2019, ["Doe J", "Roe K"])


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_the_delimiter_is_taken_from_the_header_row(delimiter: str) -> None:
    buffer = io.StringIO()
    rows = [["Title", "Abstract", "Year"], ["A title", "Commas, and; more, punctuation", "2001"]]
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    (record,) = read_csv(buffer.getvalue())
    assert isinstance(record, Record)
    assert (record.title, record.abstract, record.year) == (
        "A title",
        "Commas, and; more, punctuation",
        2001,
    )


def test_column_map_names_the_columns_the_synonyms_miss() -> None:
    text = "Titel,Jahr,Zeitschrift\nBewegung bei Depression,2018,Der Nervenarzt\n"
    (record,) = read_csv(text, {"title": "titel", "year": "JAHR", "journal": "Zeitschrift"})
    assert isinstance(record, Record)
    assert (record.title, record.year, record.journal) == (
        "Bewegung bei Depression",
        2018,
        "Der Nervenarzt",
    )


def test_a_table_without_a_title_column_says_which_columns_it_found_and_how_to_map() -> None:
    data = b"Titel,Jahr\nBewegung,2018\n"
    with pytest.raises(ImportFormatError) as caught:
        read_file(data, filename="german.csv")
    message = str(caught.value)
    assert message.startswith("german.csv:1: ")
    assert "'Titel', 'Jahr'" in message
    assert "--map title=Column" in message


def test_column_map_with_an_unknown_field_or_column_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="'heading' is not a record field"):
        read_csv("Title\nA\n", {"heading": "Title"})
    with pytest.raises(ImportFormatError, match="no column 'Name'.*'Title'"):
        read_csv("Title\nA\n", {"title": "Name"})


def test_a_row_without_a_title_is_skipped_with_its_row_number() -> None:
    items = read_csv("Title,Year\nFirst,2001\n,2002\nThird,2003\n")
    assert [type(item).__name__ for item in items] == ["Record", "SkippedRecord", "Record"]
    skipped = items[1]
    assert isinstance(skipped, SkippedRecord) and skipped.line == 3
    assert "no title" in skipped.reason


def test_without_skip_bad_a_row_without_a_title_fails_the_whole_file() -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_file(b"Title,Year\nFirst,2001\n,2002\n", filename="t.csv")
    assert caught.value.line == 3
    result = read_file(b"Title,Year\nFirst,2001\n,2002\n", filename="t.csv", skip_bad=True)
    assert len(result.records) == 1 and result.skipped[0].line == 3


def test_blank_rows_are_ignored_but_still_counted() -> None:
    items = read_csv("Title\nFirst\n\n,\nFourth\n")
    assert [
        item.line if isinstance(item, SkippedRecord) else item.source_line for item in items
    ] == [
        2,
        5,
    ]


def test_a_row_with_more_cells_than_the_header_is_skipped() -> None:
    (item,) = read_csv("Title,Year\nA, b and c,2001\n")
    assert isinstance(item, SkippedRecord)
    assert "3 cells but the header has 2" in item.reason


def test_a_field_over_the_csv_limit_is_a_clear_error() -> None:
    with pytest.raises(ImportFormatError, match="field larger than field limit"):
        read_csv('Title\n"' + "x" * 200_000 + '"\n')


# --- Scopus and Web of Science ------------------------------------------------------------------


def test_scopus_csv_is_recognised_and_mapped_exactly() -> None:
    result = read_file((FIXTURES / "scopus_export.csv").read_bytes(), filename="scopus.csv")
    assert result.format == "scopus_csv"
    first, second, third = result.records
    assert first.authors == [
        "Schuch F.B.",
        "Vancampfort D.",
        "Richards J.",
        "Rosenbaum S.",
        "Ward P.B.",
        "Stubbs B.",
    ]
    assert (first.journal, first.journal_abbrev, first.pmid) == (
        "Journal of Psychiatric Research",
        "J. Psychiatr. Res.",
        "26978184",
    )
    assert first.keywords == ["Depression", "Exercise", "Meta-analysis", "Physical activity"]
    assert "publication bias" in first.subject_headings
    assert first.source_fields["EID"] == ["2-s2.0-84960349519"]
    assert second.abstract == ""  # "[No abstract available]"
    assert third.pages == "S112"  # the article number where there are no pages


def test_scopus_authors_separated_by_semicolons_are_split_on_them() -> None:
    text = 'Authors,Title,Year,Source title,EID\n"Smith J., Jr.; Doe A.",A title,2023,J,2-s2\n'
    (record,) = tabular.read_scopus_csv(text, "scopus.csv")
    assert isinstance(record, Record)
    assert record.authors == ["Smith J., Jr.", "Doe A."]


def test_web_of_science_tab_delimited_is_recognised_and_mapped_exactly() -> None:
    result = read_file((FIXTURES / "wos_savedrecs_tab.txt").read_bytes(), filename="savedrecs.txt")
    assert (result.format, result.encoding) == ("wos_tab", "utf-16-le")
    first, second, third = result.records
    assert first.authors[:2] == ["Schuch, FB", "Vancampfort, D"]
    assert (first.journal, first.journal_abbrev, first.pages) == (
        "JOURNAL OF PSYCHIATRIC RESEARCH",
        "J PSYCHIATR RES",
        "42-51",
    )
    # Author keywords, then Keywords Plus without the case-only repeat.
    assert first.keywords == [
        "Exercise",
        "Depression",
        "Meta-analysis",
        "Physical activity",
        "RANDOMIZED CONTROLLED-TRIALS",
        "PHYSICAL-ACTIVITY",
    ]
    assert '"randomized"' in first.abstract  # quotes are literal in these files
    assert first.source_fields["UT"] == ["WOS:000374606200006"]
    assert (second.pmid, third.pages) == ("27099141", "S112")


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_sheet_reads_with_row_numbers_and_numbers_as_text() -> None:
    records = read_fixture("reviewer_sheet.xlsx")
    assert [r.source_line for r in records] == [2, 3, 5]
    first = records[0]
    assert (first.year, first.volume, first.pmid) == (2016, "77", "26978184")
    assert first.source_fields["Reviewer notes"] == ["check full text"]
    assert records[1].doi == "10.1016/j.jad.2016.03.063"


def test_xlsx_column_map_applies_too() -> None:
    data = xlsx_bytes([["Name of study", "When"], ["A trial", 2020]])
    result = read_file(data, filename="s.xlsx", column_map={"title": "Name of study"})
    assert result.records[0].title == "A trial"


def test_a_far_away_cell_does_not_make_the_sheet_huge() -> None:
    workbook = Workbook()
    workbook.active.append(["Title", "Year"])
    workbook.active.append(["A study", 2020])
    workbook.active.cell(row=1_048_576, column=16_384, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.perf_counter()
    result = read_file(buffer.getvalue(), filename="far.xlsx")
    assert time.perf_counter() - started < 2
    assert [r.title for r in result.records] == ["A study"]


def test_a_zip_bomb_is_refused_before_anything_is_inflated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert tabular.MAX_XLSX_UNCOMPRESSED == 200 * 1024 * 1024
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    assert len(buffer.getvalue()) < 10_000
    with pytest.raises(ImportFormatError, match="would inflate to 2 MB"):
        read_file(buffer.getvalue(), filename="bomb.xlsx")


def test_a_file_that_is_not_a_workbook_is_refused_as_xlsx() -> None:
    with pytest.raises(ImportFormatError, match="not an XLSX workbook"):
        read_file(b"Title\nA\n", filename="fake.xlsx", format="xlsx")


# --- writers ----------------------------------------------------------------------------------

RECORD = Record(
    title="Exercise for depression",
    abstract="Line one.\nLine two, with a comma.",
    authors=["Cooney, Gary M.", "Dwan, Kerry"],
    year=2013,
    journal="Cochrane Database of Systematic Reviews",
    volume="9",
    pages="CD004366",
    doi="10.1002/14651858.cd004366.pub6",
    pmid="24026850",
    keywords=["exercise", "depression"],
    urls=["https://doi.org/10.1002/14651858.CD004366.pub6"],
)


def named(record: Record) -> dict[str, object]:
    fields = record.to_dict()
    del fields["source_fields"], fields["source_line"]
    return fields


def test_csv_export_has_every_named_field_then_the_extra_columns() -> None:
    data = write_records([RECORD], "csv", [{"decision": "include", "reasons": ""}])
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert header == [*tabular.EXPORT_COLUMNS, "decision", "reasons"]
    assert "Cooney, Gary M.; Dwan, Kerry" in data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reads_back_to_the_same_records(fmt: str) -> None:
    empty = Record(title="Only a title")
    data = write_records([RECORD, empty], fmt, [{"decision": "include"}, {"decision": ""}])
    result = read_file(data, filename=f"export.{fmt}")
    assert result.format == fmt
    assert [named(r) for r in result.records] == [named(RECORD), named(empty)]
    assert result.records[0].source_fields["decision"] == ["include"]


def test_xlsx_export_is_one_sheet_of_text_cells() -> None:
    data = write_records([RECORD], "xlsx")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "records"
    assert [cell.value for cell in sheet[1]][:3] == ["title", "abstract", "authors"]
    assert sheet["A2"].value == "Exercise for depression"
