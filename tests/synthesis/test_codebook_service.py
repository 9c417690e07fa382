"""Codebook edits through the services: saved, audited with old and new values, and refused
whole when the codebook would break."""

from __future__ import annotations

import json

import pytest

from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.services import synthesis
from sysreview.services.audit import list_audit
from sysreview.services.synthesis_coding import code_excerpt, list_excerpts
from sysreview.synthesis.excerpts import Location
from tests.synthesis.conftest import EISEN, WEBB, Coded


def _entries(coded: Coded, action: str) -> list[dict]:
    return [e for e in list_audit(coded.store, coded.review, "hp") if e["action"] == action]


def test_rename_and_move_are_audited_with_old_and_new(coded: Coded, db_url: str | None) -> None:
    store, review, codes = coded.store, coded.review, coded.codes
    synthesis.rename_code(store, review, "ln", codes["Support"], "Peer support", "Being supported")
    synthesis.move_code(store, review, "hp", codes["Support"], codes["Skills"])

    book = synthesis.load_codebook(store, review, "hp")
    assert book.path(codes["Support"]) == "Skills > Peer support"
    rename = _entries(coded, "synthesis.code.rename")[-1]
    assert json.loads(rename["old_value"])["name"] == "Support"
    assert json.loads(rename["new_value"])["definition"] == "Being supported"
    move = _entries(coded, "synthesis.code.move")[-1]
    assert json.loads(move["old_value"])["parent"] == "Community"
    assert json.loads(move["new_value"])["parent"] == "Skills"


def test_a_bad_move_changes_nothing(coded: Coded, db_url: str | None) -> None:
    store, review, codes = coded.store, coded.review, coded.codes
    with pytest.raises(InvalidInput, match="cannot go under"):
        synthesis.move_code(store, review, "hp", codes["Community"], codes["Communication"])
    with pytest.raises(InvalidInput, match="inside itself"):
        synthesis.move_code(store, review, "hp", codes["Skills"], codes["Skills"])
    book = synthesis.load_codebook(store, review, "hp")
    assert book.get(codes["Community"]).parent is None
    assert _entries(coded, "synthesis.code.move") == []


def test_merge_moves_excerpts_once_and_split_moves_chosen_ones(
    coded: Coded, db_url: str | None
) -> None:
    store, review, codes = coded.store, coded.review, coded.codes
    where = Location("extraction", field="outcomes")
    both = code_excerpt(
        store,
        review,
        "hp",
        EISEN,
        where,
        [codes["Support"], codes["Communication"]],
        text="Peer support.",
    )
    one = code_excerpt(store, review, "hp", WEBB, where, [codes["Support"]], text="stress")

    synthesis.merge_codes(store, review, "hp", [codes["Support"]], codes["Communication"])

    merged = list_excerpts(store, review, "hp", code_id=codes["Communication"])
    assert {e.id: e.codes for e in merged} == {
        both.id: (codes["Communication"],),
        one.id: (codes["Communication"],),
    }
    assert codes["Support"] not in synthesis.load_codebook(store, review, "hp").codes
    new = synthesis.split_code(store, review, "hp", codes["Communication"], "Stress", [one.id])
    assert [e.id for e in list_excerpts(store, review, "hp", code_id=new.id)] == [one.id]
    assert new.parent == codes["Skills"]
    with pytest.raises(InvalidInput, match="is not coded"):
        synthesis.split_code(store, review, "hp", new.id, "Other", [both.id])


def test_viewers_and_outsiders_cannot_edit_the_codebook(coded: Coded, db_url: str | None) -> None:
    with pytest.raises(PermissionDenied):
        synthesis.add_code(coded.store, coded.review, "nobody", "x")


def test_memos_summaries_and_confidence_are_kept_per_theme(
    coded: Coded, db_url: str | None
) -> None:
    store, review, codes = coded.store, coded.review, coded.codes
    synthesis.write_memo(store, review, "ln", "Why", "Support recurs.", code_id=codes["Community"])
    synthesis.set_theme_summary(store, review, "hp", codes["Community"], "Peers support peers.")
    judged = synthesis.assess_confidence(
        store,
        review,
        "hp",
        codes["Community"],
        {
            "finding": "Peer mentoring builds community.",
            "components": {
                k: {"concern": "none"}
                for k in ("methodological_limitations", "coherence", "adequacy", "relevance")
            },
            "overall": "high",
        },
    )
    assert [m.text for m in synthesis.memos(store, review, "hp", code_id=codes["Community"])] == [
        "Support recurs."
    ]
    assert synthesis.theme_summaries(store, review, "hp") == {
        codes["Community"]: "Peers support peers."
    }
    assert synthesis.confidence_assessments(store, review, "hp") == {codes["Community"]: judged}
    with pytest.raises(InvalidInput, match="overall confidence"):
        synthesis.assess_confidence(
            store,
            review,
            "hp",
            codes["Community"],
            {"finding": "x"} | {"components": judged.to_dict()["components"], "overall": "certain"},
        )
