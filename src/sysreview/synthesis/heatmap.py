"""The evidence matrix as a heat map: themes × studies, shaded by the number of excerpts.

Drawn with matplotlib's object API (no pyplot state, so it is safe in a web worker) and with
SVG metadata and ids fixed, so the same matrix gives the same bytes.
"""

from __future__ import annotations

import io

from sysreview.errors import InvalidInput
from sysreview.synthesis.matrix import EvidenceMatrix

FIGURE_FORMATS = ("svg", "png")


def heatmap_bytes(matrix: EvidenceMatrix, fmt: str) -> bytes:
    """The heat map as SVG or PNG; each cell shows its excerpt count, each row label its
    study and report counts."""
    if fmt not in FIGURE_FORMATS:
        raise InvalidInput(f"the heat map is written as {', '.join(FIGURE_FORMATS)}, not {fmt!r}")
    if not matrix.rows:
        raise InvalidInput("the matrix has no themes yet: add codes and themes first")
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [s.label for s in matrix.studies]
    counts = [[len(row.cells.get(label, [])) for label in labels] for row in matrix.rows]
    width = 2.5 + 0.9 * max(len(labels), 1)
    height = 1.6 + 0.5 * len(matrix.rows)
    with matplotlib.rc_context({"svg.hashsalt": "sysreview", "svg.fonttype": "none"}):
        figure = Figure(figsize=(width, height))
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        top = max((max(r) for r in counts if r), default=0) or 1
        axes.imshow(counts, cmap="Blues", vmin=0, vmax=top, aspect="auto")
        axes.set_xticks(range(len(labels)), labels=labels, rotation=45, ha="right")
        axes.set_yticks(
            range(len(matrix.rows)),
            labels=[f"{r.name} ({r.studies} studies, {r.reports} reports)" for r in matrix.rows],
        )
        for y, row in enumerate(counts):
            for x, n in enumerate(row):
                if n:
                    colour = "white" if n > top / 2 else "black"
                    axes.text(x, y, str(n), ha="center", va="center", color=colour)
        axes.set_title("Excerpts per theme and study")
        figure.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=150)
    return buffer.getvalue()
