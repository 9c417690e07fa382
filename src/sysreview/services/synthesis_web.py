"""What the synthesis pages show: a study's coding sources cut into runs of text at the coded
excerpts' edges, so a page can highlight the excerpts without computing anything, and a
selection's offsets made from the page's runs can be turned back into a location.

Each source becomes one or more blocks (a full text with form feeds, one block per page, since
an excerpt's offsets then count in its page). A block's runs keep their start offset in the
block's text; a carriage return is a run of its own that a page shows as nothing, because an
HTML parser would turn it into a line feed and shift every offset after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sysreview.errors import InvalidInput, NotFound
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import StudyInfo, studies_of
from sysreview.services.synthesis_coding import (
    ExcerptInfo,
    SourceText,
    delete_excerpt,
    list_excerpts,
    set_excerpt_codes,
    study_sources,
)
from sysreview.store.engine import Store
from sysreview.synthesis.excerpts import PAGE_BREAK, SOURCES, Location

KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Run:
    """A run of a block's text from ``start``; ``excerpts`` are the ids of those covering it."""

    start: int
    text: str
    excerpts: tuple[int, ...] = ()

    @property
    def shown(self) -> str:
        """The run as a page shows it: a carriage return shows as nothing."""
        return "" if self.text == "\r" else self.text


@dataclass(frozen=True)
class SourceBlock:
    """One codable text of a study (a field, a note, a full text or one page of it)."""

    key: str
    label: str
    location: Location
    report: int | None
    text: str
    runs: list[Run] = field(default_factory=list)
    excerpts: list[ExcerptInfo] = field(default_factory=list)


@dataclass(frozen=True)
class CodingView:
    study: StudyInfo
    blocks: list[SourceBlock]
    unplaced: list[ExcerptInfo]


def source_key(location: Location, report: int | None) -> str:
    """The form value that names a block: ``extraction|FIELD``, ``note|TITLE`` or
    ``fulltext|REPORT|PAGE`` (PAGE empty when the text has no pages)."""
    if location.source == "extraction":
        return f"extraction{KEY_SEPARATOR}{location.field}"
    if location.source == "note":
        return f"note{KEY_SEPARATOR}{location.note}"
    page = "" if location.page is None else str(location.page)
    return KEY_SEPARATOR.join(("fulltext", str(report), page))


def parse_source_key(
    key: str, start: int | None = None, end: int | None = None
) -> tuple[Location, int | None]:
    """The location (with the offsets given) and report a block's key names."""
    source, _, rest = key.partition(KEY_SEPARATOR)
    if source not in SOURCES or not rest:
        raise InvalidInput(f"pick the text to code from the list, not {key[:80]!r}")
    if source == "extraction":
        return Location(source, field=rest, start=start, end=end), None
    if source == "note":
        return Location(source, note=rest, start=start, end=end), None
    report, _, page = rest.partition(KEY_SEPARATOR)
    if not report.isdigit() or (page and not page.isdigit()):
        raise InvalidInput(f"pick the text to code from the list, not {key[:80]!r}")
    number = int(page) if page else None
    return Location(source, page=number, start=start, end=end), int(report)


def study_by_id(store: Store, review: ReviewContext, actor: str, study_id: int) -> StudyInfo:
    """The review's study ``study_id`` (loaded through the review)."""
    for study in studies_of(store, review, actor):
        if study.id == study_id:
            return study
    raise NotFound(f"review {review.slug!r} has no study {study_id}")


def _blocks(sources: list[SourceText]) -> list[SourceBlock]:
    blocks = []
    for source in sources:
        pages = source.text.split(PAGE_BREAK) if source.location.source == "fulltext" else []
        if len(pages) < 2:
            key = source_key(source.location, source.report)
            blocks.append(
                SourceBlock(key, source.label, source.location, source.report, source.text)
            )
            continue
        for number, text in enumerate(pages, start=1):
            location = Location("fulltext", page=number)
            label = f"{source.label}, page {number}"
            key = source_key(location, source.report)
            blocks.append(SourceBlock(key, label, location, source.report, text))
    return blocks


def _spans_in(block: SourceBlock, excerpt: ExcerptInfo, pages: list[str]) -> tuple[int, int] | None:
    """The excerpt's offsets in the block's text, or None when it lies elsewhere."""
    at = excerpt.location
    if at.start is None or at.end is None or excerpt.source != block.location.source:
        return None
    if at.field != block.location.field or at.note != block.location.note:
        return None
    if excerpt.report != block.report:
        return None
    if at.page == block.location.page:
        unchanged = block.text[at.start : at.end] == excerpt.text
        return (at.start, at.end) if unchanged else None
    if at.page is not None or block.location.page is None:
        return None
    offset = sum(len(p) + 1 for p in pages[: block.location.page - 1])
    start, end = max(at.start - offset, 0), min(at.end - offset, len(block.text))
    return (start, end) if start < end else None


def runs(text: str, spans: dict[int, tuple[int, int]]) -> list[Run]:
    """``text`` cut at every excerpt's edges and around every carriage return."""
    cuts = {0, len(text)}
    for start, end in spans.values():
        cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    cuts.update(i for i, char in enumerate(text) if char == "\r")
    cuts.update(i + 1 for i, char in enumerate(text) if char == "\r")
    edges = sorted(cuts)
    out = []
    for start, end in zip(edges, edges[1:], strict=False):
        covering = tuple(sorted(i for i, (s, e) in spans.items() if s <= start and end <= e))
        out.append(Run(start, text[start:end], covering))
    return out


def coding_view(
    store: Store, review: ReviewContext, actor: str, study_id: int, *, coder: str | None = None
) -> CodingView:
    """The coding page's content: each source block with its runs and excerpts, and the
    excerpts no block shows (their source has gone, or its words changed since)."""
    study = study_by_id(store, review, actor, study_id)
    found = list_excerpts(store, review, actor, study=study.label, coder=coder)
    sources = study_sources(store, review, actor, study.label)
    full_texts = {
        s.report: s.text.split(PAGE_BREAK) for s in sources if s.location.source == "fulltext"
    }
    placed: set[int] = set()
    blocks = []
    for block in _blocks(sources):
        pages = full_texts.get(block.report, [])
        spans = {}
        for excerpt in found:
            span = _spans_in(block, excerpt, pages)
            if span is not None:
                spans[excerpt.id] = span
        mine = sorted((e for e in found if e.id in spans), key=lambda e: spans[e.id])
        placed.update(spans)
        blocks.append(
            SourceBlock(
                block.key,
                block.label,
                block.location,
                block.report,
                block.text,
                runs(block.text, spans),
                mine,
            )
        )
    return CodingView(study, blocks, [e for e in found if e.id not in placed])


def selected_location(
    store: Store, review: ReviewContext, actor: str, study: str, key: str, start: str, end: str
) -> tuple[Location, int | None]:
    """The location a coding form names: the selection's offsets when it sent them (see
    :func:`trimmed_location`), else the block alone (the words typed in then say where)."""
    start, end = start.strip(), end.strip()
    if not start and not end:
        return parse_source_key(key)
    if not (start.isdigit() and end.isdigit()):
        raise InvalidInput("the selection's offsets are not numbers: select the words again")
    return trimmed_location(store, review, actor, study, key, int(start), int(end))


def trimmed_location(
    store: Store, review: ReviewContext, actor: str, study: str, key: str, start: int, end: int
) -> tuple[Location, int | None]:
    """The location a selection names, without the white space at its ends (a mouse
    selection often takes a line's end or a space with it)."""
    parse_source_key(key)
    for block in _blocks(study_sources(store, review, actor, study)):
        if block.key != key:
            continue
        text = block.text
        if not 0 <= start < end <= len(text):
            raise InvalidInput(
                f"chars {start}-{end} are outside {block.label!r} ({len(text)} characters)"
            )
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise InvalidInput("the selection holds only white space: select some words")
        return parse_source_key(key, start, end)
    raise NotFound(f"{study} has no text {key[:80]!r} to code")


def remove_code(
    store: Store, review: ReviewContext, actor: str, study_id: int, excerpt_id: int, code_id: int
) -> None:
    """Take one code off one of the study's excerpts; an excerpt left with no code is
    removed (the services check the right to change it and audit both)."""
    study = study_by_id(store, review, actor, study_id)
    found = list_excerpts(store, review, actor, study=study.label)
    excerpt = next((e for e in found if e.id == excerpt_id), None)
    if excerpt is None:
        raise NotFound(f"{study.label} has no excerpt {excerpt_id}")
    left = [c for c in excerpt.codes if c != code_id]
    if len(left) == len(excerpt.codes):
        raise InvalidInput(f"the excerpt is not coded with code {code_id}")
    if left:
        set_excerpt_codes(store, review, actor, excerpt_id, left)
    else:
        delete_excerpt(store, review, actor, excerpt_id)


def excerpt_counts(store: Store, review: ReviewContext, actor: str) -> dict[int, int]:
    """How many excerpts each code is applied to (the board's cards show it)."""
    counts: dict[int, int] = {}
    for excerpt in list_excerpts(store, review, actor):
        for code_id in excerpt.codes:
            counts[code_id] = counts.get(code_id, 0) + 1
    return counts
