"""The search strategy as data: concept blocks of terms, how the blocks combine, and limits.

One model serves every database syntax, so a strategy written once can be shown for each
database searched and its version (a short hash of the model) linked to every search event.
A term is a keyword (one word or a phrase; ``*`` at a word's end truncates it), a proximity
expression (words within ``distance`` words of each other), or a subject heading of a
vocabulary with its explode and major-topic flags. The terms of a block are OR-ed; each block
after the first joins the result so far with its ``operator`` (left to right).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sysreview.errors import InvalidInput

Field = Literal["title", "abstract", "title_abstract", "title_abstract_keywords", "all"]
FIELDS: tuple[str, ...] = ("title", "abstract", "title_abstract", "title_abstract_keywords", "all")
FIELD_LABELS = {
    "title": "title",
    "abstract": "abstract",
    "title_abstract": "title and abstract",
    "title_abstract_keywords": "title, abstract and author keywords",
    "all": "all text",
}
VOCABULARIES: dict[str, str] = {
    "mesh": "MeSH",
    "emtree": "Emtree",
    "apa": "APA Thesaurus",
    "eric": "ERIC descriptors",
    "ebsco": "EBSCO subject terms",
}
OPERATORS: tuple[str, ...] = ("AND", "OR", "NOT")
#: Languages the parsers recognise where a syntax writes them like words (Ovid, Embase.com).
LANGUAGES = frozenset(
    [
        "english",
        "french",
        "german",
        "spanish",
        "italian",
        "portuguese",
        "dutch",
        "chinese",
        "japanese",
        "russian",
        "polish",
        "swedish",
        "danish",
        "norwegian",
        "finnish",
        "korean",
        "arabic",
        "turkish",
        "greek",
        "hebrew",
        "czech",
        "hungarian",
    ]
)
MAX_DISTANCE = 255
_WORD = re.compile(r"^[^\s\"'()\[\]{}]+$")


class SearchSyntaxError(InvalidInput):
    """A strategy that cannot be read: names the line and column (and file, when known)."""

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None, file: str = ""
    ) -> None:
        where = ""
        if line is not None:
            where = f"line {line}, column {column}: " if column else f"line {line}: "
        if file:
            where = f"{file}: {where}"
        super().__init__(where + message)
        self.line = line
        self.column = column
        self.reason = message


def _clean_text(text: str) -> str:
    words = text.split()
    if not words:
        raise InvalidInput("a search term needs at least one word")
    if '"' in text:
        raise InvalidInput(f"a search term cannot hold a double quote: {text!r}")
    return " ".join(words)


@dataclass(frozen=True)
class Keyword:
    """A word or phrase searched in ``field``; ``*`` ending a word truncates it."""

    text: str
    field: str = "title_abstract"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _clean_text(self.text))
        _check_field(self.field)

    @property
    def phrase(self) -> bool:
        return " " in self.text


@dataclass(frozen=True)
class Proximity:
    """``left`` within ``distance`` words of ``right`` (``distance`` = most words between;
    0 = adjacent); each side lists alternatives; ``ordered`` keeps left before right."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    distance: int
    ordered: bool = False
    field: str = "title_abstract"

    def __post_init__(self) -> None:
        object.__setattr__(self, "left", tuple(_clean_text(t) for t in self.left))
        object.__setattr__(self, "right", tuple(_clean_text(t) for t in self.right))
        if not self.left or not self.right:
            raise InvalidInput("a proximity expression needs words on both sides")
        if not 0 <= self.distance <= MAX_DISTANCE:
            raise InvalidInput(f"a proximity distance is 0 to {MAX_DISTANCE} words")
        _check_field(self.field)


@dataclass(frozen=True)
class Heading:
    """A subject heading of ``vocabulary``; ``explode`` adds its narrower headings; ``major``
    keeps records where it is a main topic."""

    name: str
    vocabulary: str = "mesh"
    explode: bool = True
    major: bool = False

    def __post_init__(self) -> None:
        name = " ".join(self.name.split())
        if not name or '"' in name or "/" in name:
            raise InvalidInput(f"a subject heading needs a name without '\"' or '/': {name!r}")
        object.__setattr__(self, "name", name)
        if self.vocabulary not in VOCABULARIES:
            raise InvalidInput(
                f"unknown vocabulary {self.vocabulary!r}: one of {', '.join(VOCABULARIES)}"
            )


Term = Keyword | Proximity | Heading


def proximity(
    left: tuple[str, ...], right: tuple[str, ...], distance: int, ordered: bool, field: str
) -> Term:
    """A proximity expression, or the phrase it equals (single words, adjacent, in order)."""
    if distance == 0 and ordered and len(left) == 1 and len(right) == 1:
        return Keyword(f"{left[0]} {right[0]}", field)
    return Proximity(left, right, distance, ordered, field)


@dataclass(frozen=True)
class Block:
    """A concept block: its terms are OR-ed; ``operator`` joins it to the blocks before it."""

    terms: tuple[Term, ...]
    operator: str = "AND"
    name: str = ""

    def __post_init__(self) -> None:
        if not self.terms:
            raise InvalidInput(f"block {self.name or '(unnamed)'} has no terms")
        if self.operator not in OPERATORS:
            raise InvalidInput(f"a block joins with AND, OR or NOT, not {self.operator!r}")


@dataclass(frozen=True)
class Limits:
    """Limits on publication years (inclusive), languages and publication types."""

    year_from: int | None = None
    year_to: int | None = None
    languages: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", tuple(_label(x) for x in self.languages))
        object.__setattr__(
            self, "publication_types", tuple(_label(x) for x in self.publication_types)
        )
        if self.year_from and self.year_to and self.year_from > self.year_to:
            raise InvalidInput(f"the years run from {self.year_from} to {self.year_to}")

    def __bool__(self) -> bool:
        return bool(self.year_from or self.year_to or self.languages or self.publication_types)

    @property
    def years(self) -> str:
        if not (self.year_from or self.year_to):
            return ""
        return f"{self.year_from or ''}-{self.year_to or ''}"


def _label(text: str) -> str:
    text = " ".join(text.split())
    if not text or '"' in text:
        raise InvalidInput(f"not a limit value: {text!r}")
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class Strategy:
    """A whole strategy: blocks combined left to right, then limits."""

    blocks: tuple[Block, ...]
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if not self.blocks:
            raise InvalidInput("a strategy needs at least one block of terms")

    def canonical(self) -> Strategy:
        """The strategy as every syntax reads it back: no block names (no syntax carries them),
        and a second block joined by OR merged into the first (``a OR b`` is one block)."""
        blocks = [replace(b, name="") for b in self.blocks]
        while len(blocks) > 1 and blocks[1].operator == "OR":
            blocks[0:2] = [Block(blocks[0].terms + blocks[1].terms)]
        blocks[0] = replace(blocks[0], operator="AND")
        return replace(self, blocks=tuple(blocks))

    def terms(self) -> list[Term]:
        return [term for block in self.blocks for term in block.terms]


def _check_field(name: str) -> None:
    if name not in FIELDS:
        raise InvalidInput(f"unknown field {name!r}: one of {', '.join(FIELDS)}")


def strategy_version(strategy: Strategy) -> str:
    """A short, stable hash of what the strategy searches (block names left out)."""
    text = json.dumps(to_data(strategy.canonical()), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def term_to_data(term: Term) -> dict[str, Any]:
    if isinstance(term, Keyword):
        return {"keyword": term.text, "field": term.field}
    if isinstance(term, Proximity):
        return {
            "near": [list(term.left), list(term.right)],
            "distance": term.distance,
            "ordered": term.ordered,
            "field": term.field,
        }
    return {
        "heading": term.name,
        "vocabulary": term.vocabulary,
        "explode": term.explode,
        "major": term.major,
    }


def to_data(strategy: Strategy) -> dict[str, Any]:
    """Plain data (for YAML, JSON and hashing); :func:`from_data` reads it back."""
    limits = strategy.limits
    return {
        "blocks": [
            {
                "name": b.name,
                "operator": b.operator,
                "terms": [term_to_data(t) for t in b.terms],
            }
            for b in strategy.blocks
        ],
        "limits": {
            "year_from": limits.year_from,
            "year_to": limits.year_to,
            "languages": list(limits.languages),
            "publication_types": list(limits.publication_types),
        },
    }


def term_from_data(data: dict[str, Any]) -> Term:
    if "keyword" in data:
        return Keyword(str(data["keyword"]), str(data.get("field", "title_abstract")))
    if "near" in data:
        left, right = data["near"]
        return proximity(
            tuple(left),
            tuple(right),
            int(data.get("distance", 0)),
            bool(data.get("ordered", False)),
            str(data.get("field", "title_abstract")),
        )
    if "heading" in data:
        return Heading(
            str(data["heading"]),
            str(data.get("vocabulary", "mesh")),
            bool(data.get("explode", True)),
            bool(data.get("major", False)),
        )
    raise InvalidInput("a term is a keyword, a near (proximity) or a heading")


def from_data(data: dict[str, Any]) -> Strategy:
    limits = data.get("limits") or {}
    return Strategy(
        blocks=tuple(
            Block(
                terms=tuple(term_from_data(t) for t in b.get("terms", [])),
                operator=str(b.get("operator", "AND")),
                name=str(b.get("name", "")),
            )
            for b in data.get("blocks", [])
        ),
        limits=Limits(
            year_from=limits.get("year_from"),
            year_to=limits.get("year_to"),
            languages=tuple(limits.get("languages", ())),
            publication_types=tuple(limits.get("publication_types", ())),
        ),
    )


def is_word(text: str) -> bool:
    """Whether ``text`` is one word a syntax may write without quotes."""
    return bool(_WORD.match(text))
