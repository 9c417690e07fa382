"""The codebook: codes with definitions arranged code → descriptive theme → analytical theme.

Thematic synthesis works bottom up: codes close to the studies' words are grouped into
descriptive themes (concepts), and those into analytical themes. Reviewers reshape the
hierarchy all the time, so every edit here is a pure function from one :class:`Codebook` to the
next that refuses what would break it: a cycle, a theme filed under a lower level, or two
siblings of one name (which a CSV naming codes by path could not tell apart).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sysreview.errors import InvalidInput, NotFound

LEVELS = ("code", "descriptive", "analytical")
LEVEL_LABELS = {
    "code": "Code",
    "descriptive": "Descriptive theme (concept)",
    "analytical": "Analytical theme",
}
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class Code:
    """One node of the codebook. ``level`` is code, descriptive or analytical; ``parent`` is
    the id of the node it is filed under (None: top level)."""

    id: int
    name: str
    level: str = "code"
    parent: int | None = None
    definition: str = ""


@dataclass(frozen=True)
class Codebook:
    """The review's codes by id. Build one with :func:`codebook`, which validates it."""

    codes: Mapping[int, Code]

    def get(self, code_id: int) -> Code:
        if code_id not in self.codes:
            raise NotFound(f"the codebook has no code {code_id}")
        return self.codes[code_id]

    def children(self, code_id: int | None) -> list[Code]:
        return sorted(
            (c for c in self.codes.values() if c.parent == code_id), key=lambda c: c.name.lower()
        )

    def descendants(self, code_id: int) -> set[int]:
        """Every node filed under ``code_id``, however deep (not the node itself)."""
        found: set[int] = set()
        todo = [code_id]
        while todo:
            for child in self.children(todo.pop()):
                if child.id not in found:
                    found.add(child.id)
                    todo.append(child.id)
        return found

    def path(self, code_id: int) -> str:
        """The node's names from the top, e.g. ``Sense of community > cohesive peer groups``."""
        names: list[str] = []
        current: int | None = code_id
        while current is not None:
            code = self.get(current)
            names.append(code.name)
            current = code.parent
        return PATH_SEPARATOR.join(reversed(names))

    def find(self, path: str) -> Code:
        """The node a path of names leads to; a bare name must be unique in the codebook."""
        names = [n.strip() for n in path.split(PATH_SEPARATOR.strip())]
        if len(names) == 1:
            matches = [c for c in self.codes.values() if c.name == names[0]]
            if len(matches) == 1:
                return matches[0]
            if matches:
                paths = ", ".join(sorted(self.path(c.id) for c in matches))
                raise InvalidInput(f"{names[0]!r} names several codes ({paths}): give the path")
            raise NotFound(f"the codebook has no code {names[0]!r}")
        parent: int | None = None
        for name in names:
            match = next((c for c in self.children(parent) if c.name == name), None)
            if match is None:
                raise NotFound(f"the codebook has no code {path!r}")
            parent = match.id
        assert parent is not None
        return self.get(parent)

    def walk(self) -> list[tuple[int, Code]]:
        """Every node with its depth, parents before children, siblings by name."""
        out: list[tuple[int, Code]] = []

        def visit(parent: int | None, depth: int) -> None:
            for child in self.children(parent):
                out.append((depth, child))
                visit(child.id, depth + 1)

        visit(None, 0)
        return out


def codebook(codes: Iterable[Code]) -> Codebook:
    """A validated codebook, or InvalidInput naming the first problem found."""
    by_id: dict[int, Code] = {}
    for code in codes:
        if code.id in by_id:
            raise InvalidInput(f"two codes have the id {code.id}")
        by_id[code.id] = code
    book = Codebook(by_id)
    for code in by_id.values():
        _check_code(book, code)
    return book


def _check_code(book: Codebook, code: Code) -> None:
    if not code.name.strip() or code.name != code.name.strip():
        raise InvalidInput(f"a code needs a name without surrounding spaces, not {code.name!r}")
    if PATH_SEPARATOR.strip() in code.name:
        raise InvalidInput(f"a code's name cannot contain {PATH_SEPARATOR.strip()!r}")
    if code.level not in LEVELS:
        raise InvalidInput(f"a code's level is one of {', '.join(LEVELS)}, not {code.level!r}")
    if code.parent is not None:
        if code.parent not in book.codes:
            raise NotFound(f"{code.name!r} is filed under a code that does not exist")
        parent = book.codes[code.parent]
        if LEVELS.index(parent.level) < LEVELS.index(code.level):
            raise InvalidInput(
                f"a {LEVEL_LABELS[code.level].lower()} cannot go under {parent.name!r}, "
                f"a {LEVEL_LABELS[parent.level].lower()}"
            )
        seen = {code.id}
        current: int | None = code.parent
        while current is not None:
            if current in seen:
                raise InvalidInput(f"moving {code.name!r} there would put it inside itself")
            seen.add(current)
            current = book.codes[current].parent
    twins = [
        c
        for c in book.codes.values()
        if c.parent == code.parent and c.name.lower() == code.name.lower() and c.id != code.id
    ]
    if twins:
        where = "at the top level" if code.parent is None else f"under {book.path(code.parent)!r}"
        raise InvalidInput(f"there is already a code named {code.name!r} {where}")


def _with(book: Codebook, changed: Iterable[Code], removed: Iterable[int] = ()) -> Codebook:
    codes = dict(book.codes)
    for gone in removed:
        codes.pop(gone, None)
    for code in changed:
        codes[code.id] = code
    return codebook(codes.values())


def add_code(book: Codebook, code: Code) -> Codebook:
    """The codebook with a new node (its id not yet used)."""
    if code.id in book.codes:
        raise InvalidInput(f"the codebook already has a code {code.id}")
    return _with(book, [code])


def rename_code(book: Codebook, code_id: int, name: str, definition: str | None = None) -> Codebook:
    """The codebook with a node renamed (and its definition changed when one is given)."""
    code = book.get(code_id)
    changed = replace(code, name=name.strip())
    if definition is not None:
        changed = replace(changed, definition=definition.strip())
    return _with(book, [changed])


def move_code(
    book: Codebook, code_id: int, parent: int | None, level: str | None = None
) -> Codebook:
    """The codebook with a node filed under ``parent`` (None: top level), optionally at a new
    level; its children move with it. Refused if it would create a cycle."""
    code = book.get(code_id)
    if parent is not None:
        book.get(parent)
    return _with(book, [replace(code, parent=parent, level=level or code.level)])


@dataclass(frozen=True)
class Merged:
    """The result of a merge: the new codebook and where each removed code's links now go."""

    codebook: Codebook
    relink: dict[int, int]


def merge_codes(book: Codebook, sources: Iterable[int], target: int) -> Merged:
    """Merge ``sources`` into ``target``: their excerpts and children go to the target and the
    sources disappear. A code cannot be merged into itself or into one of its descendants."""
    into = book.get(target)
    source_ids = sorted(set(sources))
    if not source_ids:
        raise InvalidInput("name at least one code to merge")
    for source in source_ids:
        code = book.get(source)
        if source == target:
            raise InvalidInput(f"{code.name!r} cannot be merged into itself")
        if target in book.descendants(source):
            raise InvalidInput(f"{code.name!r} cannot be merged into {into.name!r}, inside it")
    moved = [
        replace(child, parent=target)
        for source in source_ids
        for child in book.children(source)
        if child.id not in source_ids
    ]
    return Merged(_with(book, moved, source_ids), {s: target for s in source_ids})


def split_code(
    book: Codebook, code_id: int, new_id: int, name: str, definition: str = ""
) -> Codebook:
    """The codebook with a new node ``name`` beside ``code_id`` (same parent, same level); the
    caller then moves the chosen excerpts from the old code to the new one."""
    code = book.get(code_id)
    return add_code(book, Code(new_id, name.strip(), code.level, code.parent, definition.strip()))


def delete_code(book: Codebook, code_id: int) -> Codebook:
    """The codebook without an empty leaf; a node with children must be merged or emptied."""
    code = book.get(code_id)
    if book.children(code_id):
        raise InvalidInput(f"{code.name!r} has codes under it: move or merge them first")
    return _with(book, [], [code_id])
