"""Ovid (MEDLINE, Embase, APA PsycInfo): numbered lines, ``exp Mentors/``, ``*Mentors/``,
``mentor$.ti,ab.``, ``(peer adj3 mentor$).ti,ab.``, ``or/1-5``, ``1 and 2``,
``limit 7 to (english language and yr="2000 - 2020")``.

Ovid writes the same heading syntax for every vocabulary, so which one a heading belongs to is
the database's: ``vocabulary`` (MeSH unless told). ``adj`` alone is adjacency in order;
``adjN`` finds the words within N-1 words of each other, in either order.
"""

from __future__ import annotations

import functools
import re

from sysreview.search.model import (
    LANGUAGES,
    VOCABULARIES,
    Block,
    Heading,
    Keyword,
    Limits,
    Proximity,
    Strategy,
    is_word,
)
from sysreview.search.parsing import Grammar, Parsed, Rule, parse_lines
from sysreview.search.writing import (
    Notes,
    Written,
    alternatives,
    comment_lines,
    grouped,
    heading_note,
    limit_comments,
    order_note,
)

NAME = "Ovid"
_I = re.I
SUFFIXES = {
    "ti": "title",
    "ab": "abstract",
    "ti,ab": "title_abstract",
    "ab,ti": "title_abstract",
    "tw": "title_abstract",
    "ti,ab,kf": "title_abstract_keywords",
    "ti,ab,kw": "title_abstract_keywords",
    "ti,ab,id": "title_abstract_keywords",
    "af": "all",
    "mp": "all",
}
KEYWORD_FIELD = {"mesh": "kf", "emtree": "kw", "apa": "id", "eric": "id", "ebsco": "kw"}
RESERVED = {"and", "or", "not", "adj", "near", "with", "same", "exp", "limit"}
MAX_RANGE = 10_000  # no search history is longer; a range past its end names a missing line


def _numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for part in text.split(","):
        start, _, end = part.partition("-")
        first = int(start)
        last = min(int(end), first + MAX_RANGE) if end.strip() else first
        numbers.extend(range(first, last + 1))
    return numbers


def _adjacency(match: re.Match[str]) -> tuple[int, bool]:
    if not match.group(1):
        return 0, True
    return max(int(match.group(1)) - 1, 0), False


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ,'&-")


@functools.lru_cache(maxsize=8)
def _run_ends(text: str) -> tuple[int, ...]:
    """For each position, where the run of heading-name characters through it ends."""
    ends = [0] * (len(text) + 1)
    ends[len(text)] = len(text)
    for index in range(len(text) - 1, -1, -1):
        ends[index] = ends[index + 1] if text[index] in _NAME_CHARS else index
    return tuple(ends)


def _may_be_heading(text: str, pos: int) -> bool:
    """Whether an unquoted subject heading (``exp *Name/``) can start here: its characters
    must run into the '/'. Keeps long lines of words linear to read."""
    ends = _run_ends(text)
    end = ends[pos]
    if end < len(text) and text[end] == "*" and text[pos:end].strip().lower() in ("", "exp"):
        end = ends[end + 1]
    return end < len(text) and text[end] == "/"


def grammar(vocabulary: str) -> Grammar:
    def heading(match: re.Match[str]) -> Heading:
        return Heading(
            match.group(3), vocabulary, explode=bool(match.group(1)), major=bool(match.group(2))
        )

    name = r"((?:(?!\s(?:or|not)\s)[A-Za-z0-9 ,'&\-])+?)"
    return Grammar(
        name=NAME,
        rules=(
            Rule("(", re.compile(r"\(")),
            Rule(")", re.compile(r"\)")),
            Rule(
                "reflist",
                re.compile(r"(or|and)/\s*(\d+(?:\s*-\s*\d+)?(?:\s*,\s*\d+(?:\s*-\s*\d+)?)*)", _I),
                lambda m: (m.group(1).upper(), _numbers(m.group(2).replace(" ", ""))),
            ),
            Rule("ref", re.compile(r"limit\s+(\d+)\s+to\b", _I), lambda m: int(m.group(1))),
            Rule(
                "limit",
                re.compile(r'yr\s*=\s*"\s*(\d{4})\s*-\s*(\d{4})\s*"', _I),
                lambda m: ("years", (int(m.group(1)), int(m.group(2)))),
            ),
            Rule(
                "limit",
                re.compile(r"(" + "|".join(sorted(LANGUAGES)) + r")\s+language\b", _I),
                lambda m: ("language", m.group(1)),
            ),
            Rule(
                "heading",
                re.compile(r"(exp\s+)?(\*)?" + name + r"/(?![a-z])", _I),
                heading,
                _may_be_heading,
            ),
            Rule("heading", re.compile(r'(exp\s+)?(\*)?"([^"/]+)"/(?![a-z])', _I), heading),
            Rule("op", re.compile(r"(and|or|not)(?![\w$*])", _I), lambda m: m.group(1).upper()),
            Rule("prox", re.compile(r"adj(\d*)(?![\w$*])", _I), _adjacency),
            Rule("ref", re.compile(r"\d+(?![\w$*.])"), lambda m: int(m.group(0))),
            Rule("phrase", re.compile(r'"([^"]+)"'), lambda m: m.group(1).replace("$", "*")),
            Rule(
                "suffix",
                re.compile(r"\.(" + "|".join(re.escape(s) for s in SUFFIXES) + r")\.", _I),
                lambda m: (SUFFIXES[m.group(1).lower()], None),
            ),
            Rule(
                "word",
                re.compile(r"[^\s()\"./]+"),
                lambda m: re.sub(r"\$\d*", "*", m.group(0)),
            ),
        ),
        precedence={"OR": 1, "AND": 2, "NOT": 2, "ADJACENT": 2},
        adjacent="phrase",
        default_field="all",
        line_number=re.compile(r"\s*(\d+)\.?\s+"),
        skip=re.compile(r"^\s*(Database:|Search Strategy:|-{3,}|\*{3,})", _I),
        count=re.compile(r"\s+\(\d[\d,]*\)\s*$"),
    )


def parse(text: str, vocabulary: str | None = None) -> Parsed:
    return parse_lines(grammar(vocabulary or "mesh"), text)


def _word(text: str) -> str:
    words = text.split(" ")
    if any(w.lower() in RESERVED or w.isdigit() or not is_word(w) for w in words):
        return f'"{text.replace("*", "$")}"'
    return text.replace("*", "$")


def _suffix(field: str, vocabulary: str) -> str:
    return {
        "title": "ti",
        "abstract": "ab",
        "title_abstract": "ti,ab",
        "title_abstract_keywords": f"ti,ab,{KEYWORD_FIELD[vocabulary]}",
        "all": "af",
    }[field]


def block_lines(block: Block, vocabulary: str, notes: Notes) -> list[str]:
    """One line per heading, one per run of keywords in the same field."""

    def fielded(field: str, inner: str, run: list[Keyword | Proximity]) -> str:
        inner = f"({inner})" if len(run) > 1 else inner
        return f"{inner}.{_suffix(field, vocabulary)}."

    return grouped(
        block,
        lambda t: _bare(t, notes),
        fielded,
        lambda h: _heading(h, vocabulary, notes),
        "or",
    )


def _heading(term: Heading, vocabulary: str, notes: Notes) -> str:
    if term.vocabulary != vocabulary:
        notes.add(heading_note(f"{NAME} ({VOCABULARIES[vocabulary]})", term, "a phrase in .ti,ab."))
        return f"{_word(term.name)}.ti,ab."
    return f"{'exp ' if term.explode else ''}{'*' if term.major else ''}{term.name}/"


def _bare(term: Keyword | Proximity, notes: Notes) -> str:
    if isinstance(term, Keyword):
        return _word(term.text)
    if term.distance == 0 and term.ordered:
        operator = "adj"
    else:
        if term.ordered:
            notes.add(order_note(NAME, term))
        operator = f"adj{term.distance + 1}"
    left = alternatives(term.left, _word, "or")
    right = alternatives(term.right, _word, "or")
    return f"({left} {operator} {right})"


def _limit_line(limits: Limits) -> tuple[str, list[str]]:
    parts = []
    kept_out = []
    if len(limits.languages) == 1:
        parts.append(f"{limits.languages[0].lower()} language")
    elif limits.languages:
        kept_out.append("language")
    if limits.year_from and limits.year_to:
        parts.append(f'yr="{limits.year_from} - {limits.year_to}"')
    elif limits.years:
        kept_out.append("years")
    if limits.publication_types:
        kept_out.append("publication_type")
    if not parts:
        return "", kept_out
    return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")", kept_out


def write(strategy: Strategy, vocabulary: str | None = None) -> Written:
    vocabulary = vocabulary or "mesh"
    notes = Notes()
    lines: list[str] = []
    results: list[tuple[str, int]] = []
    for block in strategy.blocks:
        first = len(lines) + 1
        lines.extend(block_lines(block, vocabulary, notes))
        if len(lines) > first:
            lines.append(f"or/{first}-{len(lines)}")
        results.append((block.operator, len(lines)))
    _combine(results, lines)
    limit, kept_out = _limit_line(strategy.limits)
    if limit:
        lines.append(f"limit {len(lines)} to {limit}")
    numbered = [f"{n} {line}" for n, line in enumerate(lines, start=1)]
    head = comment_lines(notes) + limit_comments(strategy.limits, tuple(kept_out), NAME)
    return Written("ovid", "\n".join([*head, *numbered]), tuple(notes.items), tuple(lines))


def _combine(results: list[tuple[str, int]], lines: list[str]) -> None:
    """Join block results: one line while the operator stays the same, a new one when it
    changes, so the lines read left to right as the model does."""
    if len(results) < 2:
        return
    current = str(results[0][1])
    previous = ""
    for operator, line in results[1:]:
        if previous and operator != previous:
            lines.append(current)
            current = str(len(lines))
        current = f"{current} {operator.lower()} {line}"
        previous = operator
    lines.append(current)
