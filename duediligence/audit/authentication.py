"""How the acting user proved who they are, as the audit trail records it.

The CLI (or any front end) declares, once per command, who is acting and how they
authenticated (:func:`declare_authentication`); every event the audit trail then appends *for
that actor* carries the method in its ``auth`` field, which is part of the event's hash. Events
appended for anyone else (``system``, a name the declaration does not cover) carry none.

Kept free of database imports: the CLI's start-up imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum


class AuthMethod(StrEnum):
    """How an actor was authenticated (the values stored in ``audit_events.auth``)."""

    TOKEN = "token"  # noqa: S105 (a method's name, not a secret)
    PASSWORD = "password"  # noqa: S105
    # The CLI escape hatch DD_ALLOW_UNAUTHENTICATED_CLI: the name was taken on trust.
    UNAUTHENTICATED = "unauthenticated"


_DECLARED: ContextVar[tuple[str, AuthMethod] | None] = ContextVar(
    "duediligence_authenticated_actor", default=None
)


def declare_authentication(username: str, method: AuthMethod) -> None:
    """Record that ``username`` is acting, authenticated by ``method``, until the enclosing
    :func:`authentication_scope` ends (or the process does)."""
    _DECLARED.set((username, AuthMethod(method)))


def current_declaration() -> tuple[str, AuthMethod] | None:
    """The (username, method) declared in the current scope, or None: what a worker process
    started for this scope re-declares (:func:`declare_authentication`), since a spawned
    process starts without it."""
    return _DECLARED.get()


def auth_of(actor: str | None) -> str | None:
    """The method ``actor`` was authenticated by in the current scope, or None when no
    declaration covers that name."""
    declared = _DECLARED.get()
    if declared is None or actor is None or declared[0] != actor:
        return None
    return declared[1].value


@contextmanager
def authentication_scope() -> Iterator[None]:
    """A scope (one CLI invocation) whose declarations end with it."""
    token = _DECLARED.set(None)
    try:
        yield
    finally:
        _DECLARED.reset(token)
