"""The protocol's search section, and search events tied to the strategy's version."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.demo import DemoReview, demo_protocol
from sysreview.errors import PermissionDenied, ProtocolError
from sysreview.protocol import parse_protocol, render_protocol
from sysreview.search import parse_strategy, strategy_version
from sysreview.services import search as search_service
from sysreview.services.imports import SearchDetails, import_file

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_the_demo_protocol_with_its_strategy_renders_and_parses_back() -> None:
    protocol = demo_protocol()

    again = parse_protocol(render_protocol(protocol), "protocol.yaml")

    assert again == protocol
    strategy = again.search.strategy()  # type: ignore[union-attr]
    assert [b.name for b in strategy.blocks] == ["peers", "mentorship", "medical residents"]
    assert [d.name for d in again.search.databases][:3] == ["MEDLINE", "EMBASE", "PsycINFO"]  # type: ignore[union-attr]


def test_a_strategy_given_as_source_text_is_the_same_strategy() -> None:
    text = render_protocol(demo_protocol())
    ovid = (FIXTURES / "search" / "medline-ovid.txt").read_text(encoding="utf-8")
    head, _, tail = text.partition("search:\n")
    rest = tail[tail.index("  databases:") :]
    source = "\n".join("    " + line for line in ovid.splitlines())
    edited = f"{head}search:\n  syntax: ovid\n  source: |\n{source}\n{rest}"

    protocol = parse_protocol(edited, "protocol.yaml")

    assert protocol.search is not None
    assert protocol.search.version() == strategy_version(parse_strategy(ovid, "ovid").strategy)


def test_a_bad_strategy_in_the_protocol_names_the_file_and_line() -> None:
    text = render_protocol(demo_protocol())
    broken = text.replace("    syntax: ebsco\n    vocabulary: eric", "    syntax: dialog", 1)
    line = broken.splitlines().index("    syntax: dialog") + 1

    with pytest.raises(ProtocolError) as caught:
        parse_protocol(broken, "protocol.yaml")

    assert str(caught.value).startswith(f"protocol.yaml:{line}: search.databases.5.syntax")


def test_a_term_that_is_two_kinds_at_once_is_refused_at_its_line() -> None:
    text = render_protocol(demo_protocol())
    broken = text.replace(
        "    - keyword: buddy\n", "    - keyword: buddy\n      heading: Buddy\n", 1
    )

    with pytest.raises(ProtocolError, match="exactly one of keyword, heading or near") as caught:
        parse_protocol(broken, "protocol.yaml")

    assert caught.value.line == broken.splitlines().index("    - keyword: buddy") + 1


def test_the_demo_import_is_linked_to_the_strategy_version(demo: DemoReview) -> None:
    log = search_service.search_log(demo.store, demo.review, "ln")

    assert log.version == demo.review.protocol.search.version()  # type: ignore[union-attr]
    assert [(e.strategy_version, e.current, e.records) for e in log.entries] == [
        (log.version, True, 10)
    ]


def test_a_changed_strategy_leaves_earlier_searches_on_their_version(demo: DemoReview) -> None:
    old = search_service.search_log(demo.store, demo.review, "hp").version
    edited = parse_strategy('"peer mentoring"[tiab] AND resident*[tiab]', "pubmed").strategy

    review = search_service.save_strategy(demo.store, demo.review, "hp", edited)
    data = (FIXTURES / "search" / "two-records.ris").read_bytes()
    import_file(
        demo.store,
        review,
        "hp",
        data,
        file_name="medline.ris",
        search=SearchDetails("MEDLINE", "Ovid", "2017-11-01"),
    )
    log = search_service.search_log(demo.store, review, "hp")

    assert log.version == strategy_version(edited) != old
    assert [(e.strategy_version, e.current) for e in log.entries] == [
        (old, False),
        (log.version, True),
    ]
    assert review.protocol.search.databases == demo.review.protocol.search.databases  # type: ignore[union-attr]


def test_only_the_owner_saves_the_strategy_and_everyone_in_the_review_reads_it(
    demo: DemoReview,
) -> None:
    strategy = demo.review.protocol.search.strategy()  # type: ignore[union-attr]

    with pytest.raises(PermissionDenied, match="may not change the search strategy"):
        search_service.save_strategy(demo.store, demo.review, "eop", strategy)
    view = search_service.show_strategy(demo.store, demo.review, "ln")
    with pytest.raises(PermissionDenied, match="not a member"):
        search_service.show_strategy(demo.store, demo.review, "stranger")

    assert [v.label for v in view.versions][:2] == ["MEDLINE (Ovid)", "EMBASE (Ovid)"]
    assert len(view.versions) == 6 + 5  # six databases, then the five syntaxes none of them use
