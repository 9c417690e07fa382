"""Folding a parsed expression into the model: limits pulled out, concept blocks read left to
right, and a word searched in the title OR the abstract read as one title-and-abstract term."""

from __future__ import annotations

import re
from dataclasses import replace

from sysreview.errors import InvalidInput
from sysreview.search.model import Block, Keyword, Limits, Strategy, Term, proximity
from sysreview.search.tree import Head, Limit, Near, Node, Op, Parsed, Words, fail


def to_strategy(default_field: str, node: Node, extra_limits: list[Limit]) -> Parsed:
    """Fold the expression into blocks (left to right) and limits."""
    found: list[Limit] = list(extra_limits)
    rest = _strip_limits(node, found)
    if rest is None:
        raise fail("the strategy holds limits but no search terms", node.token)
    blocks = _chain(default_field, rest)
    return Parsed(Strategy(tuple(blocks), _limits(found)))


def _strip_limits(node: Node, found: list[Limit]) -> Node | None:
    if isinstance(node, Limit):
        found.append(node)
        return None
    if isinstance(node, Op) and node.op == "OR" and _all_limits(node):
        found.extend(_limits_under(node))
        return None
    if isinstance(node, Op) and node.op in ("AND", "NOT"):
        left = _strip_limits(node.left, found)
        if node.op == "NOT":
            return replace(node, left=left) if left is not None else node
        right = _strip_limits(node.right, found)
        if left is None or right is None:
            return left or right
        return replace(node, left=left, right=right)
    return node


def _all_limits(node: Node) -> bool:
    if isinstance(node, Op):
        return node.op == "OR" and _all_limits(node.left) and _all_limits(node.right)
    return isinstance(node, Limit)


def _limits_under(node: Node) -> list[Limit]:
    if isinstance(node, Op):
        return _limits_under(node.left) + _limits_under(node.right)
    assert isinstance(node, Limit)
    return [node]


def _limits(found: list[Limit]) -> Limits:
    year_from = year_to = None
    languages: list[str] = []
    types: list[str] = []
    for limit in found:
        if limit.kind == "years":
            start, end = limit.value
            year_from = start if start is not None else year_from
            year_to = end if end is not None else year_to
        else:
            values = [v for v in re.split(r"\s+OR\s+", limit.value.strip("() "), flags=re.I) if v]
            (languages if limit.kind == "language" else types).extend(values)
    try:
        return Limits(year_from, year_to, tuple(languages), tuple(types))
    except InvalidInput as exc:
        raise fail(str(exc), found[0].token) from None


def _chain(default_field: str, node: Node) -> list[Block]:
    """Blocks left to right: ``((b1 AND b2) NOT b3)`` → b1, AND b2, NOT b3."""
    if _is_block(node):
        return [Block(tuple(_block_terms(default_field, node)))]
    if not isinstance(node, Op):
        raise fail("a limit cannot stand inside a block of terms", node.token)
    if not _is_block(node.right):
        raise fail(
            "sysreview reads a strategy as concept blocks (terms joined by OR) combined left "
            "to right; put the blocks on the right of AND/NOT in parentheses or on lines of "
            "their own",
            node.token,
        )
    blocks = _chain(default_field, node.left)
    blocks.append(Block(tuple(_block_terms(default_field, node.right)), operator=node.op))
    return blocks


def _is_block(node: Node) -> bool:
    if isinstance(node, Op):
        return node.op == "OR" and _is_block(node.left) and _is_block(node.right)
    return not isinstance(node, Limit)


def _block_terms(default_field: str, node: Node) -> list[Term]:
    leaves: list[Node] = []
    _or_leaves(node, leaves)
    terms = [_term(default_field, leaf) for leaf in leaves]
    return merge_title_abstract(terms)


def _or_leaves(node: Node, into: list[Node]) -> None:
    if isinstance(node, Op):
        _or_leaves(node.left, into)
        _or_leaves(node.right, into)
    else:
        into.append(node)


def _term(default_field: str, node: Node) -> Term:
    try:
        if isinstance(node, Words):
            return Keyword(node.text, node.field or default_field)
        if isinstance(node, Near):
            field_name = node.field or default_field
            return proximity(node.left, node.right, node.distance, node.ordered, field_name)
        if isinstance(node, Head):
            return node.heading
    except InvalidInput as exc:
        raise fail(str(exc), node.token) from None
    raise fail("a limit cannot stand inside a block of terms", node.token)


def merge_title_abstract(terms: list[Term]) -> list[Term]:
    """``x`` in the title OR ``x`` in the abstract is ``x`` in title and abstract: one term."""
    merged: list[Term] = []
    for term in terms:
        twin_field = {"title": "abstract", "abstract": "title"}.get(getattr(term, "field", ""))
        twin = replace(term, field=twin_field) if twin_field else None  # type: ignore[arg-type]
        if twin is not None and twin in merged:
            merged[merged.index(twin)] = replace(term, field="title_abstract")  # type: ignore[arg-type]
        else:
            merged.append(term)
    return merged
