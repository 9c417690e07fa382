"""The fixed geometry of the PRISMA 2020 flow diagram: boxes, their text, rows and arrows.

A fixed template, not a graph layout engine: journals expect the PRISMA 2020 figure's own
shape (side bands, columns, boxes in flow order), and fixed positions with deterministic text
wrapping give the same diagram for the same counts on every machine. Text is measured with
Helvetica/Arial advance widths and wrapped with a margin wide enough for DejaVu Sans, the font
Debian falls back to, so no renderer needs to wrap or can overflow a box.

Rows: 0 identification, 1 screening, 2 retrieval, 3 eligibility, 4 included, 5 meta-analysis.
Columns: ``prev`` (updated reviews), ``dbr``/``dbr_side`` (databases and registers and their
exclusion boxes), ``oth``/``oth_side`` (other methods). Labels are PRISMA 2020's, verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from sysreview.reporting.prisma import PrismaCounts, fmt

ENTERED_SIGN = "\u2020"
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT, LINE, PAD, INDENT = 12.0, 15.0, 8.0, 12.0
BOX_W, GAP_X, COL_GAP, ROW_GAP = 250.0, 46.0, 40.0, 30.0
BAND_W, MARGIN, HEADER_GAP = 30.0, 16.0, 18.0
FOOT_FONT, FOOT_LINE = 10.5, 13.5
BAND_FONT, TITLE_FONT = 13.0, 16.0
FIT = 0.88  # wrap to this share of the room: DejaVu Sans runs ~10% wider than Arial
BLACK, GREY, LIGHT, LIGHTER, WHITE = "#000000", "#595959", "#d9d9d9", "#f2f2f2", "#ffffff"

# Helvetica advance widths (1/1000 em) for ASCII 32..126, the metrics Arial shares.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated advance width of ``text`` in px; wide (CJK) characters count a full em."""
    units = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code <= 126:
            units += _ASCII_WIDTHS[code - 32]
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            units += 1000
        else:
            units += 600
    return units * size / 1000 * (1.08 if bold else 1.0)


# A count "(n = 1,234)" and its mark stay together on one line.
_WORDS = re.compile(r"\(n = [^)]*\)\S*|\S+")


def wrap(text: str, width: float, size: float = FONT, *, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` px; a word too long for a line is cut between characters."""
    room = width * FIT
    lines: list[str] = []
    current = ""
    for word in _WORDS.findall(text):
        while len(word) > 1 and text_width(word, size, bold=bold) > room:
            cut = 1
            while cut < len(word) and text_width(word[: cut + 1], size, bold=bold) <= room:
                cut += 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold=bold) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return lines


@dataclass
class Box:
    """One box: its count keys (for links), its text lines (text, indent level) and place."""

    keys: tuple[str, ...]
    lines: list[tuple[str, int]]
    grey: bool = False
    entered: bool = False
    x: float = 0.0
    y: float = 0.0
    h: float = 0.0
    wrapped: list[tuple[str, int]] = field(default_factory=list)

    def measure(self) -> None:
        self.wrapped = [
            (part, indent)
            for text, indent in self.lines
            for part in wrap(text, BOX_W - 2 * PAD - indent * INDENT)
        ]
        self.h = 2 * PAD + (len(self.wrapped) - 1) * LINE + FONT

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


class BoxText:
    """Builds box lines, marking any count entered by hand."""

    def __init__(self, counts: PrismaCounts) -> None:
        self.c = counts

    def n(self, key: str, value: int | None = None) -> str:
        if value is None:
            raw = getattr(self.c, key)
            value = raw if isinstance(raw, int) else None
        if value is None:
            return "(n = not reported)"
        return f"(n = {fmt(value)}){ENTERED_SIGN if key in self.c.entered else ''}"

    def box(self, keys: tuple[str, ...], lines: list[tuple[str, int]], grey: bool = False) -> Box:
        return Box(keys, lines, grey, any(k in self.c.entered for k in keys))

    def single(self, label: str, key: str, grey: bool = False) -> Box:
        return self.box((key,), [(f"{label} {self.n(key)}", 0)], grey)

    def pair(self, first: tuple[str, str], second: tuple[str, str], grey: bool = False) -> Box:
        return self.box(
            (first[1], second[1]),
            [(f"{first[0]} {self.n(first[1])}", 0), (f"{second[0]} {self.n(second[1])}", 0)],
            grey,
        )

    def breakdown(self, key: str, indent: int) -> list[tuple[str, int]]:
        mark = ENTERED_SIGN if key in self.c.entered else ""
        parts: Mapping[str, int] = getattr(self.c, key)
        return [(f"{name} (n = {fmt(n)}){mark}", indent) for name, n in parts.items() if name]

    def identified(self) -> Box:
        c = self.c
        keys = ("database_results", "database_specific_results")
        lines = [("Records identified from*:", 0)]
        db_key = "database_results" if c.database_results is not None else keys[1]
        lines.append((f"Databases {self.n(db_key, c.database_total)}", 1))
        lines += self.breakdown(keys[1], 2)
        if c.register_total is not None:
            reg_key = (
                "register_results"
                if c.register_results is not None
                else ("register_specific_results")
            )
            lines.append((f"Registers {self.n(reg_key, c.register_total)}", 1))
            lines += self.breakdown("register_specific_results", 2)
        return self.box((*keys, "register_results", "register_specific_results"), lines)

    def removed(self) -> Box:
        rows = (
            ("Duplicate records removed", "duplicates"),
            ("Records marked as ineligible by automation tools", "excluded_automatic"),
            ("Records removed for other reasons", "excluded_other"),
        )
        lines = [("Records removed before screening:", 0)]
        lines += [
            (f"{text} {self.n(key)}", 1) for text, key in rows if getattr(self.c, key) is not None
        ]
        if len(lines) == 1:  # as the PRISMA2020 package draws it, unless nothing is known
            known = self.c.records_identified is not None
            lines.append(("(n = 0)" if known else "(n = not reported)", 1))
        return self.box(tuple(key for _, key in rows), lines)

    def other_identified(self) -> Box:
        rows = (
            ("Websites", "website_results"),
            ("Organisations", "organisation_results"),
            ("Citation searching", "citations_results"),
        )
        lines = [("Records identified from:", 0)]
        lines += [
            (f"{text} {self.n(key)}", 1) for text, key in rows if getattr(self.c, key) is not None
        ]
        if len(lines) == 1:
            lines.append(("(n = not reported)", 1))
        return self.box(tuple(key for _, key in rows), lines, grey=True)

    def excluded(self, key: str, grey: bool = False) -> Box:
        parts: Mapping[str, int] = getattr(self.c, key)
        if not parts:
            return self.box((key,), [("Reports excluded (n = not reported)", 0)], grey)
        if "" in parts:
            return self.box((key,), [(f"Reports excluded {self.n(key, parts[''])}", 0)], grey)
        return self.box((key,), [("Reports excluded:", 0), *self.breakdown(key, 1)], grey)


@dataclass
class Layout:
    """Every box by grid cell (row, column name), plus arrows as point lists."""

    cells: dict[tuple[int, str], Box] = field(default_factory=dict)
    arrows: list[list[tuple[float, float]]] = field(default_factory=list)


def build_cells(c: PrismaCounts) -> dict[tuple[int, str], Box]:
    t = BoxText(c)
    cells = {
        (0, "dbr"): t.identified(),
        (0, "dbr_side"): t.removed(),
        (1, "dbr"): t.single("Records screened", "records_screened"),
        (1, "dbr_side"): t.single("Records excluded**", "records_excluded"),
        (2, "dbr"): t.single("Reports sought for retrieval", "dbr_sought_reports"),
        (2, "dbr_side"): t.single("Reports not retrieved", "dbr_notretrieved_reports"),
        (3, "dbr"): t.single("Reports assessed for eligibility", "dbr_assessed"),
        (3, "dbr_side"): t.excluded("dbr_excluded"),
    }
    if c.has_other_methods:
        cells[0, "oth"] = t.other_identified()
        cells[2, "oth"] = t.single("Reports sought for retrieval", "other_sought_reports", True)
        cells[2, "oth_side"] = t.single("Reports not retrieved", "other_notretrieved_reports", True)
        cells[3, "oth"] = t.single("Reports assessed for eligibility", "other_assessed", True)
        cells[3, "oth_side"] = t.excluded("other_excluded", True)
    if c.template == "updated":
        cells[0, "prev"] = t.pair(
            ("Studies included in previous version of review", "previous_studies"),
            ("Reports of studies included in previous version of review", "previous_reports"),
            grey=True,
        )
        cells[4, "dbr"] = t.pair(
            ("New studies included in review", "new_studies"),
            ("Reports of new included studies", "new_reports"),
        )
        cells[4, "prev"] = t.pair(
            ("Total studies included in review", "total_studies"),
            ("Reports of total included studies", "total_reports"),
        )
    else:
        cells[4, "dbr"] = t.pair(
            ("Studies included in review", "total_studies"),
            ("Reports of included studies", "total_reports"),
        )
    if c.has_meta_analysis:
        cells[5, "prev" if c.template == "updated" else "dbr"] = t.pair(
            ("Total studies included in meta-analysis", "total_studies_ma"),
            ("Reports of total included studies in meta-analysis", "total_reports_ma"),
        )
    return cells


def columns(c: PrismaCounts) -> dict[str, float]:
    """The left edge of each box column; the diagram grows rightwards column by column."""
    x = MARGIN + BAND_W + 14
    xs: dict[str, float] = {}
    names = (["prev"] if c.template == "updated" else []) + ["dbr", "dbr_side"]
    names += ["oth", "oth_side"] if c.has_other_methods else []
    for name in names:
        xs[name] = x
        x += BOX_W + (GAP_X if name in ("dbr", "oth") else COL_GAP)
    return xs


def headers(c: PrismaCounts, xs: Mapping[str, float]) -> list[tuple[str, float, float, bool]]:
    """Column headers as (text, x, width, grey)."""
    new = "new " if c.template == "updated" else ""
    pair = 2 * BOX_W + GAP_X
    heads = [
        (f"Identification of {new}studies via databases and registers", xs["dbr"], pair, False)
    ]
    if "prev" in xs:
        heads.insert(0, ("Previous studies", xs["prev"], BOX_W, True))
    if "oth" in xs:
        heads.append((f"Identification of {new}studies via other methods", xs["oth"], pair, True))
    return heads


BANDS = (("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, 5))


def place(c: PrismaCounts, top: float) -> tuple[Layout, dict[int, tuple[float, float]]]:
    """Put every box in its row (centred on the row's middle) and draw the arrows between."""
    xs = columns(c)
    lay = Layout(cells=build_cells(c))
    for (_, col), box in lay.cells.items():
        box.x = xs[col]
        box.measure()
    last = max(row for row, _ in lay.cells)
    heights = {
        r: max((b.h for (row, _), b in lay.cells.items() if row == r), default=0.0)
        for r in range(last + 1)
    }
    for name, first, end in BANDS:
        end = min(end, last)
        need = text_width(name, BAND_FONT, bold=True) + 2 * PAD
        span = sum(heights[r] for r in range(first, end + 1)) + ROW_GAP * (end - first)
        heights[end] += max(0.0, need - span)
    rows: dict[int, tuple[float, float]] = {}
    y = top
    for r in range(last + 1):
        rows[r] = (y, heights[r])
        y += heights[r] + ROW_GAP
    for (r, _), box in lay.cells.items():
        box.y = rows[r][0] + (rows[r][1] - box.h) / 2
    lay.arrows = arrows(lay.cells, last)
    return lay, rows


def arrows(cell: Mapping[tuple[int, str], Box], last: int) -> list[list[tuple[float, float]]]:
    """Arrows as point lists: down each column, right to each exclusion box, into the totals."""
    found: list[list[tuple[float, float]]] = []
    for col in ("dbr", "oth", "prev"):
        stack = [cell[r, col] for r in range(last + 1) if (r, col) in cell]
        for upper, lower in zip(stack, stack[1:], strict=False):
            found.append([(upper.cx, upper.y + upper.h), (lower.cx, lower.y)])
    for r in range(4):
        for col in ("dbr", "oth"):
            if (r, col) in cell and (r, f"{col}_side") in cell:
                left, right = cell[r, col], cell[r, f"{col}_side"]
                found.append([(left.x + BOX_W, left.cy), (right.x, left.cy)])
    if (3, "oth") in cell:
        src, dst = cell[3, "oth"], cell[4, "dbr"]
        found.append([(src.cx, src.y + src.h), (src.cx, dst.cy), (dst.x + BOX_W, dst.cy)])
    if (4, "prev") in cell:
        new, total = cell[4, "dbr"], cell[4, "prev"]
        found.append([(new.x, new.cy), (total.x + BOX_W, new.cy)])
    return found
