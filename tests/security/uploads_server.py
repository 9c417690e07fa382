"""A real server with one review whose owner is signed in, for the upload and form suites."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sysreview.services.accounts import set_password
from sysreview.services.reviews import init_review
from sysreview.web import create_app
from tests.servers import running_server

OWNER = "owner1"
PASSWORD = "hostile-upload-password"


@dataclass
class Signed:
    client: httpx.Client
    csrf: str
    slug: str

    def import_page(self, files: list[tuple[str, tuple[str, bytes]]]) -> httpx.Response:
        """POST the import page's form (the path a browser takes)."""
        return self.client.post(
            f"/reviews/{self.slug}/import",
            data={"csrf_token": self.csrf, "source": "Fuzzed database"},
            files=files,
        )


def peak_rss_kb() -> int:
    """The process's peak resident memory since :func:`reset_peak_rss` (the server runs in
    this process, on a thread)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/self/status")


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    folder = tmp_path_factory.mktemp("uploads") / "review"
    store, review = init_review(folder, "Hostile uploads", OWNER)
    set_password(store, OWNER, PASSWORD, actor=OWNER)
    with running_server(create_app(store)) as base:
        client = httpx.Client(base_url=base, timeout=60)
        client.get("/login")
        token = client.cookies["sysreview_login_csrf"]
        answer = client.post(
            "/login", data={"username": OWNER, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 303
        page = client.get("/reviews").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        signed = Signed(client, csrf, review.slug)
        for name in ("warm.xml", "warm.json", "warm.ris"):  # load the readers before timing
            signed.import_page([("files", (name, b"not records"))])
        importlib.import_module("openpyxl")
        yield signed
        client.close()
    store.dispose()
