"""The demo's thematic synthesis: the reference review's four themes, coded through the
import, counted by study and by report.

The paper's Results say "four studies" found a sense of community, citing refs 32, 36, 37 and
38; 37 and 38 are two reports of the one Chakravarti study, so the tool counts 3 studies and 4
reports. The demo is built here from the same steps as ``build_demo`` minus logins and
screening, which the synthesis does not use, to keep the test quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.demo import (
    appraise,
    demo_protocol,
    extract_study_data,
    group_reports_into_studies,
    import_included_reports,
)
from sysreview.demo.thematic import code_themes
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.services.synthesis_outputs import build_matrix
from sysreview.store.engine import Store

THEMES = {
    "Academic and career success": (2, 2),
    "Communication skills": (2, 2),
    "Coping and mental wellbeing": (3, 4),
    "Sense of community": (3, 4),
}


@pytest.fixture
def synthesised(tmp_path: Path, db_url: str | None) -> Iterator[tuple[Store, ReviewContext]]:
    protocol = demo_protocol()
    store, review = init_review(tmp_path / "demo", protocol.title, "hp", db_url, protocol=protocol)
    import_included_reports(store, review, "hp")
    group_reports_into_studies(store, review, "hp")
    appraise(store, review, "hp")
    extract_study_data(store, review)
    code_themes(store, review, "hp")
    yield store, review
    store.dispose()


def test_the_four_themes_count_studies_and_reports(
    synthesised: tuple[Store, ReviewContext], db_url: str | None
) -> None:
    store, review = synthesised
    matrix = build_matrix(store, review, "ln")

    assert {r.name: (r.studies, r.reports) for r in matrix.rows} == THEMES
    community = next(r for r in matrix.rows if r.name == "Sense of community")
    assert sorted(community.cells) == [
        "Chakravarti et al. 2017a; 2017b",
        "Eisen et al. 2013",
        "Obura et al. 2011",
    ]
    obura = next(s for s in matrix.studies if s.label == "Obura et al. 2011")
    assert obura.design == "Mixed methods"
    assert "High (casp" in obura.appraisal and "Medium (jbi" in obura.appraisal
    webb = next(r for r in matrix.rows if r.name == "Communication skills").cells[
        "Webb et al. 2015"
    ]
    assert "86% of mentees reported improved communication skills" in [e.text for e in webb]
