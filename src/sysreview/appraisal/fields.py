"""Reading the parts of a checklist file: answers, items, rating bands, judgements, source.

Each reader takes located YAML nodes and returns model objects or raises ChecklistError at the
line of the problem; ``loading`` puts the parts together and checks them against each other.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

from sysreview.appraisal.model import Band, Checklist, Item, Level, Option, Source
from sysreview.appraisal.yamlnode import Fields, YNode

ITEM_FIELDS = ("id", "number", "text", "label", "help", "answers", "domain", "after")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Roles:
    """Which answers count for points, mean "not applicable", or mean "cannot tell"."""

    def __init__(self, counted: set[str], not_applicable: set[str], uncertain: set[str]) -> None:
        self.counted = counted
        self.not_applicable = not_applicable
        self.uncertain = uncertain

    @classmethod
    def read(cls, fields: Fields, *, scored: bool, base: Checklist | None = None) -> Roles:
        """The roles a file names; otherwise its base's, or those of the default answers."""
        options = [o for item in base.items for o in item.options] if base else []
        counted = {o.value for o in options if o.points > 0} if base else {"Yes"}
        scoring = fields.get("scoring")
        if scoring is not None:
            if not scored:
                raise scoring.error("a domain-based tool is judged by domain, not scored")
            spec = scoring.fields("scoring", ("count",))
            counted = set(spec.need("count").texts("scoring 'count'"))
            if not counted:
                raise spec.need("count").error("scoring 'count' must name at least one answer")
        not_applicable = _named(
            fields,
            "not_applicable",
            {o.value for o in options if o.not_applicable} if base else {"Not applicable"},
        )
        uncertain = _named(
            fields, "uncertain", {o.value for o in options if o.uncertain} if base else {"Unclear"}
        )
        return cls(counted, not_applicable, uncertain)

    def check_used(self, fields: Fields, options: list[Option]) -> None:
        """Every answer a role names must be an answer somewhere: a typo is an error."""
        values = {o.value for o in options}
        for name, wanted in (
            ("scoring", self.counted),
            ("not_applicable", self.not_applicable),
            ("uncertain", self.uncertain),
        ):
            node = fields.get(name)
            unknown = sorted(wanted - values)
            if node is not None and unknown:
                raise node.error(f"'{name}' names {', '.join(unknown)}, which no item allows")


def _named(fields: Fields, name: str, default: set[str]) -> set[str]:
    node = fields.get(name)
    return set(node.texts(f"'{name}'")) if node is not None else default


def read_options(node: YNode, what: str, roles: Roles) -> tuple[Option, ...]:
    """Allowed answers: plain texts, or mappings with a value, a longer text and points."""
    options: list[Option] = []
    for entry in node.items(what):
        if entry.is_scalar:
            value, text, points = entry.text(f"{what} entry"), "", None
        else:
            spec = entry.fields(f"{what} entry", ("value", "text", "points"))
            value, text = spec.text("value"), spec.text("text", "")
            points = spec.need("points").integer("points") if "points" in spec else None
            if points is not None and points < 0:
                raise spec.need("points").error("points must not be negative")
        if any(o.value == value for o in options):
            raise entry.error(f"answer '{value}' is listed twice")
        options.append(
            Option(
                value=value,
                text=text,
                points=(1 if value in roles.counted else 0) if points is None else points,
                not_applicable=value in roles.not_applicable,
                uncertain=value in roles.uncertain,
            )
        )
    if not options:
        raise node.error(f"{what} must list at least one answer")
    return tuple(options)


def read_item(
    node: YNode, defaults: tuple[Option, ...], roles: Roles, *, added: bool = False
) -> Item:
    """One item; an item a derived file adds may say ``after`` and needs no number."""
    spec = node.fields("added item" if added else "item", ITEM_FIELDS)
    if "after" in spec and not added:
        raise spec.need("after").error("'after' is only for items a derived checklist adds")
    if "number" in spec and added:
        raise spec.need("number").error("an added item is numbered by its place: use 'after'")
    answers = spec.get("answers")
    return Item(
        id=spec.text("id"),
        number=0 if added else spec.need("number").integer("item number"),
        text=spec.text("text"),
        options=read_options(answers, "item answers", roles) if answers else defaults,
        label=spec.text("label", ""),
        help=spec.text("help", ""),
        domain=spec.text("domain", "") or None,
        line=node.line,
    )


def renumber(items: list[Item]) -> list[Item]:
    return [replace(item, number=n) for n, item in enumerate(items, start=1)]


def read_source(node: YNode) -> Source:
    spec = node.fields("source", ("citation", "url", "verified", "note"))
    verified = spec.need("verified").boolean("source verified") if "verified" in spec else False
    return Source(spec.text("citation"), spec.text("url"), verified, spec.text("note", ""))


def read_bands(node: YNode) -> tuple[Band, ...]:
    """Rating bands, highest first, the last starting at 0 so that every score is rated."""
    bands: list[Band] = []
    for entry in node.items("'ratings'"):
        spec = entry.fields("rating band", ("label", "at_least"))
        label = spec.text("label")
        threshold = read_fraction(spec.need("at_least"))
        if any(b.label == label for b in bands):
            raise entry.error(f"rating '{label}' is listed twice")
        if bands and threshold >= bands[-1].at_least:
            raise entry.error(
                f"rating bands go from the highest threshold down: '{label}' must start "
                f"below '{bands[-1].label}'"
            )
        bands.append(Band(label, threshold, entry.line))
    if not bands or bands[-1].at_least != 0:
        raise node.error("the last rating band must start at 0, so that every score is rated")
    return tuple(bands)


def read_fraction(node: YNode) -> Fraction:
    """A band threshold written as 6/8, 75% or 0.75: a share of the possible points."""
    raw = node.text("at_least")
    try:
        if raw.endswith("%"):
            value = Fraction(raw[:-1].strip()) / 100
        elif "/" in raw:
            top, _, bottom = raw.partition("/")
            value = Fraction(int(top.strip()), int(bottom.strip()))
        else:
            value = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise node.error(f"at_least must read like 6/8, 75% or 0.75, not '{raw}'") from None
    if not 0 <= value <= 1:
        raise node.error(f"at_least must lie between 0 and 1 (0% and 100%), not '{raw}'")
    return value


def read_levels(node: YNode) -> tuple[Level, ...]:
    """A domain-based tool's judgement scale, best first, with robvis colours and symbols."""
    levels: list[Level] = []
    for entry in node.items("'judgements'"):
        spec = entry.fields("judgement", ("label", "symbol", "colour", "no_information"))
        colour = spec.text("colour", "#cccccc")
        if not _COLOUR.match(colour):
            raise spec.need("colour").error(f"colour must read like #02C100, not '{colour}'")
        flag = spec.get("no_information")
        label = spec.text("label")
        if any(lv.label == label for lv in levels):
            raise entry.error(f"judgement '{label}' is listed twice")
        levels.append(
            Level(
                label=label,
                symbol=spec.text("symbol", ""),
                colour=colour,
                no_information=flag.boolean("no_information") if flag else False,
            )
        )
    if not levels:
        raise node.error("'judgements' must list at least one judgement")
    return tuple(levels)
