"""The same article as different databases write it is merged automatically."""

from __future__ import annotations

from tests.dedup.conftest import TITLE, article, merged, pair


def test_capitalisation_and_trailing_period_are_ignored() -> None:
    shouted = article(title=TITLE.upper() + ".", doi="")
    assert merged(pair(article(), shouted))


def test_html_entities_and_markup_are_ignored() -> None:
    html = article(
        title=TITLE.replace("randomized", "<i>randomized</i>").replace(" a ", " a&nbsp;"), doi=""
    )
    assert merged(pair(article(), html))


def test_ampersand_and_and_are_the_same_word() -> None:
    a = article(title="Loneliness and cognitive decline in older adults: a cohort study", doi="")
    b = article(title="Loneliness &amp; cognitive decline in older adults: a cohort study")
    assert merged(pair(a, b))


def test_abbreviated_journal_matches_full_name() -> None:
    medline = article(journal="Nurse Educ Today", doi="", pages="45-9")
    assert merged(pair(article(), medline))


def test_abbreviated_page_range_matches_full_range() -> None:
    assert merged(pair(article(pages="45-9", doi=""), article(pages="45-49", pmid="")))


def test_missing_doi_still_merges_on_metadata() -> None:
    assert merged(pair(article(), article(doi="", pmid="", issue="")))


def test_doi_written_as_url_matches_bare_doi() -> None:
    url = article(doi="https://doi.org/10.1016/J.NEDT.2018.12.004", pmid="")
    assert merged(pair(article(), url))


def test_transliterated_author_names_match() -> None:
    folded = article(authors=["Mueller, J.", "Okafor, C.N.", "Lindqvist, A."], doi="", pmid="")
    assert merged(pair(article(), folded))


def test_medline_author_style_matches_full_names() -> None:
    medline = article(authors=["Müller J", "Okafor CN", "Lindqvist A"], doi="", pmid="")
    assert merged(pair(article(), medline))


def test_one_letter_typo_in_title_still_merges() -> None:
    typo = article(title=TITLE.replace("perceived", "percieved"), doi="", pmid="")
    assert merged(pair(article(), typo))


def test_british_and_american_spelling_merge() -> None:
    assert merged(pair(article(), article(title=TITLE.replace("randomized", "randomised"))))


def test_online_first_year_merges_when_the_doi_agrees() -> None:
    assert merged(pair(article(), article(year=2018, pmid="")))


def test_online_first_year_merges_at_the_same_volume_and_page() -> None:
    assert merged(pair(article(doi=""), article(year=2018, doi="", pmid="")))


def test_subtitle_dropped_by_one_database_merges_at_the_same_place() -> None:
    short = article(title=TITLE.split(":")[0], doi="", pmid="")
    assert merged(pair(article(), short))


def test_translated_title_in_brackets_matches_the_original() -> None:
    original = "Wirkung einer kurzen Achtsamkeitsintervention auf Stress bei Pflegeschülern"
    scopus = article(title=f"{TITLE} [{original}]", pmid="")
    native = article(title=original, doi="", pmid="")
    assert merged(pair(scopus, native))


def test_medline_bracketed_translation_is_a_title() -> None:
    assert merged(pair(article(title=f"[{TITLE}]."), article(pmid="")))
