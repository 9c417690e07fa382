"""Import benchmark: a 100,000-record RIS file into SQLite and PostgreSQL.

Goal (issue 3): under 20 s and under 1 GB peak memory on the 2-core machine. Each step runs in
its own process so its peak RSS is its own. Baselines in the same run:
- ``rispy``: the parser ASReview uses, parsing the same text alone (no store);
- ``reader``: sysreview's own RIS reader alone (decode + parse, no store);
so the cost of the store layer is the ratio import / reader.

Usage: python benchmarks/import_benchmark.py [--records 100000] [--postgres URL] [--skip-pg]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

STEP = r"""
import json, resource, sys, time
step, path, url, folder = sys.argv[1:5]
data = open(path, "rb").read()
started = time.perf_counter()
if step == "rispy":
    import rispy
    count = len(rispy.loads(data.decode("utf-8")))
elif step == "reader":
    from sysreview.formats import open_records
    count = sum(1 for _ in open_records(data, filename=path).items)
else:
    from pathlib import Path
    from sysreview.services.imports import SearchDetails, import_file
    from sysreview.services.reviews import init_review
    store, review = init_review(Path(folder), "Benchmark", "bench", url or None)
    started = time.perf_counter()
    count = import_file(store, review, "bench", data, file_name="big.ris",
                        search=SearchDetails("MEDLINE", "Ovid")).records_stored
elapsed = time.perf_counter() - started
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"step": step, "records": count, "seconds": elapsed, "peak_mib": peak_mib}))
"""


def run_step(step: str, path: Path, url: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", STEP, step, str(path), url, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_pg_schema(admin_url: str) -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema, f"{admin_url}?options=-csearch_path%3D{schema}"


def drop_pg_schema(admin_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    from sysreview.demo.synthetic import ris_export

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.ris"
        with path.open("w", encoding="utf-8") as handle:
            for chunk in ris_export(args.records):
                handle.write(chunk)
        size_mib = path.stat().st_size / 2**20
        print(f"file: {args.records:,} records, {size_mib:.0f} MiB")
        results = {
            "rispy": run_step("rispy", path, "", Path(tmp) / "a"),
            "reader": run_step("reader", path, "", Path(tmp) / "b"),
            "sqlite": run_step("import", path, "", Path(tmp) / "sqlite-review"),
        }
        if not args.skip_pg:
            schema, url = fresh_pg_schema(args.postgres)
            try:
                results["postgresql"] = run_step("import", path, url, Path(tmp) / "pg-review")
            finally:
                drop_pg_schema(args.postgres, schema)
    base = results["reader"]["seconds"]
    print(
        f"{'step':<12}{'records':>10}{'seconds':>10}{'peak MiB':>10}{'x reader':>10}{'x rispy':>9}"
    )
    for name, r in results.items():
        print(
            f"{name:<12}{r['records']:>10,}{r['seconds']:>10.2f}{r['peak_mib']:>10.0f}"
            f"{r['seconds'] / base:>10.2f}{r['seconds'] / results['rispy']['seconds']:>9.2f}"
        )
    for name in ("sqlite", "postgresql"):
        if name in results:
            r = results[name]
            ok = r["seconds"] < 20 and r["peak_mib"] < 1024
            print(f"goal (<20 s, <1 GiB) on {name}: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
