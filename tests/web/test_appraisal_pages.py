"""Appraisal pages: appraising a study through the form, blind until both are done, escaped
quotes, the roles that may not edit, CSRF, and the summary page with its plots."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from sysreview.appraisal import Answer
from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.services.accounts import set_password
from sysreview.services.appraisal import checklist
from sysreview.services.dual_appraisal import save_answers
from sysreview.services.reviews import open_review
from sysreview.services.studies import create_study, studies_of
from sysreview.web import create_app
from tests.web.conftest import login

JBI = "jbi-cross-sectional"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def team(demo: DemoReview) -> DemoReview:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text() + "- user: vera\n  role: viewer\n")
    review = open_review(demo.store, demo.review.folder, actor="hp")
    set_password(demo.store, "vera", DEMO_PASSWORD, actor="hp")
    create_study(demo.store, review, "hp", "Eisen et al. 2013", [])
    return DemoReview(demo.store, review, demo.logins)


def _page(team: DemoReview) -> str:
    study = studies_of(team.store, team.review, "hp")[0]
    return f"/reviews/{team.review.slug}/studies/{study.id}/appraisal/{JBI}"


def _form(values: list[str], quote: str, token: str) -> dict[str, str]:
    form = {"csrf_token": token}
    for item, value in zip(checklist(JBI).items, values, strict=True):
        form |= {f"a:{item.id}": value, f"q:{item.id}": quote, f"p:{item.id}": "4"}
    return form


def test_an_appraiser_saves_answers_and_the_other_sees_them_only_when_both_are_done(
    team: DemoReview,
) -> None:
    url = _page(team)
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        token = _token(client.get(url).text)
        saved = client.post(url, data=_form(["Yes"] * 8, HOSTILE, token))
        assert saved.status_code == 303
        assert "8/8" in client.get(url).text
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, "dll") == 303
        page = client.get(url).text
        assert "onerror" not in page and "alert" not in page
        client.post(url, data=_form(["Yes"] * 7 + ["No"], "", _token(page)))
        after = client.get(url).text
        assert 'data-testid="discrepancies"' in after
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in after
        assert "<script>alert" not in after and "<img src=x" not in after


def test_a_viewer_reads_but_cannot_appraise(team: DemoReview) -> None:
    url = _page(team)
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, "vera") == 303
        page = client.get(url)
        assert page.status_code == 200 and 'data-testid="appraisal-form"' not in page.text
        refused = client.post(url, data=_form(["Yes"] * 8, "", _token(page.text)))
        assert refused.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(team: DemoReview) -> None:
    url = _page(team)
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        assert client.post(url, data=_form(["Yes"] * 8, "", "forged")).status_code == 403
    study = studies_of(team.store, team.review, "hp")[0].id
    assert save_answers(team.store, team.review, "ln", study, JBI, []).mine == {}


def test_an_answer_outside_the_checklist_is_refused_on_the_page(team: DemoReview) -> None:
    url = _page(team)
    with TestClient(create_app(team.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        form = _form(["Yes"] * 7 + [HOSTILE], "", _token(client.get(url).text))
        refused = client.post(url, data=form)
        assert refused.status_code == 400
        assert "not an allowed answer" in refused.text and "<script>alert" not in refused.text


def test_the_summary_shows_each_tools_table_and_its_plots(full_demo: DemoReview) -> None:
    slug = full_demo.review.slug
    with TestClient(create_app(full_demo.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        page = client.get(f"/reviews/{slug}/appraisal")
        assert page.status_code == 200
        assert "Hilliard et al. 2007" in page.text and "10/10" in page.text
        assert 'data-testid="traffic-light"' in page.text
        plot = client.get(f"/reviews/{slug}/appraisal/casp-qualitative-rated/summary.svg")
        assert plot.headers["content-type"].startswith("image/svg+xml")
        assert ET.fromstring(plot.content).tag.endswith("svg")
        studies = client.get(f"/reviews/{slug}/studies")
        assert studies.status_code == 200 and "casp-qualitative-rated: consensus" in studies.text
        assert (
            client.get(f"/reviews/{slug}/appraisal/casp-qualitative-rated/pie.svg").status_code
            == 400
        )


def test_a_blank_answer_leaves_the_item_unanswered(team: DemoReview) -> None:
    study = studies_of(team.store, team.review, "hp")[0].id
    view = save_answers(team.store, team.review, "ln", study, JBI, [Answer("1", " ")])
    assert view.mine == {}
