"""Meta-analysis pages: save from the form (CSRF), see the run and its plots, escaped text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DemoReview
from sysreview.web import create_app
from tests.web.conftest import login

BCG = (Path(__file__).parents[1] / "fixtures" / "meta" / "bcg.csv").read_text()
HOSTILE = "<script>alert(1)</script>"


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the services run on both
def test_a_reviewer_saves_an_analysis_and_sees_its_results_and_plots(demo: DemoReview) -> None:
    base = f"/reviews/{demo.review.slug}/meta"
    table = BCG.replace("Aronson 1948", HOSTILE)
    with TestClient(create_app(demo.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        token = _token(client.get(base).text)
        form = {
            "name": "BCG vaccine",
            "measure": "RR",
            "method": "DL",
            "source": "table",
            "table": table,
            "add": "0.5",
        }
        assert client.post(base, data=form).status_code == 403  # no CSRF token
        bad = form | {"csrf_token": token, "table": table.replace(",4,123,", ",x,123,")}
        refused = client.post(base, data=bad)
        assert refused.status_code == 400
        assert "column events_treatment" in refused.text and HOSTILE not in refused.text
        saved = client.post(base, data=form | {"csrf_token": token})
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{base}/BCG%20vaccine"
        page = client.get(saved.headers["location"])
        assert page.status_code == 200
        assert "0.4896 (0.3449 to 0.6950)" in page.text  # metafor: predict(res, transf=exp)
        assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
        assert page.text.count("<tr><td>") >= 2 * 13  # the studies and leave-one-out rows
        assert "Egger&#39;s regression test" in page.text or "Egger's regression test" in page.text
        svg = client.get(f"{base}/BCG%20vaccine/forest.svg")
        assert svg.headers["content-type"] == "image/svg+xml"
        assert b"TPT Madras 1980" in svg.content and b"<script>" not in svg.content
        assert client.get(f"{base}/BCG%20vaccine/funnel.png").content[:4] == b"\x89PNG"
        assert "BCG vaccine" in client.get(base).text
        deleted = client.post(f"{base}/BCG%20vaccine/delete", data={"csrf_token": token})
        assert deleted.status_code == 303
        assert client.get(f"{base}/BCG%20vaccine").status_code == 404
