"""The evidence matrix: studies and reports counted apart, and every output format."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from sysreview.errors import InvalidInput
from sysreview.services.studies import studies_of
from sysreview.services.synthesis import set_theme_summary
from sysreview.services.synthesis_coding import code_excerpt
from sysreview.services.synthesis_outputs import build_matrix, counts_bytes, matrix_bytes
from sysreview.services.synthesis_transfer import export_codebook_qdc, export_project_qdpx
from sysreview.synthesis.excerpts import Location
from tests.synthesis.conftest import CHAKRAVARTI, EISEN, WEBB, Coded

OUTCOMES = Location("extraction", field="outcomes")
PROJECT = "{urn:QDA-XML:project:1.0}"


def _reports(coded: Coded, label: str) -> tuple[int, ...]:
    return next(
        s.record_ids for s in studies_of(coded.store, coded.review, "hp") if s.label == label
    )


def _code(coded: Coded, study: str, words: str, code: str, report: int | None = None) -> None:
    code_excerpt(
        coded.store,
        coded.review,
        "hp",
        study,
        OUTCOMES,
        [coded.codes[code]],
        text=words,
        report=report,
    )


def test_a_study_with_two_reports_counts_once(coded: Coded, db_url: str | None) -> None:
    first, _second = _reports(coded, CHAKRAVARTI)
    _code(coded, CHAKRAVARTI, "most valued component", "Support", report=first)
    _code(coded, EISEN, "Peer support.", "Support")

    one_report = {
        r.name: (r.studies, r.reports) for r in build_matrix(coded.store, coded.review, "hp").rows
    }
    _code(coded, CHAKRAVARTI, "64% mentees", "Support")  # study-level: both reports
    both = {
        r.name: (r.studies, r.reports) for r in build_matrix(coded.store, coded.review, "hp").rows
    }

    assert one_report == {"Community": (2, 2), "Skills": (0, 0)}
    assert both == {"Community": (2, 3), "Skills": (0, 0)}
    codes = build_matrix(coded.store, coded.review, "hp", level="code")
    assert [(r.path, r.studies) for r in codes.rows] == [
        ("Community > Support", 2),
        ("Skills > Communication", 0),
    ]
    with pytest.raises(InvalidInput, match="level is one of"):
        build_matrix(coded.store, coded.review, "hp", level="theme")


def test_the_matrix_in_every_format(coded: Coded, db_url: str | None) -> None:
    store, review = coded.store, coded.review
    _code(coded, EISEN, "Peer support.", "Support")
    _code(coded, WEBB, "improved communication skills", "Communication")
    _code(coded, EISEN, "improved their communication skills", "Communication")
    set_theme_summary(store, review, "hp", coded.codes["Skills"], "Skills <grow>.")
    out = {
        fmt: matrix_bytes(store, review, "hp", fmt)
        for fmt in ("csv", "html", "xlsx", "docx", "svg", "png")
    }

    rows = list(csv.reader(io.StringIO(out["csv"].decode())))
    header = rows[0]
    assert header[:3] == ["Theme", "Studies (n)", "Reports (n)"] and header[-2:] == [
        "Summary",
        "Confidence",
    ]
    skills = next(r for r in rows if r[0] == "Skills")
    assert skills[1:3] == ["2", "2"]
    assert skills[header.index(WEBB)] == "• improved communication skills"
    assert rows[1][header.index(EISEN)] == "Quantitative"
    html = out["html"].decode()
    assert "Skills &lt;grow&gt;." in html and "<grow>" not in html
    assert "improved their communication skills" in html
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(out["xlsx"])).active
    assert sheet is not None and sheet.cell(1, 1).value == "Theme"
    from docx import Document

    table = Document(io.BytesIO(out["docx"])).tables[0]
    assert table.cell(0, 0).text == "Theme"
    svg = ET.fromstring(out["svg"])
    assert svg.tag.endswith("svg") and b"Skills (2 studies, 2 reports)" in out["svg"]
    assert out["png"].startswith(b"\x89PNG\r\n")
    assert matrix_bytes(store, review, "hp", "svg") == out["svg"]
    counts = counts_bytes(store, review, "hp", "csv").decode().splitlines()
    assert counts[1].startswith("Community,1,1,")
    with pytest.raises(InvalidInput, match="written as"):
        matrix_bytes(store, review, "hp", "pdf")


def test_refi_qda_files_hold_the_codes_and_selections(coded: Coded, db_url: str | None) -> None:
    store, review = coded.store, coded.review
    _code(coded, EISEN, "Peer support.", "Support")
    _code(coded, WEBB, "improved communication skills", "Communication")

    with zipfile.ZipFile(io.BytesIO(export_project_qdpx(store, review, "hp"))) as archive:
        names = archive.namelist()
        project = ET.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode() for n in names if n.startswith("Sources/")}

    assert project.tag == f"{PROJECT}Project"
    codes = {c.get("name"): c.get("guid") for c in project.iter(f"{PROJECT}Code")}
    assert set(codes) == {"Community", "Support", "Skills", "Communication"}
    assert [u.get("name") for u in project.iter(f"{PROJECT}User")] == ["hp"]
    selections = []
    for source in project.iter(f"{PROJECT}TextSource"):
        path = source.get("plainTextPath", "").removeprefix("internal://")
        text = texts[f"Sources/{path}"]
        for selection in source.iter(f"{PROJECT}PlainTextSelection"):
            start, end = (
                int(selection.get("startPosition", "")),
                int(selection.get("endPosition", "")),
            )
            target = selection.find(f"{PROJECT}Coding/{PROJECT}CodeRef")
            assert target is not None
            selections.append((text[start:end], target.get("targetGUID")))
    assert sorted(selections) == sorted(
        [
            ("Peer support.", codes["Support"]),
            ("improved communication skills", codes["Communication"]),
        ]
    )
    qdc = ET.fromstring(export_codebook_qdc(store, review, "hp"))
    assert qdc.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert len(list(qdc.iter("{urn:QDA-XML:codebook:1.0}Code"))) == 4
