"""The tamper-evident audit trail: one place appends events, inside the caller's transaction.

Each event's hash covers its own content and the previous event's hash, so editing, deleting,
inserting or reordering any event breaks the chain from that point on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from duediligence.db.base import utcnow
from duediligence.db.models import AuditEvent
from duediligence.jsonutil import canonical_json, sha256_text, to_jsonable

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"
# Any constant works; it only has to be the same in every process that appends events.
_PG_AUDIT_LOCK_KEY = 0x44444155  # "DDAU"


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
) -> str:
    """SHA-256 over an event's canonical content and its predecessor's hash."""
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "client_id": client_id,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return sha256_text(canonical_json(payload))


@dataclass(frozen=True)
class PendingEvent:
    """An event to append with :func:`record_events` (same fields as :func:`record_event`)."""

    action: str
    object_type: str
    object_id: str | int | None = None
    client_id: int | None = None
    before: Any = None
    after: Any = None


def _lock_and_last(session: Session) -> tuple[int, str]:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK_KEY})
    session.flush()
    last = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    return (last.sequence, last.hash) if last else (0, GENESIS_HASH)


def record_events(
    session: Session, *, actor: str | None, events: list[PendingEvent]
) -> list[AuditEvent]:
    """Append several events at once (bulk imports): one lock, one read, chained in memory."""
    if not events:
        return []
    sequence, prev_hash = _lock_and_last(session)
    who = actor or SYSTEM_ACTOR
    rows = []
    for pending in events:
        sequence += 1
        occurred_at = utcnow()
        before_json = to_jsonable(pending.before)
        after_json = to_jsonable(pending.after)
        oid = None if pending.object_id is None else str(pending.object_id)
        digest = event_hash(
            sequence=sequence,
            occurred_at=occurred_at,
            actor=who,
            action=pending.action,
            object_type=pending.object_type,
            object_id=oid,
            client_id=pending.client_id,
            before=before_json,
            after=after_json,
            prev_hash=prev_hash,
        )
        rows.append(
            AuditEvent(
                sequence=sequence,
                occurred_at=occurred_at,
                actor=who,
                action=pending.action,
                object_type=pending.object_type,
                object_id=oid,
                client_id=pending.client_id,
                before=before_json,
                after=after_json,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    session.add_all(rows)
    session.flush()
    return rows


def record_event(
    session: Session,
    *,
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
    return record_events(session, actor=actor, events=[pending])[0]
