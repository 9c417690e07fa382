"""Reading a meta-analysis input table (CSV rows) into effect sizes, refusing bad input whole.

Columns, by measure (``study`` always; ``subgroup`` optional):

- RR, OR, RD: events_treatment, total_treatment, events_control, total_control
- MD, SMD: mean_treatment, sd_treatment, n_treatment, mean_control, sd_control, n_control
- ZCOR: r, n
- GEN: effect and se (or effect and variance)

Every problem names the file, the row, the study and the column, and nothing is computed from a
table with any problem in it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from sysreview.errors import InvalidInput
from sysreview.synthesis.meta.effects import (
    COLUMNS,
    EffectSizes,
    binary_effects,
    continuous_effects,
    correlation_effects,
    generic_effects,
    kind_of,
)

COUNT_COLUMNS = {
    "events_treatment",
    "total_treatment",
    "events_control",
    "total_control",
    "n_treatment",
    "n_control",
    "n",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file (UTF-8, with or without BOM) as dicts keyed by the header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the file ({exc})") from exc
    return parse_csv(text, str(path))


def parse_csv(text: str, source: str) -> list[dict[str, str]]:
    """Rows of CSV text; ``source`` names the file in messages."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InvalidInput(f"{source}: the file is empty; it needs a header row")
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return rows


def _needed(measure: str, header: Iterable[str]) -> tuple[str, ...]:
    kind = kind_of(measure)
    columns = COLUMNS[kind]
    if kind == "generic" and "se" not in header and "variance" in header:
        columns = ("effect", "variance")
    return ("study", *columns)


def _number(value: str, *, where: str, column: str) -> float:
    if not value:
        raise InvalidInput(f"{where}, column {column}: the cell is empty")
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{where}, column {column}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{where}, column {column}: {value!r} is not a finite number")
    if column in COUNT_COLUMNS and (number < 0 or number != int(number)):
        raise InvalidInput(f"{where}, column {column}: {value!r} is not a whole count")
    return number


def _check_row(measure: str, where: str, row: dict[str, float]) -> None:
    """Refuse values no effect size can come from, naming the column at fault."""
    kind = kind_of(measure)
    if kind == "binary":
        for arm in ("treatment", "control"):
            events, total = row[f"events_{arm}"], row[f"total_{arm}"]
            if total <= 0:
                raise InvalidInput(f"{where}, column total_{arm}: the total must be above 0")
            if events > total:
                raise InvalidInput(
                    f"{where}, column events_{arm}: {events:g} events out of {total:g}"
                )
        if row["events_treatment"] == 0 and row["events_control"] == 0:
            raise InvalidInput(
                f"{where}, columns events_treatment and events_control: zero events in both "
                "arms, so the study carries no information on the relative effect; leave it out"
            )
        if row["events_treatment"] == row["total_treatment"] and (
            row["events_control"] == row["total_control"]
        ):
            raise InvalidInput(
                f"{where}, columns events_treatment and events_control: every participant in "
                "both arms had the event; leave the study out"
            )
    elif kind == "continuous":
        for column in ("sd_treatment", "sd_control"):
            if row[column] <= 0:
                raise InvalidInput(f"{where}, column {column}: the SD must be above 0")
        for column in ("n_treatment", "n_control"):
            if row[column] < 2:
                raise InvalidInput(f"{where}, column {column}: the group size must be at least 2")
    elif kind == "correlation":
        if not -1 < row["r"] < 1:
            raise InvalidInput(f"{where}, column r: a correlation must lie between -1 and 1")
        if row["n"] < 4:
            raise InvalidInput(f"{where}, column n: Fisher's z needs a sample of at least 4")
    else:
        column = "se" if "se" in row else "variance"
        if row[column] <= 0:
            raise InvalidInput(f"{where}, column {column}: must be above 0 (got {row[column]:g})")


def effects_from_rows(
    measure: str,
    rows: Sequence[Mapping[str, str]],
    *,
    source: str = "input",
    add: float = 0.5,
) -> EffectSizes:
    """Effect sizes from table rows (dicts of column name to text), or a clear InvalidInput."""
    measure = measure.upper()
    kind_of(measure)
    if not rows:
        raise InvalidInput(f"{source}: no studies in the table")
    header = list(rows[0].keys())
    needed = _needed(measure, header)
    missing = [c for c in needed if c not in header]
    if missing:
        raise InvalidInput(
            f"{source}: measure {measure} needs the column(s) {', '.join(missing)}; "
            f"the header has {', '.join(header) or 'nothing'}"
        )
    studies: list[str] = []
    values: list[list[float]] = []
    groups: list[str] = []
    for number, row in enumerate(rows, start=2):
        study = (row.get("study") or "").strip()
        if not study:
            raise InvalidInput(f"{source}: row {number}, column study: the study label is empty")
        if study in studies:
            raise InvalidInput(f"{source}: row {number}, study {study!r}: the label is used twice")
        where = f"{source}: row {number}, study {study!r}"
        parsed = {c: _number(row.get(c) or "", where=where, column=c) for c in needed[1:]}
        _check_row(measure, where, parsed)
        studies.append(study)
        values.append([parsed[c] for c in needed[1:]])
        groups.append((row.get("subgroup") or "").strip())
    return _effects(measure, tuple(studies), np.array(values), groups, needed, add)


def _effects(
    measure: str,
    studies: tuple[str, ...],
    data: np.ndarray,
    groups: list[str],
    needed: tuple[str, ...],
    add: float,
) -> EffectSizes:
    grouping = tuple(groups) if any(groups) else None
    kind = kind_of(measure)
    if kind == "binary":
        return binary_effects(measure, studies, data, add=add, groups=grouping)
    if kind == "continuous":
        return continuous_effects(measure, studies, data, groups=grouping)
    if kind == "correlation":
        return correlation_effects(studies, data, groups=grouping)
    variance = data[:, 1] ** 2 if needed[2] == "se" else data[:, 1]
    return generic_effects(studies, data[:, 0], variance, groups=grouping)
