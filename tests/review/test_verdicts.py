"""Confirm/dismiss verdicts on signals (the verdict on a match is tested in tests/matching)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import ReviewStatus
from duediligence.db.models import AuditEvent
from duediligence.errors import ConflictError, InputError, NotFoundError
from duediligence.review.verdicts import review_signal
from tests.factories import make_client, make_reviewer, make_signal


def _events(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_review_signal_records_exactly_one_event(session: Session) -> None:
    client = make_client(session)
    signal = make_signal(session, client)
    make_reviewer(session, "rita")
    before = _events(session)
    review_signal(
        session=session, signal_id=signal.id, confirm=False, reason=" not about them ", actor="rita"
    )
    assert signal.review_status == ReviewStatus.DISMISSED and signal.reviewed_by == "rita"
    assert signal.review_reason == "not about them" and signal.reviewed_at is not None
    assert _events(session) == before + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
    assert event is not None and event.action == "signal.dismissed"
    assert event.object_type == "signal" and event.object_id == str(signal.id)
    assert event.before == {"review_status": "unreviewed", "reason": None}
    assert event.after == {"review_status": "dismissed", "reason": "not about them"}
    assert event.client_id == client.id
    with pytest.raises(ConflictError, match="already dismissed"):
        review_signal(
            session=session, signal_id=signal.id, confirm=False, reason="again", actor="rita"
        )
    with pytest.raises(InputError):
        review_signal(session=session, signal_id=signal.id, confirm=True, reason="  ", actor="rita")
    with pytest.raises(NotFoundError, match="no signal 999999"):
        review_signal(session=session, signal_id=999_999, confirm=True, reason="x", actor="rita")
    assert _events(session) == before + 1
