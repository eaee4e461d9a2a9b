"""The tamper-evident audit trail: one place appends events, inside the caller's transaction.

Each event's hash covers its own content and the previous event's hash, so editing, deleting,
inserting or reordering any event breaks the chain from that point on. Events cut off the end,
or a chain rewritten wholesale, are caught against signed checkpoints
(:mod:`duediligence.audit.checkpoints`).

Hash schemes: an event records the ``hash_scheme`` its hash was computed with. Scheme 2 (every
event appended by this version) hashes RFC 8785 canonical JSON and names the scheme inside the
hashed content; scheme 1 (events recorded before) used Python's ``json.dumps`` encoding and is
verified with it (:func:`duediligence.jsonutil.scheme_bytes`), so existing databases and
exports still verify, and no stored hash is rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, insert, select, text
from sqlalchemy.orm import Session

from duediligence.audit.authentication import auth_of
from duediligence.db.base import utcnow
from duediligence.db.models import AuditEvent
from duediligence.errors import InputError
from duediligence.jsonutil import (
    CURRENT_HASH_SCHEME,
    HASH_SCHEME_LEGACY,
    canonical_json,
    scheme_bytes,
    sha256_bytes,
    sha256_file,
    to_jsonable,
)

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"
# Any constant works; it only has to be the same in every process that appends events.
_PG_AUDIT_LOCK_KEY = 0x44444155  # "DDAU"


REDACTED_KEY = "_redacted"


def is_redacted(payload: Any) -> bool:
    """Whether ``payload`` is a redaction marker left by a retention purge."""
    return isinstance(payload, dict) and payload.get(REDACTED_KEY) is True and "sha256" in payload


def payload_digest(payload: Any, scheme: int = CURRENT_HASH_SCHEME) -> str:
    """SHA-256 of a before/after payload's canonical JSON under hash ``scheme`` (a redaction
    marker carries the original's digest)."""
    if is_redacted(payload):
        return str(payload["sha256"])
    return sha256_bytes(scheme_bytes(payload, scheme))


def redaction_marker(
    payload: Any, reason: str, scheme: int = CURRENT_HASH_SCHEME
) -> dict[str, Any]:
    """What replaces a payload holding personal data: its digest (under the event's hash
    ``scheme``), and why it was removed."""
    if is_redacted(payload):
        return dict(payload)
    return {REDACTED_KEY: True, "sha256": payload_digest(payload, scheme), "reason": reason}


def event_hash(
    *,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    client_id: int | None,
    before: Any,
    after: Any,
    prev_hash: str,
    hash_scheme: int = CURRENT_HASH_SCHEME,
    auth: str | None = None,
) -> str:
    """SHA-256 over an event's canonical content and its predecessor's hash.

    ``before`` and ``after`` enter the hash through their own SHA-256 (:func:`payload_digest`),
    so a retention purge can replace a payload holding personal data by a redaction marker that
    keeps the digest, and the chain still verifies. ``hash_scheme`` 2 (RFC 8785) is named in
    the hashed content; scheme 1 (legacy) is not, as it was not when those events were stored.
    ``auth`` (how the actor was authenticated, :mod:`duediligence.audit.authentication`) is
    hashed when an event has one; events without it hash exactly as before it existed.
    """
    return _chained_hash(
        hash_scheme=hash_scheme,
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        before_sha256=payload_digest(before, hash_scheme),
        after_sha256=payload_digest(after, hash_scheme),
        prev_hash=prev_hash,
        auth=auth,
    )


def _chained_hash(
    *,
    hash_scheme: int,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    client_id: int | None,
    before_sha256: str,
    after_sha256: str,
    prev_hash: str,
    auth: str | None = None,
) -> str:
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "client_id": client_id,
        "before_sha256": before_sha256,
        "after_sha256": after_sha256,
        "prev_hash": prev_hash,
    }
    if hash_scheme != HASH_SCHEME_LEGACY:
        payload["hash_scheme"] = hash_scheme
    if auth is not None:
        payload["auth"] = auth
    return sha256_bytes(scheme_bytes(payload, hash_scheme))


@dataclass(frozen=True)
class PendingEvent:
    """An event to append with :func:`record_events` (same fields as :func:`record_event`)."""

    action: str
    object_type: str
    object_id: str | int | None = None
    client_id: int | None = None
    before: Any = None
    after: Any = None


def lock_chain(*, session: Session) -> None:
    """Take the audit chain's write lock for the rest of the caller's transaction.

    On PostgreSQL a transaction-scoped advisory lock (re-entrant within the transaction);
    SQLite has a single writer anyway. Functions that read state and then change it on the
    strength of that reading (e.g. a four-eyes confirmation) take it first, so two concurrent
    callers are serialised.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK_KEY})


def _lock_and_last(*, session: Session) -> tuple[int, str]:
    lock_chain(session=session)
    session.flush()
    last = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    return (last.sequence, last.hash) if last else (0, GENESIS_HASH)


def _prepare(
    *, session: Session, actor: str | None, events: list[PendingEvent]
) -> list[dict[str, Any]]:
    """Lock the chain, read its head, and compute the rows of ``events`` chained onto it."""
    who = actor or SYSTEM_ACTOR
    auth = auth_of(who)
    # Serialising and hashing the payloads is most of the work: done before taking the lock,
    # which concurrent writers (parallel re-scoring workers) wait for until our commit.
    bodies = []
    for pending in events:
        before, after = to_jsonable(pending.before), to_jsonable(pending.after)
        bodies.append((pending, before, after, payload_digest(before), payload_digest(after)))
    scheme = CURRENT_HASH_SCHEME
    sequence, prev_hash = _lock_and_last(session=session)
    rows = []
    for pending, before, after, before_sha256, after_sha256 in bodies:
        sequence += 1
        row: dict[str, Any] = {
            "sequence": sequence,
            "occurred_at": utcnow(),
            "actor": who,
            "action": pending.action,
            "object_type": pending.object_type,
            "object_id": None if pending.object_id is None else str(pending.object_id),
            "client_id": pending.client_id,
            "prev_hash": prev_hash,
            "hash_scheme": scheme,
            "auth": auth,
        }
        row["hash"] = prev_hash = _chained_hash(
            **row, before_sha256=before_sha256, after_sha256=after_sha256
        )
        row["before"], row["after"] = before, after
        rows.append(row)
    return rows


def record_events(*, session: Session, actor: str | None, events: list[PendingEvent]) -> int:
    """Append several events at once (bulk imports, scoring): one lock, one read, chained in
    memory, one multi-row INSERT. Returns how many were appended."""
    if not events:
        return 0
    rows = _prepare(session=session, actor=actor, events=events)
    session.execute(insert(AuditEvent), rows)
    return len(rows)


def record_event(
    *,
    session: Session,
    actor: str | None,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    client_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one audit event to the chain, in the caller's transaction.

    ``action`` is a dotted verb such as ``client.updated`` or ``decision.confirmed``;
    ``before``/``after`` are JSON-able snapshots of what changed. Concurrent writers are
    serialised (an advisory lock on PostgreSQL; SQLite has a single writer), and the unique
    ``sequence`` column refuses a fork even if that ever failed.
    """
    pending = PendingEvent(action, object_type, object_id, client_id, before, after)
    (row,) = _prepare(session=session, actor=actor, events=[pending])
    event = AuditEvent(**row)
    session.add(event)
    session.flush()
    return event


# --------------------------------------------------------------------------- verification

# How far from its stored position a renumbered event's original sequence is searched for.
_RENUMBER_WINDOW = 64


@dataclass(frozen=True)
class ChainProblem:
    """The first place the chain breaks.

    ``kind`` is ``modified``, ``deleted``, ``inserted``, ``reordered`` or ``truncated``;
    ``sequence`` is the position of the first affected event.
    """

    kind: str
    sequence: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`verify_chain`: intact (``problem`` None) or the first break."""

    count: int
    head_sequence: int
    head_hash: str
    redacted: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        """Whether every event is intact and chained."""
        return self.problem is None


_RECORD_FIELDS = (
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "before",
    "after",
    "prev_hash",
    "hash",
    "hash_scheme",
    "auth",
)


def event_record(row: AuditEvent) -> dict[str, Any]:
    """An event as a plain dict (what ``audit export`` writes and ``--file`` verifies)."""
    return {name: getattr(row, name) for name in _RECORD_FIELDS}


def event_skeleton(rec: dict[str, Any]) -> dict[str, Any]:
    """An event record with its payloads replaced by their digests (``before_sha256``,
    ``after_sha256``): enough to recompute its hash and chain, nothing of what it recorded.
    An evidence pack proves one client's events this way without disclosing other clients'."""
    scheme = int(rec.get("hash_scheme") or HASH_SCHEME_LEGACY)
    skeleton = {k: v for k, v in rec.items() if k not in ("before", "after")}
    skeleton["before_sha256"] = payload_digest(rec.get("before"), scheme)
    skeleton["after_sha256"] = payload_digest(rec.get("after"), scheme)
    return skeleton


def recompute_hash(rec: dict[str, Any]) -> str:
    """The hash an event record (full, or a :func:`event_skeleton`) should carry."""
    return _recompute(rec)


def _recompute(rec: dict[str, Any], sequence: int | None = None) -> str:
    occurred = rec["occurred_at"]
    if isinstance(occurred, str):
        occurred = datetime.fromisoformat(occurred)
    if "before" not in rec and "before_sha256" in rec:
        return _chained_hash(
            hash_scheme=int(rec.get("hash_scheme") or HASH_SCHEME_LEGACY),
            sequence=rec["sequence"] if sequence is None else sequence,
            occurred_at=occurred,
            actor=rec["actor"],
            action=rec["action"],
            object_type=rec["object_type"],
            object_id=rec["object_id"],
            client_id=rec["client_id"],
            before_sha256=str(rec["before_sha256"]),
            after_sha256=str(rec["after_sha256"]),
            prev_hash=rec["prev_hash"],
            auth=rec.get("auth"),
        )
    return event_hash(
        sequence=rec["sequence"] if sequence is None else sequence,
        occurred_at=occurred,
        actor=rec["actor"],
        action=rec["action"],
        object_type=rec["object_type"],
        object_id=rec["object_id"],
        client_id=rec["client_id"],
        before=rec["before"],
        after=rec["after"],
        prev_hash=rec["prev_hash"],
        hash_scheme=int(rec.get("hash_scheme") or HASH_SCHEME_LEGACY),
        auth=rec.get("auth"),
    )


def _recorded_sequence(rec: dict[str, Any]) -> int | None:
    """For an event whose hash fails, the sequence number it was recorded under (if nearby)."""
    seq = int(rec["sequence"])
    for delta in range(1, _RENUMBER_WINDOW + 1):
        for candidate in (seq - delta, seq + delta):
            if candidate >= 1 and _recompute(rec, candidate) == rec["hash"]:
                return candidate
    return None


def verify_records(
    records: Iterable[dict[str, Any]], *, expect_head: str | None = None
) -> ChainReport:
    """Recompute a chain of event records (in stored order) and find its first break.

    Detects an edited event (its hash no longer matches its content), a deleted one (a gap in
    the sequence, or later events renumbered), an inserted one (an event the next one does not
    chain to), and reordered ones (sequence numbers swapped). A payload replaced by a redaction
    marker is accepted only if a later ``retention.purged`` event lists it. ``expect_head`` (a
    head hash recorded earlier, e.g. from a previous ``audit verify``) detects truncation or a
    wholesale rewrite of the chain after that point.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    before_prev_hash: str | None = None
    count = 0
    head_hash = GENESIS_HASH
    redacted: dict[int, str] = {}
    authorised: set[int] = set()
    head_seen = expect_head is None

    def fail(kind: str, sequence: int, message: str) -> ChainReport:
        return ChainReport(
            count, expected_seq - 1, prev_hash, len(redacted), ChainProblem(kind, sequence, message)
        )

    iterator = iter(records)
    current = next(iterator, None)
    while current is not None:
        nxt = next(iterator, None)
        rec = current
        seq = int(rec["sequence"])
        what = f"event {seq} ({rec['action']} by {rec['actor']})"
        if _recompute(rec) != rec["hash"]:
            original = _recorded_sequence(rec)
            if original is None:
                if nxt is not None and _recorded_sequence(nxt) == seq:
                    return fail(
                        "inserted",
                        seq,
                        f"{what} was inserted: the event now numbered {seq + 1} was recorded "
                        f"as {seq}",
                    )
                return fail(
                    "modified", seq, f"{what} was modified: its content does not match its hash"
                )
            if original == seq - 1 and rec["prev_hash"] == before_prev_hash:
                return fail(
                    "inserted",
                    seq - 1,
                    f"event {seq - 1} was inserted: event {seq} was recorded as {seq - 1} and "
                    f"follows event {seq - 2}",
                )
            if (
                original > seq
                and nxt is not None
                and (nxt["hash"] == rec["prev_hash"] or _recorded_sequence(nxt) == seq)
            ):
                return fail(
                    "reordered",
                    seq,
                    f"events were reordered: the event stored as {seq} was recorded as {original}",
                )
            if original > seq:
                return fail(
                    "deleted",
                    seq,
                    f"event(s) {seq}..{original - 1} were deleted and later events renumbered",
                )
            return fail(
                "reordered",
                seq,
                f"events were reordered: the event stored as {seq} was recorded as {original}",
            )
        if seq != expected_seq:
            if seq > expected_seq and (nxt is None or int(nxt["sequence"]) != expected_seq):
                missing = (
                    str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}..{seq - 1}"
                )
                what = "event {} was" if seq == expected_seq + 1 else "events {} were"
                return fail("deleted", expected_seq, what.format(missing) + " deleted")
            return fail(
                "reordered",
                expected_seq,
                f"events were reordered: event {seq} appears where {expected_seq} belongs",
            )
        if rec["prev_hash"] != prev_hash:
            if seq == 1:
                return fail("inserted", 1, f"{what} does not start the chain")
            return fail(
                "inserted",
                seq - 1,
                f"event {seq - 1} was inserted, replaced or re-hashed: "
                f"event {seq} does not chain to it",
            )
        for field in ("before", "after"):
            if is_redacted(rec[field]):
                redacted[seq] = field
        if rec["action"] == "retention.purged" and isinstance(rec["after"], dict):
            authorised.update(int(s) for s in rec["after"].get("redacted_events", []))
        if expect_head is not None and rec["hash"] == expect_head:
            head_seen = True
        count += 1
        before_prev_hash = prev_hash
        prev_hash = rec["hash"]
        head_hash = prev_hash
        expected_seq = seq + 1
        current = nxt
    unauthorised = sorted(set(redacted) - authorised)
    if unauthorised:
        seq = unauthorised[0]
        return ChainReport(
            count,
            expected_seq - 1,
            head_hash,
            len(redacted),
            ChainProblem(
                "modified",
                seq,
                f"event {seq}'s {redacted[seq]} was redacted but no retention purge records it",
            ),
        )
    if not head_seen:
        return ChainReport(
            count,
            expected_seq - 1,
            head_hash,
            len(redacted),
            ChainProblem(
                "truncated",
                expected_seq,
                f"the expected head {expect_head} is not in the chain: events were removed from "
                "the end or the chain was rewritten",
            ),
        )
    return ChainReport(count, expected_seq - 1, head_hash, len(redacted), None)


def iter_stored(
    *, session: Session, batch_size: int = 5000, start_after: int = 0
) -> Iterator[dict[str, Any]]:
    """Every stored event after sequence ``start_after`` as a record, in sequence order, read
    in batches (keyset paging).

    Reads plain rows, not ORM objects, so a long chain does not fill the session.
    """
    columns = [getattr(AuditEvent, name) for name in _RECORD_FIELDS]
    last = start_after
    while True:
        rows = session.execute(
            select(*columns)
            .where(AuditEvent.sequence > last)
            .order_by(AuditEvent.sequence)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        for row in rows:
            yield dict(zip(_RECORD_FIELDS, row, strict=True))
        last = rows[-1].sequence


def verify_chain(*, session: Session, expect_head: str | None = None) -> ChainReport:
    """Verify the stored audit trail (see :func:`verify_records`). Read-only."""
    return verify_records(iter_stored(session=session), expect_head=expect_head)


# --------------------------------------------------------------------------- reading & export


def audit_query(
    *,
    client_id: int | None = None,
    since: date | datetime | None = None,
    action: str | None = None,
    actor: str | None = None,
) -> Select[AuditEvent]:
    """The unordered query of events of a client, since a time, by action prefix and actor."""
    query = select(AuditEvent)
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime(since.year, since.month, since.day, tzinfo=UTC)
        query = query.where(AuditEvent.occurred_at >= since)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEvent.actor == actor)
    return query


def audit_log(
    *,
    session: Session,
    client_id: int | None = None,
    since: date | datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """Stored events, oldest first, filtered by client, time and action prefix (``decision.``)."""
    query = audit_query(client_id=client_id, since=since, action=action).order_by(
        AuditEvent.sequence
    )
    if limit is not None:
        query = query.order_by(None).order_by(AuditEvent.sequence.desc()).limit(limit)
        return list(reversed(session.scalars(query).all()))
    return list(session.scalars(query))


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_events` wrote."""

    path: Path
    count: int
    head_hash: str
    sha256: str


def export_events(*, session: Session, path: Path) -> ExportResult:
    """Write every event as JSON Lines (one canonical event per line, in sequence order).

    An auditor can verify the file offline with ``duediligence audit verify --file PATH``;
    the returned SHA-256 identifies the file. Read-only (records no event).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    head = GENESIS_HASH
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        for rec in iter_stored(session=session):
            handle.write(canonical_json(rec) + "\n")
            count += 1
            head = rec["hash"]
    tmp.replace(path)
    return ExportResult(path, count, head, sha256_file(path))


def read_export(path: Path) -> Iterator[dict[str, Any]]:
    """The event records of an export file, in file order."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}, line {number}: not JSON ({exc.msg})") from None
            if not isinstance(rec, dict) or "hash" not in rec or "sequence" not in rec:
                raise InputError(f"{path}, line {number}: not an audit event")
            yield rec
