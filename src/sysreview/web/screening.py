"""Screening pages: one record at a time with its decision form, a stage's records, conflicts
for the arbiter, agreement figures, and full texts.

Every judgement shown comes from a ``RecordView``, where the one visibility rule has already
been applied; no route adds a judgement of its own. A decision answers a redirect to a plain
form post and JSON to the page's script, from the same service call.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated, Any, ParamSpec
from urllib.parse import urlencode

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from sysreview.errors import AlreadyExists, InvalidInput, PermissionDenied, StaleWrite
from sysreview.protocol import Stage
from sysreview.services.agreement import stage_agreement
from sysreview.services.fulltexts import (
    FullTextInfo,
    full_text_info,
)
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.screening import (
    RecordView,
    conflicts,
    decide,
    next_record,
    record_view,
    resolve,
    reviewer_progress,
    stage_records,
)
from sysreview.services.sessions import SignedIn
from sysreview.store.engine import Store
from sysreview.web.highlight import Highlighter, Segment
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
Csrf = Annotated[str, Form(max_length=100)]
PAGE_SIZE = 25
LISTED_STATES = ("unscreened", "pending", "in_progress", "conflict", "include", "exclude")
# Refusals a reviewer can correct on the same form; anything else goes to the error page.
CORRECTABLE = (InvalidInput, StaleWrite, AlreadyExists)


Params = ParamSpec("Params")

SCREENING_LANE_CAPACITY = 1
"""How many screening requests (a decision, the next record, one record) the server works on
at once; the others wait their turn in arrival order.

Python runs one thread at a time, so requests worked on side by side share the interpreter and
each finishes only when all do: at ten reviewers, the slowest twentieth of decisions were those
that overlapped two others (server-side timings), at 55-62 ms for a request that takes 25 ms
alone. Taken in turn, the first to arrive is answered first. On PostgreSQL, 1,000 records, ten
reviewers deciding about once a second (`benchmarks/screening_latency.py`), p95 was 50.8 and
61.9 ms side by side and 43.2 and 40.1 ms in turn. Other pages (lists, exports) keep the server's
own thread pool, so a long export does not hold the reviewers up."""


def _screening_lane(request: Request) -> CapacityLimiter:
    """The app's lane for screening requests, made on first use (on the event loop's thread,
    so two requests cannot both make one)."""
    lane: CapacityLimiter | None = getattr(request.app.state, "screening_lane", None)
    if lane is None:
        lane = request.app.state.screening_lane = CapacityLimiter(SCREENING_LANE_CAPACITY)
    return lane


def in_screening_lane(
    endpoint: Callable[Params, Response],
) -> Callable[Params, Any]:
    """Run a (blocking) screening endpoint on a worker thread in the screening lane, in turn
    (see :data:`SCREENING_LANE_CAPACITY`). FastAPI reads the endpoint's own signature."""

    @functools.wraps(endpoint)
    async def in_turn(*args: Params.args, **kwargs: Params.kwargs) -> Response:
        request = kwargs["request"]
        assert isinstance(request, Request)
        call = functools.partial(endpoint, *args, **kwargs)
        return await anyio.to_thread.run_sync(call, limiter=_screening_lane(request))

    return in_turn


def _open(
    request: Request, slug: str, user: SignedIn, stage: str
) -> tuple[Store, ReviewContext, Stage]:
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    return store, review, review.protocol.stage(stage)


@dataclass(frozen=True)
class ShownRecord:
    """A record view with its title and abstract split for highlighting, and its full text."""

    view: RecordView
    title: list[Segment]
    abstract: list[Segment]
    full_text: FullTextInfo | None


def _shown(
    store: Store, review: ReviewContext, actor: str, stage: Stage, view: RecordView
) -> ShownRecord:
    marker = Highlighter.of(review.protocol.highlights)
    full_text = full_text_info(store, review, actor, view.id) if stage.requires_full_text else None
    return ShownRecord(
        view, marker.segments(view.record.title), marker.segments(view.record.abstract), full_text
    )


# ------------------------------------------------------------------------- one record at a time


def _screen_url(
    review: ReviewContext, stage: Stage, *, fragment: bool = False, **query: int | None
) -> str:
    path = f"/reviews/{review.slug}/screen/{stage.name}" + ("/next" if fragment else "")
    params: dict[str, int | str] = {k: v for k, v in query.items() if v is not None}
    if fragment:
        params["fragment"] = 1
    return path + ("?" + urlencode(params) if params else "")


def _record_url(review: ReviewContext, stage: Stage, record_id: int) -> str:
    return f"/reviews/{review.slug}/screen/{stage.name}/record/{record_id}"


def _draft(view: RecordView | None, submitted: dict[str, str] | None) -> dict[str, str]:
    """What the form starts with: what was just sent (after a refusal), else the reviewer's own
    decision, so changing it starts from what it is."""
    if submitted is not None:
        return submitted
    mine = view.mine if view else None
    if mine is None:
        return {"reason": "", "note": "", "labels": ""}
    return {"reason": mine.reason, "note": mine.note, "labels": ", ".join(mine.labels)}


def _render_record(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    stage: Stage,
    view: RecordView | None,
    *,
    prev: int | None = None,
    fragment: bool = False,
    error: str | None = None,
    submitted: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The screening page, or just its record fragment, for ``view`` (None: nothing left)."""
    store = request_store(request)
    role = review.role_of(user.username)
    context = {
        "user": user,
        "review": review,
        "stage": stage,
        "shown": _shown(store, review, user.username, stage, view) if view else None,
        "progress": reviewer_progress(store, review, user.username, stage.name),
        "form_token": secrets.token_urlsafe(24),
        "draft": _draft(view, submitted),
        "prev": prev,
        "error": error,
        "may_decide": allowed(role, "screening.decide"),
        "may_resolve": allowed(role, "conflict.resolve"),
        "skip_page": _screen_url(review, stage, after=view.id, prev=prev) if view else "",
        "skip_fragment": _screen_url(review, stage, fragment=True, after=view.id, prev=prev)
        if view
        else "",
        "undo_page": _record_url(review, stage, prev) if prev else "",
    }
    name = "screen_record.html" if fragment else "screen.html"
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/reviews/{slug}/screen/{stage}")
@router.get("/reviews/{slug}/screen/{stage}/next")
@in_screening_lane
def screen_page(
    request: Request,
    slug: str,
    stage: str,
    user: User,
    after: int | None = None,
    prev: int | None = None,
    fragment: bool = False,
) -> Response:
    """The first record left to the reviewer after ``after`` (the whole page, or the fragment
    the script swaps in), wrapping round to the start so that skipped records come back."""
    store, review, current = _open(request, slug, user, stage)
    view = _next_view(store, review, user.username, current, after)
    return _render_record(request, user, review, current, view, prev=prev, fragment=fragment)


def _next_view(
    store: Store, review: ReviewContext, actor: str, stage: Stage, after: int | None
) -> RecordView | None:
    view = next_record(store, review, actor, stage.name, after)
    if view is None and after is not None:
        view = next_record(store, review, actor, stage.name)
    return view


@router.get("/reviews/{slug}/screen/{stage}/record/{record_id}")
@in_screening_lane
def record_page(
    request: Request,
    slug: str,
    stage: str,
    record_id: int,
    user: User,
    fragment: bool = False,
) -> Response:
    """One record, where its reviewer can see and change their decision until it is settled."""
    store, review, current = _open(request, slug, user, stage)
    view = record_view(store, review, user.username, current.name, record_id)
    return _render_record(request, user, review, current, view, fragment=fragment)


def _wants_json(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch" or "application/json" in (
        request.headers.get("accept") or ""
    )


def _labels(text: str) -> list[str]:
    return [label.strip() for label in text.split(",") if label.strip()]


@router.post("/reviews/{slug}/screen/{stage}/{record_id}")
@in_screening_lane
def decide_record(
    request: Request,
    slug: str,
    stage: str,
    record_id: int,
    user: User,
    csrf_token: Csrf,
    verdict: Annotated[str, Form(max_length=10)],
    form_token: Annotated[str, Form(max_length=100)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    reason: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
    labels: Annotated[str, Form(max_length=2_000)] = "",
) -> Response:
    """Store the decision; the form token makes a double submit store it once."""
    check_csrf(user, csrf_token)
    store, review, current = _open(request, slug, user, stage)
    reason = reason if verdict == "exclude" else ""
    try:
        result = decide(
            store,
            review,
            user.username,
            current.name,
            record_id,
            verdict,
            reason=reason,
            note=note.strip(),
            labels=_labels(labels),
            expected_version=expected_version,
            idempotency_key=form_token or None,
        )
    except CORRECTABLE as exc:
        sent = {"reason": reason, "note": note, "labels": labels}
        return _refused(request, user, review, current, record_id, exc, sent)
    page = _screen_url(review, current, after=record_id, prev=record_id)
    if _wants_json(request):
        following = _screen_url(review, current, fragment=True, after=record_id, prev=record_id)
        answer = {**asdict(result), "next": following, "page": page}
        return JSONResponse(
            {**answer, "fragment": _next_fragment(request, user, review, current, record_id)}
        )
    return RedirectResponse(page, status_code=303)


def _next_fragment(
    request: Request, user: SignedIn, review: ReviewContext, stage: Stage, decided: int
) -> str:
    """The next record's fragment, sent with the answer to a decision so the page shows it
    without a second request (one round trip per decision)."""
    store = request_store(request)
    view = _next_view(store, review, user.username, stage, decided)
    shown = _render_record(request, user, review, stage, view, prev=decided, fragment=True)
    return bytes(shown.body).decode()


def _refused(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    stage: Stage,
    record_id: int,
    exc: InvalidInput | StaleWrite | AlreadyExists,
    sent: dict[str, str],
) -> Response:
    """The refusal with the record's current state, so the reviewer sees what is stored now."""
    view = record_view(request_store(request), review, user.username, stage.name, record_id)
    if _wants_json(request):
        body = {
            "error": exc.message,
            "record_id": view.id,
            "state": view.state,
            "verdict": view.mine.verdict if view.mine else None,
            "version": view.my_version,
            "reload": _record_url(review, stage, record_id) + "?fragment=1",
        }
        return JSONResponse(body, status_code=exc.http_status)
    stale = isinstance(exc, StaleWrite | AlreadyExists)
    return _render_record(
        request,
        user,
        review,
        stage,
        view,
        error=exc.message,
        submitted=None if stale else sent,
        status=exc.http_status,
    )


# ------------------------------------------------------------------------------ record list


@router.get("/reviews/{slug}/screen/{stage}/records")
def records_page(
    request: Request,
    slug: str,
    stage: str,
    user: User,
    q: Annotated[str, Query(max_length=200)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The records entering a stage, searched and filtered by state as the viewer sees it."""
    store, review, current = _open(request, slug, user, stage)
    progress = reviewer_progress(store, review, user.username, current.name)
    listed, total = stage_records(
        store,
        review,
        user.username,
        current.name,
        query=q,
        state=state,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context = {
        "user": user,
        "review": review,
        "stage": current,
        "records": listed,
        "total": total,
        "progress": progress,
        "q": q,
        "state": state,
        "states": LISTED_STATES,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }
    return templates.TemplateResponse(request, "records.html", context)


# ---------------------------------------------------------------------------------- conflicts


def _conflicts_page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    stage: Stage,
    *,
    error: str | None = None,
    error_record: int | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    views = conflicts(store, review, user.username, stage.name)
    context = {
        "user": user,
        "review": review,
        "stage": stage,
        "conflicts": [_shown(store, review, user.username, stage, v) for v in views],
        "error": error,
        "error_record": error_record,
    }
    return templates.TemplateResponse(request, "conflicts.html", context, status_code=status)


@router.get("/reviews/{slug}/conflicts/{stage}")
def conflicts_page(request: Request, slug: str, stage: str, user: User) -> Response:
    """The stage's conflicts with every judgement the arbiter may see, each with a form."""
    _, review, current = _open(request, slug, user, stage)
    return _conflicts_page(request, user, review, current)


@router.post("/reviews/{slug}/conflicts/{stage}/{record_id}")
def resolve_conflict(
    request: Request,
    slug: str,
    stage: str,
    record_id: int,
    user: User,
    csrf_token: Csrf,
    verdict: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    store, review, current = _open(request, slug, user, stage)
    reason = reason if verdict == "exclude" else ""
    try:
        resolve(
            store,
            review,
            user.username,
            current.name,
            record_id,
            verdict,
            reason=reason,
            note=note.strip(),
        )
    except CORRECTABLE as exc:
        return _conflicts_page(
            request,
            user,
            review,
            current,
            error=exc.message,
            error_record=record_id,
            status=exc.http_status,
        )
    return RedirectResponse(f"/reviews/{review.slug}/conflicts/{current.name}", status_code=303)


# ---------------------------------------------------------------------------------- agreement


@router.get("/reviews/{slug}/agreement")
def agreement_page(request: Request, slug: str, user: User) -> Response:
    """Each stage's agreement figures, or why they are withheld (a blind stage shows them to
    those who may resolve conflicts only); refused as a whole when every stage is withheld."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    rows: list[tuple[Stage, dict[str, Any] | None, str | None]] = []
    refusals: list[PermissionDenied] = []
    for stage in review.protocol.stages:
        try:
            rows.append((stage, stage_agreement(store, review, user.username, stage.name), None))
        except PermissionDenied as exc:
            refusals.append(exc)
            rows.append((stage, None, exc.message))
    if len(refusals) == len(rows):
        raise refusals[0]
    context = {"user": user, "review": review, "rows": rows}
    return templates.TemplateResponse(request, "agreement.html", context)
