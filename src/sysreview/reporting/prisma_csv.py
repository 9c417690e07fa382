"""PRISMA counts in and out of the PRISMA2020 package's CSV template, and as plain JSON.

Reviewers draw PRISMA diagrams with the PRISMA2020 R package and its Shiny app; reading and
writing its exact CSV (``inst/extdata/PRISMA.csv``: columns ``data,node,box,description,
boxtext,tooltips,url,n``) lets a diagram move between sysreview and that tool both ways.

The package reads a reason list by splitting on ``;`` and taking the text before the first
comma as the reason and the digits after it as the count, and reads a value of only digits and
commas as a single count. We read the same shapes, but strictly: a reason without a count, or
an ``n`` that is not a number, is an :class:`~sysreview.errors.ImportFormatError` naming the
file and line, where the package would quietly draw ``NA``.

The package ignores the ``description`` column, so that is where a count entered by hand is
marked (``… [entered by hand]``), letting ``entered`` survive the round trip.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from sysreview.errors import ImportFormatError, InvalidInput
from sysreview.reporting.prisma import BREAKDOWN_KEYS, COUNT_KEYS, PrismaCounts

COLUMNS: tuple[str, ...] = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")
ENTERED_MARK = " [entered by hand]"

# (data, node, box, description, boxtext) in the template's order; None = a title or side box.
_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
    ),
    ("NA", "node6", "newstud", "Yellow title box; {dbr_title}", "{dbr_title}"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    (
        "database_specific_results",
        "NA",
        "box2",
        "Records identified from: Specific Databases",
        "Specific Databases",
    ),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    (
        "register_specific_results",
        "NA",
        "box2",
        "Records identified from: Specific Registers",
        "Specific Registers",
    ),
    ("NA", "node16", "othstud", "Grey title box; {other_title}", "{other_title}"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    (
        "organisation_results",
        "NA",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
    ),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. "
        "Reason1, xxx; Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): [separate reasons and numbers using ; e.g. "
        "Reason1, xxx; Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
    ),
    (
        "total_studies_ma",
        "node23",
        "box17",
        "Total studies included in meta-analysis",
        "Total studies included in meta-analysis",
    ),
    (
        "total_reports_ma",
        "NA",
        "box17",
        "Reports of total included studies in meta-analysis",
        "Reports of total included studies in meta-analysis",
    ),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
)
# Rows that label the diagram rather than count anything; read and ignored.
_TITLE_KEYS = frozenset(
    {"identification", "screening", "included", "prevstud", "newstud", "othstud"}
)
_NA = frozenset({"", "na", "n/a"})
_NUMBER = re.compile(r"\d[\d, ]*")
# The package's test for "a single count, not a reason list": nothing but digits and commas.
_BARE = re.compile(r"[\d,]*\d[\d,]*")


def to_prisma2020_csv(counts: PrismaCounts, *, links: Mapping[str, str] | None = None) -> str:
    """The counts as the PRISMA2020 package's CSV; missing counts are written ``NA``.

    ``links`` (data key → URL) fills the ``url`` column the package's interactive diagram uses.
    A reason or database name holding ``,`` or ``;`` cannot be read back by the package, so it
    is refused rather than written into a file that would come back changed.
    """
    links = dict(links or {})
    unknown = sorted(set(links) - set(COUNT_KEYS) - set(BREAKDOWN_KEYS))
    if unknown:
        raise InvalidInput(f"links name no PRISMA count: {', '.join(unknown)}")
    prefix = (
        "Identification of new studies via"
        if counts.template == "updated"
        else ("Identification of studies via")
    )
    titles = {
        "dbr_title": f"{prefix} databases and registers",
        "other_title": f"{prefix} other methods",
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for data, node, box, description, boxtext in _ROWS:
        description = description.format(**titles)
        boxtext = boxtext.format(**titles)
        n = "0"
        if data in COUNT_KEYS or data in BREAKDOWN_KEYS:
            n = _write_value(data, counts.value(data))
            if data in counts.entered:
                description += ENTERED_MARK
        tooltip = description if node != "NA" else "NA"
        writer.writerow((data, node, box, description, boxtext, tooltip, links.get(data, "NA"), n))
    return out.getvalue()


def _write_value(key: str, value: int | Mapping[str, int] | None) -> str:
    if value is None:
        return "NA"
    if isinstance(value, int):
        return str(value)
    if not value:
        return "NA"
    if "" in value:
        return str(value[""])
    for name in value:
        if "," in name or ";" in name:
            raise InvalidInput(
                f"{key}: the name {name!r} holds ',' or ';', which the PRISMA2020 CSV uses to "
                "separate names from counts; rename it before exporting"
            )
    return "; ".join(f"{name}, {n}" for name, n in value.items())


def from_prisma2020_csv(text: str, filename: str) -> PrismaCounts:
    """Counts from a PRISMA2020 package CSV; any row that cannot be read names file and line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError(
            "the file is empty; expected the PRISMA2020 CSV template", file=filename, line=1
        ) from None
    columns = [name.strip() for name in header]
    missing = [name for name in ("data", "n") if name not in columns]
    if missing:
        raise ImportFormatError(
            f"no {' or '.join(repr(m) for m in missing)} column; expected the PRISMA2020 "
            f"template's columns {','.join(COLUMNS)}",
            file=filename,
            line=1,
        )
    data_at, n_at, description_at = (
        columns.index("data"),
        columns.index("n"),
        columns.index("description") if "description" in columns else None,
    )
    values: dict[str, object] = {}
    entered: set[str] = set()
    seen: dict[str, int] = {}
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cell = row[data_at].strip() if data_at < len(row) else ""
        if cell.lower() in _NA or cell in _TITLE_KEYS:
            continue
        if cell not in COUNT_KEYS and cell not in BREAKDOWN_KEYS:
            raise ImportFormatError(
                f"{cell!r} is not a PRISMA2020 data key", file=filename, line=start
            )
        if cell in seen:
            raise ImportFormatError(
                f"{cell!r} appears again (first on line {seen[cell]})", file=filename, line=start
            )
        seen[cell] = start
        raw = row[n_at].strip() if n_at < len(row) else ""
        if cell in COUNT_KEYS:
            values[cell] = _read_count(cell, raw, filename, start)
        else:
            values[cell] = _read_breakdown(cell, raw, filename, start)
        description = (
            row[description_at] if description_at is not None and description_at < len(row) else ""
        )
        if description.rstrip().endswith(ENTERED_MARK.strip()):
            entered.add(cell)
    try:
        return PrismaCounts(**values, entered=frozenset(entered))  # type: ignore[arg-type]
    except InvalidInput as error:
        raise ImportFormatError(error.message, file=filename) from error


def _read_count(key: str, raw: str, filename: str, line: int) -> int | None:
    if raw.lower() in _NA:
        return None
    if not _NUMBER.fullmatch(raw):
        raise ImportFormatError(
            f"{key}: n is {raw!r}, not a number (write digits, or NA where it does not apply)",
            file=filename,
            line=line,
        )
    return int(re.sub(r"[, ]", "", raw))


def _read_breakdown(key: str, raw: str, filename: str, line: int) -> dict[str, int]:
    """``"Reason1, 12; Reason2, 3"`` → {"Reason1": 12, "Reason2": 3}; a bare number → {"": n}."""
    if raw.lower() in _NA:
        return {}
    if _BARE.fullmatch(raw):
        return {"": int(re.sub(r"[, ]", "", raw))}
    parsed: dict[str, int] = {}
    for item in re.split(r";\s?", raw):
        item = item.strip()
        if not item:
            continue
        name, comma, count = item.partition(",")
        name, count = name.strip(), count.strip()
        if not comma or not name or not _NUMBER.fullmatch(count):
            raise ImportFormatError(
                f"{key}: {item!r} is not 'name, count' (write e.g. 'Wrong population, 12; "
                "Wrong outcome, 3')",
                file=filename,
                line=line,
            )
        if name in parsed:
            raise ImportFormatError(f"{key}: {name!r} is listed twice", file=filename, line=line)
        parsed[name] = int(re.sub(r"[, ]", "", count))
    return parsed


def to_json_dict(counts: PrismaCounts) -> dict[str, object]:
    """The counts under the PRISMA2020 CSV ``data`` keys, breakdowns as name → count objects.

    Every key is present (``null`` where not reported) so the shape of ``--json`` never
    depends on the review; ``entered`` lists the counts typed in by hand, sorted.
    """
    result: dict[str, object] = {}
    for data, *_ in _ROWS:
        if data in COUNT_KEYS:
            result[data] = counts.value(data)
        elif data in BREAKDOWN_KEYS:
            value = counts.value(data)
            assert isinstance(value, Mapping)
            result[data] = dict(value)
    result["entered"] = sorted(counts.entered)
    return result


def from_json_dict(data: Mapping[str, object]) -> PrismaCounts:
    """Counts from :func:`to_json_dict`'s shape; unknown keys are refused, not dropped."""
    if not isinstance(data, Mapping):
        raise InvalidInput("PRISMA counts must be a JSON object")
    unknown = sorted(set(data) - set(COUNT_KEYS) - set(BREAKDOWN_KEYS) - {"entered"})
    if unknown:
        raise InvalidInput(f"not PRISMA count keys: {', '.join(unknown)}")
    values = {k: v for k, v in data.items() if k != "entered"}
    for key in BREAKDOWN_KEYS:
        if values.get(key) is None:
            values.pop(key, None)
    entered = data.get("entered") or ()
    return PrismaCounts(**values, entered=entered)  # type: ignore[arg-type]
