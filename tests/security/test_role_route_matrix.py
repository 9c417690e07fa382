"""Every role, an outsider and an anonymous visitor × every page: the answer the permission
table gives, decided in the services (a route has no permission logic of its own)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.services.accounts import add_user, set_password
from sysreview.services.reviews import open_review
from sysreview.web import create_app
from tests.web.conftest import login

TA = "title_abstract"
ALL = {"owner": 200, "arbiter": 200, "reviewer": 200, "viewer": 200, "outsider": 403}
SCREENERS = {**ALL, "viewer": 403}
RESOLVERS = {**SCREENERS, "reviewer": 403}
OWNERS = {**RESOLVERS, "arbiter": 403}
PAGES = {
    "/reviews/{slug}": ALL,
    "/reviews/{slug}/audit": RESOLVERS,
    "/reviews/{slug}/import": OWNERS,
    "/reviews/{slug}/duplicates": ALL,
    f"/reviews/{{slug}}/screen/{TA}": SCREENERS,
    f"/reviews/{{slug}}/screen/{TA}/records": ALL,
    f"/reviews/{{slug}}/conflicts/{TA}": RESOLVERS,
    "/reviews/{slug}/agreement": RESOLVERS,
    "/reviews/{slug}/prisma": ALL,
    f"/reviews/{{slug}}/ranking/{TA}": ALL,
    f"/api/reviews/{{slug}}/ranking/{TA}": ALL,
    "/api/reviews/{slug}/status": ALL,
    "/api/reviews/{slug}/audit": RESOLVERS,
}
USERS = {"owner": "hp", "arbiter": "eop", "reviewer": "ln", "viewer": "vera", "outsider": "olga"}


@pytest.fixture
def team(demo: DemoReview) -> DemoReview:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text() + "- user: vera\n  role: viewer\n")
    review = open_review(demo.store, demo.review.folder, actor="hp")
    set_password(demo.store, "vera", DEMO_PASSWORD, actor="hp")
    add_user(demo.store, "olga", DEMO_PASSWORD)
    return DemoReview(demo.store, review, demo.logins)


@pytest.mark.parametrize("role", sorted(USERS))
def test_each_role_gets_what_the_permission_table_says(team: DemoReview, role: str) -> None:
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, USERS[role]) == 303
        for page, expected in PAGES.items():
            response = client.get(page.format(slug=team.review.slug))
            assert response.status_code == expected[role], (role, page, response.text[:300])
            if expected[role] == 403:
                assert team.review.title not in response.text


def test_an_anonymous_visitor_is_sent_to_log_in(team: DemoReview) -> None:
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        for page in PAGES:
            response = client.get(page.format(slug=team.review.slug))
            if page.startswith("/api/"):
                assert response.status_code == 401
            else:
                assert (response.status_code, response.headers["location"]) == (303, "/login")
