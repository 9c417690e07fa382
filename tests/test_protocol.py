"""The protocol file: defaults, validation errors that name the line, and round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import ProtocolError
from sysreview.protocol import (
    Member,
    Stage,
    default_protocol,
    load_protocol,
    parse_protocol,
    render_protocol,
    write_protocol,
)

VALID = """\
title: A review
stages:
  - name: title_abstract
    label: Title and abstract
    reviewers: 2
team:
  - user: alice
    role: owner
"""


def test_default_protocol_round_trips_through_its_commented_file(tmp_path: Path) -> None:
    protocol = default_protocol("Exercise for back pain", "alice")
    write_protocol(tmp_path, protocol)
    text = (tmp_path / "protocol.yaml").read_text()
    assert text.startswith("# sysreview protocol")
    assert "# Team and roles" in text
    loaded, sha = load_protocol(tmp_path)
    assert loaded == protocol
    assert len(sha) == 64


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(VALID + "team: [unclosed\n", "protocol.yaml")
    assert caught.value.line == 10
    assert str(caught.value).startswith("protocol.yaml:10: not valid YAML")


def _refused(text: str) -> ProtocolError:
    """The error parsing ``text`` raises (the test fails if it raises none)."""
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, "p.yaml")
    return caught.value


def test_a_wrong_value_names_its_line_and_field() -> None:
    error = _refused(VALID.replace("reviewers: 2", "reviewers: many"))
    assert error.line == 5
    assert "stages.0.reviewers" in str(error)


def test_a_stage_names_its_ranking_model() -> None:
    text = VALID.replace("reviewers: 2", "reviewers: 2\n    model: tfidf_svm")
    assert parse_protocol(text, "p.yaml").stages[0].model == "tfidf_svm"
    assert parse_protocol(VALID, "p.yaml").stages[0].model is None  # the default model


def test_an_unknown_ranking_model_is_refused_at_its_line() -> None:
    error = _refused(VALID.replace("reviewers: 2", "reviewers: 2\n    model: tfidf_svn"))
    assert error.line == 6
    assert "stages.0.model: unknown ranking model 'tfidf_svn'" in str(error)
    assert "tfidf_svm" in str(error)  # the models that exist are listed


def test_a_ranking_model_whose_extra_is_missing_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sysreview.ranking import presets

    monkeypatch.setitem(presets.UNAVAILABLE, "needs_extra_svm", "embeddings")
    error = _refused(VALID.replace("reviewers: 2", "reviewers: 2\n    model: needs_extra_svm"))
    assert error.line == 6
    assert "pip install 'sysreview[embeddings]'" in str(error)


def test_a_stored_protocol_naming_a_model_this_machine_lacks_still_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A team member without the extra still lists the review (the database's copy)."""
    from sysreview.protocol import Protocol
    from sysreview.ranking import presets

    monkeypatch.setitem(presets.UNAVAILABLE, "needs_extra_svm", "embeddings")
    stored = default_protocol("A review", "alice").model_dump(mode="json")
    stored["stages"][0]["model"] = "needs_extra_svm"
    assert Protocol.model_validate(stored).stages[0].model == "needs_extra_svm"
    stored["stages"][0]["model"] = "no_such_model"
    with pytest.raises(ValueError, match="unknown ranking model"):
        Protocol.model_validate(stored)


def test_an_unknown_role_is_refused_at_its_line() -> None:
    error = _refused(VALID.replace("role: owner", "role: boss"))
    assert error.line == 8
    assert "team.0.role" in str(error)


def test_a_misspelt_key_is_refused_rather_than_ignored() -> None:
    with pytest.raises(ProtocolError, match="titel"):
        parse_protocol(VALID + "titel: typo\n", "p.yaml")


def test_a_team_without_an_owner_is_refused() -> None:
    with pytest.raises(ProtocolError, match="owner"):
        parse_protocol(VALID.replace("role: owner", "role: reviewer"), "p.yaml")


def test_a_missing_protocol_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="sysreview init"):
        load_protocol(tmp_path)


def test_a_protocol_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "protocol.yaml").write_bytes(VALID.encode() + b"question: caf\xe9\n")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(tmp_path)
    assert caught.value.line == 9


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())


@given(title=_text, reasons=st.lists(_text, max_size=4), reviewers=st.integers(1, 5))
def test_any_valid_protocol_survives_render_and_parse(
    title: str, reasons: list[str], reviewers: int
) -> None:
    protocol = default_protocol(title, "owner1")
    protocol.stages.append(
        Stage(name="extra", label=title, reviewers=reviewers, exclusion_reasons=reasons)
    )
    protocol.team.append(Member(user="rev", name=title, role="reviewer"))
    assert parse_protocol(render_protocol(protocol), "p.yaml") == protocol
