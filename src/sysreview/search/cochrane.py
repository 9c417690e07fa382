"""Cochrane Library (search manager): ``(peer OR buddy):ti,ab``, ``:ti,ab,kw``, ``:ti``, ``:ab``,
``[mh "Mentors"]`` (exploded), ``[mh ^"Mentors"]`` (this term only),
``MeSH descriptor: [Mentors] explode all trees``, ``peer NEAR/3 mentor*``, ``peer NEXT mentor*``,
``#1 AND #2``.

The Cochrane Library cannot truncate inside a quoted phrase, so a truncated phrase is written
with NEXT (adjacent, in order). It has no ordered proximity beyond NEXT, no major-topic
flag in its query syntax, and sets dates in the search manager rather than in the query.
"""

from __future__ import annotations

import re

from sysreview.search.model import Block, Heading, Keyword, Proximity, Strategy
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    alternatives,
    block_parts,
    comment_lines,
    flag_note,
    grouped,
    heading_note,
    join_blocks,
    limit_comments,
    order_note,
    quoted,
)

NAME = "Cochrane Library"
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

GRAMMAR = Grammar(
    name=NAME,
    rules=(
        Rule(
            "heading",
            re.compile(r'\[mh\s+(\^?)\s*"?([^"\]]+?)"?\s*\]', _I),
            lambda m: Heading(m.group(2), "mesh", explode=not m.group(1)),
        ),
        Rule(
            "heading",
            re.compile(r"MeSH descriptor:\s*\[([^\]]+)\]\s*(explode all trees|this term only)", _I),
            lambda m: Heading(m.group(1), "mesh", explode=m.group(2).lower().startswith("ex")),
        ),
        Rule("(", re.compile(r"\(")),
        Rule(")", re.compile(r"\)")),
        Rule("op", re.compile(r"(AND|OR|NOT)(?![\w*/])", _I), lambda m: m.group(1).upper()),
        Rule("ref", re.compile(r"#(\d+)"), lambda m: int(m.group(1))),
        Rule(
            "prox",
            re.compile(r"NEAR(?:/(\d+))?(?![\w*])", _I),
            lambda m: (int(m.group(1)) if m.group(1) else 6, False),
        ),
        Rule("prox", re.compile(r"NEXT(?![\w*/])", _I), lambda m: (0, True)),
        Rule(
            "suffix",
            re.compile(r":(" + "|".join(re.escape(s) for s in SUFFIXES) + r")(?![\w,])", _I),
            lambda m: (SUFFIXES[m.group(1).lower()], None),
        ),
        Rule("phrase", re.compile(r'"([^"]+)"'), lambda m: m.group(1)),
        Rule("word", re.compile(r"[^\s()\":\[\]]+")),
    ),
    precedence={"OR": 1, "AND": 2, "NOT": 2, "ADJACENT": 2},
    adjacent="and",
    default_field="all",
    line_number=re.compile(r"#(\d+)\s+"),
)


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(GRAMMAR, text)


def _quoted(text: str) -> str:
    if "*" in text and " " in text:
        return "(" + " NEXT ".join(text.split(" ")) + ")"
    return quoted(text, RESERVED)


def _bare(term: Keyword | Proximity, notes: Notes) -> str:
    if isinstance(term, Keyword):
        return _quoted(term.text)
    if term.ordered and term.distance > 0:
        notes.add(order_note(NAME, term))
    operator = "NEXT" if term.ordered and term.distance == 0 else f"NEAR/{term.distance}"
    left = alternatives(term.left, _quoted, "OR")
    right = alternatives(term.right, _quoted, "OR")
    return f"({left} {operator} {right})"


def _fielded(field: str, inner: str, run: list[Keyword | Proximity]) -> str:
    if field == "all":
        return inner if len(run) == 1 else f"({inner})"
    plain = len(run) == 1 and (isinstance(run[0], Proximity) or not inner.startswith("("))
    group = inner if plain or len(run) == 1 else f"({inner})"
    return f"{group}:{WRITE_SUFFIX[field]}"


def _heading(term: Heading, notes: Notes) -> str:
    if term.vocabulary != "mesh":
        notes.add(heading_note(NAME, term, "a phrase in title, abstract and keywords"))
        return f'"{term.name}":ti,ab,kw'
    if term.major:
        notes.add(flag_note(NAME, term, "a major topic"))
    return f'[mh {"" if term.explode else "^"}"{term.name}"]'


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    notes = Notes()

    def render(block: Block) -> list[str]:
        return grouped(
            block, lambda t: _bare(t, notes), _fielded, lambda h: _heading(h, notes), "OR"
        )

    parts = block_parts(strategy, render, "OR")
    query = join_blocks(parts, {"AND": "AND", "OR": "OR", "NOT": "NOT"})
    limits = limit_comments(strategy.limits, ("years", "language", "publication_type"), NAME)
    text = "\n".join([*comment_lines(notes), *limits, query])
    return Written("cochrane", text, tuple(notes.items), (query,))
