"""Canonical JSON: the one way to turn domain values into stable bytes for hashing and signing.

Every hash and signature in the product is taken over :func:`canonical_bytes`: the JSON
Canonicalization Scheme of RFC 8785 (keys sorted by UTF-16 code units, no whitespace, strings
as UTF-8 with only the mandatory escapes, numbers as ECMAScript prints them: ``1.0`` is ``1``,
``1e-7`` stays ``1e-7``), implemented by the ``rfc8785`` library. Any RFC 8785 implementation
in any language reproduces the bytes, which is what lets an auditor recompute a hash without
this software.

Hashes recorded before RFC 8785 was adopted (audit events of hash scheme 1) were taken over
Python's ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``:
:func:`legacy_json_bytes` keeps that encoding, for verifying those old hashes only. For values
made of strings, booleans, null, integers below 2**53 and dicts whose keys are in the Basic
Multilingual Plane the two encodings give the same bytes (a test checks it), so only payloads
holding floats (or astral-plane keys) hash differently under the two schemes.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import rfc8785

#: Hash schemes of the audit trail: 1 = legacy ``json.dumps`` encoding, 2 = RFC 8785.
HASH_SCHEME_LEGACY = 1
HASH_SCHEME_RFC8785 = 2
CURRENT_HASH_SCHEME = HASH_SCHEME_RFC8785


def to_jsonable(value: Any) -> Any:
    """Convert dates, decimals, enums, paths, sets and dataclasses into plain JSON values."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_jsonable(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (converted with :func:`to_jsonable` first), as UTF-8.

    Raises :class:`ValueError` (``rfc8785.CanonicalizationError``) for NaN, infinities and
    integers beyond +-(2**53 - 1), which RFC 8785 cannot represent exactly.
    """
    return rfc8785.dumps(to_jsonable(value))


def canonical_json(value: Any) -> str:
    """:func:`canonical_bytes` as text."""
    return canonical_bytes(value).decode("utf-8")


def sha256_canonical(value: Any) -> str:
    """Hex SHA-256 of the RFC 8785 canonical JSON of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def legacy_json_bytes(value: Any) -> bytes:
    """The pre-RFC 8785 encoding (hash scheme 1), kept only to verify hashes recorded with it."""
    text = json.dumps(to_jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def scheme_bytes(value: Any, scheme: int) -> bytes:
    """The canonical bytes of ``value`` under an audit hash ``scheme`` (1 legacy, 2 RFC 8785)."""
    if scheme == HASH_SCHEME_RFC8785:
        return canonical_bytes(value)
    if scheme == HASH_SCHEME_LEGACY:
        return legacy_json_bytes(value)
    raise ValueError(f"unknown hash scheme {scheme!r}")


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
