"""Users: usernames, look-ups, the acting-user checks, and user management.

Bootstrap: while the ``users`` table is empty, :func:`add_user` accepts any actor but only
creates an ``admin``; after that, only an active admin adds or changes users.

Every function that changes a user records exactly one audit event in the caller's
transaction; none of them ever records a password or token, not even hashed. Roles and the
permission table are in :mod:`duediligence.accounts.roles`, API tokens in
:mod:`duediligence.accounts.tokens`, authentication of the acting user in
:mod:`duediligence.accounts.acting`.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.accounts.passwords import check_password_policy, hash_password
from duediligence.accounts.roles import (
    ADMIN_ROLES,
    DATA_ROLES,
    PERMISSIONS,
    Permission,
    require_role,
)
from duediligence.audit.trail import SYSTEM_ACTOR, record_event
from duediligence.db.enums import Role
from duediligence.db.models import User
from duediligence.errors import ConflictError, InputError, NotFoundError, PermissionDenied

log = logging.getLogger(__name__)

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Names that appear as actors in the audit trail without being people.
RESERVED_USERNAMES = frozenset({SYSTEM_ACTOR, "demo", "batch", "anonymous"})


# --------------------------------------------------------------------------- usernames


def normalise_username(username: str | None) -> str:
    """The one form of a username, used everywhere a name is stored, looked up, logged in or
    rate-limited: Unicode NFKC, surrounding white space removed, lower case. So `` RITA ``,
    ``rita`` and fullwidth ``ｒｉｔａ`` are one user and one rate-limit counter."""
    return unicodedata.normalize("NFKC", username or "").strip().lower()


def public_record(user: User) -> dict[str, object]:
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


def get_user(*, session: Session, username: str) -> User:
    """The user called ``username`` (active or not); :class:`NotFoundError` if none."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def count_users(*, session: Session) -> int:
    """How many users exist (active or not)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def get_active_user(*, session: Session, username: str | None) -> User:
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


def require_acting(*roles: Role, session: Session, username: str | None) -> User:
    """:func:`get_active_user` then :func:`require_role` in one call."""
    return require_role(get_active_user(session=session, username=username), *roles)


def require_permission(*, session: Session, username: str | None, permission: Permission) -> User:
    """The active user ``username`` if their role is allowed ``permission``; else
    :class:`PermissionDenied` naming the roles that are."""
    return require_acting(*PERMISSIONS[permission], session=session, username=username)


def check_actor(
    *, session: Session, username: str | None, roles: tuple[Role, ...] = DATA_ROLES
) -> str:
    """The name to record a state change under, checked against the users table.

    While no users exist (a fresh install, a scheduled batch that runs without users), any
    name is accepted as given (``system`` when none). Once users exist, ``username`` must be
    an active user with one of ``roles`` (by default any role that may change data, so an
    auditor changes nothing): :class:`PermissionDenied` otherwise.
    """
    if count_users(session=session) == 0:
        return username or SYSTEM_ACTOR
    return require_acting(*roles, session=session, username=username).username


def admin_or_self(*, session: Session, actor: str | None, target: User) -> User:
    """The active user ``actor`` if it is ``target`` itself or an admin (changing one's own
    password or token); :class:`PermissionDenied` otherwise."""
    acting = get_active_user(session=session, username=actor)
    if acting.id != target.id:
        require_role(acting, *ADMIN_ROLES)
    return acting


# --------------------------------------------------------------------------- user management


def add_user(
    *,
    session: Session,
    username: str,
    role: Role | str,
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
    bootstrap = count_users(session=session) == 0
    if bootstrap:
        if role != Role.ADMIN:
            raise PermissionDenied("the first user must be an admin (users add NAME --role admin)")
        recorded_actor = actor if actor and actor != SYSTEM_ACTOR else username
    else:
        recorded_actor = require_acting(*ADMIN_ROLES, session=session, username=actor).username
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    if password is not None:
        check_password_policy(password)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
        active=True,
    )
    session.add(user)
    session.flush()
    after = public_record(user)
    if bootstrap:
        after["bootstrap"] = True
    record_event(
        session=session,
        actor=recorded_actor,
        action="user.created",
        object_type="user",
        object_id=username,
        after=after,
    )
    log.info("user %s created with role %s", username, role.value)
    return user


def list_users(*, session: Session, include_disabled: bool = True) -> list[User]:
    """Every user, by username (only active ones unless ``include_disabled``)."""
    query = select(User).order_by(User.username)
    if not include_disabled:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def _set_active(*, session: Session, username: str, active: bool, actor: str | None) -> User:
    acting = require_acting(*ADMIN_ROLES, session=session, username=actor)
    user = get_user(session=session, username=username)
    if user.active == active:
        raise ConflictError(f"user {username!r} is already {'active' if active else 'disabled'}")
    if not active and user.id == acting.id:
        raise ConflictError("an admin cannot disable themselves")
    before = public_record(user)
    user.active = active
    if not active:
        user.api_token_hash = None  # a disabled user's token must not outlive the account
    session.flush()
    record_event(
        session=session,
        actor=acting.username,
        action="user.enabled" if active else "user.disabled",
        object_type="user",
        object_id=username,
        before=before,
        after=public_record(user),
    )
    return user


def disable_user(*, session: Session, username: str, actor: str | None) -> User:
    """Disable a user (admin only): it can no longer log in, act or decide; its token is revoked.

    Users are never deleted, so the audit trail and decisions keep naming them.
    """
    return _set_active(session=session, username=username, active=False, actor=actor)


def enable_user(*, session: Session, username: str, actor: str | None) -> User:
    """Re-enable a disabled user (admin only)."""
    return _set_active(session=session, username=username, active=True, actor=actor)


def set_role(*, session: Session, username: str, role: Role | str, actor: str | None) -> User:
    """Change a user's role (admin only; an admin cannot demote themselves)."""
    acting = require_acting(*ADMIN_ROLES, session=session, username=actor)
    user = get_user(session=session, username=username)
    new_role = Role(role)
    if user.role == new_role:
        raise ConflictError(f"user {username!r} already has role {new_role.value}")
    if user.id == acting.id:
        raise ConflictError("an admin cannot change their own role")
    before = public_record(user)
    user.role = new_role
    session.flush()
    record_event(
        session=session,
        actor=acting.username,
        action="user.role_changed",
        object_type="user",
        object_id=username,
        before=before,
        after=public_record(user),
    )
    return user


def set_password(*, session: Session, username: str, password: str, actor: str | None) -> User:
    """Set a user's password (the user themselves or an admin). Records ``user.password_set``."""
    user = get_user(session=session, username=username)
    acting = admin_or_self(session=session, actor=actor, target=user)
    check_password_policy(password)
    user.password_hash = hash_password(password)
    session.flush()
    record_event(
        session=session,
        actor=acting.username,
        action="user.password_set",
        object_type="user",
        object_id=username,
        after={"password": "changed"},
    )
    return user
