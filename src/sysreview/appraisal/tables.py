"""Appraisal tables and the answers file they are built from.

``appraisal_table`` gives the layout of a review's quality table (Table 2 and 3 of the reference
review: study × items, score, rating); ``judgement_table`` gives the robvis layout of a
risk-of-bias tool (Study, D1 … Dn, Overall). ``read_answers_csv`` reads answers kept one per
row (study, tool, item, answer, quote, page), checking every row before returning any.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sysreview.appraisal.judgement import StudyJudgements, study_judgements
from sysreview.appraisal.model import Checklist, Item
from sysreview.appraisal.scoring import Answer, Score, score, validate_answers
from sysreview.errors import InvalidInput

REQUIRED_COLUMNS = ("study", "tool", "item", "answer")


@dataclass(frozen=True)
class AppraisalRow:
    """One study's line: its answers in item order, its score and rating."""

    study: str
    answers: tuple[str, ...]
    score: Score

    @property
    def score_text(self) -> str:
        return self.score.text

    @property
    def rating(self) -> str | None:
        return self.score.rating


@dataclass(frozen=True)
class AppraisalTable:
    """A checklist's table: one row per study, one column per item, then score and rating."""

    checklist: Checklist
    rows: tuple[AppraisalRow, ...]

    def header(self) -> list[str]:
        return ["Study", "Score", "Rating", *(item.short for item in self.checklist.items)]

    def records(self) -> list[list[str]]:
        """Header and rows as text cells, ready for CSV or a document table."""
        body = [[r.study, r.score_text, r.rating or "", *r.answers] for r in self.rows]
        return [self.header(), *body]


@dataclass(frozen=True)
class JudgementTable:
    """A risk-of-bias tool's table in robvis's shape: Study, D1 … Dn, Overall."""

    checklist: Checklist
    rows: tuple[StudyJudgements, ...]

    def header(self) -> list[str]:
        return ["Study", *(d.heading for d in self.checklist.domains), "Overall"]

    def records(self) -> list[list[str]]:
        body = [[r.study, *(label for _, label in r.domains), r.overall] for r in self.rows]
        return [self.header(), *body]


def appraisal_table(
    checklist: Checklist, answers_by_study: Mapping[str, Iterable[Answer]]
) -> AppraisalTable:
    """The table of a checklist's answers, studies in the order given."""
    rows = []
    for study, answers in answers_by_study.items():
        answers = list(answers)
        given = validate_answers(checklist, answers, study=study)
        cells = tuple(given[item.id].value for item in checklist.items)
        rows.append(AppraisalRow(study, cells, score(checklist, answers, study=study)))
    return AppraisalTable(checklist, tuple(rows))


def judgement_table(
    checklist: Checklist,
    answers_by_study: Mapping[str, Iterable[Answer]],
    judgements_by_study: Mapping[str, Mapping[str, str]] | None = None,
) -> JudgementTable:
    """The robvis table of a domain-based tool: reviewers' judgements, else proposals."""
    chosen = judgements_by_study or {}
    studies = list(answers_by_study) + [s for s in chosen if s not in answers_by_study]
    rows = [
        study_judgements(checklist, study, answers_by_study.get(study, ()), chosen.get(study))
        for study in studies
    ]
    return JudgementTable(checklist, tuple(rows))


class AnswersFileError(InvalidInput):
    """A row of an answers file that cannot be used, with the file and line to fix."""

    def __init__(self, message: str, *, file: str, line: int) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line


def read_tool_names(path: Path | str) -> dict[str, str]:
    """A two-column CSV (tool, checklist) naming the checklist id behind each tool name."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or {"tool", "checklist"} - set(reader.fieldnames):
            raise AnswersFileError("the columns must be: tool, checklist", file=str(path), line=1)
        return {row["tool"].strip(): row["checklist"].strip() for row in reader}


def read_answers_csv(
    path: Path | str,
    checklists: Mapping[str, Checklist],
    tool_names: Mapping[str, str] | None = None,
    *,
    reviewer: str | None = None,
) -> dict[str, dict[str, list[Answer]]]:
    """:func:`parse_answers_csv` of a file."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return parse_answers_csv(text, str(path), checklists, tool_names, reviewer=reviewer)


def parse_answers_csv(
    text: str,
    name: str,
    checklists: Mapping[str, Checklist],
    tool_names: Mapping[str, str] | None = None,
    *,
    reviewer: str | None = None,
) -> dict[str, dict[str, list[Answer]]]:
    """Answers by checklist id, then by study, in file order; every row checked first.

    ``tool`` is a checklist id or a name that ``tool_names`` maps to one; ``item`` is an item
    id or its number. With ``reviewer``, only that reviewer's rows are read (e.g. "consensus").
    """
    found: dict[str, dict[str, list[Answer]]] = {}
    first_line: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise AnswersFileError(f"missing column(s): {', '.join(missing)}", file=name, line=1)
    reader.fieldnames = columns
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if reviewer is not None and cells.get("reviewer", "") != reviewer:
            continue
        checklist, item = _locate(cells, checklists, tool_names or {}, name, start)
        option = item.option(cells["answer"])
        if option is None:
            allowed = ", ".join(o.value for o in item.options)
            raise AnswersFileError(
                f"'{cells['answer']}' is not an allowed answer to item {item.number} "
                f"({item.short}) of {checklist.name}; allowed: {allowed}",
                file=name,
                line=start,
            )
        key = (checklist.id, cells["study"], item.id)
        if key in seen:
            raise AnswersFileError(
                f"a second answer to item {item.number} for {cells['study']} "
                f"(the first is on line {seen[key]})",
                file=name,
                line=start,
            )
        seen[key] = start
        first_line.setdefault((checklist.id, cells["study"]), start)
        answer = Answer(item.id, option.value, cells.get("quote", ""), cells.get("page", ""))
        found.setdefault(checklist.id, {}).setdefault(cells["study"], []).append(answer)
    _check_complete(found, checklists, first_line, name)
    return found


def _locate(
    cells: Mapping[str, str],
    checklists: Mapping[str, Checklist],
    tool_names: Mapping[str, str],
    file: str,
    line: int,
) -> tuple[Checklist, Item]:
    for column in REQUIRED_COLUMNS:
        if not cells.get(column):
            raise AnswersFileError(f"the '{column}' cell is empty", file=file, line=line)
    tool = cells["tool"]
    checklist = checklists.get(tool_names.get(tool, tool))
    if checklist is None:
        raise AnswersFileError(
            f"no checklist '{tool}' (known: {', '.join(sorted(checklists))})", file=file, line=line
        )
    wanted = cells["item"]
    item = next(
        (
            i
            for i in checklist.items
            if i.id == wanted or (wanted.isdigit() and i.number == int(wanted))
        ),
        None,
    )
    if item is None:
        raise AnswersFileError(
            f"{checklist.name} has no item '{wanted}' (items 1–{len(checklist.items)}: "
            f"{', '.join(i.id for i in checklist.items)})",
            file=file,
            line=line,
        )
    return checklist, item


def _check_complete(
    found: Mapping[str, Mapping[str, list[Answer]]],
    checklists: Mapping[str, Checklist],
    first_line: Mapping[tuple[str, str], int],
    file: str,
) -> None:
    """Every study appraised with a checklist answers all its items."""
    for checklist_id, studies in found.items():
        checklist = checklists[checklist_id]
        if checklist.kind != "checklist":
            continue
        for study, answers in studies.items():
            answered = {a.item for a in answers}
            missing = [str(i.number) for i in checklist.items if i.id not in answered]
            if missing:
                raise AnswersFileError(
                    f"{study} has no answer to item(s) {', '.join(missing)} of {checklist.name}",
                    file=file,
                    line=first_line[(checklist_id, study)],
                )
