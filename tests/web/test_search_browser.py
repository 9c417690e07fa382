"""In Chromium: typing a term into a block updates every database's version as you type."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.web import create_app
from tests.servers import CHROMIUM, CHROMIUM_ARGS, running_server

pytestmark = pytest.mark.browser


@pytest.fixture
def server(demo: DemoReview) -> Iterator[str]:
    with running_server(create_app(demo.store)) as base:
        yield base


def test_a_new_term_shows_up_in_every_version_live(server: str, demo: DemoReview) -> None:
    old = demo.review.protocol.search.version()  # type: ignore[union-attr]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        failed: list[str] = []
        page.on(
            "response",
            lambda r: (
                failed.append(r.url)
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(server + "/login")
        page.fill("input[name=username]", "hp")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/reviews")
        page.goto(f"{server}/reviews/{demo.review.slug}/search")

        first = page.locator("textarea[name=block_terms]").first
        first.press("End")
        first.press("Control+End")
        first.type("\ncompanion$.ti,ab.")
        pubmed = page.locator("#versions section[data-syntax=pubmed] pre")
        pubmed.filter(has_text="companion*[tiab]").wait_for(timeout=10_000)

        assert page.inner_text("[data-testid=strategy-version]") != old
        medline = page.locator("#versions section[data-syntax=ovid]").first
        assert "(peer or buddy or buddies or companion$).ti,ab." in medline.inner_text()
        assert page.locator("[data-testid=live-error]").is_hidden()
        assert failed == []
        browser.close()
