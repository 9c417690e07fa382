"""Reading a hand-edited YAML file while keeping the line of every value.

Checklist files are edited by reviewers, so every problem must be reported at its line. Values
are read from the composed node tree, as the raw text the reviewer typed: ``Yes`` stays the
answer "Yes" (not YAML 1.1's boolean true) and an item id ``1.10`` stays "1.10" (not a float).
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from sysreview.appraisal.model import ChecklistError

_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off")


class YNode:
    """A YAML node that knows its file and line and raises ChecklistError there."""

    def __init__(self, node: yaml.Node, file: str) -> None:
        self.node = node
        self.file = file

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ChecklistError:
        return ChecklistError(message, file=self.file, line=self.line)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode)

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    def fields(self, what: str, allowed: tuple[str, ...]) -> Fields:
        """This node as a mapping whose keys are all in ``allowed`` and none repeated."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"{what} must be a mapping of fields")
        found: dict[str, YNode] = {}
        for key_node, value_node in self.node.value:
            key = YNode(key_node, self.file)
            if not isinstance(key_node, yaml.ScalarNode):
                raise key.error(f"{what}: a field name must be plain text")
            name = str(key_node.value)
            if name in found:
                raise key.error(f"{what}: field '{name}' is given twice")
            if name not in allowed:
                raise key.error(f"{what}: unknown field '{name}' (allowed: {', '.join(allowed)})")
            found[name] = YNode(value_node, self.file)
        return Fields(self, what, found)

    def items(self, what: str) -> list[YNode]:
        """This node as a list."""
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error(f"{what} must be a list")
        return [YNode(child, self.file) for child in self.node.value]

    def text(self, what: str, *, allow_empty: bool = False) -> str:
        """This node as the text the reviewer typed, whitespace-trimmed."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"{what} must be text, not a list or mapping")
        value = str(self.node.value).strip()
        if self.node.tag == "tag:yaml.org,2002:null" and self.node.style is None:
            value = ""
        if not value and not allow_empty:
            raise self.error(f"{what} must not be empty")
        return value

    def texts(self, what: str) -> list[str]:
        """A list of non-empty texts (a single text is taken as a list of one)."""
        if self.is_scalar:
            return [self.text(what)]
        return [child.text(f"{what} entry") for child in self.items(what)]

    def integer(self, what: str) -> int:
        raw = self.text(what)
        try:
            return int(raw)
        except ValueError:
            raise self.error(f"{what} must be a whole number, not '{raw}'") from None

    def boolean(self, what: str) -> bool:
        raw = self.text(what).casefold()
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise self.error(f"{what} must be true or false, not '{raw}'")


class Fields:
    """The fields of one mapping, read by name; a missing required one is reported at the map."""

    def __init__(self, owner: YNode, what: str, found: dict[str, YNode]) -> None:
        self.owner = owner
        self.what = what
        self.found = found

    def __contains__(self, name: str) -> bool:
        return name in self.found

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def get(self, name: str) -> YNode | None:
        return self.found.get(name)

    def need(self, name: str) -> YNode:
        node = self.found.get(name)
        if node is None:
            raise self.owner.error(f"{self.what}: missing field '{name}'")
        return node

    def text(self, name: str, default: str | None = None) -> str:
        node = self.found.get(name)
        if node is None:
            if default is None:
                raise self.owner.error(f"{self.what}: missing field '{name}'")
            return default
        return node.text(f"{self.what} '{name}'", allow_empty=default is not None)


def compose(text: str, file: str) -> YNode:
    """The document's root node, or ChecklistError at the line where the YAML breaks."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(f"not valid YAML: {problem}", file=file, line=line) from None
    if root is None:
        raise ChecklistError("the file is empty", file=file, line=1)
    return YNode(root, file)
