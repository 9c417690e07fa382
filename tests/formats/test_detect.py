"""Format detection goes by content; the file name only breaks ties."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from sysreview.errors import ImportFormatError
from sysreview.formats import FORMATS, Reader, detect_format
from sysreview.formats.detect import is_xlsx

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"

SAMPLES = {
    "ris": "TY  - JOUR\nTI  - Exercise for depression\nAU  - Cooney, G.\nPY  - 2013\nER  - \n",
    "medline": "PMID- 24026850\nOWN - NLM\nTI  - Exercise for depression.\nAU  - Cooney GM\n",
    "wos_plaintext": "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Cooney, GM\n"
    "TI Exercise for depression\nER\n\nEF\n",
    "refer": "%0 Journal Article\n%A Cooney, Gary M.\n%T Exercise for depression\n%D 2013\n",
    "bibtex": "@article{cooney2013,\n  title = {Exercise for depression},\n  year = {2013}\n}\n",
    "endnote_xml": '<?xml version="1.0" encoding="UTF-8" ?><xml><records><record>'
    "<titles><title>Exercise for depression</title></titles></record></records></xml>",
    "openalex": json.dumps(
        {"id": "https://openalex.org/W2111", "title": "Exercise for depression", "authorships": []}
    ),
    "wos_tab": "PT\tAU\tAF\tTI\tSO\tPY\tDI\tUT\nJ\tCooney, GM\tCooney, Gary M.\t"
    "Exercise for depression\tCOCHRANE DB SYST REV\t2013\t10.1002/x\tWOS:1\n",
    "scopus_csv": "Authors,Author(s) ID,Title,Year,Source title,DOI,Link,EID\n"
    '"Cooney G.M.",123,Exercise for depression,2013,Cochrane DB,10.1002/x,https://x,2-s2.0-1\n',
    "csv": "Title,Authors,Year\nExercise for depression,Cooney GM,2013\n",
}


def detect(text: str, filename: str) -> str:
    return detect_format(text.encode(), text, filename)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_format_is_recognised_by_content_whatever_the_file_is_called(name: str) -> None:
    assert detect(SAMPLES[name], "download.dat") == name
    assert detect(SAMPLES[name], f"download{FORMATS[name].extensions[0]}") == name


def test_pubmed_format_saved_as_txt_is_medline_not_ris() -> None:
    assert detect(SAMPLES["medline"], "pubmed-exercise-set.txt") == "medline"


def test_endnote_ris_that_is_really_refer_is_read_as_refer() -> None:
    assert detect(SAMPLES["refer"], "endnote_export.ris") == "refer"


def test_web_of_science_plain_text_and_tab_delimited_are_told_apart() -> None:
    assert detect(SAMPLES["wos_plaintext"], "savedrecs.txt") == "wos_plaintext"
    assert detect(SAMPLES["wos_tab"], "savedrecs.txt") == "wos_tab"


def test_scopus_csv_wins_over_the_generic_table_it_also_is() -> None:
    assert detect(SAMPLES["scopus_csv"], "scopus.csv") == "scopus_csv"


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Title"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_xlsx_by_its_bytes_even_named_csv() -> None:
    data = xlsx()
    assert is_xlsx(data)
    assert detect_format(data, None, "records.csv") == "xlsx"


def test_a_csv_named_xlsx_is_still_csv() -> None:
    assert detect(SAMPLES["csv"], "records.xlsx") == "csv"


def test_an_ordinary_zip_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("records.ris", SAMPLES["ris"])
    assert not is_xlsx(buffer.getvalue())


def test_the_extension_breaks_a_tie_between_formats_whose_content_both_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = "sysreview.formats.tabular"
    monkeypatch.setitem(FORMATS, "table_a", Reader("table_a", table, (".a",)))
    monkeypatch.setitem(FORMATS, "table_b", Reader("table_b", table, (".b",)))
    assert detect(SAMPLES["csv"], "x.b") == "table_b"
    assert detect(SAMPLES["csv"], "x.a") == "table_a"
    assert detect(SAMPLES["csv"], "x.other") == "table_a"


def test_text_no_reader_recognises_names_the_formats_and_the_option() -> None:
    with pytest.raises(ImportFormatError) as caught:
        detect("Dear colleague\nplease find the references attached.\n", "letter.txt")
    message = str(caught.value)
    assert message.startswith("letter.txt: cannot tell which format")
    assert "ris, refer, bibtex" in message and "--format" in message


def test_json_that_is_not_openalex_is_not_guessed() -> None:
    with pytest.raises(ImportFormatError):
        detect('{"name": "my-package", "version": "1.0.0"}', "package.json")


def test_content_that_is_not_text_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="neither text nor an XLSX workbook"):
        detect_format(b"\x00\x01\x02", None, "blob.bin")


@pytest.mark.parametrize(
    ("fixture", "name"),
    [
        ("bibtex/zotero_export.bib", "bibtex"),
        ("endnote_xml/endnote_20_export.xml", "endnote_xml"),
        ("openalex/api_page.json", "openalex"),
        ("openalex/works.jsonl", "openalex"),
        ("tabular/zotero_export.csv", "csv"),
        ("tabular/scopus_export.csv", "scopus_csv"),
        ("tabular/wos_savedrecs_tab.txt", "wos_tab"),
        ("tabular/reviewer_sheet.xlsx", "xlsx"),
    ],
)
def test_fixtures_are_detected_as_their_format(fixture: str, name: str) -> None:
    from sysreview.formats import read_file

    path = FIXTURES / fixture
    assert read_file(path.read_bytes(), filename=path.name).format == name
