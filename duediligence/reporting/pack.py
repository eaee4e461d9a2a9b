"""Evidence packs: one zip an auditor verifies offline with only the installation's public key.

A pack for one client assessment holds::

    README.txt                   what each file is and how to check it
    manifest.json                signed: the client, the assessment, the checkpoint, and the
                                 SHA-256 of every other file in the pack
    public-key.pem               the signing key's public half (compare its fingerprint with
                                 the one the vendor gave you; verify with your own copy)
    reports/REF-ID.html|pdf|json the signed review report in each format (the PDF embeds the
                                 JSON form)
    lists.json                   the watch-list snapshots the assessment used (name, version,
                                 SHA-256 of the file imported, entity count)
    models/VERSION.json|card.md  the manifest (artifact SHA-256, training-data hash, metrics)
                                 and model card of every model the report names
    audit/chain.jsonl            the audit chain from the client's first event to a signed
                                 checkpoint: the client's events in full, every other event as a
                                 skeleton (its payloads' SHA-256 only), so the chain recomputes
                                 without disclosing other clients
    audit/checkpoint.json        that checkpoint, signed

:func:`verify_pack` checks all of it: the manifest's signature and every file's hash (no file
missing or added), each report's signature, that the three formats carry the same content, that
lists and models are those the report names, that the chain recomputes link by link up to the
signed checkpoint, that no event of the client is left out, and that the chain recorded the
rendering of each report file (its SHA-256) and the assessment.
"""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.checkpoints import Checkpoint, checkpoint_on_commit
from duediligence.audit.trail import event_skeleton, iter_stored, recompute_hash
from duediligence.db.enums import ReportFormat
from duediligence.db.models import AuditEvent, ModelVersion
from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.jsonutil import canonical_bytes, canonical_json, sha256_bytes
from duediligence.keys import Signer, fingerprint, public_pem, verify_signature
from duediligence.reporting.context import client_report
from duediligence.reporting.render import find_assessment, render_client_report, report_path
from duediligence.reporting.schema import ClientReport
from duediligence.reporting.signing import INTACT, verify_signed_report
from duediligence.risk.assess import resolve_client

log = logging.getLogger(__name__)

PACK_TYPE = "duediligence.evidence-pack"
MANIFEST = "manifest.json"
FORMATS = (ReportFormat.HTML, ReportFormat.PDF, ReportFormat.JSON)


@dataclass(frozen=True)
class PackResult:
    """What :func:`build_pack` wrote: the zip, its SHA-256, the checkpoint it proves up to."""

    path: Path
    sha256: str
    files: int
    events: int
    client_events: int
    checkpoint: Checkpoint


def _chain_range(*, session: Session, client_id: int, up_to: int) -> list[dict[str, Any]]:
    """The chain from the client's first event to ``up_to``: the client's events in full,
    the others as skeletons."""
    first = session.scalar(
        select(AuditEvent.sequence)
        .where(AuditEvent.client_id == client_id)
        .order_by(AuditEvent.sequence)
        .limit(1)
    )
    start = first if first is not None else up_to
    records = []
    for rec in iter_stored(session=session, start_after=start - 1):
        if rec["sequence"] > up_to:
            break
        records.append(rec if rec["client_id"] == client_id else event_skeleton(rec))
    return records


def _model_files(*, session: Session, models_dir: Path, versions: list[str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    recorded = dict(
        session.execute(
            select(ModelVersion.version, ModelVersion.artifact_sha256).where(
                ModelVersion.version.in_(versions)
            )
        ).all()
    )
    for version in versions:
        for suffix in (".json", ".card.md"):
            path = models_dir / f"{version}{suffix}"
            if path.is_file():
                files[f"models/{version}{suffix}"] = path.read_bytes()
    files["models/recorded.json"] = _json({v: recorded.get(v) for v in versions})
    return files


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def build_pack(
    *,
    session: Session,
    client: str,
    as_of: date | None = None,
    output: Path | None = None,
    reports_dir: Path,
    models_dir: Path,
    signer: Signer,
    checkpoint_file: Path,
    actor: str | None = None,
) -> PackResult:
    """Write the evidence pack of a client's newest assessment (as of ``as_of`` if given).

    Renders the signed HTML, PDF and JSON reports (recorded and audited like any rendering),
    signs a checkpoint of the audit chain (appended to ``checkpoint_file`` when the caller's
    transaction commits), and writes the zip to ``output`` (a ``.zip`` file, else a folder; default
    ``reports_dir/REF-ASSESSMENT-evidence.zip``). Raises :class:`NotFoundError` for an unknown
    client, :class:`NoAssessmentError` when it has no such assessment (a pack never assesses).
    """
    row = resolve_client(session=session, ref=client)
    assessment = find_assessment(session=session, client=row.id, as_of=as_of)
    ctx = client_report(session=session, assessment=assessment)
    files: dict[str, bytes] = {}
    for fmt in FORMATS:
        path, _ = render_client_report(
            session=session,
            client=row.external_ref,
            fmt=fmt,
            reports_dir=reports_dir,
            actor=actor,
            assessment=assessment,
            context=ctx,
            signer=signer,
        )
        files[f"reports/{path.name}"] = path.read_bytes()
    scope = ctx["scope"]
    versions = sorted(
        {
            v
            for v in (
                scope.get("risk_model_version"),
                scope.get("signal_model_version"),
                scope.get("knowability_model_version"),
            )
            if v
        }
    )
    files["lists.json"] = _json(scope["lists"])
    files.update(_model_files(session=session, models_dir=models_dir, versions=versions))
    checkpoint = checkpoint_on_commit(
        session=session, signer=signer, path=checkpoint_file, actor=actor
    )
    chain = _chain_range(session=session, client_id=row.id, up_to=checkpoint.sequence)
    files["audit/chain.jsonl"] = "".join(canonical_json(r) + "\n" for r in chain).encode()
    files["audit/checkpoint.json"] = _json(checkpoint.as_dict())
    files["public-key.pem"] = public_pem(signer.public_key).encode("ascii")
    stem = f"{row.external_ref}-{assessment.id}"
    files["README.txt"] = _readme(ctx, stem, signer).encode("utf-8")
    statement = {
        "type": PACK_TYPE,
        "client": row.external_ref,
        "client_name": row.name,
        "client_id": row.id,
        "assessment": assessment.id,
        "as_of": ctx["assessment"]["as_of"],
        "checkpoint": {"sequence": checkpoint.sequence, "hash": checkpoint.hash},
        "files": {name: sha256_bytes(data) for name, data in sorted(files.items())},
        "signer": signer.name,
        "key": signer.fingerprint,
    }
    files[MANIFEST] = _json(
        {"statement": statement, "signature": signer.sign(canonical_bytes(statement))}
    )
    if output is None or output.is_dir() or output.suffix.lower() != ".zip":
        target = report_path(output or reports_dir, f"{stem}-evidence.zip")
    else:
        target = output
        target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{stem}-evidence/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    client_events = sum(1 for r in chain if "before" in r)
    log.info("evidence pack of %s written to %s", stem, target)
    return PackResult(
        target, sha256_bytes(target.read_bytes()), len(files), len(chain), client_events, checkpoint
    )


def _readme(ctx: ClientReport, stem: str, signer: Signer) -> str:
    subject = ctx["subject"]
    a = ctx["assessment"]
    title = (
        f"{subject['name']} ({subject['external_ref']}), assessment {a['id']} as of {a['as_of']}"
    )
    return f"""Evidence pack: {title}

Everything here is signed with the Ed25519 key of {signer.name}, fingerprint
{signer.fingerprint}
Obtain that public key from the vendor through another channel (or compare its fingerprint
with the one they gave you) and check the whole pack, offline, with:

    duediligence report verify-pack {stem}-evidence.zip --public-key KEY.pem

Files
- manifest.json: the SHA-256 of every other file, signed (RFC 8785 canonical JSON of
  "statement", Ed25519 signature in "signature", base64).
- reports/: the review report as HTML, PDF and JSON, each signed. The PDF embeds the JSON
  form as the attachment report.json; every figure in the report comes from it. Check one file
  alone with: duediligence report verify FILE --public-key KEY.pem
- lists.json: the sanctions and watch-list snapshots screened against (name, version, SHA-256
  of the list file imported, entity count); compare the SHA-256 with the lists' publishers.
- models/: manifest (artifact SHA-256, training-data hash, metrics) and model card of each
  model the report names; recorded.json is the artifact SHA-256 the database registered.
- audit/chain.jsonl: the audit trail from this client's first event to the checkpoint, one
  event per line. This client's events are complete (before/after payloads); other events are
  skeletons carrying only their payloads' SHA-256. Each line's "hash" is the SHA-256 of the
  RFC 8785 canonical JSON of its fields (sequence, occurred_at, actor, action, object_type,
  object_id, client_id, before_sha256, after_sha256, prev_hash, hash_scheme when it is 2, and
  auth -- how the actor was authenticated: token, password or unauthenticated -- when present),
  where before_sha256/after_sha256 are the SHA-256 of the payloads' canonical JSON. Events of
  hash_scheme 1 were recorded before RFC 8785 was adopted and hash Python's
  json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) instead.
- audit/checkpoint.json: the signed chain head (sequence, hash, time) the chain ends at.
- public-key.pem: the key that signed (for convenience only: verify with your own copy).
"""


# --------------------------------------------------------------------------- verification


@dataclass
class PackCheck:
    """The outcome of :func:`verify_pack`: ``problems`` (empty when everything verified),
    ``checked`` (what was verified, in lines a person reads) and the signed ``statement``."""

    statement: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the pack verified."""
        return not self.problems and self.statement is not None


def _read_zip(path: Path) -> dict[str, bytes]:
    require_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            prefixes = {n.split("/", 1)[0] for n in names}
            if len(prefixes) != 1 or any("/" not in n for n in names):
                raise InputError(f"{path}: not an evidence pack (one top folder expected)")
            return {n.split("/", 1)[1]: archive.read(n) for n in names}
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a zip file") from None


def verify_pack(path: Path, public_key: Ed25519PublicKey) -> PackCheck:
    """Verify an evidence pack offline against ``public_key`` (see the module docstring).

    Every problem found is listed (the check does not stop at the first). Raises
    :class:`InputError` when the file is not a zip with one top folder.
    """
    files = _read_zip(path)
    check = PackCheck()
    try:
        manifest = json.loads(files.get(MANIFEST, b""))
        statement = manifest["statement"]
        signature = str(manifest["signature"])
    except (ValueError, KeyError, TypeError):
        check.problems.append("manifest.json is missing or unreadable")
        return check
    if not verify_signature(public_key, canonical_bytes(statement), signature):
        if statement.get("key") != fingerprint(public_key):
            check.problems.append(
                f"NOT SIGNED BY THIS KEY: the manifest names key {str(statement.get('key'))[:16]}…"
            )
        else:
            check.problems.append("manifest.json was altered: its signature does not verify")
        return check
    check.statement = statement
    check.checked.append(f"manifest signed by {statement['signer']} (key {statement['key'][:16]}…)")
    _check_hashes(files, statement, check)
    content = _check_reports(files, statement, public_key, check)
    _check_lists_and_models(files, content, check)
    _check_chain(files, statement, public_key, content, check)
    pem = files.get("public-key.pem")
    if pem is not None and pem.decode("ascii", "replace") != public_pem(public_key):
        check.problems.append("public-key.pem is not the key you verified with")
    return check


def _check_hashes(files: dict[str, bytes], statement: dict[str, Any], check: PackCheck) -> None:
    listed: dict[str, str] = statement.get("files") or {}
    for name, digest in sorted(listed.items()):
        if name not in files:
            check.problems.append(f"{name} is listed in the manifest but missing")
        elif sha256_bytes(files[name]) != digest:
            check.problems.append(f"{name} was modified: its SHA-256 is not the signed one")
    for name in sorted(set(files) - set(listed) - {MANIFEST}):
        check.problems.append(f"{name} is not in the manifest: it was added")
    check.checked.append(f"{len(listed)} files against their signed SHA-256")


def _check_reports(
    files: dict[str, bytes],
    statement: dict[str, Any],
    public_key: Ed25519PublicKey,
    check: PackCheck,
) -> dict[str, Any] | None:
    """Each report's signature; the same content and subject in every format. Returns the
    JSON report's content (lists and models are checked against it)."""
    stem = f"{statement['client']}-{statement['assessment']}"
    digests = set()
    content: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            name = f"reports/{stem}.{fmt.value}"
            if name not in files:
                check.problems.append(f"{name} is missing")
                continue
            target = Path(tmp) / f"{stem}.{fmt.value}"
            target.write_bytes(files[name])
            result = verify_signed_report(target, public_key)
            signed = result.statement or {}
            if result.verdict != INTACT:
                check.problems.append(f"{name}: {result.verdict}: {'; '.join(result.reasons)}")
                continue
            if (
                signed.get("client") != statement["client"]
                or signed.get("assessment") != (statement["assessment"])
            ):
                check.problems.append(f"{name} is the report of another client or assessment")
            digests.add(signed.get("content_sha256"))
            if fmt == ReportFormat.JSON:
                content = json.loads(files[name])
    if len(digests) > 1:
        check.problems.append("the HTML, PDF and JSON reports do not carry the same content")
    check.checked.append("reports: HTML, PDF (with its embedded JSON form) and JSON signatures")
    return content


def _check_lists_and_models(
    files: dict[str, bytes], content: dict[str, Any] | None, check: PackCheck
) -> None:
    if content is None:
        return
    scope = content.get("scope") or {}
    try:
        lists = json.loads(files.get("lists.json", b"null"))
    except ValueError:
        lists = None
    if lists != scope.get("lists"):
        check.problems.append("lists.json is not the list snapshots the report names")
    try:
        recorded = json.loads(files.get("models/recorded.json", b"{}"))
    except ValueError:
        recorded = {}
    for key in ("risk_model_version", "signal_model_version", "knowability_model_version"):
        version = scope.get(key)
        if not version or version not in recorded:
            continue
        raw = files.get(f"models/{version}.json")
        if raw is None:
            continue
        try:
            artifact = json.loads(raw).get("artifact_sha256")
        except (ValueError, AttributeError):
            artifact = None
        if recorded[version] is not None and artifact != recorded[version]:
            check.problems.append(
                f"models/{version}.json names another artifact than the database registered"
            )
    check.checked.append(f"{len(scope.get('lists') or [])} list snapshots and the model files")


def _check_chain(
    files: dict[str, bytes],
    statement: dict[str, Any],
    public_key: Ed25519PublicKey,
    content: dict[str, Any] | None,
    check: PackCheck,
) -> None:
    """The chain recomputes link by link to the signed checkpoint, holds every event of the
    client, and recorded the assessment and the rendering of each report file."""
    try:
        checkpoint = Checkpoint.from_dict(json.loads(files.get("audit/checkpoint.json", b"")))
    except ValueError:
        check.problems.append("audit/checkpoint.json is missing or unreadable")
        return
    if not checkpoint.verify(public_key):
        check.problems.append("audit/checkpoint.json: its signature does not verify")
        return
    if statement.get("checkpoint") != {"sequence": checkpoint.sequence, "hash": checkpoint.hash}:
        check.problems.append("audit/checkpoint.json is not the checkpoint the manifest names")
    try:
        records = [
            json.loads(line) for line in files.get("audit/chain.jsonl", b"").splitlines() if line
        ]
    except ValueError:
        check.problems.append("audit/chain.jsonl is not JSON lines")
        return
    client_id = statement.get("client_id")
    previous: dict[str, Any] | None = None
    for rec in records:
        seq = rec.get("sequence")
        try:
            recomputed = recompute_hash(rec)
        except (KeyError, TypeError, ValueError):
            check.problems.append(f"audit event {seq} is malformed")
            return
        if recomputed != rec.get("hash"):
            check.problems.append(f"audit event {seq} was modified: it does not match its hash")
            return
        if previous is not None and (
            seq != previous["sequence"] + 1 or rec.get("prev_hash") != previous["hash"]
        ):
            check.problems.append(
                f"audit event {seq} does not follow event {previous['sequence']}: events were "
                "removed, inserted or reordered"
            )
            return
        if rec.get("client_id") == client_id and "before" not in rec:
            check.problems.append(f"audit event {seq} of the client is withheld (skeleton only)")
        previous = rec
    if previous is None or (previous["sequence"], previous["hash"]) != (
        checkpoint.sequence,
        checkpoint.hash,
    ):
        check.problems.append("audit/chain.jsonl does not end at the signed checkpoint")
        return
    rendered = {
        r["after"].get("sha256")
        for r in records
        if r.get("action") == "report.rendered" and isinstance(r.get("after"), dict)
    }
    stem = f"{statement['client']}-{statement['assessment']}"
    for fmt in FORMATS:
        data = files.get(f"reports/{stem}.{fmt.value}")
        if data is not None and sha256_bytes(data) not in rendered:
            check.problems.append(
                f"reports/{stem}.{fmt.value}: the audit trail records no rendering of this file"
            )
    facts = (content or {}).get("assessment") or {}
    assessed = any(
        r.get("action") == "assessment.created"
        and r.get("client_id") == client_id
        and isinstance(r.get("after"), dict)
        and r["after"].get("inputs_hash") == facts.get("inputs_hash")
        and r["after"].get("tier") == facts.get("tier")
        for r in records
    )
    if content is not None and not assessed:
        check.problems.append(f"the audit trail records no assessment {statement['assessment']}")
    check.checked.append(
        f"audit chain: {len(records)} events up to the checkpoint of {checkpoint.time} "
        f"(event {checkpoint.sequence}), {sum(1 for r in records if 'before' in r)} of the client"
    )
