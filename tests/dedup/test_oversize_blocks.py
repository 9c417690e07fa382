"""10,000 records sharing one DOI (a supplement's DOI) take linear work and a warning."""

from __future__ import annotations

import time

from tests.dedup.conftest import article, find

SHARED = "10.1016/s0924-9338(15)30001-x"


def test_ten_thousand_records_sharing_a_doi_finish_quickly_with_a_warning() -> None:
    records = {
        f"r{i}": article(
            title=f"Poster {i}: abstract number {i * 7919 % 10007} on topic {i % 97}",
            authors=[f"Author{i % 1000}, A."],
            pages=f"S{i}",
            doi=SHARED,
            pmid="",
        )
        for i in range(10_000)
    }
    started = time.perf_counter()
    result = find(records)
    assert time.perf_counter() - started < 30
    assert any(SHARED in w and "10000 records share" in w for w in result.warnings)
    assert not result.groups


def test_identifier_shared_too_widely_is_not_evidence() -> None:
    records = {f"r{i}": article(title=f"Abstract {i}", doi=SHARED) for i in range(150)}
    result = find(records)
    assert all("same DOI" not in line for p in result.suggested for line in p.evidence)


def test_a_pmid_stays_evidence_when_only_the_doi_is_shared_too_widely() -> None:
    records = {f"r{i}": article(title=f"Abstract {i}", doi=SHARED, pmid=str(i)) for i in range(150)}
    records["copy"] = article(title="Abstract 7 ", doi=SHARED, pmid="7", pages="45-9")
    result = find(records)
    assert {"r7", "copy"} in [set(g.members) for g in result.groups]
