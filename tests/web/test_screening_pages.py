"""The screening pages over HTTP: deciding, refusals, conflicts, blind mode, full texts."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlalchemy import func, select

from sysreview.demo import EXCLUSION_REASONS, DemoReview
from sysreview.protocol import Highlights, load_protocol, write_protocol
from sysreview.services import screening
from sysreview.services.imports import SearchDetails, import_file
from sysreview.store.models import Decision
from sysreview.web.screening import LISTED_STATES, Highlighter, Segment

TA, FT = "title_abstract", "full_text"
REASON = EXCLUSION_REASONS[2]
FETCH = {"X-Requested-With": "fetch"}
Login = Callable[[str], TestClient]


def _decision_form(page: str) -> dict[str, str]:
    """The hidden fields of the page's decision form (CSRF token, version, form token)."""
    form = page[page.index('id="decision-form"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))


def _record_id(page: str) -> int:
    found = re.search(r'id="screen-record"[^>]*data-record-id="(\d+)"', page, re.DOTALL)
    assert found, "no record on the page"
    return int(found.group(1))


def _ids_listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-record-id="(\d+)">', page)]


def _url(demo: DemoReview, path: str) -> str:
    return f"/reviews/{demo.review.slug}/{path}"


def _first(demo: DemoReview, stage: str = TA) -> int:
    view = screening.next_record(demo.store, demo.review, "ln", stage)
    assert view is not None
    return view.id


def _at_full_text(demo: DemoReview) -> int:
    """A record both reviewers included at title and abstract, so it is at the full text."""
    record = _first(demo)
    for reviewer in ("ln", "dll"):
        screening.decide(demo.store, demo.review, reviewer, TA, record, "include")
    return record


def _decisions(demo: DemoReview, record: int) -> int:
    with demo.store.read() as session:
        count = select(func.count()).select_from(Decision).where(Decision.record_id == record)
        return int(session.scalar(count) or 0)


def blank_pdf() -> bytes:
    """A one-page PDF, as small as a real one gets."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_decision_is_stored_and_the_next_record_shown(demo: DemoReview, logged_in: Login) -> None:
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    assert page.status_code == 200
    record = _record_id(page.text)
    answer = client.post(
        _url(demo, f"screen/{TA}/{record}"),
        data={**_decision_form(page.text), "verdict": "include"},
    )
    assert answer.status_code == 303
    following = client.get(answer.headers["location"])
    assert _record_id(following.text) != record
    mine = screening.record_view(demo.store, demo.review, "ln", TA, record).mine
    assert mine is not None and mine.verdict == "include"


def test_the_script_gets_json_naming_the_next_fragment(demo: DemoReview, logged_in: Login) -> None:
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    record = _record_id(page.text)
    answer = client.post(
        _url(demo, f"screen/{TA}/{record}"),
        data={**_decision_form(page.text), "verdict": "maybe"},
        headers=FETCH,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["verdict"], body["version"], body["state"]) == ("maybe", 1, "pending")
    fragment = client.get(body["next"])
    assert fragment.text.lstrip().startswith('<div id="screen-record"')
    assert _record_id(fragment.text) != record


def test_the_answer_to_a_decision_carries_the_next_record(
    demo: DemoReview, logged_in: Login
) -> None:
    """One round trip per decision: the page shows the fragment that came with the answer."""
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    record = _record_id(page.text)
    body = client.post(
        _url(demo, f"screen/{TA}/{record}"),
        data={**_decision_form(page.text), "verdict": "exclude"},
        headers=FETCH,
    ).json()
    carried = body["fragment"]
    assert carried.lstrip().startswith('<div id="screen-record"')
    assert _record_id(carried) == _record_id(client.get(body["next"]).text) != record
    assert 'data-testid="state">unscreened<' in carried


def test_a_full_text_exclusion_without_a_reason_gets_a_clear_error(
    demo: DemoReview, logged_in: Login
) -> None:
    record = _at_full_text(demo)
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{FT}"))
    assert _record_id(page.text) == record
    answer = client.post(
        _url(demo, f"screen/{FT}/{record}"),
        data={**_decision_form(page.text), "verdict": "exclude", "note": "kept"},
    )
    assert answer.status_code == 400
    assert "an exclusion needs a reason" in answer.text
    assert ">kept</textarea>" in answer.text  # what was typed is kept for the retry
    assert _decisions(demo, record) == 2  # the two title-and-abstract decisions only
    retry = client.post(
        _url(demo, f"screen/{FT}/{record}"),
        data={**_decision_form(answer.text), "verdict": "exclude", "reason": REASON},
    )
    assert retry.status_code == 303


def test_a_double_submitted_form_stores_one_decision(demo: DemoReview, logged_in: Login) -> None:
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    record = _record_id(page.text)
    sent = {**_decision_form(page.text), "verdict": "exclude", "note": "twice"}
    first = client.post(_url(demo, f"screen/{TA}/{record}"), data=sent, headers=FETCH)
    second = client.post(_url(demo, f"screen/{TA}/{record}"), data=sent, headers=FETCH)
    assert first.status_code == second.status_code == 200
    stored, replayed = first.json(), second.json()
    # The decision part is replayed as it was; the next record comes fresh (same record).
    assert _record_id(stored.pop("fragment")) == _record_id(replayed.pop("fragment"))
    assert stored == replayed
    assert _decisions(demo, record) == 1
    assert screening.record_view(demo.store, demo.review, "ln", TA, record).my_version == 1


def test_a_stale_version_gets_409_with_the_current_state(
    demo: DemoReview, logged_in: Login
) -> None:
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    record = _record_id(page.text)
    stale = _decision_form(page.text)  # version 0, as loaded before the decision below
    client.post(_url(demo, f"screen/{TA}/{record}"), data={**stale, "verdict": "include"})
    changed = {**stale, "form_token": "another-tab", "verdict": "exclude"}
    answer = client.post(_url(demo, f"screen/{TA}/{record}"), data=changed)
    assert answer.status_code == 409
    assert "now include, version 1" in answer.text
    assert re.search(r'data-testid="my-decision">Your decision: <strong>include', answer.text)
    assert _decision_form(answer.text)["expected_version"] == "1"
    changed["form_token"] = "a-third-tab"
    as_json = client.post(_url(demo, f"screen/{TA}/{record}"), data=changed, headers=FETCH)
    assert as_json.status_code == 409
    body = as_json.json()
    assert (body["verdict"], body["version"], body["state"]) == ("include", 1, "pending")


def test_a_reviewer_changes_their_last_decision_from_the_undo_link(
    demo: DemoReview, logged_in: Login
) -> None:
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{TA}"))
    record = _record_id(page.text)
    sent = {**_decision_form(page.text), "verdict": "include"}
    following = client.get(
        client.post(_url(demo, f"screen/{TA}/{record}"), data=sent).headers["location"]
    )
    undo = re.search(r'<a href="([^"]+)" data-key="u"', following.text)
    assert undo and undo.group(1) == _url(demo, f"screen/{TA}/record/{record}")
    again = client.get(undo.group(1))
    form = _decision_form(again.text)
    assert form["expected_version"] == "1"
    answer = client.post(_url(demo, f"screen/{TA}/{record}"), data={**form, "verdict": "exclude"})
    assert answer.status_code == 303
    view = screening.record_view(demo.store, demo.review, "ln", TA, record)
    assert (view.mine.verdict if view.mine else None, view.my_version) == ("exclude", 2)


def test_the_records_page_searches_and_filters_by_the_state_the_viewer_sees(
    demo: DemoReview, logged_in: Login
) -> None:
    record = _first(demo)
    screening.decide(demo.store, demo.review, "ln", TA, record, "include")
    screening.decide(demo.store, demo.review, "dll", TA, record, "exclude")
    client = logged_in("ln")
    everything = client.get(_url(demo, f"screen/{TA}/records"))
    assert len(_ids_listed(everything.text)) == 10
    assert _ids_listed(client.get(_url(demo, f"screen/{TA}/records?state=pending")).text) == [
        record
    ]
    assert _ids_listed(client.get(_url(demo, f"screen/{TA}/records?state=conflict")).text) == []
    found = client.get(_url(demo, f"screen/{TA}/records?q=ETHICAL+conflicts"))
    assert len(_ids_listed(found.text)) == 1
    assert "ethical conflicts" in found.text


def test_a_reviewer_cannot_open_or_resolve_conflicts(demo: DemoReview, logged_in: Login) -> None:
    client = logged_in("ln")
    assert client.get(_url(demo, f"conflicts/{TA}")).status_code == 403
    token = _decision_form(client.get(_url(demo, f"screen/{TA}")).text)["csrf_token"]
    answer = client.post(
        _url(demo, f"conflicts/{TA}/{_first(demo)}"),
        data={"csrf_token": token, "verdict": "include"},
    )
    assert answer.status_code == 403


def test_the_arbiter_resolves_a_conflict(demo: DemoReview, logged_in: Login) -> None:
    record = _first(demo)
    screening.decide(demo.store, demo.review, "ln", TA, record, "include", note="ln thinks so")
    screening.decide(demo.store, demo.review, "dll", TA, record, "exclude", note="dll doubts")
    client = logged_in("eop")
    page = client.get(_url(demo, f"conflicts/{TA}"))
    assert page.status_code == 200
    assert f'data-record-id="{record}"' in page.text
    assert "ln thinks so" in page.text and "dll doubts" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    answer = client.post(
        _url(demo, f"conflicts/{TA}/{record}"),
        data={"csrf_token": token, "verdict": "include", "note": "agreed at the meeting"},
    )
    assert answer.status_code == 303
    assert screening.record_view(demo.store, demo.review, "eop", TA, record).state == "include"
    assert 'data-testid="conflicts-count">0<' in client.get(answer.headers["location"]).text


def test_blind_mode_shows_reviewer_a_nothing_of_reviewer_bs_note_or_labels(
    demo: DemoReview, logged_in: Login
) -> None:
    markers = ("MARKER-B-NOTE", "MARKER-B-LABEL")
    marked = _first(demo)
    screening.decide(
        demo.store, demo.review, "dll", TA, marked, "exclude",
        note=markers[0], labels=[markers[1]],
    )  # fmt: skip
    client = logged_in("ln")
    seen = [client.get(_url(demo, f"screen/{TA}"))]
    seen.append(
        client.post(
            _url(demo, f"screen/{TA}/{marked}"),
            data={**_decision_form(seen[0].text), "verdict": "include"},
            headers=FETCH,
        )
    )
    seen.append(client.get(seen[-1].json()["next"]))
    for stage in (TA, FT):
        listing = client.get(_url(demo, f"screen/{stage}/records"))
        seen += [listing, client.get(_url(demo, f"screen/{stage}"))]
        seen += [client.get(_url(demo, f"screen/{stage}/records?state={s}")) for s in LISTED_STATES]
        seen.append(client.get(_url(demo, f"screen/{stage}/records?q=MARKER")))
        for record in _ids_listed(listing.text):
            seen.append(client.get(_url(demo, f"screen/{stage}/record/{record}")))
            seen.append(client.get(_url(demo, f"screen/{stage}/record/{record}?fragment=1")))
            seen.append(client.get(_url(demo, f"screen/{stage}/next?after={record}")))
        seen.append(client.get(_url(demo, f"conflicts/{stage}")))
    seen += [client.get(_url(demo, "agreement")), client.get(_url(demo, ""))]
    seen.append(client.get(f"/api/reviews/{demo.review.slug}/status"))
    assert len(seen) > 40 and all(r.status_code < 500 for r in seen)
    assert any(f"/record/{marked}" in str(r.url) and r.status_code == 200 for r in seen)
    for response in seen:
        for marker in markers:
            assert marker not in response.text, (str(response.url), marker)
    # the same pages do show the markers to the arbiter, so the crawl would have found them
    arbiter = logged_in("eop").get(_url(demo, f"conflicts/{TA}"))
    assert all(marker in arbiter.text for marker in markers)


def test_hostile_record_titles_appear_escaped(demo: DemoReview, logged_in: Login) -> None:
    hostile = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
    # escaped once in the file (as a database would export them): reading decodes markup once,
    # so the stored titles are the raw payloads (checked below)
    encoded = [html.escape(t) for t in hostile]
    ris = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t} peer mentoring\nER  - \n\n" for t in encoded)
    import_file(
        demo.store, demo.review, "hp", ris.encode(), file_name="hostile.ris",
        search=SearchDetails(source="Hostile"),
    )  # fmt: skip
    client = logged_in("ln")
    listing = client.get(_url(demo, f"screen/{TA}/records?q=alert"))
    records = _ids_listed(listing.text)
    assert len(records) == 2
    stored = [screening.record_view(demo.store, demo.review, "ln", TA, r) for r in records]
    assert [v.record.title for v in stored] == hostile
    escaped = [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;",
    ]
    assert all(e in listing.text for e in escaped)
    screen = client.get(_url(demo, f"screen/{TA}?after={records[0] - 1}"))
    pages = [listing, screen] + [client.get(_url(demo, f"screen/{TA}/record/{r}")) for r in records]
    for page, expected in zip(pages, [escaped[0], escaped[0], *escaped], strict=True):
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text
        assert "<img src=x" not in page.text
        assert expected in page.text


def test_the_full_text_route_serves_the_uploaded_pdf(demo: DemoReview, logged_in: Login) -> None:
    record = _at_full_text(demo)
    pdf = blank_pdf()
    client = logged_in("ln")
    token = _decision_form(client.get(_url(demo, f"screen/{FT}")).text)["csrf_token"]
    upload = client.post(
        _url(demo, f"fulltext/{record}"),
        data={"csrf_token": token, "stage": FT},
        files={"file": ("report.pdf", pdf, "application/pdf")},
    )
    assert upload.status_code == 303
    assert upload.headers["location"] == _url(demo, f"screen/{FT}/record/{record}")
    page = client.get(upload.headers["location"])
    assert f'<iframe src="{_url(demo, f"fulltext/{record}")}"' in page.text
    served = client.get(_url(demo, f"fulltext/{record}"))
    assert served.status_code == 200
    assert served.content == pdf
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"].startswith("inline")
    assert served.headers["x-content-type-options"] == "nosniff"


def test_a_full_text_upload_needs_the_csrf_token(demo: DemoReview, logged_in: Login) -> None:
    record = _at_full_text(demo)
    answer = logged_in("ln").post(
        _url(demo, f"fulltext/{record}"),
        data={"csrf_token": "forged"},
        files={"file": ("report.pdf", blank_pdf(), "application/pdf")},
    )
    assert answer.status_code == 403


def test_a_report_recorded_as_not_retrieved_cannot_be_assessed(
    demo: DemoReview, logged_in: Login
) -> None:
    record = _at_full_text(demo)
    client = logged_in("ln")
    page = client.get(_url(demo, f"screen/{FT}/record/{record}"))
    form = _decision_form(page.text)
    answer = client.post(
        _url(demo, f"fulltext/{record}/not-retrieved"),
        data={"csrf_token": form["csrf_token"], "note": "library has no access", "stage": FT},
    )
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"])
    assert "not retrieved: library has no access" in shown.text
    assert 'id="decision-form"' not in shown.text
    refused = client.post(_url(demo, f"screen/{FT}/{record}"), data={**form, "verdict": "include"})
    assert refused.status_code == 400
    assert "recorded as not retrieved" in refused.text


def test_highlighting_marks_the_configured_terms(demo: DemoReview, logged_in: Login) -> None:
    protocol, _ = load_protocol(demo.review.folder)
    terms = Highlights(include=["mentor*"], exclude=["anesthesiology"])
    write_protocol(demo.review.folder, protocol.model_copy(update={"highlights": terms}))
    page = logged_in("ln").get(_url(demo, f"screen/{TA}")).text
    assert '<mark class="exc">Anesthesiology</mark> Resident' in page
    assert 'peer <mark class="inc">mentoring</mark> component' in page
    assert 'peer <mark class="inc">mentorship</mark>' in page  # in the abstract
    assert '<mark class="inc">mentees</mark>' not in page


def test_highlight_terms_match_whole_words_stems_and_phrases() -> None:
    marker = Highlighter.of(Highlights(include=["peer mentor*", "rct"], exclude=["c++"]))
    assert marker.segments("Peer  mentoring, not RCTs; C++ code") == [
        Segment("Peer  mentoring", "inc"),
        Segment(", not RCTs; "),
        Segment("C++", "exc"),
        Segment(" code"),
    ]
    assert Highlighter.of(Highlights()).segments("<b>") == [Segment("<b>")]
