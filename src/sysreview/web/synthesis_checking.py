"""Checked coding in the web: the verdict form under each excerpt on a study's coding page,
and the checking page (progress per study, the disputes to discuss).

Routes decode forms and render; :mod:`sysreview.services.synthesis_checking` checks the rules
and audits each verdict.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import InvalidInput, NotFound
from sysreview.services.reviews import review_by_slug
from sysreview.services.sessions import SignedIn
from sysreview.services.studies import studies_of
from sysreview.services.synthesis_checking import check_excerpt, checking_progress
from sysreview.web.security import check_csrf, current_user, request_store
from sysreview.web.synthesis import coding_page_response, coding_url
from sysreview.web.templating import templates

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]


@router.post("/reviews/{slug}/synthesis/excerpts/{excerpt_id}/check")
def check(
    request: Request,
    slug: str,
    excerpt_id: int,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)],
    study_id: Annotated[int, Form()],
    verdict: Annotated[str, Form(max_length=10)],
    comment: Annotated[str, Form(max_length=5_000)] = "",
) -> Response:
    """Agree with an excerpt, or dispute it with a comment; back to the excerpt."""
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    try:
        check_excerpt(store, review, user.username, excerpt_id, verdict, comment)
    except (InvalidInput, NotFound) as exc:
        return coding_page_response(request, user, review, study_id, error=exc.message, status=400)
    return RedirectResponse(coding_url(review, study_id, f"excerpt-{excerpt_id}"), status_code=303)


@router.get("/reviews/{slug}/synthesis/checking")
def checking_page(request: Request, slug: str, user: User) -> Response:
    """Per study, excerpts agreed, disputed and still to check; the disputes with comments."""
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    studies, disputes = checking_progress(store, review, user.username)
    context = {
        "user": user,
        "review": review,
        "base": f"/reviews/{review.slug}/synthesis",
        "studies": studies,
        "disputes": disputes,
        "study_ids": {s.label: s.id for s in studies_of(store, review, user.username)},
        "required": review.protocol.synthesis.checkers,
    }
    return templates.TemplateResponse(request, "synthesis_checking.html", context)
