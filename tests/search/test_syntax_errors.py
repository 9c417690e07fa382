"""A strategy that cannot be read is refused with the line and column of the problem."""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput, SysreviewError
from sysreview.search import SearchSyntaxError, parse_strategy, syntax, translate

CASES = [
    # syntax, text, line, column, what the message says
    ("pubmed", "mentor*[tiab] OR peer[xx]", 1, 22, "cannot read '[xx]'"),
    ("pubmed", "(mentor*[tiab] OR peer[tiab]", 1, 23, "closing parenthesis"),
    ("ovid", "1 exp Mentors/\n2 mentor$.ti,ab.\n3 1 and 7", 3, 9, "line 7 is not an earlier"),
    ("ovid", "1 peer.ti,ab.\n\n2 (a adj3 (b and c)).ti,ab.", 3, 6, "proximity operator joins"),
    ("ebsco", "TI (peer OR) AND AB x", 1, 12, "unexpected ')'"),
    ("embase", "'mentor'/exp AND AND x", 1, 18, "unexpected 'AND'"),
    ("scopus", "TITLE-ABS(peer) AND TITLE(mentor", 1, 27, "closing parenthesis"),
    ("wos", "TS=(peer NEAR/2 (a AND b))", 1, 10, "proximity operator joins"),
    ("cochrane", "#1 peer:ti,ab\n#2 #1 AND #3", 2, 11, "line 3 is not an earlier"),
]


@pytest.mark.parametrize(("name", "text", "line", "column", "says"), CASES)
def test_a_syntax_error_names_its_line_and_column(
    name: str, text: str, line: int, column: int, says: str
) -> None:
    with pytest.raises(SearchSyntaxError) as caught:
        parse_strategy(text, name)

    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"line {line}, column {column}: ")
    assert says in str(caught.value)
    assert isinstance(caught.value, SysreviewError)


def test_a_boolean_shape_outside_the_block_model_is_refused_with_advice() -> None:
    with pytest.raises(SearchSyntaxError, match="concept blocks") as caught:
        parse_strategy("a[tiab] AND (b[tiab] OR (c[tiab] AND d[tiab]))", "pubmed")

    assert caught.value.line == 1


def test_an_empty_strategy_and_an_unknown_syntax_are_refused() -> None:
    with pytest.raises(SearchSyntaxError, match="empty"):
        parse_strategy("# only a comment\n\n", "ovid")
    with pytest.raises(InvalidInput, match="unknown search syntax 'dialog'"):
        syntax("dialog")
    with pytest.raises(InvalidInput, match="unknown vocabulary"):
        translate("mentor*[tiab]", "pubmed", "ovid", target_vocabulary="lcsh")
