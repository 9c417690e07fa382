"""The matrix page under blind coding: a coder is told they see only their own coding and sees
no one else's words; the owner sees everyone's and ends blind coding with a CSRF-checked form."""

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
from sysreview.services.synthesis_coding import code_excerpt
from sysreview.store.engine import Store
from sysreview.synthesis.excerpts import Location
from sysreview.web import create_app
from tests.web.conftest import login

STUDY = "Eisen et al. 2013"
TEXT = "Mentees reported improved listening. Mentors felt a sense of community."


@pytest.fixture
def blind_review(tmp_path: Path, db_url: str | None) -> Iterator[tuple[Store, ReviewContext]]:
    protocol = demo_protocol()
    protocol.synthesis.blind = True
    store, review = init_review(tmp_path / "r", protocol.title, "hp", db_url, protocol=protocol)
    for member in protocol.team:
        set_password(store, member.user, DEMO_PASSWORD, actor="hp")
    create_study(store, review, "hp", STUDY, [])
    write_memo(store, review, "hp", "Results", TEXT, study=STUDY)
    code = add_code(store, review, "hp", "Peer support").id
    where = Location("note", note="Results")
    code_excerpt(store, review, "ln", STUDY, where, [code], text="improved listening")
    code_excerpt(store, review, "dll", STUDY, where, [code], text="a sense of community")
    yield store, review
    store.dispose()


def test_a_coder_sees_their_own_words_and_the_owner_ends_blind_coding(
    blind_review: tuple[Store, ReviewContext],
) -> None:
    store, review = blind_review
    base = f"/reviews/{review.slug}/synthesis"
    with TestClient(create_app(store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        page = client.get(base).text
        assert "only your own coding" in page and 'data-testid="end-blind-coding"' not in page
        assert "improved listening" in page and "a sense of community" not in page
        client.cookies.clear()
        assert login(client, "hp") == 303
        page = client.get(base).text
        assert "improved listening" in page and "a sense of community" in page
        assert client.post(f"{base}/unblind", data={"csrf_token": "forged"}).status_code == 403
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        ended = client.post(f"{base}/unblind", data={"csrf_token": token.group(1)})
        assert ended.status_code == 303
        client.cookies.clear()
        assert login(client, "ln") == 303
        page = client.get(base).text
        assert "a sense of community" in page and "owner has ended it" in page
