"""Creating and opening reviews, and keeping the store in step with the protocol file.

A review is a folder holding ``protocol.yaml`` and (by default) ``sysreview.db``. Opening it
reloads the protocol; when the file changed since it was last seen, the new version and the
team's roles are written to the store with an audit entry, so the trail shows who changed the
criteria, the reasons or the roles, and when.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, defer

from sysreview.errors import AlreadyExists, NotFound
from sysreview.protocol import (
    PROTOCOL_FILENAME,
    Protocol,
    default_protocol,
    load_protocol,
    write_protocol,
)
from sysreview.services.accounts import ensure_user
from sysreview.services.permissions import require
from sysreview.store.audit import record_change
from sysreview.store.engine import Store, sqlite_url_for
from sysreview.store.models import Membership, Review, User
from sysreview.store.schema import check_schema, upgrade

DATABASE_URL_VARIABLE = "SYSREVIEW_DATABASE_URL"


@dataclass(frozen=True)
class ReviewContext:
    """An opened review: its id in the store and the protocol in force."""

    id: int
    slug: str
    title: str
    folder: Path
    protocol: Protocol

    def role_of(self, user: str) -> str | None:
        return self.protocol.role_of(user)

    def require(self, user: str, action: str) -> None:
        require(self.role_of(user), action, user=user, review=self.slug)


def database_url(folder: Path | None, db_url: str | None) -> str:
    """The store for a review: ``--db``, then $SYSREVIEW_DATABASE_URL, then the folder's file."""
    url = db_url or os.environ.get(DATABASE_URL_VARIABLE)
    if url:
        return url
    if folder is None:
        raise NotFound("name a review folder (-r DIR) or a database (--db URL)")
    return sqlite_url_for(folder)


def slug_for(folder: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return slug or "review"


def init_review(
    folder: Path,
    title: str,
    owner: str,
    db_url: str | None = None,
    protocol: Protocol | None = None,
) -> tuple[Store, ReviewContext]:
    """Create a review folder with a commented protocol and an up-to-date store."""
    folder = folder.resolve()
    if (folder / PROTOCOL_FILENAME).exists():
        raise AlreadyExists(f"{folder} holds a review already ({PROTOCOL_FILENAME} exists)")
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(database_url(folder, db_url))
    upgrade(store)
    slug = slug_for(folder)
    with store.read() as session:
        if session.scalar(select(Review.id).where(Review.slug == slug)) is not None:
            raise AlreadyExists(
                f"the database {store.safe_url} has a review named {slug!r}: "
                "choose another folder name"
            )
    write_protocol(folder, protocol or default_protocol(title, owner))
    return store, open_review(store, folder, actor=owner)


def open_store(folder: Path | None, db_url: str | None) -> Store:
    """The store of a review folder (or URL), refusing a schema this code does not match."""
    uses_folder_file = db_url is None and not os.environ.get(DATABASE_URL_VARIABLE)
    if folder is not None and uses_folder_file and not (folder / PROTOCOL_FILENAME).exists():
        raise NotFound(f"{folder.resolve()} is not a review folder (no {PROTOCOL_FILENAME})")
    store = Store(database_url(folder, db_url))
    check_schema(store)
    return store


def open_review(store: Store, folder: Path, actor: str) -> ReviewContext:
    """Load the folder's protocol and bring the store in step with it."""
    folder = folder.resolve()
    protocol, sha = load_protocol(folder)
    with store.read() as session:
        review = _find_review(session, folder)
        if review is not None and review.protocol_sha256 == sha:
            return _context(review, protocol)
    with store.write() as session:
        review = _find_review(session, folder)
        if review is None:
            review = _create_review(session, folder, protocol, sha, actor)
        else:
            _record_protocol_change(session, review, protocol, sha, actor)
        _sync_team(session, review, protocol, actor)
        return _context(review, protocol)


def review_by_slug(store: Store, slug: str, actor: str) -> ReviewContext:
    """A review found by its slug (the web's way in), with its protocol reloaded if possible."""
    with store.read_statements() as session:
        review = session.scalar(_BY_SLUG, {"slug": slug})
        if review is None:
            raise NotFound(f"no review named {slug!r}")
        folder = Path(review.folder)
        if not (folder / PROTOCOL_FILENAME).exists():
            return _context(review, Protocol.model_validate(review.protocol))
        protocol, sha = load_protocol(folder)
        if review.protocol_sha256 == sha:
            return _context(review, protocol)
    return open_review(store, folder, actor=actor)


_BY_SLUG = select(Review).options(defer(Review.protocol)).where(Review.slug == bindparam("slug"))
"""Built once: every request to a review's pages asks it. The stored copy of the protocol is
read only when the folder's file is gone (decoding it took part of every request)."""


def reviews_of(store: Store, username: str) -> list[tuple[ReviewContext, str]]:
    """The reviews ``username`` belongs to, with their role in each."""
    with store.read() as session:
        rows = session.execute(
            select(Review, Membership.role)
            .join(Membership, Membership.review_id == Review.id)
            .join(User, User.id == Membership.user_id)
            .where(User.username == username)
            .order_by(Review.title)
        ).all()
        return [(_context(r, Protocol.model_validate(r.protocol)), role) for r, role in rows]


def _find_review(session: Session, folder: Path) -> Review | None:
    review = session.scalar(select(Review).where(Review.folder == str(folder)))
    if review is None:
        review = session.scalar(select(Review).where(Review.slug == slug_for(folder)))
    return review


def _context(review: Review, protocol: Protocol) -> ReviewContext:
    return ReviewContext(
        id=review.id,
        slug=review.slug,
        title=protocol.title,
        folder=Path(review.folder),
        protocol=protocol,
    )


def _create_review(
    session: Session, folder: Path, protocol: Protocol, sha: str, actor: str
) -> Review:
    review = Review(
        slug=slug_for(folder),
        title=protocol.title,
        folder=str(folder),
        protocol_sha256=sha,
        protocol=protocol.model_dump(mode="json"),
        created_at=datetime.now(UTC),
    )
    session.add(review)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="review.create",
        entity="review",
        entity_id=review.slug,
        review_id=review.id,
        new=review.protocol,
    )
    return review


def _record_protocol_change(
    session: Session, review: Review, protocol: Protocol, sha: str, actor: str
) -> None:
    old = review.protocol
    review.protocol = protocol.model_dump(mode="json")
    review.protocol_sha256 = sha
    review.title = protocol.title
    record_change(
        session,
        actor=actor,
        action="protocol.change",
        entity="protocol",
        entity_id=review.slug,
        review_id=review.id,
        old=old,
        new=review.protocol,
        reason="protocol file edited",
    )


def _sync_team(session: Session, review: Review, protocol: Protocol, actor: str) -> None:
    """Make the review's memberships match the protocol's team list, auditing each change."""
    current = {
        m.user_id: m
        for m in session.scalars(select(Membership).where(Membership.review_id == review.id))
    }
    wanted: dict[int, str] = {}
    for member in protocol.team:
        user = ensure_user(session, member.user, member.name, actor)
        wanted[user.id] = member.role
    names = {uid: name for uid, name in session.execute(select(User.id, User.username))}
    for user_id, role in wanted.items():
        membership = current.get(user_id)
        old_role = membership.role if membership else None
        if old_role == role:
            continue
        if membership is None:
            session.add(Membership(review_id=review.id, user_id=user_id, role=role))
        else:
            membership.role = role
        _audit_role(session, review, actor, names[user_id], old_role, role)
    for user_id, membership in current.items():
        if user_id not in wanted:
            session.delete(membership)
            _audit_role(session, review, actor, names[user_id], membership.role, None)
    session.flush()


def _audit_role(
    session: Session, review: Review, actor: str, user: str, old: str | None, new: str | None
) -> None:
    record_change(
        session,
        actor=actor,
        action="member.role",
        entity="membership",
        entity_id=user,
        review_id=review.id,
        old=old,
        new=new,
        reason="team list in the protocol file",
    )
