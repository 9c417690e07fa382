"""Each role × each action, decided in the service layer, on both databases.

EXPECTED is the access policy written out by hand; the test fails if the data table in
``services/permissions.py`` drifts from it, and the service calls are checked against it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import PermissionDenied
from sysreview.services import audit as audit_service
from sysreview.services.permissions import ACTIONS, allowed
from sysreview.services.status import review_status

Y, N = True, False
ROLES = ("owner", "arbiter", "reviewer", "viewer", None)
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                    owner arbiter reviewer viewer outsider
    "review.view":       (Y,   Y,      Y,       Y,     N),
    "review.status":     (Y,   Y,      Y,       Y,     N),
    "records.view":      (Y,   Y,      Y,       Y,     N),
    "records.import":    (Y,   N,      N,       N,     N),
    "records.export":    (Y,   Y,      Y,       N,     N),
    "duplicates.run":    (Y,   N,      N,       N,     N),
    "duplicates.judge":  (Y,   Y,      Y,       N,     N),
    "screening.decide":  (Y,   Y,      Y,       N,     N),
    "extraction.edit":   (Y,   Y,      Y,       N,     N),
    "appraisal.appraise": (Y,  Y,      Y,       N,     N),
    "synthesis.code":    (Y,   Y,      Y,       N,     N),
    "synthesis.themes":  (Y,   Y,      Y,       N,     N),
    "synthesis.meta":    (Y,   Y,      Y,       N,     N),
    "synthesis.unblind": (Y,   N,      N,       N,     N),
    "conflict.resolve":  (Y,   Y,      N,       N,     N),
    "audit.view":        (Y,   Y,      N,       N,     N),
    "review.manage":     (Y,   N,      N,       N,     N),
    "prisma.enter":      (Y,   N,      N,       N,     N),
    "search.view":       (Y,   Y,      Y,       Y,     N),
    "search.edit":       (Y,   N,      N,       N,     N),
}  # fmt: skip


def test_the_policy_covers_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_table_matches_the_policy(role: str | None, action: str) -> None:
    assert allowed(role, action) == EXPECTED[action][ROLES.index(role)]


# demo users by role; "stranger" is a user of the same store outside the review
USER_OF_ROLE = {"owner": "hp", "arbiter": "eop", "reviewer": "ln", "viewer": "viewer1", None: "x"}

SERVICE_CALLS: dict[str, Callable[[DemoReview, str], object]] = {
    "review.status": lambda d, u: review_status(d.store, d.review, u),
    "audit.view": lambda d, u: audit_service.list_audit(d.store, d.review, u),
}


@pytest.fixture
def demo_with_viewer(demo: DemoReview) -> DemoReview:
    from sysreview.services.reviews import open_review

    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text() + "- user: viewer1\n  name: V\n  role: viewer\n")
    review = open_review(demo.store, demo.review.folder, actor="hp")
    assert review.role_of("viewer1") == "viewer"
    return DemoReview(demo.store, review, demo.logins)


@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("role", ROLES)
def test_service_calls_obey_the_policy(
    demo_with_viewer: DemoReview, role: str | None, action: str
) -> None:
    call = SERVICE_CALLS[action]
    user = USER_OF_ROLE[role]
    if EXPECTED[action][ROLES.index(role)]:
        assert call(demo_with_viewer, user) is not None
    else:
        with pytest.raises(PermissionDenied, match=user):
            call(demo_with_viewer, user)
