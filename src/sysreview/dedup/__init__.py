"""De-duplication: which records are the same study, merged only when the evidence is sure.

The stage runs normalise → block → compare → group over plain :class:`~sysreview.records.Record`
objects and does no I/O. Use it like this::

    from sysreview.dedup import Deduplicator, canonical_record

    result = Deduplicator().find(records_by_id, distinct=pairs_people_kept_apart)
    for group in result.groups:            # merged automatically: sure, trap-free, consistent
        shown = canonical_record([records_by_id[k] for k in group.members])
    for pair in result.suggested:          # for a person, with the evidence in words
        print(pair.a, pair.b, pair.score, pair.evidence)

Merging never deletes: a group lists every member, and :func:`canonical_record` builds the
record shown for it. Known traps (erratum, retraction notice, comment, reply, conference
abstract, parts of a series, updates, same title in another year) are never merged unless a
:class:`DedupSettings` switch says so.
"""

from sysreview.dedup.canonical import canonical_record
from sysreview.dedup.compare import Comparer, PairVerdict
from sysreview.dedup.deduplicate import (
    CandidatePair,
    Deduplicator,
    DedupResult,
    DuplicateGroup,
    assignments,
)
from sysreview.dedup.normalise import Keys, comparison_keys
from sysreview.dedup.settings import DedupSettings

__all__ = [
    "CandidatePair",
    "Comparer",
    "DedupResult",
    "DedupSettings",
    "Deduplicator",
    "DuplicateGroup",
    "Keys",
    "PairVerdict",
    "assignments",
    "canonical_record",
    "comparison_keys",
]
