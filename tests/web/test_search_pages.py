"""The search strategy page, its live translate endpoint, saving, and the search log pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.protocol import load_protocol
from sysreview.services.accounts import add_user
from tests.web.conftest import login


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def test_the_page_shows_the_blocks_and_every_database_version(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("ln")
    version = demo.review.protocol.search.version()  # type: ignore[union-attr]

    page = client.get(f"/reviews/{demo.review.slug}/search")

    assert page.status_code == 200
    assert f'data-testid="strategy-version">{version}</code>' in page.text
    assert page.text.count('data-testid="search-block"') == 4  # three blocks and an empty one
    assert "<li><code>exp Mentoring/</code></li>" in page.text  # Ovid lines, numbered by <ol>
    assert "<h3>ERIC (EBSCOhost)</h3>" in page.text
    assert 'data-testid="save-strategy"' not in page.text  # a reviewer previews only
    assert '<script src="/static/search.js"></script>' in page.text


def test_the_translate_endpoint_answers_with_every_version_and_wants_the_token(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("ln")
    url = f"/api/reviews/{demo.review.slug}/search/translate"
    token = _csrf(client.get(f"/reviews/{demo.review.slug}/search").text)
    body = {"syntax": "pubmed", "blocks": [{"name": "m", "terms": '"Mentors"[mh]\nmentor*[ti]'}]}

    answer = client.post(url, json=body, headers={"X-CSRF-Token": token})
    refused = client.post(url, json=body)
    broken = client.post(
        url,
        json={"syntax": "pubmed", "blocks": [{"terms": "a[tiab]\n(b"}]},
        headers={"X-CSRF-Token": token},
    )

    assert answer.status_code == 200
    versions = {v["label"]: v for v in answer.json()["versions"]}
    assert versions["MEDLINE (Ovid)"]["lines"] == ["exp Mentors/", "mentor$.ti.", "or/1-2"]
    assert versions["MEDLINE (Ovid)"]["numbered"] is True
    assert versions["Scopus"]["lines"] == ['(INDEXTERMS("Mentors") OR TITLE(mentor*))']
    assert refused.status_code == 403
    assert broken.status_code == 400
    assert (
        broken.json()["error"]
        == "block 'block 1': line 2, column 2: expected a closing parenthesis"
    )


def test_the_owner_saves_edited_blocks_into_the_protocol(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    url = f"/reviews/{demo.review.slug}/search"
    token = _csrf(client.get(url).text)
    form = {
        "csrf_token": token,
        "syntax": "ovid",
        "block_name": ["peers", "mentorship", ""],
        "block_operator": ["AND", "AND", "AND"],
        "block_terms": ["exp Peer Group/\npeer$.ti,ab.", "(mentor$ adj3 peer$).ti,ab.", ""],
        "year_from": "2000",
        "languages": "English",
    }

    saved = client.post(url, data=form)
    protocol, _ = load_protocol(demo.review.folder)
    broken = client.post(url, data={**form, "block_terms": ["<b>peer", "x.zz."]})

    assert saved.status_code == 303
    strategy = protocol.search.strategy()  # type: ignore[union-attr]
    assert [b.name for b in strategy.blocks] == ["peers", "mentorship"]
    assert (strategy.limits.year_from, strategy.limits.languages) == (2000, ("English",))
    assert len(protocol.search.databases) == 6  # type: ignore[union-attr]
    assert broken.status_code == 400
    assert "&lt;b&gt;peer" in broken.text and "<b>peer" not in broken.text
    assert 'data-testid="search-error"' in broken.text


def test_a_reviewer_cannot_save_and_the_log_lists_the_demo_search(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("ln")
    slug = demo.review.slug
    token = _csrf(client.get(f"/reviews/{slug}/search").text)
    version = demo.review.protocol.search.version()  # type: ignore[union-attr]

    refused = client.post(
        f"/reviews/{slug}/search",
        data={
            "csrf_token": token,
            "block_name": ["x"],
            "block_operator": ["AND"],
            "block_terms": ["peer.ti."],
        },
    )
    log = client.get(f"/reviews/{slug}/search/log")
    as_csv = client.get(f"/reviews/{slug}/search/log.csv")

    assert refused.status_code == 403
    assert log.status_code == 200
    assert "Reference review: included reports" in log.text
    assert f"<code>{version}</code>" in log.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert f",10,{version},yes," in as_csv.text


def test_someone_outside_the_review_sees_neither_strategy_nor_log(
    demo: DemoReview, client: TestClient
) -> None:
    add_user(demo.store, "olga", DEMO_PASSWORD)
    assert login(client, "olga") == 303
    slug = demo.review.slug

    pages = [client.get(f"/reviews/{slug}/search{p}") for p in ("", "/log", "/log.md")]

    assert [p.status_code for p in pages] == [403, 403, 403]
    assert all("Peer Group" not in p.text for p in pages)
