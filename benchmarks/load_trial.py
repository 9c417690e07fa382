"""The full load trial of RELIABILITY.md: 20 reviewers × 500 decisions over HTTP on loopback,
10 % on the same records, on SQLite and PostgreSQL (CI runs 20 × 25).

    python benchmarks/load_trial.py [DECISIONS_PER_REVIEWER]   (default 500)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    per_reviewer = sys.argv[1] if len(sys.argv) > 1 else "500"
    env = {**os.environ, "SYSREVIEW_LOAD_DECISIONS": per_reviewer}
    test = ROOT / "tests" / "reliability" / "test_concurrent_http.py"
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", str(test)], env=env)
    elapsed = time.perf_counter() - started
    print(f"20 reviewers x {per_reviewer} decisions, both databases: {elapsed:.0f} s")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
