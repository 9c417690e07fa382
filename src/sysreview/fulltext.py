"""Full-text reports: recognising a PDF by its bytes and extracting its text for search.

Text extraction is bounded (pages and characters) so a hostile or huge PDF cannot hold a
request for long; a PDF that cannot be parsed is still kept, with no text and a warning.
"""

from __future__ import annotations

import io
import logging

from sysreview.errors import ImportFormatError

MAX_PAGES = 300
MAX_CHARACTERS = 2_000_000
PDF_MAGIC = b"%PDF-"


def media_type_of(data: bytes, file_name: str) -> str:
    """``application/pdf`` for a PDF by its bytes; anything else is refused by name."""
    if data[:1024].lstrip().startswith(PDF_MAGIC):
        return "application/pdf"
    raise ImportFormatError(
        "a full text must be a PDF (its bytes do not start with %PDF-)", file=file_name
    )


def extract_text(data: bytes, file_name: str) -> tuple[str, list[str]]:
    """The PDF's text (bounded) and any warnings; never raises for a damaged PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        parts: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or size >= MAX_CHARACTERS:
                return "\n".join(parts)[:MAX_CHARACTERS], [
                    f"{file_name}: text taken from the first {number} pages only"
                ]
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return "\n".join(parts)[:MAX_CHARACTERS], []
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return "", [f"{file_name}: kept, but its text could not be read ({exc})"]
