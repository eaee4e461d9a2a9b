"""Signed reports: every rendered report carries an Ed25519 signature that verifies offline.

What is signed is a *statement* about the report (its RFC 8785 canonical JSON)::

    {"type": "duediligence.report-signature", "format": "pdf", "report": "client",
     "client": "CS-BACKPAGE", "client_name": "Backpage.com", "assessment": 300,
     "as_of": "2026-11-25", "generated_at": "2026-11-25T11:05:12.123456+00:00",
     "file_name": "CS-BACKPAGE-300.pdf", "content_sha256": "...", "document_sha256": "...",
     "attachment": {"name": "report.json", "offset": 81234, "length": 90210, "sha256": "..."},
     "signer": "Acme compliance", "key": "<fingerprint>", "algorithm": "Ed25519",
     "canonicalization": "RFC 8785"}

- ``content_sha256`` is the SHA-256 of the report's JSON form (RFC 8785 canonical JSON, without
  its ``signature`` field and ``integrity.content_sha256``): the data every figure comes from.
- ``document_sha256`` is the SHA-256 of the file as rendered with an empty signature slot (HTML,
  PDF), so a change to any byte outside the slot is caught; a change inside it breaks the
  signature. A JSON file must be byte for byte the canonical rendering of its content.
- A PDF embeds the signed JSON form as the attachment ``report.json`` (uncompressed, at the
  stated offset), so the PDF alone is enough to recompute every figure; its signature sits in
  a fixed-size attachment ``signature.json``.

Where the signature is: JSON, a top-level ``signature`` field; HTML, the content of
``<meta name="duediligence-signature">`` (base64 of the JSON block, no script); PDF, the
``signature.json`` attachment. The time stated is when the report's content was fixed (the
assessment's storage time), not the time of rendering, and Ed25519 signatures are
deterministic, so re-rendering gives the same bytes; who rendered which file when is in the
audit trail (``report.rendered``).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.jsonutil import canonical_bytes, sha256_bytes, sha256_canonical
from duediligence.keys import Signer, fingerprint, verify_signature

STATEMENT_TYPE = "duediligence.report-signature"
HTML_META = b'<meta name="duediligence-signature" content="'
PDF_SLOT_MARKER = b'{"duediligence-signature":'
PDF_SLOT_EMPTY = PDF_SLOT_MARKER + b"null}"
PDF_SLOT_SIZE = 4096
ATTACHMENT_NAME = "report.json"


def content_digest(ctx: Mapping[str, Any]) -> str:
    """SHA-256 of a report's JSON form: RFC 8785 canonical JSON without ``signature`` and
    ``integrity.content_sha256`` (the value stored in that field)."""
    data = {k: v for k, v in ctx.items() if k != "signature"}
    integrity = data.get("integrity")
    if isinstance(integrity, dict) and "content_sha256" in integrity:
        data["integrity"] = {k: v for k, v in integrity.items() if k != "content_sha256"}
    return sha256_canonical(data)


def default_file_name(ctx: Mapping[str, Any], fmt: str) -> str:
    """The name a report is rendered under by default: ``REF-ASSESSMENT.fmt`` for a client
    report, ``KIND-STAMP.fmt`` for the roster and exposure reports."""
    from duediligence.reporting.render import report_stem, safe_filename

    return safe_filename(f"{report_stem(ctx)}.{fmt}")


def _statement(
    ctx: Mapping[str, Any], fmt: str, signer: Signer, document_sha256: str | None
) -> dict[str, Any]:
    subject = ctx.get("subject") or {}
    assessment = ctx.get("assessment") or {}
    return {
        "type": STATEMENT_TYPE,
        "format": fmt,
        "report": ctx.get("report"),
        "client": subject.get("external_ref"),
        "client_name": subject.get("name"),
        "assessment": assessment.get("id"),
        "as_of": assessment.get("as_of"),
        "generated_at": (ctx.get("integrity") or {}).get("generated_at"),
        "file_name": default_file_name(ctx, fmt),
        "content_sha256": content_digest(ctx),
        "document_sha256": document_sha256,
        "signer": signer.name,
        "key": signer.fingerprint,
        "algorithm": "Ed25519",
        "canonicalization": "RFC 8785",
    }


def _block(statement: dict[str, Any], signer: Signer) -> dict[str, Any]:
    return {"statement": statement, "signature": signer.sign(canonical_bytes(statement))}


def json_bytes(ctx: Mapping[str, Any]) -> bytes:
    """The JSON file of a report context (indented, keys sorted, UTF-8, final newline)."""
    return (json.dumps(ctx, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def signed_json(ctx: Mapping[str, Any], signer: Signer) -> bytes:
    """The JSON report with its ``signature`` field."""
    return json_bytes({**ctx, "signature": _block(_statement(ctx, "json", signer, None), signer)})


def sign_html(unsigned: bytes, ctx: Mapping[str, Any], signer: Signer) -> bytes:
    """Fill the empty signature ``<meta>`` of an HTML report rendered with one."""
    if unsigned.count(HTML_META + b'"') != 1:
        raise ValueError("the HTML report has no empty signature slot")
    block = _block(_statement(ctx, "html", signer, sha256_bytes(unsigned)), signer)
    value = base64.b64encode(canonical_bytes(block))
    return unsigned.replace(HTML_META + b'"', HTML_META + value + b'"', 1)


def pdf_slot_content() -> bytes:
    """The bytes of the signature attachment before signing (fixed size, padded)."""
    return PDF_SLOT_EMPTY.ljust(PDF_SLOT_SIZE)


def sign_pdf(unsigned: bytes, ctx: Mapping[str, Any], signer: Signer, attachment: bytes) -> bytes:
    """Fill the fixed-size signature attachment of a PDF report rendered with
    :func:`pdf_slot_content` and the uncompressed ``attachment`` (the signed JSON form)."""
    at = unsigned.find(pdf_slot_content())
    where = unsigned.find(attachment)
    if at < 0 or where < 0 or unsigned.count(PDF_SLOT_MARKER) != 1:
        raise ValueError("the PDF report has no signature slot or JSON attachment")
    statement = _statement(ctx, "pdf", signer, sha256_bytes(unsigned))
    statement["attachment"] = {
        "name": ATTACHMENT_NAME,
        "offset": where,
        "length": len(attachment),
        "sha256": sha256_bytes(attachment),
    }
    filled = PDF_SLOT_MARKER + canonical_bytes(_block(statement, signer)) + b"}"
    if len(filled) > PDF_SLOT_SIZE:
        raise ValueError(f"signature block of {len(filled)} bytes exceeds the PDF slot")
    return unsigned[:at] + filled.ljust(PDF_SLOT_SIZE) + unsigned[at + PDF_SLOT_SIZE :]


# --------------------------------------------------------------------------- verification

INTACT = "INTACT"
CHANGED = "CHANGED"
NOT_SIGNED_BY_KEY = "NOT SIGNED BY THIS KEY"
NOT_SIGNED = "NOT SIGNED"


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of :func:`verify_signed_report`.

    ``verdict`` is ``INTACT``, ``CHANGED``, ``NOT SIGNED BY THIS KEY`` or ``NOT SIGNED``;
    ``statement`` is what the file says it is (who signed, when, which client and assessment),
    None when it carries no readable signature; ``reasons`` explain a verdict other than
    INTACT, ``notes`` add what an auditor should know about an intact file.
    """

    verdict: str
    statement: dict[str, Any] | None
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        """Whether the file verified."""
        return self.verdict == INTACT


def _slot(data: bytes, kind: str) -> tuple[dict[str, Any] | None, bytes | None, str | None]:
    """``(block, bytes with the slot emptied, problem)`` of an HTML or PDF file."""
    if kind == "html":
        # any value up to the quote: a changed byte inside the base64 is a changed file, not an
        # unsigned one
        found = re.findall(re.escape(HTML_META) + rb'([^"]*)"', data)
        if not found:
            return None, None, None
        if len(found) > 1:
            return None, None, "the file has more than one signature"
        value = found[0]
        try:
            block = json.loads(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            return None, None, "the signature block is not readable"
        emptied = data.replace(HTML_META + value + b'"', HTML_META + b'"', 1)
        return block, emptied, None
    count = data.count(PDF_SLOT_MARKER)
    if count == 0:
        return None, None, None
    if count > 1:
        return None, None, "the file has more than one signature"
    at = data.find(PDF_SLOT_MARKER)
    raw = data[at : at + PDF_SLOT_SIZE]
    try:
        block = json.loads(raw)["duediligence-signature"]
    except (ValueError, KeyError, TypeError):
        return None, None, "the signature block is not readable"
    emptied = data[:at] + pdf_slot_content() + data[at + PDF_SLOT_SIZE :]
    return block, emptied, None


def _format_of(path: Path, data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.lstrip().startswith(b"{"):
        return "json"
    if path.suffix.lower() in (".html", ".htm") or b"<html" in data[:2000].lower():
        return "html"
    raise InputError(f"{path}: not an HTML, PDF or JSON report")


def _renamed(path: Path, statement: dict[str, Any]) -> str | None:
    """Why the file's name contradicts the signed one (a report renamed as another's)."""
    expected = str(statement.get("file_name") or "")
    if not expected or path.name == expected:
        return None
    looks_like_report = re.fullmatch(r"[A-Za-z0-9._-]+-\d+\.(html|pdf|json)", path.name)
    if looks_like_report:
        return (
            f"the file is named {path.name!r}, as another report would be, but it is signed "
            f"as {expected!r}"
        )
    return None


def verify_signed_report(path: Path, public_key: Ed25519PublicKey) -> SignatureCheck:
    """Verify a rendered report offline against ``public_key`` (no database).

    INTACT: signed by this key and not a byte changed (a PDF's embedded JSON form included),
    and not renamed as another client's report. CHANGED: the content, the file or the signed
    statement was altered, or the file carries a report name that is not its own. NOT SIGNED BY
    THIS KEY: a valid-looking signature by another key. NOT SIGNED: no signature at all.
    Raises :class:`InputError` when the file is missing or not a report.
    """
    require_file(path)
    data = path.read_bytes()
    kind = _format_of(path, data)
    if kind == "json":
        return _verify_json(path, data, public_key)
    block, emptied, problem = _slot(data, kind)
    if problem:
        return SignatureCheck(CHANGED, None, (problem,))
    if block is None or emptied is None:
        return SignatureCheck(NOT_SIGNED, None, ("the file carries no signature",))
    check = _check_block(block, public_key, kind)
    if check is not None:
        return check
    statement: dict[str, Any] = block["statement"]
    reasons = []
    if statement.get("document_sha256") != sha256_bytes(emptied):
        reasons.append("the file's bytes do not match the signed SHA-256: it was modified")
    if kind == "pdf" and not reasons:
        reasons += _check_attachment(data, statement, public_key)
    return _finish(path, statement, reasons)


def _verify_json(path: Path, data: bytes, public_key: Ed25519PublicKey) -> SignatureCheck:
    try:
        ctx = json.loads(data)
    except ValueError:
        return SignatureCheck(CHANGED, None, ("the file is not valid JSON",))
    if not isinstance(ctx, dict) or "signature" not in ctx:
        return SignatureCheck(NOT_SIGNED, None, ("the file carries no signature",))
    block = ctx["signature"]
    check = _check_block(block, public_key, "json")
    if check is not None:
        return check
    statement: dict[str, Any] = block["statement"]
    reasons = []
    if statement.get("content_sha256") != content_digest(ctx):
        reasons.append("the report's content does not match the signed SHA-256: it was modified")
    elif json_bytes(ctx) != data:
        reasons.append("the file's bytes are not those rendered (its layout was edited)")
    return _finish(path, statement, reasons)


def _check_block(block: Any, public_key: Ed25519PublicKey, kind: str) -> SignatureCheck | None:
    """None when the block is a signature of ``kind`` by ``public_key``; else the verdict."""
    if (
        not isinstance(block, dict)
        or not isinstance(block.get("statement"), dict)
        or block["statement"].get("type") != STATEMENT_TYPE
    ):
        return SignatureCheck(CHANGED, None, ("the signature block is not readable",))
    statement = block["statement"]
    if verify_signature(public_key, canonical_bytes(statement), str(block.get("signature"))):
        if statement.get("format") != kind:
            return SignatureCheck(
                CHANGED, statement, (f"signed as a {statement.get('format')} file, not {kind}",)
            )
        return None
    if statement.get("key") != fingerprint(public_key):
        return SignatureCheck(
            NOT_SIGNED_BY_KEY,
            statement,
            (
                f"signed with key {str(statement.get('key'))[:16]}…, not with this key "
                f"({fingerprint(public_key)[:16]}…)",
            ),
        )
    return SignatureCheck(
        CHANGED, statement, ("the signed statement was altered: its signature does not verify",)
    )


def _check_attachment(
    data: bytes, statement: dict[str, Any], public_key: Ed25519PublicKey
) -> list[str]:
    """A PDF's embedded JSON form: where the statement says, with its hash, signed, and with
    the content the PDF was signed for."""
    att = statement.get("attachment") or {}
    try:
        start, length = int(att["offset"]), int(att["length"])
    except (KeyError, TypeError, ValueError):
        return ["the signature does not locate the embedded JSON form"]
    body = data[start : start + length]
    if sha256_bytes(body) != att.get("sha256"):
        return ["the embedded JSON form does not match its signed SHA-256"]
    try:
        ctx = json.loads(body)
        inner = ctx["signature"]
    except (ValueError, KeyError, TypeError):
        return ["the embedded JSON form is not a signed report"]
    check = _check_block(inner, public_key, "json")
    if check is not None or content_digest(ctx) != statement.get("content_sha256"):
        return ["the embedded JSON form is not the content this PDF was signed for"]
    return []


def _finish(path: Path, statement: dict[str, Any], reasons: list[str]) -> SignatureCheck:
    renamed = _renamed(path, statement)
    if renamed:
        reasons.append(renamed)
    if reasons:
        return SignatureCheck(CHANGED, statement, tuple(reasons))
    notes = []
    if path.name != statement.get("file_name"):
        notes.append(f"rendered as {statement.get('file_name')}; this copy is named {path.name}")
    return SignatureCheck(INTACT, statement, notes=tuple(notes))


def embedded_json(path: Path) -> dict[str, Any]:
    """The JSON form embedded in a signed PDF report (for an evidence pack or an auditor).

    Raises :class:`InputError` when the file carries no signature locating it.
    """
    data = path.read_bytes()
    block, _, problem = _slot(data, "pdf")
    if block is None or problem:
        raise InputError(f"{path}: not a signed PDF report")
    att = copy.deepcopy(block["statement"].get("attachment") or {})
    body = data[int(att["offset"]) : int(att["offset"]) + int(att["length"])]
    result: dict[str, Any] = json.loads(body)
    return result


def verify_with_keys(path: Path, keys: dict[str, Ed25519PublicKey]) -> SignatureCheck:
    """:func:`verify_signed_report` with the key the file names, if it is among ``keys``
    (``{fingerprint: key}``, e.g. every key this installation has used); NOT SIGNED BY THIS
    KEY when it names none of them."""
    if not keys:
        raise InputError("no public key to verify with: pass --public-key KEY.pem")
    first = next(iter(keys.values()))
    check = verify_signed_report(path, first)
    named = (check.statement or {}).get("key")
    if check.verdict == NOT_SIGNED_BY_KEY and named in keys:
        return verify_signed_report(path, keys[str(named)])
    return check


def describe(check: SignatureCheck) -> list[str]:
    """What a signed report says it is, in lines a person reads (empty when unsigned)."""
    from duediligence.reporting.render import format_timestamp

    s = check.statement
    if not s:
        return []
    if s.get("report") == "client":
        what = (
            f"client report of {s.get('client')} ({s.get('client_name')}), assessment "
            f"{s.get('assessment')} as of {s.get('as_of')}"
        )
    else:
        what = f"{s.get('report')} report"
    lines = [
        what,
        f"content fixed {format_timestamp(s.get('generated_at'))}; "
        f"signed by {s.get('signer')} with "
        f"Ed25519 key {s.get('key')}",
        f"content SHA-256 {s.get('content_sha256')} (RFC 8785 JSON form)",
    ]
    if s.get("attachment"):
        lines.append(f"embeds its JSON form as {s['attachment'].get('name')}")
    return lines
