"""Two reviewers screen blind with the keyboard in Chromium, the arbiter settles their
conflict, a full-text exclusion needs a reason, and the agreement page shows the kappa of the
decisions they made."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from sysreview.demo import DEMO_PASSWORD, EXCLUSION_REASONS, DemoReview
from sysreview.protocol import load_protocol, write_protocol
from sysreview.services import screening
from tests.web import test_browser_smoke
from tests.web.test_screening_pages import blank_pdf

# the smoke test's fixtures: uvicorn on a loopback port, and Debian's Chromium
server = test_browser_smoke.server
browser = test_browser_smoke.browser

pytestmark = pytest.mark.browser

TA, FT = "title_abstract", "full_text"
REASON = EXCLUSION_REASONS[0]
VERDICTS = {"i": "include", "e": "exclude"}
LN_KEYS = ["i", "i", "e", "i", "e"]
DLL_KEYS = ["i", "e", "e", "i", "e"]


@dataclass(frozen=True)
class Site:
    """The running app, the browser that visits it and the demo review behind it."""

    chromium: Browser
    base: str
    demo: DemoReview

    def url(self, path: str) -> str:
        return f"{self.base}/reviews/{self.demo.review.slug}/{path}"


def _log_in(site: Site, user: str) -> Page:
    """A page in a fresh browser context, so each reviewer has their own cookies."""
    page = site.chromium.new_context().new_page()
    page.goto(site.base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/reviews")
    return page


def _record_id(page: Page) -> str:
    return page.locator("#screen-record").get_attribute("data-record-id") or ""


def _screen_with_keys(page: Page, url: str, keys: list[str]) -> list[int]:
    """Press one key per record, waiting for the script to swap in the next one; returns the
    records decided, in order. Blind: no other reviewer's decision is ever on the page."""
    page.goto(url)
    page.evaluate("window.loadedOnce = true")
    decided = []
    for key in keys:
        shown = _record_id(page)
        expect(page.locator("[data-testid=judgements]")).to_have_count(0)
        page.keyboard.press(key)
        expect(page.locator("#screen-record")).not_to_have_attribute("data-record-id", shown)
        decided.append(int(shown))
    assert page.evaluate("window.loadedOnce") is True, "the page was reloaded"
    return decided


def _kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa by hand: (p_o - p_e) / (1 - p_e) from the two reviewers' marginals."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum((a.count(c) / n) * (b.count(c) / n) for c in set(a) | set(b))
    return (observed - expected) / (1 - expected)


def _screen_title_and_abstract(site: Site) -> list[int]:
    url = site.url(f"screen/{TA}")
    ln = _log_in(site, "ln")
    ln_records = _screen_with_keys(ln, url, LN_KEYS)
    dll = _log_in(site, "dll")
    dll_records = _screen_with_keys(dll, url, DLL_KEYS)
    assert ln_records == dll_records
    expect(dll.locator("[data-testid=progress]")).to_contain_text("5 of 10 decided")
    ln.context.close()
    dll.context.close()
    return ln_records


def _resolve_the_conflict(site: Site, record: int) -> None:
    eop = _log_in(site, "eop")
    eop.goto(site.url(f"conflicts/{TA}"))
    expect(eop.locator("[data-testid=conflicts-count]")).to_have_text("1")
    conflict = eop.locator(f".conflict[data-record-id='{record}']")
    expect(conflict.locator("td.verdict")).to_have_text(["include", "exclude"])
    conflict.locator("button[value=include]").click()
    expect(eop.locator("[data-testid=conflicts-count]")).to_have_text("0")
    eop.context.close()


def _exclude_at_full_text(site: Site) -> int:
    ln = _log_in(site, "ln")
    ln.goto(site.url(f"screen/{FT}"))
    record = _record_id(ln)
    ln.keyboard.press("e")
    expect(ln.locator("[data-testid=screen-error]")).to_contain_text("an exclusion needs a reason")
    assert _record_id(ln) == record
    ln.select_option("select[name=reason]", REASON)
    ln.locator("[data-testid=record-title]").click()  # leave the select, so keys decide
    ln.keyboard.press("e")
    expect(ln.locator("#screen-record")).not_to_have_attribute("data-record-id", record)
    ln.context.close()
    return int(record)


def _attach_and_show_a_pdf(site: Site) -> None:
    ln = _log_in(site, "ln")
    problems: list[str] = []
    ln.on("console", lambda m: _note_refusal(m, problems))
    ln.goto(site.url(f"screen/{FT}"))
    record = _record_id(ln)
    ln.set_input_files(
        "input[name=file]",
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": blank_pdf()}],
    )
    pdf_url = site.url(f"fulltext/{record}")
    with ln.expect_response(lambda r: r.url == pdf_url and r.request.method == "GET") as served:
        ln.locator("form.upload button[type=submit]").first.click()
    assert served.value.status == 200
    assert served.value.headers["content-type"] == "application/pdf"
    expect(ln.locator("[data-testid=pdf]")).to_be_visible()
    assert pdf_url in [frame.url for frame in ln.frames]
    assert problems == []
    ln.context.close()


def _note_refusal(message: ConsoleMessage, problems: list[str]) -> None:
    if "frame" in message.text.lower() or "content security policy" in message.text.lower():
        problems.append(message.text)


def test_two_reviewers_screen_blind_and_the_arbiter_settles_their_conflict(
    server: str,
    browser: Browser,
    demo: DemoReview,
) -> None:
    # Both reviewers walk the records as imported, so they meet on the same five; ranked
    # order (each reviewer's own in a blind stage) is tested in tests/ranking.
    protocol, _ = load_protocol(demo.review.folder)
    protocol.stage(TA).order = "imported"
    write_protocol(demo.review.folder, protocol)
    site = Site(browser, server, demo)
    records = _screen_title_and_abstract(site)
    disagreed = [r for r, a, b in zip(records, LN_KEYS, DLL_KEYS, strict=True) if a != b]
    assert len(disagreed) == 1
    _resolve_the_conflict(site, disagreed[0])
    assert screening.record_view(demo.store, demo.review, "eop", TA, disagreed[0]).state == (
        "include"
    )

    excluded = _exclude_at_full_text(site)
    mine = screening.record_view(demo.store, demo.review, "ln", FT, excluded).mine
    assert mine is not None and (mine.verdict, mine.reason) == ("exclude", REASON)
    _attach_and_show_a_pdf(site)

    kappa = _kappa([VERDICTS[k] for k in LN_KEYS], [VERDICTS[k] for k in DLL_KEYS])
    eop = _log_in(site, "eop")
    eop.goto(site.url("agreement"))
    row = eop.locator(f"[data-stage={TA}] tr[data-pair='dll-ln']")
    expect(row.locator("[data-testid=n]")).to_have_text(str(len(LN_KEYS)))
    expect(row.locator("[data-testid=kappa]")).to_have_text(f"{kappa:.3f}")
    eop.context.close()
