"""Extraction pages: the studies list, the extractor's form, a verifier's field-by-field check,
refusals shown on the form (escaped), and the roles that may not edit."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.protocol import ExtractionField, write_protocol
from sysreview.services import extraction
from sysreview.services.accounts import set_password
from sysreview.services.reviews import open_review
from sysreview.services.studies import create_study
from sysreview.web import create_app
from tests.web.conftest import login

HOSTILE = "<script>alert(1)</script>"


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def team(demo: DemoReview) -> tuple[DemoReview, str]:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text() + "- user: vera\n  role: viewer\n")
    review = open_review(demo.store, demo.review.folder, actor="hp")
    set_password(demo.store, "vera", DEMO_PASSWORD, actor="hp")
    study = create_study(demo.store, review, "hp", "Eisen et al. 2013", [])
    url = f"/reviews/{review.slug}/studies/{study.id}/extraction"
    return DemoReview(demo.store, review, demo.logins), url


def _form(token: str, year: str = "2013", country: str = "U.K.") -> dict[str, str]:
    return {
        "csrf_token": token,
        "f:authors": "Eisen S",
        "f:year": year,
        "f:country": country,
        "f:design": "Quantitative",
    }


def test_the_extractor_fills_the_form_and_a_verifier_corrects_a_field(
    team: tuple[DemoReview, str],
) -> None:
    demo, url = team
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "hp") == 303
        page = client.get(url).text
        assert 'data-testid="extraction-form"' in page and "Programme elements" in page
        assert client.post(url, data=_form(_token(page))).status_code == 303
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        page = client.get(url).text
        assert 'data-testid="verify-form"' in page and 'data-testid="extraction-form"' not in page
        checks = {"csrf_token": _token(page), "check:authors": "accept"}
        checks |= {"check:country": "correct", "c:country": "UK"}
        assert client.post(url + "/verify", data=checks).status_code == 303
        assert "ln (corrected)" in client.get(url).text
        listed = client.get(url.rsplit("/studies/", 1)[0] + "/studies").text
        assert "Eisen et al. 2013" in listed and ">extracted<" in listed
    rows = extraction.table_one(demo.store, demo.review, "hp")
    assert rows[1][rows[0].index("Country")] == "UK"


def test_a_bad_value_is_refused_on_the_form_escaped_and_nothing_is_stored(
    team: tuple[DemoReview, str],
) -> None:
    demo, url = team
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "hp") == 303
        refused = client.post(url, data=_form(_token(client.get(url).text), year=HOSTILE))
        assert refused.status_code == 400
        assert "Year takes a number" in refused.text
        assert HOSTILE not in refused.text and "&lt;script&gt;" in refused.text
    assert extraction.table_one(demo.store, demo.review, "hp") == [
        extraction.table_one(demo.store, demo.review, "hp")[0]
    ]


def test_a_viewer_cannot_extract_and_a_forged_form_is_refused(
    team: tuple[DemoReview, str],
) -> None:
    demo, url = team
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "vera") == 303
        page = client.get(url)
        assert page.status_code == 200 and 'data-testid="extraction-form"' not in page.text
        assert client.post(url, data=_form(_token(page.text))).status_code == 403
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "hp") == 303
        assert client.post(url, data=_form("forged")).status_code == 403
    assert len(extraction.table_one(demo.store, demo.review, "hp")) == 1


def test_dual_extraction_with_a_repeating_group_through_the_pages(
    team: tuple[DemoReview, str],
) -> None:
    demo, url = team
    protocol = demo.review.protocol
    group = ExtractionField(
        id="arms",
        label="Arms",
        type="group",
        fields=[ExtractionField(id="arm", label="Arm"), ExtractionField(id="n", label="N")],
    )
    form = protocol.extraction.model_copy(update={"workflow": "dual", "fields": [group]})
    write_protocol(demo.review.folder, protocol.model_copy(update={"extraction": form}))
    for who, arm in (("ln", "Buddy arm A"), ("dll", "Buddy arm B")):
        with TestClient(create_app(demo.store), follow_redirects=False) as client:
            assert login(client, who) == 303
            page = client.get(url).text
            assert "Buddy arm A" not in page  # blind: nothing of the first extractor
            assert 'data-add-row="f:arms"' in page
            sent = {"csrf_token": _token(page), "f:arms:0:arm": arm, "f:arms:0:n": "12"}
            sent |= {"f:arms:1:arm": "", "f:arms:1:n": ""}
            assert client.post(url, data=sent).status_code == 303
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "eop") == 303
        page = client.get(url).text
        assert 'data-testid="comparison"' in page and "Buddy arm A" in page
        sent = {"csrf_token": _token(page), "k:arms:0:arm": "Buddy arm A", "k:arms:0:n": "12"}
        assert client.post(url + "/consensus", data=sent).status_code == 303
        assert 'data-testid="final"' in client.get(url).text
    review = open_review(demo.store, demo.review.folder, actor="hp")
    assert extraction.table_one(demo.store, review, "hp")[1] == [
        "Eisen et al. 2013",
        "Buddy arm A, 12",
    ]
