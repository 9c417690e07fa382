"""The short, CI-sized variant of benchmarks/fuzz_readers.py: the same harness over every reader
and the protocol parser, driven by random mutations and by hypothesis instead of atheris."""

from __future__ import annotations

import importlib.util
import io
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.demo import demo_protocol
from sysreview.errors import ImportFormatError, ProtocolError
from sysreview.formats import read_file
from sysreview.protocol import Protocol, parse_protocol, render_protocol

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "fuzz_readers.py"
PROTOCOL = render_protocol(demo_protocol())


def test_the_fuzz_script_runs_every_target_without_a_crash(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--engine",
            "random",
            "--seconds",
            "2",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "crashes: 0" in done.stdout, done.stdout + done.stderr
    assert "over 2 s: 0" in done.stdout
    assert done.returncode == 0
    inputs = int(done.stdout.split(" inputs in ")[0].rsplit(" ", 1)[1])
    corpus = len(list((tmp_path / "corpus").iterdir()))
    assert inputs > corpus, "the mutations ran after the corpus"


def _parsed_or_refused(text: str) -> None:
    started = time.perf_counter()
    try:
        assert isinstance(parse_protocol(text, "protocol.yaml"), Protocol)
    except ProtocolError as error:
        assert str(error).startswith("protocol.yaml"), "the message names the file"
    assert time.perf_counter() - started < 2.0


def _mutated_protocol() -> st.SearchStrategy[str]:
    size = len(PROTOCOL)
    return st.tuples(st.integers(0, size), st.integers(0, size), st.text(max_size=80)).map(
        lambda cut: PROTOCOL[: min(cut[:2])] + cut[2] + PROTOCOL[max(cut[:2]) :]
    )


def _yaml_values() -> st.SearchStrategy[object]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=20,
    )


FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(st.one_of(st.text(max_size=500), _mutated_protocol()))
def test_any_protocol_text_is_read_or_refused_with_its_place(text: str) -> None:
    _parsed_or_refused(text)


@FUZZ
@given(st.sampled_from(sorted(yaml.safe_load(PROTOCOL))), _yaml_values())
def test_any_value_in_any_protocol_key_is_read_or_refused(key: str, value: object) -> None:
    document = yaml.safe_load(PROTOCOL)
    document[key] = value
    _parsed_or_refused(yaml.safe_dump(document, allow_unicode=True))


def test_yaml_bombs_and_deep_nesting_are_refused_quickly() -> None:
    aliases = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
        f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(9)
    )
    for text in (aliases, "[" * 50_000 + "]" * 50_000, "{a: " * 20_000 + "1" + "}" * 20_000):
        _parsed_or_refused(text)


def _zip_needing_version(version: int) -> bytes:
    """A workbook-shaped zip whose directory says it needs zip ``version`` / 10 to extract."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    at = data.index(b"PK\x01\x02")
    data[at + 6 : at + 8] = struct.pack("<H", version)
    return bytes(data)


@pytest.mark.parametrize("format", ["auto", "xlsx"])
def test_a_zip_asking_for_an_unknown_version_is_refused_clearly(format: str) -> None:
    """Found by benchmarks/fuzz_readers.py: zipfile raises NotImplementedError for it."""
    with pytest.raises(ImportFormatError, match="sheet.xlsx"):
        read_file(_zip_needing_version(68), filename="sheet.xlsx", format=format)


def test_the_harness_records_a_crash_and_a_slow_input(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("fuzz_readers", SCRIPT)
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    harness = fuzz.Harness(tmp_path)

    def crash(data: bytes) -> None:
        raise KeyError(data)

    def clear_error(data: bytes) -> None:
        raise ImportFormatError("not records", file="x.ris")

    harness.targets = [
        ("crash", crash),
        ("clear", clear_error),
        ("slow", lambda d: time.sleep(2.1)),
    ]
    for data in (b"\x00a", b"\x01b", b"\x02c"):
        harness(data)
    assert list(harness.crashes) == [
        f"crash: KeyError at {__file__}:{crash.__code__.co_firstlineno + 1}"
    ]
    assert [key.split(":")[0] for key in harness.slow] == ["slow"]
    assert (tmp_path / "crashes").iterdir().__next__().read_bytes() == b"\x00a"
