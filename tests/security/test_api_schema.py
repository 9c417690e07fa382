"""Schemathesis over the OpenAPI document: every operation, signed in as the owner and as an
outsider, answers without a server error and within its documented schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from sysreview.demo import build_demo
from sysreview.services.accounts import add_user
from sysreview.web import create_app

pytestmark = pytest.mark.serial


def _cookie(client: TestClient, user: str, password: str) -> str:
    client.get("/login")
    client.post(
        "/login",
        data={
            "username": user,
            "password": password,
            "csrf_token": client.cookies["sysreview_login_csrf"],
        },
    )
    return f"sysreview_session={client.cookies['sysreview_session']}"


@pytest.fixture(scope="module")
def app_and_cookies(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("api") / "demo"
    demo = build_demo(folder)
    add_user(demo.store, "outsider", "outsider-password")
    app = create_app(demo.store)
    with TestClient(app) as client:
        owner = _cookie(client, "hp", "demo-password")
    with TestClient(app) as client:
        outsider = _cookie(client, "outsider", "outsider-password")
    return app, {"owner": owner, "outsider": outsider}


def _operations(app):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_no_operation_fails_or_breaks_its_schema(app_and_cookies, who: str) -> None:  # type: ignore[no-untyped-def]
    app, cookies = app_and_cookies
    operations = _operations(app)
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, suppress_health_check=list(HealthCheck), deadline=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers={"Cookie": cookies[who]})
            assert response.status_code < 500, (operation.label, response.text)
            case.validate_response(
                response, checks=(schemathesis.checks.response_schema_conformance,)
            )

        check()
