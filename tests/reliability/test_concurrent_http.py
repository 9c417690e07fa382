"""Many reviewers deciding at once over HTTP, some on the same records: every acknowledged
decision is stored exactly once, a record never gets more than its required decisions, and
stale edits are answered 409.

CI runs 20 reviewers × 25 decisions (SYSREVIEW_LOAD_DECISIONS); benchmarks/load_trial.py runs
the full 20 × 500.
"""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from sysreview.demo.synthetic import ris_export
from sysreview.protocol import Member, Stage, default_protocol
from sysreview.services.accounts import set_password
from sysreview.services.audit import verify_audit
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import init_review
from sysreview.store.models import Decision, User
from sysreview.web import create_app
from tests.servers import running_server

REVIEWERS = [f"r{n:02d}" for n in range(1, 21)]
PER_REVIEWER = int(os.environ.get("SYSREVIEW_LOAD_DECISIONS", "25"))
PASSWORD = "load-test-password"
TA = "title_abstract"

pytestmark = pytest.mark.serial


def _review(tmp_path: Path, db_url: str | None):  # type: ignore[no-untyped-def]
    protocol = default_protocol("Load trial", "owner1")
    protocol.stages[:] = [Stage(name=TA, label="Title and abstract", reviewers=2)]
    protocol.team.extend(Member(user=name, role="reviewer") for name in REVIEWERS)
    store, review = init_review(tmp_path / "load", protocol.title, "owner1", db_url, protocol)
    records = len(REVIEWERS) * PER_REVIEWER
    data = "".join(ris_export(records, seed=3)).encode()
    import_file(store, review, "owner1", data, file_name="load.ris", search=SearchDetails("X"))
    for name in REVIEWERS:
        set_password(store, name, PASSWORD, actor="owner1")
    return store, review


def _session(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/login")
    login = client.post(
        "/login",
        data={
            "username": name,
            "password": PASSWORD,
            "csrf_token": client.cookies["sysreview_login_csrf"],
        },
    )
    assert login.status_code == 303
    page = client.get("/reviews").text
    return client, page.split('name="csrf_token" value="')[1].split('"')[0]


def test_concurrent_reviewers_never_lose_or_duplicate_a_decision(
    tmp_path: Path, db_url: str | None
) -> None:
    store, review = _review(tmp_path, db_url)
    with store.read() as session:
        from sysreview.store.models import StoredRecord

        ids = sorted(session.scalars(select(StoredRecord.id)))
    shared = ids[: max(4, len(ids) // 10)]  # ~10 % of the work lands on the same records
    acknowledged: list[tuple[str, int]] = []
    refused: Counter[int] = Counter()
    lock = threading.Lock()
    with running_server(create_app(store)) as base:

        def work(index: int, name: str) -> None:
            client, token = _session(base, name)
            rng = random.Random(index)
            own = ids[index * PER_REVIEWER : (index + 1) * PER_REVIEWER]
            todo = own[: PER_REVIEWER - PER_REVIEWER // 10] + rng.sample(shared, PER_REVIEWER // 10)
            for record_id in todo:
                answer = client.post(
                    f"/reviews/{review.slug}/screen/{TA}/{record_id}",
                    data={
                        "csrf_token": token,
                        "verdict": rng.choice(["include", "exclude"]),
                        "form_token": f"{name}-{record_id}",
                    },
                    headers={"X-Requested-With": "fetch"},
                )
                with lock:
                    if answer.status_code == 200:
                        acknowledged.append((name, record_id))
                    else:
                        assert answer.status_code == 409, answer.text
                        refused[answer.status_code] += 1
            stale = client.post(
                f"/reviews/{review.slug}/screen/{TA}/{todo[0]}",
                data={"csrf_token": token, "verdict": "include", "expected_version": "0"},
                headers={"X-Requested-With": "fetch"},
            )
            with lock:
                refused[stale.status_code] += 1
            client.close()

        threads = [threading.Thread(target=work, args=(i, n)) for i, n in enumerate(REVIEWERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with store.read() as session:
        stored = session.execute(
            select(User.username, Decision.record_id).join(User, User.id == Decision.reviewer_id)
        ).all()
        per_record = Counter(record for _, record in stored)
        assert session.scalar(select(func.count()).select_from(Decision)) == len(stored)
    assert sorted(stored) == sorted(acknowledged)  # every acknowledged decision, once
    assert max(per_record.values()) <= 2
    assert refused[409] >= len(REVIEWERS)  # the stale edits, and the third voters on shared
    assert set(refused) == {409}
    assert verify_audit(store) is None
