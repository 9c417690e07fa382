"""Decoding uploaded exports: encodings real tools write, and files that are not text at all."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ImportFormatError
from sysreview.formats.encoding import decode_text, normalise_newlines

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "encoding"
ACCENTED_TITLE = "\u201cCaf\u00e9 culture\u201d and blood pressure \u2013 a cohort study"


def decode_fixture(name: str) -> tuple[str, str]:
    return decode_text((FIXTURES / name).read_bytes(), name)


def test_plain_utf8_is_read_as_utf8() -> None:
    text, encoding = decode_text("TI  - Caf\u00e9\n".encode(), "a.ris")
    assert (text, encoding) == ("TI  - Caf\u00e9\n", "utf-8")


def test_utf8_byte_order_mark_is_removed() -> None:
    text, encoding = decode_fixture("utf8_bom.ris")
    assert encoding == "utf-8-sig"
    assert text.startswith("TY  - JOUR")
    assert ACCENTED_TITLE in text


def test_windows_1252_keeps_accents_and_curly_quotes() -> None:
    text, encoding = decode_fixture("windows_1252.ris")
    assert encoding == "windows-1252"
    assert ACCENTED_TITLE in text
    assert "Lef\u00e8vre, H\u00e9l\u00e8ne" in text


def test_utf16_little_endian_with_bom_is_decoded() -> None:
    text, encoding = decode_fixture("utf16_le_bom.ris")
    assert encoding == "utf-16-le"
    assert text.startswith("TY  - JOUR") and ACCENTED_TITLE in text


def test_utf16_big_endian_with_bom_is_decoded() -> None:
    text, encoding = decode_fixture("utf16_be_bom.ris")
    assert encoding == "utf-16-be"
    assert text.startswith("TY  - JOUR") and ACCENTED_TITLE in text


def test_utf16_without_bom_is_recognised_by_its_nul_bytes() -> None:
    text, encoding = decode_fixture("utf16_le_no_bom.txt")
    assert encoding == "utf-16-le"
    assert ACCENTED_TITLE in text


def test_crlf_and_lone_cr_line_ends_become_lf() -> None:
    windows, _ = decode_fixture("utf16_le_bom.ris")
    old_mac, _ = decode_fixture("old_mac_newlines.ris")
    assert "\r" not in windows and "\r" not in old_mac
    assert old_mac.split("\n")[:2] == ["TY  - JOUR", "AU  - Lef\u00e8vre, H\u00e9l\u00e8ne"]


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1() -> None:
    data = b"TY  - JOUR\nTI  - Caf\xe9 au lait and sleep quality in adults \x81\nER  - \n"
    text, encoding = decode_text(data, "a.ris")
    assert encoding == "latin-1"
    assert "TI  - Caf\u00e9 au lait" in text


def test_empty_file_is_refused_naming_the_file() -> None:
    with pytest.raises(ImportFormatError, match="the file is empty") as caught:
        decode_fixture("empty.ris")
    assert caught.value.file == "empty.ris"
    assert str(caught.value).startswith("empty.ris: ")


def test_file_of_blank_lines_is_refused_as_empty() -> None:
    with pytest.raises(ImportFormatError, match="the file is empty"):
        decode_text(b"\r\n  \n\t\n", "blank.ris")


def test_bom_only_utf16_file_is_refused_as_empty() -> None:
    with pytest.raises(ImportFormatError, match="the file is empty"):
        decode_text(b"\xff\xfe", "bom.ris")


def test_zip_archive_is_refused_with_advice_to_unzip() -> None:
    with pytest.raises(ImportFormatError, match="is a zip archive, not a text export: unzip it"):
        decode_fixture("really_a_zip.ris")


def test_excel_workbook_is_refused_as_a_spreadsheet() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ImportFormatError, match="Excel workbook"):
        decode_text(buffer.getvalue(), "records.ris")


def test_gzip_file_is_refused_with_advice_to_decompress() -> None:
    with pytest.raises(ImportFormatError, match="gzip-compressed.*decompress it"):
        decode_text(gzip.compress(b"TY  - JOUR\nER  - \n"), "records.ris.gz")


def test_pdf_is_refused_with_advice_to_export_records() -> None:
    with pytest.raises(ImportFormatError, match="is a PDF document"):
        decode_fixture("really_a_pdf.ris")


def test_nul_laden_binary_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="binary data"):
        decode_fixture("binary_with_nuls.ris")


def test_trailing_nul_padding_is_dropped() -> None:
    text, _ = decode_text(b"TY  - JOUR\nER  - \n" + b"\x00" * 64, "padded.ris")
    assert text == "TY  - JOUR\nER  - \n"


def test_text_full_of_control_characters_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="does not look like text"):
        decode_text(bytes(range(1, 32)) * 8, "noise.ris")


def test_normalise_newlines_drops_a_leading_bom() -> None:
    assert normalise_newlines("\ufeffTY  - JOUR\r\nER  - \r") == "TY  - JOUR\nER  - \n"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_decode_to_lf_text_or_raise_import_format_error(data: bytes) -> None:
    try:
        text, encoding = decode_text(data, "fuzz.ris")
    except ImportFormatError as error:
        assert error.file == "fuzz.ris"
        return
    assert "\r" not in text and text.strip()
    assert encoding
