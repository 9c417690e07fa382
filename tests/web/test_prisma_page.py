"""The PRISMA diagram in the browser: the SVG with its entered marks, the page, and who sees it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DemoReview
from sysreview.services.accounts import add_user
from sysreview.web import create_app
from sysreview.web.security import CONTENT_SECURITY_POLICY
from tests.web.conftest import login


@pytest.fixture
def full_client(full_demo: DemoReview) -> Iterator[TestClient]:
    with TestClient(create_app(full_demo.store), follow_redirects=False) as test_client:
        yield test_client


def test_the_svg_is_served_as_an_image_with_the_entered_counts_marked(
    full_demo: DemoReview, full_client: TestClient
) -> None:
    assert login(full_client, "ln") == 303

    response = full_client.get(f"/reviews/{full_demo.review.slug}/prisma.svg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    svg = response.text
    assert "Records screened (n = 372)\u2020" in svg
    assert "Count entered by hand" in svg
    slug = full_demo.review.slug
    assert f'href="/reviews/{slug}/screen/full_text/records?state=include"' in svg
    assert f'href="/reviews/{slug}/screen/title_abstract/records"' not in svg  # 372 entered


def test_the_page_embeds_the_diagram_and_lists_the_entered_counts(
    full_demo: DemoReview, full_client: TestClient
) -> None:
    assert login(full_client, "hp") == 303
    slug = full_demo.review.slug

    page = full_client.get(f"/reviews/{slug}/prisma")
    dashboard = full_client.get(f"/reviews/{slug}")

    assert page.status_code == 200
    assert f'<img src="/reviews/{slug}/prisma.svg"' in page.text
    assert 'data-testid="prisma-problems"' not in page.text
    assert "identified 372 unique studies" in page.text
    assert f'src="/reviews/{slug}/prisma.svg"' in dashboard.text


def test_a_review_that_does_not_add_up_shows_its_problems_instead(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("ln")
    slug = demo.review.slug

    page = client.get(f"/reviews/{slug}/prisma")
    svg = client.get(f"/reviews/{slug}/prisma.svg")
    dashboard = client.get(f"/reviews/{slug}")

    assert page.status_code == 200
    assert 'data-testid="prisma-problems"' in page.text
    assert "10 of the 10 records at Title and abstract screening are not settled yet" in (page.text)
    assert svg.status_code == 400
    assert "do not add up" in svg.text
    assert "prisma.svg" not in dashboard.text  # no broken image while work is open
    assert "The diagram is drawn once every record is settled" in dashboard.text


def test_a_user_outside_the_review_gets_403(demo: DemoReview, client: TestClient) -> None:
    add_user(demo.store, "stranger", "stranger-password")
    assert login(client, "stranger", "stranger-password") == 303
    for route in ("prisma", "prisma.svg", "prisma.csv"):
        response = client.get(f"/reviews/{demo.review.slug}/{route}")
        assert response.status_code == 403, route
        assert "Peer mentorship" not in response.text


def test_an_unknown_format_is_404(demo: DemoReview, logged_in: Callable[[str], TestClient]) -> None:
    assert logged_in("ln").get(f"/reviews/{demo.review.slug}/prisma.exe").status_code == 404
