"""Judgement algorithms of domain-based tools (RoB 2): read from data, checked, and run.

A tool's published flow charts are written in its checklist file as small decision trees: each
node asks one or more signalling questions and sends each answer on to another node or to a
judgement. Loading checks every tree (known questions and judgements, no loops, no orphan
nodes, every allowed answer handled), so running one can only fail on the reviewer's answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sysreview.appraisal.model import (
    Algorithm,
    Branch,
    Checklist,
    ChecklistError,
    Item,
    Level,
    Node,
    Tree,
)
from sysreview.appraisal.yamlnode import YNode
from sysreview.errors import InvalidInput


@dataclass(frozen=True)
class Proposal:
    """The judgement an algorithm proposes for one domain, and the answers that led there."""

    domain: str
    judgement: str
    path: tuple[str, ...]


def parse_algorithm(node: YNode, what: str) -> Algorithm:
    """An algorithm from its YAML form; ``check_algorithm`` checks it once the items are known."""
    fields = node.fields(what, ("start", "nodes", "parts", "combine"))
    if "parts" in fields:
        if "start" in fields or "nodes" in fields:
            raise node.error(f"{what}: give either 'parts' or 'start' and 'nodes', not both")
        combine = fields.text("combine", "worst")
        if combine != "worst":
            raise fields.need("combine").error(f"{what}: 'combine' can only be 'worst'")
        trees = [_parse_tree(part, f"{what} part") for part in fields.need("parts").items(what)]
        if not trees:
            raise fields.need("parts").error(f"{what}: 'parts' must not be empty")
        return Algorithm(parts=tuple(trees))
    return Algorithm(parts=(_parse_tree(node, what),))


def _parse_tree(node: YNode, what: str) -> Tree:
    fields = node.fields(what, ("start", "nodes"))
    start = fields.text("start")
    nodes: dict[str, Node] = {}
    nodes_node = fields.need("nodes")
    for name, body in nodes_node.fields(f"{what} nodes", tuple(_names(nodes_node))).found.items():
        nodes[name] = _parse_node(name, body, f"{what} node '{name}'")
    if start not in nodes:
        raise fields.need("start").error(f"{what}: start node '{start}' is not among its nodes")
    return Tree(start=start, nodes=nodes)


def _names(node: YNode) -> list[str]:
    """The keys of a mapping node, so that ``fields`` accepts any names but still finds repeats."""
    if not node.is_mapping:
        raise node.error("nodes must be a mapping of node names to nodes")
    return [str(key.value) for key, _ in node.node.value]


def _parse_node(name: str, node: YNode, what: str) -> Node:
    fields = node.fields(what, ("ask", "branches", "otherwise"))
    ask = tuple(fields.need("ask").texts(f"{what} 'ask'"))
    if not ask:
        raise fields.need("ask").error(f"{what}: 'ask' must name at least one question")
    branches: list[Branch] = []
    for entry in fields.need("branches").items(f"{what} branches"):
        branch = entry.fields(f"{what} branch", ("when", "all", "any", "then"))
        keys = [k for k in ("when", "all", "any") if k in branch]
        if len(keys) != 1:
            raise entry.error(f"{what}: each branch needs exactly one of 'when', 'all', 'any'")
        if keys[0] == "when" and len(ask) != 1:
            raise entry.error(f"{what}: 'when' is for one question; use 'all' or 'any'")
        answers = frozenset(branch.need(keys[0]).texts(f"{what} '{keys[0]}'"))
        match = "any" if keys[0] == "any" else "all"
        branches.append(Branch(match, answers, branch.text("then"), entry.line))  # type: ignore[arg-type]
    if "otherwise" in fields:
        otherwise = fields.need("otherwise")
        branches.append(Branch("otherwise", frozenset(), otherwise.text(what), otherwise.line))
    return Node(name=name, ask=ask, branches=tuple(branches), line=node.line)


def check_algorithm(
    algorithm: Algorithm,
    node: YNode,
    domain_id: str,
    items: Sequence[Item],
    levels: Sequence[Level],
) -> None:
    """Raise ChecklistError at the offending line unless the trees are sound for these items."""
    by_id = {item.id: item for item in items}
    judgements = {level.label for level in levels}
    for tree in algorithm.parts:
        for current in tree.nodes.values():
            here = current.line
            if current.name in judgements:
                raise _error(node, here, f"node '{current.name}' has the name of a judgement")
            for question in current.ask:
                item = by_id.get(question)
                if item is None or item.domain != domain_id:
                    raise _error(
                        node,
                        here,
                        f"node '{current.name}' asks '{question}', which is not a question "
                        f"of domain {domain_id}",
                    )
            allowed = [
                {o.value for o in by_id[q].options if not o.not_applicable} for q in current.ask
            ]
            everything = set().union(*allowed) | {
                o.value for q in current.ask for o in by_id[q].options
            }
            for branch in current.branches:
                spot = branch.line
                if branch.then not in judgements and branch.then not in tree.nodes:
                    raise _error(
                        node,
                        spot,
                        f"'{branch.then}' is neither a node nor a judgement "
                        f"({', '.join(sorted(judgements))})",
                    )
                unknown = sorted(branch.answers - everything)
                if unknown:
                    raise _error(node, spot, f"answer(s) {', '.join(unknown)} cannot be given here")
            for combination in itertools.product(*[sorted(a) for a in allowed]):
                if _follow(current, dict(zip(current.ask, combination, strict=True))) is None:
                    raise _error(
                        node,
                        here,
                        f"node '{current.name}' has no branch for the answers "
                        f"{', '.join(combination)} to {', '.join(current.ask)}",
                    )
        _check_shape(tree, node)


def _check_shape(tree: Tree, node: YNode) -> None:
    """No loops, and every node reachable from the start."""
    seen: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise _error(
                node, tree.nodes[name].line, f"the algorithm loops: {' -> '.join((*trail, name))}"
            )
        seen.add(name)
        for branch in tree.nodes[name].branches:
            if branch.then in tree.nodes:
                visit(branch.then, (*trail, name))

    visit(tree.start, ())
    for name, unreachable in tree.nodes.items():
        if name not in seen:
            raise _error(node, unreachable.line, f"node '{name}' can never be reached")


def _error(node: YNode, line: int | None, message: str) -> ChecklistError:
    """An error in the same file as ``node``, at ``line`` (or at the node itself)."""
    return ChecklistError(message, file=node.file, line=line or node.line)


def _follow(node: Node, answers: Mapping[str, str]) -> Branch | None:
    for branch in node.branches:
        given = [answers[q] for q in node.ask]
        if branch.match == "otherwise":
            return branch
        if branch.match == "all" and all(a in branch.answers for a in given):
            return branch
        if branch.match == "any" and any(a in branch.answers for a in given):
            return branch
    return None


def run_algorithm(checklist: Checklist, domain_id: str, answers: Mapping[str, str]) -> Proposal:
    """The judgement the domain's algorithm proposes from canonical answers (item id → value).

    Only the questions on the path taken need answers; a missing one, or an answer the path
    cannot use (such as "NA" to a question that applies), is an InvalidInput naming it.
    """
    domain = checklist.domain(domain_id)
    if domain is None:
        known = ", ".join(d.id for d in checklist.domains)
        raise InvalidInput(f"{checklist.name} has no domain '{domain_id}' (domains: {known})")
    if domain.algorithm is None:
        raise InvalidInput(
            f"{checklist.name} gives no algorithm for {domain.id} ({domain.name}): "
            "the reviewers enter the judgement themselves"
        )
    results: list[str] = []
    path: list[str] = []
    for tree in domain.algorithm.parts:
        name = tree.start
        while name in tree.nodes:
            current = tree.nodes[name]
            missing = [q for q in current.ask if q not in answers]
            if missing:
                raise InvalidInput(
                    f"{domain.id}: question {', '.join(missing)} must be answered "
                    "to propose a judgement"
                )
            branch = _follow(current, answers)
            given = ", ".join(f"{q}={answers[q]}" for q in current.ask)
            if branch is None:
                raise InvalidInput(
                    f"{domain.id}: the answers {given} do not fit the algorithm here "
                    "(is a question answered NA that applies?)"
                )
            path.append(given)
            name = branch.then
        results.append(name)
    return Proposal(domain=domain.id, judgement=worst(checklist, results), path=tuple(path))


def worst(checklist: Checklist, labels: Sequence[str]) -> str:
    """The worst of some judgements on the tool's scale (best listed first)."""
    order = [level.label for level in checklist.levels]
    return max(labels, key=order.index)


def overall_judgement(checklist: Checklist, judgements: Sequence[str]) -> str:
    """The overall judgement the tool's rule gives from its domain judgements.

    The worst domain judgement, as RoB 2 and ROBINS-I both state; with a "No information"
    level (ROBINS-I), missing information in any domain gives "No information" overall unless
    some domain is already at ``no_information_below`` or worse.
    """
    if not judgements:
        raise InvalidInput(f"{checklist.name}: no domain judgements to combine")
    ranked = [lv for lv in checklist.levels if not lv.no_information]
    order = [lv.label for lv in ranked]
    known = [j for j in judgements if j in order]
    no_info = [lv.label for lv in checklist.levels if lv.no_information]
    if len(known) < len(judgements):
        threshold = checklist.no_information_below
        if threshold and known and order.index(worst(checklist, known)) >= order.index(threshold):
            return worst(checklist, known)
        return no_info[0]
    return worst(checklist, known)
