"""Spreadsheet cell safety, shared by every CSV or XLSX sysreview writes (records, audit).

A cell starting ``=``, ``+``, ``-``, ``@``, tab, CR, LF or NUL gets a leading ``'`` (the union of
OWASP's CSV-injection list and ASVS V1.2.10); sysreview's own import of its export undoes that.
"""

from __future__ import annotations

import re

__all__ = ["escape_controls", "neutralise_cell", "restore_cell", "unescape_controls"]

_TRIGGER = r"[=+\-@\t\r\n\x00]"  # what a spreadsheet may take as the start of a formula
_NEEDS_QUOTE = re.compile("'*" + _TRIGGER)
_ADDED_QUOTE = re.compile("'+" + _TRIGGER)


def neutralise_cell(value: str) -> str:
    """Prefix ``'`` to a value a spreadsheet could run as a formula.

    Values that already start with quotes and then a trigger character get one more, so that
    :func:`restore_cell` is an exact inverse for every string.
    """
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell`: drop the one ``'`` it added before a trigger character."""
    return value[1:] if _ADDED_QUOTE.match(value) else value


_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd-\uffff]|_(?=x[0-9A-Fa-f]{4}_)"
)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_controls(value: str) -> str:
    """OOXML's ``_xHHHH_`` escape for characters that XML cannot hold (NUL, lone surrogates),
    that text handling alters on the way back (CR, which XML parsers and sysreview's own
    decoder turn into LF) or that make a file look binary (other control characters, U+FFFD);
    a literal ``_xHHHH_`` is protected as ``_x005F_xHHHH_``.

    Both writers use it, so an export survives a round trip exactly; Excel undoes it on XLSX.
    """
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


def unescape_controls(value: str) -> str:
    """Undo :func:`escape_controls` (and Excel's own ``_xHHHH_`` escapes in XLSX cells)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
