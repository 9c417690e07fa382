"""EBSCOhost: ``TI mentor*``, ``AB "peer support"``, ``TX`` (all text), ``(MH "Mentors+")``,
``(MM "Mentors")``, ``DE "Peers"``, ``MJ``, ``SU``, ``peer N3 mentor*`` (either order),
``peer W3 mentor*`` (in order), ``S1 AND S2``.

EBSCOhost has no title-and-abstract field: such a term is written ``TI x OR AB x`` (exact), and
the parser reads that pair back as one term. ``+`` after a heading explodes it. Limits are set
with the interface's limiters, so they are written as ``# limit`` comments. Words side by side
without an operator are found within five words of each other (EBSCOhost's default).
"""

from __future__ import annotations

import re

from sysreview.search.model import (
    VOCABULARIES,
    Block,
    Heading,
    Keyword,
    Proximity,
    Strategy,
    is_word,
)
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    alternatives,
    block_parts,
    comment_lines,
    field_note,
    grouped,
    heading_note,
    join_blocks,
    limit_comments,
)

NAME = "EBSCOhost"
_I = re.I
PREFIXES = {"TI": "title", "AB": "abstract", "TX": "all"}
RESERVED = {"and", "or", "not"}


def grammar(vocabulary: str) -> Grammar:
    def heading(match: re.Match[str]) -> Heading:
        code = match.group(1).upper()
        mesh = code in ("MH", "MM")
        return Heading(
            match.group(2),
            "mesh" if mesh else vocabulary,
            explode=bool(match.group(3)),
            major=code in ("MM", "MJ"),
        )

    return Grammar(
        name=NAME,
        rules=(
            Rule(
                "heading",
                re.compile(r'\(?\s*(MH|MM|DE|MJ|SU)\s+"([^"+]+?)(\+?)"\s*\)?'),
                heading,
            ),
            Rule("(", re.compile(r"\(")),
            Rule(")", re.compile(r"\)")),
            Rule("op", re.compile(r"(AND|OR|NOT)(?![\w*])", _I), lambda m: m.group(1).upper()),
            Rule("ref", re.compile(r"S(\d+)(?!\w)"), lambda m: int(m.group(1))),
            Rule(
                "prox",
                re.compile(r"([NW])(\d+)(?![\w*])"),
                lambda m: (int(m.group(2)), m.group(1) == "W"),
            ),
            Rule(
                "prefix",
                re.compile(r"(TI|AB|TX)(?=\s)"),
                lambda m: (PREFIXES[m.group(1)], False),
            ),
            Rule("phrase", re.compile(r'"([^"]+)"'), lambda m: m.group(1)),
            Rule("word", re.compile(r"[^\s()\"]+")),
        ),
        precedence={"AND": 1, "OR": 1, "NOT": 1, "ADJACENT": 3},
        adjacent="near5",
        default_field="all",
        line_number=re.compile(r"S(\d+)\s+"),
    )


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(grammar(vocabulary or "apa"), text)


def _quoted(text: str) -> str:
    if (
        " " in text
        or not is_word(text)
        or text.lower() in RESERVED
        or re.fullmatch(r"[NWS]\d+", text)
    ):
        return f'"{text}"'
    return text


def _bare(term: Keyword | Proximity) -> str:
    if isinstance(term, Keyword):
        return _quoted(term.text)
    operator = f"{'W' if term.ordered else 'N'}{term.distance}"
    left = alternatives(term.left, _quoted, "OR")
    right = alternatives(term.right, _quoted, "OR")
    return f"({left} {operator} {right})"


def _fielded(field: str, inner: str, run: list[Keyword | Proximity], notes: Notes) -> str:
    group = inner if len(run) == 1 else f"({inner})"
    if field == "title":
        return f"TI {group}"
    if field == "abstract":
        return f"AB {group}"
    if field == "all":
        return f"TX {group}"
    if field == "title_abstract_keywords":
        notes.add(field_note(NAME, field, "title (TI) or abstract (AB)"))
    return f"TI {group} OR AB {group}"


def _heading(term: Heading, vocabulary: str | None, notes: Notes) -> str:
    """MH/MM for MeSH, DE/MJ for the database's own thesaurus; a heading of a thesaurus the
    database does not use is searched as a title or abstract phrase, with a note."""
    own = term.vocabulary == vocabulary or (vocabulary is None and term.vocabulary != "emtree")
    if not own:
        where = f"{NAME} ({VOCABULARIES[vocabulary]})" if vocabulary else NAME
        notes.add(heading_note(where, term, "a phrase in title (TI) or abstract (AB)"))
        return f'(TI "{term.name}" OR AB "{term.name}")'
    if term.vocabulary == "mesh":
        code = "MM" if term.major else "MH"
    else:
        code = "MJ" if term.major else "DE"
    return f'({code} "{term.name}{"+" if term.explode else ""}")'


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    notes = Notes()

    def render(block: Block) -> list[str]:
        return grouped(
            block,
            _bare,
            lambda f, inner, run: _fielded(f, inner, run, notes),
            lambda h: _heading(h, vocabulary, notes),
            "OR",
        )

    parts = block_parts(strategy, render, "OR")
    query = join_blocks(parts, {"AND": "AND", "OR": "OR", "NOT": "NOT"})
    limits = limit_comments(strategy.limits, ("years", "language", "publication_type"), NAME)
    text = "\n".join([*comment_lines(notes), *limits, query])
    return Written("ebsco", text, tuple(notes.items), (query,))
