"""Generated strategies survive write → parse in every syntax, within what each syntax can say
exactly; and whatever a syntax cannot say comes with a note, never a lost term."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.search import (
    SYNTAXES,
    Block,
    Heading,
    Keyword,
    Limits,
    Proximity,
    SearchSyntaxError,
    Strategy,
    parse_strategy,
    write_strategy,
)

RESERVED = {
    "and", "or", "not", "near", "next", "adj", "exp", "limit", "with", "same", "pre", "language",
    "ti", "ab", "tx", "all", "title", "abs", "key", "yr", "la", "dt", "py", "ts",
}  # fmt: skip
ALL_FIELDS = ("title", "abstract", "title_abstract", "title_abstract_keywords", "all")


@dataclass(frozen=True)
class Can:
    """What a syntax writes exactly (so a round trip must give the model back)."""

    fields: tuple[str, ...]
    proximity_fields: tuple[str, ...]
    ordered: str  # "any", "adjacent" (only distance 0 in order) or "no"
    plain_proximity: bool  # sides are single words without truncation, one alternative each
    vocabularies: tuple[str, ...]
    explode: bool
    major: bool
    vocabulary: str | None = None


CAN = {
    "pubmed": Can(("title", "title_abstract", "all"), ("title", "title_abstract"), "no", True,
                  ("mesh",), True, True),
    "ovid": Can(ALL_FIELDS, ALL_FIELDS, "adjacent", False, ("mesh",), True, True, "mesh"),
    "ebsco": Can(("title", "abstract", "title_abstract", "all"),
                 ("title", "abstract", "title_abstract", "all"), "any", False,
                 ("mesh", "apa"), True, True),
    "embase": Can(ALL_FIELDS, ALL_FIELDS, "any", False, ("emtree",), True, True, "emtree"),
    "scopus": Can(ALL_FIELDS, ALL_FIELDS, "any", False, ("mesh",), False, False, "mesh"),
    "wos": Can(("title", "abstract", "title_abstract_keywords", "all"),
               ("title", "abstract", "title_abstract_keywords", "all"), "no", False, (),
               False, False),
    "cochrane": Can(ALL_FIELDS, ALL_FIELDS, "adjacent", False, ("mesh",), True, False),
}  # fmt: skip

letters = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).filter(
    lambda w: w not in RESERVED
)


@st.composite
def words(draw: st.DrawFn, plain: bool = False) -> str:
    count = 1 if plain else draw(st.integers(1, 3))
    parts = [draw(letters) for _ in range(count)]
    if not plain and draw(st.booleans()):
        parts[-1] += "*"
    return " ".join(parts)


@st.composite
def terms(draw: st.DrawFn, can: Can) -> Keyword | Proximity | Heading:
    kinds = ["keyword", "proximity"] + (["heading"] if can.vocabularies else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "keyword":
        return Keyword(draw(words()), draw(st.sampled_from(can.fields)))
    if kind == "heading":
        name = " ".join(w.capitalize() for w in draw(st.lists(letters, min_size=1, max_size=3)))
        return Heading(
            name,
            draw(st.sampled_from(can.vocabularies)),
            explode=can.explode and draw(st.booleans()),
            major=can.major and draw(st.booleans()),
        )
    size = 1 if can.plain_proximity else 3
    left = tuple(draw(st.lists(words(can.plain_proximity), min_size=1, max_size=size)))
    right = tuple(draw(st.lists(words(can.plain_proximity), min_size=1, max_size=size)))
    distance = draw(st.integers(0, 10))
    ordered = can.ordered == "any" and draw(st.booleans())
    if can.ordered == "adjacent" and draw(st.booleans()):
        distance, ordered = 0, True
    if ordered and distance == 0 and len(left) == len(right) == 1:
        ordered = False  # that is a phrase, which the model keeps as a keyword
    return Proximity(left, right, distance, ordered, draw(st.sampled_from(can.proximity_fields)))


def _unique(items: list[Keyword | Proximity | Heading]) -> tuple:
    """One term per text in a block (a word in the title and the same word in the abstract
    is one title-and-abstract term, as a database reads it)."""
    seen: set[object] = set()
    kept = []
    for term in items:
        key = term.text if isinstance(term, Keyword) else term
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return tuple(kept)


@st.composite
def strategies(draw: st.DrawFn, can: Can) -> Strategy:
    blocks = []
    for index in range(draw(st.integers(1, 4))):
        items = draw(st.lists(terms(can), min_size=1, max_size=5))
        operator = draw(st.sampled_from(["AND", "OR", "NOT"])) if index else "AND"
        blocks.append(Block(_unique(items), operator))
    year_from = draw(st.none() | st.integers(1950, 2000))
    year_to = draw(st.none() | st.integers(2001, 2025))
    languages = draw(st.lists(st.sampled_from(["English", "French", "German"]), unique=True))
    types = draw(st.lists(st.sampled_from(["Review", "Article", "Letter"]), unique=True))
    return Strategy(tuple(blocks), Limits(year_from, year_to, tuple(languages), tuple(types)))


def _round_trip(syntax: str, strategy: Strategy) -> None:
    can = CAN[syntax]
    written = write_strategy(strategy, syntax, can.vocabulary)
    back = parse_strategy(written.text, syntax, can.vocabulary).strategy
    assert back == strategy.canonical(), written.text


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_generated_strategies_round_trip_in_every_syntax(data: st.DataObject) -> None:
    for syntax in SYNTAXES:
        _round_trip(syntax, data.draw(strategies(CAN[syntax]), label=syntax))


EVERYTHING = Can(ALL_FIELDS, ALL_FIELDS, "any", False, ("mesh", "emtree", "apa", "eric"),
                 True, True)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(strategy=strategies(EVERYTHING))
def test_every_term_is_written_or_noted_in_every_syntax(strategy: Strategy) -> None:
    for syntax in SYNTAXES:
        written = write_strategy(strategy, syntax)
        for term in strategy.terms():
            text = (
                term.name
                if isinstance(term, Heading)
                else (term.text if isinstance(term, Keyword) else term.left[0])
            )
            first_word = text.split(" ")[0].rstrip("*")
            assert first_word in written.text, (syntax, term)


SYMBOLS = st.sampled_from(
    list("()\"'[]:=/$*#.,^{} \n")
    + [
        "AND",
        "OR",
        "NOT",
        "adj3",
        "NEAR/2",
        "W/1",
        "N3",
        "exp ",
        "[mh]",
        ".ti,ab.",
        ":ti,ab",
        "TS=",
        "TI ",
        "#1",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    syntax=st.sampled_from(sorted(SYNTAXES)),
    pieces=st.lists(SYMBOLS | st.text(max_size=6), max_size=30),
)
def test_any_text_is_a_strategy_or_a_syntax_error(syntax: str, pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        parsed = parse_strategy(text, syntax)
    except SearchSyntaxError as exc:
        assert exc.line is None or exc.line >= 1
    else:
        assert parsed.strategy.blocks
