"""CSV and XLSX exports cannot carry formulas, and sysreview's own import undoes the guard.

OWASP's CSV-injection list and ASVS V1.2.10 together name ``= + - @``, tab, CR, LF and NUL as
the characters that make a spreadsheet cell a formula; each such cell gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sysreview.formats import read_file, write_records
from sysreview.formats.tabular import (
    escape_controls,
    neutralise_cell,
    restore_cell,
    unescape_controls,
)
from sysreview.records import Record

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\x00"]
PAYLOAD = "cmd|' /C calc'!A0"


def hostile_record(trigger: str) -> Record:
    value = trigger + PAYLOAD
    return Record(
        title=value,
        abstract=value,
        authors=[value, "Doe, J."],
        journal=value,
        pages=value,
        doi=value,
        keywords=[value],
        urls=[value],
    )


def exported_cells(data: bytes, fmt: str) -> list[str]:
    """Every cell of an export, as a spreadsheet program would see it.

    Excel undoes OOXML's ``_xHHHH_`` escapes in XLSX cells; in CSV they stay as written.
    """
    if fmt == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        return [cell for row in rows for cell in row]
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "a cell was written as a formula"
    return [unescape_controls(str(cell.value)) for cell in cells if cell.value is not None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("trigger", TRIGGERS, ids=repr)
def test_a_cell_starting_with_a_formula_character_is_neutralised(fmt: str, trigger: str) -> None:
    data = write_records([hostile_record(trigger)], fmt, [{"decision": trigger + "include"}])
    cells = exported_cells(data, fmt)
    assert not [cell for cell in cells if cell[:1] in TRIGGERS]
    guarded = [cell for cell in map(unescape_controls, cells) if cell.startswith("'" + trigger)]
    assert len(guarded) == 9


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("trigger", TRIGGERS, ids=repr)
def test_reimporting_the_export_restores_the_values_exactly(fmt: str, trigger: str) -> None:
    record = hostile_record(trigger)
    data = write_records([record], fmt, [{"decision": trigger + "include"}])
    (back,) = read_file(data, filename=f"export.{fmt}").records
    for name in ("title", "abstract", "authors", "journal", "pages", "doi", "keywords", "urls"):
        assert getattr(back, name) == getattr(record, name), name
    assert back.source_fields["decision"] == [trigger + "include"]


def test_a_value_that_already_starts_with_a_quote_survives_too() -> None:
    record = Record(title="'=already quoted", abstract="'plain quote", journal="''+two")
    (back,) = read_file(write_records([record], "csv"), filename="e.csv").records
    assert (back.title, back.abstract, back.journal) == (
        "'=already quoted",
        "'plain quote",
        "''+two",
    )


def test_a_foreign_table_keeps_its_leading_quotes() -> None:
    (record,) = read_file(b"Title\n'=not ours\n", filename="their.csv").records
    assert record.title == "'=not ours"


@given(st.text())
def test_restore_undoes_neutralise_for_every_string(value: str) -> None:
    guarded = neutralise_cell(value)
    assert guarded[:1] not in TRIGGERS
    assert restore_cell(guarded) == value


@given(st.text())
def test_unescape_undoes_escape_for_every_string(value: str) -> None:
    escaped = escape_controls(value)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in escaped)
    assert unescape_controls(escaped) == value


@settings(max_examples=60, deadline=None, database=None)
@given(
    title=st.text(min_size=1).filter(lambda t: t.strip()),
    authors=st.lists(st.text(min_size=1).filter(lambda a: "; " not in a), max_size=3),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_any_text_survives_an_export_and_reimport(title: str, authors: list[str], fmt: str) -> None:
    record = Record(title=title, abstract=title, authors=authors)
    (back,) = read_file(write_records([record], fmt), filename=f"e.{fmt}").records
    assert (back.title, back.abstract, back.authors) == (title, title, authors)
