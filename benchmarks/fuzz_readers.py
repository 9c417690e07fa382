"""Fuzz every format reader and the protocol parser; print inputs per second and every input
that crashed (an exception other than our clear error) or took over two seconds.

    python benchmarks/fuzz_readers.py [--seconds 300] [--engine atheris|random] [--out DIR]

``atheris`` (coverage-guided, ``pip install -e '.[fuzz]'``) is used when it imports; ``random``
mutates the corpus with byte flips, splices and hostile tokens and needs nothing extra (CI runs
it for a few seconds in tests/reliability/test_fuzz_readers.py). The corpus is the real-shaped
files under tests/fixtures/formats plus the demo protocol. The first byte of each input picks the
target (a reader by name, detection, or the protocol parser), the rest is the file. Crashing and
slow inputs are written to ``--out`` (default: a temporary folder) so they can be replayed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "formats"
SLOW_S = 2.0
HOSTILE_TOKENS = [
    b"\x00",
    b"\r",
    b"\n\n",
    b"ER  - \n",
    b"TY  - JOUR\n",
    b"PMID- 1\n",
    b"@article{",
    b"}",
    b"{",
    b"\\",
    b'"',
    b",",
    b"\t",
    b"<record>",
    b"</record>",
    b"<!ENTITY a 'b'>",
    b"&amp;",
    b"&#0;",
    b"[",
    b"]",
    b'{"results": [',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"%0 Journal Article\n",
    b"PT J\n",
    b"ER\n",
    b"- ",
    b": ",
    b"9" * 30,
    b"-1",
]


def targets() -> list[tuple[str, Callable[[bytes], object]]]:
    """(name, function) for every reader, format detection, and the protocol parser; each
    function returns normally or raises one of sysreview's errors."""
    from sysreview.formats import FORMATS, read_file
    from sysreview.protocol import parse_protocol

    def reader(name: str) -> Callable[[bytes], object]:
        extension = FORMATS[name].extensions[0]
        return lambda data: read_file(data, filename=f"fuzz{extension}", format=name, skip_bad=True)

    found = [(name, reader(name)) for name in FORMATS]
    found.append(("detect", lambda data: read_file(data, filename="fuzz.txt", skip_bad=True)))
    found.append(
        ("protocol", lambda data: parse_protocol(data.decode("utf-8", "replace"), "protocol.yaml"))
    )
    return found


def seeds() -> list[bytes]:
    """Corpus inputs: every fixture under every target (a reader meets other formats too)."""
    from sysreview.demo import demo_protocol
    from sysreview.protocol import render_protocol

    names = [name for name, _ in targets()]
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    corpus = []
    for path in files:
        data = path.read_bytes()
        corpus.extend(bytes([index]) + data for index in range(len(names)))
    corpus.append(bytes([names.index("protocol")]) + render_protocol(demo_protocol()).encode())
    return corpus


class Harness:
    """Runs one input against its target and keeps count of what happened."""

    def __init__(self, out: Path) -> None:
        from sysreview.errors import SysreviewError

        self.expected = SysreviewError
        self.targets = targets()
        self.out = out
        self.inputs = 0
        self.crashes: dict[str, str] = {}
        self.slow: dict[str, float] = {}

    def __call__(self, data: bytes) -> None:
        if not data:
            return
        name, function = self.targets[data[0] % len(self.targets)]
        started = time.perf_counter()
        try:
            function(data[1:])
        except self.expected:
            pass
        except RecursionError:
            self._keep("crashes", name, data, "RecursionError")
        except Exception as exc:  # a crash is what the fuzzer is looking for
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self._keep(
                "crashes", name, data, f"{type(exc).__name__} at {where.filename}:{where.lineno}"
            )
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_S:
            self._keep("slow", name, data, f"{elapsed:.1f} s")
        self.inputs += 1

    def _keep(self, kind: str, target: str, data: bytes, what: str) -> None:
        key = f"{target}: {what}"
        table: dict = self.crashes if kind == "crashes" else self.slow
        if key in table:
            return
        digest = hashlib.sha256(data).hexdigest()[:16]
        path = self.out / kind / f"{target}-{digest}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        table[key] = str(path)
        self.save()

    def save(self) -> None:
        summary = {"inputs": self.inputs, "crashes": self.crashes, "slow": self.slow}
        (self.out / "summary.json").write_text(json.dumps(summary, indent=1))


def mutate(rng: random.Random, corpus: list[bytes]) -> bytes:
    """One random edit (or a few) of a corpus input, keeping its target byte."""
    data = bytearray(rng.choice(corpus))
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        spot = rng.randint(1, max(1, len(data)))
        if kind == 0 and len(data) > 1:
            data[rng.randrange(1, len(data))] = rng.randrange(256)
        elif kind == 1:
            data[spot:spot] = rng.choice(HOSTILE_TOKENS) * rng.choice((1, 1, 2, 50))
        elif kind == 2:
            del data[spot : spot + rng.randint(1, 200)]
        elif kind == 3:
            other = rng.choice(corpus)
            start = rng.randrange(1, max(2, len(other)))
            data[spot:spot] = other[start : start + rng.randint(1, 400)]
        elif kind == 4:
            data = data[: rng.randint(1, len(data))]
        else:
            data[0] = rng.randrange(256)
    return bytes(data)


def write_corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for data in seeds():
        (folder / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)


def read_corpus(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.iterdir())]


def run_random(harness: Harness, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    corpus = read_corpus(harness.out / "corpus")
    for data in corpus:
        harness(data)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        harness(mutate(rng, corpus))
        if harness.inputs % 200 == 0:
            harness.save()
    harness.save()


def run_atheris(harness: Harness, seconds: float) -> None:
    """libFuzzer owns the process and exits when time is up; the summary file is the result."""
    import atheris

    corpus_dir = harness.out / "corpus"

    def one(data: bytes) -> None:
        harness(data)
        if harness.inputs % 100 == 0:
            harness.save()

    atheris.Setup(
        [sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=2048", str(corpus_dir)],
        one,
    )
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--engine", choices=("atheris", "random"), default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="fuzz-readers-"))
    out.mkdir(parents=True, exist_ok=True)
    engine = args.engine or _best_engine()
    if args.child:
        if engine == "atheris":
            instrument()
            run_atheris(Harness(out), args.seconds)
        else:
            run_random(Harness(out), args.seconds, args.seed)
        return
    write_corpus(out / "corpus")
    started = time.monotonic()
    command = [sys.executable, __file__, "--child", "--engine", engine, "--out", str(out)]
    command += ["--seconds", str(args.seconds), "--seed", str(args.seed)]
    subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
    report(out, engine, time.monotonic() - started)


def instrument() -> None:
    """Load the readers (they load lazily) and the libraries they parse with under atheris's
    coverage instrumentation, before anything else imports them."""
    import importlib

    import atheris

    with atheris.instrument_imports(
        include=["sysreview", "bibtexparser", "pylatexenc", "rispy", "defusedxml"]
    ):
        from sysreview.formats import FORMATS

        for reader in FORMATS.values():
            importlib.import_module(reader.module)
        importlib.import_module("sysreview.protocol")


def _best_engine() -> str:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "random"
    return "atheris"


def report(out: Path, engine: str, elapsed: float) -> None:
    summary = json.loads((out / "summary.json").read_text())
    print(f"engine {engine}: {summary['inputs']} inputs in {elapsed:.0f} s")
    print(f"{summary['inputs'] / max(elapsed, 1e-9):.0f} inputs per second")
    print(f"crashes: {len(summary['crashes'])}")
    for what, path in summary["crashes"].items():
        print(f"  {what}  ({path})")
    print(f"over {SLOW_S:.0f} s: {len(summary['slow'])}")
    for what, path in summary["slow"].items():
        print(f"  {what}  ({path})")
    raise SystemExit(1 if summary["crashes"] or summary["slow"] else 0)


if __name__ == "__main__":
    main()
