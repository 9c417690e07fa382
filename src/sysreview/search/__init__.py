"""Search strategies: one model, and a parser and a writer for each database syntax.

    parsed = parse_strategy(text, "ovid")           # SearchSyntaxError names line and column
    written = write_strategy(parsed.strategy, "ebsco")
    written.text                                    # '# notes' on what has no exact equivalent

A syntax is a platform's query language; ``vocabulary`` says which thesaurus the database's
subject headings belong to where the syntax does not (Ovid writes MeSH, Emtree and APA
headings alike; EBSCOhost's DE is APA's or ERIC's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from sysreview.errors import InvalidInput
from sysreview.search import cochrane, ebsco, embase, ovid, pubmed, scopus, wos
from sysreview.search.model import (
    FIELDS,
    VOCABULARIES,
    Block,
    Heading,
    Keyword,
    Limits,
    Proximity,
    SearchSyntaxError,
    Strategy,
    Term,
    from_data,
    strategy_version,
    to_data,
)
from sysreview.search.tree import Parsed
from sysreview.search.writing import Written


@dataclass(frozen=True)
class Syntax:
    """A database syntax: its name, what it is called, and its default vocabulary."""

    name: str
    label: str
    vocabulary: str
    numbered: bool
    module: ModuleType

    @property
    def parse(self) -> Callable[[str, str | None], Parsed]:
        return self.module.parse

    @property
    def write(self) -> Callable[[Strategy, str | None], Written]:
        return self.module.write


SYNTAXES: dict[str, Syntax] = {
    s.name: s
    for s in (
        Syntax("pubmed", "PubMed", "mesh", False, pubmed),
        Syntax("ovid", "Ovid", "mesh", True, ovid),
        Syntax("ebsco", "EBSCOhost", "apa", False, ebsco),
        Syntax("embase", "Embase.com", "emtree", False, embase),
        Syntax("scopus", "Scopus", "mesh", False, scopus),
        Syntax("wos", "Web of Science", "mesh", False, wos),
        Syntax("cochrane", "Cochrane Library", "mesh", False, cochrane),
    )
}
ALIASES = {
    "ebscohost": "ebsco",
    "embase.com": "embase",
    "webofscience": "wos",
    "web-of-science": "wos",
    "cochrane-library": "cochrane",
}


def syntax(name: str) -> Syntax:
    """The syntax called ``name`` (case and a few spellings forgiven)."""
    key = name.strip().lower().replace(" ", "")
    key = ALIASES.get(key, key)
    if key not in SYNTAXES:
        raise InvalidInput(f"unknown search syntax {name!r}: one of {', '.join(SYNTAXES)}")
    return SYNTAXES[key]


def _vocabulary(vocabulary: str | None) -> str | None:
    if vocabulary is not None and vocabulary not in VOCABULARIES:
        raise InvalidInput(f"unknown vocabulary {vocabulary!r}: one of {', '.join(VOCABULARIES)}")
    return vocabulary


def parse_strategy(text: str, syntax_name: str, vocabulary: str | None = None) -> Parsed:
    """Read ``text`` written in a database's syntax."""
    return syntax(syntax_name).parse(text, _vocabulary(vocabulary))


def write_strategy(strategy: Strategy, syntax_name: str, vocabulary: str | None = None) -> Written:
    """Write the strategy in a database's syntax, with notes on what has no exact equivalent."""
    return syntax(syntax_name).write(strategy, _vocabulary(vocabulary))


def translate(
    text: str,
    source: str,
    target: str,
    *,
    source_vocabulary: str | None = None,
    target_vocabulary: str | None = None,
) -> Written:
    """Parse in one syntax and write in another."""
    parsed = parse_strategy(text, source, source_vocabulary)
    return write_strategy(parsed.strategy, target, target_vocabulary)


__all__ = [
    "FIELDS",
    "SYNTAXES",
    "VOCABULARIES",
    "Block",
    "Heading",
    "Keyword",
    "Limits",
    "Parsed",
    "Proximity",
    "SearchSyntaxError",
    "Strategy",
    "Syntax",
    "Term",
    "Written",
    "from_data",
    "parse_strategy",
    "strategy_version",
    "syntax",
    "to_data",
    "translate",
    "write_strategy",
]
