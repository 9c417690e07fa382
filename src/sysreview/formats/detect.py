"""Telling which format an uploaded file is in, from its content.

File names lie: PubMed's "PubMed format" is MEDLINE saved as ``.txt``, EndNote's "RIS" is
sometimes Refer, and Web of Science exports are all ``savedrecs.txt``. So each registered reader's
``looks_like`` judges the text, in the registry's order (specific signatures first, the generic
table last), and the extension only breaks a tie between formats whose content both match.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from sysreview.errors import ImportFormatError

__all__ = ["detect_format", "is_xlsx"]


def is_xlsx(data: bytes) -> bool:
    """An Office Open XML workbook: a zip archive with ``[Content_Types].xml`` and ``xl/``."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a directory asking for a zip version zipfile lacks (fuzzed)
        OSError,
        ValueError,
        EOFError,
    ):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def detect_format(data: bytes, text: str | None, filename: str) -> str:
    """The name of the format ``data`` is in (a key of :data:`sysreview.formats.FORMATS`).

    ``text`` is the decoded content, or None for content that is not text. Raises
    :class:`ImportFormatError` naming the file when no reader recognises it.
    """
    from sysreview.formats import FORMATS  # the registry imports this module

    if is_xlsx(data):
        return "xlsx"
    if text is None:
        raise ImportFormatError("the file is neither text nor an XLSX workbook", file=filename)
    readers = [reader for reader in FORMATS.values() if not reader.binary]
    matches = [r.name for r in readers if not r.generic and r.looks_like(text, filename)]
    matches = matches or [r.name for r in readers if r.generic and r.looks_like(text, filename)]
    if not matches:
        known = ", ".join(FORMATS)
        raise ImportFormatError(
            f"cannot tell which format this file is in; if it is one of {known}, name it with "
            "--format (a table whose columns have other names: --format csv --map title=Column)",
            file=filename,
        )
    extension = PurePath(filename).suffix.lower()
    by_extension = [name for name in matches if extension in FORMATS[name].extensions]
    return (by_extension or matches)[0]
