"""Checks every file reader shares against hostile input (issue 19).

- XML (UN list, RSS/Atom feeds): a document type declaration or an entity declaration is
  refused before any parser sees the file. Entities are what "billion laughs" and external
  entity (XXE) attacks need, and no sanctions list or news feed needs them; entity
  declarations can only appear in the prolog (before the root element), which is what is read.
- URLs: only absolute ``http``/``https`` URLs with a valid host are kept (no ``javascript:``,
  ``data:``, ``file:``, ``mailto:``).
- References (client ``external_ref`` and ``client_ref``): no path separators, no ``..``, no
  control characters, because report file names and URLs are built from them.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from duediligence.errors import InputError

_ELEMENT_START = re.compile(r"<[A-Za-z_:]")
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_HOST = re.compile(
    r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PROLOG_MAX = 1 << 20  # bytes read to find the root element


def _decode_head(data: bytes) -> str:
    """The start of an XML document as text (UTF-16/32 by BOM or zero bytes, else UTF-8)."""
    head = data[:PROLOG_MAX]
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return head.decode("utf-32", errors="replace")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:2] == b"\x00<" or head[:4] == b"\x00\x00\x00<":
        return head.decode("utf-16-be" if head[:2] == b"\x00<" else "utf-32-be", errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-32-le" if head[:4] == b"<\x00\x00\x00" else "utf-16-le", "replace")
    return head.decode("utf-8", errors="replace")


def refuse_xml_declarations(data: bytes, source: str) -> None:
    """Raise :class:`InputError` (``"<source>, line N: ..."``) when the XML ``data`` declares a
    document type or entities before its root element."""
    text = _decode_head(data)
    root = _ELEMENT_START.search(text)
    prolog = text[: root.start()] if root else text
    found = _DECLARATION.search(prolog)
    if found:
        line = prolog.count("\n", 0, found.start()) + 1
        raise InputError(
            f"{source}, line {line}: the file declares a {found.group(1).upper()}; document type "
            "and entity declarations are refused (they serve entity-expansion and external-"
            "entity attacks, and no list or feed needs them)"
        )


def is_http_url(value: str | None) -> bool:
    """True for an absolute ``http``/``https`` URL with a valid host name (and port)."""
    if not value or _CONTROL.search(value) or " " in value.strip():
        return False
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if _HOST.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def reference_problem(value: str) -> str | None:
    """Why ``value`` cannot be a client reference (``None`` when it can): path separators,
    ``..``, control characters."""
    if "/" in value or "\\" in value:
        return "must not contain a path separator (/ or \\)"
    if ".." in value:
        return "must not contain '..'"
    if _CONTROL.search(value):
        return "must not contain control characters"
    return None
