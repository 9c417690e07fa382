"""A reviewer codes two excerpts in Chromium (one word picked with the mouse, a phrase after a
CRLF line break and an emoji selected as a range), builds a theme on the board by dragging a
code onto it, and sees the evidence matrix change from codes to the theme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from sysreview.demo import DEMO_PASSWORD, DemoReview, demo_protocol
from sysreview.services.accounts import set_password
from sysreview.services.reviews import init_review
from sysreview.services.studies import create_study
from sysreview.services.synthesis import add_code, load_codebook, write_memo
from sysreview.services.synthesis_coding import list_excerpts
from sysreview.web import create_app
from tests.servers import chromium, logged_in_page, running_server

pytestmark = pytest.mark.browser
STUDY = "Webb et al. 2015"
TEXT = "Mentors met mentees monthly 😀.\r\nMentees described peer support across the year."
WORD_BOX = """(word) => {
  const block = document.querySelector(".source-text");
  const node = block.querySelector("[data-start]").firstChild;
  const range = document.createRange();
  const at = node.data.indexOf(word);
  range.setStart(node, at);
  range.setEnd(node, at + word.length);
  const box = range.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}"""
SELECT_WORDS = """(words) => {
  const block = document.querySelector(".source-text");
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, DemoReview]]:
    """A review with the demo's team, one study with a note, two codes, served by uvicorn."""
    protocol = demo_protocol()
    store, review = init_review(tmp_path / "review", protocol.title, "hp", protocol=protocol)
    set_password(store, "ln", DEMO_PASSWORD, actor="hp")
    create_study(store, review, "hp", STUDY, [])
    write_memo(store, review, "hp", "Results", TEXT, study=STUDY)
    add_code(store, review, "hp", "Monthly meetings")
    add_code(store, review, "hp", "Peer support")
    with running_server(create_app(store)) as base:
        yield base, DemoReview(store, review, {})
    store.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _log_in(browser: Browser, base: str) -> Page:
    return logged_in_page(browser, base, "ln", DEMO_PASSWORD)


def _code_two_excerpts(page: Page) -> None:
    page.click("[data-testid=coding-link]")
    page.wait_for_url("**/coding")
    words = page.locator(".source-text")
    # one word with the mouse; its number key ticks "Monthly meetings", Enter applies it
    box = page.evaluate(WORD_BOX, "monthly")
    page.mouse.dblclick(box["x"], box["y"])
    expect(page.locator("[data-testid=selection]")).to_contain_text("“monthly”")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=excerpt-text]")).to_have_text(["monthly"])
    page.wait_for_load_state("load")  # the reloaded page's script listens for selections
    # a phrase after the emoji and the CRLF; the filter box picks "Peer support", Enter applies
    assert page.evaluate(SELECT_WORDS, "peer support across the year")
    expect(page.locator("[data-testid=selection]")).to_contain_text("peer support across")
    page.fill("[data-testid=code-filter]", "peer")
    page.press("[data-testid=code-filter]", "Enter")
    expect(page.locator("[data-testid=excerpt-text]")).to_have_text(
        ["monthly", "peer support across the year"]
    )
    expect(words.locator(".coded")).to_have_count(2)


def _note_refusal(message: ConsoleMessage, problems: list[str]) -> None:
    if "content security policy" in message.text.lower():
        problems.append(message.text)


def _matrix_rows(page: Page, base: str, slug: str) -> list[str]:
    page.goto(f"{base}/reviews/{slug}/synthesis")
    return page.locator("[data-testid=theme-name]").all_inner_texts()


def test_code_two_excerpts_build_a_theme_and_see_the_matrix_update(
    site: tuple[str, DemoReview], browser: Browser
) -> None:
    base, demo = site
    slug = demo.review.slug
    page = _log_in(browser, base)
    problems: list[str] = []
    page.on("console", lambda m: _note_refusal(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))
    assert _matrix_rows(page, base, slug) == ["Monthly meetings", "Peer support"]
    _code_two_excerpts(page)
    found = list_excerpts(demo.store, demo.review, "hp", study=STUDY)
    assert [(e.text, TEXT[e.location.start : e.location.end]) for e in found] == [
        ("monthly", "monthly"),
        ("peer support across the year", "peer support across the year"),
    ]

    page.goto(f"{base}/reviews/{slug}/synthesis/themes")
    page.fill("[data-testid=new-name]", "Sense of community")
    page.click("[data-testid=new-add]")
    column = page.locator("[data-testid=theme-column]", has_text="Sense of community")
    card = page.locator("[data-testid=card]", has_text="Peer support")
    with page.expect_navigation():
        card.locator(".card-head .meta").first.drag_to(column)
    expect(column.locator("[data-testid=card-name]")).to_have_text(["Peer support"])
    book = load_codebook(demo.store, demo.review, "hp")
    assert book.path(book.find("Peer support").id) == "Sense of community > Peer support"

    assert _matrix_rows(page, base, slug) == ["Sense of community"]
    row = page.locator("[data-testid=theme-row]")
    expect(row.locator("[data-testid=theme-studies]")).to_have_text("1")
    expect(row.locator("[data-testid=matrix-excerpt]")).to_have_text(
        ["peer support across the year"]
    )
    assert problems == []
    page.close()
