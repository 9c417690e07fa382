"""Turning an uploaded file's bytes into text, whatever tool wrote it.

Bibliographic exports carry no encoding declaration: databases write UTF-8 (with or without a
byte-order mark), Web of Science writes UTF-16, and commercial reference managers still write
Windows-1252. Reviewers also upload the wrong thing (a zip of exports, a PDF, a spreadsheet), so
this module refuses binary content with a message that says what to do instead of letting a
reader fail on garbage. Every reader then sees ``\\n`` line ends only, so line numbers agree
with what an editor shows.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator

from sysreview.errors import ImportFormatError

__all__ = ["decode_text", "iter_text_lines", "normalise_newlines", "text_lines"]

# (magic prefix, what the file is, what to do). Checked before any decoding is attempted.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"%PDF-",
        "is a PDF document, not a bibliographic export: export the records from the "
        "database as RIS, PubMed/MEDLINE, BibTeX or CSV and import that file",
    ),
    (
        b"\x1f\x8b",
        "is a gzip-compressed file, not a text export: decompress it and import the file inside",
    ),
    (
        b"7z\xbc\xaf\x27\x1c",
        "is a 7-Zip archive, not a text export: unpack it and import the files inside",
    ),
    (b"Rar!\x1a\x07", "is a RAR archive, not a text export: unpack it and import the files inside"),
    (
        b"\xfd7zXZ\x00",
        "is an xz-compressed file, not a text export: decompress it and import the file inside",
    ),
    (
        b"BZh",
        "is a bzip2-compressed file, not a text export: decompress it and import the file inside",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "is an old Microsoft Office file (.xls or .doc), not "
        "a text export: save it as CSV or export the records again as RIS",
    ),
    (
        b"SQLite format 3\x00",
        "is a SQLite database, not a bibliographic export: export the "
        "records from the program that made it",
    ),
    (b"\x89PNG", "is a PNG image, not a bibliographic export"),
    (b"\xff\xd8\xff", "is a JPEG image, not a bibliographic export"),
    (b"GIF8", "is a GIF image, not a bibliographic export"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SAMPLE = 8192
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")
_MAX_BINARY_SHARE = 0.05


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; a leading byte-order mark is dropped.

    Readers split on ``\\n`` only (not ``str.splitlines``, which also breaks on form feeds and
    Unicode separators) so that their line numbers match an editor's.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str) -> list[str]:
    """The lines readers number from 1: split on ``\\n`` only, a byte-order mark dropped from
    the start of any line (files joined with ``cat`` carry one at each join)."""
    return [line.lstrip("\ufeff") for line in normalise_newlines(text).split("\n")]


def iter_text_lines(text: str) -> Iterator[str]:
    """The lines of :func:`text_lines` one at a time, so a large file is not held twice."""
    text = normalise_newlines(text)
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        yield line.lstrip("\ufeff") if line.startswith("\ufeff") else line
        if end < 0:
            return
        start = end + 1


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """The text of an uploaded export and the name of the encoding it was read with.

    Raises :class:`ImportFormatError` naming ``filename`` when the file is empty or is not text
    at all (an archive, a PDF, an image, other binary data).
    """
    if not data.strip(b" \t\r\n\x00"):
        raise ImportFormatError("the file is empty", file=filename)
    _refuse_known_binary(data, filename)
    text, encoding = _decode(data, filename)
    text = normalise_newlines(text).rstrip("\x1a")
    if not text.strip():
        raise ImportFormatError("the file is empty", file=filename)
    _refuse_binary_text(text, filename)
    return text, encoding


def _refuse_known_binary(data: bytes, filename: str) -> None:
    """Refuse content whose first bytes name a binary file type."""
    if data.startswith(_ZIP_MAGIC):
        raise ImportFormatError(_zip_message(data), file=filename)
    for magic, message in _MAGIC:
        if data.startswith(magic) and (magic != b"BZh" or data[4:10] == b"1AY&SY"):
            raise ImportFormatError(f"the file {message}", file=filename)


def _zip_message(data: bytes) -> str:
    """Office documents are zip archives too; tell the reviewer which one they uploaded."""
    head = data[:4096]
    if b"xl/" in head:
        return (
            "the file is an Excel workbook (.xlsx), not a text export: import it as a "
            "spreadsheet or save it as CSV"
        )
    if b"word/" in head:
        return "the file is a Word document, not a bibliographic export"
    return "the file is a zip archive, not a text export: unzip it and import the files inside"


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """Pick the encoding: a byte-order mark, then UTF-16 by its NUL pattern, then UTF-8,
    Windows-1252 and finally Latin-1, which accepts any byte."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding.removesuffix("-sig"), "replace"), encoding
    utf16 = _bomless_utf16(data)
    if utf16:
        return data.decode(utf16, "replace"), utf16
    data = _without_stray_nuls(data, filename)
    for encoding in ("utf-8", "windows-1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _bomless_utf16(data: bytes) -> str:
    """``utf-16-le``/``utf-16-be`` when every other byte is NUL, as in mostly-ASCII UTF-16."""
    sample = data[: _SAMPLE - (_SAMPLE % 2)]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.4 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.4 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return ""


def _without_stray_nuls(data: bytes, filename: str) -> bytes:
    """Drop NUL padding and the odd stray NUL; refuse data where NULs are common (binary)."""
    data = data.rstrip(b"\x00")
    nuls = data.count(0)
    if nuls and nuls > 0.01 * len(data):
        raise ImportFormatError(
            "the file contains binary data (NUL bytes), not a text export: export the records "
            "again as RIS, PubMed/MEDLINE, BibTeX or CSV",
            file=filename,
        )
    return data.replace(b"\x00", b"") if nuls else data


def _refuse_binary_text(text: str, filename: str) -> None:
    """Refuse decoded text that is mostly control characters or undecodable bytes."""
    sample = text[:_SAMPLE]
    bad = sum(1 for char in sample if _is_binary_char(char))
    if bad > _MAX_BINARY_SHARE * len(sample):
        raise ImportFormatError(
            "the file does not look like text (it is full of control characters): export the "
            "records again as RIS, PubMed/MEDLINE, BibTeX or CSV",
            file=filename,
        )


def _is_binary_char(char: str) -> bool:
    """Control characters other than layout ones, and replacement characters."""
    if char == "\ufffd":
        return True
    return unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS
