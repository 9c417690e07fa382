"""Checked coding on the pages: a checker disputes an excerpt under it on the study's coding
page (a dispute without a comment is refused there), the checking page lists the dispute, and
an agreement after the recode marks the study checked. The coder gets no verdict form on their
own excerpt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, demo_protocol
from sysreview.services.accounts import set_password
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.services.studies import create_study
from sysreview.services.synthesis import add_code, write_memo
from sysreview.services.synthesis_coding import code_excerpt, set_excerpt_codes
from sysreview.store.engine import Store
from sysreview.synthesis.excerpts import Location
from sysreview.web import create_app
from tests.web.conftest import login

STUDY = "Eisen et al. 2013"
TEXT = "Mentees reported improved listening. Mentors felt a sense of community."


@pytest.fixture
def checked_review(
    tmp_path: Path, db_url: str | None
) -> Iterator[tuple[Store, ReviewContext, int, int]]:
    protocol = demo_protocol()
    protocol.synthesis.mode = "checked"
    store, review = init_review(tmp_path / "r", protocol.title, "hp", db_url, protocol=protocol)
    for member in protocol.team:
        set_password(store, member.user, DEMO_PASSWORD, actor="hp")
    study = create_study(store, review, "hp", STUDY, [])
    write_memo(store, review, "hp", "Results", TEXT, study=STUDY)
    code = add_code(store, review, "hp", "Peer support").id
    excerpt = code_excerpt(store, review, "ln", STUDY, Location("note", note="Results"), [code],
                           text="improved listening")  # fmt: skip
    yield store, review, study.id, excerpt.id
    store.dispose()


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_checker_disputes_then_agrees_after_the_recode(
    checked_review: tuple[Store, ReviewContext, int, int],
) -> None:
    store, review, study_id, excerpt_id = checked_review
    base = f"/reviews/{review.slug}/synthesis"
    coding = f"{base}/studies/{study_id}/coding"
    with TestClient(create_app(store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        own = client.get(coding).text
        assert "to check" in own and 'data-testid="check-form"' not in own
        client.cookies.clear()
        assert login(client, "dll") == 303
        page = client.get(coding).text
        assert 'data-testid="check-form"' in page
        form = {"csrf_token": _token(page), "study_id": str(study_id)}
        check = f"{base}/excerpts/{excerpt_id}/check"
        refused = client.post(check, data={**form, "verdict": "dispute", "comment": ""})
        assert refused.status_code == 400 and "needs a comment" in refused.text
        disputed = client.post(
            check, data={**form, "verdict": "dispute", "comment": "listening is <b>skill</b>"}
        )
        assert disputed.status_code == 303
        assert disputed.headers["location"].endswith(f"#excerpt-{excerpt_id}")
        page = client.get(coding).text
        assert ">disputed<" in page and "listening is &lt;b&gt;skill&lt;/b&gt;" in page
        listing = client.get(f"{base}/checking").text
        assert 'data-testid="dispute"' in listing and "improved listening" in listing
        assert re.search(r"<td>1</td><td>0</td><td>1</td>\s*<td>0</td>", listing)

        skill = add_code(store, review, "hp", "Listening skill").id
        set_excerpt_codes(store, review, "ln", excerpt_id, [skill])
        page = client.get(coding).text
        assert "to check" in page and "(before the last change)" in page
        agreed = client.post(check, data={**form, "verdict": "agree"})
        assert agreed.status_code == 303
        listing = client.get(f"{base}/checking").text
        assert "No disputes." in listing and ">checked<" in listing
        forged = client.post(check, data={**form, "csrf_token": "forged", "verdict": "agree"})
        assert forged.status_code == 403
