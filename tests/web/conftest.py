"""A logged-in HTTP client over the real app and the demo review's store."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, DemoReview
from sysreview.web import create_app


@pytest.fixture
def client(demo: DemoReview) -> Iterator[TestClient]:
    with TestClient(create_app(demo.store), follow_redirects=False) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> int:
    form = client.get("/login")
    token = form.cookies.get("sysreview_login_csrf") or client.cookies.get("sysreview_login_csrf")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return response.status_code


@pytest.fixture
def logged_in(client: TestClient) -> Callable[[str], TestClient]:
    def _as(username: str) -> TestClient:
        assert login(client, username) == 303
        return client

    return _as
