"""The PRISMA 2020 flow diagram as a deterministic SVG.

The same counts give the same bytes: positions come from :mod:`prisma_layout`, numbers are
written with at most two decimals, and the XML is built with ElementTree, which also escapes
every piece of text (reason and database names are the reviewers' own). Everything is black on
white or light grey; what colour says in the PRISMA templates (the optional grey columns, a
count entered by hand) is said with line style and a footnote instead, so the figure reads in
greyscale.

The footnotes are the PRISMA 2020 statement's, verbatim (Page et al. BMJ 2021;372:n71).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from sysreview.errors import InvalidInput
from sysreview.reporting.prisma import ALL_KEYS, PrismaCounts
from sysreview.reporting.prisma_check import InconsistentCounts, check
from sysreview.reporting.prisma_layout import (
    BAND_FONT,
    BAND_W,
    BANDS,
    BLACK,
    BOX_W,
    ENTERED_SIGN,
    FONT,
    FONT_FAMILY,
    FOOT_FONT,
    FOOT_LINE,
    GREY,
    HEADER_GAP,
    INDENT,
    LIGHT,
    LIGHTER,
    LINE,
    MARGIN,
    PAD,
    TITLE_FONT,
    WHITE,
    Box,
    columns,
    headers,
    place,
    wrap,
)

FOOTNOTE_RECORDS = (
    "*Consider, if feasible to do so, reporting the number of records identified from each "
    "database or register searched (rather than the total number across all "
    "databases/registers)."
)
FOOTNOTE_AUTOMATION = (
    "**If automation tools were used, indicate how many records were excluded by a human and "
    "how many were excluded by automation tools."
)
FOOTNOTE_ENTERED = (
    f"{ENTERED_SIGN}Count entered by hand, not computed from the review's records "
    "(boxes holding one have a dashed border)."
)


def _num(value: float) -> str:
    """Coordinates with at most two decimals, so output bytes never depend on float noise."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _el(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    node = ET.SubElement(
        parent,
        tag,
        {
            k.rstrip("_").replace("_", "-"): _num(v) if isinstance(v, float) else str(v)
            for k, v in attrs.items()
        },
    )
    if text is not None:
        node.text = text
    return node


def _lines(
    parent: ET.Element,
    lines: Sequence[tuple[str, float]],
    x: float,
    y: float,
    size: float = FONT,
    step: float = LINE,
    **attrs: object,
) -> None:
    """One <text> per line: wrapping is ours, never the renderer's, so every viewer agrees."""
    if size != FONT:
        attrs = {"font_size": size, **attrs}
    for i, (text, dx) in enumerate(lines):
        _el(parent, "text", text, x=x + dx, y=y + size * 0.8 + i * step, **attrs)


def _arrow(parent: ET.Element, points: list[tuple[float, float]]) -> None:
    """A line with a filled head drawn as a polygon (markers render unevenly across tools)."""
    (x1, y1), (x2, y2) = points[-2], points[-1]
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-9)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    head, half = 8.0, 4.0
    bx, by = x2 - ux * head, y2 - uy * head
    path = [*points[:-1], (bx, by)]
    _el(
        parent,
        "polyline",
        points=" ".join(f"{_num(px)},{_num(py)}" for px, py in path),
        fill="none",
        stroke=BLACK,
        stroke_width=1.2,
    )
    tip = [(x2, y2), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    _el(parent, "polygon", points=" ".join(f"{_num(px)},{_num(py)}" for px, py in tip), fill=BLACK)


def _safe_links(links: Mapping[str, str] | None) -> dict[str, str]:
    """Links by count key; only web or relative addresses, never ``javascript:`` and the like."""
    checked: dict[str, str] = {}
    for key, url in (links or {}).items():
        if key not in ALL_KEYS:
            raise InvalidInput(f"links: {key!r} is not a PRISMA count")
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("", "http", "https"):
            raise InvalidInput(f"links: {url!r} is not an http(s) or relative address")
        checked[key] = url
    return checked


def render_svg(
    counts: PrismaCounts, *, links: Mapping[str, str] | None = None, title: str | None = None
) -> str:
    """The PRISMA 2020 flow diagram for ``counts``; the same counts give the same bytes.

    Counts that break a PRISMA rule raise :class:`InconsistentCounts` naming each box and why,
    rather than drawing a diagram that would mislead. ``links`` (count key → URL) wraps the box
    showing that count in ``<a>`` so an interactive page can open its records; every box also
    carries a ``<title>`` with its full text, which viewers show on hover.
    """
    problems = check(counts)
    if problems:
        raise InconsistentCounts(problems)
    hrefs = _safe_links(links)
    xs = columns(counts)
    width = max(xs.values()) + BOX_W + MARGIN
    inner = width - 2 * MARGIN
    title_lines = wrap(title, inner, TITLE_FONT, bold=True) if title else []
    y = MARGIN + (len(title_lines) * (TITLE_FONT + 4) + 8 if title_lines else 0)
    heads = [
        (wrap(text, w - 2 * PAD, FONT, bold=True), text, x, w, grey)
        for text, x, w, grey in headers(counts, xs)
    ]
    head_h = 2 * PAD + (max(len(h[0]) for h in heads) - 1) * LINE + FONT
    lay, rows = place(counts, y + head_h + HEADER_GAP)
    last_row = max(rows)
    notes = [FOOTNOTE_RECORDS, FOOTNOTE_AUTOMATION]
    if counts.entered:
        notes.append(FOOTNOTE_ENTERED)
    note_lines = [line for note in notes for line in wrap(note, inner, FOOT_FONT)]
    notes_y = rows[last_row][0] + rows[last_row][1] + 20
    height = notes_y + len(note_lines) * FOOT_LINE + MARGIN

    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": _num(width),
            "height": _num(height),
            "viewBox": f"0 0 {_num(width)} {_num(height)}",
            "role": "img",
            "aria-labelledby": "prisma-title",
            "font-family": FONT_FAMILY,
            "font-size": _num(FONT),
            "fill": BLACK,
        },
    )
    _el(svg, "title", title or "PRISMA 2020 flow diagram", id="prisma-title")
    _el(svg, "rect", x=0, y=0, width=width, height=height, fill=WHITE)
    if title_lines:
        _lines(
            svg,
            [(t, 0.0) for t in title_lines],
            width / 2,
            MARGIN,
            TITLE_FONT,
            TITLE_FONT + 4,
            font_weight="bold",
            text_anchor="middle",
        )
    _draw_headers(svg, heads, y, head_h)
    _draw_bands(svg, rows)
    for (_, col), box in sorted(lay.cells.items()):
        _draw_box(svg, box, col, hrefs)
    arrows = _el(svg, "g", class_="arrows")
    for points in lay.arrows:
        _arrow(arrows, points)
    notes_g = _el(svg, "g", class_="footnotes")
    _lines(notes_g, [(t, 0.0) for t in note_lines], MARGIN, notes_y, FOOT_FONT, FOOT_LINE)
    ET.indent(svg, space="  ")
    return ET.tostring(svg, encoding="unicode") + "\n"


def _draw_headers(
    svg: ET.Element,
    heads: list[tuple[list[str], str, float, float, bool]],
    y: float,
    head_h: float,
) -> None:
    """Column headers: databases and registers in grey, the optional columns lighter."""
    for lines, text, x, w, grey in heads:
        g = _el(svg, "g", class_="header")
        _el(g, "title", text)
        _el(
            g,
            "rect",
            x=x,
            y=y,
            width=w,
            height=head_h,
            rx=6,
            fill=LIGHTER if grey else LIGHT,
            stroke=GREY if grey else BLACK,
        )
        top = y + (head_h - (len(lines) - 1) * LINE - FONT) / 2
        _lines(
            g, [(t, 0.0) for t in lines], x + w / 2, top, font_weight="bold", text_anchor="middle"
        )


def _draw_bands(svg: ET.Element, rows: Mapping[int, tuple[float, float]]) -> None:
    """The side bands (Identification, Screening, Included), each spanning its rows."""
    last_row = max(rows)
    for name, first, end in BANDS:
        if first > last_row:
            continue
        top, bottom = rows[first][0], rows[min(end, last_row)][0] + rows[min(end, last_row)][1]
        g = _el(svg, "g", class_="band")
        _el(
            g,
            "rect",
            x=MARGIN,
            y=top,
            width=BAND_W,
            height=bottom - top,
            rx=6,
            fill=LIGHT,
            stroke=BLACK,
        )
        cx, cy = MARGIN + BAND_W / 2, (top + bottom) / 2
        _el(
            g,
            "text",
            name,
            x=cx,
            y=cy + BAND_FONT * 0.35,
            font_size=BAND_FONT,
            font_weight="bold",
            text_anchor="middle",
            transform=f"rotate(-90 {_num(cx)} {_num(cy)})",
        )


def _draw_box(svg: ET.Element, box: Box, col: str, hrefs: Mapping[str, str]) -> None:
    href = next((hrefs[k] for k in box.keys if k in hrefs), None)
    parent = _el(svg, "a", href=href) if href else svg
    classes = "box entered" if box.entered else "box"
    g = _el(
        parent,
        "g",
        id=f"box-{box.keys[0]}",
        class_=classes,
        data_keys=" ".join(box.keys),
        data_column=col,
    )
    _el(g, "title", "\n".join(text for text, _ in box.lines))
    style: dict[str, object] = {"stroke": GREY if box.grey else BLACK, "stroke_width": 1.2}
    if box.entered:
        style["stroke_dasharray"] = "5 3"
    _el(g, "rect", x=box.x, y=box.y, width=BOX_W, height=box.h, fill=WHITE, **style)
    _lines(g, [(t, indent * INDENT) for t, indent in box.wrapped], box.x + PAD, box.y + PAD)


__all__ = [
    "FOOTNOTE_AUTOMATION",
    "FOOTNOTE_ENTERED",
    "FOOTNOTE_RECORDS",
    "render_svg",
]
