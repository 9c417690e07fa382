"""The demo's thematic synthesis: the reference review's four themes, coded from its Table 1
outcomes (the extracted ``outcomes`` field) and its Results text, through the same services and
the same CSV import as ``sysreview synthesis codes import``.

The Results paragraphs are kept as a note on each study they cite, so their excerpts point at
the paper's own words. One difference from the paper is deliberate: its Results say "four
studies" found an increased sense of community and cite four reports (refs 32, 36, 37, 38), but
37 and 38 are the two Chakravarti reports of one study, so the tool counts 3 studies and 4
reports for that theme.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sysreview.services.reviews import ReviewContext
from sysreview.services.synthesis import add_code, write_memo
from sysreview.services.synthesis_transfer import import_coding
from sysreview.store.engine import Store

DATA = Path(__file__).parent / "data"
THEMES = "synthesis-themes.csv"
NOTES = "synthesis-notes.csv"
CODING = "synthesis-coding.csv"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def code_themes(store: Store, review: ReviewContext, actor: str) -> None:
    """Add the four analytical themes, the Results notes, then import the coding CSV."""
    for theme in _rows(THEMES):
        add_code(
            store,
            review,
            actor,
            theme["name"],
            level=theme["level"],
            definition=theme["definition"],
        )
    for note in _rows(NOTES):
        write_memo(store, review, actor, note["title"], note["text"], study=note["study"])
    import_coding(store, review, actor, (DATA / CODING).read_bytes(), CODING)
