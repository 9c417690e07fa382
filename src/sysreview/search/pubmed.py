"""PubMed: ``term[tiab]``, ``"phrase"[ti]``, ``"x y"[tiab:~3]``, ``"X"[mh]``, ``[mh:noexp]``,
``[majr]``, ``2000:2020[dp]``, ``english[la]``, ``review[pt]``.

PubMed reads Boolean operators left to right, with no precedence; its proximity search is
unordered, for two plain words in [ti] or [tiab] only, and it has no abstract-only field.
"""

from __future__ import annotations

import itertools
import re

from sysreview.search.model import Heading, Keyword, Limits, Proximity, Strategy
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    block_parts,
    comment_lines,
    field_note,
    heading_note,
    join_blocks,
    limit_comments,
    order_note,
    quoted,
)

NAME = "PubMed"
_I = re.I
_TEXT = r'(?:"([^"]+)"|([^\s()"\[\]]+))'
FIELD_TAGS = {
    "ti": "title",
    "title": "title",
    "tiab": "title_abstract",
    "title/abstract": "title_abstract",
    "all": "all",
    "all fields": "all",
}
WRITE_TAGS = {"title": "ti", "title_abstract": "tiab", "all": "all"}
RESERVED = {"and", "or", "not"}


def _heading(match: re.Match[str]) -> Heading:
    tag = match.group(3).lower()
    return Heading(
        match.group(1) or match.group(2),
        "mesh",
        explode=not match.group(4),
        major=tag in ("majr", "mesh major topic"),
    )


def _limit(match: re.Match[str]) -> tuple[str, object]:
    value = match.group(1) or match.group(2)
    kind = (
        "language" if match.group(3).lower() in ("la", "lang", "language") else "publication_type"
    )
    return kind, value


def _suffix(match: re.Match[str]) -> tuple[str, int | None]:
    near = match.group(2)
    return FIELD_TAGS[match.group(1).lower()], int(near) if near else None


GRAMMAR = Grammar(
    name=NAME,
    rules=(
        Rule("(", re.compile(r"\(")),
        Rule(")", re.compile(r"\)")),
        Rule("op", re.compile(r"(AND|OR|NOT)(?![\w*])", _I), lambda m: m.group(1).upper()),
        Rule("ref", re.compile(r"#(\d+)"), lambda m: int(m.group(1))),
        Rule(
            "limit",
            re.compile(
                r'"?(\d{4})"?(?:\[dp\])?\s*:\s*"?(\d{4})"?\[(?:dp|pdat|publication date)\]', _I
            ),
            lambda m: ("years", (int(m.group(1)), int(m.group(2)))),
        ),
        Rule(
            "heading",
            re.compile(_TEXT + r"\[(mh|mesh|mesh terms|majr|mesh major topic)(:noexp)?\]", _I),
            _heading,
        ),
        Rule(
            "limit",
            re.compile(_TEXT + r"\[(la|lang|language|pt|publication type)\]", _I),
            _limit,
        ),
        Rule("phrase", re.compile(r'"([^"]+)"'), lambda m: m.group(1)),
        Rule("word", re.compile(r"[^\s()\"\[\]]+")),
        Rule(
            "suffix",
            re.compile(r"\[(ti|title|tiab|title/abstract|all|all fields)(?::~(\d+))?\]", _I),
            _suffix,
        ),
    ),
    precedence={"AND": 1, "OR": 1, "NOT": 1, "ADJACENT": 1},
    adjacent="and",
    default_field="all",
    line_number=re.compile(r"#(\d+)\s+"),
)


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(GRAMMAR, text)


def _quoted(text: str) -> str:
    return quoted(text, RESERVED)


def _tag(field: str, notes: Notes) -> str:
    if field not in WRITE_TAGS:
        notes.add(field_note(NAME, field, "title and abstract [tiab]"))
        return "tiab"
    return WRITE_TAGS[field]


def term_text(term: Keyword | Proximity | Heading, notes: Notes) -> str:
    if isinstance(term, Keyword):
        return f"{_quoted(term.text)}[{_tag(term.field, notes)}]"
    if isinstance(term, Heading):
        return _heading_text(term, notes)
    return _proximity_text(term, notes)


def _heading_text(term: Heading, notes: Notes) -> str:
    if term.vocabulary != "mesh":
        notes.add(heading_note(NAME, term, "a phrase in title and abstract [tiab]"))
        return f'"{term.name}"[tiab]'
    tag = "majr" if term.major else "mh"
    return f'"{term.name}"[{tag}{"" if term.explode else ":noexp"}]'


def _proximity_text(term: Proximity, notes: Notes) -> str:
    tag = "ti" if term.field == "title" else "tiab"
    if term.field not in ("title", "title_abstract"):
        notes.add(field_note(NAME + " proximity search", term.field, "title and abstract [tiab]"))
    if term.ordered:
        notes.add(order_note(NAME, term))
    sides = term.left + term.right
    if any(" " in s or "*" in s for s in sides):
        notes.add(
            f"{NAME}'s proximity search takes two plain words: "
            f"'{' / '.join(term.left)}' near '{' / '.join(term.right)}' is searched as both "
            "sides AND-ed in the field, which finds more records"
        )
        left = " OR ".join(f"{_quoted(s)}[{tag}]" for s in term.left)
        right = " OR ".join(f"{_quoted(s)}[{tag}]" for s in term.right)
        return f"(({left}) AND ({right}))"
    pairs = [
        f'"{a} {b}"[{tag}:~{term.distance}]' for a, b in itertools.product(term.left, term.right)
    ]
    return pairs[0] if len(pairs) == 1 else "(" + " OR ".join(pairs) + ")"


def _limit_clauses(limits: Limits) -> tuple[list[str], list[str]]:
    clauses = []
    kept_out: list[str] = []
    if limits.year_from and limits.year_to:
        clauses.append(f"{limits.year_from}:{limits.year_to}[dp]")
    elif limits.years:
        kept_out.append("years")
    for values, tag in ((limits.languages, "la"), (limits.publication_types, "pt")):
        if values:
            parts = [f"{_quoted(v.lower()) if tag == 'la' else _quoted(v)}[{tag}]" for v in values]
            clauses.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    return clauses, kept_out


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    notes = Notes()
    parts = block_parts(strategy, lambda b: [term_text(t, notes) for t in b.terms], "OR")
    query = join_blocks(parts, {"AND": "AND", "OR": "OR", "NOT": "NOT"})
    clauses, kept_out = _limit_clauses(strategy.limits)
    if clauses:
        query = (
            f"({query}) AND " + " AND ".join(clauses)
            if len(parts) > 1
            else (f"{query} AND " + " AND ".join(clauses))
        )
    lines = comment_lines(notes) + limit_comments(strategy.limits, tuple(kept_out), NAME)
    return Written("pubmed", "\n".join([*lines, query]), tuple(notes.items), (query,))
