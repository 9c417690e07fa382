"""HTML pages: login, the user's reviews, a review's dashboard and audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sysreview.errors import AuthenticationFailed, PermissionDenied
from sysreview.services import audit as audit_service
from sysreview.services.imports import SearchDetails
from sysreview.services.reviews import review_by_slug, reviews_of
from sysreview.services.sessions import SignedIn, log_in, log_out, signed_in
from sysreview.services.status import review_status
from sysreview.web.security import (
    check_csrf,
    clear_session_cookie,
    current_user,
    login_csrf_token,
    request_store,
    session_token,
    set_login_csrf_cookie,
    set_session_cookie,
    tokens_match,
)
from sysreview.web.templating import templates
from sysreview.web.uploads import import_uploads

router = APIRouter(include_in_schema=False)
User = Annotated[SignedIn, Depends(current_user)]


def _page(request: Request, name: str, user: SignedIn | None, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"user": user, **context})


@router.get("/")
def home(request: Request) -> Response:
    if signed_in(request_store(request), session_token(request)) is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/reviews", status_code=303)


@router.get("/login")
def login_form(request: Request) -> Response:
    token = login_csrf_token(request)
    response = _page(request, "login.html", None, csrf_token=token, error=None)
    set_login_csrf_cookie(request, response, token)
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=100)],
) -> Response:
    if not tokens_match(request.cookies.get("sysreview_login_csrf"), csrf_token):
        raise PermissionDenied("the login form has expired: reload the page and try again")
    try:
        token = log_in(
            request_store(request), username.strip(), password, request.app.state.throttle
        )
    except AuthenticationFailed as exc:
        failed = _page(request, "login.html", None, csrf_token=csrf_token, error=exc.message)
        failed.status_code = 401
        return failed
    response = RedirectResponse("/reviews", status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(
    request: Request, user: User, csrf_token: Annotated[str, Form(max_length=100)]
) -> Response:
    check_csrf(user, csrf_token)
    log_out(request_store(request), session_token(request))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/reviews")
def review_list(request: Request, user: User) -> Response:
    reviews = reviews_of(request_store(request), user.username)
    return _page(request, "reviews.html", user, reviews=reviews)


@router.get("/reviews/{slug}")
def dashboard(request: Request, slug: str, user: User) -> Response:
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    status = review_status(store, review, user.username)
    return _page(
        request,
        "dashboard.html",
        user,
        review=review,
        status=status,
        role=review.role_of(user.username),
    )


@router.get("/reviews/{slug}/audit")
def audit_page(request: Request, slug: str, user: User) -> Response:
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    entries = audit_service.list_audit(store, review, user.username, limit=200)
    return _page(request, "audit.html", user, review=review, entries=list(reversed(entries)))


@router.get("/reviews/{slug}/import")
def import_form(request: Request, slug: str, user: User) -> Response:
    review = review_by_slug(request_store(request), slug, user.username)
    review.require(user.username, "records.import")
    return _page(request, "import.html", user, review=review, outcome=None)


@router.post("/reviews/{slug}/import")
def import_upload(
    request: Request,
    slug: str,
    user: User,
    files: Annotated[list[UploadFile], File()],
    csrf_token: Annotated[str, Form(max_length=100)],
    source: Annotated[str, Form(max_length=200)],
    platform: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "database",
    searched_on: Annotated[str, Form(max_length=10)] = "",
    query: Annotated[str, Form(max_length=100_000)] = "",
    skip_bad: Annotated[bool, Form()] = False,
    again: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(user, csrf_token)
    store = request_store(request)
    review = review_by_slug(store, slug, user.username)
    search = SearchDetails(source, platform, searched_on, query, kind)
    outcome = import_uploads(
        store, review, user.username, files, search, skip_bad=skip_bad, again=again
    )
    response = _page(request, "import.html", user, review=review, outcome=outcome)
    if outcome.error:
        response.status_code = 422
    return response
