"""What a checklist is, as plain frozen data: items, allowed answers, rating bands, domains.

Checklists are data files (``checklists/*.yaml``) that reviewers read and edit; this module only
says what a loaded one looks like, so that scoring, judgement algorithms, tables and plots all
work from the same objects and none of them reads YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from sysreview.errors import ProtocolError

Kind = Literal["checklist", "domain-based"]
KINDS: tuple[str, ...] = ("checklist", "domain-based")


class ChecklistError(ProtocolError):
    """A checklist file that cannot be used: names the file and the line of the first problem.

    A subclass of ProtocolError because a checklist is part of the review's configuration, so the
    CLI and the web turn it into the same exit and status codes as a bad protocol file.
    """


@dataclass(frozen=True)
class Option:
    """One allowed answer to an item: its value, a longer wording and what it is worth.

    ``not_applicable`` answers take the item out of the score's denominator; ``uncertain`` ones
    ("Unclear", "Can't tell", "No information") are drawn apart from plain "No" in plots.
    """

    value: str
    text: str = ""
    points: int = 0
    not_applicable: bool = False
    uncertain: bool = False

    def matches(self, given: str) -> bool:
        """Whether a reviewer's typed answer means this option (case and spacing ignored)."""
        wanted = " ".join(given.split()).casefold()
        return wanted in (self.value.casefold(), " ".join(self.text.split()).casefold())


@dataclass(frozen=True)
class Item:
    """One question of a checklist (or one signalling question of a domain-based tool)."""

    id: str
    number: int
    text: str
    options: tuple[Option, ...]
    label: str = ""
    help: str = ""
    domain: str | None = None
    line: int | None = None

    @property
    def short(self) -> str:
        """The column header: the item's short label, or its full wording when it has none."""
        return self.label or self.text

    @property
    def max_points(self) -> int:
        """The most an applicable answer to this item can earn."""
        return max((o.points for o in self.options if not o.not_applicable), default=0)

    def option(self, given: str) -> Option | None:
        """The allowed option a typed answer means, or None when it is not allowed."""
        return next((o for o in self.options if o.matches(given)), None)


@dataclass(frozen=True)
class Band:
    """A rating band: scores at or above ``at_least`` (a fraction of the possible points)."""

    label: str
    at_least: Fraction
    line: int | None = None


@dataclass(frozen=True)
class Level:
    """One judgement on a domain-based tool's scale (Low, Some concerns, High …), best first."""

    label: str
    symbol: str = ""
    colour: str = "#cccccc"
    no_information: bool = False


@dataclass(frozen=True)
class Branch:
    """One way out of an algorithm node: if the asked answers match, go to ``then``.

    ``match`` is "all" (every asked question answered within ``answers``), "any" (at least one)
    or "otherwise" (always); ``then`` names another node or a judgement.
    """

    match: Literal["all", "any", "otherwise"]
    answers: frozenset[str]
    then: str
    line: int | None = None


@dataclass(frozen=True)
class Node:
    """A step of a judgement algorithm: the questions it looks at and where each answer leads."""

    name: str
    ask: tuple[str, ...]
    branches: tuple[Branch, ...]
    line: int | None = None


@dataclass(frozen=True)
class Tree:
    """A decision tree drawn from a tool's published flow chart, from ``start`` to judgements."""

    start: str
    nodes: dict[str, Node]


@dataclass(frozen=True)
class Algorithm:
    """How a domain's judgement is proposed: one tree, or several parts combined by the worst."""

    parts: tuple[Tree, ...]
    combine: Literal["worst"] = "worst"


@dataclass(frozen=True)
class Domain:
    """A group of items: a risk-of-bias domain (with its algorithm) or a checklist section."""

    id: str
    name: str
    short: str = ""
    algorithm: Algorithm | None = None

    @property
    def heading(self) -> str:
        return self.short or self.id


@dataclass(frozen=True)
class Source:
    """Where the tool's wording comes from, and whether it was checked against the original."""

    citation: str
    url: str
    verified: bool = False
    note: str = ""


@dataclass(frozen=True)
class Checklist:
    """A loaded checklist or domain-based tool; ``reference`` ("id@version") names it in reports."""

    id: str
    name: str
    version: str
    kind: Kind
    source: Source
    items: tuple[Item, ...]
    default_options: tuple[Option, ...]
    ratings: tuple[Band, ...] = ()
    domains: tuple[Domain, ...] = ()
    levels: tuple[Level, ...] = ()
    no_information_below: str | None = None
    robvis_tool: str = "Generic"
    derived_from: str | None = None
    path: str | None = None
    _by_id: dict[str, Item] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({item.id: item for item in self.items})

    @property
    def reference(self) -> str:
        """The "id@version" a report cites and a derived checklist names as its base."""
        return f"{self.id}@{self.version}"

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)

    def items_of(self, domain_id: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.domain == domain_id)

    def level(self, label: str) -> Level | None:
        wanted = " ".join(label.split()).casefold()
        return next((lv for lv in self.levels if lv.label.casefold() == wanted), None)
