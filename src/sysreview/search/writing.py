"""What every writer shares: notes on non-equivalences, blocks joined left to right, limits.

A writer never drops a term: where the target has no exact equivalent it writes the closest
honest form and adds a note, which the output carries as a ``#`` comment line above the query
(the parsers skip such lines, and read ``# limit ...`` lines back as limits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sysreview.search.model import (
    FIELD_LABELS,
    VOCABULARIES,
    Block,
    Heading,
    Keyword,
    Limits,
    Proximity,
    Strategy,
    is_word,
)


@dataclass
class Notes:
    """Notes in the order first met, each once."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


@dataclass(frozen=True)
class Written:
    """A strategy in one syntax: the text to paste (with its ``#`` notes) and the notes."""

    syntax: str
    text: str
    notes: tuple[str, ...]
    query_lines: tuple[str, ...]


def comment_lines(notes: Notes) -> list[str]:
    return [f"# {note}" for note in notes.items]


def limit_comments(limits: Limits, which: tuple[str, ...], platform: str) -> list[str]:
    """``# limit ...`` lines for the limits ``platform`` sets in its interface, not its query."""
    lines = []
    where = f"# limit, set in {platform}'s search interface:"
    if "years" in which and limits.years:
        lines.append(f"{where} years {limits.years}")
    if "language" in which and limits.languages:
        lines.append(f"{where} language {'; '.join(limits.languages)}")
    if "publication_type" in which and limits.publication_types:
        lines.append(f"{where} publication type {'; '.join(limits.publication_types)}")
    return lines


def single_query(
    syntax: str,
    platform: str,
    strategy: Strategy,
    parts: list[tuple[str, str]],
    names: dict[str, str],
    limits: tuple[list[str], list[str]],
    notes: Notes,
) -> Written:
    """A database searched with one query line: the blocks joined with ``names``, the limit
    clauses the query can carry ANDed on, the rest of the limits and the notes as comments."""
    query = join_blocks(parts, names)
    clauses, kept_out = limits
    if clauses:
        query = (f"({query})" if len(parts) > 1 else query) + " AND " + " AND ".join(clauses)
    head = comment_lines(notes) + limit_comments(strategy.limits, tuple(kept_out), platform)
    return Written(syntax, "\n".join([*head, query]), tuple(notes.items), (query,))


def join_blocks(parts: list[tuple[str, str]], names: dict[str, str]) -> str:
    """Blocks joined left to right; the result so far is put in parentheses whenever the
    operator changes, so no syntax's precedence rules can regroup it."""
    text = ""
    previous = ""
    for index, (operator, part) in enumerate(parts):
        if index == 0:
            text = part
            continue
        if previous and operator != previous:
            text = f"({text})"
        text = f"{text} {names[operator]} {part}"
        previous = operator
    return text


def block_parts(
    strategy: Strategy, render: Callable[[Block], list[str]], or_name: str
) -> list[tuple[str, str]]:
    """Each block as ``(operator, text)``, its terms OR-ed in parentheses when several."""
    parts = []
    for block in strategy.blocks:
        terms = render(block)
        text = f" {or_name} ".join(terms)
        if len(terms) > 1 or _top_level(text, f" {or_name} "):
            text = f"({text})"
        parts.append((block.operator, text))
    return parts


def _top_level(text: str, operator: str) -> bool:
    """Whether ``operator`` occurs outside parentheses and quotes in ``text``."""
    depth = 0
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and text.startswith(operator, index):
            return True
    return False


def grouped(
    block: Block,
    bare: Callable[[Keyword | Proximity], str],
    fielded: Callable[[str, str, list[Keyword | Proximity]], str],
    heading: Callable[[Heading], str],
    or_name: str,
) -> list[str]:
    """Terms of a block, runs of keywords in one field written under one field code."""
    out: list[str] = []
    run: list[Keyword | Proximity] = []

    def flush() -> None:
        if run:
            inner = f" {or_name} ".join(bare(t) for t in run)
            out.append(fielded(run[0].field, inner, list(run)))
            run.clear()

    for term in block.terms:
        if isinstance(term, Heading):
            flush()
            out.append(heading(term))
            continue
        if run and run[-1].field != term.field:
            flush()
        run.append(term)
    flush()
    return out


def truncated_phrase(text: str) -> bool:
    return " " in text and "*" in text


def field_note(syntax: str, wanted: str, used: str) -> str:
    return (
        f"{syntax} has no {FIELD_LABELS[wanted]} field: searched in {used} instead, which does "
        "not cover exactly the same text"
    )


def heading_note(syntax: str, term: Heading, instead: str) -> str:
    vocabulary = VOCABULARIES[term.vocabulary]
    return (
        f"{vocabulary} heading '{term.name}' has no equivalent in {syntax}: searched as "
        f"{instead}; look up the database's own subject heading"
    )


def flag_note(syntax: str, term: Heading, flag: str) -> str:
    return f"{syntax} cannot mark '{term.name}' as {flag}: searched without it"


def order_note(syntax: str, term: Proximity) -> str:
    return (
        f"{syntax} has no ordered proximity: '{' '.join(term.left)} ... "
        f"{' '.join(term.right)}' is searched in either order"
    )


def alternatives(side: tuple[str, ...], render: Callable[[str], str], or_name: str) -> str:
    if len(side) == 1:
        return render(side[0])
    return "(" + f" {or_name} ".join(render(s) for s in side) + ")"


def quoted(text: str, reserved: set[str], mark: str = '"') -> str:
    """A term as a syntax must write it: between ``mark``s when it holds a space, a character
    that is not part of a word, or one of the syntax's ``reserved`` operators."""
    if " " in text or not is_word(text) or text.lower() in reserved:
        return f"{mark}{text}{mark}"
    return text
