"""A checklist derived from another drops and adds items and keeps the rest as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.appraisal import Checklist, ChecklistError, load_checklist


def test_modified_jbi_differs_from_jbi_by_exactly_the_dropped_and_added_items(
    checklists: dict[str, Checklist],
) -> None:
    base = checklists["jbi-cross-sectional"]
    modified = checklists["jbi-cross-sectional-modified"]
    before = {item.id: item.text for item in base.items}
    after = {item.id: item.text for item in modified.items}
    assert set(before) - set(after) == {"confounding-strategies"}
    assert set(after) - set(before) == {"ethical-issues"}
    assert all(after[key] == before[key] for key in set(before) & set(after))


def test_modified_jbi_keeps_the_papers_column_order(checklists: dict[str, Checklist]) -> None:
    modified = checklists["jbi-cross-sectional-modified"]
    assert [(item.number, item.short) for item in modified.items] == [
        (1, "Clear inclusion criteria"),
        (2, "Detailed setting description"),
        (3, "Valid / reliable exposure"),
        (4, "Objective / standard measurement criteria"),
        (5, "Confounding factor identification"),
        (6, "Valid / reliable outcome measurement"),
        (7, "Ethical issue consideration"),
        (8, "Appropriate statistical analysis"),
    ]


def test_derived_checklist_names_its_base_and_version(checklists: dict[str, Checklist]) -> None:
    modified = checklists["jbi-cross-sectional-modified"]
    assert modified.derived_from == "jbi-cross-sectional@2017"
    assert modified.reference == "jbi-cross-sectional-modified@1"


def test_review_can_derive_its_own_checklist_from_a_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "casp-short.yaml"
    path.write_text(
        "id: casp-short\n"
        "name: CASP without question 10\n"
        "version: '1'\n"
        "derived_from: casp-qualitative@2018\n"
        "source: {citation: Our protocol, url: https://example.org/protocol}\n"
        "drop: [value]\n"
        "ratings:\n"
        "  - {label: Good, at_least: 8/9}\n"
        "  - {label: Poor, at_least: 0}\n",
        encoding="utf-8",
    )
    derived = load_checklist(path)
    assert [item.number for item in derived.items] == list(range(1, 10))
    assert [band.label for band in derived.ratings] == ["Good", "Poor"]


def test_derived_checklist_must_name_the_bases_version(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(
        "id: old\nname: Old\nversion: '1'\n"
        "source: {citation: x, url: https://example.org}\n"
        "derived_from: jbi-cross-sectional@2011\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError, match=r"old\.yaml:5: .*version 2017"):
        load_checklist(path)


def test_derived_checklist_cannot_drop_an_item_the_base_lacks(tmp_path: Path) -> None:
    path = tmp_path / "bad-drop.yaml"
    path.write_text(
        "id: bad-drop\nname: Bad\nversion: '1'\n"
        "source: {citation: x, url: https://example.org}\n"
        "derived_from: jbi-cross-sectional@2017\n"
        "drop:\n  - confounding\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError, match=r"bad-drop\.yaml:7: cannot drop 'confounding'"):
        load_checklist(path)


def test_rob2_adhering_replaces_only_domain_2(checklists: dict[str, Checklist]) -> None:
    assignment, adhering = checklists["rob2"], checklists["rob2-adhering"]
    for domain in ("D1", "D3", "D4", "D5"):
        same = [(i.id, i.text, i.options) for i in assignment.items_of(domain)]
        assert same == [(i.id, i.text, i.options) for i in adhering.items_of(domain)]
        assert assignment.domain(domain) == adhering.domain(domain)
    assert [i.id for i in adhering.items_of("D2")] == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
