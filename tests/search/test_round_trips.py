"""Parse → write → parse gives the same strategy, for every syntax, on realistic strategies."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.search import SYNTAXES, parse_strategy, strategy_version, write_strategy
from tests.search.test_translation_table import KEYWORD_SOURCES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "search"
# The peer-mentorship strategy with MeSH headings, as each platform's search history shows it.
MESH_SOURCES = {
    "ovid": "medline-ovid.txt",
    "pubmed": "pubmed.txt",
    "ebsco": "ebsco.txt",
    "cochrane": "cochrane.txt",
}


def _source(syntax: str) -> str:
    return (FIXTURES / MESH_SOURCES[syntax]).read_text(encoding="utf-8")


@pytest.mark.parametrize("syntax", sorted(MESH_SOURCES))
def test_a_pasted_search_history_survives_write_and_parse(syntax: str) -> None:
    model = parse_strategy(_source(syntax), syntax, "mesh").strategy

    written = write_strategy(model, syntax, "mesh")

    assert parse_strategy(written.text, syntax, "mesh").strategy == model
    assert written.notes == ()


def test_the_four_platforms_histories_are_one_strategy() -> None:
    versions = {
        syntax: strategy_version(parse_strategy(_source(syntax), syntax, "mesh").strategy)
        for syntax in MESH_SOURCES
    }

    assert len(set(versions.values())) == 1, versions


def test_the_ovid_history_reads_as_three_blocks_of_headings_and_keywords() -> None:
    model = parse_strategy(_source("ovid"), "ovid").strategy

    assert [len(b.terms) for b in model.blocks] == [4, 5, 4]
    assert [b.operator for b in model.blocks] == ["AND", "AND", "AND"]
    heading = model.blocks[1].terms[1]
    assert (heading.name, heading.explode) == ("Mentors", False)  # type: ignore[union-attr]


@pytest.mark.parametrize("syntax", sorted(SYNTAXES))
@pytest.mark.parametrize("source", sorted(KEYWORD_SOURCES))
def test_every_syntax_round_trips_a_keyword_strategy(source: str, syntax: str) -> None:
    model = parse_strategy(KEYWORD_SOURCES[source], source).strategy
    written = write_strategy(model, syntax)
    if syntax == "wos":  # Topic (TS) is the closest field: the model changes, with a note
        assert written.notes
        model = parse_strategy(written.text, syntax).strategy
        written = write_strategy(model, syntax)

    assert parse_strategy(written.text, syntax).strategy == model


def test_limits_round_trip_in_every_syntax_in_the_query_or_as_limit_comments() -> None:
    text = "(mentor*[tiab]) AND 2000:2020[dp] AND english[la] AND review[pt]"
    model = parse_strategy(text, "pubmed").strategy

    for syntax in SYNTAXES:
        written = write_strategy(model, syntax)
        assert parse_strategy(written.text, syntax).strategy.limits == model.limits, syntax
    assert (model.limits.year_from, model.limits.languages) == (2000, ("English",))
