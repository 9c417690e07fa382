"""Forms built to exhaust the server: too many parts, a field over its limit, a body over the
upload cap. Each gets a clear 4xx, nothing is imported, and the server keeps answering."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx

from tests.security.uploads_server import (
    Signed,
    peak_rss_kb,
    reset_peak_rss,
    rss_kb,
    signed_in,  # noqa: F401 - the fixture
)

GOOD = b"TY  - JOUR\nTI  - A title\nER  - \n"
MEMORY_BOUND_KB = 100 * 1024


def _post(signed: Signed, data: dict[str, str | list[str]], files: list) -> httpx.Response:  # type: ignore[type-arg]
    before = rss_kb()
    reset_peak_rss()
    started = time.perf_counter()
    answer = signed.client.post(f"/reviews/{signed.slug}/import", data=data, files=files)
    assert time.perf_counter() - started < 2.0
    assert peak_rss_kb() - before < MEMORY_BOUND_KB
    assert signed.client.get("/reviews").status_code == 200, "the server still answers"
    return answer


def _imports(signed: Signed) -> str:
    return signed.client.get(f"/reviews/{signed.slug}/import").text


def test_fifteen_hundred_form_fields_are_refused(signed_in: Signed) -> None:  # noqa: F811
    fields: dict[str, str | list[str]] = {"csrf_token": signed_in.csrf, "source": "S"}
    fields["extra"] = [str(n) for n in range(1500)]
    answer = _post(signed_in, fields, [("files", ("a.ris", GOOD))])
    assert answer.status_code == 400
    assert "fields" in answer.text.lower()


def test_fifteen_hundred_file_parts_are_refused(signed_in: Signed) -> None:  # noqa: F811
    files = [("files", (f"f{n}.ris", GOOD)) for n in range(1500)]
    answer = _post(signed_in, {"csrf_token": signed_in.csrf, "source": "S"}, files)
    assert answer.status_code == 400
    assert "files" in answer.text.lower()
    assert "f1499.ris" not in _imports(signed_in)


def test_a_field_over_its_length_limit_is_refused(signed_in: Signed) -> None:  # noqa: F811
    data = {"csrf_token": signed_in.csrf, "source": "S", "query": "q" * 100_001}
    answer = _post(signed_in, data, [("files", ("long-query.ris", GOOD))])
    assert answer.status_code == 422
    assert "query" in answer.text


def test_a_field_over_the_part_size_limit_is_refused(signed_in: Signed) -> None:  # noqa: F811
    data = {"csrf_token": signed_in.csrf, "source": "S" * 3_000_000}
    answer = _post(signed_in, data, [("files", ("huge-field.ris", GOOD))])
    assert 400 <= answer.status_code < 500
    assert "huge-field.ris" not in _imports(signed_in)


def test_a_body_declared_over_the_cap_is_refused_before_it_is_read(signed_in: Signed) -> None:  # noqa: F811
    url = urlsplit(str(signed_in.client.base_url))
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(
            (
                f"POST /reviews/{signed_in.slug}/import HTTP/1.1\r\nHost: {url.hostname}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                "Content-Length: 300000000\r\n\r\n"
            ).encode()
        )
        head = sock.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413"), head[:200]
    assert signed_in.client.get("/reviews").status_code == 200
