"""Scopus: ``TITLE-ABS-KEY(peer OR buddy)``, ``TITLE-ABS``, ``TITLE``, ``ABS``, ``ALL``,
``peer W/3 mentor*`` (either order), ``peer PRE/3 mentor*`` (in order), ``AND NOT``,
``INDEXTERMS("Mentors")``, ``PUBYEAR > 1999``, ``LANGUAGE(english)``, ``DOCTYPE(re)``.

Scopus reads OR before W/n and PRE/n, those before AND, and AND NOT last. It treats wildcards
inside a quoted phrase as punctuation, so a truncated phrase is written with PRE/0. Its index
terms (MeSH, Emtree and other thesauri together) cannot be exploded or marked major.
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
    flag_note,
    grouped,
    quoted,
    single_query,
)

NAME = "Scopus"
_I = re.I
CODES = {
    "TITLE-ABS-KEY": "title_abstract_keywords",
    "TITLE-ABS": "title_abstract",
    "TITLE": "title",
    "ABS": "abstract",
    "ALL": "all",
}
WRITE_CODES = {v: k for k, v in CODES.items()}
DOCTYPES = {
    "ar": "Article",
    "re": "Review",
    "cp": "Conference paper",
    "le": "Letter",
    "ed": "Editorial",
    "no": "Note",
    "ch": "Book chapter",
    "bk": "Book",
    "er": "Erratum",
    "sh": "Short survey",
    "dp": "Data paper",
}
DOCTYPE_CODES = {v.lower(): k for k, v in DOCTYPES.items()}
RESERVED = {"and", "or", "not"}


def _doctype(match: re.Match[str]) -> tuple[str, str]:
    value = match.group(1)
    return "publication_type", DOCTYPES.get(value.lower(), value)


def grammar(vocabulary: str) -> Grammar:
    return Grammar(
        name=NAME,
        rules=(
            Rule(
                "heading",
                re.compile(r'INDEXTERMS\s*\(\s*"?([^")]+?)"?\s*\)', _I),
                lambda m: Heading(m.group(1), vocabulary, explode=False),
            ),
            Rule(
                "limit",
                re.compile(r"PUBYEAR\s*([><=])\s*(\d{4})", _I),
                lambda m: ("years", _years(m.group(1), int(m.group(2)))),
            ),
            Rule(
                "limit",
                re.compile(r'(?:LIMIT-TO\s*\(\s*)?LANGUAGE\s*[,(]\s*"?([^")]+?)"?\s*\)', _I),
                lambda m: ("language", m.group(1)),
            ),
            Rule(
                "limit",
                re.compile(r'(?:LIMIT-TO\s*\(\s*)?DOCTYPE\s*[,(]\s*"?([^")]+?)"?\s*\)', _I),
                _doctype,
            ),
            Rule(
                "prefix",
                re.compile(r"(TITLE-ABS-KEY|TITLE-ABS|TITLE|ABS|ALL)(?=\s*\()", _I),
                lambda m: (CODES[m.group(1).upper()], True),
            ),
            Rule("(", re.compile(r"\(")),
            Rule(")", re.compile(r"\)")),
            Rule("op", re.compile(r"AND\s+NOT(?![\w*])", _I), lambda m: "NOT"),
            Rule("op", re.compile(r"(AND|OR)(?![\w*])", _I), lambda m: m.group(1).upper()),
            Rule(
                "prox",
                re.compile(r"(W|PRE)/(\d+)", _I),
                lambda m: (int(m.group(2)), m.group(1).upper() == "PRE"),
            ),
            Rule(
                "phrase", re.compile(r'"([^"]+)"|\{([^}]+)\}'), lambda m: m.group(1) or m.group(2)
            ),
            Rule("word", re.compile(r"[^\s()\"{}]+")),
        ),
        precedence={"NOT": 1, "AND": 2, "ADJACENT": 2, "OR": 4},
        adjacent="and",
        default_field="all",
        line_number=re.compile(r"#(\d+)\s+"),
    )


def _years(sign: str, year: int) -> tuple[int | None, int | None]:
    if sign == ">":
        return year + 1, None
    if sign == "<":
        return None, year - 1
    return year, year


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(grammar(vocabulary or "mesh"), text)


def _quoted(text: str) -> str:
    if "*" in text and " " in text:
        return "(" + " PRE/0 ".join(text.split(" ")) + ")"
    return quoted(text, RESERVED)


def _bare(term: Keyword | Proximity, notes: Notes) -> str:
    if isinstance(term, Keyword):
        if "*" in term.text and " " in term.text:
            notes.add(
                f"{NAME} ignores wildcards inside quoted phrases: truncated phrases such as "
                f"'{term.text}' are written with PRE/0 (adjacent, in order)"
            )
        return _quoted(term.text)
    operator = f"{'PRE' if term.ordered else 'W'}/{term.distance}"
    left = alternatives(term.left, _quoted, "OR")
    right = alternatives(term.right, _quoted, "OR")
    return f"({left} {operator} {right})"


def _heading(term: Heading, notes: Notes) -> str:
    if term.explode:
        notes.add(flag_note(NAME, term, "exploded (INDEXTERMS finds the term itself only)"))
    if term.major:
        notes.add(flag_note(NAME, term, "a major topic"))
    return f'INDEXTERMS("{term.name}")'


def _limit_clauses(limits: Limits) -> tuple[list[str], list[str]]:
    clauses: list[str] = []
    kept_out: list[str] = []
    if limits.year_from:
        clauses.append(f"PUBYEAR > {limits.year_from - 1}")
    if limits.year_to:
        clauses.append(f"PUBYEAR < {limits.year_to + 1}")
    languages = [f"LANGUAGE({v.lower()})" for v in limits.languages]
    if languages:
        clauses.append(languages[0] if len(languages) == 1 else f"({' OR '.join(languages)})")
    codes = [DOCTYPE_CODES.get(v.lower()) for v in limits.publication_types]
    if codes and all(codes):
        types = [f"DOCTYPE({c})" for c in codes]
        clauses.append(types[0] if len(types) == 1 else f"({' OR '.join(types)})")
    elif codes:
        kept_out.append("publication_type")
    return clauses, kept_out


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    notes = Notes()

    def render(block: Block) -> list[str]:
        return grouped(
            block,
            lambda t: _bare(t, notes),
            lambda field, inner, run: f"{WRITE_CODES[field]}({inner})",
            lambda h: _heading(h, notes),
            "OR",
        )

    parts = block_parts(strategy, render, "OR")
    operators = {"AND": "AND", "OR": "OR", "NOT": "AND NOT"}
    limits = _limit_clauses(strategy.limits)
    return single_query("scopus", NAME, strategy, parts, operators, limits, notes)
