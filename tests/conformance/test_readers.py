"""One battery for every registered reader: its own fixture, and hostile input.

The battery is parametrised over ``sysreview.formats.FORMATS``, so a new reader is tested by
registering it and adding a small real-shaped fixture anywhere under ``tests/fixtures/formats/``:
a reader's fixtures are the files detected as its format. Whatever the input, a reader gives
records, skips, or our ImportFormatError, never another exception, and within two seconds.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ImportFormatError
from sysreview.formats import FORMATS, ReadResult, read_file
from sysreview.formats.detect import detect_format, is_xlsx
from sysreview.formats.encoding import decode_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"
TIME_LIMIT_S = 2.0
NAMES = list(FORMATS)


def _fixtures_by_format() -> dict[str, list[Path]]:
    """Every fixture file under the name of the format it is detected as, cleanest first."""
    found: dict[str, list[tuple[tuple[bool, bool, str], Path]]] = defaultdict(list)
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        data = path.read_bytes()
        try:
            text = None if is_xlsx(data) else decode_text(data, path.name)[0]
            name = detect_format(data, text, path.name)
            skips = bool(read_file(data, filename=path.name, skip_bad=True).skipped)
        except ImportFormatError:
            continue
        found[name].append(((skips, path.parent.name != name, str(path)), path))
    return {name: [path for _, path in sorted(pairs)] for name, pairs in found.items()}


FIXTURES_BY_FORMAT = _fixtures_by_format()


def own_fixture(name: str) -> Path:
    paths = FIXTURES_BY_FORMAT.get(name)
    if not paths:
        pytest.fail(
            f"no file under tests/fixtures/formats is detected as {name!r}: "
            "add a small, real-shaped export for this reader"
        )
    return paths[0]


def hostile_name(name: str) -> str:
    return "hostile" + FORMATS[name].extensions[0]


def outcome(data: bytes, name: str) -> ReadResult | ImportFormatError:
    """The reader's answer, checked to come in time and to be records, skips or our error."""
    started = time.perf_counter()
    try:
        result: ReadResult | ImportFormatError = read_file(
            data, filename=hostile_name(name), format=name, skip_bad=True
        )
    except ImportFormatError as error:
        result = error
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT_S, f"{name} took {elapsed:.2f} s"
    if isinstance(result, ReadResult):
        assert result.records or result.skipped
        assert all(r.source_line is None or r.source_line >= 1 for r in result.records)
    return result


@pytest.mark.parametrize("name", NAMES)
def test_reader_reads_its_own_fixture(name: str) -> None:
    path = own_fixture(name)
    result = read_file(path.read_bytes(), filename=path.name, format=name, skip_bad=True)
    assert result.format == name
    assert result.records, f"{path} gave no records"
    for record in result.records:
        assert record.title.strip()
        assert isinstance(record.source_line, int) and record.source_line >= 1
        assert record.source_fields


@pytest.mark.parametrize("name", NAMES)
def test_reader_fixture_is_detected_without_naming_the_format(name: str) -> None:
    path = own_fixture(name)
    assert read_file(path.read_bytes(), filename=path.name, skip_bad=True).format == name


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><records><record><titles><title>&lol9;</title></titles></record></records></xml>
"""
HOSTILE_TEXT = "<script>alert(1)</script> \x00 \u202egnp.exe <img src=x onerror=alert(1)>"
FIVE_MB_LINE = b"A" * 5_000_000


def _insert_after_first_line(data: bytes, insert: bytes) -> bytes:
    head, newline, tail = data.partition(b"\n")
    return head + newline + insert + b"\n" + tail


HOSTILE_CASES = {
    "empty": lambda fixture: b"",
    "random bytes": lambda fixture: random.Random(len(fixture)).randbytes(4096),
    "truncated fixture": lambda fixture: fixture[: len(fixture) // 2],
    "billion laughs": lambda fixture: BILLION_LAUGHS,
    "5 MB line": lambda fixture: FIVE_MB_LINE,
    "5 MB line in the fixture": lambda fixture: _insert_after_first_line(fixture, FIVE_MB_LINE),
    "5 MB of one value": lambda fixture: fixture.replace(b"Exercise", b"x" * 5_000_000, 1),
    "hostile text": lambda fixture: HOSTILE_TEXT.encode(),
    "hostile text in the fixture": lambda fixture: _insert_after_first_line(
        fixture, HOSTILE_TEXT.encode()
    ),
    "deep nesting": lambda fixture: b"[" * 100_000 + b"{" * 100_000 + b"<a>" * 100_000,
    "5 MB of short fields": lambda fixture: b"a,\t" * 1_700_000 + b"\n" + b"x\n" * 1000,
}


@pytest.mark.parametrize("case", list(HOSTILE_CASES))
@pytest.mark.parametrize("name", NAMES)
def test_hostile_input_gives_records_or_a_clear_error(name: str, case: str) -> None:
    fixture = own_fixture(name).read_bytes()
    outcome(HOSTILE_CASES[case](fixture), name)


def _mutations(fixture: bytes) -> st.SearchStrategy[bytes]:
    """The fixture with a slice replaced by arbitrary bytes: input that gets past detection."""
    size = len(fixture)
    return st.tuples(st.integers(0, size), st.integers(0, size), st.binary(max_size=200)).map(
        lambda cut: fixture[: min(cut[:2])] + cut[2] + fixture[max(cut[:2]) :]
    )


HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,  # timed by outcome(), against the two-second rule
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", NAMES)
def test_arbitrary_bytes_give_records_or_a_clear_error(name: str) -> None:
    fixture = own_fixture(name).read_bytes()

    @HYPOTHESIS
    @given(st.one_of(st.binary(max_size=2000), _mutations(fixture)))
    def check(data: bytes) -> None:
        outcome(data, name)

    check()


@HYPOTHESIS
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.sampled_from(sorted({own_fixture(n).read_bytes() for n in FIXTURES_BY_FORMAT})).flatmap(
            _mutations
        ),
    )
)
def test_arbitrary_bytes_with_detection_give_records_or_a_clear_error(data: bytes) -> None:
    started = time.perf_counter()
    with contextlib.suppress(ImportFormatError):
        read_file(data, filename="upload.txt", skip_bad=True)
    assert time.perf_counter() - started < TIME_LIMIT_S
