"""A merged group presents one record built from the best field of each member."""

from __future__ import annotations

import pytest

from sysreview.dedup import canonical_record
from sysreview.errors import InvalidInput
from tests.dedup.conftest import TITLE, article

MEDLINE = article(
    title=TITLE + ".",
    authors=["Müller J", "Okafor CN", "Lindqvist A"],
    journal="Nurse Educ Today",
    pages="45-9",
    abstract="Short.",
    source_fields={"TI": [TITLE]},
    source_line=12,
)
CINAHL = article(
    title=TITLE.upper(),
    authors=["Müller, Johanna", "Okafor, Chinedu N.", "Lindqvist, Anna"],
    journal="Nurse Education Today",
    pages="45",
    doi="",
    abstract="Background: a much longer abstract from the second database.",
    keywords=["stress", "Mindfulness"],
)
EMBASE = article(doi="", pmid="", keywords=["mindfulness", "nursing students"])


def test_longest_abstract_wins() -> None:
    assert canonical_record([MEDLINE, CINAHL]).abstract.startswith("Background")


def test_fullest_author_list_wins() -> None:
    assert canonical_record([MEDLINE, CINAHL]).authors[0] == "Müller, Johanna"


def test_full_journal_name_wins_and_abbreviation_is_kept() -> None:
    merged = canonical_record(
        [MEDLINE.__class__(**{**MEDLINE.to_dict(), "journal_abbrev": "Nurse Educ Today"}), CINAHL]
    )
    assert merged.journal == "Nurse Education Today"
    assert merged.journal_abbrev == "Nurse Educ Today"


def test_abbreviated_page_range_is_expanded() -> None:
    assert canonical_record([CINAHL, MEDLINE]).pages == "45-49"


def test_identifiers_are_kept_from_whichever_member_has_them() -> None:
    merged = canonical_record([CINAHL, EMBASE, MEDLINE])
    assert merged.doi == "10.1016/j.nedt.2018.12.004"
    assert merged.pmid == "30594872"


def test_mixed_case_title_without_trailing_period_wins_over_capitals() -> None:
    assert canonical_record([CINAHL, MEDLINE]).title == TITLE


def test_keywords_are_united_without_case_duplicates() -> None:
    assert canonical_record([CINAHL, EMBASE]).keywords == [
        "stress",
        "Mindfulness",
        "nursing students",
    ]


def test_provenance_stays_with_the_members() -> None:
    merged = canonical_record([MEDLINE, CINAHL])
    assert merged.source_fields == {} and merged.source_line is None


def test_members_are_not_changed() -> None:
    before = MEDLINE.to_dict()
    canonical_record([MEDLINE, CINAHL])
    assert MEDLINE.to_dict() == before


def test_an_empty_group_is_an_error() -> None:
    with pytest.raises(InvalidInput):
        canonical_record([])
