"""The audit recorder appends a hash chain inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import GENESIS_HASH, event_hash, record_event
from duediligence.db.models import AuditEvent


def test_events_chain(session: Session) -> None:
    first = record_event(
        session=session,
        actor="ann",
        action="client.created",
        object_type="client",
        object_id=1,
        client_id=1,
        after={"name": "Acme"},
    )
    second = record_event(
        session=session,
        actor=None,
        action="client.updated",
        object_type="client",
        object_id=1,
        client_id=1,
        before={"name": "Acme"},
        after={"name": "Acme Ltd"},
    )
    session.commit()
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert [r.sequence for r in rows] == [1, 2]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.actor == "system"
    stored = rows[1]
    assert stored.hash == event_hash(
        sequence=stored.sequence,
        occurred_at=stored.occurred_at,
        actor=stored.actor,
        action=stored.action,
        object_type=stored.object_type,
        object_id=stored.object_id,
        client_id=stored.client_id,
        before=stored.before,
        after=stored.after,
        prev_hash=stored.prev_hash,
    )
