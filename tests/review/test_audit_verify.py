"""The audit chain detects every kind of tampering: edit, delete, insert, reorder, truncate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import (
    event_hash,
    export_events,
    read_export,
    record_event,
    redaction_marker,
    verify_chain,
    verify_records,
)
from duediligence.db.models import AuditEvent

N = 6


@pytest.fixture
def chain(session: Session) -> list[AuditEvent]:
    """Six committed events: client.created/updated pairs on three clients."""
    rows = []
    for i in range(1, N + 1):
        rows.append(
            record_event(
                session=session,
                actor="ann" if i % 2 else "bob",
                action="client.updated",
                object_type="client",
                object_id=i,
                client_id=i,
                before={"name": f"Old {i}"},
                after={"name": f"New {i}", "score": i / 10},
            )
        )
    session.commit()
    return rows


def _row(session: Session, sequence: int) -> AuditEvent:
    row = session.scalar(select(AuditEvent).where(AuditEvent.sequence == sequence))
    assert row is not None
    return row


def _shift_up(session: Session, from_sequence: int) -> None:
    """Renumber events >= from_sequence one up (highest first, so the unique index holds)."""
    for seq in range(N, from_sequence - 1, -1):
        session.execute(
            update(AuditEvent).where(AuditEvent.sequence == seq).values(sequence=seq + 1)
        )


def _forge(session: Session, sequence: int, prev_hash: str, valid: bool = True) -> None:
    """Insert an event at ``sequence`` whose own hash is correct (or garbage)."""
    when = _row(session, 1).occurred_at + timedelta(seconds=1)
    fields = dict(
        sequence=sequence,
        occurred_at=when,
        actor="mallory",
        action="decision.made",
        object_type="decision",
        object_id="99",
        client_id=1,
        before=None,
        after={"action": "approve"},
        prev_hash=prev_hash,
    )
    digest = event_hash(**fields) if valid else "f" * 64  # type: ignore[arg-type]
    session.add(AuditEvent(**fields, hash=digest))  # type: ignore[arg-type]
    session.flush()


def test_intact_chain_verifies(session: Session, chain: list[AuditEvent]) -> None:
    report = verify_chain(session=session)
    assert report.ok
    assert report.count == N
    assert report.head_sequence == N
    assert report.head_hash == chain[-1].hash


def test_empty_chain_is_intact(session: Session) -> None:
    report = verify_chain(session=session)
    assert report.ok and report.count == 0


@pytest.mark.parametrize(
    "values",
    [{"actor": "mallory"}, {"after": {"name": "New 3", "score": 0.9}}, {"object_id": "4"}],
)
def test_edit_detected(session: Session, chain: list[AuditEvent], values: dict) -> None:
    session.execute(update(AuditEvent).where(AuditEvent.sequence == 3).values(**values))
    report = verify_chain(session=session)
    assert not report.ok and report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("modified", 3)
    assert report.count == 2


def test_edit_with_recomputed_hash_detected_at_next(
    session: Session, chain: list[AuditEvent]
) -> None:
    row = _row(session, 3)
    row.actor = "mallory"
    row.hash = event_hash(
        sequence=3,
        occurred_at=row.occurred_at,
        actor="mallory",
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        client_id=row.client_id,
        before=row.before,
        after=row.after,
        prev_hash=row.prev_hash,
    )
    session.flush()
    report = verify_chain(session=session)
    assert report.problem is not None
    # Event 3 now hashes correctly on its own, but event 4 still chains to the original.
    assert report.problem.sequence == 3
    assert report.count == 3


@pytest.mark.parametrize("victim", [1, 3, N - 1])
def test_delete_detected(session: Session, chain: list[AuditEvent], victim: int) -> None:
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == victim))
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("deleted", victim)


def test_delete_and_renumber_detected(session: Session, chain: list[AuditEvent]) -> None:
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == 3))
    for seq in range(4, N + 1):
        session.execute(
            update(AuditEvent).where(AuditEvent.sequence == seq).values(sequence=seq - 1)
        )
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("deleted", 3)


def test_truncation_detected_with_expected_head(session: Session, chain: list[AuditEvent]) -> None:
    head = chain[-1].hash
    assert verify_chain(session=session, expect_head=head).ok
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == N))
    assert verify_chain(session=session).ok  # without an anchor a cut tail is invisible ...
    report = verify_chain(session=session, expect_head=head)  # ... with one it is not
    assert report.problem is not None and report.problem.kind == "truncated"


@pytest.mark.parametrize("valid", [True, False])
def test_insert_detected(session: Session, chain: list[AuditEvent], valid: bool) -> None:
    prev = _row(session, 2).hash
    _shift_up(session, 3)
    _forge(session, 3, prev, valid=valid)
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("inserted", 3)


def test_replaced_event_detected(session: Session, chain: list[AuditEvent]) -> None:
    prev = _row(session, 2).hash
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == 3))
    _forge(session, 3, prev)
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("inserted", 3)


def test_reorder_detected(session: Session, chain: list[AuditEvent]) -> None:
    for old, new in ((3, -3), (4, 3), (-3, 4)):
        session.execute(update(AuditEvent).where(AuditEvent.sequence == old).values(sequence=new))
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("reordered", 3)


def test_redaction_needs_a_purge_event(session: Session, chain: list[AuditEvent]) -> None:
    row = _row(session, 2)
    row.after = redaction_marker(row.after, "test")
    session.flush()
    report = verify_chain(session=session)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("modified", 2)
    record_event(
        session=session,
        actor="admin",
        action="retention.purged",
        object_type="retention",
        after={"redacted_events": [2]},
    )
    report = verify_chain(session=session)
    assert report.ok and report.redacted == 1 and report.count == N + 1


def test_export_verifies_offline(session: Session, chain: list[AuditEvent], tmp_path: Path) -> None:
    result = export_events(session=session, path=tmp_path / "audit.jsonl")
    assert result.count == N and result.head_hash == chain[-1].hash
    assert verify_records(read_export(result.path)).ok
    lines = result.path.read_text().splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join(lines) + "\n")
    report = verify_records(read_export(swapped))
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("reordered", 3)
    edited = tmp_path / "edited.jsonl"
    edited.write_text(result.path.read_text().replace('"New 5"', '"New 50"'))
    report = verify_records(read_export(edited))
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("modified", 5)
