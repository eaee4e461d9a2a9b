"""Four-eyes decisions: who may decide and confirm, corrections, the queue, review dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from duediligence.accounts.users import disable_user
from duediligence.audit.trail import verify_chain
from duediligence.config import get_settings
from duediligence.db.enums import ClientStatus, DecisionAction, DecisionStatus, Tier
from duediligence.errors import (
    ConfigError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
)
from duediligence.review.decisions import (
    _intervals,
    client_decisions,
    confirm,
    current_decision,
    decide,
    review_intervals,
    review_queue,
)
from tests.factories import make_assessment, make_client
from tests.review.conftest import event_count, last_events

A = DecisionAction


def _client(session: Session, tier: Tier, ref: str = "C-1"):  # type: ignore[no-untyped-def]
    client = make_client(session, external_ref=ref)
    make_assessment(session, client, tier=tier)
    session.commit()
    return client


def test_low_tier_takes_effect_with_one_reviewer(session: Session, people: dict) -> None:
    _client(session, Tier.LOW)
    before = event_count(session)
    d = decide(
        session=session, client_ref="C-1", action=A.APPROVE, reason="clean profile", actor="rita"
    )
    assert event_count(session) == before + 1
    assert d.status == DecisionStatus.EFFECTIVE and not d.requires_second
    assert d.maker == "rita" and d.checker is None
    assert d.next_review_on == date.today() + timedelta(days=3 * 365)
    (event,) = last_events(session, 1)
    assert event.action == "decision.made" and event.actor == "rita"
    assert event.after is not None and event.after["status"] == "effective"


@pytest.mark.parametrize("tier", [Tier.HIGH, Tier.PROHIBITED])
def test_high_tiers_need_a_second_different_reviewer(
    session: Session, people: dict, tier: Tier
) -> None:
    _client(session, tier)
    d = decide(
        session=session,
        client_ref="C-1",
        action=A.APPROVE_WITH_CONDITIONS,
        reason="monitor monthly",
        actor="rita",
    )
    assert d.status == DecisionStatus.AWAITING_CONFIRMATION and d.requires_second
    assert d.next_review_on is None
    assert current_decision(session=session, client_id=d.client_id) is None
    session.commit()
    n = event_count(session)
    # Same person twice, an auditor, an analyst, an admin, nobody: all refused, nothing recorded.
    for actor, error in [
        ("rita", "four-eyes"),
        ("audrey", "auditor"),
        ("ana", "analyst"),
        ("admin", "admin"),
        (None, "acting user"),
        ("RITA", "four-eyes"),  # names are case-insensitive: still the maker
        ("ghost", "unknown"),
    ]:
        with pytest.raises(PermissionDenied, match=error):
            confirm(session=session, decision_id=d.id, actor=actor)
    disable_user(session=session, username="sam", actor="admin")
    with pytest.raises(PermissionDenied, match="disabled"):
        confirm(session=session, decision_id=d.id, actor="sam")
    session.rollback()
    assert event_count(session) == n
    assert session.get(type(d), d.id).status == DecisionStatus.AWAITING_CONFIRMATION  # type: ignore[union-attr]
    confirmed = confirm(session=session, decision_id=d.id, actor="sam")
    assert event_count(session) == n + 1
    assert confirmed.status == DecisionStatus.EFFECTIVE
    assert (confirmed.maker, confirmed.checker) == ("rita", "sam")
    days = 365 if tier == Tier.HIGH else 90
    assert confirmed.next_review_on == date.today() + timedelta(days=days)
    with pytest.raises(ConflictError):
        confirm(session=session, decision_id=d.id, actor="sam")
    (event,) = last_events(session, 1)
    assert (event.action, event.actor) == ("decision.confirmed", "sam")
    assert verify_chain(session=session).ok


def test_only_active_reviewers_decide(session: Session, people: dict) -> None:
    _client(session, Tier.MEDIUM)
    for actor in ("audrey", "ana", "admin", None, "system", "ghost"):
        with pytest.raises(PermissionDenied):
            decide(session=session, client_ref="C-1", action=A.APPROVE, reason="ok", actor=actor)
    disable_user(session=session, username="rita", actor="admin")
    with pytest.raises(PermissionDenied, match="disabled"):
        decide(session=session, client_ref="C-1", action=A.APPROVE, reason="ok", actor="rita")
    assert client_decisions(session=session, client_ref="C-1") == []


def test_bad_input(session: Session, people: dict) -> None:
    _client(session, Tier.LOW)
    with pytest.raises(InputError):
        decide(session=session, client_ref="C-1", action="bless", reason="ok", actor="rita")
    with pytest.raises(InputError):
        decide(session=session, client_ref="C-1", action=A.APPROVE, reason="  ", actor="rita")
    with pytest.raises(NotFoundError):
        decide(session=session, client_ref="NOPE", action=A.APPROVE, reason="ok", actor="rita")
    with pytest.raises(NotFoundError):
        confirm(session=session, decision_id=999, actor="sam")
    make_client(session, external_ref="C-2")
    with pytest.raises(ConflictError, match="no current assessment"):
        decide(session=session, client_ref="C-2", action=A.APPROVE, reason="ok", actor="rita")


def test_corrections_supersede_never_edit(session: Session, people: dict) -> None:
    client = _client(session, Tier.HIGH)
    first = decide(
        session=session, client_ref="C-1", action=A.APPROVE, reason="looks fine", actor="rita"
    )
    with pytest.raises(ConflictError, match="awaits confirmation"):
        decide(
            session=session,
            client_ref="C-1",
            action=A.REJECT,
            reason="changed my mind",
            actor="sam",
        )
    second = decide(
        session=session,
        client_ref="C-1",
        action=A.REJECT,
        reason="new facts",
        actor="sam",
        supersedes=first.id,
    )
    assert first.status == DecisionStatus.SUPERSEDED and first.rationale == "looks fine"
    assert second.supersedes_id == first.id
    with pytest.raises(ConflictError):
        confirm(session=session, decision_id=first.id, actor="sam")
    confirm(session=session, decision_id=second.id, actor="rita")
    # A later decision refers to the one in force and supersedes it when it takes effect.
    make_assessment(session, client, tier=Tier.LOW)
    third = decide(
        session=session, client_ref="C-1", action=A.APPROVE, reason="cleared", actor="rita"
    )
    assert third.supersedes_id == second.id
    assert second.status == DecisionStatus.SUPERSEDED
    assert current_decision(session=session, client_id=client.id) is third
    assert [d.status for d in client_decisions(session=session, client_ref="C-1")] == [
        DecisionStatus.SUPERSEDED,
        DecisionStatus.SUPERSEDED,
        DecisionStatus.EFFECTIVE,
    ]
    with pytest.raises(ConflictError, match="already superseded"):
        decide(
            session=session,
            client_ref="C-1",
            action=A.APPROVE,
            reason="again",
            actor="rita",
            supersedes=first.id,
        )
    other = _client(session, Tier.LOW, "C-9")
    other_decision = decide(
        session=session, client_ref=other.external_ref, action=A.APPROVE, reason="ok", actor="rita"
    )
    with pytest.raises(InputError, match="another client"):
        decide(
            session=session,
            client_ref="C-1",
            action=A.APPROVE,
            reason="x",
            actor="rita",
            supersedes=other_decision.id,
        )
    assert verify_chain(session=session).ok


def test_confirmation_refused_after_risk_rose(session: Session, people: dict) -> None:
    client = _client(session, Tier.HIGH)
    d = decide(
        session=session,
        client_ref="C-1",
        action=A.APPROVE_WITH_CONDITIONS,
        reason="monitor",
        actor="rita",
    )
    make_assessment(session, client, tier=Tier.PROHIBITED)
    with pytest.raises(ConflictError, match="re-assessed"):
        confirm(session=session, decision_id=d.id, actor="sam")


def test_effective_offboard_marks_the_client(session: Session, people: dict) -> None:
    client = _client(session, Tier.PROHIBITED)
    d = decide(
        session=session,
        client_ref="C-1",
        action=A.OFFBOARD,
        reason="sanctioned owner",
        actor="rita",
    )
    assert client.status == ClientStatus.ACTIVE
    confirm(session=session, decision_id=d.id, actor="sam")
    assert client.status == ClientStatus.OFFBOARDED
    assert client.offboarded_on == date.today()
    assert d.next_review_on is None
    (event,) = last_events(session, 1)
    assert event.after is not None and event.after["client"] == "C-1"
    assert event.after["client_status"]["after"]["status"] == "offboarded"


def test_review_queue(session: Session, people: dict) -> None:
    low = _client(session, Tier.LOW, "Q-LOW")
    _client(session, Tier.MEDIUM, "Q-MED")
    _client(session, Tier.HIGH, "Q-HIGH")
    rising = _client(session, Tier.LOW, "Q-RISE")
    decide(session=session, client_ref="Q-RISE", action=A.APPROVE, reason="fine", actor="rita")
    make_assessment(session, rising, tier=Tier.HIGH)
    pending = decide(
        session=session,
        client_ref="Q-HIGH",
        action=A.APPROVE_WITH_CONDITIONS,
        reason="watch",
        actor="rita",
    )
    items = review_queue(session=session)
    kinds = {(i.client_ref, i.kind) for i in items}
    assert kinds == {
        ("Q-HIGH", "second_review"),
        ("Q-MED", "first_review"),
        ("Q-RISE", "first_review"),
    }
    assert items[0].kind == "second_review" and items[0].decision_id == pending.id
    assert items[0].maker == "rita"
    assert ("Q-LOW", "first_review") in {
        (i.client_ref, i.kind) for i in review_queue(session=session, min_tier=Tier.LOW)
    }
    done = decide(session=session, client_ref="Q-LOW", action=A.APPROVE, reason="fine", actor="sam")
    assert done.next_review_on is not None
    later = review_queue(session=session, today=done.next_review_on)
    assert ("Q-LOW", "review_due") in {(i.client_ref, i.kind) for i in later}
    assert low.id == done.client_id
    before = event_count(session)
    review_queue(session=session)
    assert event_count(session) == before  # read-only


def test_review_intervals_configurable(
    session: Session, people: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tiers.toml"
    path.write_text(
        "[thresholds]\nmedium = 0.3\nhigh = 0.6\n\n[next_review_days]\nlow = 30\nmedium = 20\n"
    )
    monkeypatch.setenv("DD_TIERS_FILE", str(path))
    get_settings.cache_clear()
    assert review_intervals()[Tier.LOW] == 30 and review_intervals()[Tier.HIGH] == 365
    _client(session, Tier.LOW)
    d = decide(session=session, client_ref="C-1", action=A.APPROVE, reason="ok", actor="rita")
    assert d.next_review_on == date.today() + timedelta(days=30)
    path.write_text("[next_review_days]\nlow = -1\n")
    _intervals.cache_clear()
    with pytest.raises(ConfigError):
        review_intervals()


def test_concurrent_confirmations_serialised(session: Session, people: dict, engine) -> None:  # type: ignore[no-untyped-def]
    """Two reviewers confirming at once on PostgreSQL: the second waits, then is refused."""
    import threading

    from duediligence.accounts.users import add_user
    from duediligence.db.enums import Role
    from duediligence.db.session import session_factory

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has a single writer; the race needs concurrent transactions")
    _client(session, Tier.HIGH)
    add_user(session=session, username="tom", role=Role.REVIEWER, actor="admin")
    decision_id = decide(
        session=session,
        client_ref="C-1",
        action=A.APPROVE_WITH_CONDITIONS,
        reason="watch",
        actor="rita",
    ).id
    session.commit()
    make = session_factory(engine)
    first, second = make(), make()
    errors: list[BaseException] = []
    confirm(
        session=first, decision_id=decision_id, actor="sam"
    )  # holds the chain lock until commit

    def other() -> None:
        try:
            confirm(session=second, decision_id=decision_id, actor="tom")
        except BaseException as exc:
            errors.append(exc)
        finally:
            second.rollback()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # blocked on the lock while the first is uncommitted
    first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], ConflictError)
    first.close()
    second.close()
    session.expire_all()
    assert [e.action for e in last_events(session, 2)] == ["decision.made", "decision.confirmed"]
