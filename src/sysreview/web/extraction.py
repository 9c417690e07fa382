"""Studies and their data extraction: the studies list with each study's extraction and
appraisal state, and one page per study holding the protocol's form for the extractor, the
field-by-field verification for verifiers, or the comparison and consensus of dual extraction.

Routes only decode the form into plain values and call the services, which check permission,
blinding and every value; a refusal a reviewer can correct re-renders the page with the error.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from sysreview.errors import InvalidInput
from sysreview.protocol import ExtractionField
from sysreview.services.appraisal import list_tools
from sysreview.services.dual_appraisal import appraisal_overview
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.services.studies import studies_of
from sysreview.services.study_extraction import (
    extraction_overview,
    extraction_view,
    record_extraction_consensus,
    save_extraction,
    verify_extraction,
)
from sysreview.store.engine import Store
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
MAX_ROWS = 200


def _open(request: Request, slug: str, user: SignedIn) -> tuple[Store, ReviewContext]:
    store = request_store(request)
    return store, review_by_slug(store, slug, user.username)


@router.get("/reviews/{slug}/studies")
def studies_page(request: Request, slug: str, user: User) -> Response:
    """Every study with its reports, how far its extraction is, and each tool's appraisal."""
    store, review = _open(request, slug, user)
    context = {
        "user": user,
        "review": review,
        "studies": studies_of(store, review, user.username),
        "extraction": extraction_overview(store, review, user.username),
        "appraisal": appraisal_overview(store, review, user.username),
        "tools": list_tools(),
    }
    return templates.TemplateResponse(request, "extraction_studies.html", context)


def _page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    study_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    store = request_store(request)
    view = extraction_view(store, review, user.username, study_id)
    context = {"user": user, "review": review, "view": view, "error": error, "blank_rows": 2}
    return templates.TemplateResponse(request, "extraction_study.html", context, status_code=status)


@router.get("/reviews/{slug}/studies/{study_id}/extraction")
def extraction_page(request: Request, slug: str, study_id: int, user: User) -> Response:
    _, review = _open(request, slug, user)
    return _page(request, user, review, study_id)


def _rows(form: FormData, name: str, field: ExtractionField) -> list[dict[str, Any]]:
    rows = []
    for n in range(MAX_ROWS):
        row = {sub.id: _value(form, f"{name}:{n}:{sub.id}", sub) for sub in field.fields}
        if not any(f"{name}:{n}:{sub.id}" in form for sub in field.fields):
            break
        rows.append(row)
    return rows


def _value(form: FormData, name: str, field: ExtractionField) -> Any:
    """One field's submitted value: text, the ticked options, or a group's rows."""
    if field.type == "group":
        return _rows(form, name, field)
    if field.type == "multi":
        return [str(v) for v in form.getlist(name)]
    return str(form.get(name) or "")


def _submitted(form: FormData, review: ReviewContext, prefix: str) -> dict[str, Any]:
    return {f.id: _value(form, f"{prefix}:{f.id}", f) for f in review.protocol.extraction.fields}


async def _form(request: Request, user: SignedIn) -> FormData:
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(user, token if isinstance(token, str) else None)
    return form


def _done(review: ReviewContext, study_id: int) -> Response:
    return RedirectResponse(f"/reviews/{review.slug}/studies/{study_id}/extraction", 303)


@router.post("/reviews/{slug}/studies/{study_id}/extraction")
async def save_form(request: Request, slug: str, study_id: int, user: User) -> Response:
    """The extractor's whole form, stored at once or refused with what to correct."""
    form = await _form(request, user)
    store, review = _open(request, slug, user)
    try:
        save_extraction(store, review, user.username, study_id, _submitted(form, review, "f"))
    except InvalidInput as exc:
        return _page(request, user, review, study_id, error=exc.message, status=exc.http_status)
    return _done(review, study_id)


@router.post("/reviews/{slug}/studies/{study_id}/extraction/verify")
async def verify_form(request: Request, slug: str, study_id: int, user: User) -> Response:
    """A verifier's check of each field: accept, correct (with the corrected value) or leave."""
    form = await _form(request, user)
    store, review = _open(request, slug, user)
    corrections: dict[str, Any] = {}
    for field in review.protocol.extraction.fields:
        choice = form.get(f"check:{field.id}")
        if choice == "accept":
            corrections[field.id] = None
        elif choice == "correct":
            corrections[field.id] = _value(form, f"c:{field.id}", field)
    try:
        verify_extraction(store, review, user.username, study_id, corrections)
    except InvalidInput as exc:
        return _page(request, user, review, study_id, error=exc.message, status=exc.http_status)
    return _done(review, study_id)


@router.post("/reviews/{slug}/studies/{study_id}/extraction/consensus")
async def consensus_form(request: Request, slug: str, study_id: int, user: User) -> Response:
    """The agreed value of every field after dual extraction."""
    form = await _form(request, user)
    store, review = _open(request, slug, user)
    submitted = _submitted(form, review, "k")
    try:
        record_extraction_consensus(store, review, user.username, study_id, submitted)
    except InvalidInput as exc:
        return _page(request, user, review, study_id, error=exc.message, status=exc.http_status)
    return _done(review, study_id)
