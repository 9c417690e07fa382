"""The one parser every database syntax shares: lines, tokens, Boolean expressions, blocks.

A syntax module describes its tokens (field codes, subject headings, proximity operators,
limits, line references) as a :class:`Grammar`; this module turns text into a
:class:`~sysreview.search.model.Strategy`. A search history of several lines is read as the
databases show it: a line may refer to earlier lines (``1 or 2``, ``#1 AND #2``, ``S1 AND S2``)
and the last line is the strategy. Whatever cannot be read raises SearchSyntaxError naming the
line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sysreview.errors import InvalidInput
from sysreview.search.folding import to_strategy
from sysreview.search.model import SearchSyntaxError
from sysreview.search.tree import Head, Limit, Near, Node, Op, Parsed, Token, Words, fail

Convert = Callable[[re.Match[str]], Any]


@dataclass(frozen=True)
class Rule:
    """A token: its kind, the pattern matched at the current position, and its value."""

    kind: str
    pattern: re.Pattern[str]
    value: Convert = lambda m: m.group(0)  # noqa: E731
    guard: Callable[[str, int], bool] | None = None


@dataclass(frozen=True)
class Grammar:
    """What a syntax looks like. ``precedence`` ranks Boolean operators (higher binds tighter;
    equal ranks read left to right); ``adjacent`` says what words side by side mean: a phrase,
    AND, or (EBSCOhost) words within five of each other."""

    name: str
    rules: tuple[Rule, ...]
    precedence: dict[str, int]
    adjacent: str
    default_field: str
    line_number: re.Pattern[str]
    comment: re.Pattern[str] = re.compile(r"^\s*#(\s|$)")
    skip: re.Pattern[str] | None = None
    count: re.Pattern[str] | None = None


MAX_LINE = 20_000
LIMIT_COMMENT = re.compile(
    r"^\s*#\s*limit\b[^:]*:\s*(years|language|publication type)s?\s+(.*?)\s*$", re.I
)


def tokenize(grammar: Grammar, text: str, line: int, offset: int) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        for rule in grammar.rules:
            if rule.guard is not None and not rule.guard(text, pos):
                continue
            match = rule.pattern.match(text, pos)
            if match and match.end() > pos:
                try:
                    value = rule.value(match)
                except InvalidInput as exc:
                    raise SearchSyntaxError(str(exc), line=line, column=offset + pos + 1) from None
                tokens.append(Token(rule.kind, value, line, offset + pos + 1))
                pos = match.end()
                break
        else:
            raise SearchSyntaxError(
                f"{grammar.name} cannot read {text[pos : pos + 12]!r} here",
                line=line,
                column=offset + pos + 1,
            )
    return tokens


class _Expression:
    """Recursive descent over one line's tokens; ``earlier`` holds the lines before it."""

    def __init__(self, grammar: Grammar, tokens: list[Token], earlier: dict[int, Node]) -> None:
        self.grammar = grammar
        self.tokens = tokens
        self.earlier = earlier
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token is None or token.kind != kind:
            where = token or (self.tokens[-1] if self.tokens else None)
            raise fail(f"expected {what}", where)
        return self.take()

    def whole(self) -> Node:
        node = self.expression(0)
        token = self.peek()
        if token is not None:
            raise fail(f"unexpected {token.value!r}", token)
        return node

    def expression(self, least: int) -> Node:
        node = self.unary()
        while True:
            token = self.peek()
            if token is None or token.kind == ")":
                return node
            if token.kind == "op":
                op = token.value
            elif self._starts_operand(token):
                op = "ADJACENT"
            else:
                raise fail(f"unexpected {token.value!r}", token)
            rank = self.grammar.precedence.get(op, self.grammar.precedence["AND"])
            if rank < least:
                return node
            if op != "ADJACENT":
                self.take()
            right = self.expression(rank + 1)
            node = self._join(op, node, right, token)

    def _starts_operand(self, token: Token) -> bool:
        return token.kind in ("(", "word", "phrase", "heading", "limit", "ref", "reflist")

    def _join(self, op: str, left: Node, right: Node, token: Token) -> Node:
        if op != "ADJACENT":
            return Op(op, left, right, token)
        if (
            self.grammar.adjacent == "near5"
            and isinstance(left, Words)
            and isinstance(right, Words)
        ):
            return Near((left.text,), (right.text,), 5, False, None, left.token)
        return Op("AND", left, right, token)

    def unary(self) -> Node:
        node = self.primary()
        while True:
            token = self.peek()
            if token is None:
                return node
            if token.kind == "suffix":
                self.take()
                node = self._suffixed(node, token)
            elif token.kind == "prox":
                self.take()
                right = self.primary()
                node = self._near(node, right, token)
            else:
                return node

    def _suffixed(self, node: Node, token: Token) -> Node:
        field_name, near = token.value
        if near is not None:
            if not isinstance(node, Words) or node.text.count(" ") != 1:
                raise fail("a proximity field tag follows a quoted pair of words", token)
            left, right = node.text.split(" ")
            node = Near((left,), (right,), near, False, None, node.token)
        return with_field(node, field_name, token)

    def _near(self, left: Node, right: Node, token: Token) -> Node:
        distance, ordered = token.value
        field_name = _side_field(left, token)
        if _side_field(right, token) not in (None, field_name):
            raise fail("both sides of a proximity operator must search one field", token)
        if distance == 0 and ordered and isinstance(left, Words) and isinstance(right, Words):
            return Words(f"{left.text} {right.text}", field_name, left.token)
        return Near(side(left, token), side(right, token), distance, ordered, field_name, token)

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise fail("the line ends where a search term was expected", self.tokens[-1])
        self.take()
        if token.kind == "(":
            node = self.expression(0)
            self.expect(")", "a closing parenthesis")
            return node
        if token.kind == "phrase":
            return Words(token.value, None, token)
        if token.kind == "word":
            words = [token.value]
            while self.grammar.adjacent == "phrase" and (nxt := self.peek()) and nxt.kind == "word":
                words.append(self.take().value)
            return Words(" ".join(words), None, token)
        if token.kind == "heading":
            return Head(token.value, token)
        if token.kind == "limit":
            kind, value = token.value
            return Limit(kind, value, token)
        if token.kind == "ref":
            return self._line(token.value, token)
        if token.kind == "reflist":
            op, numbers = token.value
            nodes = [self._line(n, token) for n in numbers]
            result = nodes[0]
            for node in nodes[1:]:
                result = Op(op, result, node, token)
            return result
        if token.kind == "prefix":
            return self._prefixed(token)
        raise fail(f"unexpected {token.value!r}", token)

    def _prefixed(self, token: Token) -> Node:
        """A field code before its terms: ``TI word``, ``TITLE-ABS(...)``, ``TS=(...)``."""
        field_name, needs_paren = token.value
        if needs_paren:
            self.expect("(", "an opening parenthesis after the field code")
            node = self.expression(0)
            self.expect(")", "a closing parenthesis")
        else:
            node = self.primary()
            nxt = self.peek()
            if nxt is not None and nxt.kind == "prox":
                self.take()
                node = self._near(node, self.primary(), nxt)
        return with_field(node, field_name, token)

    def _line(self, number: int, token: Token) -> Node:
        if number not in self.earlier:
            raise fail(f"line {number} is not an earlier line of this strategy", token)
        return self.earlier[number]


def with_field(node: Node, field_name: str, token: Token) -> Node:
    """Apply a field code to every keyword under ``node`` that has none yet."""
    if isinstance(node, Words | Near):
        if node.field not in (None, field_name):
            raise fail("a term carries two different field codes", token)
        return replace(node, field=field_name)
    if isinstance(node, Op):
        return replace(
            node,
            left=with_field(node.left, field_name, token),
            right=with_field(node.right, field_name, token),
        )
    raise fail("a field code applies to keywords, not to subject headings or limits", token)


def _side_field(node: Node, token: Token) -> str | None:
    if isinstance(node, Words):
        return node.field
    if isinstance(node, Op) and node.op == "OR":
        left, right = _side_field(node.left, token), _side_field(node.right, token)
        if left != right:
            raise fail("the alternatives beside a proximity operator carry different fields", token)
        return left
    raise fail("a proximity operator joins words, phrases, or words joined by OR", token)


def side(node: Node, token: Token) -> tuple[str, ...]:
    if isinstance(node, Words):
        return (node.text,)
    if isinstance(node, Op) and node.op == "OR":
        return side(node.left, token) + side(node.right, token)
    raise fail("a proximity operator joins words, phrases, or words joined by OR", token)


def parse_lines(grammar: Grammar, text: str) -> Parsed:
    """Read a strategy: one query, or a numbered search history whose last line is the result."""
    lines, limit_notes = _content_lines(grammar, text)
    if not lines:
        raise SearchSyntaxError("the strategy is empty")
    numbered = _numbered(grammar, lines)
    earlier: dict[int, Node] = {}
    last: Node | None = None
    for index, (line_no, content) in enumerate(lines, start=1):
        offset = 0
        if numbered:
            match = grammar.line_number.match(content)
            assert match is not None
            offset = match.end()
            if grammar.count is not None:
                content = grammar.count.sub("", content)
        tokens = tokenize(grammar, content[offset:], line_no, offset)
        if not tokens:
            raise SearchSyntaxError("the line holds no search", line=line_no)
        last = _Expression(grammar, tokens, earlier).whole()
        earlier[index] = last
    assert last is not None
    return to_strategy(grammar.default_field, last, limit_notes)


def _content_lines(grammar: Grammar, text: str) -> tuple[list[tuple[int, str]], list[Limit]]:
    lines: list[tuple[int, str]] = []
    limits: list[Limit] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if len(line) > MAX_LINE:
            raise SearchSyntaxError(
                f"the line is {len(line)} characters long; sysreview reads lines of up to "
                f"{MAX_LINE}: split the search into numbered lines",
                line=number,
            )
        if not line.strip():
            continue
        match = LIMIT_COMMENT.match(line)
        if match:
            limits.extend(_comment_limits(match, number))
            continue
        if grammar.comment.match(line):
            continue
        if grammar.skip is not None and grammar.skip.match(line):
            continue
        lines.append((number, line))
    return lines, limits


def _comment_limits(match: re.Match[str], line: int) -> list[Limit]:
    kind = match.group(1).lower().replace(" ", "_")
    token = Token("limit", match.group(2), line, match.start(2) + 1)
    if kind == "years":
        years = re.fullmatch(r"(\d{4})?\s*-\s*(\d{4})?", match.group(2))
        if years is None:
            raise fail("years are written like 2000-2020", token)
        start, end = years.groups()
        return [Limit("years", (_year(start), _year(end)), token)]
    values = [v.strip() for v in match.group(2).split(";") if v.strip()]
    return [Limit(kind, value, token) for value in values]


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _numbered(grammar: Grammar, lines: Sequence[tuple[int, str]]) -> bool:
    """Lines are numbered when every line starts with its number, running 1, 2, 3, ..."""
    for expected, (_, content) in enumerate(lines, start=1):
        match = grammar.line_number.match(content)
        if match is None or int(match.group(1)) != expected:
            return False
    return True
