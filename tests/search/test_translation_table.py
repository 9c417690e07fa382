"""Hand-checked translations of realistic strategies from each syntax into each other.

The expected strings follow each platform's own search help: PubMed's ``"a b"[tiab:~N]``
proximity (any order, N words between); Ovid's ``adjN`` and Embase.com's ``NEAR/n``, which
count the words themselves (adj1 / NEAR/1 is adjacent, so N-1 words between); EBSCOhost's
``Nn`` (any order) and ``Wn`` (in order); Scopus's ``W/n`` and ``PRE/n`` and its advice to use
``PRE/0`` for a truncated phrase, since wildcards in quotes are ignored; Web of Science's
``NEAR/n`` and Topic (TS) field; the Cochrane Library's ``NEAR/n``, ``NEXT`` (no truncation
inside quotes) and ``[mh "X"]`` / ``[mh ^"X"]``. Each source below was written by hand in its
own syntax; all parse to one strategy, which is then written in every syntax.
"""

from __future__ import annotations

import pytest

from sysreview.search import SYNTAXES, parse_strategy, write_strategy

# One strategy (peers; mentorship; residents, registrars in the title only), by hand per syntax.
KEYWORD_SOURCES = {
    "pubmed": (
        "(peer*[tiab] OR buddy[tiab] OR buddies[tiab]) AND (mentor*[tiab] OR "
        '"peer support"[tiab] OR "peer mentoring"[tiab:~2]) AND (resident*[tiab] OR '
        '"house officer*"[tiab] OR registrar*[ti])'
    ),
    "ovid": (
        "1 (peer$ or buddy or buddies).ti,ab.\n"
        "2 (mentor$ or peer support or (peer adj3 mentoring)).ti,ab.\n"
        "3 (resident$ or house officer$).ti,ab.\n"
        "4 registrar$.ti.\n"
        "5 3 or 4\n"
        "6 1 and 2 and 5"
    ),
    "ebsco": (
        "TI (peer* OR buddy OR buddies) OR AB (peer* OR buddy OR buddies)\n"
        'S1 AND (TI (mentor* OR "peer support" OR (peer N2 mentoring)) OR AB (mentor* OR '
        '"peer support" OR (peer N2 mentoring))) AND (TI (resident* OR "house officer*") OR '
        'AB (resident* OR "house officer*") OR TI registrar*)'
    ),
    "embase": (
        "(peer* OR buddy OR buddies):ti,ab AND (mentor* OR 'peer support' OR "
        "(peer NEAR/3 mentoring)):ti,ab AND ((resident* OR 'house officer*'):ti,ab OR "
        "registrar*:ti)"
    ),
    "scopus": (
        'TITLE-ABS(peer* OR buddy OR buddies) AND TITLE-ABS(mentor* OR "peer support" OR '
        "(peer W/2 mentoring)) AND (TITLE-ABS(resident* OR house PRE/0 officer*) OR "
        "TITLE(registrar*))"
    ),
    "cochrane": (
        "#1 (peer* OR buddy OR buddies):ti,ab\n"
        '#2 (mentor* OR "peer support" OR (peer NEAR/2 mentoring)):ti,ab\n'
        "#3 (resident* OR (house NEXT officer*)):ti,ab OR registrar*:ti\n"
        "#4 #1 AND #2 AND #3"
    ),
}
WOS_FIELD_NOTE = (
    "# Web of Science has no title and abstract field: searched in Topic (TS: title, abstract, "
    "author keywords and Keywords Plus) instead, which does not cover exactly the same text"
)
SCOPUS_PHRASE_NOTE = (
    "# Scopus ignores wildcards inside quoted phrases: truncated phrases such as "
    "'house officer*' are written with PRE/0 (adjacent, in order)"
)
KEYWORD_EXPECTED = {
    "pubmed": (
        "(peer*[tiab] OR buddy[tiab] OR buddies[tiab]) AND (mentor*[tiab] OR "
        '"peer support"[tiab] OR "peer mentoring"[tiab:~2]) AND (resident*[tiab] OR '
        '"house officer*"[tiab] OR registrar*[ti])'
    ),
    "ovid": (
        "1 (peer$ or buddy or buddies).ti,ab.\n"
        "2 (mentor$ or peer support or (peer adj3 mentoring)).ti,ab.\n"
        "3 (resident$ or house officer$).ti,ab.\n"
        "4 registrar$.ti.\n"
        "5 or/3-4\n"
        "6 1 and 2 and 5"
    ),
    "ebsco": (
        "(TI (peer* OR buddy OR buddies) OR AB (peer* OR buddy OR buddies)) AND "
        '(TI (mentor* OR "peer support" OR (peer N2 mentoring)) OR AB (mentor* OR '
        '"peer support" OR (peer N2 mentoring))) AND (TI (resident* OR "house officer*") OR '
        'AB (resident* OR "house officer*") OR TI registrar*)'
    ),
    "embase": (
        "(peer* OR buddy OR buddies):ti,ab AND (mentor* OR 'peer support' OR "
        "(peer NEAR/3 mentoring)):ti,ab AND ((resident* OR 'house officer*'):ti,ab OR "
        "registrar*:ti)"
    ),
    "scopus": SCOPUS_PHRASE_NOTE
    + "\n"
    + (
        'TITLE-ABS(peer* OR buddy OR buddies) AND TITLE-ABS(mentor* OR "peer support" OR '
        "(peer W/2 mentoring)) AND (TITLE-ABS(resident* OR (house PRE/0 officer*)) OR "
        "TITLE(registrar*))"
    ),
    "wos": WOS_FIELD_NOTE
    + "\n"
    + (
        'TS=(peer* OR buddy OR buddies) AND TS=(mentor* OR "peer support" OR '
        '(peer NEAR/2 mentoring)) AND (TS=(resident* OR "house officer*") OR TI=registrar*)'
    ),
    "cochrane": (
        '(peer* OR buddy OR buddies):ti,ab AND (mentor* OR "peer support" OR '
        "(peer NEAR/2 mentoring)):ti,ab AND ((resident* OR (house NEXT officer*)):ti,ab OR "
        "registrar*:ti)"
    ),
}
# Written in Web of Science, TS is title, abstract and keywords: the other syntaxes' own
# title-abstract-keyword fields, and notes where they have none.
WOS_SOURCE = (
    'TS=(peer* OR buddy OR buddies) AND TS=(mentor* OR "peer support" OR peer NEAR/2 '
    'mentoring) AND (TS=(resident* OR "house officer*") OR TI=registrar*)'
)
FROM_WOS_EXPECTED = {
    "pubmed": (
        "# PubMed has no title, abstract and author keywords field: searched in title and "
        "abstract [tiab] instead, which does not cover exactly the same text\n"
        "# PubMed proximity search has no title, abstract and author keywords field: searched "
        "in title and abstract [tiab] instead, which does not cover exactly the same text\n"
        + KEYWORD_EXPECTED["pubmed"]
    ),
    "ovid": (
        "1 (peer$ or buddy or buddies).ti,ab,kf.\n"
        "2 (mentor$ or peer support or (peer adj3 mentoring)).ti,ab,kf.\n"
        "3 (resident$ or house officer$).ti,ab,kf.\n"
        "4 registrar$.ti.\n"
        "5 or/3-4\n"
        "6 1 and 2 and 5"
    ),
    "ebsco": (
        "# EBSCOhost has no title, abstract and author keywords field: searched in title (TI) "
        "or abstract (AB) instead, which does not cover exactly the same text\n"
        + KEYWORD_EXPECTED["ebsco"]
    ),
    "embase": (
        "(peer* OR buddy OR buddies):ti,ab,kw AND (mentor* OR 'peer support' OR "
        "(peer NEAR/3 mentoring)):ti,ab,kw AND ((resident* OR 'house officer*'):ti,ab,kw OR "
        "registrar*:ti)"
    ),
    "scopus": SCOPUS_PHRASE_NOTE
    + "\n"
    + (
        'TITLE-ABS-KEY(peer* OR buddy OR buddies) AND TITLE-ABS-KEY(mentor* OR "peer support" '
        "OR (peer W/2 mentoring)) AND (TITLE-ABS-KEY(resident* OR (house PRE/0 officer*)) OR "
        "TITLE(registrar*))"
    ),
    "wos": (
        'TS=(peer* OR buddy OR buddies) AND TS=(mentor* OR "peer support" OR '
        '(peer NEAR/2 mentoring)) AND (TS=(resident* OR "house officer*") OR TI=registrar*)'
    ),
    "cochrane": (
        '(peer* OR buddy OR buddies):ti,ab,kw AND (mentor* OR "peer support" OR '
        "(peer NEAR/2 mentoring)):ti,ab,kw AND ((resident* OR (house NEXT officer*)):ti,ab,kw "
        "OR registrar*:ti)"
    ),
}
# Subject headings: MeSH, exploded or not, major or not, written natively in four syntaxes.
HEADING_SOURCES = {
    "pubmed": (
        '("Mentors"[mh] OR "Mentoring"[majr] OR mentor*[tiab]) AND '
        '("Internship and Residency"[mh:noexp] OR resident*[tiab])'
    ),
    "ovid": (
        "1 exp Mentors/\n2 exp *Mentoring/\n3 mentor$.ti,ab.\n4 or/1-3\n"
        "5 Internship and Residency/\n6 resident$.ti,ab.\n7 5 or 6\n8 4 and 7"
    ),
    "ebsco": (
        '((MH "Mentors+") OR (MM "Mentoring+") OR TI mentor* OR AB mentor*) AND '
        '((MH "Internship and Residency") OR TI resident* OR AB resident*)'
    ),
}
HEADING_EXPECTED = {
    "pubmed": HEADING_SOURCES["pubmed"],
    "ovid": (
        "1 exp Mentors/\n2 exp *Mentoring/\n3 mentor$.ti,ab.\n4 or/1-3\n"
        "5 Internship and Residency/\n6 resident$.ti,ab.\n7 or/5-6\n8 4 and 7"
    ),
    "ebsco": HEADING_SOURCES["ebsco"],
    "embase": (
        "# MeSH heading 'Mentors' has no equivalent in Embase.com: searched as a phrase in title "
        "and abstract (:ti,ab); look up the database's own subject heading\n"
        "# MeSH heading 'Mentoring' has no equivalent in Embase.com: searched as a phrase in "
        "title and abstract (:ti,ab); look up the database's own subject heading\n"
        "# MeSH heading 'Internship and Residency' has no equivalent in Embase.com: searched as "
        "a phrase in title and abstract (:ti,ab); look up the database's own subject heading\n"
        "('Mentors':ti,ab OR 'Mentoring':ti,ab OR mentor*:ti,ab) AND "
        "('Internship and Residency':ti,ab OR resident*:ti,ab)"
    ),
    "scopus": (
        "# Scopus cannot mark 'Mentors' as exploded (INDEXTERMS finds the term itself only): "
        "searched without it\n"
        "# Scopus cannot mark 'Mentoring' as exploded (INDEXTERMS finds the term itself only): "
        "searched without it\n"
        "# Scopus cannot mark 'Mentoring' as a major topic: searched without it\n"
        '(INDEXTERMS("Mentors") OR INDEXTERMS("Mentoring") OR TITLE-ABS(mentor*)) AND '
        '(INDEXTERMS("Internship and Residency") OR TITLE-ABS(resident*))'
    ),
    "wos": (
        "# MeSH heading 'Mentors' has no equivalent in Web of Science: searched as a Topic "
        "phrase (TS); look up the database's own subject heading\n"
        "# MeSH heading 'Mentoring' has no equivalent in Web of Science: searched as a Topic "
        "phrase (TS); look up the database's own subject heading\n" + WOS_FIELD_NOTE + "\n"
        "# MeSH heading 'Internship and Residency' has no equivalent in Web of Science: searched "
        "as a Topic phrase (TS); look up the database's own subject heading\n"
        '(TS="Mentors" OR TS="Mentoring" OR TS=mentor*) AND '
        '(TS="Internship and Residency" OR TS=resident*)'
    ),
    "cochrane": (
        "# Cochrane Library cannot mark 'Mentoring' as a major topic: searched without it\n"
        '([mh "Mentors"] OR [mh "Mentoring"] OR mentor*:ti,ab) AND '
        '([mh ^"Internship and Residency"] OR resident*:ti,ab)'
    ),
}


@pytest.mark.parametrize("target", sorted(SYNTAXES))
@pytest.mark.parametrize("source", sorted(KEYWORD_SOURCES))
def test_a_keyword_strategy_translates_as_checked_by_hand(source: str, target: str) -> None:
    parsed = parse_strategy(KEYWORD_SOURCES[source], source)

    assert write_strategy(parsed.strategy, target).text == KEYWORD_EXPECTED[target]


@pytest.mark.parametrize("target", sorted(SYNTAXES))
def test_a_web_of_science_topic_search_translates_as_checked_by_hand(target: str) -> None:
    parsed = parse_strategy(WOS_SOURCE, "wos")

    assert write_strategy(parsed.strategy, target).text == FROM_WOS_EXPECTED[target]


@pytest.mark.parametrize("target", sorted(SYNTAXES))
@pytest.mark.parametrize("source", sorted(HEADING_SOURCES))
def test_subject_headings_translate_as_checked_by_hand(source: str, target: str) -> None:
    parsed = parse_strategy(HEADING_SOURCES[source], source, "mesh")

    assert (
        write_strategy(parsed.strategy, target, "mesh" if target == "ebsco" else None).text
        == (HEADING_EXPECTED[target])
    )


def test_emtree_headings_keep_their_flags_between_embase_platforms() -> None:
    embase = "('peer group'/exp OR 'mentor'/de OR 'medical residency'/exp/mj) AND mentor*:ti,ab"

    ovid = write_strategy(parse_strategy(embase, "embase").strategy, "ovid", "emtree")
    back = write_strategy(parse_strategy(ovid.text, "ovid", "emtree").strategy, "embase")

    assert ovid.text == (
        "1 exp peer group/\n2 mentor/\n3 exp *medical residency/\n4 or/1-3\n"
        "5 mentor$.ti,ab.\n6 4 and 5"
    )
    assert back.text == embase


def test_limits_translate_into_each_platforms_own_limit_syntax() -> None:
    pubmed = '"peer mentoring"[tiab] AND 2000:2020[dp] AND english[la] AND review[pt]'
    model = parse_strategy(pubmed, "pubmed").strategy

    texts = {s: write_strategy(model, s).text for s in SYNTAXES}

    assert texts["ovid"] == (
        "# limit, set in Ovid's search interface: publication type Review\n"
        '1 peer mentoring.ti,ab.\n2 limit 1 to (english language and yr="2000 - 2020")'
    )
    assert texts["embase"] == (
        "'peer mentoring':ti,ab AND [2000-2020]/py AND [english]/lim AND [review]/it"
    )
    assert texts["scopus"] == (
        'TITLE-ABS("peer mentoring") AND PUBYEAR > 1999 AND PUBYEAR < 2021 AND '
        "LANGUAGE(english) AND DOCTYPE(re)"
    )
    assert texts["wos"].endswith(
        'TS="peer mentoring" AND PY=(2000-2020) AND LA=(English) AND DT=(Review)'
    )
    assert texts["cochrane"].splitlines()[:3] == [
        "# limit, set in Cochrane Library's search interface: years 2000-2020",
        "# limit, set in Cochrane Library's search interface: language English",
        "# limit, set in Cochrane Library's search interface: publication type Review",
    ]
