"""Web of Science (Core Collection, advanced search): ``TS=(peer OR buddy)``, ``TI=``, ``AB=``,
``ALL=``, ``peer NEAR/3 mentor*``, ``#1 AND #2``, ``PY=(2000-2020)``, ``LA=(English)``,
``DT=(Article)``.

TS (Topic) searches title, abstract, author keywords and Keywords Plus; Web of Science has no
title-and-abstract field, no ordered proximity, and no subject headings in its Core Collection,
so a heading is searched as a Topic phrase. A bare NEAR means NEAR/15.
"""

from __future__ import annotations

import re

from sysreview.search.model import Block, Heading, Keyword, Limits, Proximity, Strategy
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    alternatives,
    block_parts,
    field_note,
    grouped,
    heading_note,
    order_note,
    quoted,
    single_query,
)

NAME = "Web of Science"
_I = re.I
TAGS = {"TS": "title_abstract_keywords", "TI": "title", "AB": "abstract", "ALL": "all"}
WRITE_TAGS = {v: k for k, v in TAGS.items()}
RESERVED = {"and", "or", "not", "near", "same"}

GRAMMAR = Grammar(
    name=NAME,
    rules=(
        Rule(
            "limit",
            re.compile(r"PY\s*=\s*\(?\s*(\d{4})\s*-\s*(\d{4})\s*\)?", _I),
            lambda m: ("years", (int(m.group(1)), int(m.group(2)))),
        ),
        Rule(
            "limit",
            re.compile(r"PY\s*=\s*\(?\s*(\d{4})\s*\)?", _I),
            lambda m: ("years", (int(m.group(1)), int(m.group(1)))),
        ),
        Rule(
            "limit",
            re.compile(r"LA\s*=\s*(\([^)]*\)|\w+)", _I),
            lambda m: ("language", m.group(1)),
        ),
        Rule(
            "limit",
            re.compile(r"DT\s*=\s*(\([^)]*\)|\w+)", _I),
            lambda m: ("publication_type", m.group(1)),
        ),
        Rule(
            "prefix",
            re.compile(r"(TS|TI|AB|ALL)\s*=\s*", _I),
            lambda m: (TAGS[m.group(1).upper()], False),
        ),
        Rule("(", re.compile(r"\(")),
        Rule(")", re.compile(r"\)")),
        Rule("op", re.compile(r"(AND|OR|NOT)(?![\w*/])", _I), lambda m: m.group(1).upper()),
        Rule("ref", re.compile(r"#(\d+)"), lambda m: int(m.group(1))),
        Rule(
            "prox",
            re.compile(r"NEAR(?:/(\d+))?(?![\w*])", _I),
            lambda m: (int(m.group(1)) if m.group(1) else 15, False),
        ),
        Rule("phrase", re.compile(r'"([^"]+)"'), lambda m: m.group(1)),
        Rule("word", re.compile(r"[^\s()\"=]+")),
    ),
    precedence={"OR": 1, "AND": 2, "ADJACENT": 2, "NOT": 3},
    adjacent="and",
    default_field="all",
    line_number=re.compile(r"#(\d+)\s+"),
)


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(GRAMMAR, text)


def _quoted(text: str) -> str:
    return quoted(text, RESERVED)


def _bare(term: Keyword | Proximity, notes: Notes) -> str:
    if isinstance(term, Keyword):
        return _quoted(term.text)
    if term.ordered:
        notes.add(order_note(NAME, term))
    left = alternatives(term.left, _quoted, "OR")
    right = alternatives(term.right, _quoted, "OR")
    return f"({left} NEAR/{term.distance} {right})"


def _fielded(field: str, inner: str, run: list[Keyword | Proximity], notes: Notes) -> str:
    if field == "title_abstract":
        notes.add(
            field_note(
                NAME, field, "Topic (TS: title, abstract, author keywords and Keywords Plus)"
            )
        )
        field = "title_abstract_keywords"
    return f"{WRITE_TAGS[field]}=({inner})" if len(run) > 1 else f"{WRITE_TAGS[field]}={inner}"


def _heading(term: Heading, notes: Notes) -> str:
    notes.add(heading_note(NAME, term, "a Topic phrase (TS)"))
    return f'TS="{term.name}"'


def _limit_clauses(limits: Limits) -> tuple[list[str], list[str]]:
    clauses: list[str] = []
    kept_out: list[str] = []
    if limits.year_from and limits.year_to:
        clauses.append(f"PY=({limits.year_from}-{limits.year_to})")
    elif limits.years:
        kept_out.append("years")
    if limits.languages:
        clauses.append(f"LA=({' OR '.join(_quoted(v) for v in limits.languages)})")
    if limits.publication_types:
        clauses.append(f"DT=({' OR '.join(_quoted(v) for v in limits.publication_types)})")
    return clauses, kept_out


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    notes = Notes()

    def render(block: Block) -> list[str]:
        return grouped(
            block,
            lambda t: _bare(t, notes),
            lambda f, inner, run: _fielded(f, inner, run, notes),
            lambda h: _heading(h, notes),
            "OR",
        )

    parts = block_parts(strategy, render, "OR")
    operators = {"AND": "AND", "OR": "OR", "NOT": "NOT"}
    limits = _limit_clauses(strategy.limits)
    return single_query("wos", NAME, strategy, parts, operators, limits, notes)
