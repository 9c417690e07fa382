"""robvis-style traffic-light and summary plots, as deterministic SVG text.

The same answers always give byte-identical SVG (fixed layout, fixed number format, no ids or
dates), so plots can be compared in tests and kept under version control. The SVG is built with
ElementTree, which escapes every study name and item text; characters XML cannot hold are
dropped. Colours and symbols follow robvis's "cochrane" palette.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sysreview.appraisal.model import Checklist, Item, Option
from sysreview.appraisal.scoring import Answer, validate_answers
from sysreview.appraisal.tables import judgement_table

LOW, CONCERNS, HIGH, NOT_APPLICABLE = "#02C100", "#E2DF07", "#BF0000", "#cccccc"
CELL, RADIUS, MARGIN, CHAR = 36, 14, 12, 6.6
BAR_WIDTH, BAR_HEIGHT, ROW = 400, 22, 32
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Mark:
    """How one answer or judgement is drawn: its label, fill colour and symbol."""

    label: str
    colour: str
    symbol: str


@dataclass(frozen=True)
class Grid:
    """What both plots draw: columns (heading, full name), studies' marks, and the key."""

    title: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, tuple[Mark, ...]], ...]
    key: tuple[Mark, ...]


def traffic_light_svg(
    checklist: Checklist,
    answers_by_study: Mapping[str, Iterable[Answer]],
    judgements_by_study: Mapping[str, Mapping[str, str]] | None = None,
    *,
    title: str | None = None,
) -> str:
    """A study × domain (or item) grid of coloured marks, with the domain names and a key."""
    grid = _grid(checklist, answers_by_study, judgements_by_study, title)
    name_width = max([_width(study) for study, _ in grid.rows] + [60]) + MARGIN
    top = MARGIN + 28 + CELL
    legend = [f"{heading}: {name}" for heading, name in grid.columns if heading != name]
    width = max(
        name_width + CELL * len(grid.columns) + 2 * MARGIN,
        max(_width(text) for text in legend) + 2 * MARGIN,
        (len(grid.key) * 150) + 2 * MARGIN,
        _width(grid.title) * 1.25 + 2 * MARGIN,
    )
    legend_top = top + CELL * len(grid.rows) + 24
    height = legend_top + 18 * len(legend) + 56
    svg = _svg(width, height, grid.title)
    _text(svg, MARGIN, MARGIN + 16, grid.title, size=15, bold=True)
    for n, (heading, _) in enumerate(grid.columns):
        x = MARGIN + name_width + CELL * n + CELL / 2
        _text(svg, x, top - 12, heading, size=12, bold=True, anchor="middle")
    for r, (study, marks) in enumerate(grid.rows):
        y = top + CELL * r
        _rect(
            svg, MARGIN, y, name_width + CELL * len(marks), CELL, "#ffffff" if r % 2 else "#f2f2f2"
        )
        _text(svg, MARGIN + 4, y + CELL / 2 + 4, study, size=12)
        for n, mark in enumerate(marks):
            _mark(svg, MARGIN + name_width + CELL * n + CELL / 2, y + CELL / 2, mark)
    for n, text in enumerate(legend):
        _text(svg, MARGIN, legend_top + 18 * n, text, size=11)
    key_top = legend_top + 18 * len(legend) + 22
    for n, mark in enumerate(grid.key):
        x = MARGIN + 150 * n
        _mark(svg, x + RADIUS, key_top, mark)
        _text(svg, x + 2 * RADIUS + 6, key_top + 4, mark.label, size=11)
    return _serialise(svg)


def summary_svg(
    checklist: Checklist,
    answers_by_study: Mapping[str, Iterable[Answer]],
    judgements_by_study: Mapping[str, Mapping[str, str]] | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    title: str | None = None,
) -> str:
    """One 100 % bar per domain (or item): the share of studies at each judgement."""
    grid = _grid(checklist, answers_by_study, judgements_by_study, title)
    label_width = max([_width(name) for _, name in grid.columns] + [60]) + MARGIN
    width = label_width + BAR_WIDTH + 3 * MARGIN
    top = MARGIN + 34
    axis = top + ROW * len(grid.columns)
    height = axis + 70
    width = max(width, len(grid.key) * 150 + 2 * MARGIN, _width(grid.title) * 1.25 + 2 * MARGIN)
    svg = _svg(width, height, grid.title)
    _text(svg, MARGIN, MARGIN + 16, grid.title, size=15, bold=True)
    x0 = MARGIN + label_width
    for n, (heading, name) in enumerate(grid.columns):
        y = top + ROW * n
        _text(svg, x0 - 8, y + BAR_HEIGHT / 2 + 4, name, size=11, anchor="end",
              bold=heading == "Overall")  # fmt: skip
        shares = _shares(grid, n, weights or {})
        x = float(x0)
        for mark in grid.key:
            part = BAR_WIDTH * shares.get(mark.label, 0.0)
            if part > 0:
                _rect(svg, x, y, part, BAR_HEIGHT, mark.colour, stroke="#000000")
                x += part
    for tick in range(5):
        x = x0 + BAR_WIDTH * tick / 4
        ET.SubElement(svg, "line", x1=_n(x), y1=_n(axis - 4), x2=_n(x), y2=_n(axis + 2),
                      stroke="#000000")  # fmt: skip
        _text(svg, x, axis + 16, f"{25 * tick}%", size=10, anchor="middle")
    ET.SubElement(svg, "line", x1=_n(x0), y1=_n(axis - 4), x2=_n(x0 + BAR_WIDTH),
                  y2=_n(axis - 4), stroke="#000000")  # fmt: skip
    for n, mark in enumerate(grid.key):
        x = MARGIN + 150 * n
        _rect(svg, x, axis + 32, 14, 14, mark.colour, stroke="#000000")
        _text(svg, x + 20, axis + 44, mark.label, size=11)
    return _serialise(svg)


def _shares(grid: Grid, column: int, weights: Mapping[str, float]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for study, marks in grid.rows:
        weight = float(weights.get(study, 1.0))
        totals[marks[column].label] = totals.get(marks[column].label, 0.0) + weight
    whole = sum(totals.values())
    return {label: value / whole for label, value in totals.items()} if whole else {}


def _grid(
    checklist: Checklist,
    answers_by_study: Mapping[str, Iterable[Answer]],
    judgements_by_study: Mapping[str, Mapping[str, str]] | None,
    title: str | None,
) -> Grid:
    heading = title if title is not None else f"{checklist.name} (version {checklist.version})"
    if checklist.kind == "domain-based":
        table = judgement_table(checklist, answers_by_study, judgements_by_study)
        marks = {lv.label: Mark(lv.label, lv.colour, lv.symbol) for lv in checklist.levels}
        columns = tuple((d.heading, d.name) for d in checklist.domains) + (("Overall", "Overall"),)
        rows = tuple(
            (r.study, tuple(marks[label] for _, label in r.domains) + (marks[r.overall],))
            for r in table.rows
        )
        return Grid(heading, columns, rows, tuple(marks.values()))
    drawn: dict[str, Mark] = {}
    grid_rows = []
    by_value = all(item.options == checklist.default_options for item in checklist.items)
    for study, answers in answers_by_study.items():
        given = validate_answers(checklist, answers, study=study)
        cells = []
        for item in checklist.items:
            option = item.option(given[item.id].value)
            assert option is not None
            mark = _option_mark(item, option, by_value)
            drawn.setdefault(mark.label, mark)
            cells.append(mark)
        grid_rows.append((study, tuple(cells)))
    columns = tuple((str(item.number), item.short) for item in checklist.items)
    return Grid(heading, columns, tuple(grid_rows), _key_order(drawn))


def _option_mark(item: Item, option: Option, by_value: bool) -> Mark:
    """Full points green "+", part points or "cannot tell" yellow, none red "X", N/A grey.

    The key names the answers themselves when every item shares them (Yes, No, Unclear …);
    when items have their own options (the Newcastle-Ottawa scale's a, b, c …) it names what
    the answer earned.
    """

    def mark(name: str, colour: str, symbol: str) -> Mark:
        return Mark(option.value if by_value else name, colour, symbol)

    if option.not_applicable:
        return mark("Not applicable", NOT_APPLICABLE, "")
    if option.uncertain:
        return mark("Cannot tell", CONCERNS, "?")
    if item.max_points and option.points == item.max_points:
        return mark("Full points", LOW, "+")
    if option.points > 0:
        return mark("Part of the points", CONCERNS, "-")
    return mark("No points", HIGH, "X")


def _key_order(drawn: Mapping[str, Mark]) -> tuple[Mark, ...]:
    rank = {LOW: 0, CONCERNS: 1, HIGH: 2, NOT_APPLICABLE: 3}
    return tuple(sorted(drawn.values(), key=lambda m: (rank[m.colour], m.symbol != "-")))


def _svg(width: float, height: float, title: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=_n(width),
        height=_n(height),
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        role="img",
    )
    svg.set("font-family", "Arial, Helvetica, sans-serif")
    ET.SubElement(svg, "title").text = _clean(title)
    _rect(svg, 0, 0, width, height, "#ffffff")
    return svg


def _mark(svg: ET.Element, cx: float, cy: float, mark: Mark) -> None:
    ET.SubElement(svg, "circle", cx=_n(cx), cy=_n(cy), r=_n(RADIUS), fill=mark.colour,
                  stroke="#000000")  # fmt: skip
    if mark.symbol:
        _text(svg, cx, cy + 5, mark.symbol, size=14, bold=True, anchor="middle")


def _rect(
    svg: ET.Element, x: float, y: float, w: float, h: float, fill: str, stroke: str = "none"
) -> None:
    ET.SubElement(svg, "rect", x=_n(x), y=_n(y), width=_n(w), height=_n(h), fill=fill,
                  stroke=stroke)  # fmt: skip


def _text(
    svg: ET.Element,
    x: float,
    y: float,
    content: str,
    *,
    size: int,
    bold: bool = False,
    anchor: str = "start",
) -> None:
    element = ET.SubElement(svg, "text", x=_n(x), y=_n(y))
    element.set("font-size", str(size))
    if bold:
        element.set("font-weight", "bold")
    if anchor != "start":
        element.set("text-anchor", anchor)
    element.text = _clean(content)


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", text)


def _width(text: str) -> float:
    """An estimate of a text's width at 11–12 px, good enough for a fixed layout."""
    return len(text) * CHAR


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: stable across runs."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _serialise(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode") + "\n"
