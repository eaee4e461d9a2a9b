"""Signed checkpoints of the audit chain: what catches a cut-off tail or a rewritten chain.

A hash chain alone cannot notice events removed from its end, nor a chain rewritten from some
point with every later hash recomputed. A checkpoint is the chain head (sequence, hash) and the
time, signed with the installation's Ed25519 key (:mod:`duediligence.keys`). It is written twice:

- appended as one JSON line to an append-only file outside the database (``DD_CHECKPOINT_FILE``),
  after the transaction that recorded it committed;
- appended to the chain itself as an ``audit.checkpoint`` event, in the same transaction and
  under the chain lock, so it is always the event right after the head it signs.

Verification (:func:`verify_with_checkpoints`) checks every checkpoint's signature, that every
in-chain checkpoint signs the event just before it (a chain rewritten across a checkpoint no
longer matches what was signed), and that the chain still holds the newest checkpoint of the file
at its sequence with its hash (truncation and wholesale rewrites are caught without a
remembered head). Someone who can change the database but not the key or the file cannot hide
a change made before the newest checkpoint.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from duediligence.audit.trail import (
    GENESIS_HASH,
    ChainProblem,
    ChainReport,
    lock_chain,
    record_event,
    verify_records,
)
from duediligence.db.models import AuditEvent
from duediligence.jsonutil import canonical_bytes, canonical_json
from duediligence.keys import Signer, verify_signature

log = logging.getLogger(__name__)

CHECKPOINT_ACTION = "audit.checkpoint"
STATEMENT_TYPE = "duediligence.audit-checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    """A signed chain head: ``sequence`` and ``hash`` of the newest event at ``time`` (UTC ISO),
    signed by ``signer`` with the key whose fingerprint is ``key``."""

    sequence: int
    hash: str
    time: str
    key: str
    signer: str
    signature: str

    def statement(self) -> dict[str, Any]:
        """The signed content (its RFC 8785 canonical JSON is what the signature covers)."""
        return {
            "type": STATEMENT_TYPE,
            "sequence": self.sequence,
            "hash": self.hash,
            "time": self.time,
            "key": self.key,
            "signer": self.signer,
        }

    def as_dict(self) -> dict[str, Any]:
        """The statement and its signature (one line of the checkpoint file)."""
        return {**self.statement(), "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        """Parse :meth:`as_dict` output; :class:`ValueError` when a field is missing or wrong."""
        if not isinstance(data, dict) or data.get("type") != STATEMENT_TYPE:
            raise ValueError("not an audit checkpoint")
        try:
            return cls(
                sequence=int(data["sequence"]),
                hash=str(data["hash"]),
                time=str(data["time"]),
                key=str(data["key"]),
                signer=str(data["signer"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed audit checkpoint ({exc})") from None

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        """Whether the signature is ``public_key``'s over :meth:`statement`."""
        return verify_signature(public_key, canonical_bytes(self.statement()), self.signature)


def sign_head(signer: Signer, sequence: int, head_hash: str, time: datetime) -> Checkpoint:
    """A checkpoint of the head ``(sequence, head_hash)`` at ``time``, signed by ``signer``."""
    unsigned = Checkpoint(
        sequence=sequence,
        hash=head_hash,
        time=time.astimezone(UTC).isoformat(timespec="microseconds"),
        key=signer.fingerprint,
        signer=signer.name,
        signature="",
    )
    return replace(unsigned, signature=signer.sign(canonical_bytes(unsigned.statement())))


def create_checkpoint(*, session: Session, signer: Signer, actor: str | None) -> Checkpoint:
    """Sign the current chain head and append the checkpoint to the chain, in the caller's
    transaction (under the chain lock, so it is the event right after the head it signs).

    Write it to the checkpoint file with :func:`append_checkpoint_file` once the transaction
    has committed. An empty chain is checkpointed as sequence 0 with the genesis hash.
    """
    lock_chain(session=session)
    session.flush()
    head = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    checkpoint = sign_head(signer, sequence, head_hash, datetime.now(UTC))
    record_event(
        session=session,
        actor=actor,
        action=CHECKPOINT_ACTION,
        object_type="audit_chain",
        object_id=sequence,
        after=checkpoint.as_dict(),
    )
    log.info("audit checkpoint at event %d signed by key %s", sequence, signer.fingerprint[:16])
    return checkpoint


def append_checkpoint_file(path: Path, checkpoint: Checkpoint) -> None:
    """Append one checkpoint as a JSON line to ``path`` (created 0644 if absent), with one
    ``write`` on a descriptor opened ``O_APPEND`` and an ``fsync``; never rewrites the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (canonical_json(checkpoint.as_dict()) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint_on_commit(
    *, session: Session, signer: Signer, path: Path, actor: str | None
) -> Checkpoint:
    """:func:`create_checkpoint` in the caller's transaction, and append it to the checkpoint
    file at ``path`` once that transaction commits (nothing is appended if it rolls back)."""
    checkpoint = create_checkpoint(session=session, signer=signer, actor=actor)
    settled = [False]

    def append(_session: Session) -> None:
        if not settled[0]:
            settled[0] = True
            append_checkpoint_file(path, checkpoint)

    def discard(_session: Session) -> None:
        settled[0] = True

    event.listen(session, "after_commit", append, once=True)
    event.listen(session, "after_rollback", discard, once=True)
    return checkpoint


@dataclass(frozen=True)
class FileCheckpoints:
    """The checkpoints read from a checkpoint file, and the lines that are not checkpoints."""

    checkpoints: list[tuple[int, Checkpoint]]
    malformed: list[int]
    exists: bool


def read_checkpoint_file(path: Path) -> FileCheckpoints:
    """Every checkpoint of the file at ``path`` with its line number (empty when absent)."""
    if not path.is_file():
        return FileCheckpoints([], [], exists=False)
    found: list[tuple[int, Checkpoint]] = []
    malformed: list[int] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                found.append((number, Checkpoint.from_dict(json.loads(line))))
            except ValueError:
                malformed.append(number)
    return FileCheckpoints(found, malformed, exists=True)


@dataclass
class CheckpointStatus:
    """What the checkpoints said: the newest one the chain was checked against (``anchor``,
    from the file, or else the chain's own), how many were checked, and warnings."""

    anchor: Checkpoint | None = None
    anchor_source: str = ""
    file_checkpoints: int = 0
    chain_checkpoints: int = 0
    warnings: list[str] = field(default_factory=list)


def _problem(report: ChainReport, problem: ChainProblem) -> ChainReport:
    """``report`` with ``problem`` if it is the earlier break (or the report had none)."""
    if report.problem is not None and report.problem.sequence <= problem.sequence:
        return report
    count = min(report.count, problem.sequence - 1) if problem.sequence > 0 else report.count
    return replace(report, problem=problem, count=count)


def verify_with_checkpoints(
    records: Iterable[dict[str, Any]],
    *,
    public_keys: dict[str, Ed25519PublicKey],
    file_checkpoints: FileCheckpoints | None = None,
    expect_head: str | None = None,
) -> tuple[ChainReport, CheckpointStatus]:
    """Verify a chain (:func:`duediligence.audit.trail.verify_records`) and its checkpoints.

    ``public_keys`` (``{fingerprint: key}``) are the keys checkpoints may be signed with.
    Problems, earliest first: a checkpoint line or event whose signature fails or whose key is
    unknown (``modified``); an in-chain checkpoint that does not sign the event before it, or
    a file checkpoint whose event now has another hash (``rewritten``); a chain shorter than
    the newest file checkpoint (``truncated``). Without a checkpoint file the newest in-chain
    checkpoint is the anchor, and a tail cut after it cannot be noticed (a warning says so).
    """
    status = CheckpointStatus()
    found: list[ChainProblem] = []
    anchor: Checkpoint | None = None
    if file_checkpoints is not None:
        for number in file_checkpoints.malformed:
            found.append(
                ChainProblem("modified", 0, f"checkpoint file line {number} is not a checkpoint")
            )
        for number, cp in file_checkpoints.checkpoints:
            key = public_keys.get(cp.key)
            if key is None or not cp.verify(key):
                why = "an unknown key" if key is None else "a signature that does not verify"
                found.append(
                    ChainProblem(
                        "modified",
                        0,
                        f"checkpoint file line {number} (event {cp.sequence}) has {why}",
                    )
                )
                continue
            status.file_checkpoints += 1
            if anchor is None or cp.sequence > anchor.sequence:
                anchor = cp
        if anchor is not None:
            status.anchor, status.anchor_source = anchor, "file"
    last_in_chain: list[Checkpoint] = []
    hash_at_anchor: list[str] = []

    def watch(stream: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for rec in stream:
            seq = int(rec["sequence"])
            if anchor is not None and seq == anchor.sequence:
                hash_at_anchor.append(str(rec["hash"]))
            if rec["action"] == CHECKPOINT_ACTION:
                _check_chain_checkpoint(rec, public_keys, found, status, last_in_chain)
            yield rec

    report = verify_records(watch(records), expect_head=expect_head)
    if anchor is None and last_in_chain:
        if file_checkpoints is None:
            status.anchor, status.anchor_source = last_in_chain[-1], "chain"
            status.warnings.append(
                "no checkpoint file given: events cut off after the newest checkpoint in the "
                f"chain (event {last_in_chain[-1].sequence}) cannot be noticed"
            )
        elif not file_checkpoints.malformed:
            where = "is missing" if not file_checkpoints.exists else "holds no valid checkpoint"
            found.append(
                ChainProblem(
                    "truncated",
                    0,
                    f"the chain records {status.chain_checkpoints} checkpoint(s) but the "
                    f"checkpoint file {where}",
                )
            )
    if anchor is not None:
        at = anchor.sequence
        if report.ok and report.head_sequence < at:
            found.append(
                ChainProblem(
                    "truncated",
                    report.head_sequence + 1,
                    f"the chain ends at event {report.head_sequence} but checkpoint of "
                    f"{anchor.time} signed event {at}: events were removed from the end",
                )
            )
        elif hash_at_anchor and hash_at_anchor[0] != anchor.hash and at > 0:
            found.append(
                ChainProblem(
                    "rewritten",
                    at,
                    f"event {at} no longer has the hash signed by the checkpoint of "
                    f"{anchor.time}: the chain was rewritten",
                )
            )
        if last_in_chain and last_in_chain[-1].sequence > at:
            status.warnings.append(
                f"the checkpoint file's newest checkpoint (event {at}) is older than the "
                f"chain's (event {last_in_chain[-1].sequence}): was the file truncated, or an "
                "append failed?"
            )
    for problem in found:
        report = _problem(report, problem)
    return report, status


def _check_chain_checkpoint(
    rec: dict[str, Any],
    public_keys: dict[str, Ed25519PublicKey],
    found: list[ChainProblem],
    status: CheckpointStatus,
    last: list[Checkpoint],
) -> None:
    """Check one ``audit.checkpoint`` event: valid signature by a known key, signing the event
    right before it."""
    seq = int(rec["sequence"])
    try:
        cp = Checkpoint.from_dict(rec["after"])
    except ValueError:
        found.append(ChainProblem("modified", seq, f"event {seq} is not a valid checkpoint"))
        return
    key = public_keys.get(cp.key)
    if key is None:
        found.append(
            ChainProblem("modified", seq, f"checkpoint event {seq} is signed by an unknown key")
        )
        return
    if not cp.verify(key):
        found.append(
            ChainProblem("modified", seq, f"checkpoint event {seq}'s signature does not verify")
        )
        return
    if cp.sequence != seq - 1 or cp.hash != rec["prev_hash"]:
        found.append(
            ChainProblem(
                "rewritten",
                cp.sequence,
                f"checkpoint event {seq} signed event {cp.sequence} with another hash than the "
                "chain now holds: the chain was rewritten",
            )
        )
        return
    status.chain_checkpoints += 1
    last[:] = [cp]
