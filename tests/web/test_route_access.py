"""Every role (and an outsider, and anonymous) × every route: the answer the policy gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DemoReview
from sysreview.services.accounts import add_user
from tests.web.conftest import login

ROUTES = {
    "dashboard": "/reviews/{slug}",
    "audit page": "/reviews/{slug}/audit",
    "api status": "/api/reviews/{slug}/status",
    "api audit": "/api/reviews/{slug}/audit",
}
# user → expected status per route; "stranger" has an account but is not in the team
EXPECTED = {
    "hp": {"dashboard": 200, "audit page": 200, "api status": 200, "api audit": 200},
    "eop": {"dashboard": 200, "audit page": 200, "api status": 200, "api audit": 200},
    "ln": {"dashboard": 200, "audit page": 403, "api status": 200, "api audit": 403},
    "stranger": {"dashboard": 403, "audit page": 403, "api status": 403, "api audit": 403},
}


@pytest.mark.parametrize("user", ["hp", "eop", "ln"])
def test_each_member_gets_what_the_policy_allows(
    demo: DemoReview, logged_in: Callable[[str], TestClient], user: str
) -> None:
    client = logged_in(user)
    for name, route in ROUTES.items():
        response = client.get(route.format(slug=demo.review.slug))
        assert response.status_code == EXPECTED[user][name], (name, response.text[:200])


def test_an_outsider_with_an_account_sees_nothing_of_the_review(
    demo: DemoReview, client: TestClient
) -> None:
    add_user(demo.store, "stranger", "stranger-password")
    assert login(client, "stranger", "stranger-password") == 303
    for name, route in ROUTES.items():
        response = client.get(route.format(slug=demo.review.slug))
        assert response.status_code == EXPECTED["stranger"][name], name
        assert "Peer mentorship" not in response.text
    assert client.get("/api/reviews").json() == []


def test_anonymous_visitors_are_sent_to_login_or_get_401(
    demo: DemoReview, client: TestClient
) -> None:
    for route in ROUTES.values():
        response = client.get(route.format(slug=demo.review.slug))
        if route.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 303
            assert response.headers["location"] == "/login"


def test_an_unknown_review_is_404(logged_in: Callable[[str], TestClient]) -> None:
    client = logged_in("hp")
    assert client.get("/reviews/no-such-review").status_code == 404
    assert client.get("/api/reviews/no-such-review/status").status_code == 404


def test_the_api_status_is_the_cli_status_document(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    from sysreview.services.status import review_status

    body = logged_in("ln").get(f"/api/reviews/{demo.review.slug}/status").json()
    assert body == review_status(demo.store, demo.review, "ln")
    assert [s["name"] for s in body["stages"]] == ["title_abstract", "full_text"]


def test_the_openapi_document_lists_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/reviews/{slug}/status" in paths
    assert "/login" not in paths


def test_a_blind_reviewer_sees_dashes_not_hidden_counts(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    page = logged_in("ln").get(f"/reviews/{demo.review.slug}").text
    row = page.split('data-stage="title_abstract"')[1].split("</tr>")[0]
    assert "None" not in row
    assert row.count("<td>—</td>") == 3
