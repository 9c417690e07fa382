"""Hostile files uploaded to the real server: each is answered with a clear 4xx in well under
a second or two, the server keeps answering, and its memory stays bounded."""

from __future__ import annotations

import functools
import io
import struct
import time
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from tests.security.uploads_server import (
    Signed,
    peak_rss_kb,
    reset_peak_rss,
    rss_kb,
    signed_in,  # noqa: F401 - the fixture
)

MEMORY_BOUND_KB = 300 * 1024  # above the resident size before the upload, at the peak

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><records><record><ref-type name="Journal Article">17</ref-type>
<titles><title>&lol9;</title></titles></record></records></xml>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><records><record><ref-type name="Journal Article">17</ref-type>
<titles><title>&secret;</title></titles></record></records></xml>
"""
SHEET = "xl/worksheets/sheet1.xml"


def _workbook(sheet: Callable[[zipfile.ZipFile, bytes], None]) -> bytes:
    """A real workbook (two rows, written by openpyxl) whose sheet member ``sheet`` rewrites."""
    book = openpyxl.Workbook()
    book.active.append(["Title", "Year"])
    book.active.append(["Peer mentoring for residents", 2020])
    original = io.BytesIO()
    book.save(original)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        for name in source.namelist():
            if name == SHEET:
                sheet(copy, source.read(name))
            else:
                copy.writestr(name, source.read(name))
    return buffer.getvalue()


def honest_zip_bomb() -> bytes:
    """A workbook whose sheet inflates to 210 MB, past the 200 MB cap (200 kB on the wire)."""

    def sheet(book: zipfile.ZipFile, xml: bytes) -> None:
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w", force_zip64=True) as member:
            member.write(xml.replace(b"</worksheet>", b""))
            chunk = b" " * (1 << 20)
            for _ in range(210):
                member.write(chunk)
            member.write(b"</worksheet>")

    return _workbook(sheet)


def lying_zip_bomb() -> bytes:
    """A workbook whose directory declares a 2 kB sheet that really inflates to 50 MB."""
    cell = (
        b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"a" * 50_000_000 + b"</t></is></c></row>"
    )
    data = bytearray(
        _workbook(
            lambda book, xml: book.writestr(
                SHEET, xml.replace(b"</sheetData>", cell + b"</sheetData>")
            )
        )
    )
    name = SHEET.encode()
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = struct.pack("<I", 2000)  # the declared uncompressed size
    return bytes(data)


HOSTILE_FILES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "billion laughs (EndNote XML)": lambda: ("endnote.xml", BILLION_LAUGHS),
    "external entity (EndNote XML)": lambda: ("endnote.xml", XXE),
    "zip bomb (XLSX)": lambda: ("sheet.xlsx", honest_zip_bomb()),
    "zip bomb with a lying directory (XLSX)": lambda: ("sheet.xlsx", lying_zip_bomb()),
    "a 20 MB single line": lambda: ("export.ris", b"A" * 20_000_000),
    "deeply nested JSON (OpenAlex)": lambda: (
        "works.json",
        b'{"results": [{"id": "https://openalex.org/W1", "authorships": '
        + b"[" * 200_000
        + b"]" * 200_000
        + b"}]}",
    ),
    "deeply nested JSON Lines (OpenAlex)": lambda: (
        "works.jsonl",
        b'{"id": "https://openalex.org/W1", "title": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001,
    ),
}


@functools.cache
def hostile_file(case: str) -> tuple[str, bytes]:
    return HOSTILE_FILES[case]()


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_upload_is_refused_clearly_with_memory_bounded(
    signed_in: Signed,  # noqa: F811
    case: str,
) -> None:
    name, data = hostile_file(case)
    before = rss_kb()
    reset_peak_rss()
    started = time.perf_counter()
    answer = signed_in.import_page([("files", (name, data))])
    elapsed = time.perf_counter() - started
    peak = peak_rss_kb()
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert name in answer.text, "the message names the file"
    assert "root:" not in answer.text, "no external entity was resolved"
    assert elapsed < 2.0, f"{case} took {elapsed:.2f} s"
    assert peak - before < MEMORY_BOUND_KB, f"{case}: peak {peak - before} kB over the start"
    assert signed_in.client.get("/reviews").status_code == 200, "the server still answers"


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_the_json_api_refuses_a_hostile_upload_without_a_server_error(
    signed_in: Signed,  # noqa: F811
    case: str,
) -> None:
    name, data = hostile_file(case)
    answer = signed_in.client.post(
        f"/api/reviews/{signed_in.slug}/imports",
        data={"source": "Fuzzed database"},
        files=[("files", (name, data))],
        headers={"X-CSRF-Token": signed_in.csrf},
    )
    assert answer.status_code == 400  # refused, and nothing stored
    body = answer.json()
    assert body["imported"] == [] and body["failed_file"] == name
    assert body["error"].startswith(name)


def test_after_every_hostile_upload_a_good_file_still_imports(signed_in: Signed) -> None:  # noqa: F811
    good = b"TY  - JOUR\nTI  - Peer mentoring for residents\nPY  - 2020\nER  - \n"
    answer = signed_in.import_page([("files", ("good.ris", good))])
    assert answer.status_code == 200
    assert '<span data-testid="stored">1</span> stored' in answer.text
