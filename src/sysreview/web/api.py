"""The JSON API under ``/api/``: the same service calls as the pages, documented by OpenAPI."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from sysreview.services import audit as audit_service
from sysreview.services.imports import SearchDetails
from sysreview.services.ranking_status import ranking_status
from sysreview.services.reviews import review_by_slug, reviews_of
from sysreview.services.sessions import SignedIn
from sysreview.services.status import review_status
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.uploads import import_uploads

router = APIRouter(prefix="/api", tags=["api"])
User = Annotated[SignedIn, Depends(current_user)]


class ReviewSummary(BaseModel):
    slug: str
    title: str
    role: str


class SourceCount(BaseModel):
    source: str
    platform: str
    files: int
    records: int


class RecordCounts(BaseModel):
    total: int
    unique: int
    by_source: list[SourceCount]


class DuplicateCounts(BaseModel):
    groups: int
    removed: int
    pairs_to_review: int


class StageCounts(BaseModel):
    name: str
    label: str
    reviewers_required: int
    records: int
    screened: int | None
    in_progress: int | None
    included: int
    excluded: int
    conflicts: int | None
    not_retrieved: int


class TeamMember(BaseModel):
    user: str
    role: str


class ReviewStatus(BaseModel):
    format: int
    review: str
    title: str
    records: RecordCounts
    duplicates: DuplicateCounts
    stages: list[StageCounts]
    team: list[TeamMember]


class AuditRow(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    old_value: str | None
    new_value: str | None
    reason: str
    entry_hash: str


class ErrorBody(BaseModel):
    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not logged in"},
    403: {"model": ErrorBody, "description": "The role does not allow this"},
    404: {"model": ErrorBody, "description": "No such review"},
}


@router.get("/reviews", response_model=list[ReviewSummary], responses=ERRORS)
def list_reviews(request: Request, user: User) -> list[ReviewSummary]:
    """The reviews the signed-in user belongs to, with their role in each."""
    return [
        ReviewSummary(slug=r.slug, title=r.title, role=role)
        for r, role in reviews_of(request_store(request), user.username)
    ]


@router.get("/reviews/{slug}/status", response_model=ReviewStatus, responses=ERRORS)
def get_status(request: Request, slug: str, user: User) -> dict[str, Any]:
    """Counts per stage, the same document as ``sysreview status --json``."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    return review_status(store, review, user.username)


@router.get("/reviews/{slug}/ranking/{stage}", responses=ERRORS)
def get_ranking(request: Request, slug: str, stage: str, user: User) -> dict[str, Any]:
    """A stage's order, model, estimate of the relevant records left and stopping advice (the
    ranking page's content, as ``sysreview ranking status --json`` prints it); null where it is
    too early to estimate."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    name = review.protocol.stage(stage).name
    return ranking_status(store, review, user.username, name).to_json()


@router.get("/reviews/{slug}/audit", response_model=list[AuditRow], responses=ERRORS)
def get_audit(request: Request, slug: str, user: User) -> list[dict[str, Any]]:
    """The review's audit trail, oldest first (owners and arbiters)."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    return audit_service.list_audit(store, review, user.username)


class SkippedRow(BaseModel):
    line: int
    reason: str


class ImportResult(BaseModel):
    file_name: str
    file_format: str
    encoding: str
    search_event_id: int
    records_read: int
    records_stored: int
    skipped: list[SkippedRow]
    warnings: list[str]


class ImportAnswer(BaseModel):
    imported: list[ImportResult]
    error: str | None
    failed_file: str | None


@router.post(
    "/reviews/{slug}/imports",
    response_model=ImportAnswer,
    responses={
        **ERRORS,
        400: {"model": ImportAnswer, "description": "The first file was refused: nothing stored"},
    },
)
def post_import(
    request: Request,
    slug: str,
    user: User,
    files: Annotated[list[UploadFile], File()],
    source: Annotated[str, Form(max_length=200)],
    platform: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "database",
    searched_on: Annotated[str, Form(max_length=10)] = "",
    query: Annotated[str, Form(max_length=100_000)] = "",
    skip_bad: Annotated[bool, Form()] = False,
    again: Annotated[bool, Form()] = False,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> dict[str, Any] | JSONResponse:
    """Import files as search events (owners); each file all or nothing, stopping at the first
    that fails. Send the session's CSRF token in ``X-CSRF-Token``."""
    check_csrf(user, x_csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    search = SearchDetails(source, platform, searched_on, query, kind)
    outcome = import_uploads(
        store, review, user.username, files, search, skip_bad=skip_bad, again=again
    )
    answer = {
        "imported": [asdict(s) for s in outcome.summaries],
        "error": outcome.error,
        "failed_file": outcome.failed_file,
    }
    if outcome.error and not outcome.summaries:  # nothing stored: say so in the status too
        return JSONResponse(answer, status_code=400)
    return answer
