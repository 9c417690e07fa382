"""Full-text routes: upload a PDF for a record, record it as not retrieved, show it inline."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from sysreview.services.fulltexts import (
    MAX_FULL_TEXT_BYTES,
    attach_full_text,
    full_text_file,
    mark_not_retrieved,
)
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.web.security import check_csrf, current_user, request_store

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
Csrf = Annotated[str, Form(max_length=100)]


def _record_url(review: ReviewContext, stage: str, record_id: int) -> str:
    return f"/reviews/{review.slug}/screen/{stage}/record/{record_id}"


def _back_to(review: ReviewContext, stage: str, record_id: int) -> str:
    """The record's page at the stage the form came from (a known stage only), else the
    dashboard: the redirect is built from validated parts, never from what was sent."""
    known = {s.name: s for s in review.protocol.stages}
    if stage in known:
        return _record_url(review, known[stage].name, record_id)
    return f"/reviews/{review.slug}"


@router.post("/reviews/{slug}/fulltext/{record_id}")
def upload_full_text(
    request: Request,
    slug: str,
    record_id: int,
    user: User,
    csrf_token: Csrf,
    file: Annotated[UploadFile, File()],
    stage: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    data = file.file.read(MAX_FULL_TEXT_BYTES + 1)
    attach_full_text(store, review, user.username, record_id, data, file.filename or "full-text")
    return RedirectResponse(_back_to(review, stage, record_id), status_code=303)


@router.post("/reviews/{slug}/fulltext/{record_id}/not-retrieved")
def full_text_not_retrieved(
    request: Request,
    slug: str,
    record_id: int,
    user: User,
    csrf_token: Csrf,
    note: Annotated[str, Form(max_length=2_000)] = "",
    stage: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    mark_not_retrieved(store, review, user.username, record_id, note.strip())
    return RedirectResponse(_back_to(review, stage, record_id), status_code=303)


@router.get("/reviews/{slug}/fulltext/{record_id}")
def full_text(request: Request, slug: str, record_id: int, user: User) -> Response:
    """The stored PDF, shown inline; only PDFs are accepted on upload, so the type is fixed."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    data, _, file_name = full_text_file(store, review, user.username, record_id)
    headers = {
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(file_name, safe='')}",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type="application/pdf", headers=headers)
