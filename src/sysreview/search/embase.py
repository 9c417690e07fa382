"""Embase.com: ``'mentor'/exp``, ``'mentor'/de``, ``'mentor'/exp/mj``, ``'peer mentor*':ti,ab``,
``(peer OR buddy):ti,ab``, ``:ti,ab,kw``, ``peer NEAR/3 mentor*`` (either order),
``peer NEXT/3 mentor*`` (in order), ``[2000-2020]/py``, ``[english]/lim``, ``[review]/it``.

Embase.com counts proximity as Ovid does: NEAR/1 is adjacent, so NEAR/n allows n-1 words
between. Headings are Emtree's; a heading of another vocabulary is searched as a phrase.
"""

from __future__ import annotations

import re

from sysreview.search.model import (
    LANGUAGES,
    Block,
    Heading,
    Keyword,
    Limits,
    Proximity,
    Strategy,
)
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    alternatives,
    block_parts,
    grouped,
    heading_note,
    quoted,
    single_query,
)

NAME = "Embase.com"
_I = re.I
SUFFIXES = {
    "ti,ab,kw": "title_abstract_keywords",
    "ti,ab": "title_abstract",
    "ab,ti": "title_abstract",
    "ti": "title",
    "ab": "abstract",
}
WRITE_SUFFIX = {v: k for k, v in reversed(SUFFIXES.items())}
RESERVED = {"and", "or", "not", "near", "next"}


def _heading(vocabulary: str) -> object:
    def convert(match: re.Match[str]) -> Heading:
        kind, extra = match.group(2).lower(), (match.group(3) or "").lower()
        return Heading(
            match.group(1),
            vocabulary,
            explode=kind == "exp",
            major=kind == "mj" or extra == "mj",
        )

    return convert


def _lim(match: re.Match[str]) -> tuple[str, str]:
    value = match.group(1)
    return ("language" if value.lower() in LANGUAGES else "publication_type"), value


def grammar(vocabulary: str) -> Grammar:
    return Grammar(
        name=NAME,
        rules=(
            Rule(
                "heading",
                re.compile(r"'([^']+)'/(exp|de|mj)(?:/(mj))?(?![\w/])", _I),
                _heading(vocabulary),  # type: ignore[arg-type]
            ),
            Rule(
                "limit",
                re.compile(r"\[(\d{4})-(\d{4})\]/py", _I),
                lambda m: ("years", (int(m.group(1)), int(m.group(2)))),
            ),
            Rule("limit", re.compile(r"\[([^\]]+)\]/lim", _I), _lim),
            Rule(
                "limit",
                re.compile(r"\[([^\]]+)\]/it", _I),
                lambda m: ("publication_type", m.group(1)),
            ),
            Rule("(", re.compile(r"\(")),
            Rule(")", re.compile(r"\)")),
            Rule("op", re.compile(r"(AND|OR|NOT)(?![\w*])", _I), lambda m: m.group(1).upper()),
            Rule("ref", re.compile(r"#(\d+)"), lambda m: int(m.group(1))),
            Rule(
                "prox",
                re.compile(r"(NEAR|NEXT)/(\d+)", _I),
                lambda m: (max(int(m.group(2)) - 1, 0), m.group(1).upper() == "NEXT"),
            ),
            Rule(
                "suffix",
                re.compile(r":(" + "|".join(re.escape(s) for s in SUFFIXES) + r")(?![\w,])", _I),
                lambda m: (SUFFIXES[m.group(1).lower()], None),
            ),
            Rule(
                "phrase", re.compile(r"'([^']+)'|\"([^\"]+)\""), lambda m: m.group(1) or m.group(2)
            ),
            Rule("word", re.compile(r"[^\s()'\":\[\]]+")),
        ),
        precedence={"OR": 1, "AND": 2, "NOT": 2, "ADJACENT": 2},
        adjacent="and",
        default_field="all",
        line_number=re.compile(r"#(\d+)\.?\s+"),
    )


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(grammar(vocabulary or "emtree"), text)


def _quoted(text: str) -> str:
    return quoted(text, RESERVED, "'")


def _bare(term: Keyword | Proximity) -> str:
    if isinstance(term, Keyword):
        return _quoted(term.text)
    operator = f"{'NEXT' if term.ordered else 'NEAR'}/{term.distance + 1}"
    left = alternatives(term.left, _quoted, "OR")
    right = alternatives(term.right, _quoted, "OR")
    return f"({left} {operator} {right})"


def _fielded(field: str, inner: str, run: list[Keyword | Proximity]) -> str:
    if field == "all":
        return inner if len(run) == 1 else f"({inner})"
    group = inner if len(run) == 1 and isinstance(run[0], Keyword) else f"({inner})"
    if len(run) == 1 and isinstance(run[0], Proximity):
        group = inner
    return f"{group}:{WRITE_SUFFIX[field]}"


def _heading_text(term: Heading, vocabulary: str, notes: Notes) -> str:
    if term.vocabulary != vocabulary:
        notes.add(heading_note(NAME, term, "a phrase in title and abstract (:ti,ab)"))
        return f"'{term.name}':ti,ab"
    if term.explode:
        return f"'{term.name}'/exp" + ("/mj" if term.major else "")
    return f"'{term.name}'/" + ("mj" if term.major else "de")


def _limit_clauses(limits: Limits) -> tuple[list[str], list[str]]:
    clauses: list[str] = []
    kept_out: list[str] = []
    if limits.year_from and limits.year_to:
        clauses.append(f"[{limits.year_from}-{limits.year_to}]/py")
    elif limits.years:
        kept_out.append("years")
    for values, code in ((limits.languages, "lim"), (limits.publication_types, "it")):
        parts = [f"[{v.lower()}]/{code}" for v in values]
        if parts:
            clauses.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    return clauses, kept_out


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    vocabulary = vocabulary or "emtree"
    notes = Notes()

    def render(block: Block) -> list[str]:
        return grouped(block, _bare, _fielded, lambda h: _heading_text(h, vocabulary, notes), "OR")

    parts = block_parts(strategy, render, "OR")
    operators = {"AND": "AND", "OR": "OR", "NOT": "NOT"}
    limits = _limit_clauses(strategy.limits)
    return single_query("embase", NAME, strategy, parts, operators, limits, notes)
