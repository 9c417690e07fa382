"""Prioritised screening in the web: the stopping advice panel of a stage (the estimate of the
relevant records left, the statistical rule with its guarantee, the heuristics labelled as such)
and the owner's button that begins the random-sampling phase; plus the one-line note on the
screening page saying which order the records come in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.protocol import Stage
from sysreview.services import ranking_status
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
Csrf = Annotated[str, Form(max_length=100)]


def _panel_url(review: ReviewContext, stage: Stage) -> str:
    return f"/reviews/{review.slug}/ranking/{stage.name}"


@router.get("/reviews/{slug}/ranking/{stage}")
def ranking_page(request: Request, slug: str, stage: str, user: User) -> Response:
    """The stage's order, model, estimate of what remains and stopping advice."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    current = review.protocol.stage(stage)
    status = ranking_status.ranking_status(store, review, user.username, current.name)
    return templates.TemplateResponse(
        request,
        "ranking.html",
        {"user": user, "review": review, "stage": current, "status": status},
    )


@router.post("/reviews/{slug}/ranking/{stage}/sample")
def start_sampling(
    request: Request, slug: str, stage: str, user: User, csrf_token: Csrf
) -> Response:
    """Begin the random-sampling phase (owners), then show the panel again."""
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    current = review.protocol.stage(stage)
    ranking_status.start_sampling(store, review, user.username, current.name)
    return RedirectResponse(_panel_url(review, current), status_code=303)


def order_note(
    request: Request, review: ReviewContext, stage: Stage, user: SignedIn
) -> ranking_status.OrderNote:
    """For the screening page's template: the order this reviewer's records come in."""
    store = request_store(request)
    with store.read() as session:
        return ranking_status.order_note(store, session, review, stage, user.username)


templates.env.globals["ranking_order_note"] = order_note
