"""Traffic-light and summary plots are deterministic, well-formed SVG that escapes its text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sysreview.appraisal import Answer, Checklist, summary_svg, traffic_light_svg

SVG = "{http://www.w3.org/2000/svg}"
JBI = "jbi-cross-sectional-modified"


def test_traffic_light_draws_one_mark_per_study_and_item_plus_the_key(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    root = ET.fromstring(traffic_light_svg(checklists[JBI], reference_answers[JBI]))
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 8 * 8 + 3
    assert [c.get("fill") for c in circles[:8]] == ["#02C100"] * 4 + ["#BF0000"] + ["#02C100"] * 3


def test_plots_are_byte_identical_run_to_run(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    first = traffic_light_svg(checklists[JBI], reference_answers[JBI])
    assert first == traffic_light_svg(checklists[JBI], dict(reference_answers[JBI]))
    assert summary_svg(checklists[JBI], reference_answers[JBI]) == summary_svg(
        checklists[JBI], reference_answers[JBI]
    )


@pytest.mark.parametrize("plot", [traffic_light_svg, summary_svg])
def test_hostile_study_names_are_escaped(checklists: dict[str, Checklist], plot: object) -> None:
    jbi = checklists[JBI]
    hostile = '<script>alert("x")</script> & \x00\x1b Smith'
    answers = {hostile: [Answer(item.id, "Yes") for item in jbi.items]}
    text = plot(jbi, answers)  # type: ignore[operator]
    assert "<script>" not in text
    root = ET.fromstring(text)
    if plot is traffic_light_svg:
        names = [t.text for t in root.findall(f"{SVG}text")]
        assert '<script>alert("x")</script> &  Smith' in names


def test_summary_bars_split_by_the_share_of_studies(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    root = ET.fromstring(summary_svg(checklists[JBI], reference_answers[JBI]))
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("height") == "22"]
    ethics = [b for b in bars if b.get("y") == str(46 + 32 * 6)]
    widths = {b.get("fill"): float(b.get("width", "0")) for b in ethics}
    assert widths == {"#02C100": 250.0, "#E2DF07": 100.0, "#BF0000": 50.0}


def test_rob2_traffic_light_uses_the_judgement_colours(checklists: dict[str, Checklist]) -> None:
    rob2 = checklists["rob2"]
    judged = {"Trial": {d.id: "Low" for d in rob2.domains} | {"D3": "High"}}
    root = ET.fromstring(traffic_light_svg(rob2, {}, judged))
    fills = [c.get("fill") for c in root.findall(f"{SVG}circle")][:6]
    assert fills == ["#02C100", "#02C100", "#BF0000", "#02C100", "#02C100", "#BF0000"]


def test_key_names_what_star_scale_answers_earned(checklists: dict[str, Checklist]) -> None:
    nos = checklists["nos-cohort"]
    answers = {"Cohort": [Answer(item.id, "a" if item.number % 2 else "b") for item in nos.items]}
    root = ET.fromstring(traffic_light_svg(nos, answers))
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert {"Full points", "No points"} <= set(texts)
    assert not {"a", "b"} & set(texts)
