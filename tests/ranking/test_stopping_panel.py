"""The estimate and stopping advice: the service, the random-sampling phase the owner starts,
the web panel and the note on the screening page, and ``sysreview ranking status``."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sysreview.cli import app as cli_app
from sysreview.errors import AlreadyExists, PermissionDenied
from sysreview.services import ranking, screening
from sysreview.services.accounts import set_password
from sysreview.services.ranking_status import ranking_status, start_sampling
from sysreview.web import create_app
from tests.ranking.screening_review import OWNER, TA, A, RankedReview

PASSWORD = "ranking-panel-password"


def _screen(rr: RankedReview, n: int) -> list[int]:
    done = []
    for _ in range(n):
        view = screening.next_record(rr.store, rr.review, A, TA)
        assert view is not None
        verdict = "include" if view.id in rr.on_topic else "exclude"
        screening.decide(rr.store, rr.review, A, TA, view.id, verdict)
        assert ranking.trainer(rr.store).wait()
        done.append(view.id)
    return done


def test_the_owner_starts_random_sampling_and_the_sample_is_counted(rr: RankedReview) -> None:
    screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
    screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
    assert ranking.trainer(rr.store).wait()
    _screen(rr, 5)
    status = ranking_status(rr.store, rr.review, A, TA)
    assert status.advice is not None and status.advice.screened == 7
    assert status.advice.relevant_found == 6  # the ranking found every relevant record
    assert [rule.kind for rule in status.advice.rules] == ["statistical", "heuristic", "heuristic"]
    assert not status.advice.rules[0].stop and "random sample" in status.advice.rules[0].message
    assert not status.may_start_sampling  # a reviewer may not
    with pytest.raises(PermissionDenied):
        start_sampling(rr.store, rr.review, A, TA)
    assert ranking_status(rr.store, rr.review, OWNER, TA).may_start_sampling
    start_sampling(rr.store, rr.review, OWNER, TA)
    with pytest.raises(AlreadyExists):
        start_sampling(rr.store, rr.review, OWNER, TA)
    with rr.store.read() as session:
        shuffled = ranking.trainer(rr.store).shuffled(
            session, rr.review, rr.review.protocol.stages[0]
        )
    sampled = _screen(rr, 9)
    assert sampled == [r for r in shuffled.order or () if r in sampled]  # random order for all
    status = ranking_status(rr.store, rr.review, A, TA)
    assert status.sampling_started and status.sample_size == 9
    assert status.order.effective == "random"
    assert status.advice is not None and status.advice.remaining.guaranteed
    assert status.advice.remaining.low == 0


def test_the_panel_and_the_note_render(rr: RankedReview) -> None:
    screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
    screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
    assert ranking.trainer(rr.store).wait()
    for name in (A, OWNER):
        set_password(rr.store, name, PASSWORD, actor=OWNER)
    with TestClient(create_app(rr.store), follow_redirects=False) as client:
        _login(client, A)
        page = client.get(f"/reviews/{rr.review.slug}/screen/{TA}")
        assert page.status_code == 200
        assert 'data-testid="ranking-note" data-order="ranked"' in page.text
        panel = client.get(f"/reviews/{rr.review.slug}/ranking/{TA}")
        assert panel.status_code == 200
        assert "Relevant records probably remaining" in panel.text
        # Two decisions are too few for the discovery curve: said in words, never "nan".
        assert 'data-testid="too-early"' in panel.text and "nan" not in panel.text
        assert "Hypergeometric test" in panel.text and "Heuristic, knee" in panel.text
        assert "Guarantee: when this rule says stop" in panel.text
        assert 'data-testid="start-sampling"' not in panel.text  # reviewers cannot start it
        client.cookies.clear()
        _login(client, OWNER)
        panel = client.get(f"/reviews/{rr.review.slug}/ranking/{TA}")
        token = panel.text.split('name="csrf_token" value="')[1].split('"')[0]
        assert 'data-testid="start-sampling"' in panel.text
        refused = client.post(f"/reviews/{rr.review.slug}/ranking/{TA}/sample", data={})
        assert refused.status_code in (400, 403, 422)
        started = client.post(
            f"/reviews/{rr.review.slug}/ranking/{TA}/sample", data={"csrf_token": token}
        )
        assert started.status_code == 303
        panel = client.get(started.headers["location"])
        assert 'data-testid="start-sampling"' not in panel.text
        assert "Random sampling phase" in panel.text


def _login(client: TestClient, name: str) -> None:
    client.get("/login")
    answer = client.post(
        "/login",
        data={
            "username": name,
            "password": PASSWORD,
            "csrf_token": client.cookies["sysreview_login_csrf"],
        },
    )
    assert answer.status_code == 303


def test_ranking_status_command_trains_and_prints_json(
    rr: RankedReview, db_url: str | None
) -> None:
    screening.decide(rr.store, rr.review, A, TA, rr.on_topic[0], "include")
    screening.decide(rr.store, rr.review, A, TA, rr.off_topic[0], "exclude")
    db = ["--db", db_url] if db_url else []
    args = ["ranking", "status", "-r", str(rr.review.folder), *db, "--as", A]
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["order"]["effective"] == "ranked"
    assert found["model"]["included"] == 1 and found["model"]["excluded"] == 1
    assert found["advice"]["rules"][0]["kind"] == "statistical"
    text = CliRunner().invoke(cli_app, args)
    assert text.exit_code == 0 and "[heuristic]" in text.output and "[statistical]" in text.output


@pytest.mark.parametrize("command", ["status", "sample"])
def test_ranking_commands_have_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli_app, ["ranking", command, "--help"])
    assert result.exit_code == 0 and "Example: sysreview ranking" in result.output
