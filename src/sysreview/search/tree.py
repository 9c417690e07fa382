"""The expression tree the parsers build from tokens, before it is folded into blocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sysreview.search.model import Heading, SearchSyntaxError, Strategy


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    line: int
    column: int


# The expression tree, before it is folded into blocks.
@dataclass(frozen=True)
class Words:
    text: str
    field: str | None
    token: Token


@dataclass(frozen=True)
class Near:
    left: tuple[str, ...]
    right: tuple[str, ...]
    distance: int
    ordered: bool
    field: str | None
    token: Token


@dataclass(frozen=True)
class Head:
    heading: Heading
    token: Token


@dataclass(frozen=True)
class Limit:
    """``kind`` is years (value (from, to)), language or publication_type (value a name)."""

    kind: str
    value: Any
    token: Token


@dataclass(frozen=True)
class Op:
    op: str
    left: Node
    right: Node
    token: Token


Node = Words | Near | Head | Limit | Op


@dataclass(frozen=True)
class Parsed:
    """A parsed strategy."""

    strategy: Strategy


def fail(message: str, token: Token | None) -> SearchSyntaxError:
    if token is None:
        return SearchSyntaxError(message)
    return SearchSyntaxError(message, line=token.line, column=token.column)
