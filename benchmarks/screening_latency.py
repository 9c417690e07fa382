"""Screening latency: time from submitting a decision to the next record rendered.

A review of N generated records (default 100,000), 10 reviewers deciding concurrently over HTTP
on loopback, each decision followed by fetching the next record's fragment, as the screening
page's script does. Prints p50 and p95 per database; the goal (issue 5) is p95 < 50 ms.
Baseline named in the same run: the same loop against a 1,000-record review, so the cost of
review size is visible.

    python benchmarks/screening_latency.py [--records 100000] [--decisions 30] [--skip-pg]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import running_server  # noqa: E402

from sysreview.demo.synthetic import ris_export  # noqa: E402
from sysreview.protocol import Member, Stage, default_protocol  # noqa: E402
from sysreview.services.accounts import set_password  # noqa: E402
from sysreview.services.imports import SearchDetails, import_file  # noqa: E402
from sysreview.services.reviews import init_review  # noqa: E402
from sysreview.web import create_app  # noqa: E402

REVIEWERS = [f"s{n:02d}" for n in range(1, 11)]
PASSWORD = "latency-password"


def build(folder: Path, records: int, db_url: str | None):  # type: ignore[no-untyped-def]
    protocol = default_protocol("Latency", "owner1")
    protocol.stages[:] = [Stage(name="title_abstract", label="Title/abstract", reviewers=2)]
    protocol.team.extend(Member(user=name, role="reviewer") for name in REVIEWERS)
    store, review = init_review(folder, protocol.title, "owner1", db_url, protocol)
    data = "".join(ris_export(records)).encode()
    import_file(store, review, "owner1", data, file_name="big.ris", search=SearchDetails("X"))
    for name in REVIEWERS:
        set_password(store, name, PASSWORD, actor="owner1")
    return store, review


def reviewer_loop(base: str, slug: str, name: str, decisions: int, out: list[float]) -> None:
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
        started = time.perf_counter()
        answer = client.post(
            f"/reviews/{slug}/screen/title_abstract/{record}",
            data={"csrf_token": token, "verdict": "exclude"},
            headers={"X-Requested-With": "fetch"},
        )
        if answer.status_code != 200:
            record += 1
            continue
        fragment = client.get(answer.json()["next"])
        out.append(time.perf_counter() - started)
        if 'data-record-id="' not in fragment.text:
            break
        record = int(fragment.text.split('data-record-id="')[1].split('"')[0])
    client.close()


def measure(records: int, decisions: int, db_url: str | None) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store, review = build(Path(tmp) / "r", records, db_url)
        times: list[float] = []
        with running_server(create_app(store)) as base:
            threads = [
                threading.Thread(
                    target=reviewer_loop, args=(base, review.slug, n, decisions, times)
                )
                for n in REVIEWERS
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        store.dispose()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return statistics.median(times) * 1000, p95 * 1000, len(times)


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
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    print(f"{'database':<12}{'records':>9}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}")
    for name in ("sqlite", "postgresql"):
        if name == "postgresql" and args.skip_pg:
            continue
        for records in (1_000, args.records):
            schema = url = None
            if name == "postgresql":
                schema, url = pg_url(args.postgres)
            p50, p95, n = measure(records, args.decisions, url)
            print(f"{name:<12}{records:>9,}{n:>6}{p50:>9.1f}{p95:>9.1f}")
            if schema:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
