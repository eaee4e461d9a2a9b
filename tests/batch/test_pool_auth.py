"""Re-scoring worker processes record events with the same ``auth`` as the command that
started them: a spawned process starts without the parent's declaration, so the pool carries it
over."""

from __future__ import annotations

from duediligence.audit.authentication import (
    AuthMethod,
    auth_of,
    authentication_scope,
    declare_authentication,
)
from duediligence.batch.runner import _pool

SEEN: list[str] = []


def _auth_in_child(actor: str) -> str | None:
    return auth_of(actor)


def _note(value: str) -> None:
    SEEN.append(value)


def _seen() -> list[str]:
    return list(SEEN)


def test_pool_processes_carry_the_acting_users_authentication() -> None:
    with authentication_scope():
        declare_authentication("ana", AuthMethod.TOKEN)
        with _pool(1, initializer=_note, initargs=("initialised",)) as pool:
            assert pool.submit(_auth_in_child, "ana").result(timeout=120) == "token"
            assert pool.submit(_auth_in_child, "bob").result(timeout=120) is None
            assert pool.submit(_seen).result(timeout=120) == ["initialised"]
    assert auth_of("ana") is None  # the scope ended
    with _pool(1) as pool:  # nothing declared: nothing carried over
        assert pool.submit(_auth_in_child, "ana").result(timeout=120) is None
