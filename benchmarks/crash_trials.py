"""Many kill -9 trials of a 20,000-record import on SQLite and PostgreSQL.

CI runs three trials per database inside the test suite; this runs as many as asked:
    python benchmarks/crash_trials.py [TRIALS]   (default 30)
It prints pytest's verdict: every trial must leave the import whole or absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    trials = sys.argv[1] if len(sys.argv) > 1 else "30"
    env = {**os.environ, "SYSREVIEW_CRASH_TRIALS": trials}
    test = ROOT / "tests" / "reliability" / "test_import_crash.py"
    raise SystemExit(subprocess.call([sys.executable, "-m", "pytest", "-q", str(test)], env=env))


if __name__ == "__main__":
    main()
