"""Logging in and out: CSRF on every form, session cookies, one message for bad logins."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from sysreview.demo import DemoReview
from sysreview.protocol import load_protocol, write_protocol
from tests.web.conftest import login


def test_login_sets_an_httponly_lax_session_cookie(client: TestClient) -> None:
    client.get("/login")
    token = client.cookies.get("sysreview_login_csrf")
    response = client.post(
        "/login", data={"username": "hp", "password": "demo-password", "csrf_token": token}
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "sysreview_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_a_login_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "hp", "password": "demo-password", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert client.get("/reviews").status_code == 303  # still anonymous


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    assert login(client, "hp", "wrong-password") == 401
    assert login(client, "nobody", "wrong-password") == 401


def test_repeated_failures_are_throttled(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, "ln", "wrong-password") == 401
    client.get("/login")
    token = client.cookies.get("sysreview_login_csrf")
    response = client.post(
        "/login", data={"username": "ln", "password": "demo-password", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "too many failed logins" in response.text


def test_each_login_gets_a_new_session_id(client: TestClient) -> None:
    assert login(client, "hp") == 303
    first = client.cookies.get("sysreview_session")
    assert login(client, "hp") == 303
    assert client.cookies.get("sysreview_session") != first


def test_logout_needs_the_session_csrf_token_and_ends_the_session(
    logged_in: Callable[[str], TestClient],
) -> None:
    client = logged_in("hp")
    page = client.get("/reviews")
    assert page.status_code == 200
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/reviews").status_code == 200
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    old_cookie = client.cookies.get("sysreview_session")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.set("sysreview_session", old_cookie)  # a stolen copy no longer works
    assert client.get("/reviews").status_code == 303


def test_pages_carry_a_content_security_policy(client: TestClient) -> None:
    response = client.get("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy  # our own PDF viewer only
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_dashboard_escapes_text_from_the_protocol(
    demo: DemoReview, logged_in: Callable[[str], TestClient]
) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    protocol, _ = load_protocol(demo.review.folder)
    write_protocol(demo.review.folder, protocol.model_copy(update={"question": hostile}))
    page = logged_in("hp").get(f"/reviews/{demo.review.slug}")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
