"""A checklist file that cannot be used gives one error naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.appraisal import ChecklistError, load_checklist

GOOD = """\
id: tiny
name: Tiny checklist
version: "1"
kind: checklist
source:
  citation: A test
  url: https://example.org
items:
  - id: one
    number: 1
    text: First question?
  - id: two
    number: 2
    text: Second question?
ratings:
  - {label: Good, at_least: 2/2}
  - {label: Poor, at_least: 0}
"""


def load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    load_checklist(path)


def error(tmp_path: Path, text: str) -> ChecklistError:
    with pytest.raises(ChecklistError) as caught:
        load(tmp_path, text)
    assert caught.value.file == str(tmp_path / "tiny.yaml")
    return caught.value


def test_the_good_file_loads(tmp_path: Path) -> None:
    load(tmp_path, GOOD)


def test_missing_top_level_field_is_reported(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace('version: "1"\n', ""))
    assert found.line == 1
    assert "missing field 'version'" in str(found)


def test_missing_item_field_is_reported_at_the_item(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("    text: Second question?\n", ""))
    assert (found.line, "missing field 'text'" in str(found)) == (12, True)


def test_unparsable_rating_band_is_reported_at_its_line(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("at_least: 2/2", "at_least: two thirds"))
    assert found.line == 16
    assert "at_least must read like 6/8, 75% or 0.75" in str(found)


def test_rating_band_above_100_percent_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("at_least: 2/2", "at_least: 120%"))
    assert found.line == 16


def test_unreachable_rating_band_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("  - {label: Poor", "  - {label: Fair, at_least: 3/4}\n  - {label: Poor")
    found = error(tmp_path, text)
    assert found.line == 17
    assert "no combination of answers gives the rating 'Fair'" in str(found)


def test_bands_must_end_at_zero(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("at_least: 0}", "at_least: 1/2}"))
    assert "the last rating band must start at 0" in str(found)


def test_duplicate_item_id_is_reported_at_the_second_item(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("id: two", "id: one"))
    assert found.line == 12
    assert "item id 'one' is used twice (first on line 9)" in str(found)


def test_items_must_be_numbered_in_order(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("number: 2", "number: 3"))
    assert (found.line, "expected 2" in str(found)) == (12, True)


def test_scoring_rule_naming_no_allowed_answer_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("items:\n", "scoring:\n  count: [Yess]\nitems:\n"))
    assert found.line == 9
    assert "'scoring' names Yess, which no item allows" in str(found)


def test_scoring_rule_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("items:\n", "scoring: count Yes over all\nitems:\n"))
    assert found.line == 8
    assert "scoring must be a mapping of fields" in str(found)


def test_misspelt_field_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("    text: First question?", "    txt: First question?"))
    assert found.line == 11
    assert "unknown field 'txt'" in str(found)


def test_broken_yaml_is_reported_at_its_line(tmp_path: Path) -> None:
    found = error(tmp_path, GOOD.replace("  - id: two", "  - id: [two"))
    assert found.line is not None and found.line >= 12
    assert "not valid YAML" in str(found)


def test_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    with pytest.raises(ChecklistError, match=r"tiny\.yaml:18: the file is not UTF-8"):
        load_checklist(path)


ALGORITHM = """\
id: tiny-rob
name: Tiny risk of bias
version: "1"
kind: domain-based
source: {citation: A test, url: https://example.org}
answers: [Y, N]
judgements:
  - {label: Low, colour: "#02C100"}
  - {label: High, colour: "#BF0000"}
domains:
  - id: D1
    name: The only domain
    algorithm:
      start: first
      nodes:
        first:
          ask: ["1.1"]
          branches:
            - {when: [Y], then: Low}
            - {when: [N], then: second}
        second:
          ask: ["1.1"]
          branches:
            - {when: [Y, N], then: High}
items:
  - {id: "1.1", number: 1, domain: D1, text: "Question?"}
"""


def test_good_algorithm_loads(tmp_path: Path) -> None:
    load(tmp_path, ALGORITHM)


def test_algorithm_leading_nowhere_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, ALGORITHM.replace("then: second", "then: secnd"))
    assert found.line == 20
    assert "'secnd' is neither a node nor a judgement" in str(found)


def test_algorithm_that_loops_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, ALGORITHM.replace("[Y, N], then: High", "[Y, N], then: first"))
    assert "the algorithm loops: first -> second -> first" in str(found)


def test_algorithm_missing_an_answer_is_refused(tmp_path: Path) -> None:
    found = error(tmp_path, ALGORITHM.replace("- {when: [Y], then: Low}\n", ""))
    assert found.line == 17
    assert "no branch for the answers Y to 1.1" in str(found)


def test_algorithm_asking_an_unknown_question_is_refused(tmp_path: Path) -> None:
    found = error(
        tmp_path,
        ALGORITHM.replace(
            'ask: ["1.1"]\n          branches:\n            - {when: [Y, N]',
            'ask: ["9.9"]\n          branches:\n            - {when: [Y, N]',
        ),
    )
    assert "asks '9.9', which is not a question of domain D1" in str(found)
