"""Codebook edits as pure functions: what they change, and the edits they refuse."""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput, NotFound
from sysreview.synthesis.codebook import (
    Code,
    add_code,
    codebook,
    delete_code,
    merge_codes,
    move_code,
    rename_code,
    split_code,
)

BOOK = codebook(
    [
        Code(1, "Sense of community", "analytical"),
        Code(2, "Peer support", "descriptive", 1),
        Code(3, "source of support", "code", 2),
        Code(4, "cohesive groups", "code", 1),
        Code(5, "Coping", "analytical"),
        Code(6, "stress", "code", 5),
    ]
)


def test_paths_walk_and_descendants_follow_the_hierarchy() -> None:
    assert BOOK.path(3) == "Sense of community > Peer support > source of support"
    assert BOOK.descendants(1) == {2, 3, 4}
    assert [(depth, c.name) for depth, c in BOOK.walk()][:3] == [
        (0, "Coping"),
        (1, "stress"),
        (0, "Sense of community"),
    ]
    assert BOOK.find("Sense of community > Peer support").id == 2
    assert BOOK.find("stress").id == 6


def test_rename_keeps_the_place_and_changes_the_definition() -> None:
    renamed = rename_code(BOOK, 6, "work-related stress", "Managing stress at work")
    assert renamed.get(6) == Code(6, "work-related stress", "code", 5, "Managing stress at work")


def test_move_takes_the_subtree_along() -> None:
    moved = move_code(BOOK, 2, 5)
    assert moved.path(3) == "Coping > Peer support > source of support"


@pytest.mark.parametrize(
    ("code", "parent", "level", "message"),
    [
        (1, 3, None, "cannot go under"),  # an analytical theme under a code
        (2, 3, "code", "inside itself"),  # into its own child: a cycle
        (1, 1, None, "inside itself"),
        (4, 2, None, None),  # allowed: a code under a descriptive theme
    ],
)
def test_bad_moves_are_refused(
    code: int, parent: int, level: str | None, message: str | None
) -> None:
    if message is None:
        assert move_code(BOOK, code, parent, level).get(code).parent == parent
        return
    with pytest.raises(InvalidInput, match=message):
        move_code(BOOK, code, parent, level)


def test_a_move_to_a_missing_parent_or_a_clashing_name_is_refused() -> None:
    with pytest.raises(NotFound):
        move_code(BOOK, 4, 99)
    clash = add_code(BOOK, Code(7, "Cohesive Groups", "code", 2))
    with pytest.raises(InvalidInput, match="already a code named 'cohesive groups'"):
        move_code(clash, 4, 2)


def test_sibling_names_are_unique_but_cousins_may_share_one() -> None:
    with pytest.raises(InvalidInput, match="already a code named"):
        add_code(BOOK, Code(7, "stress", "code", 5))
    cousin = add_code(BOOK, Code(7, "stress", "code", 1))
    with pytest.raises(InvalidInput, match="names several codes"):
        cousin.find("stress")
    assert cousin.find("Sense of community > stress").id == 7


def test_merge_moves_children_and_says_where_links_go() -> None:
    merged = merge_codes(BOOK, [2], 1)
    assert 2 not in merged.codebook.codes
    assert merged.codebook.get(3).parent == 1
    assert merged.relink == {2: 1}


def test_merge_into_itself_or_a_descendant_is_refused() -> None:
    with pytest.raises(InvalidInput, match="into itself"):
        merge_codes(BOOK, [1], 1)
    with pytest.raises(InvalidInput, match="inside it"):
        merge_codes(BOOK, [1], 3)


def test_split_adds_a_sibling_and_delete_needs_an_empty_leaf() -> None:
    split = split_code(BOOK, 6, 7, "burnout")
    assert split.get(7) == Code(7, "burnout", "code", 5)
    with pytest.raises(InvalidInput, match="has codes under it"):
        delete_code(BOOK, 1)
    assert 6 not in delete_code(BOOK, 6).codes


@pytest.mark.parametrize("name", ["", " padded", "a > b"])
def test_bad_names_and_levels_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput):
        add_code(BOOK, Code(7, name))
    with pytest.raises(InvalidInput, match="level is one of"):
        add_code(BOOK, Code(7, "fine", "theme"))
