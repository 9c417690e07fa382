"""Synthesis pages: coding a selected span (offsets kept exactly, white space at the ends
trimmed), taking codes off an excerpt, the theme board's moves, a code's forms, the roles that
may only read, CSRF, escaped hostile text, and the demo's matrix with its four themes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview.demo import DEMO_PASSWORD, DemoReview, demo_protocol
from sysreview.protocol import Member
from sysreview.services.accounts import set_password
from sysreview.services.audit import list_audit
from sysreview.services.reviews import init_review
from sysreview.services.studies import create_study
from sysreview.services.synthesis import add_code, load_codebook, write_memo
from sysreview.services.synthesis_coding import list_excerpts
from sysreview.web import create_app
from tests.web.conftest import login

STUDY = "Eisen et al. 2013"
NOTE = "Results"
TEXT = "Residents met monthly.\r\nMentees reported improved listening skills 😀 and peer support."
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_NAME = '<script src=x onerror="alert(2)"'  # a code's name may not hold ">"


@dataclass(frozen=True)
class Team:
    demo: DemoReview
    study_id: int
    listening: int
    support: int

    @property
    def base(self) -> str:
        return f"/reviews/{self.demo.review.slug}/synthesis"

    @property
    def coding(self) -> str:
        return f"{self.base}/studies/{self.study_id}/coding"


@pytest.fixture
def team(tmp_path: Path, db_url: str | None) -> Iterator[Team]:
    """The demo's protocol and team plus a viewer (vera), one study with a note, two codes;
    no records, which these pages do not need."""
    protocol = demo_protocol()
    members = [*protocol.team, Member(user="vera", name="Vera", role="viewer")]
    protocol = protocol.model_copy(update={"team": members})
    store, review = init_review(
        tmp_path / "review", protocol.title, "hp", db_url, protocol=protocol
    )
    for member in members:
        set_password(store, member.user, DEMO_PASSWORD, actor="hp")
    study = create_study(store, review, "hp", STUDY, [])
    write_memo(store, review, "hp", NOTE, TEXT, study=STUDY)
    listening = add_code(store, review, "hp", "Improved listening").id
    support = add_code(store, review, "hp", "Peer support").id
    yield Team(DemoReview(store, review, {}), study.id, listening, support)
    store.dispose()


@pytest.fixture
def client(team: Team) -> Iterator[TestClient]:
    with TestClient(create_app(team.demo.store), follow_redirects=False) as test_client:
        yield test_client


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _as(client: TestClient, user: str, url: str) -> str:
    assert login(client, user) == 303
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return _token(page.text)


def _excerpts(team: Team) -> list[tuple[str, int | None, int | None, tuple[int, ...]]]:
    found = list_excerpts(team.demo.store, team.demo.review, "hp", study=STUDY)
    return [(e.text, e.location.start, e.location.end, e.codes) for e in found]


def _span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_a_coder_codes_a_selection_and_sees_it_highlighted(team: Team, client: TestClient) -> None:
    token = _as(client, "ln", team.coding)
    start, end = _span("peer support")
    form = {
        "csrf_token": token,
        "source": f"note|{NOTE}",
        "start": str(start - 1),  # a selection that took the space before the words
        "end": str(end),
        "code": [str(team.support), str(team.listening)],
    }
    saved = client.post(f"{team.base}/studies/{team.study_id}/excerpts", data=form)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(team.coding + "#excerpt-")
    assert _excerpts(team) == [
        ("peer support", start, end, tuple(sorted((team.support, team.listening))))
    ]
    page = client.get(team.coding).text
    assert f'<span data-start="{start}" class="coded"' in page
    assert 'data-testid="excerpt-text">peer support</q>' in page


def test_the_words_typed_in_are_coded_without_a_selection(team: Team, client: TestClient) -> None:
    token = _as(client, "ln", team.coding)
    form = {
        "csrf_token": token,
        "source": f"note|{NOTE}",
        "text": "improved listening skills",
        "code": str(team.listening),
    }
    assert (
        client.post(f"{team.base}/studies/{team.study_id}/excerpts", data=form).status_code == 303
    )
    start, end = _span("improved listening skills")
    assert _excerpts(team) == [("improved listening skills", start, end, (team.listening,))]


def test_a_selection_outside_the_text_is_refused_on_the_page(
    team: Team, client: TestClient
) -> None:
    token = _as(client, "ln", team.coding)
    form = {
        "csrf_token": token,
        "source": f"note|{NOTE}",
        "start": "5",
        "end": "5000",
        "code": str(team.listening),
    }
    refused = client.post(f"{team.base}/studies/{team.study_id}/excerpts", data=form)
    assert refused.status_code == 400
    assert "outside" in refused.text and 'data-testid="coding-error"' in refused.text
    assert _excerpts(team) == []


def test_taking_off_the_last_code_removes_the_excerpt(team: Team, client: TestClient) -> None:
    token = _as(client, "ln", team.coding)
    start, end = _span("peer support")
    both = [str(team.listening), str(team.support)]
    form = {"csrf_token": token, "source": f"note|{NOTE}", "start": str(start), "end": str(end)}
    client.post(f"{team.base}/studies/{team.study_id}/excerpts", data={**form, "code": both})
    [(_, _, _, codes)] = _excerpts(team)
    excerpt_id = list_excerpts(team.demo.store, team.demo.review, "hp")[0].id
    remove = f"{team.base}/excerpts/{excerpt_id}/remove-code"
    body = {"csrf_token": token, "study_id": str(team.study_id)}
    assert client.post(remove, data={**body, "code": str(team.listening)}).status_code == 303
    assert [e[3] for e in _excerpts(team)] == [(team.support,)]
    assert client.post(remove, data={**body, "code": str(team.support)}).status_code == 303
    assert _excerpts(team) == []
    assert len(codes) == 2


def test_the_board_files_a_code_under_a_theme_by_form_and_by_drag(
    team: Team, client: TestClient
) -> None:
    token = _as(client, "ln", f"{team.base}/themes")
    added = client.post(
        f"{team.base}/codes",
        data={"csrf_token": token, "name": "Sense of community", "level": "analytical"},
    )
    assert added.status_code == 303
    book = load_codebook(team.demo.store, team.demo.review, "hp")
    theme = book.find("Sense of community").id
    by_form = client.post(
        f"{team.base}/codes/{team.support}/move", data={"csrf_token": token, "parent": str(theme)}
    )
    assert by_form.status_code == 303
    dragged = client.post(
        f"{team.base}/codes/{team.listening}/move",
        data={"csrf_token": token, "parent": str(theme)},
        headers={"Accept": "application/json"},
    )
    assert dragged.json() == {"id": team.listening, "parent": theme, "level": "code"}
    book = load_codebook(team.demo.store, team.demo.review, "hp")
    assert [c.name for c in book.children(theme)] == ["Improved listening", "Peer support"]
    refused = client.post(
        f"{team.base}/codes/{theme}/move",
        data={"csrf_token": token, "parent": str(team.support)},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400 and refused.json()["error"]
    assert load_codebook(team.demo.store, team.demo.review, "hp").get(theme).parent is None
    moves = [e for e in list_audit(team.demo.store, team.demo.review, "hp")]
    assert [e["action"] for e in moves].count("synthesis.code.move") == 2
    board = client.get(f"{team.base}/themes").text
    column = board[board.index('data-testid="theme-column"') :]
    assert "Improved listening" in column and "Peer support" in column


def test_a_codes_page_renames_merges_and_keeps_memos_and_summaries(
    team: Team, client: TestClient
) -> None:
    token = _as(client, "ln", f"{team.base}/codes/{team.support}")
    url = f"{team.base}/codes/{team.support}"
    renamed = client.post(
        f"{url}/rename",
        data={"csrf_token": token, "name": "Peer support", "definition": "Help from peers"},
    )
    assert renamed.status_code == 303
    memo = {"csrf_token": token, "title": "Why", "text": "Seen in two studies"}
    assert client.post(f"{url}/memo", data=memo).status_code == 303
    page = client.get(url).text
    assert "Help from peers" in page and "Seen in two studies" in page
    merged = client.post(
        f"{team.base}/codes/{team.listening}/merge",
        data={"csrf_token": token, "into": str(team.support)},
    )
    assert merged.headers["location"] == url
    book = load_codebook(team.demo.store, team.demo.review, "hp")
    assert [c.name for c in book.codes.values()] == ["Peer support"]
    clash = client.post(f"{url}/rename", data={"csrf_token": token, "name": " "})
    assert clash.status_code == 400 and 'data-testid="code-error"' in clash.text


def test_a_viewer_reads_every_page_but_changes_nothing(team: Team, client: TestClient) -> None:
    token = _as(client, "vera", team.coding)
    for url in (team.coding, f"{team.base}/themes", team.base, f"{team.base}/codes/{team.support}"):
        page = client.get(url)
        assert page.status_code == 200, url
        for marker in ("apply-form", "move-form", "new-theme-form", "memo-form", "rename-form"):
            assert f'data-testid="{marker}"' not in page.text, (url, marker)
    start, end = _span("peer support")
    attempts = [
        (
            f"{team.base}/studies/{team.study_id}/excerpts",
            {"source": f"note|{NOTE}", "start": str(start), "end": str(end), "code": "1"},
        ),
        (f"{team.base}/codes", {"name": "Mine", "level": "code"}),
        (f"{team.base}/codes/{team.support}/move", {"parent": ""}),
        (f"{team.base}/codes/{team.support}/rename", {"name": "Renamed"}),
        (f"{team.base}/codes/{team.support}/memo", {"title": "t", "text": "x"}),
    ]
    for url, form in attempts:
        assert client.post(url, data={"csrf_token": token, **form}).status_code == 403, url
    book = load_codebook(team.demo.store, team.demo.review, "hp")
    assert sorted(c.name for c in book.codes.values()) == ["Improved listening", "Peer support"]
    assert _excerpts(team) == []


def test_posts_without_the_sessions_csrf_token_are_refused(team: Team, client: TestClient) -> None:
    _as(client, "ln", team.coding)
    start, end = _span("peer support")
    forged = {"csrf_token": "forged"}
    excerpt = {"source": f"note|{NOTE}", "start": str(start), "end": str(end)}
    code = {"code": str(team.support)}
    assert (
        client.post(
            f"{team.base}/studies/{team.study_id}/excerpts", data={**forged, **excerpt, **code}
        ).status_code
        == 403
    )
    assert client.post(f"{team.base}/codes", data={**forged, "name": "X"}).status_code == 403
    dragged = client.post(
        f"{team.base}/codes/{team.support}/move",
        data={"parent": ""},
        headers={"Accept": "application/json"},
    )
    assert dragged.status_code == 403 and "expired" in dragged.json()["error"]
    assessed = client.post(
        f"{team.base}/codes/{team.support}/cerqual/assess",
        data={**forged, "finding": "f", "overall": "high"},
    )
    assert assessed.status_code == 403
    assert _excerpts(team) == []
    assert len(load_codebook(team.demo.store, team.demo.review, "hp").codes) == 2


def test_hostile_text_in_notes_excerpts_and_code_names_is_escaped(
    team: Team, client: TestClient
) -> None:
    review = team.demo.review
    evil = add_code(team.demo.store, review, "hp", HOSTILE_NAME)
    write_memo(team.demo.store, review, "hp", HOSTILE, f"before {HOSTILE} after", study=STUDY)
    token = _as(client, "ln", team.coding)
    form = {"csrf_token": token, "source": f"note|{HOSTILE}", "text": HOSTILE, "code": str(evil.id)}
    assert (
        client.post(f"{team.base}/studies/{team.study_id}/excerpts", data=form).status_code == 303
    )
    theme = {"csrf_token": token, "name": "Theme", "level": "analytical"}
    client.post(f"{team.base}/codes", data=theme)
    client.post(
        f"{team.base}/codes/{evil.id}/move",
        data={
            "csrf_token": token,
            "parent": str(load_codebook(team.demo.store, review, "hp").find("Theme").id),
        },
    )
    pages = (team.coding, f"{team.base}/themes", f"{team.base}?level=code")
    for url in (*pages, f"{team.base}/codes/{evil.id}"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "<script src=x" not in page and 'onerror="alert(2)"' not in page, url
        assert "&lt;script src=x onerror=&#34;alert(2)&#34;" in page, url
        if not url.endswith("/themes"):  # the board shows names, not excerpts
            assert "&lt;script&gt;alert(" in page, url


def test_the_matrix_lists_the_demos_four_themes_with_studies_and_reports(
    full_demo: DemoReview,
) -> None:
    base = f"/reviews/{full_demo.review.slug}/synthesis"
    with TestClient(create_app(full_demo.store), follow_redirects=False) as client:
        assert login(client, "ln") == 303
        page = client.get(base).text
        names = re.findall(r'data-testid="theme-name">([^<]+)</a>', page)
        assert names == [
            "Academic and career success",
            "Communication skills",
            "Coping and mental wellbeing",
            "Sense of community",
        ]
        row = page[page.index(">Sense of community</a>") :]
        studies = re.search(r'data-testid="theme-studies">(\d+)<', row)
        reports = re.search(r'data-testid="theme-reports">(\d+)<', row)
        assert studies is not None and reports is not None
        assert (studies.group(1), reports.group(1)) == ("3", "4")
        assert "Sense of community: 3 studies, 4 reports." in page
        assert "Quantitative" in page  # a study's design beside its column
        for fmt, media in (("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("svg", "image/svg")):
            answer = client.get(f"{base}/matrix.{fmt}")
            assert answer.status_code == 200 and media in answer.headers["content-type"]
        assert b"Sense of community" in client.get(f"{base}/matrix.csv").content
        assert client.get(f"{base}/matrix.pdf").status_code == 404


def test_a_cerqual_assessment_is_saved_from_the_matrix_page(team: Team, client: TestClient) -> None:
    token = _as(client, "ln", team.base)
    form = {
        "csrf_token": token,
        "finding": "Peers help residents listen",
        "methodological_limitations:concern": "none",
        "coherence:concern": "none",
        "adequacy:concern": "moderate",
        "adequacy:explanation": "one study",
        "relevance:concern": "none",
        "overall": "moderate",
        "explanation": "thin data",
    }
    url = f"{team.base}/codes/{team.listening}/cerqual/assess"
    summary = {"csrf_token": token, "text": "Peers listen to each other"}
    assert (
        client.post(f"{team.base}/codes/{team.listening}/summary", data=summary).status_code == 303
    )
    unexplained = client.post(url, data={**form, "adequacy:explanation": ""})
    assert unexplained.status_code == 400 and "Adequacy of data: explain" in unexplained.text
    saved = client.post(url, data=form)
    assert saved.headers["location"] == f"{team.base}#theme-{team.listening}"
    page = client.get(team.base).text
    assert "Moderate confidence (adequacy of data: moderate)" in page
    assert "Peers help residents listen" in page and "Peers listen to each other" in page
