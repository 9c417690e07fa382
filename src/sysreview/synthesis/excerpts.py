"""Where a coded excerpt comes from, checked against the text it was taken from.

An excerpt is a span of text in one of three sources of a study: its extracted data (a field of
the extraction form), a report's full text (the PDF's text; pages are its form-feed separated
parts when the PDF had them), or a note on the study. The location keeps the field, note or page
and the character offsets, so a reader can go back to the words; offsets are checked against
the source so a location can never point at other words than the excerpt's.

In a CSV a location is written ``key=value`` pairs separated by ``;``, e.g.
``field=outcomes; chars=0-64``, ``page=3; chars=120-180`` or ``note=Results; chars=5-90``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.errors import InvalidInput

SOURCES = ("extraction", "fulltext", "note")
PAGE_BREAK = "\f"


@dataclass(frozen=True)
class Location:
    """A span of a source: ``field`` (extraction), ``note`` (a note's title) or ``page``
    (full text, 1-based, optional), and ``start``/``end`` character offsets into that text
    (into the page's text when a page is given)."""

    source: str
    field: str | None = None
    note: str | None = None
    page: int | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, str | int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, str | int]) -> Location:
        return cls(**data)  # type: ignore[arg-type]

    def text(self) -> str:
        """The location as a CSV writes it (without the source, which has its own column)."""
        parts = []
        if self.field is not None:
            parts.append(f"field={self.field}")
        if self.note is not None:
            parts.append(f"note={self.note}")
        if self.page is not None:
            parts.append(f"page={self.page}")
        if self.start is not None and self.end is not None:
            parts.append(f"chars={self.start}-{self.end}")
        return "; ".join(parts)


def parse_location(source: str, text: str) -> Location:
    """A location from its CSV form; InvalidInput says which part is wrong."""
    if source not in SOURCES:
        raise InvalidInput(f"source is one of {', '.join(SOURCES)}, not {source!r}")
    values: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in ("field", "note", "page", "chars"):
            raise InvalidInput(
                f"location part {part!r} is not field=…, note=…, page=… or chars=START-END"
            )
        values[key] = value
    start = end = page = None
    if "chars" in values:
        start, end = _span(values["chars"])
    if "page" in values:
        if not values["page"].isdigit() or int(values["page"]) < 1:
            raise InvalidInput(f"page takes a page number from 1, not {values['page']!r}")
        page = int(values["page"])
    location = Location(source, values.get("field"), values.get("note"), page, start, end)
    check_shape(location)
    return location


def _span(text: str) -> tuple[int, int]:
    first, sep, last = text.partition("-")
    if not sep or not first.strip().isdigit() or not last.strip().isdigit():
        raise InvalidInput(f"chars takes START-END character offsets, not {text!r}")
    return int(first), int(last)


def check_shape(location: Location) -> None:
    """Each source has its own way of saying where: refuse the parts that do not belong."""
    if location.source == "extraction":
        if not location.field or location.note or location.page:
            raise InvalidInput("an extraction excerpt's location names a field (field=outcomes)")
    elif location.source == "note":
        if not location.note or location.field or location.page:
            raise InvalidInput("a note excerpt's location names the note (note=TITLE)")
    elif location.field or location.note:
        raise InvalidInput("a full-text excerpt's location has a page and chars, not a field")
    if (location.start is None) != (location.end is None):
        raise InvalidInput("give both character offsets, or neither")
    if location.start is not None and location.end is not None and location.start >= location.end:
        raise InvalidInput(f"chars {location.start}-{location.end} is empty or reversed")


def page_text(text: str, page: int | None) -> str:
    """The text a location's offsets count in: one page of a full text, or all of it."""
    if page is None:
        return text
    pages = text.split(PAGE_BREAK)
    if page > len(pages):
        raise InvalidInput(f"the full text has {len(pages)} page(s), not a page {page}")
    return pages[page - 1]


def anchor(location: Location, source_text: str, excerpt: str) -> tuple[Location, str]:
    """The location with offsets and the excerpt's exact words, checked against the source.

    With offsets, the excerpt (when given) must be the words there; without, the excerpt must
    occur in the source and its first occurrence is used. Whitespace at the ends of the
    excerpt is ignored; the stored excerpt is always the source's own words.
    """
    check_shape(location)
    text = page_text(source_text, location.page)
    wanted = excerpt.strip()
    if location.start is not None and location.end is not None:
        if location.end > len(text):
            raise InvalidInput(
                f"chars {location.start}-{location.end} run past the end of the source "
                f"({len(text)} characters)"
            )
        found = text[location.start : location.end]
        if wanted and found.strip() != wanted:
            raise InvalidInput(
                f"the source's words at chars {location.start}-{location.end} are "
                f"{_short(found)!r}, not the excerpt {_short(wanted)!r}"
            )
        return location, found
    if not wanted:
        raise InvalidInput("give the excerpt's words, or its character offsets")
    at = text.find(wanted)
    if at < 0:
        raise InvalidInput(f"the excerpt {_short(wanted)!r} is not in the source text")
    placed = Location(
        location.source, location.field, location.note, location.page, at, at + len(wanted)
    )
    return placed, wanted


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
