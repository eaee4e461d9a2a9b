"""Roles and the one table of who may do what (:data:`PERMISSIONS`).

Roles:

- ``analyst``: imports, screens, scores, renders reports; cannot decide on clients.
- ``reviewer``: everything an analyst does, plus review decisions (four-eyes).
- ``auditor``: reads everything, changes nothing.
- ``admin``: manages users and runs retention purges; does not decide on clients.
- ``senior``: senior management. Signs off decisions on politically exposed clients (FATF
  R.12(b)(i): senior management approval to start or continue a relationship with a PEP) and
  reads the review queue; decides nothing itself and clears no hit, so the maker, the second
  reviewer and the senior approver of a PEP decision are three different people.

The library enforces the table (:func:`duediligence.accounts.users.require_permission`), the
CLI and the web app's route guards read it, and the tests walk it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from duediligence.db.enums import Role
from duediligence.db.models import User
from duediligence.errors import PermissionDenied


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


# Verdicts on matches and signals and decisions on clients are the reviewer's alone: an admin
# manages accounts and an analyst prepares the file, but neither may clear a sanctions hit.
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


DATA_ROLES = roles_for(Permission.CHANGE_DATA)
ADMIN_ROLES = roles_for(Permission.MANAGE_USERS)
