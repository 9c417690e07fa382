"""A small coded review for the synthesis tests: the demo's records grouped into its 9
studies, three of them with extracted outcomes, and a codebook of two themes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sysreview.demo import demo_protocol, group_reports_into_studies, import_included_reports
from sysreview.services import synthesis
from sysreview.services.extraction import extract
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.store.engine import Store

CHAKRAVARTI = "Chakravarti et al. 2017a; 2017b"
EISEN = "Eisen et al. 2013"
WEBB = "Webb et al. 2015"
OUTCOMES = {
    CHAKRAVARTI: "64% mentees ranked peer mentorship as the most valued component",
    EISEN: "94% mentors and mentees improved their communication skills. | Peer support.",
    WEBB: "86% of mentees reported improved communication skills | managed work-related stress",
}
DESIGNS = {CHAKRAVARTI: "Quantitative", EISEN: "Quantitative", WEBB: "Quantitative"}


@dataclass(frozen=True)
class Coded:
    store: Store
    review: ReviewContext
    codes: dict[str, int]


def make_coded(
    folder: Path, db_url: str | None, *, blind: bool = False, checked: bool = False
) -> Coded:
    """The demo's protocol, reports and 9 studies (no logins, no screening, so it is quick),
    three studies' outcomes, and a codebook: Community (analytical) > Support (code);
    Skills (analytical) > Communication (code); nothing coded yet. ``blind``: blind coding;
    ``checked``: one coder with checking."""
    protocol = demo_protocol()
    protocol.synthesis.blind = blind
    if checked:
        protocol.synthesis.mode = "checked"
    store, review = init_review(folder, protocol.title, "hp", db_url, protocol=protocol)
    import_included_reports(store, review, "hp")
    group_reports_into_studies(store, review, "hp")
    for study, text in OUTCOMES.items():
        extract(store, review, "hp", study, "outcomes", text)
        extract(store, review, "hp", study, "design", DESIGNS[study])
    codes = {}
    for theme, code in (("Community", "Support"), ("Skills", "Communication")):
        parent = synthesis.add_code(store, review, "hp", theme, level="analytical")
        codes[theme] = parent.id
        codes[code] = synthesis.add_code(store, review, "hp", code, parent=parent.id).id
    return Coded(store, review, codes)


@pytest.fixture
def coded(tmp_path: Path, db_url: str | None) -> Iterator[Coded]:
    """:func:`make_coded` on each database."""
    built = make_coded(tmp_path / "coded", db_url)
    yield built
    built.store.dispose()
