"""The PRISMA2020 package's CSV is read and written, so diagrams move both ways; JSON too."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from sysreview.errors import ImportFormatError, InvalidInput
from sysreview.reporting import (
    PrismaCounts,
    check,
    from_json_dict,
    from_prisma2020_csv,
    to_json_dict,
    to_prisma2020_csv,
)
from sysreview.reporting.prisma_csv import COLUMNS
from tests.reporting.strategies import consistent_counts

TEMPLATE = Path(__file__).parent / "fixtures" / "prisma2020_template.csv"


def template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def replace_n(text: str, key: str, n: str) -> str:
    """The template with one row's ``n`` cell replaced, everything else as it was."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        if row[0] == key:
            row[-1] = n
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(consistent_counts())
def test_write_then_read_gives_the_same_counts(counts: PrismaCounts) -> None:
    assert from_prisma2020_csv(to_prisma2020_csv(counts), "x.csv") == counts


def test_a_file_shaped_like_the_package_template_is_read() -> None:
    counts = from_prisma2020_csv(template_text(), "PRISMA.csv")
    assert counts.template == "updated"
    assert counts.database_results == 1245  # "1,245", as scales::comma writes it
    assert counts.organisation_results == 3
    assert dict(counts.dbr_excluded) == {
        "Wrong population": 30,
        "Wrong intervention": 12,
        "Wrong study design": 8,
    }
    assert dict(counts.other_excluded) == {"Wrong population": 6, "No full text in English": 1}
    assert (counts.total_studies, counts.total_reports) == (19, 22)
    assert counts.total_studies_ma is None  # the template has no meta-analysis rows
    assert counts.entered == frozenset()
    assert check(counts) == []


def test_written_csv_has_the_template_columns_and_rows() -> None:
    counts = from_prisma2020_csv(template_text(), "PRISMA.csv")
    rows = list(csv.reader(io.StringIO(to_prisma2020_csv(counts))))
    assert tuple(rows[0]) == COLUMNS == (
        "data", "node", "box", "description", "boxtext", "tooltips", "url", "n",
    )  # fmt: skip
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["dbr_excluded"][7] == (
        "Wrong population, 30; Wrong intervention, 12; Wrong study design, 8"
    )
    assert by_key["dbr_excluded"][2] == "box9"
    assert by_key["total_studies_ma"][7] == "NA"
    assert by_key["database_specific_results"][7] == "NA"
    template_keys = [row[0] for row in csv.reader(io.StringIO(template_text()))][1:]
    written_keys = [row[0] for row in rows[1:]]
    assert [k for k in written_keys if k in template_keys] == template_keys


def test_per_database_counts_use_the_package_format() -> None:
    counts = PrismaCounts(database_specific_results={"MEDLINE": 120, "Embase": 80})
    text = to_prisma2020_csv(counts)
    assert "database_specific_results,NA,box2," in text
    assert '"MEDLINE, 120; Embase, 80"' in text


def test_entered_counts_survive_the_round_trip() -> None:
    counts = PrismaCounts(records_screened=372, entered={"records_screened"})
    text = to_prisma2020_csv(counts)
    assert "Records screened (databases and registers) [entered by hand]" in text
    assert from_prisma2020_csv(text, "x.csv").entered == {"records_screened"}


def test_links_fill_the_url_column() -> None:
    text = to_prisma2020_csv(
        PrismaCounts(records_screened=5), links={"records_screened": "https://x.org/s"}
    )
    assert ",https://x.org/s,5\n" in text


def test_a_reason_without_a_count_names_file_and_line() -> None:
    text = replace_n(template_text(), "dbr_excluded", "Wrong population; Wrong design, 8")
    with pytest.raises(ImportFormatError) as caught:
        from_prisma2020_csv(text, "PRISMA.csv")
    assert (caught.value.file, caught.value.line) == ("PRISMA.csv", 22)
    assert str(caught.value).startswith("PRISMA.csv:22: dbr_excluded: 'Wrong population'")


def test_the_package_placeholder_xxx_is_not_a_count() -> None:
    text = replace_n(template_text(), "other_excluded", "Reason1, xxx; Reason2, xxx")
    with pytest.raises(ImportFormatError, match=r"PRISMA.csv:24: other_excluded"):
        from_prisma2020_csv(text, "PRISMA.csv")


def test_a_non_numeric_n_names_file_and_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        from_prisma2020_csv(replace_n(template_text(), "duplicates", "about 300"), "PRISMA.csv")
    assert caught.value.line == 12
    assert "'about 300', not a number" in str(caught.value)


def test_line_numbers_count_quoted_line_breaks() -> None:
    text = replace_n(template_text(), "previous_studies", "4")
    text = text.replace(
        "Studies included in previous version of review,", '"Studies\nincluded",', 1
    )
    text = replace_n(text, "records_screened", "many")
    with pytest.raises(ImportFormatError) as caught:
        from_prisma2020_csv(text, "PRISMA.csv")
    assert caught.value.line == 16


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("key,value\nduplicates,3\n", "no 'data' or 'n' column"),
        ("data,n\nduplicate,3\n", "'duplicate' is not a PRISMA2020 data key"),
        ("data,n\nduplicates,3\nduplicates,4\n", "appears again"),
        ('data,n\ndbr_excluded,"A, 1; A, 2"\n', "listed twice"),
    ],
)
def test_files_that_are_not_the_template_are_refused(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        from_prisma2020_csv(text, "f.csv")


def test_na_and_missing_rows_read_as_not_reported() -> None:
    counts = from_prisma2020_csv("\ufeffdata,n\nduplicates,NA\nrecords_screened,372\n", "f.csv")
    assert counts == PrismaCounts(records_screened=372)


def test_a_single_number_for_reasons_is_a_bare_total() -> None:
    counts = from_prisma2020_csv('data,n\ndbr_excluded,"1,204"\n', "f.csv")
    assert dict(counts.dbr_excluded) == {"": 1204}
    assert 'dbr_excluded,node14,box9,"Reports excluded' in to_prisma2020_csv(counts)


def test_a_reason_the_package_would_split_is_refused_on_export() -> None:
    with pytest.raises(InvalidInput, match="rename it"):
        to_prisma2020_csv(PrismaCounts(dbr_excluded={"Wrong population, setting": 3}))


def test_json_uses_the_csv_data_keys() -> None:
    counts = from_prisma2020_csv(template_text(), "PRISMA.csv")
    data = to_json_dict(counts)
    assert data["database_results"] == 1245
    assert data["dbr_sought_reports"] == 70
    assert data["dbr_excluded"] == {
        "Wrong population": 30,
        "Wrong intervention": 12,
        "Wrong study design": 8,
    }
    assert data["database_specific_results"] == {}
    assert data["total_studies_ma"] is None
    assert data["entered"] == []
    assert from_json_dict(json.loads(json.dumps(data))) == counts


@settings(max_examples=100, deadline=None)
@given(consistent_counts())
def test_json_round_trip(counts: PrismaCounts) -> None:
    assert from_json_dict(json.loads(json.dumps(to_json_dict(counts)))) == counts


def test_json_with_unknown_keys_is_refused() -> None:
    with pytest.raises(InvalidInput, match="records_screend"):
        from_json_dict({"records_screend": 3})
