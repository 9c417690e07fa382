"""An answers file is read whole or not at all; a bad row is reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.appraisal import AnswersFileError, Checklist, read_answers_csv
from sysreview.errors import InvalidInput

HEADER = "study,tool,item,answer,quote,page\n"


def rows(checklist: Checklist, study: str = "Smith 2020", answer: str = "Yes") -> str:
    return "".join(f"{study},{checklist.id},{item.number},{answer},,\n" for item in checklist.items)


def read(tmp_path: Path, text: str, checklists: dict[str, Checklist]) -> dict:
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    return read_answers_csv(path, checklists)


def test_good_file_is_read_by_checklist_and_study(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    found = read(tmp_path, HEADER + rows(jbi), checklists)
    assert [a.value for a in found["jbi-cross-sectional"]["Smith 2020"]] == ["Yes"] * 8


def test_answer_outside_the_allowed_set_names_file_and_line(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + rows(jbi).replace("3,Yes", "3,Maybe")
    with pytest.raises(AnswersFileError) as caught:
        read(tmp_path, text, checklists)
    assert (caught.value.line, caught.value.file) == (4, str(tmp_path / "answers.csv"))
    assert isinstance(caught.value, InvalidInput)
    assert "'Maybe' is not an allowed answer to item 3" in str(caught.value)


def test_item_the_checklist_lacks_names_file_and_line(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + rows(jbi) + "Smith 2020,jbi-cross-sectional,9,Yes,,\n"
    with pytest.raises(AnswersFileError, match=r"answers\.csv:10: .* has no item '9'"):
        read(tmp_path, text, checklists)


def test_unknown_tool_names_file_and_line(tmp_path: Path, checklists: dict[str, Checklist]) -> None:
    with pytest.raises(AnswersFileError, match=r"answers\.csv:2: no checklist 'JBI-CS'"):
        read(tmp_path, HEADER + "Smith 2020,JBI-CS,1,Yes,,\n", checklists)


def test_study_missing_an_item_is_reported_at_its_first_row(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + rows(jbi, "Jones 2019") + "".join(rows(jbi).splitlines(True)[:-1])
    with pytest.raises(
        AnswersFileError, match=r"answers\.csv:10: Smith 2020 has no answer to item\(s\) 8"
    ):
        read(tmp_path, text, checklists)


def test_second_answer_to_an_item_is_refused(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + rows(jbi) + "Smith 2020,jbi-cross-sectional,2,No,,\n"
    with pytest.raises(AnswersFileError, match=r":10: a second answer to item 2 .* line 3"):
        read(tmp_path, text, checklists)


def test_missing_column_is_reported_on_line_1(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    with pytest.raises(AnswersFileError, match=r"answers\.csv:1: missing column\(s\): answer"):
        read(tmp_path, "study,tool,item\n", checklists)


def test_items_may_be_named_by_id(tmp_path: Path, checklists: dict[str, Checklist]) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + "".join(f"S,{jbi.id},{item.id},No,,\n" for item in jbi.items)
    found = read(tmp_path, text, checklists)
    assert [a.item for a in found[jbi.id]["S"]] == [item.id for item in jbi.items]


def test_quote_and_page_are_kept(tmp_path: Path, checklists: dict[str, Checklist]) -> None:
    jbi = checklists["jbi-cross-sectional"]
    text = HEADER + rows(jbi).replace("1,Yes,,", '1,Yes,"Adults aged 18, in ""clinic""",p. 3', 1)
    first = read(tmp_path, text, checklists)[jbi.id]["Smith 2020"][0]
    assert (first.quote, first.page) == ('Adults aged 18, in "clinic"', "p. 3")


def test_reviewer_filter_reads_only_that_reviewers_rows(
    tmp_path: Path, checklists: dict[str, Checklist]
) -> None:
    jbi = checklists["jbi-cross-sectional"]
    body = "".join(
        f"S,{jbi.id},{i.number},Yes,{who}\n" for who in ("HP", "consensus") for i in jbi.items
    )
    path = tmp_path / "answers.csv"
    path.write_text("study,tool,item,answer,reviewer\n" + body, encoding="utf-8")
    found = read_answers_csv(path, checklists, reviewer="consensus")
    assert len(found[jbi.id]["S"]) == 8
