"""The search strategy of a review and its search log.

The strategy lives in the protocol's ``search`` section; these use cases show it in each
database's syntax, save an edited one (owners), translate text between syntaxes, and list the
search events (imports) with the strategy version, database, platform, date and count behind
each, as the PRISMA-S appendix reports them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sysreview.errors import InvalidInput, NotFound
from sysreview.formats.cells import neutralise_cell
from sysreview.protocol import write_protocol
from sysreview.search import (
    SYNTAXES,
    Block,
    Limits,
    SearchSyntaxError,
    Strategy,
    Term,
    parse_strategy,
    strategy_version,
    syntax,
    write_strategy,
)
from sysreview.search.appendix import AppendixDatabase, AppendixEvent, appendix_markdown
from sysreview.search.section import SearchDatabase, SearchLimits, SearchSection
from sysreview.search.section import section_from_strategy as _section
from sysreview.search.writing import Written
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext, open_review
from sysreview.store.engine import Store
from sysreview.store.models import SearchEvent, User


@dataclass(frozen=True)
class DatabaseVersion:
    """The strategy as written for one database (or, with no database, for one syntax)."""

    label: str
    database: str
    platform: str
    syntax: str
    syntax_label: str
    vocabulary: str | None
    coverage: str
    written: Written

    @property
    def numbered(self) -> bool:
        return SYNTAXES[self.syntax].numbered


@dataclass(frozen=True)
class StrategyView:
    section: SearchSection
    strategy: Strategy
    version: str
    versions: list[DatabaseVersion]


@dataclass(frozen=True)
class BlockText:
    """A block as the editor sends it: its terms one per line in the editor's syntax."""

    name: str
    operator: str
    terms: str


def section_of(review: ReviewContext) -> SearchSection:
    search = review.protocol.search
    if search is None:
        raise NotFound(
            f"the protocol of {review.slug!r} has no search section: add `search:` with the "
            "strategy's blocks and the databases searched (see docs/search.md)"
        )
    return search


def database_versions(
    strategy: Strategy, databases: list[SearchDatabase], only: str | None = None
) -> list[DatabaseVersion]:
    """The strategy for each database searched, then for each syntax no database uses."""
    versions = []
    for db in databases:
        if only is None or db.syntax == only:
            label = f"{db.name} ({db.platform})" if db.platform else db.name
            versions.append(
                _version(
                    strategy, label, db.name, db.platform, db.syntax, db.vocabulary, db.coverage
                )
            )
    used = {db.syntax for db in databases}
    for name, spec in SYNTAXES.items():
        if name not in used and only in (None, name):
            versions.append(_version(strategy, spec.label, "", "", name, None, ""))
    return versions


def _version(
    strategy: Strategy,
    label: str,
    database: str,
    platform: str,
    syntax_name: str,
    vocabulary: str | None,
    coverage: str,
) -> DatabaseVersion:
    written = write_strategy(strategy, syntax_name, vocabulary)
    spec = SYNTAXES[syntax_name]
    return DatabaseVersion(
        label, database, platform, syntax_name, spec.label, vocabulary, coverage, written
    )


def show_strategy(
    store: Store, review: ReviewContext, actor: str, only: str | None = None
) -> StrategyView:
    """The protocol's strategy in every database's syntax (or in ``only`` that syntax)."""
    review.require(actor, "search.view")
    section = section_of(review)
    strategy = section.strategy()
    only = syntax(only).name if only else None
    versions = database_versions(strategy, section.databases, only)
    return StrategyView(section, strategy, strategy_version(strategy), versions)


def translate_text(
    text: str,
    source: str,
    target: str,
    source_vocabulary: str | None = None,
    target_vocabulary: str | None = None,
) -> Written:
    """Text in one syntax, written in another (no review needed: nothing is stored)."""
    parsed = parse_strategy(text, source, source_vocabulary)
    return write_strategy(parsed.strategy, target, target_vocabulary)


def strategy_from_blocks(
    syntax_name: str, vocabulary: str | None, blocks: list[BlockText], limits: SearchLimits
) -> Strategy:
    """The editor's blocks (terms one per line in ``syntax_name``) as a strategy; an error
    names the block and the line within it."""
    built: list[Block] = []
    for index, block in enumerate(blocks, start=1):
        name = block.name.strip() or f"block {index}"
        terms: list[Term] = []
        for number, line in enumerate(block.terms.splitlines(), start=1):
            if not line.strip() or line.strip() == "#" or line.strip().startswith("# "):
                continue
            try:
                parsed = parse_strategy(line, syntax_name, vocabulary).strategy
            except SearchSyntaxError as exc:
                raise SearchSyntaxError(
                    exc.reason, line=number, column=exc.column, file=f"block {name!r}"
                ) from None
            if len(parsed.blocks) != 1:
                raise SearchSyntaxError(
                    "one term (or terms joined by OR) per line", line=number, file=f"block {name!r}"
                )
            terms.extend(parsed.blocks[0].terms)
        if terms:
            operator = block.operator.strip().upper() if built else "AND"
            try:
                built.append(Block(tuple(terms), operator, block.name.strip()))
            except InvalidInput as exc:
                raise InvalidInput(f"{name}: {exc}") from None
    if not built:
        raise SearchSyntaxError("the strategy has no terms: write at least one in a block")
    return Strategy(
        tuple(built),
        Limits(
            limits.year_from,
            limits.year_to,
            tuple(limits.languages),
            tuple(limits.publication_types),
        ),
    )


def editor_lines(strategy: Strategy, syntax_name: str, vocabulary: str | None) -> list[str]:
    """Each block's terms, one per line, in the editor's syntax."""
    texts = []
    for block in strategy.blocks:
        lines: list[str] = []
        for term in block.terms:
            single = Strategy((Block((term,)),))
            lines.extend(write_strategy(single, syntax_name, vocabulary).query_lines)
        texts.append("\n".join(lines))
    return texts


def can_edit(review: ReviewContext, user: str) -> bool:
    """Whether ``user`` may save changes to the strategy (pages show the button only then)."""
    return allowed(review.role_of(user), "search.edit")


def save_strategy(
    store: Store, review: ReviewContext, actor: str, strategy: Strategy
) -> ReviewContext:
    """Write the strategy into the protocol's search section (owners); the protocol change is
    recorded in the audit trail as any edit of the file is."""
    review.require(actor, "search.edit")
    databases = review.protocol.search.databases if review.protocol.search else []
    protocol = review.protocol.model_copy(update={"search": _section(strategy, databases)})
    write_protocol(review.folder, protocol)
    return open_review(store, review.folder, actor=actor)


@dataclass(frozen=True)
class LogEntry:
    """One search event as the search log lists it."""

    event_id: int
    database: str
    platform: str
    kind: str
    searched_on: str
    records: int
    strategy_version: str
    current: bool
    file_name: str
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class SearchLog:
    version: str
    entries: list[LogEntry]
    view: StrategyView | None


def search_log(store: Store, review: ReviewContext, actor: str) -> SearchLog:
    """Every search event of the review, oldest first, tied to its strategy version."""
    review.require(actor, "search.view")
    view = show_strategy(store, review, actor) if review.protocol.search else None
    version = view.version if view else ""
    with store.read() as session:
        rows = session.execute(
            select(SearchEvent, User.username)
            .join(User, User.id == SearchEvent.imported_by)
            .where(SearchEvent.review_id == review.id)
            .order_by(SearchEvent.id)
        ).all()
        entries = [
            LogEntry(
                e.id,
                e.source,
                e.platform,
                e.kind,
                e.searched_on,
                e.record_count,
                e.strategy_version,
                bool(version) and e.strategy_version == version,
                e.file_name,
                e.imported_at,
                username,
            )
            for e, username in rows
        ]
    return SearchLog(version, entries, view)


CSV_COLUMNS = (
    "event", "database", "platform", "kind", "searched_on", "records", "strategy_version",
    "current_strategy", "file", "imported_at", "imported_by",
)  # fmt: skip


def log_csv(log: SearchLog) -> bytes:
    """The search log as CSV, one row per search event, cells safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in log.entries:
        row = [
            str(e.event_id),
            e.database,
            e.platform,
            e.kind,
            e.searched_on,
            str(e.records),
            e.strategy_version,
            "yes" if e.current else "no",
            e.file_name,
            e.imported_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            e.imported_by,
        ]
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def log_markdown(review: ReviewContext, log: SearchLog) -> str:
    """The search log as the PRISMA-S appendix: searches run, limits, full strategies."""
    databases = []
    if log.view is not None:
        databases = [
            AppendixDatabase(
                v.label, v.database, v.platform, v.coverage, v.syntax_label, v.written.text
            )
            for v in log.view.versions
            if v.database
        ]
    events = [
        AppendixEvent(e.database, e.platform, e.kind, e.searched_on, e.records, e.strategy_version)
        for e in log.entries
    ]
    limits = log.view.strategy.limits if log.view is not None else None
    return appendix_markdown(review.title, log.version, limits, databases, events)
