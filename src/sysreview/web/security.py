"""Cookies, CSRF tokens and security headers, in one place for every route."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sysreview.errors import AuthenticationFailed, PermissionDenied
from sysreview.services.sessions import SignedIn, signed_in
from sysreview.store.engine import Store

SECURE_COOKIE = "__Host-sysreview"
PLAIN_COOKIE = "sysreview_session"
LOGIN_CSRF_COOKIE = "sysreview_login_csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)
# The API docs page loads its script from a CDN, which this policy (rightly) blocks; the
# OpenAPI document itself is served as JSON.


MAX_BODY_BYTES = 256 * 1024 * 1024


class BodySizeLimit:
    """Refuses a request body over ``limit`` bytes with 413, by its header or as it streams in,
    before any of it is parsed or spooled to disk."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = f"the upload is larger than {self.limit // 2**20} MiB".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SECURE_COOKIE) or request.cookies.get(PLAIN_COOKIE)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """``__Host-`` and Secure over HTTPS; a plain name on plain-HTTP localhost."""
    secure = is_https(request)
    response.set_cookie(
        SECURE_COOKIE if secure else PLAIN_COOKIE,
        token,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SECURE_COOKIE, path="/", secure=True, httponly=True)
    response.delete_cookie(PLAIN_COOKIE, path="/", httponly=True)


def login_csrf_token(request: Request) -> str:
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, secure=is_https(request), samesite="strict"
    )


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def request_store(request: Request) -> Store:
    """The store the app serves (set once by ``create_app``)."""
    store: Store = request.app.state.store
    return store


def current_user(request: Request) -> SignedIn:
    """The signed-in user, or AuthenticationFailed (pages redirect to the login form)."""
    store: Store = request.app.state.store
    user = signed_in(store, session_token(request))
    if user is None:
        raise AuthenticationFailed("please log in")
    return user


def check_csrf(user: SignedIn, given: str | None) -> None:
    if not tokens_match(user.csrf_token, given):
        raise PermissionDenied("the form has expired or did not come from this site: reload it")
