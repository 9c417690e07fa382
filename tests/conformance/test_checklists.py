"""One battery for every shipped checklist: adding a checklist file needs no new test code.

Parametrised over ``shipped_checklists()``: each file loads, names its version and source, has
unique item ids numbered 1..n, rating bands that some answers reach, and gives a score (or a
judgement) for any answers; mangled copies of it fail with our ChecklistError, never another.
"""

from __future__ import annotations

import itertools
import random
from importlib import resources
from pathlib import Path

import pytest

from sysreview.appraisal import (
    Answer,
    Checklist,
    ChecklistError,
    Item,
    domain_judgement,
    load_checklist,
    overall_judgement,
    parse_checklist,
    score,
    shipped_checklists,
)
from sysreview.errors import InvalidInput

SHIPPED = shipped_checklists()
NAMES = sorted(SHIPPED)
SAMPLES = 200


def checklist_file(name: str) -> Path:
    return Path(str(resources.files("sysreview.appraisal") / "checklists" / f"{name}.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_file_is_named_by_its_id_and_loads_on_its_own(name: str) -> None:
    path = checklist_file(name)
    assert path.exists(), f"checklists/{name}.yaml should hold the checklist {name}"
    assert load_checklist(path, SHIPPED).reference == SHIPPED[name].reference


@pytest.mark.parametrize("name", NAMES)
def test_version_and_source_are_given(name: str) -> None:
    checklist = SHIPPED[name]
    assert checklist.version and checklist.source.citation
    assert checklist.source.url.startswith(("http://", "https://"))
    if not checklist.source.verified:
        assert checklist.source.note, "an unverified wording says why in source.note"


@pytest.mark.parametrize("name", NAMES)
def test_item_ids_are_unique(name: str) -> None:
    ids = [item.id for item in SHIPPED[name].items]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", NAMES)
def test_items_are_numbered_1_to_n(name: str) -> None:
    numbers = [item.number for item in SHIPPED[name].items]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("name", NAMES)
def test_every_item_has_wording_help_and_answers(name: str) -> None:
    for item in SHIPPED[name].items:
        assert item.text and item.help and item.options, item.id
        assert len({o.value for o in item.options}) == len(item.options), item.id


@pytest.mark.parametrize("name", NAMES)
def test_every_rating_band_is_reached_by_some_answers(name: str) -> None:
    checklist = SHIPPED[name]
    if not checklist.ratings:
        return
    reached = {score(checklist, answers).rating for answers in _answer_sets(checklist)}
    for band in checklist.ratings:
        assert band.label in reached, f"no sampled answers give {band.label}"


@pytest.mark.parametrize("name", NAMES)
def test_any_answers_give_a_score_or_our_error(name: str) -> None:
    checklist = SHIPPED[name]
    labels = {level.label for level in checklist.levels}
    for answers in _answer_sets(checklist):
        if checklist.kind == "checklist":
            result = score(checklist, answers)
            assert 0 <= result.yes <= result.applicable
            assert result.rating in {b.label for b in checklist.ratings} | {None}
            continue
        for domain in checklist.domains:
            try:
                proposal = domain_judgement(checklist, domain.id, answers)
            except InvalidInput as error:
                assert str(error)
            else:
                assert proposal.judgement in labels


@pytest.mark.parametrize("name", NAMES)
def test_algorithms_propose_a_judgement_whenever_every_question_applies(name: str) -> None:
    checklist = SHIPPED[name]
    rng = random.Random(name)
    for _ in range(SAMPLES if checklist.kind == "domain-based" else 0):
        answers = [
            Answer(i.id, rng.choice([o for o in i.options if not o.not_applicable]).value)
            for i in checklist.items
        ]
        for domain in checklist.domains:
            if domain.algorithm is not None:
                assert domain_judgement(checklist, domain.id, answers).judgement


@pytest.mark.parametrize("name", NAMES)
def test_overall_rule_gives_a_judgement_for_any_domain_judgements(name: str) -> None:
    checklist = SHIPPED[name]
    if checklist.kind != "domain-based":
        return
    labels = [level.label for level in checklist.levels]
    for combination in itertools.islice(
        itertools.product(labels, repeat=len(checklist.domains)), 5000
    ):
        assert overall_judgement(checklist, list(combination)) in labels


@pytest.mark.parametrize("name", NAMES)
def test_mangled_copies_fail_with_our_error(name: str) -> None:
    text = checklist_file(name).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rng = random.Random(name)
    mangled = [
        "".join(lines[:n] + lines[n + 1 :])
        for n in rng.sample(range(len(lines)), min(40, len(lines)))
    ]
    mangled += [text[: rng.randrange(len(text))] for _ in range(20)]
    mangled += [text.replace(": ", ":  [", 1), text.replace("- ", "-", 3), "", "[]", "id: x\n"]
    for candidate in mangled:
        try:
            parse_checklist(candidate, f"{name}.yaml", SHIPPED)
        except ChecklistError as error:
            assert error.file == f"{name}.yaml"


def _extreme(item: Item, best: bool) -> Answer:
    """The item's answer worth most (best) or least, among answers that apply."""
    options = sorted((o for o in item.options if not o.not_applicable), key=lambda o: o.points)
    return Answer(item.id, (options[-1] if best else options[0]).value)


def _answer_sets(checklist: Checklist) -> list[list[Answer]]:
    """Extreme answer sets (all best, all worst, all of each option) and a random sample."""
    rng = random.Random(checklist.id)
    sets = []
    for best in range(len(checklist.items) + 1):
        sets.append([_extreme(item, n < best) for n, item in enumerate(checklist.items)])
    for position in range(max(len(item.options) for item in checklist.items)):
        sets.append(
            [
                Answer(i.id, i.options[min(position, len(i.options) - 1)].value)
                for i in checklist.items
            ]
        )
    for _ in range(SAMPLES):
        sets.append([Answer(i.id, rng.choice(i.options).value) for i in checklist.items])
    return sets
