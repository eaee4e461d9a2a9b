"""Users, roles, passwords and API tokens; the role checks the CLI and the web app share.

Roles:

- ``analyst``: imports, screens, scores, renders reports; cannot decide on clients.
- ``reviewer``: everything an analyst does, plus review decisions (four-eyes).
- ``auditor``: reads everything, changes nothing.
- ``admin``: manages users and runs retention purges; does not decide on clients.
- ``senior``: senior management. Signs off decisions on politically exposed clients (FATF
  R.12(b)(i): senior management approval to start or continue a relationship with a PEP) and
  reads the review queue; decides nothing itself and clears no hit, so the maker, the second
  reviewer and the senior approver of a PEP decision are three different people.

Passwords are hashed with Argon2id (argon2-cffi). API tokens are random 256-bit strings shown
once; only their SHA-256 is stored (a slow hash is pointless for random tokens and would make
lookup by token impossible).

Bootstrap: while the ``users`` table is empty, :func:`add_user` accepts any actor but only
creates an ``admin``; after that, only an active admin adds or changes users.

Every function that changes a user records exactly one audit event in the caller's
transaction; none of them ever records a password or token, not even hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.audit.trail import SYSTEM_ACTOR, record_event
from duediligence.db.enums import Role
from duediligence.db.models import User
from duediligence.errors import ConflictError, InputError, NotFoundError, PermissionDenied

log = logging.getLogger(__name__)

TOKEN_PREFIX = "dd_"  # noqa: S105 (a prefix, not a secret)
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Names that appear as actors in the audit trail without being people.
RESERVED_USERNAMES = frozenset({SYSTEM_ACTOR, "demo", "batch", "anonymous"})

_hasher = PasswordHasher()


# --------------------------------------------------------------------------- usernames


def normalise_username(username: str | None) -> str:
    """The one form of a username, used everywhere a name is stored, looked up, logged in or
    rate-limited: Unicode NFKC, surrounding white space removed, lower case. So `` RITA ``,
    ``rita`` and fullwidth ``ｒｉｔａ`` are one user and one rate-limit counter."""
    return unicodedata.normalize("NFKC", username or "").strip().lower()


# --------------------------------------------------------------------------- hashing


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; parameters encoded in the hash)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for no hash or a malformed one)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """The stored form of an API token: hex SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _public(user: User) -> dict[str, object]:
    """What the audit trail records about a user (never a password or token hash)."""
    return {
        "username": user.username,
        "role": user.role.value,
        "display_name": user.display_name,
        "active": user.active,
        "has_password": user.password_hash is not None,
        "has_api_token": user.api_token_hash is not None,
    }


# --------------------------------------------------------------------------- lookups & checks


def get_user(session: Session, username: str) -> User:
    """The user called ``username`` (active or not); :class:`NotFoundError` if none."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def count_users(session: Session) -> int:
    """How many users exist (active or not)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def get_active_user(session: Session, username: str | None) -> User:
    """The active user a state change is made by.

    Raises :class:`PermissionDenied` when no user is given (or only the ``system`` default),
    when the user does not exist, or when it is disabled.
    """
    username = normalise_username(username)
    if not username or username == SYSTEM_ACTOR:
        raise PermissionDenied("this action needs an acting user: pass --as USER or set DD_USER")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise PermissionDenied(f"unknown user {username!r}")
    if not user.active:
        raise PermissionDenied(f"user {username!r} is disabled")
    return user


def require_role(user: User, *roles: Role) -> User:
    """Return ``user`` if it is active and has one of ``roles``; else :class:`PermissionDenied`."""
    if not user.active:
        raise PermissionDenied(f"user {user.username!r} is disabled")
    if user.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise PermissionDenied(
            f"user {user.username!r} is {user.role.value}; this action needs {allowed}"
        )
    return user


def require_acting(session: Session, username: str | None, *roles: Role) -> User:
    """:func:`get_active_user` then :func:`require_role` in one call."""
    return require_role(get_active_user(session, username), *roles)


class Permission(StrEnum):
    """What a user may be allowed to do; :data:`PERMISSIONS` says which roles may."""

    CHANGE_DATA = "change data (import, screen, classify, assess, onboard, models, reports)"
    REVIEW_MATCH = "confirm or dismiss a watch-list match"
    REVIEW_SIGNAL = "confirm or dismiss a signal"
    DECIDE = "record a decision on a client"
    CONFIRM_DECISION = "confirm another reviewer's decision"
    SENIOR_APPROVAL = "sign off a decision on a politically exposed client (senior management)"
    READ_QUEUE = "read the review queue"
    READ_AUDIT_LOG = "read the audit log in the web app"
    MANAGE_USERS = "manage users"
    PURGE_PERSONAL_DATA = "purge personal data (retention)"


# The one table of who may do what. The library enforces it (require_permission), the CLI and
# the web app's route guards read it, and the tests walk it. Verdicts on matches and signals and
# decisions on clients are the reviewer's alone: an admin manages accounts and an analyst
# prepares the file, but neither may clear a sanctions hit.
PERMISSIONS: dict[Permission, tuple[Role, ...]] = {
    Permission.CHANGE_DATA: (Role.ANALYST, Role.REVIEWER, Role.ADMIN),
    Permission.REVIEW_MATCH: (Role.REVIEWER,),
    Permission.REVIEW_SIGNAL: (Role.REVIEWER,),
    Permission.DECIDE: (Role.REVIEWER,),
    Permission.CONFIRM_DECISION: (Role.REVIEWER,),
    Permission.SENIOR_APPROVAL: (Role.SENIOR,),
    Permission.READ_QUEUE: (Role.REVIEWER, Role.AUDITOR, Role.ADMIN, Role.SENIOR),
    Permission.READ_AUDIT_LOG: (Role.AUDITOR, Role.ADMIN),
    Permission.MANAGE_USERS: (Role.ADMIN,),
    Permission.PURGE_PERSONAL_DATA: (Role.ADMIN,),
}


def roles_for(permission: Permission) -> tuple[Role, ...]:
    """The roles :data:`PERMISSIONS` allows ``permission``."""
    return PERMISSIONS[permission]


def may(user: Any, permission: Permission) -> bool:
    """Whether ``user`` (a ``User``, or anything with a ``role``; None for nobody) is active
    and holds a role allowed ``permission``."""
    return (
        user is not None and getattr(user, "active", True) and user.role in PERMISSIONS[permission]
    )


def require_permission(session: Session, username: str | None, permission: Permission) -> User:
    """The active user ``username`` if their role is allowed ``permission``; else
    :class:`PermissionDenied` naming the roles that are."""
    return require_acting(session, username, *PERMISSIONS[permission])


DATA_ROLES = roles_for(Permission.CHANGE_DATA)
ADMIN_ROLES = roles_for(Permission.MANAGE_USERS)


def check_actor(
    session: Session, username: str | None, roles: tuple[Role, ...] = DATA_ROLES
) -> str:
    """The name to record a state change under, checked against the users table.

    While no users exist (a fresh install, a scheduled batch that runs without users), any
    name is accepted as given (``system`` when none). Once users exist, ``username`` must be
    an active user with one of ``roles`` (by default any role that may change data, so an
    auditor changes nothing): :class:`PermissionDenied` otherwise.
    """
    if count_users(session) == 0:
        return username or SYSTEM_ACTOR
    return require_acting(session, username, *roles).username


def _admin_or_self(session: Session, actor: str | None, target: User) -> User:
    acting = get_active_user(session, actor)
    if acting.id != target.id:
        require_role(acting, *ADMIN_ROLES)
    return acting


# --------------------------------------------------------------------------- user management


def add_user(
    session: Session,
    username: str,
    role: Role | str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    actor: str | None,
) -> User:
    """Create a user with one role (and optionally a password for the web app).

    ``actor`` must be an active admin, except for the very first user, which anyone may create
    and which must be an admin (bootstrap). Records ``user.created``.
    """
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise InputError(
            f"invalid username {username!r}: lower-case letters, digits, '.', '_' or '-'"
        )
    if username in RESERVED_USERNAMES:
        raise InputError(f"{username!r} is reserved for automated actors")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(
            f"unknown role {role!r} (choose {', '.join(r.value for r in Role)})"
        ) from None
    bootstrap = count_users(session) == 0
    if bootstrap:
        if role != Role.ADMIN:
            raise PermissionDenied("the first user must be an admin (users add NAME --role admin)")
        recorded_actor = actor if actor and actor != SYSTEM_ACTOR else username
    else:
        recorded_actor = require_acting(session, actor, *ADMIN_ROLES).username
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    if password is not None:
        _check_password(password)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
        active=True,
    )
    session.add(user)
    session.flush()
    after = _public(user)
    if bootstrap:
        after["bootstrap"] = True
    record_event(
        session,
        actor=recorded_actor,
        action="user.created",
        object_type="user",
        object_id=username,
        after=after,
    )
    log.info("user %s created with role %s", username, role.value)
    return user


def list_users(session: Session, *, include_disabled: bool = True) -> list[User]:
    """Every user, by username (only active ones unless ``include_disabled``)."""
    query = select(User).order_by(User.username)
    if not include_disabled:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def _set_active(session: Session, username: str, active: bool, *, actor: str | None) -> User:
    acting = require_acting(session, actor, *ADMIN_ROLES)
    user = get_user(session, username)
    if user.active == active:
        raise ConflictError(f"user {username!r} is already {'active' if active else 'disabled'}")
    if not active and user.id == acting.id:
        raise ConflictError("an admin cannot disable themselves")
    before = _public(user)
    user.active = active
    if not active:
        user.api_token_hash = None  # a disabled user's token must not outlive the account
    session.flush()
    record_event(
        session,
        actor=acting.username,
        action="user.enabled" if active else "user.disabled",
        object_type="user",
        object_id=username,
        before=before,
        after=_public(user),
    )
    return user


def disable_user(session: Session, username: str, *, actor: str | None) -> User:
    """Disable a user (admin only): it can no longer log in, act or decide; its token is revoked.

    Users are never deleted, so the audit trail and decisions keep naming them.
    """
    return _set_active(session, username, False, actor=actor)


def enable_user(session: Session, username: str, *, actor: str | None) -> User:
    """Re-enable a disabled user (admin only)."""
    return _set_active(session, username, True, actor=actor)


def set_role(session: Session, username: str, role: Role | str, *, actor: str | None) -> User:
    """Change a user's role (admin only; an admin cannot demote themselves)."""
    acting = require_acting(session, actor, *ADMIN_ROLES)
    user = get_user(session, username)
    new_role = Role(role)
    if user.role == new_role:
        raise ConflictError(f"user {username!r} already has role {new_role.value}")
    if user.id == acting.id:
        raise ConflictError("an admin cannot change their own role")
    before = _public(user)
    user.role = new_role
    session.flush()
    record_event(
        session,
        actor=acting.username,
        action="user.role_changed",
        object_type="user",
        object_id=username,
        before=before,
        after=_public(user),
    )
    return user


def set_password(session: Session, username: str, password: str, *, actor: str | None) -> User:
    """Set a user's password (the user themselves or an admin). Records ``user.password_set``."""
    user = get_user(session, username)
    acting = _admin_or_self(session, actor, user)
    _check_password(password)
    user.password_hash = hash_password(password)
    session.flush()
    record_event(
        session,
        actor=acting.username,
        action="user.password_set",
        object_type="user",
        object_id=username,
        after={"password": "changed"},
    )
    return user


def issue_api_token(session: Session, username: str, *, actor: str | None) -> str:
    """Issue a new API token for ``username`` (self or admin); returns the token, shown once.

    Replaces any earlier token of that user. Records ``user.token_issued``.
    """
    user = get_user(session, username)
    acting = _admin_or_self(session, actor, user)
    if not user.active:
        raise ConflictError(f"user {username!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    replaced = user.api_token_hash is not None
    user.api_token_hash = token_hash(token)
    session.flush()
    record_event(
        session,
        actor=acting.username,
        action="user.token_issued",
        object_type="user",
        object_id=username,
        after={"replaced_earlier_token": replaced},
    )
    return token


def revoke_api_token(session: Session, username: str, *, actor: str | None) -> User:
    """Revoke a user's API token (self or admin). Records ``user.token_revoked``."""
    user = get_user(session, username)
    acting = _admin_or_self(session, actor, user)
    if user.api_token_hash is None:
        raise ConflictError(f"user {username!r} has no API token")
    user.api_token_hash = None
    session.flush()
    record_event(
        session,
        actor=acting.username,
        action="user.token_revoked",
        object_type="user",
        object_id=username,
    )
    return user


# --------------------------------------------------------------------------- authentication

# Verifying against a dummy hash when the user is unknown keeps the timing of a failed login
# independent of whether the username exists.
_DUMMY_HASH = hash_password("not-a-real-password")


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (no detail for the caller).

    Read-only: records no audit event (a login is not a change of state).
    """
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or user.password_hash is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def user_for_token(session: Session, token: str) -> User | None:
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
