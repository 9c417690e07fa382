"""kill -9 the server during a burst of decisions: every decision it acknowledged is there
after a restart, and the store and its audit chain are whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from sysreview.demo.synthetic import ris_export
from sysreview.protocol import Member, Stage, default_protocol
from sysreview.services.accounts import set_password
from sysreview.services.audit import verify_audit
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import init_review, open_store
from sysreview.store.models import Decision, User
from tests.servers import free_port

REVIEWERS = ["k1", "k2", "k3", "k4"]
PASSWORD = "kill-test-password"
TA = "title_abstract"

pytestmark = pytest.mark.serial


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_acknowledged_decisions_survive_kill_9(tmp_path: Path, db_url: str | None) -> None:
    protocol = default_protocol("Kill trial", "owner1")
    protocol.stages[:] = [Stage(name=TA, label="Title/abstract", reviewers=2)]
    protocol.team.extend(Member(user=n, role="reviewer") for n in REVIEWERS)
    store, review = init_review(tmp_path / "k", protocol.title, "owner1", db_url, protocol)
    import_file(
        store,
        review,
        "owner1",
        "".join(ris_export(400)).encode(),
        file_name="k.ris",
        search=SearchDetails("X"),
    )
    for name in REVIEWERS:
        set_password(store, name, PASSWORD, actor="owner1")
    store.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "sysreview",
        "serve",
        "-r",
        str(review.folder),
        "--port",
        str(port),
    ] + (["--db", db_url] if db_url else [])
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    acknowledged: list[tuple[str, int]] = []
    lock = threading.Lock()
    try:
        _wait_for(base)

        def burst(index: int, name: str) -> None:
            client = httpx.Client(base_url=base, timeout=10)
            try:
                client.get("/login")
                client.post(
                    "/login",
                    data={
                        "username": name,
                        "password": PASSWORD,
                        "csrf_token": client.cookies["sysreview_login_csrf"],
                    },
                )
                token = client.get("/reviews").text.split('name="csrf_token" value="')[1]
                token = token.split('"')[0]
                for record_id in range(1 + index * 100, 1 + (index + 1) * 100):
                    answer = client.post(
                        f"/reviews/{review.slug}/screen/{TA}/{record_id}",
                        data={"csrf_token": token, "verdict": "include"},
                        headers={"X-Requested-With": "fetch"},
                    )
                    if answer.status_code == 200:
                        with lock:
                            acknowledged.append((name, record_id))
            except httpx.HTTPError:
                return  # the server was killed under us
            finally:
                client.close()

        threads = [threading.Thread(target=burst, args=(i, n)) for i, n in enumerate(REVIEWERS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        os.kill(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join()
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
        server.wait()
    assert acknowledged, "no decision was acknowledged before the kill"
    restarted = open_store(review.folder, db_url)
    with restarted.read() as session:
        if restarted.dialect == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = session.execute(
            select(User.username, Decision.record_id).join(User, User.id == Decision.reviewer_id)
        )
        stored = {(name, record_id) for name, record_id in rows}
    assert set(acknowledged) <= stored
    assert verify_audit(restarted) is None
