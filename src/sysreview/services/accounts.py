"""Accounts: creating users, passwords (argon2id), and checking a login with a throttle."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import AlreadyExists, AuthenticationFailed, InvalidInput, NotFound
from sysreview.protocol import NAME_PATTERN
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import User

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id; its defaults exceed OWASP's minimum
_hashing_slots = threading.BoundedSemaphore(2)  # each hash takes 64 MiB
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    with _hashing_slots:
        return _hasher.hash(password)


def _password_matches(stored: str | None, password: str) -> bool:
    with _hashing_slots:
        try:
            return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _check_username(username: str) -> None:
    if not NAME_PATTERN.match(username):
        raise InvalidInput(
            f"{username!r} is not a valid user name: use lower-case letters, digits, "
            "'_', '-' or '.', starting with a letter"
        )


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r} (add one with `sysreview user add`)")
    return user


def ensure_user(session: Session, username: str, display_name: str, actor: str) -> User:
    """The user called ``username``, created without a password when missing."""
    user = find_user(session, username)
    if user is not None:
        return user
    _check_username(username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=None,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=username,
        new={"username": username, "display_name": display_name},
    )
    return user


def add_user(
    store: Store, username: str, password: str | None, display_name: str = "", actor: str = ""
) -> None:
    """Create an account; refuses a name that exists and a password that is too short."""
    _check_username(username)
    if password is not None:
        _check_password(password)
    password_hash = hash_password(password) if password is not None else None
    with store.write() as session:
        if find_user(session, username) is not None:
            raise AlreadyExists(f"a user named {username!r} exists already")
        user = ensure_user(session, username, display_name, actor or username)
        user.password_hash = password_hash


def set_password(store: Store, username: str, password: str, actor: str) -> None:
    _check_password(password)
    password_hash = hash_password(password)
    with store.write() as session:
        user = get_user(session, username)
        user.password_hash = password_hash
        record_change(
            session,
            actor=actor or username,
            action="user.password",
            entity="user",
            entity_id=username,
            reason="password changed (the hash is not logged)",
        )


def list_users(store: Store) -> list[dict[str, object]]:
    with store.read() as session:
        users = session.scalars(select(User).order_by(User.username))
        return [
            {
                "username": u.username,
                "display_name": u.display_name,
                "can_log_in": u.password_hash is not None,
            }
            for u in users
        ]


class LoginThrottle:
    """Slows guessing: after ``free_tries`` failures for a name, each try waits longer."""

    def __init__(self, free_tries: int = 5, window_s: float = 900.0) -> None:
        self.free_tries = free_tries
        self.window_s = window_s
        self._failures: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            recent = [t for t in self._failures[key] if now - t < self.window_s]
            self._failures[key] = recent
            if len(recent) >= self.free_tries:
                wait = min(2 ** (len(recent) - self.free_tries), 300)
                if now - recent[-1] < wait:
                    raise AuthenticationFailed(
                        f"too many failed logins for this account: wait {wait} seconds"
                    )

    def failed(self, key: str) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def authenticate(store: Store, username: str, password: str, throttle: LoginThrottle) -> int:
    """The id of the user whose password this is; one message for every kind of failure."""
    throttle.check(username)
    with store.read() as session:
        user = find_user(session, username)
        stored = user.password_hash if user is not None else None
        user_id = user.id if user is not None else None
    if user_id is None or not _password_matches(stored, password):
        throttle.failed(username)
        raise AuthenticationFailed("wrong user name or password")
    throttle.succeeded(username)
    return user_id
