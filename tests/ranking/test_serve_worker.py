"""`sysreview serve` starts its ranking worker process with the server, not with the first
decision (whose requests it would otherwise slow while it loads), has it load the ranking models
then, and takes it down on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sysreview.protocol import default_protocol
from sysreview.services.reviews import init_review
from tests.servers import free_port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _spawned_workers(pid: int) -> list[int]:
    workers = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in command and b"resource_tracker" not in command:
            workers.append(child)
    return workers


def _has_loaded_scikit_learn(pid: int) -> bool:
    """Whether the process has mapped scikit-learn's compiled modules (it imported them)."""
    try:
        return "/sklearn/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_the_worker_starts_with_the_server_and_stops_with_it(tmp_path: Path) -> None:
    protocol = default_protocol("Worker", "owner1")
    store, review = init_review(tmp_path / "w", protocol.title, "owner1", None, protocol)
    store.dispose()
    port = free_port()
    command = [sys.executable, "-m", "sysreview", "serve", "-r", str(review.folder)]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:
            workers = _spawned_workers(server.pid)
            time.sleep(0.2)
        assert workers, "no ranking worker started with the server"
        while time.monotonic() < deadline:  # and the server answers meanwhile
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.2)
        while not any(_has_loaded_scikit_learn(w) for w in workers):
            assert time.monotonic() < deadline, "the worker did not load the ranking models"
            time.sleep(0.2)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
