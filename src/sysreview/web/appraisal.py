"""Quality appraisal pages: a study under one checklist (answers with quotes and pages, the
score and rating, the discrepancies and the consensus), and the review's appraisal summary
(each tool's table, robvis-style plots, agreement between appraisers).

What a page shows of another appraiser's answers comes from the services, where the one
visibility rule has been applied; routes decode forms and render, nothing more.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from sysreview.appraisal import Answer, Checklist
from sysreview.errors import InvalidInput, NotFound, PermissionDenied
from sysreview.services import appraisal
from sysreview.services.dual_appraisal import (
    appraisal_view,
    record_consensus,
    save_answers,
    tool_agreement,
)
from sysreview.services.reviews import ReviewContext, review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.store.engine import Store
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]
SVG = "image/svg+xml"


def _open(request: Request, slug: str, user: SignedIn) -> tuple[Store, ReviewContext]:
    store = request_store(request)
    return store, review_by_slug(store, slug, user.username)


def _url(review: ReviewContext, study_id: int, tool: str) -> str:
    return f"/reviews/{review.slug}/studies/{study_id}/appraisal/{tool}"


@router.get("/reviews/{slug}/studies/{study_id}/appraisal")
def pick_tool(
    request: Request,
    slug: str,
    study_id: int,
    user: User,
    tool: Annotated[str, Query(max_length=100)],
) -> Response:
    """The studies list's "Appraise with" picker lands here and goes to the tool's page."""
    _, review = _open(request, slug, user)
    appraisal.checklist(tool)
    return RedirectResponse(_url(review, study_id, tool), status_code=303)


def _page(
    request: Request,
    user: SignedIn,
    review: ReviewContext,
    study_id: int,
    tool: str,
    *,
    error: str | None = None,
    sent: dict[str, Answer] | None = None,
    status: int = 200,
) -> Response:
    view = appraisal_view(request_store(request), review, user.username, study_id, tool)
    context = {
        "user": user,
        "review": review,
        "view": view,
        "draft": sent if sent is not None else view.mine,
        "error": error,
    }
    return templates.TemplateResponse(request, "appraisal_study.html", context, status_code=status)


@router.get("/reviews/{slug}/studies/{study_id}/appraisal/{tool}")
def appraisal_page(request: Request, slug: str, study_id: int, tool: str, user: User) -> Response:
    _, review = _open(request, slug, user)
    return _page(request, user, review, study_id, tool)


def _answers(form: FormData, tool: Checklist) -> dict[str, Answer]:
    found = {}
    for item in tool.items:
        value = str(form.get(f"a:{item.id}") or "")
        quote = str(form.get(f"q:{item.id}") or "").strip()[:10_000]
        page = str(form.get(f"p:{item.id}") or "").strip()[:50]
        found[item.id] = Answer(item.id, value, quote, page)
    return found


async def _posted(request: Request, user: SignedIn, tool: str) -> dict[str, Answer]:
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(user, token if isinstance(token, str) else None)
    return _answers(form, appraisal.checklist(tool))


@router.post("/reviews/{slug}/studies/{study_id}/appraisal/{tool}")
async def save_page(request: Request, slug: str, study_id: int, tool: str, user: User) -> Response:
    """The appraiser's answers (unanswered items may follow later)."""
    answers = await _posted(request, user, tool)
    store, review = _open(request, slug, user)
    try:
        save_answers(store, review, user.username, study_id, tool, answers.values())
    except InvalidInput as exc:
        status = exc.http_status
        return _page(
            request, user, review, study_id, tool, error=exc.message, sent=answers, status=status
        )
    return RedirectResponse(_url(review, study_id, tool), status_code=303)


@router.post("/reviews/{slug}/studies/{study_id}/appraisal/{tool}/consensus")
async def consensus_page(
    request: Request, slug: str, study_id: int, tool: str, user: User
) -> Response:
    """The agreed answer to every item, once both appraisers are done."""
    answers = await _posted(request, user, tool)
    store, review = _open(request, slug, user)
    try:
        record_consensus(store, review, user.username, study_id, tool, answers.values())
    except InvalidInput as exc:
        status = exc.http_status
        return _page(request, user, review, study_id, tool, error=exc.message, status=status)
    return RedirectResponse(_url(review, study_id, tool), status_code=303)


def _summary(store: Store, review: ReviewContext, actor: str, tool: str) -> dict[str, Any]:
    """One tool's table (or why there is none yet) and agreement (or why it is withheld)."""
    found: dict[str, Any] = {"tool": appraisal.checklist(tool)}
    try:
        found["table"] = appraisal.tool_table(store, review, actor, tool)
        found["issues"] = appraisal.tool_issues(store, review, actor, tool)[:5]
    except (NotFound, InvalidInput) as exc:
        found["table"], found["missing"] = None, exc.message
    try:
        found["agreement"] = tool_agreement(store, review, actor, tool)
    except PermissionDenied as exc:
        found["agreement"], found["withheld"] = None, exc.message
    return found


@router.get("/reviews/{slug}/appraisal")
def summary_page(request: Request, slug: str, user: User) -> Response:
    """Each tool in use: the Table 2/3 layout with scores and ratings, the plots, agreement."""
    store, review = _open(request, slug, user)
    tools = appraisal.tools_in_use(store, review, user.username)
    context = {
        "user": user,
        "review": review,
        "tools": [_summary(store, review, user.username, t) for t in tools],
    }
    return templates.TemplateResponse(request, "appraisal_summary.html", context)


@router.get("/reviews/{slug}/appraisal/{tool}/{kind}.svg")
def plot(request: Request, slug: str, tool: str, kind: str, user: User) -> Response:
    """A robvis-style plot (``traffic-light`` or ``summary``) of the tool's consensus answers."""
    store, review = _open(request, slug, user)
    svg = appraisal.tool_plot(store, review, user.username, tool, kind)
    return Response(svg, media_type=SVG)
