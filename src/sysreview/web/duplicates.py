"""The duplicates pages: the queue of uncertain pairs side by side, merged groups, undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.services import dedup as dedup_service
from sysreview.services.reviews import review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.web.diff import compare_records
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
Csrf = Annotated[str, Form(max_length=100)]


@router.get("/reviews/{slug}/duplicates")
def duplicates_page(request: Request, slug: str, user: User) -> Response:
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    pairs = dedup_service.pending_pairs(store, review, user.username, limit=20)
    shown = [(pair, compare_records(pair.a, pair.b)) for pair in pairs]
    groups = dedup_service.active_groups(store, review, user.username)
    return templates.TemplateResponse(
        request,
        "duplicates.html",
        {
            "user": user,
            "review": review,
            "pairs": shown,
            "groups": groups,
            "role": review.role_of(user.username),
        },
    )


@router.post("/reviews/{slug}/duplicates/run")
def run(request: Request, slug: str, user: User, csrf_token: Csrf) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    dedup_service.run_dedup(store, review, user.username)
    return RedirectResponse(f"/reviews/{slug}/duplicates", status_code=303)


@router.post("/reviews/{slug}/duplicates/judge")
def judge(
    request: Request,
    slug: str,
    user: User,
    csrf_token: Csrf,
    record_a: Annotated[int, Form()],
    record_b: Annotated[int, Form()],
    verdict: Annotated[str, Form(max_length=10)],
) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    dedup_service.judge_pair(store, review, user.username, record_a, record_b, verdict)
    return RedirectResponse(f"/reviews/{slug}/duplicates", status_code=303)


@router.post("/reviews/{slug}/duplicates/groups/{group_id}/undo")
def undo(
    request: Request,
    slug: str,
    group_id: int,
    user: User,
    csrf_token: Csrf,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    dedup_service.undo_group(store, review, user.username, group_id, reason)
    return RedirectResponse(f"/reviews/{slug}/duplicates", status_code=303)
