"""Confirm/dismiss verdicts on signals (the verdict on a match is tested in tests/matching)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import ReviewStatus
from duediligence.db.models import AuditEvent, ScreeningMatch
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


def test_the_sanction_signal_of_a_match_follows_the_match_not_a_signal_verdict(
    session: Session,
) -> None:
    """A confirmed sanctions match records a sanction signal; dismissing or confirming that
    signal on its own would leave it disagreeing with the match (a dismissed listing beside a
    confirmed match), so the signal verdict is refused and names the match to review, and its
    link reads as the match's, not as a name link awaiting review."""
    from duediligence.db.enums import PartyKind
    from duediligence.matching import screen_clients
    from duediligence.review.links import describe_link, link_dict
    from duediligence.review.verdicts import decide_match
    from tests.factories import make_entity, make_party, make_watchlist

    snap = make_watchlist(session, "test-sdn")
    make_entity(session, snap, "TIMCHENKO, Gennady", programs=["UKRAINE-EO13661"])
    client = make_client(session, name="Nordlys Analytics AS", country="NO")
    make_party(session, client, name="Gennady Timchenko", kind=PartyKind.PERSON)
    session.commit()
    screen_clients(session=session, actor="system", client_ids=[client.id])
    reviewer = make_reviewer(session, "rita")
    match = session.scalars(select(ScreeningMatch)).one()
    verdict = decide_match(
        session=session, match_id=match.id, confirm=True, reason="same DOB", actor=reviewer
    )
    signal = verdict.signal
    assert signal is not None and signal.screening_match_id == match.id
    before = _events(session)
    for confirm in (False, True):
        with pytest.raises(ConflictError, match=f"review the match instead.*dismiss {match.id}"):
            review_signal(
                session=session, signal_id=signal.id, confirm=confirm, reason="x", actor="rita"
            )
    assert signal.review_status == ReviewStatus.CONFIRMED and _events(session) == before
    how = describe_link(signal)
    assert how == f"from screening match {match.id} (confirmed by rita)"
    assert "link not reviewed" not in how and "by name" not in how
    assert link_dict(signal)["match"] == match.id
    # The match's own verdict still moves the signal with it.
    decide_match(
        session=session, match_id=match.id, confirm=False, reason="other man", actor=reviewer
    )
    assert signal.review_status == ReviewStatus.DISMISSED
    assert describe_link(signal) == f"from screening match {match.id} (dismissed by rita)"
    plain = make_signal(session, client)
    assert link_dict(plain)["match"] is None
