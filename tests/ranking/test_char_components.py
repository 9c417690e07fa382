"""Word n-grams plus character-n-gram components: what the projection buys (records that share
no word but share word forms become alike), what it costs (a bounded number of values per
record), and that sampling and chunking change nothing but memory."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from sysreview.ranking import build_model
from sysreview.ranking.features import WordCharComponents, WordTfidf, char_counts_by_word

RECORDS = [
    ("Haematological outcomes of paediatric leukaemia", "Children treated with chemotherapy."),
    ("Hematology results in pediatric leukemia", "Kids given chemotherapeutic drugs."),
    ("Mentoring of surgical residents", "A survey of peer mentorship programmes."),
    ("Peer mentors for residents in surgery", "Interviews about mentoring relationships."),
    ("Statin use and cardiovascular events", "A cohort of older adults."),
    ("Cardiovascular risk with statins", "Older patients followed for ten years."),
    ("Sleep deprivation in interns", "Working hours and fatigue."),
    ("Fatigue among junior doctors", "Night shifts and sleep."),
] * 3


def cosine(matrix: sp.csr_matrix, a: int, b: int) -> float:
    return float(matrix[a].multiply(matrix[b]).sum())


def test_records_sharing_word_forms_but_no_word_become_alike() -> None:
    words = WordTfidf().fit_transform(RECORDS)
    strangers = [j for j in range(1, 8) if cosine(words, 0, j) == 0.0]
    assert 1 in strangers and len(strangers) >= 3  # "haematological" is not "hematology"
    matrix = WordCharComponents().fit_transform(RECORDS)
    # At half weight the components carry at most a fifth of a record's length.
    assert cosine(matrix, 0, 1) > 0.03
    others = max(cosine(matrix, 0, j) for j in strangers if j != 1)
    assert cosine(matrix, 0, 1) > 10 * others  # its variant, not any record without a shared word


def test_each_record_gains_at_most_the_number_of_components() -> None:
    words = WordTfidf().fit_transform(RECORDS)
    matrix = WordCharComponents(components=5).fit_transform(RECORDS)
    gained = np.diff(matrix.indptr) - np.diff(words.indptr)
    assert matrix.shape[0] == len(RECORDS)
    assert gained.max() <= 5 and gained.min() >= 1


def test_chunking_changes_nothing_but_memory() -> None:
    whole = WordCharComponents(chunk_size=10_000).fit_transform(RECORDS)
    chunked = WordCharComponents(chunk_size=5).fit_transform(RECORDS)
    assert np.allclose(whole.toarray(), chunked.toarray())


def test_records_outside_the_sample_are_projected_too_and_the_result_is_repeatable() -> None:
    first = WordCharComponents(sample_size=6).fit_transform(RECORDS)
    second = WordCharComponents(sample_size=6).fit_transform(RECORDS)
    norms = np.sqrt(np.asarray(first.multiply(first).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0)  # every record has words and components, sampled or not
    assert (first != second).nnz == 0  # the sample and the projection are seeded


def test_too_few_records_to_project_keeps_the_words() -> None:
    matrix = WordCharComponents().fit_transform([("Peer mentorship", "")])
    words = WordTfidf().fit_transform([("Peer mentorship", "")])
    assert np.allclose(matrix.toarray(), words.toarray())


def test_counting_by_distinct_word_gives_the_counts_of_the_whole_text() -> None:
    documents = [
        "Haematology  of\tpaediatric LEUKAEMIA, haematology!",
        "Naïve résumé — ÉTUDE\u00a0croisée; x y",
        "a",
        "",
        "   ",
        *(f"{title} {abstract}" for title, abstract in RECORDS),
    ]
    counter = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    counter.fit(documents[5:])  # some n-grams of the first documents are not in the vocabulary
    expected = counter.transform(documents)
    assert expected.nnz > 0
    assert (char_counts_by_word(counter, documents) != expected).nnz == 0
    empty = char_counts_by_word(counter, ["", " "])
    assert empty.shape == (2, len(counter.vocabulary_)) and empty.nnz == 0


def test_the_features_do_not_depend_on_the_models_seed() -> None:
    one = build_model("words_char_components_svm", 1).features(RECORDS)
    other = build_model("words_char_components_svm", 2).features(RECORDS)
    assert (one != other).nnz == 0
