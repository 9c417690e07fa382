"""One coder with checking: another team member agrees with each excerpt or disputes it; a
change to the excerpt makes its checks stale; disputes are listed; every verdict is audited;
two checks of one excerpt at once are both kept."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.errors import InvalidInput, NotFound, PermissionDenied
from sysreview.protocol import ProtocolError, parse_protocol
from sysreview.services.audit import list_audit
from sysreview.services.synthesis_checking import (
    check_excerpt,
    checked_excerpts,
    checking_progress,
)
from sysreview.services.synthesis_coding import code_excerpt, set_excerpt_codes
from sysreview.synthesis.checking import Check, excerpt_state, progress, snapshot
from sysreview.synthesis.excerpts import Location
from tests.cli.test_commands import db_args, run
from tests.synthesis.conftest import EISEN, WEBB, Coded, make_coded

WORDS = "improved their communication skills"
WHERE = Location("extraction", field="outcomes")


# -- the rules, without a store ---------------------------------------------------------------


def test_states_follow_the_current_checks_only() -> None:
    seen = snapshot("words", [2, 1])
    agree, dispute = Check("ln", "agree", "", seen), Check("dll", "dispute", "not support", seen)
    assert excerpt_state([], "words", [1, 2]) == "unchecked"
    assert excerpt_state([agree], "words", [1, 2]) == "agreed"
    assert excerpt_state([agree], "words", [1, 2], required=2) == "partly"
    assert excerpt_state([agree, dispute], "words", [1, 2], required=1) == "disputed"
    # a code added after the checks: neither covers the excerpt any more
    assert excerpt_state([agree, dispute], "words", [1, 2, 3]) == "unchecked"


def test_progress_counts_each_state_per_study() -> None:
    found = progress([("A", "agreed"), ("A", "agreed"), ("B", "agreed"), ("B", "disputed")])
    assert [(p.study, p.excerpts, p.done) for p in found] == [("A", 2, True), ("B", 2, False)]
    assert found[1].states == {"unchecked": 0, "partly": 0, "agreed": 1, "disputed": 1}


def test_checked_coding_cannot_be_blind() -> None:
    text = (
        "title: T\nstages: [{name: title_abstract, label: Titles}]\n"
        "team: [{user: a, role: owner}]\n"
        "synthesis: {mode: checked, blind: true}\n"
    )
    with pytest.raises(ProtocolError, match="checked coding cannot be blind"):
        parse_protocol(text, "protocol.yaml")


# -- the service, on each database ------------------------------------------------------------


@pytest.fixture
def checked(tmp_path: Path, db_url: str | None) -> Iterator[Coded]:
    built = make_coded(tmp_path / "checked", db_url, checked=True)
    code_excerpt(built.store, built.review, "hp", EISEN, WHERE, [built.codes["Communication"]],
                 text=WORDS)  # fmt: skip
    yield built
    built.store.dispose()


def _only(coded: Coded, viewer: str = "hp") -> int:
    (found,) = checked_excerpts(coded.store, coded.review, viewer)
    return found.excerpt.id


def test_a_checker_agrees_and_the_study_is_checked(checked: Coded) -> None:
    excerpt = _only(checked)
    studies, disputes = checking_progress(checked.store, checked.review, "hp")
    assert [(s.study, s.states["unchecked"]) for s in studies] == [(EISEN, 1)]
    assert check_excerpt(checked.store, checked.review, "ln", excerpt, "agree") == "agreed"
    studies, disputes = checking_progress(checked.store, checked.review, "hp")
    assert studies[0].done and disputes == []


def test_a_dispute_needs_a_comment_and_a_coder_cannot_check_their_own(checked: Coded) -> None:
    excerpt = _only(checked)
    with pytest.raises(InvalidInput, match="needs a comment"):
        check_excerpt(checked.store, checked.review, "ln", excerpt, "dispute", "  ")
    with pytest.raises(InvalidInput, match="cannot check their own"):
        check_excerpt(checked.store, checked.review, "hp", excerpt, "agree")
    with pytest.raises(InvalidInput, match="agree or dispute"):
        check_excerpt(checked.store, checked.review, "ln", excerpt, "maybe")
    with pytest.raises(NotFound):
        check_excerpt(checked.store, checked.review, "ln", excerpt + 99, "agree")
    assert checked_excerpts(checked.store, checked.review, "hp")[0].checks == []


def test_a_recode_makes_the_dispute_stale_and_the_excerpt_is_checked_again(
    checked: Coded,
) -> None:
    excerpt = _only(checked)
    comment = "this is about support more than skills"
    state = check_excerpt(checked.store, checked.review, "ln", excerpt, "dispute", comment)
    assert state == "disputed"
    _, disputes = checking_progress(checked.store, checked.review, "hp")
    assert [(d.excerpt.id, d.checks[0][0].comment) for d in disputes] == [(excerpt, comment)]
    # the coder recodes after the discussion: the dispute no longer covers the excerpt
    set_excerpt_codes(checked.store, checked.review, "hp", excerpt, [checked.codes["Support"]])
    (now,) = checked_excerpts(checked.store, checked.review, "hp")
    assert now.state == "unchecked" and now.checks[0][1] is False
    assert now.verdict_of("ln") is None
    assert check_excerpt(checked.store, checked.review, "ln", excerpt, "agree") == "agreed"
    entries = [e for e in list_audit(checked.store, checked.review, "hp")
               if e["action"] == "synthesis.excerpt.check"]  # fmt: skip
    assert [json.loads(e["new_value"])["verdict"] for e in entries] == ["dispute", "agree"]
    assert json.loads(entries[1]["old_value"]) == {"verdict": "dispute", "comment": comment}


def test_checking_needs_the_checked_mode_and_the_right_to_code(
    tmp_path: Path, db_url: str | None, checked: Coded
) -> None:
    with pytest.raises(PermissionDenied):
        check_excerpt(checked.store, checked.review, "nobody", _only(checked), "agree")
    independent = make_coded(tmp_path / "independent", db_url)
    try:
        support = [independent.codes["Support"]]
        row = code_excerpt(independent.store, independent.review, "hp", WEBB, WHERE, support,
                           text="managed work-related stress")  # fmt: skip
        with pytest.raises(InvalidInput, match="mode: checked"):
            check_excerpt(independent.store, independent.review, "ln", row.id, "agree")
    finally:
        independent.store.dispose()


def test_two_checkers_at_once_both_count_with_two_required(
    tmp_path: Path, db_url: str | None
) -> None:
    built = make_coded(tmp_path / "two", db_url, checked=True)
    try:
        built.review.protocol.synthesis.checkers = 2
        row = code_excerpt(built.store, built.review, "hp", EISEN, WHERE,
                           [built.codes["Communication"]], text=WORDS)  # fmt: skip
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def check(who: str) -> None:
            start.wait()
            try:
                check_excerpt(built.store, built.review, who, row.id, "agree")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=check, args=(who,)) for who in ("ln", "dll")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        (found,) = checked_excerpts(built.store, built.review, "hp")
        assert found.state == "agreed"
        assert sorted(c.checker for c, _ in found.checks) == ["dll", "ln"]
    finally:
        built.store.dispose()


def test_cli_checks_and_prints_progress_and_disputes(tmp_path: Path) -> None:
    built = make_coded(tmp_path / "cli", None, checked=True)
    row = code_excerpt(built.store, built.review, "hp", EISEN, WHERE,
                       [built.codes["Communication"]], text=WORDS)  # fmt: skip
    built.store.dispose()
    where = ["-r", str(built.review.folder), *db_args(None)]
    disputed = run("synthesis", "check", str(row.id), "--dispute", "--comment", "wrong code",
                   *where, "--as", "dll")  # fmt: skip
    shown = run("synthesis", "checking", *where, "--as", "hp")
    as_json = run("synthesis", "checking", "--json", *where, "--as", "hp")
    refused = run("synthesis", "check", str(row.id), *where, "--as", "ln")
    assert disputed.returncode == 0, disputed.stderr
    assert f"excerpt {row.id}: disputed" in disputed.stdout
    assert f"{EISEN}: 1 excerpts, 0 agreed, 1 disputed, 0 to check" in shown.stdout
    assert "wrong code" in shown.stdout and "dll" in shown.stdout
    assert '"disputed": 1' in as_json.stdout
    assert refused.returncode != 0 and "--agree or --dispute" in refused.stderr
