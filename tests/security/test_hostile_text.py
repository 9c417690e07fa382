"""Hostile text in every field a reviewer or a database can fill, rendered on every page:
no injected element or attribute anywhere, and the text itself survives."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DemoReview
from sysreview.protocol import load_protocol, write_protocol
from sysreview.services import dedup, screening
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import open_review
from sysreview.web import create_app
from tests.web.conftest import login

PAYLOADS = [
    '<script>alert("XSS1")</script>',
    "<img src=x onerror=alert('XSS2')>",
    '" onmouseover="alert(\'XSS3\')" x="',
    "<svg/onload=alert('XSS4')>",
    "javascript:alert('XSS5')",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "\u202eRTL override\u202c and \u0000 NUL",
]
# what the payloads would look like had they become markup (escaped text is fine)
INJECTED = [
    "<script>alert(",
    "<img src=x onerror",
    '" onmouseover="alert(',
    "<svg/onload",
    'href="javascript:',
]
TA = "title_abstract"


@pytest.fixture
def hostile(demo: DemoReview) -> DemoReview:
    protocol, _ = load_protocol(demo.review.folder)
    protocol = protocol.model_copy(
        update={
            "question": PAYLOADS[0],
            "criteria": protocol.criteria.model_copy(update={"inclusion": PAYLOADS[:3]}),
        }
    )
    write_protocol(demo.review.folder, protocol)
    review = open_review(demo.store, demo.review.folder, actor="hp")
    ris = "".join(
        f"TY  - JOUR\nTI  - {p} title\nAU  - {p}\nAB  - {p} abstract\nT2  - {p}\nER  - \n\n"
        for p in PAYLOADS
    )
    import_file(
        demo.store,
        review,
        "hp",
        ris.encode(),
        file_name="hostile.ris",
        search=SearchDetails(source=PAYLOADS[1], platform=PAYLOADS[2]),
    )
    dedup.run_dedup(demo.store, review, "hp")
    first = screening.next_record(demo.store, review, "ln", TA)
    assert first is not None
    screening.decide(
        demo.store, review, "ln", TA, first.id, "include", note=PAYLOADS[3], labels=[PAYLOADS[4]]
    )
    return DemoReview(demo.store, review, demo.logins)


def test_no_page_carries_an_injected_element_or_attribute(hostile: DemoReview) -> None:
    slug = hostile.review.slug
    pages = [
        f"/reviews/{slug}",
        f"/reviews/{slug}/audit",
        f"/reviews/{slug}/duplicates",
        f"/reviews/{slug}/screen/{TA}",
        f"/reviews/{slug}/screen/{TA}/records?q=XSS",
        f"/reviews/{slug}/conflicts/{TA}",
        f"/reviews/{slug}/agreement",
        f"/reviews/{slug}/import",
        "/reviews",
    ]
    with TestClient(create_app(hostile.store), follow_redirects=False) as client:
        assert login(client, "hp") == 303
        listing = client.get(pages[4]).text
        for part in listing.split("/record/")[1:]:
            record_id = part.split('"')[0]
            pages.append(f"/reviews/{slug}/screen/{TA}/record/{record_id}")
        assert len(pages) > 10
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            for marker in INJECTED:
                assert marker not in response.text, (page, marker)
        dashboard = client.get(pages[0]).text
        assert "&lt;script&gt;alert(&#34;XSS1&#34;)&lt;/script&gt;" in dashboard
