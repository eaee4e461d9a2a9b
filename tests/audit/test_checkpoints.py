"""Signed checkpoints catch what a bare hash chain cannot: a cut-off tail and a rewritten chain,
without a head hash remembered elsewhere (no ``--expect-head``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from duediligence.audit.checkpoints import (
    CHECKPOINT_ACTION,
    checkpoint_on_commit,
    read_checkpoint_file,
    sign_head,
    verify_with_checkpoints,
)
from duediligence.audit.trail import (
    ChainReport,
    event_hash,
    iter_stored,
    record_event,
    verify_chain,
)
from duediligence.db.models import AuditEvent
from duediligence.jsonutil import canonical_json
from duediligence.keys import Signer


@pytest.fixture
def signer() -> Signer:
    return Signer.generate("test installation")


def _events(session: Session, n: int, start: int = 1) -> None:
    for i in range(start, start + n):
        record_event(
            session=session,
            actor="ann",
            action="client.updated",
            object_type="client",
            object_id=i,
            client_id=i,
            after={"name": f"Client {i}", "score": i / 10},
        )
    session.commit()


def _checkpoint(session: Session, signer: Signer, path: Path) -> None:
    checkpoint_on_commit(session=session, signer=signer, path=path, actor="ann")
    session.commit()


def _verify(session: Session, signers: list[Signer], path: Path | None) -> tuple[ChainReport, Any]:
    keys = {s.fingerprint: s.public_key for s in signers}
    return verify_with_checkpoints(
        iter_stored(session=session),
        public_keys=keys,
        file_checkpoints=read_checkpoint_file(path) if path is not None else None,
    )


def _rewrite_from(session: Session, sequence: int, new_after: dict[str, Any]) -> None:
    """What someone with write access to the database but not the key does: change an event
    and recompute the hash of every later one, so the bare chain verifies again."""
    rows = list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.sequence >= sequence).order_by(AuditEvent.sequence)
        )
    )
    prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.sequence == sequence - 1))
    rows[0].after = new_after
    for row in rows:
        row.prev_hash = prev
        row.hash = prev = event_hash(
            sequence=row.sequence,
            occurred_at=row.occurred_at,
            actor=row.actor,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            client_id=row.client_id,
            before=row.before,
            after=row.after,
            prev_hash=row.prev_hash,
            hash_scheme=row.hash_scheme,
        )
    session.commit()


def test_intact_chain_verifies_against_its_newest_checkpoint(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 3)
    _checkpoint(session, signer, path)
    _events(session, 2, start=4)
    _checkpoint(session, signer, path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["sequence"] for line in lines] == [3, 6]  # heads before each checkpoint event
    report, status = _verify(session, [signer], path)
    assert report.ok, report.problem
    assert status.anchor is not None and status.anchor.sequence == 6
    assert (status.file_checkpoints, status.chain_checkpoints) == (2, 2)
    event = session.scalar(select(AuditEvent).where(AuditEvent.sequence == 7))
    assert event is not None and event.action == CHECKPOINT_ACTION and event.after is not None
    assert event.after["hash"] == event.prev_hash


def test_truncation_is_caught_without_expect_head(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 5)
    _checkpoint(session, signer, path)  # signs event 5; the checkpoint event is 6
    session.execute(delete(AuditEvent).where(AuditEvent.sequence >= 4))
    session.commit()
    assert verify_chain(session=session).ok  # a bare hash chain cannot tell
    report, _ = _verify(session, [signer], path)
    assert report.problem is not None and report.problem.kind == "truncated"
    assert "removed from the end" in report.problem.message


def test_rewrite_is_caught_through_the_file_and_through_the_chain(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 4)
    _checkpoint(session, signer, path)
    _events(session, 2, start=5)
    _rewrite_from(session, 2, {"name": "Someone Else", "score": 0.0})
    assert verify_chain(session=session).ok  # re-chained: the bare chain verifies
    report, _ = _verify(session, [signer], path)
    assert report.problem is not None and report.problem.kind == "rewritten"
    assert report.problem.sequence == 4
    # an export verified without the checkpoint file still catches it through the chain's own
    # signed checkpoint event
    report, _ = _verify(session, [signer], None)
    assert report.problem is not None and report.problem.kind == "rewritten"


def test_rewrite_of_the_tail_after_the_last_checkpoint_is_the_known_limit(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    """Events after the newest checkpoint are covered by the next one only: checkpoints are
    automatic after every import, re-scoring run and decision, which keeps that window short."""
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 3)
    _checkpoint(session, signer, path)
    _events(session, 2, start=4)
    _rewrite_from(session, 5, {"name": "Changed", "score": 1.0})
    assert _verify(session, [signer], path)[0].ok
    _checkpoint(session, signer, path)  # from here on, that version is what is signed
    _rewrite_from(session, 5, {"name": "Changed again", "score": 1.0})
    assert _verify(session, [signer], path)[0].problem is not None


def test_checkpoint_file_tampering_is_caught(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 3)
    _checkpoint(session, signer, path)
    line = json.loads(path.read_text())
    line["sequence"] = 2
    path.write_text(json.dumps(line) + "\n")
    report, _ = _verify(session, [signer], path)
    assert report.problem is not None and "signature" in report.problem.message
    # a checkpoint signed by a key the installation never had
    forged = sign_head(Signer.generate("intruder"), 3, "f" * 64, line_time())
    path.write_text(canonical_json(forged.as_dict()) + "\n")
    report, _ = _verify(session, [signer], path)
    assert report.problem is not None and "unknown key" in report.problem.message
    path.write_text("not json\n")
    assert _verify(session, [signer], path)[0].problem is not None


def line_time() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC)


def test_a_deleted_checkpoint_file_is_noticed(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 2)
    _checkpoint(session, signer, path)
    path.unlink()
    report, _ = _verify(session, [signer], path)
    assert report.problem is not None and "checkpoint file is missing" in report.problem.message


def test_no_file_line_when_the_transaction_rolls_back(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 2)
    checkpoint_on_commit(session=session, signer=signer, path=path, actor="ann")
    session.rollback()
    assert not path.exists()
    _checkpoint(session, signer, path)
    assert len(path.read_text().splitlines()) == 1


def test_checkpoints_signed_before_a_key_rotation_still_verify(
    session: Session, signer: Signer, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoints.jsonl"
    _events(session, 2)
    _checkpoint(session, signer, path)
    rotated = Signer.generate("test installation")
    _events(session, 2, start=3)
    _checkpoint(session, rotated, path)
    report, status = _verify(session, [signer, rotated], path)
    assert report.ok and status.file_checkpoints == 2 and status.chain_checkpoints == 2
    report, _ = _verify(session, [rotated], path)  # the old public key thrown away
    assert report.problem is not None and "unknown key" in report.problem.message


def test_cli_checkpoint_verify_and_automatic_checkpoints(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    from duediligence.shipped import sample_data_dir

    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    examples = sample_data_dir() / "examples"
    result = cli("import", "clients", str(examples / "clients.csv"))
    assert result.exit_code == 0, result.output
    assert len(checkpoints.read_text().splitlines()) == 1  # automatic, after the import
    result = cli("audit", "checkpoint")
    assert result.exit_code == 0 and "signed by test installation" in result.output
    verified = cli("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "signed checkpoint: event" in verified.output
    # cut the tail: caught with no --expect-head
    session.execute(delete(AuditEvent).where(AuditEvent.sequence >= 2))
    session.commit()
    broken = cli("audit", "verify")
    assert broken.exit_code == 1 and "truncated" in broken.output
    as_json = json.loads(cli("audit", "verify", "--json").stdout)
    assert as_json["ok"] is False and as_json["problem"]["kind"] == "truncated"
