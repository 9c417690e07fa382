"""Hypothesis strategies for PRISMA counts that add up, and for breaking exactly one box."""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from sysreview.reporting.prisma import BREAKDOWN_KEYS, COUNT_KEYS, PrismaCounts

# Names a reviewer would type: no ',' or ';' (the CSV's separators), no control characters.
names = (
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=",;"
        ),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _split(draw: st.DrawFn, total_at_most: int, min_size: int = 0) -> dict[str, int]:
    """Named counts whose sum is at most ``total_at_most``."""
    keys = draw(st.lists(names, min_size=min_size, max_size=4, unique=True))
    left, parts = total_at_most, {}
    for key in keys:
        parts[key] = draw(st.integers(0, left))
        left -= parts[key]
    return parts


@st.composite
def consistent_counts(draw: st.DrawFn) -> PrismaCounts:
    """Counts of any template (new/updated, ± other methods, ± meta-analysis) that add up."""
    values: dict[str, object] = {}
    databases = draw(_split(3000, min_size=1))
    values["database_specific_results"] = databases
    if draw(st.booleans()):
        values["database_results"] = sum(databases.values())
    registers = draw(_split(200))
    if registers:
        values["register_specific_results"] = registers
        if draw(st.booleans()):
            values["register_results"] = sum(registers.values())
    identified = sum(databases.values()) + sum(registers.values())
    left = identified
    for key in ("duplicates", "excluded_automatic", "excluded_other"):
        values[key] = draw(st.integers(0, left))
        left -= values[key]  # type: ignore[operator]
    values["records_screened"] = screened = left
    values["records_excluded"] = excluded = draw(st.integers(0, screened))
    values["dbr_sought_reports"] = sought = screened - excluded
    values["dbr_notretrieved_reports"] = lost = draw(st.integers(0, sought))
    values["dbr_assessed"] = assessed = sought - lost
    reasons = draw(_split(assessed, min_size=1))
    values["dbr_excluded"] = reasons
    passed = assessed - sum(reasons.values())

    if draw(st.booleans()):
        other_found = 0
        for key in ("website_results", "organisation_results", "citations_results"):
            if draw(st.booleans()):
                values[key] = n = draw(st.integers(0, 100))
                other_found += n
        values["other_sought_reports"] = o_sought = draw(st.integers(0, other_found))
        values["other_notretrieved_reports"] = o_lost = draw(st.integers(0, o_sought))
        values["other_assessed"] = o_assessed = o_sought - o_lost
        o_reasons = draw(_split(o_assessed, min_size=1))
        values["other_excluded"] = o_reasons
        passed += o_assessed - sum(o_reasons.values())

    new_studies = draw(st.integers(0, passed))
    if draw(st.booleans()):
        previous_reports = draw(st.integers(0, 50))
        previous_studies = draw(st.integers(0, previous_reports))
        values |= {"previous_studies": previous_studies, "previous_reports": previous_reports}
        values |= {"new_studies": new_studies, "new_reports": passed}
    else:
        previous_studies = previous_reports = 0
        if draw(st.booleans()):
            values |= {"new_studies": new_studies, "new_reports": passed}
    values["total_studies"] = total_studies = previous_studies + new_studies
    values["total_reports"] = total_reports = previous_reports + passed
    if draw(st.booleans()):
        values["total_studies_ma"] = ma_studies = draw(st.integers(0, total_studies))
        values["total_reports_ma"] = draw(st.integers(ma_studies, total_reports))
    present = [k for k, v in values.items() if v not in (None, {})]
    entered = draw(st.sets(st.sampled_from(present)))
    return PrismaCounts(**values, entered=frozenset(entered))  # type: ignore[arg-type]


def present_keys(counts: PrismaCounts) -> list[str]:
    """Keys holding a count (breakdowns: holding at least one entry), in CSV order."""
    return [
        key
        for key in COUNT_KEYS + BREAKDOWN_KEYS
        if getattr(counts, key) is not None and getattr(counts, key) != {}
    ]


#: Boxes bound by an inequality, which only a change in one direction breaks.
INEQUALITY_KEYS = frozenset(
    {
        "website_results",
        "organisation_results",
        "citations_results",
        "total_studies_ma",
        "total_reports_ma",
        "total_studies",
    }
)


def breaking_delta(counts: PrismaCounts, key: str, size: int) -> int:
    """A change to ``key`` (size ≥ 1) that no consistent diagram can absorb.

    Most boxes sit in an equation, so any change breaks it. A few are bound only by an
    inequality (other-methods sources ≥ reports sought; meta-analysis ≤ review; studies ≤
    reports while no new-studies count pins them): those are pushed past their bound.
    """
    c = counts
    if key in ("website_results", "organisation_results", "citations_results"):
        slack = (c.other_identified or 0) - (c.other_sought_reports or 0)
        return -(slack + size)
    if key == "total_studies_ma":
        return (c.total_studies or 0) - (c.total_studies_ma or 0) + size
    if key == "total_reports_ma":
        return (c.total_reports or 0) - (c.total_reports_ma or 0) + size
    if key == "total_studies" and c.new_studies is None:
        return (c.total_reports or 0) - (c.total_studies or 0) + size
    return size


def perturbed(counts: PrismaCounts, key: str, delta: int, entry: int = 0) -> PrismaCounts:
    """``counts`` with one box (or one entry of a breakdown) changed by ``delta``."""
    value = getattr(counts, key)
    if key in BREAKDOWN_KEYS:
        items = dict(value)
        name = sorted(items)[entry % len(items)]
        items[name] += delta
        return dataclasses.replace(counts, **{key: items})  # type: ignore[arg-type]
    return dataclasses.replace(counts, **{key: value + delta})
