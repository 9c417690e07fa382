"""A reviewer appraises a study in Chromium: picks the checklist from the studies list,
answers every item (one with a quote and page), saves, and reads the score and rating."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.services.appraisal import checklist
from sysreview.services.dual_appraisal import appraisal_view
from sysreview.services.studies import create_study, studies_of
from sysreview.web import create_app
from tests.servers import chromium, running_server

pytestmark = pytest.mark.browser
TOOL = "jbi-cross-sectional-modified"


@pytest.fixture
def server(demo: DemoReview) -> Iterator[str]:
    create_study(demo.store, demo.review, "hp", "Eisen et al. 2013", [])
    with running_server(create_app(demo.store)) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_a_reviewer_appraises_a_study(server: str, browser: Browser, demo: DemoReview) -> None:
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "ln")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/reviews")
    page.goto(f"{server}/reviews/{demo.review.slug}")
    page.click("[data-testid=studies-link]")
    row = page.locator("[data-testid=studies] tbody tr", has_text="Eisen et al. 2013")
    row.locator("select[name=tool]").select_option(TOOL)
    row.locator("button", has_text="Open").click()
    page.wait_for_url(f"**/appraisal/{TOOL}")
    items = checklist(TOOL).items
    form = page.locator("[data-testid=appraisal-form]")
    for n, item in enumerate(items):
        answer = "No" if n == 0 else "Yes"
        form.locator(f"tr[data-item='{item.id}'] input[value='{answer}']").check()
    form.locator(f"textarea[name='q:{items[0].id}']").fill("participants were not described")
    form.locator(f"input[name='p:{items[0].id}']").fill("212")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=my-score]")
    assert page.inner_text("[data-testid=my-score]") == "7/8"
    assert page.inner_text("[data-testid=my-rating]") == "Medium"
    assert page.inner_text("[data-testid=appraisal-state]") == "in progress"
    if os.environ.get("SYSREVIEW_SCREENSHOTS"):
        page.screenshot(path=os.environ["SYSREVIEW_SCREENSHOTS"], full_page=True)
    page.close()
    study = studies_of(demo.store, demo.review, "ln")[0].id
    view = appraisal_view(demo.store, demo.review, "ln", study, TOOL)
    assert view.mine[items[0].id].quote == "participants were not described"
    assert view.mine[items[0].id].page == "212"
