"""Passwords: Argon2id hashes (argon2-cffi) and the length policy.

Hashes are salted and carry their parameters, so stronger parameters later still verify old
hashes. A password is never logged, stored in clear, or written to the audit trail.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from duediligence.errors import InputError

MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


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


def check_password_policy(password: str) -> None:
    """:class:`InputError` unless ``password`` has at least :data:`MIN_PASSWORD_LENGTH`
    characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


@functools.cache
def _dummy_hash() -> str:
    # Made on first use, not on import: hashing costs ~0.1 s that every CLI start-up would pay.
    return hash_password("not-a-real-password")


def burn_verification(password: str) -> None:
    """Spend the time of one verification for a user that does not exist (or has no password),
    so a failed login takes as long whether or not the username exists (verifying against a
    dummy hash keeps the timing independent of whether the username exists)."""
    verify_password(_dummy_hash(), password)
