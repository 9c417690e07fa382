"""A reviewer defines a meta-analysis in Chromium from the extraction form's fields of the BCG
trials, sees the pooled result (metafor's numbers, and the service's) and the forest plot
render, switches the model and sees the numbers and the figure change, and pastes a table with
a bad cell to be told which study and column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sysreview.demo import DEMO_PASSWORD, DemoReview, demo_protocol
from sysreview.protocol import ExtractionField
from sysreview.services import meta_analysis
from sysreview.services.accounts import set_password
from sysreview.services.extraction import extract
from sysreview.services.reviews import init_review
from sysreview.services.studies import create_study
from sysreview.web import create_app
from tests.servers import chromium, logged_in_page, running_server

pytestmark = pytest.mark.browser
BCG_CSV = Path(__file__).parents[1] / "fixtures" / "meta" / "bcg.csv"
FIELDS = {  # form field id -> the input column it feeds
    "ev_t": "events_treatment",
    "n_t": "total_treatment",
    "ev_c": "events_control",
    "n_c": "total_control",
}
NAME = "BCG vaccine"
IMAGE_DRAWN = "(img) => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, DemoReview]]:
    """A review whose extraction form has the four 2x2 counts and the allocation, with the
    13 BCG trials extracted (the counts of bcg.csv), served by uvicorn."""
    protocol = demo_protocol()
    fields = [ExtractionField(id=f, label=c, type="number") for f, c in FIELDS.items()]
    fields.append(
        ExtractionField(
            id="alloc",
            label="Allocation",
            type="choice",
            options=["random", "alternate", "systematic"],
        )
    )
    form = protocol.extraction.model_copy(update={"fields": fields})
    protocol = protocol.model_copy(update={"extraction": form})
    store, review = init_review(tmp_path / "review", protocol.title, "hp", protocol=protocol)
    set_password(store, "ln", DEMO_PASSWORD, actor="hp")
    with BCG_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        create_study(store, review, "hp", row["study"], [])
        for field, column in FIELDS.items():
            extract(store, review, "hp", row["study"], field, row[column])
        extract(store, review, "hp", row["study"], "alloc", row["subgroup"])
    with running_server(create_app(store)) as base:
        yield base, DemoReview(store, review, {})
    store.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _log_in(browser: Browser, base: str) -> Page:
    return logged_in_page(browser, base, "ln", DEMO_PASSWORD)


def _save_from_form(page: Page, base: str, slug: str, method: str) -> None:
    page.goto(f"{base}/reviews/{slug}/meta")
    form = page.locator("[data-testid=meta-form]")
    form.locator("input[name=name]").fill(NAME)
    form.locator("select[name=measure]").select_option("RR")
    form.locator("select[name=method]").select_option(method)
    form.locator("input[name=source][value=extraction]").check()
    for field, column in FIELDS.items():
        form.locator(f"select[name='field:{column}']").select_option(field)
    form.locator("select[name=subgroup_field]").select_option("alloc")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _shown(demo: DemoReview) -> str:
    """The pooled estimate as the page must print it, from the service's own run."""
    d = meta_analysis.run_analysis(demo.store, demo.review, "ln", NAME).result.display()
    return f"{d['estimate']:.4f} ({d['ci_lower']:.4f} to {d['ci_upper']:.4f})"


def _forest(page: Page) -> str:
    """The forest plot's SVG as the browser loaded it (text kept as text)."""
    src = page.locator("[data-testid=forest-plot]").evaluate("(img) => img.src")
    response = page.request.get(src)
    assert response.ok and response.headers["content-type"] == "image/svg+xml"
    return response.body().decode("utf-8")


def test_define_an_analysis_see_results_and_forest_plot_change_the_model_and_see_an_error(
    site: tuple[str, DemoReview], browser: Browser
) -> None:
    base, demo = site
    slug = demo.review.slug
    page = _log_in(browser, base)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    _save_from_form(page, base, slug, "DL")
    assert page.url == f"{base}/reviews/{slug}/meta/BCG%20vaccine"
    estimate = page.locator("[data-testid=meta-estimate]")
    # metafor (test_misc_metan_vs_rma.uni_with_dat.bcg.r): predict(rma(..., method="DL"),
    # transf=exp) is 0.4896 (0.3449 to 0.6950); the page shows that and the service's run
    expect(estimate).to_have_text("0.4896 (0.3449 to 0.6950)")
    assert estimate.inner_text() == _shown(demo)
    expect(page.locator("p.meta").first).to_contain_text("RR, DL, k = 13")
    run = meta_analysis.run_analysis(demo.store, demo.review, "ln", NAME)
    assert run.subgroups is not None
    expect(page.locator("[data-testid=meta-summary]")).to_contain_text(
        f"Q = {run.subgroups.q_between:.4f} (df = 2,"
    )
    studies = page.locator("[data-testid=meta-studies] tbody tr")
    expect(studies).to_have_count(13)
    expect(studies.first).to_contain_text("Aronson 1948")
    expect(studies.first).to_contain_text("random")
    forest = page.locator("[data-testid=forest-plot]")
    expect(forest).to_be_visible()
    page.wait_for_function(IMAGE_DRAWN, arg=forest.element_handle())
    assert page.locator("[data-testid=funnel-plot]").evaluate(IMAGE_DRAWN)
    dl_figure = _forest(page)
    assert "TPT Madras 1980" in dl_figure
    # metafor: DL tau2 0.3088 (test_misc_metan_vs_rma.uni_with_dat.bcg.r), in the figure's footer
    assert "tau² = 0.3088" in dl_figure
    assert f"subgroup differences: Q = {run.subgroups.q_between:.2f}, df = 2" in dl_figure

    # the same analysis saved again with REML: new numbers, a new figure
    _save_from_form(page, base, slug, "REML")
    expect(page.locator("p.meta").first).to_contain_text("RR, REML, k = 13")
    expect(estimate).not_to_have_text("0.4896 (0.3449 to 0.6950)")
    assert estimate.inner_text() == _shown(demo)
    reml = meta_analysis.run_analysis(demo.store, demo.review, "ln", NAME).result
    # metafor (test_misc_influence.r): REML tau2 0.3132 on the same log risk ratios
    assert f"{reml.tau2:.4f}" == "0.3132"
    expect(page.locator("[data-testid=meta-summary]")).to_contain_text("0.3132")
    page.wait_for_function(IMAGE_DRAWN, arg=forest.element_handle())
    reml_figure = _forest(page)
    assert "tau² = 0.3132" in reml_figure and "tau² = 0.3088" not in reml_figure
    assert "TPT Madras 1980" in reml_figure
    page.goto(f"{base}/reviews/{slug}/meta")
    listed = page.locator("[data-testid=meta-analyses] tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("REML")

    # a pasted table with a word where a count belongs: the form comes back with the message
    table = BCG_CSV.read_text(encoding="utf-8").replace("Aronson 1948,4,", "Aronson 1948,four,")
    form = page.locator("[data-testid=meta-form]")
    form.locator("input[name=name]").fill("Pasted")
    form.locator("select[name=measure]").select_option("RR")
    form.locator("input[name=source][value=table]").check()
    form.locator("textarea[name=table]").fill(table)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    error = page.locator("[data-testid=meta-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Aronson 1948")
    expect(error).to_contain_text("events_treatment")
    expect(page.locator("textarea[name=table]")).to_have_value(table)  # kept for correcting
    assert [a.name for a in meta_analysis.list_analyses(demo.store, demo.review, "ln")] == [NAME]
    assert problems == []
    page.close()
