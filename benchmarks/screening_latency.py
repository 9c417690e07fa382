"""Screening latency: time from submitting a decision to the next record rendered.

A review of N generated records (default 100,000) served by `sysreview serve` in its own process,
as a team runs it; 10 reviewers deciding concurrently over HTTP on loopback. A decision is one
POST whose answer carries the next record's fragment, as the screening page's script uses it.
One decision in twenty is an include, so the stage's ranking (ranked order is the default)
retrains after decisions as it does in use, in the server's training worker process.
Two loads, printed side by side:

- paced: each reviewer pauses between decisions (exponential think time, mean --think seconds,
  default 1 s: faster than any person screens abstracts), the load issue 5's goal is about;
- closed loop: no pause at all, ten scripts hammering the server (a stress figure).

Prints p50 and p95 per database, and how many submits found the record already taken by two
others (those count too: the time runs until the next record is in hand); the goal (issue 5)
is p95 < 50 ms. Baseline named in the same
run: the same loops against a 1,000-record review, so the cost of review size is visible.

With ``--screened F`` the large review is measured late in screening instead: two other
reviewers have already decided the first fraction F of its records (imported through
`sysreview decisions import`'s code path), so every count and query meets a stage holding
2 x F x N decisions, as a team does in its last weeks.

    python benchmarks/screening_latency.py [--records 100000] [--decisions 30] [--skip-pg|--only-pg]
        [--screened 0.9]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import free_port  # noqa: E402

from sysreview.demo.synthetic import ris_export  # noqa: E402
from sysreview.protocol import Member, Stage, default_protocol  # noqa: E402
from sysreview.services.accounts import set_password  # noqa: E402
from sysreview.services.decisions import import_decisions  # noqa: E402
from sysreview.services.imports import SearchDetails, import_file  # noqa: E402
from sysreview.services.reviews import init_review  # noqa: E402

REVIEWERS = [f"s{n:02d}" for n in range(1, 11)]
EARLIER = ["e1", "e2"]
"""Two reviewers whose decisions, with --screened, were made before the measured session."""
PASSWORD = "latency-password"
VERDICTS = ["include"] + ["exclude"] * 19
"""One include in twenty, as screening goes: the ranking model has something to learn, so its
retraining after each decision (ranked order is the default) is part of the load measured."""


def build(folder: Path, records: int, db_url: str | None, screened: float = 0.0):  # type: ignore[no-untyped-def]
    protocol = default_protocol("Latency", "owner1")
    protocol.stages[:] = [Stage(name="title_abstract", label="Title/abstract", reviewers=2)]
    protocol.team.extend(Member(user=name, role="reviewer") for name in REVIEWERS + EARLIER)
    store, review = init_review(folder, protocol.title, "owner1", db_url, protocol)
    data = "".join(ris_export(records)).encode()
    import_file(store, review, "owner1", data, file_name="big.ris", search=SearchDetails("X"))
    for name in REVIEWERS:
        set_password(store, name, PASSWORD, actor="owner1")
    if screened:
        import_decisions(store, review, "owner1", _earlier_decisions(store, screened), "e.csv")
    return store, review


def _earlier_decisions(store, screened: float) -> bytes:  # type: ignore[no-untyped-def]
    """Both earlier reviewers' decisions on the first ``screened`` of the records, as CSV."""
    from sqlalchemy import select

    from sysreview.store.models import StoredRecord

    with store.read() as session:
        ids = list(session.scalars(select(StoredRecord.id).order_by(StoredRecord.id)))
    lines = ["stage,record_id,reviewer,verdict,reason,note,labels"]
    for n, record in enumerate(ids[: int(screened * len(ids))]):
        verdict = VERDICTS[n % len(VERDICTS)]
        lines += [f"title_abstract,{record},{name},{verdict},,," for name in EARLIER]
    return ("\n".join(lines) + "\n").encode()


def reviewer_loop(
    base: str,
    slug: str,
    name: str,
    decisions: int,
    think: float,
    seed: int,
    out: list[float],
    refused: list[int],
) -> None:
    """One reviewer's session; ``out`` gets the time from each submit to the next record in
    hand, including the extra request when the record was taken by others meanwhile."""
    pause = random.Random(seed)
    verdicts = random.Random(seed + 1000)
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/login")
    client.post(
        "/login",
        data={
            "username": name,
            "password": PASSWORD,
            "csrf_token": client.cookies["sysreview_login_csrf"],
        },
    )
    page = client.get(f"/reviews/{slug}/screen/title_abstract")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    record = int(page.text.split('data-record-id="')[1].split('"')[0])
    for _ in range(decisions):
        if think:
            time.sleep(pause.expovariate(1 / think))
        started = time.perf_counter()
        answer = client.post(
            f"/reviews/{slug}/screen/title_abstract/{record}",
            data={"csrf_token": token, "verdict": verdicts.choice(VERDICTS)},
            headers={"X-Requested-With": "fetch"},
        )
        if answer.status_code == 200:
            fragment = answer.json()["fragment"]
        else:  # another reviewer took the record's last slot first: move on, as the page does
            refused.append(record)
            fragment = client.get(
                f"/reviews/{slug}/screen/title_abstract/next",
                params={"after": record, "fragment": 1},
            ).text
        out.append(time.perf_counter() - started)
        if 'data-record-id="' not in fragment:
            break
        record = int(fragment.split('data-record-id="')[1].split('"')[0])
    client.close()


@contextmanager
def served(folder: Path, db_url: str | None) -> Iterator[str]:
    """`sysreview serve` for the review in its own process; its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "sysreview", "serve", "-r", str(folder), "--port", str(port)]
    if db_url:
        command += ["--db", db_url]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_loops(base: str, slug: str, decisions: int, think: float) -> tuple[list[float], list[int]]:
    times: list[float] = []
    refused: list[int] = []
    threads = [
        threading.Thread(
            target=reviewer_loop,
            args=(base, slug, name, decisions, think, seed, times, refused),
        )
        for seed, name in enumerate(REVIEWERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(times), refused


def percentiles(times: list[float]) -> tuple[float, float]:
    p95 = times[int(0.95 * (len(times) - 1))]
    return statistics.median(times) * 1000, p95 * 1000


def measure(
    records: int, decisions: int, think: float, db_url: str | None, screened: float = 0.0
) -> dict[str, tuple[float, float, int, int]]:
    """p50, p95 (ms) and count per load, paced first, then closed loop on what is left."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "r"
        store, review = build(folder, records, db_url, screened)
        store.dispose()
        figures = {}
        with served(folder, db_url) as base:
            for load, pause in (("paced", think), ("closed loop", 0.0)):
                times, refused = run_loops(base, review.slug, decisions, pause)
                figures[load] = (*percentiles(times), len(times), len(refused))
    return figures


def pg_url(admin: str) -> tuple[str, str]:
    import psycopg

    schema = f"lat_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema, f"{admin}?options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=30)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, seconds")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--only-pg", action="store_true")
    parser.add_argument(
        "--screened", type=float, default=0.0, help="fraction already decided (large review)"
    )
    args = parser.parse_args()
    header = f"{'database':<12}{'records':>9}  {'load':<12}{'n':>6}{'taken':>7}"
    print(header + f"{'p50 ms':>9}{'p95 ms':>9}")
    for name in ("sqlite", "postgresql"):
        if (name == "postgresql" and args.skip_pg) or (name == "sqlite" and args.only_pg):
            continue
        for records in (1_000, args.records):
            schema = url = None
            if name == "postgresql":
                schema, url = pg_url(args.postgres)
            screened = args.screened if records == args.records else 0.0
            figures = measure(records, args.decisions, args.think, url, screened)
            size = f"{records:,}" + (f" ({screened:.0%} done)" if screened else "")
            for load, (p50, p95, n, taken) in figures.items():
                row = f"{name:<12}{size:>9}  {load:<12}{n:>6}{taken:>7}"
                print(row + f"{p50:>9.1f}{p95:>9.1f}")
            if schema:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
