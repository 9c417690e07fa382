"""PRISMA 2020 flow-diagram counts: one value for every box, and the arithmetic that ties them.

The diagram, the PRISMA2020 package's CSV and the ``--json`` answer all show the same numbers,
so they share this one frozen value. Its field names *are* the CSV's ``data`` keys
(``database_results``, ``dbr_sought_reports``, …): one vocabulary across Python, JSON and CSV
leaves no translation table to drift. ``None`` (the CSV's ``NA``) means "not reported / not
applicable" and, as in the PRISMA2020 package, removes that line from the diagram; an arithmetic
rule that needs a missing count is skipped rather than guessed.

Which template is drawn follows from the counts: any ``previous_*`` count makes it the
updated-review template, any other-methods count adds the grey "other methods" column, and any
``*_ma`` count adds the meta-analysis box.

Counts typed in by hand rather than computed from the review's records (the demo's 372 records
after de-duplication, which its paper does not list) are named in ``entered``; the diagram marks
them so they are never mixed silently with computed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from sysreview.errors import InvalidInput

#: The single counts, in the PRISMA2020 CSV's order.
COUNT_KEYS: tuple[str, ...] = (
    "previous_studies",
    "previous_reports",
    "database_results",
    "register_results",
    "website_results",
    "organisation_results",
    "citations_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "other_sought_reports",
    "other_notretrieved_reports",
    "dbr_assessed",
    "other_assessed",
    "new_studies",
    "new_reports",
    "total_studies",
    "total_reports",
    "total_studies_ma",
    "total_reports_ma",
)
#: The name → count breakdowns ("Reason1, 12; Reason2, 3" in the CSV).
BREAKDOWN_KEYS: tuple[str, ...] = (
    "database_specific_results",
    "register_specific_results",
    "dbr_excluded",
    "other_excluded",
)
ALL_KEYS: frozenset[str] = frozenset(COUNT_KEYS + BREAKDOWN_KEYS)

OTHER_METHOD_KEYS: tuple[str, ...] = (
    "website_results",
    "organisation_results",
    "citations_results",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
)

#: What each box counts, in the reviewers' words, for messages.
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "previous_studies": "Studies included in previous version of review",
        "previous_reports": "Reports of studies included in previous version of review",
        "database_results": "Records identified from databases",
        "database_specific_results": "Records identified per database",
        "register_results": "Records identified from registers",
        "register_specific_results": "Records identified per register",
        "website_results": "Records identified from websites",
        "organisation_results": "Records identified from organisations",
        "citations_results": "Records identified from citation searching",
        "duplicates": "Duplicate records removed",
        "excluded_automatic": "Records marked as ineligible by automation tools",
        "excluded_other": "Records removed for other reasons",
        "records_screened": "Records screened",
        "records_excluded": "Records excluded",
        "dbr_sought_reports": "Reports sought for retrieval (databases and registers)",
        "dbr_notretrieved_reports": "Reports not retrieved (databases and registers)",
        "dbr_assessed": "Reports assessed for eligibility (databases and registers)",
        "dbr_excluded": "Reports excluded (databases and registers)",
        "other_sought_reports": "Reports sought for retrieval (other methods)",
        "other_notretrieved_reports": "Reports not retrieved (other methods)",
        "other_assessed": "Reports assessed for eligibility (other methods)",
        "other_excluded": "Reports excluded (other methods)",
        "new_studies": "New studies included in review",
        "new_reports": "Reports of new included studies",
        "total_studies": "Total studies included in review",
        "total_reports": "Reports of total included studies",
        "total_studies_ma": "Total studies included in meta-analysis",
        "total_reports_ma": "Reports of total included studies in meta-analysis",
    }
)

Template = Literal["new", "updated"]


def fmt(n: int) -> str:
    """A count as the PRISMA2020 package prints it (``scales::comma``: 1,234)."""
    return f"{n:,}"


def _check_count(key: str, value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise InvalidInput(f"{key} must be a whole number or empty, not {value!r}")


def _frozen_breakdown(key: str, value: object) -> Mapping[str, int]:
    """A read-only copy of a name → count breakdown, refusing what no box could show.

    The unnamed entry ``""`` holds a bare total (the CSV's single number with no reasons); it
    cannot stand beside named entries, since the box would then show a count of nothing.
    """
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{key} must map names to counts, not {value!r}")
    copy: dict[str, int] = {}
    for name, count in value.items():
        if not isinstance(name, str) or (name and name != name.strip()):
            raise InvalidInput(f"{key}: {name!r} is not a usable name")
        _check_count(f"{key}[{name!r}]", count)
        if count is None:
            raise InvalidInput(f"{key}[{name!r}] needs a count")
        copy[name] = count
    if "" in copy and len(copy) > 1:
        raise InvalidInput(f"{key}: a bare total cannot be mixed with named counts")
    return MappingProxyType(copy)


@dataclass(frozen=True)
class PrismaCounts:
    """Every count of a PRISMA 2020 flow diagram; ``None`` or an empty breakdown = not reported."""

    previous_studies: int | None = None
    previous_reports: int | None = None
    database_results: int | None = None
    database_specific_results: Mapping[str, int] = field(default_factory=dict, hash=False)
    register_results: int | None = None
    register_specific_results: Mapping[str, int] = field(default_factory=dict, hash=False)
    website_results: int | None = None
    organisation_results: int | None = None
    citations_results: int | None = None
    duplicates: int | None = None
    excluded_automatic: int | None = None
    excluded_other: int | None = None
    records_screened: int | None = None
    records_excluded: int | None = None
    dbr_sought_reports: int | None = None
    dbr_notretrieved_reports: int | None = None
    other_sought_reports: int | None = None
    other_notretrieved_reports: int | None = None
    dbr_assessed: int | None = None
    dbr_excluded: Mapping[str, int] = field(default_factory=dict, hash=False)
    other_assessed: int | None = None
    other_excluded: Mapping[str, int] = field(default_factory=dict, hash=False)
    new_studies: int | None = None
    new_reports: int | None = None
    total_studies: int | None = None
    total_reports: int | None = None
    total_studies_ma: int | None = None
    total_reports_ma: int | None = None
    entered: Set[str] = frozenset()

    def __post_init__(self) -> None:
        for key in COUNT_KEYS:
            _check_count(key, getattr(self, key))
        for key in BREAKDOWN_KEYS:
            object.__setattr__(self, key, _frozen_breakdown(key, getattr(self, key)))
        entered = self.entered
        if isinstance(entered, str) or not isinstance(entered, Iterable):
            raise InvalidInput(f"entered must be a set of count names, not {entered!r}")
        entered = frozenset(entered)
        unknown = sorted(str(k) for k in entered - ALL_KEYS)
        if unknown:
            raise InvalidInput(f"entered names no PRISMA count: {', '.join(unknown)}")
        object.__setattr__(self, "entered", entered)

    def value(self, key: str) -> int | Mapping[str, int] | None:
        """The count or breakdown stored under a PRISMA2020 ``data`` key."""
        if key not in ALL_KEYS:
            raise InvalidInput(f"{key!r} is not a PRISMA count")
        value: int | Mapping[str, int] | None = getattr(self, key)
        return value

    @property
    def template(self) -> Template:
        """'updated' once a previous version of the review is counted, else 'new'."""
        if self.previous_studies is not None or self.previous_reports is not None:
            return "updated"
        return "new"

    @property
    def has_other_methods(self) -> bool:
        """Whether the grey "other methods" column applies (PRISMA: remove it otherwise)."""
        return bool(self.other_excluded) or any(
            getattr(self, k) is not None for k in OTHER_METHOD_KEYS
        )

    @property
    def has_meta_analysis(self) -> bool:
        return self.total_studies_ma is not None or self.total_reports_ma is not None

    @property
    def database_total(self) -> int | None:
        """Records from databases: the stated total, else the sum of the per-database counts."""
        return _total(self.database_results, self.database_specific_results)

    @property
    def register_total(self) -> int | None:
        return _total(self.register_results, self.register_specific_results)

    @property
    def records_identified(self) -> int | None:
        return _sum_known((self.database_total, self.register_total))

    @property
    def records_removed(self) -> int:
        """Records removed before screening; all three missing reads 0, as the package draws it."""
        return _sum_known((self.duplicates, self.excluded_automatic, self.excluded_other)) or 0

    @property
    def other_identified(self) -> int | None:
        return _sum_known((self.website_results, self.organisation_results, self.citations_results))


def _total(stated: int | None, breakdown: Mapping[str, int]) -> int | None:
    if stated is not None:
        return stated
    return sum(breakdown.values()) if breakdown else None


def _sum_known(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def label(key: str, template: Template = "updated") -> str:
    """The box a key counts, named as the diagram of that template names it."""
    if template == "new" and key == "total_studies":
        return "Studies included in review"
    if template == "new" and key == "total_reports":
        return "Reports of included studies"
    return LABELS[key]
