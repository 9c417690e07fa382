"""The search log as a PRISMA-S appendix in Markdown.

PRISMA-S (Rethlefsen et al., 2021) asks a review to report, for each database: its name and
platform (items 1-2), the full strategy exactly as run (item 8), the limits applied (item 9),
the date each search was run (item 13) and the records each returned (item 15); and the
other ways studies were found (citation searching and other methods, items 5 and 7). This
module writes those from plain data, so the CLI and the web export the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sysreview.search.model import Limits


@dataclass(frozen=True)
class AppendixDatabase:
    label: str
    name: str
    platform: str
    coverage: str
    syntax_label: str
    text: str


@dataclass(frozen=True)
class AppendixEvent:
    database: str
    platform: str
    kind: str
    searched_on: str
    records: int
    strategy_version: str


def limits_text(limits: Limits) -> str:
    parts = []
    if limits.years:
        parts.append(f"publication years {limits.years}")
    if limits.languages:
        parts.append("languages: " + ", ".join(limits.languages))
    if limits.publication_types:
        parts.append("publication types: " + ", ".join(limits.publication_types))
    return "; ".join(parts) or "none (no date, language or publication type limits)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "-"


def appendix_markdown(
    title: str,
    version: str,
    limits: Limits | None,
    databases: Sequence[AppendixDatabase],
    events: Sequence[AppendixEvent],
) -> str:
    """The appendix: a table of every search, then the full strategy for each database."""
    lines = [f"# Search log: {title}", ""]
    if version:
        lines += [f"Current search strategy version: `{version}`.", ""]
    lines += [
        "## Searches run (PRISMA-S items 1, 13, 15)",
        "",
        "| Database or source | Platform | Kind | Date searched | Records | Strategy version |",
        "|---|---|---|---|---|---|",
    ]
    for e in events:
        lines.append(
            f"| {_cell(e.database)} | {_cell(e.platform)} | {e.kind} | {_cell(e.searched_on)} "
            f"| {e.records} | {_cell(e.strategy_version)} |"
        )
    if not events:
        lines.append("| (no searches imported yet) | | | | | |")
    lines += ["", f"Records identified in all: {sum(e.records for e in events)}.", ""]
    if limits is not None:
        lines += ["## Limits (PRISMA-S item 9)", "", limits_text(limits), ""]
    if databases:
        lines += ["## Full search strategies (PRISMA-S item 8)", ""]
    for db in databases:
        dates = [e.searched_on for e in events if e.database == db.name and e.searched_on]
        lines += [f"### {db.label}", ""]
        lines.append(f"- Database: {db.name or db.syntax_label}")
        lines.append(f"- Platform: {db.platform or db.syntax_label}")
        if db.coverage:
            lines.append(f"- Coverage: {db.coverage}")
        lines.append(f"- Date searched: {', '.join(sorted(set(dates))) or 'not recorded'}")
        lines += ["", "```text", db.text, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
