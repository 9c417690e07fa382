"""Web login sessions: a random token in the cookie, only its SHA-256 in the store.

A new token at every login (no session fixation); logging out deletes it; each session has its
own CSRF token that every state-changing form and API call must echo.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select

from sysreview.services.accounts import LoginThrottle, authenticate
from sysreview.store.engine import Store
from sysreview.store.models import User, WebSession

SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class SignedIn:
    """The user behind a valid session cookie."""

    user_id: int
    username: str
    display_name: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def log_in(store: Store, username: str, password: str, throttle: LoginThrottle) -> str:
    """Check the password and open a session; returns the cookie token."""
    user_id = authenticate(store, username, password, throttle)
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with store.write() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        session.add(
            WebSession(
                token_sha256=_digest(token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return token


def signed_in(store: Store, token: str | None) -> SignedIn | None:
    """Who holds this cookie token, or None when it is unknown or expired."""
    if not token:
        return None
    with store.read_statements() as session:
        row = session.execute(_SIGNED_IN, {"digest": _digest(token)}).first()
        if row is None:
            return None
        expires, user_id, username, display_name, csrf_token = row
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires < datetime.now(UTC):
            return None
        return SignedIn(user_id, username, display_name, csrf_token)


_SIGNED_IN = (
    select(WebSession.expires_at, User.id, User.username, User.display_name, WebSession.csrf_token)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_sha256 == bindparam("digest"))
)
"""Built once: every request asks it."""


def log_out(store: Store, token: str | None) -> None:
    if not token:
        return
    with store.write() as session:
        session.execute(delete(WebSession).where(WebSession.token_sha256 == _digest(token)))
