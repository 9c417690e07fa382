"""A person's first minute: log in with Chromium, open the demo review, read its counts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.services.status import review_status
from sysreview.web import create_app
from tests.servers import chromium, running_server

pytestmark = pytest.mark.browser


@pytest.fixture
def server(demo: DemoReview) -> Iterator[str]:
    """The real app under uvicorn on a loopback port, stopped after the test."""
    with running_server(create_app(demo.store)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_log_in_and_read_the_demo_dashboard(
    server: str, browser: Browser, demo: DemoReview
) -> None:
    page = browser.new_page()
    page.goto(server + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", "ln")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/reviews")
    page.click(f"text={demo.review.title}")
    page.wait_for_url(f"**/reviews/{demo.review.slug}")
    assert page.inner_text("[data-testid=role]") == "reviewer"
    expected = review_status(demo.store, demo.review, "ln")
    assert page.inner_text("[data-testid=records-total]") == str(expected["records"]["total"])
    rows = page.locator("[data-testid=stage-counts] tbody tr")
    assert rows.count() == len(expected["stages"])
    first = rows.nth(0).locator("td").all_inner_texts()
    stage = expected["stages"][0]
    assert first[0] == stage["label"]
    assert first[1:4] == [
        str(stage["reviewers_required"]),
        str(stage["records"]),
        "—" if stage["screened"] is None else str(stage["screened"]),  # hidden while blind
    ]
    page.click("text=Log out")
    page.wait_for_url("**/login")
    page.close()


def test_a_wrong_password_shows_the_error_on_the_form(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "hp")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert page.inner_text("[role=alert]") == "wrong user name or password"
    page.close()
