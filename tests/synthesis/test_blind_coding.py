"""Blind independent coding: each coder sees only their own coding (the arbiter and the owner
see all) until the owner ends it; nothing leaks through lists, the matrix, exports or the
comparison."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.errors import AlreadyExists, InvalidInput, PermissionDenied
from sysreview.services.audit import list_audit
from sysreview.services.synthesis_blind import blind_coding_state, end_blind_coding
from sysreview.services.synthesis_coding import code_excerpt, compare_coders, list_excerpts
from sysreview.services.synthesis_outputs import matrix_bytes
from sysreview.services.synthesis_transfer import export_coding_csv
from sysreview.synthesis.excerpts import Location
from tests.synthesis.conftest import EISEN, WEBB, Coded, make_coded

LN_WORDS, DLL_WORDS = "improved their communication skills", "managed work-related stress"


@pytest.fixture
def blind(tmp_path: Path, db_url: str | None) -> Iterator[Coded]:
    built = make_coded(tmp_path / "blind", db_url, blind=True)
    where = Location("extraction", field="outcomes")
    code_excerpt(built.store, built.review, "ln", EISEN, where, [built.codes["Communication"]],
                 text=LN_WORDS)  # fmt: skip
    code_excerpt(built.store, built.review, "dll", WEBB, where, [built.codes["Support"]],
                 text=DLL_WORDS)  # fmt: skip
    yield built
    built.store.dispose()


def _texts(coded: Coded, viewer: str) -> set[str]:
    return {e.text for e in list_excerpts(coded.store, coded.review, viewer)}


def test_a_coder_sees_only_their_own_coding_while_it_is_blind(blind: Coded) -> None:
    assert _texts(blind, "ln") == {LN_WORDS}
    assert _texts(blind, "dll") == {DLL_WORDS}
    assert _texts(blind, "eop") == _texts(blind, "hp") == {LN_WORDS, DLL_WORDS}  # arbiter, owner


def test_nothing_of_another_coder_leaks_through_the_matrix_or_the_export(blind: Coded) -> None:
    matrix = matrix_bytes(blind.store, blind.review, "ln", "csv").decode()
    exported = export_coding_csv(blind.store, blind.review, "ln").decode()
    for output in (matrix, exported):
        assert "communication skills" in output
        assert "work-related stress" not in output and "dll" not in output
    with pytest.raises(PermissionDenied, match="blind"):
        compare_coders(blind.store, blind.review, "ln")
    assert compare_coders(blind.store, blind.review, "hp")["coders"] == ["dll", "ln"]


def test_the_owner_ends_blind_coding_once_and_it_is_audited(blind: Coded) -> None:
    assert blind_coding_state(blind.store, blind.review, "ln") == {
        "blind": True, "ended": False, "sees_all": False, "may_end": False,
    }  # fmt: skip
    with pytest.raises(PermissionDenied):
        end_blind_coding(blind.store, blind.review, "ln")
    end_blind_coding(blind.store, blind.review, "hp")
    assert _texts(blind, "ln") == {LN_WORDS, DLL_WORDS}
    assert compare_coders(blind.store, blind.review, "ln")["coders"] == ["dll", "ln"]
    with pytest.raises(AlreadyExists):
        end_blind_coding(blind.store, blind.review, "hp")
    entries = list_audit(blind.store, blind.review, "hp")
    ended = [e for e in entries if e["action"] == "synthesis.unblind"]
    assert [(e["actor"], json.loads(e["new_value"])) for e in ended] == [("hp", {"blind": False})]


def test_open_coding_cannot_be_unblinded(coded: Coded) -> None:
    with pytest.raises(InvalidInput, match="not blind"):
        end_blind_coding(coded.store, coded.review, "hp")
