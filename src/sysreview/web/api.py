"""The JSON API under ``/api/``: the same service calls as the pages, documented by OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from sysreview.services import audit as audit_service
from sysreview.services.reviews import review_by_slug, reviews_of
from sysreview.services.sessions import SignedIn
from sysreview.services.status import review_status
from sysreview.store.engine import Store
from sysreview.web.security import current_user

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
    by_source: list[SourceCount]


class StageCounts(BaseModel):
    name: str
    label: str
    reviewers_required: int
    records: int
    screened: int
    in_progress: int
    included: int
    excluded: int
    conflicts: int


class TeamMember(BaseModel):
    user: str
    role: str


class ReviewStatus(BaseModel):
    format: int
    review: str
    title: str
    records: RecordCounts
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


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.get("/reviews", response_model=list[ReviewSummary], responses=ERRORS)
def list_reviews(request: Request, user: User) -> list[ReviewSummary]:
    """The reviews the signed-in user belongs to, with their role in each."""
    return [
        ReviewSummary(slug=r.slug, title=r.title, role=role)
        for r, role in reviews_of(_store(request), user.username)
    ]


@router.get("/reviews/{slug}/status", response_model=ReviewStatus, responses=ERRORS)
def get_status(request: Request, slug: str, user: User) -> dict[str, Any]:
    """Counts per stage, the same document as ``sysreview status --json``."""
    store = _store(request)
    review = review_by_slug(store, slug, user.username)
    return review_status(store, review, user.username)


@router.get("/reviews/{slug}/audit", response_model=list[AuditRow], responses=ERRORS)
def get_audit(request: Request, slug: str, user: User) -> list[dict[str, Any]]:
    """The review's audit trail, oldest first (owners and arbiters)."""
    store = _store(request)
    review = review_by_slug(store, slug, user.username)
    return audit_service.list_audit(store, review, user.username)
