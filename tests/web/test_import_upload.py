"""Uploading exports in the web app: the same import service, CSRF, size cap, roles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from sysreview.demo import DemoReview

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


def _csrf(client: TestClient, slug: str) -> str:
    page = client.get(f"/reviews/{slug}/import")
    assert page.status_code == 200
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def _files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (n, (FIXTURES / n).read_bytes(), "application/octet-stream")) for n in names]


def test_an_owner_uploads_an_export_and_sees_the_summary(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    slug = demo.review.slug
    response = client.post(
        f"/reviews/{slug}/import",
        data={
            "csrf_token": _csrf(client, slug),
            "source": "MEDLINE",
            "platform": "Ovid",
            "searched_on": "2017-11-01",
        },
        files=_files("ovid_medline.ris"),
    )
    assert response.status_code == 200, response.text[:500]
    assert "ovid_medline.ris" in response.text
    assert '<span data-testid="stored">2</span>' in response.text
    dashboard = client.get(f"/reviews/{slug}").text
    assert "<td>MEDLINE</td><td>Ovid</td><td>1</td><td>2</td>" in dashboard


def test_a_bad_file_stores_nothing_and_says_where(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    slug = demo.review.slug
    response = client.post(
        f"/reviews/{slug}/import",
        data={"csrf_token": _csrf(client, slug), "source": "MEDLINE"},
        files=_files("one_bad_record.ris"),
    )
    assert response.status_code == 422
    assert "one_bad_record.ris:42:" in response.text
    status = client.get(f"/api/reviews/{slug}/status").json()
    assert status["records"]["total"] == 10  # the demo's own reports only


def test_an_upload_without_the_csrf_token_is_refused(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    response = client.post(
        f"/reviews/{demo.review.slug}/import",
        data={"csrf_token": "forged", "source": "MEDLINE"},
        files=_files("ovid_medline.ris"),
    )
    assert response.status_code == 403


def test_a_reviewer_cannot_import(demo: DemoReview, logged_in: Callable[[str], TestClient]) -> None:
    client = logged_in("ln")
    assert client.get(f"/reviews/{demo.review.slug}/import").status_code == 403
    token = client.get("/reviews").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        f"/reviews/{demo.review.slug}/import",
        data={"csrf_token": token, "source": "MEDLINE"},
        files=_files("ovid_medline.ris"),
    )
    assert response.status_code == 403


def test_the_api_imports_with_the_csrf_header(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    token = _csrf(client, demo.review.slug)
    url = f"/api/reviews/{demo.review.slug}/imports"
    refused = client.post(url, data={"source": "Embase"}, files=_files("ovid_medline.ris"))
    assert refused.status_code == 403
    answer = client.post(
        url,
        data={"source": "Embase"},
        files=_files("ovid_medline.ris"),
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["error"] is None
    assert [f["records_stored"] for f in body["imported"]] == [2]


def test_an_oversize_body_is_refused_before_it_is_read(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    client = logged_in("hp")
    response = client.post(
        f"/reviews/{demo.review.slug}/import",
        content=b"x" * 10,
        headers={"content-length": str(2**40), "content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
