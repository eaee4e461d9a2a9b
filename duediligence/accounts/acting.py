"""Who is acting, and how they proved it: passwords, API tokens, and the CLI's escape hatch.

The web app authenticates a login with :func:`authenticate` and an API call with
:func:`~duediligence.accounts.tokens.user_for_token`. A CLI command that acts for someone calls
:func:`authenticate_actor` with whatever credential it was given, and then declares the result
to the audit trail (:func:`duediligence.audit.authentication.declare_authentication`), so each
event it records says how its actor was authenticated.

Rules of :func:`authenticate_actor` (issue 19, "authenticated CLI actions"):

- No user exists yet (a fresh database, the bootstrap ``users add`` of the first admin, the
  demo): there is nobody to authenticate against; the name is taken as given (``system`` when
  none) and no method is recorded.
- An API token names its own user: the acting user is the token's owner; a ``--as`` name that
  is not that owner is refused (a token of another user proves nothing about this one).
- A password needs the name it belongs to and must match it.
- Without a credential, the name is taken on trust only when the installation allows it
  (``DD_ALLOW_UNAUTHENTICATED_CLI=1``, for single-user set-ups) and the action is not part of a
  four-eyes review: deciding, confirming or signing off always needs a credential, so two
  different *authenticated* people are needed for a decision to take effect.
- Every refusal is an :class:`~duediligence.errors.AuthenticationFailed` (exit code 4) whose
  message never says whether a user exists or which user a token belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.accounts.passwords import burn_verification, verify_password
from duediligence.accounts.tokens import user_for_token
from duediligence.accounts.users import count_users, normalise_username
from duediligence.audit.authentication import AuthMethod
from duediligence.audit.trail import SYSTEM_ACTOR
from duediligence.db.models import User
from duediligence.errors import AuthenticationFailed

HATCH_VARIABLE = "DD_ALLOW_UNAUTHENTICATED_CLI"
HOW_TO_AUTHENTICATE = (
    "set DD_TOKEN (or pass --token-file PATH), or pass --password-stdin "
    "(see README: 'Who is acting: authenticating CLI commands')"
)


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (no detail for the caller).

    Read-only: records no audit event (a login is not a change of state). Takes as long for an
    unknown username as for a wrong password.
    """
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or user.password_hash is None:
        burn_verification(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


@dataclass(frozen=True)
class Acting:
    """The outcome of :func:`authenticate_actor`.

    ``username`` is the name to act as (``system`` when nobody was named on a database without
    users); ``method`` how it was authenticated, None when no user exists yet (nothing to
    authenticate against, nothing to record).
    """

    username: str
    method: AuthMethod | None


def authenticate_actor(
    *,
    session: Session,
    username: str | None,
    token: str | None = None,
    password: str | None = None,
    allow_unauthenticated: bool = False,
    four_eyes: bool = False,
) -> Acting:
    """Authenticate the user a command acts for (rules in the module docstring).

    ``username`` is the claimed name (``--as`` / ``DD_USER``; None or ``system`` for none),
    ``token`` an API token, ``password`` a password; at most one credential is used, a token
    first. ``allow_unauthenticated`` is the escape hatch; ``four_eyes`` marks an action of a
    four-eyes review, which the hatch never covers.

    Raises :class:`~duediligence.errors.AuthenticationFailed` (exit 4) on a wrong or missing
    credential. Whether the user may do the action is not checked here (the library's
    ``require_permission`` does it).
    """
    name = normalise_username(username)
    if name == SYSTEM_ACTOR:
        name = ""
    if count_users(session=session) == 0:
        return Acting(username or SYSTEM_ACTOR, None)
    if token is not None:
        user = user_for_token(session=session, token=token.strip())
        if user is None:
            raise AuthenticationFailed(
                "the API token is not valid (unknown, revoked, or its user is disabled)"
            )
        if name and name != user.username:
            raise AuthenticationFailed(
                f"the API token does not belong to {name!r}: use {name}'s own token, or omit "
                "--as and DD_USER to act as the token's owner"
            )
        return Acting(user.username, AuthMethod.TOKEN)
    if password is not None:
        if not name:
            raise AuthenticationFailed(
                "a password authenticates a named user: pass --as USER or set DD_USER"
            )
        user = authenticate(session=session, username=name, password=password)
        if user is None:
            raise AuthenticationFailed(
                f"authentication failed for {name!r}: wrong password, or no such active user"
            )
        return Acting(user.username, AuthMethod.PASSWORD)
    if allow_unauthenticated and not four_eyes:
        return Acting(name or SYSTEM_ACTOR, AuthMethod.UNAUTHENTICATED)
    who = f"{name!r} " if name else ""
    if allow_unauthenticated:
        raise AuthenticationFailed(
            f"four-eyes review needs two authenticated people: {HATCH_VARIABLE} does not "
            f"cover deciding, confirming or signing off; authenticate {who}— {HOW_TO_AUTHENTICATE}"
        )
    raise AuthenticationFailed(
        f"users exist, so {who or 'the acting user '}must authenticate: {HOW_TO_AUTHENTICATE}"
    )
