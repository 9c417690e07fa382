"""OpenAlex works, as the API and its snapshot give them.

Accepted shapes: one work object, a list of works, an API page (``{"meta": ..., "results":
[...]}``), or JSON Lines (one work per line, as in the snapshot and in ``openalex`` tools). The
abstract is rebuilt from ``abstract_inverted_index`` (OpenAlex does not publish abstracts as
text), identifiers arrive as URLs and are normalised, and each work keeps where it began in the
file: the top-level array is scanned element by element for that, rather than parsed in one go.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from sysreview.errors import ImportFormatError
from sysreview.formats.base import ReaderOutput, SkippedRecord
from sysreview.records import Record, normalise_doi, normalise_pmcid, normalise_pmid

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "openalex"

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")
_MARKERS = ('"openalex.org/W', "openalex.org/W", '"abstract_inverted_index"', '"authorships"')
#: A hostile inverted index can name any positions; an abstract this long is not an abstract.
_MAX_ABSTRACT_WORDS = 100_000


def looks_like(text: str, filename: str) -> bool:
    """JSON whose opening part names OpenAlex works or their fields."""
    head = text[:65_536].lstrip("\ufeff \t\r\n")
    return head[:1] in ("{", "[") and any(marker in head for marker in _MARKERS)


# --- finding the works and where each began -------------------------------------------------


class _Lines:
    """Line numbers (1-based) of character offsets in a text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, offset: int) -> int:
        return bisect_right(self._starts, offset)


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _array(text: str, position: int) -> tuple[list[tuple[int, Any]], int]:
    """The elements of the JSON array at ``position``, each with the offset it starts at."""
    items: list[tuple[int, Any]] = []
    position = _skip(text, position + 1)
    if text.startswith("]", position):
        return items, position + 1
    while True:
        value, end = _DECODER.raw_decode(text, position)
        items.append((position, value))
        position = _skip(text, end)
        if text.startswith("]", position):
            return items, position + 1
        if not text.startswith(",", position):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip(text, position + 1)


def _page(text: str, position: int) -> tuple[list[tuple[int, Any]], int]:
    """The works of the JSON object at ``position``: its ``results``, or the object itself."""
    start = position
    results: list[tuple[int, Any]] | None = None
    members: dict[str, Any] = {}
    position = _skip(text, position + 1)
    while not text.startswith("}", position):
        key, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if not isinstance(key, str) or not text.startswith(":", position):
            raise json.JSONDecodeError("Expecting property name and ':'", text, position)
        position = _skip(text, position + 1)
        if key == "results" and text.startswith("[", position):
            results, position = _array(text, position)
            members[key] = [value for _, value in results]
        else:
            members[key], position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif not text.startswith("}", position):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
    return (results if results is not None else [(start, members)]), position + 1


def _document(text: str, filename: str) -> list[tuple[int, Any]] | None:
    """The works of a JSON document with their offsets, or None when the text is JSON Lines."""
    start = _skip(text, 0)
    try:
        if text.startswith("[", start):
            works, end = _array(text, start)
        elif text.startswith("{", start):
            works, end = _page(text, start)
        else:
            raise json.JSONDecodeError("Expecting a JSON object or array", text, start)
    except json.JSONDecodeError as error:
        if _is_json_lines(text):
            return None
        raise ImportFormatError(
            f"not valid JSON: {error.msg}", file=filename, line=error.lineno
        ) from None
    rest = _skip(text, end)
    if rest < len(text):
        if _is_json_lines(text):
            return None
        raise ImportFormatError(
            "unexpected data after the JSON value", file=filename, line=_Lines(text).of(rest)
        )
    return works


def _is_json_lines(text: str) -> bool:
    """JSON Lines: the first line is a JSON object on its own (and more lines follow)."""
    first, _, rest = text.strip().partition("\n")
    if not rest.strip() or not first.lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _json_lines(text: str) -> Iterator[tuple[int, Any] | SkippedRecord]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            yield SkippedRecord(number, f"line {number} is not valid JSON: {error.msg}")
        except RecursionError:
            yield SkippedRecord(number, f"line {number} is nested too deeply")


def read(text: str, filename: str) -> ReaderOutput:
    """Records from OpenAlex works: a work, a list, an API page or JSON Lines."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFormatError("the file is empty", file=filename)
    try:
        document = _document(text, filename)
    except RecursionError:
        raise ImportFormatError("the JSON is nested too deeply", file=filename) from None
    if document is None:
        return _from_lines(text)
    lines = _Lines(text)
    return (_work(value, lines.of(offset)) for offset, value in document)


def _from_lines(text: str) -> ReaderOutput:
    for item in _json_lines(text):
        yield item if isinstance(item, SkippedRecord) else _work(item[1], item[0])


# --- from a work to a Record ----------------------------------------------------------------


def _clean(text: str) -> str:
    """Lone surrogates (JSON may escape ``"\\ud800"``) become U+FFFD: no database stores them."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _text(value: object) -> str:
    """A scalar field as tidy text; anything else as ""."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return " ".join(_clean(str(value)).split())


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def abstract_from_index(index: object) -> str:
    """The abstract as text, from OpenAlex's ``{"word": [positions]}`` inverted index."""
    words: dict[int, str] = {}
    for word, positions in _dict(index).items():
        for position in _list(positions):
            if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
                words[position] = _text(word)
            if len(words) > _MAX_ABSTRACT_WORDS:
                return ""
    return " ".join(words[position] for position in sorted(words) if words[position])


def _pages(biblio: dict[str, Any]) -> str:
    first, last = _text(biblio.get("first_page")), _text(biblio.get("last_page"))
    return f"{first}-{last}" if first and last and first != last else first or last


def _terms(work: dict[str, Any]) -> list[str]:
    """Keywords, or the older concepts where a work has no keywords."""
    keywords = [_text(_dict(k).get("display_name") or k) for k in _list(work.get("keywords"))]
    if any(keywords):
        return _unique(keywords)
    return _unique([_text(_dict(c).get("display_name")) for c in _list(work.get("concepts"))])


def _authors(work: dict[str, Any]) -> list[str]:
    """Display names in authorship order (a name OpenAlex could not match: as printed)."""
    names = []
    for authorship in map(_dict, _list(work.get("authorships"))):
        author = _dict(authorship.get("author"))
        names.append(_text(author.get("display_name")) or _text(authorship.get("raw_author_name")))
    return [name for name in names if name]


def _source_fields(work: dict[str, Any]) -> dict[str, list[str]]:
    """Every top-level field: text as it is, anything structured as compact JSON."""
    source: dict[str, list[str]] = {}
    for key, value in work.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            source[_clean(key)] = [_clean(v) for v in value]
        else:
            text = value if isinstance(value, str) else _json(value)
            source[_clean(key)] = [_clean(text)]
    return source


def _json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (RecursionError, ValueError):
        return ""


def _work(work: object, line: int) -> Record | SkippedRecord:
    if not isinstance(work, dict):
        return SkippedRecord(line, f"expected an OpenAlex work (a JSON object), found {work!r:.60}")
    title = _text(work.get("title")) or _text(work.get("display_name"))
    if not title:
        name = _text(work.get("id")) or "the work"
        return SkippedRecord(line, f"{name} has no title")
    ids = _dict(work.get("ids"))
    location = _dict(work.get("primary_location"))
    source = _dict(location.get("source"))
    biblio = _dict(work.get("biblio"))
    year = work.get("publication_year")
    return Record(
        title=title,
        abstract=abstract_from_index(work.get("abstract_inverted_index")),
        authors=_authors(work),
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        journal=_text(source.get("display_name")),
        volume=_text(biblio.get("volume")),
        issue=_text(biblio.get("issue")),
        pages=_pages(biblio),
        doi=normalise_doi(_text(work.get("doi")) or _text(ids.get("doi"))),
        pmid=normalise_pmid(_text(ids.get("pmid"))),
        pmcid=normalise_pmcid(_text(ids.get("pmcid"))),
        issn=_text(source.get("issn_l")) or next(iter(map(_text, _list(source.get("issn")))), ""),
        keywords=_terms(work),
        subject_headings=_unique(
            [_text(_dict(m).get("descriptor_name")) for m in _list(work.get("mesh"))]
        ),
        language=_text(work.get("language")),
        publication_type=_text(work.get("type")),
        urls=_unique([_text(location.get("landing_page_url")), _text(location.get("pdf_url"))]),
        source_fields=_source_fields(work),
        source_line=line,
    )
