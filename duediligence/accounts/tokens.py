"""API tokens: random 256-bit strings shown once; only their SHA-256 is stored.

A slow hash is pointless for random tokens and would make look-up by token impossible. A token
authenticates its user on the web API and, as ``DD_TOKEN`` or ``--token-file``, on the CLI
(:mod:`duediligence.accounts.acting`). Issuing or revoking one records one audit event; the
token itself is never recorded, not even hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.accounts.users import admin_or_self, get_user
from duediligence.audit.trail import record_event
from duediligence.db.models import User
from duediligence.errors import ConflictError

TOKEN_PREFIX = "dd_"  # noqa: S105 (a prefix, not a secret)


def token_hash(token: str) -> str:
    """The stored form of an API token: hex SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_api_token(*, session: Session, username: str, actor: str | None) -> str:
    """Issue a new API token for ``username`` (self or admin); returns the token, shown once.

    Replaces any earlier token of that user. Records ``user.token_issued``.
    """
    user = get_user(session=session, username=username)
    acting = admin_or_self(session=session, actor=actor, target=user)
    if not user.active:
        raise ConflictError(f"user {username!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    replaced = user.api_token_hash is not None
    user.api_token_hash = token_hash(token)
    session.flush()
    record_event(
        session=session,
        actor=acting.username,
        action="user.token_issued",
        object_type="user",
        object_id=username,
        after={"replaced_earlier_token": replaced},
    )
    return token


def revoke_api_token(*, session: Session, username: str, actor: str | None) -> User:
    """Revoke a user's API token (self or admin). Records ``user.token_revoked``."""
    user = get_user(session=session, username=username)
    acting = admin_or_self(session=session, actor=actor, target=user)
    if user.api_token_hash is None:
        raise ConflictError(f"user {username!r} has no API token")
    user.api_token_hash = None
    session.flush()
    record_event(
        session=session,
        actor=acting.username,
        action="user.token_revoked",
        object_type="user",
        object_id=username,
    )
    return user


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user owning API token ``token``, or None."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_hash(token)
    user = session.scalar(select(User).where(User.api_token_hash == digest))
    if user is None or user.api_token_hash is None:
        return None
    if not hmac.compare_digest(user.api_token_hash, digest) or not user.active:
        return None
    return user
