"""The ranking panel in a real browser: a reviewer screens with the keyboard and the model's
order brings the relevant records forward; the panel and its JSON API say the same; the owner
begins the random-sampling phase from the panel and the order turns random for everyone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sysreview.services import ranking
from sysreview.services.accounts import set_password
from sysreview.web import create_app
from tests.ranking.screening_review import OWNER, TA, A, RankedReview, build
from tests.servers import chromium, logged_in_page, running_server

PASSWORD = "ranking-browser-password"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, RankedReview]]:
    rr = build(tmp_path / "browser", None)
    for name in (A, OWNER):
        set_password(rr.store, name, PASSWORD, actor=OWNER)
    with running_server(create_app(rr.store)) as base:
        yield base, rr
    ranking.trainer(rr.store).wait()
    rr.store.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _shown(page: Page) -> int:
    return int(page.locator("[data-record-id]").first.get_attribute("data-record-id") or 0)


def _decide(page: Page, rr: RankedReview, key: str) -> None:
    before = _shown(page)
    page.keyboard.press(key)
    expect(page.locator(f"[data-record-id='{before}']")).to_have_count(0)
    assert ranking.trainer(rr.store).wait(60)


def test_keyboard_screening_ranked_order_panel_api_and_sampling(
    site: tuple[str, RankedReview], browser: Browser
) -> None:
    base, rr = site
    slug = rr.review.slug
    page = logged_in_page(browser, base, A, PASSWORD)
    page.goto(f"{base}/reviews/{slug}/screen/{TA}")
    # No model yet: as imported, so the first off-topic record comes first.
    assert _shown(page) == rr.off_topic[0]
    _decide(page, rr, "e")
    page.goto(f"{base}/reviews/{slug}/screen/{TA}?after={rr.on_topic[0] - 1}")
    assert _shown(page) == rr.on_topic[0]
    _decide(page, rr, "i")
    # Now the model has an include and an exclude: every record it offers is on topic.
    page.goto(f"{base}/reviews/{slug}/screen/{TA}")
    for _ in range(3):
        assert _shown(page) in rr.on_topic
        _decide(page, rr, "i")

    page.goto(f"{base}/reviews/{slug}/ranking/{TA}")
    expect(page.locator("[data-testid=ranking-order] [data-order]")).to_have_attribute(
        "data-order", "ranked"
    )
    status = page.request.get(f"{base}/api/reviews/{slug}/ranking/{TA}").json()
    assert status["order"]["effective"] == "ranked"
    assert (status["model"]["included"], status["model"]["excluded"]) == (4, 1)
    assert status["advice"]["screened"] == 5 and status["advice"]["relevant_found"] == 4
    assert status["advice"]["remaining"]["expected"] is None  # too early: null, never NaN
    panel = page.locator("[data-testid=ranking-estimate]")
    expect(panel.locator("[data-testid=too-early]")).to_be_visible()
    expect(panel).to_contain_text("5 of 16 records screened, 4 relevant found")
    expect(page.locator("[data-testid=start-sampling]")).to_have_count(0)  # reviewers cannot

    owner = logged_in_page(browser, base, OWNER, PASSWORD)
    owner.goto(f"{base}/reviews/{slug}/ranking/{TA}")
    owner.click("[data-testid=start-sampling]")
    expect(owner.locator("[data-testid=start-sampling]")).to_have_count(0)
    expect(owner.locator("[data-testid=ranking-order] [data-order]")).to_have_attribute(
        "data-order", "random"
    )
    status = page.request.get(f"{base}/api/reviews/{slug}/ranking/{TA}").json()
    assert status["order"]["effective"] == "random" and status["sampling_started"]
    missing = page.request.get(f"{base}/api/reviews/{slug}/ranking/nonesuch")
    assert missing.status == 400 and "no stage named" in missing.json()["error"]
