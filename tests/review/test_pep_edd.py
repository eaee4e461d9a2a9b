"""Enhanced due diligence on politically exposed clients: a second reviewer AND a senior
approver, the EDD fields required for approval, all recorded in the decision and the audit
trail; the queue marks PEP approvals awaiting senior sign-off."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duediligence.accounts.users import add_user
from duediligence.audit.trail import verify_chain
from duediligence.config import get_settings
from duediligence.db.enums import DecisionAction, DecisionStatus, Role, Tier
from duediligence.errors import ConflictError, InputError, PermissionDenied
from duediligence.review.decisions import (
    confirm,
    current_decision,
    decide,
    edd_status,
    review_queue,
    senior_approve,
)
from duediligence.risk import assess_client
from tests.factories import make_assessment, make_client
from tests.review.conftest import last_events
from tests.risk.test_pep import load_pep_fixture

A = DecisionAction
EDD = {
    "source_of_wealth": "salary as deputy minister (asset declarations 2019-2025) and a 2016 "
    "inheritance, documented",
    "source_of_funds": "company's own revenue; contract paid from its account at a MD bank",
    "edd_rationale": "ownership verified in the registry; no adverse media; contract value low",
}
PEP_HIT: dict[str, Any] = {
    "rule": "politically_exposed_person",
    "description": "politically exposed person: owner V. M.: PEP — Deputy Minister",
    "min_tier": "high",
    "signals": [],
    "matches": [],
    "since": "2019-03-05",
    "pep": [{"short": "PEP (owner: Deputy Minister of Finance, MD)"}],
}


@pytest.fixture
def seniors(session: Session, people: dict[str, str]) -> dict[str, str]:
    """``people`` plus sally, a senior approver."""
    add_user(session=session, username="sally", role=Role.SENIOR, actor="admin")
    session.commit()
    return {**people, "senior": "sally"}


def _pep_client(session: Session, ref: str = "PEP-1") -> None:
    client = make_client(session, external_ref=ref)
    make_assessment(session, client, tier=Tier.HIGH, rule_hits=[PEP_HIT])
    session.commit()


def test_approval_is_refused_without_the_edd_fields(session: Session, seniors: dict) -> None:
    _pep_client(session)
    with pytest.raises(InputError, match="source of wealth, source of funds, EDD rationale"):
        decide(session=session, client_ref="PEP-1", action=A.APPROVE, reason="fine", actor="rita")
    with pytest.raises(InputError, match="source of funds"):
        decide(
            session=session,
            client_ref="PEP-1",
            action=A.APPROVE_WITH_CONDITIONS,
            reason="fine",
            actor="rita",
            source_of_wealth="salary",
            edd_rationale="ok",
        )
    # Refusing the relationship needs no EDD.
    d = decide(
        session=session,
        client_ref="PEP-1",
        action=A.REJECT,
        reason="will not onboard",
        actor="rita",
    )
    assert d.requires_second and d.requires_senior


def test_approval_needs_the_second_reviewer_and_the_senior_sign_off(
    session: Session, seniors: dict
) -> None:
    _pep_client(session)
    d = decide(
        session=session,
        client_ref="PEP-1",
        action=A.APPROVE,
        reason="EDD done",
        actor="rita",
        **EDD,
    )
    assert d.status == DecisionStatus.AWAITING_CONFIRMATION
    assert d.requires_second and d.requires_senior
    # A reviewer cannot sign off as senior management; the senior cannot confirm as a reviewer.
    with pytest.raises(PermissionDenied, match="needs senior"):
        senior_approve(session=session, decision_id=d.id, actor="sam")
    with pytest.raises(PermissionDenied, match="needs reviewer"):
        confirm(session=session, decision_id=d.id, actor="sally")
    with pytest.raises(PermissionDenied, match="needs reviewer"):
        decide(
            session=session,
            client_ref="PEP-1",
            action=A.APPROVE,
            reason="x",
            actor="sally",
            supersedes=d.id,
            **EDD,
        )
    # The second reviewer alone does not make it effective.
    confirm(session=session, decision_id=d.id, actor="sam")
    assert d.status == DecisionStatus.AWAITING_CONFIRMATION and d.checker == "sam"
    assert current_decision(session=session, client_id=d.client_id) is None
    (event,) = last_events(session, 1)
    assert event.action == "decision.confirmed" and event.after["awaiting"] == "senior sign-off"
    queue = review_queue(session=session)
    item = next(i for i in queue if i.client_ref == "PEP-1")
    assert item.kind == "senior_signoff" and "awaits a senior sign-off" in item.note
    steps = {s["step"]: s["done"] for s in edd_status(session=session, client_ref="PEP-1")}
    assert steps["second reviewer"] and not steps["senior management approval"]
    # The senior sign-off makes it effective, with the PEP review interval.
    senior_approve(session=session, decision_id=d.id, actor="sally")
    assert d.status == DecisionStatus.EFFECTIVE and d.senior_approver == "sally"
    assert d.next_review_on == date.today() + timedelta(days=365)
    (event,) = last_events(session, 1)
    assert event.action == "decision.senior_approved" and event.actor == "sally"
    assert event.after["source_of_wealth"] == EDD["source_of_wealth"]
    assert event.after["senior_approver"] == "sally" and event.after["checker"] == "sam"
    assert all(s["done"] for s in edd_status(session=session, client_ref="PEP-1"))
    with pytest.raises(ConflictError, match="not awaiting"):
        senior_approve(session=session, decision_id=d.id, actor="sally")
    session.commit()
    assert verify_chain(session=session).ok


def test_senior_first_then_second_reviewer(session: Session, seniors: dict) -> None:
    _pep_client(session)
    d = decide(
        session=session,
        client_ref="PEP-1",
        action=A.APPROVE,
        reason="EDD done",
        actor="rita",
        **EDD,
    )
    senior_approve(session=session, decision_id=d.id, actor="sally")
    assert d.status == DecisionStatus.AWAITING_CONFIRMATION
    item = next(i for i in review_queue(session=session) if i.client_ref == "PEP-1")
    assert item.kind == "senior_signoff" and "awaits another reviewer" in item.note
    with pytest.raises(PermissionDenied, match="four-eyes"):
        confirm(session=session, decision_id=d.id, actor="rita")
    confirm(session=session, decision_id=d.id, actor="sam")
    assert d.status == DecisionStatus.EFFECTIVE


def test_a_non_pep_decision_needs_no_senior(session: Session, seniors: dict) -> None:
    client = make_client(session, external_ref="C-9")
    make_assessment(session, client, tier=Tier.HIGH)
    session.commit()
    d = decide(session=session, client_ref="C-9", action=A.APPROVE, reason="ok", actor="rita")
    assert not d.requires_senior
    with pytest.raises(ConflictError, match="does not need a senior sign-off"):
        senior_approve(session=session, decision_id=d.id, actor="sally")
    confirm(session=session, decision_id=d.id, actor="sam")
    assert d.status == DecisionStatus.EFFECTIVE


def test_pep_review_interval_comes_from_the_tiers_file(
    session: Session, seniors: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tiers.toml"
    path.write_text("[thresholds]\nmedium = 0.35\nhigh = 0.6\n[pep]\nreview_days = 90\n")
    monkeypatch.setenv("DD_TIERS_FILE", str(path))
    get_settings.cache_clear()
    try:
        _pep_client(session)
        d = decide(
            session=session,
            client_ref="PEP-1",
            action=A.APPROVE,
            reason="EDD done",
            actor="rita",
            **EDD,
        )
        confirm(session=session, decision_id=d.id, actor="sam")
        senior_approve(session=session, decision_id=d.id, actor="sally")
        assert d.next_review_on == date.today() + timedelta(days=90)
    finally:
        get_settings.cache_clear()


def test_end_to_end_on_the_pep_fixture(session: Session, seniors: dict) -> None:
    clients = load_pep_fixture(session)
    assess_client(session=session, client=clients["PEP-001"].id, actor="system")
    steps = edd_status(session=session, client_ref="PEP-001")
    assert steps[0]["detail"] == "PEP (owner: Deputy Minister of Finance, MD)"
    assert [s["step"] for s in steps if not s["done"]] == [
        "source of wealth established",
        "source of funds established",
        "EDD rationale recorded",
        "second reviewer",
        "senior management approval",
        "enhanced ongoing monitoring",
    ]
    d = decide(
        session=session,
        client_ref="PEP-001",
        action=A.APPROVE,
        reason="EDD done",
        actor="rita",
        **EDD,
    )
    confirm(session=session, decision_id=d.id, actor="sam")
    senior_approve(session=session, decision_id=d.id, actor="sally")
    assert d.status == DecisionStatus.EFFECTIVE and d.assessment.tier == Tier.HIGH


def test_a_client_that_becomes_politically_exposed_needs_a_new_decision(
    session: Session, seniors: dict
) -> None:
    client = make_client(session, external_ref="C-7")
    make_assessment(session, client, tier=Tier.HIGH)
    session.commit()
    d = decide(session=session, client_ref="C-7", action=A.APPROVE, reason="ok", actor="rita")
    confirm(session=session, decision_id=d.id, actor="sam")
    assert d.status == DecisionStatus.EFFECTIVE
    assert not any(i.client_ref == "C-7" for i in review_queue(session=session))
    # Re-assessed at the same tier, but now an owner is a PEP: back in the queue.
    make_assessment(session, client, tier=Tier.HIGH, rule_hits=[PEP_HIT])
    session.commit()
    item = next(i for i in review_queue(session=session) if i.client_ref == "C-7")
    assert item.kind == "first_review" and "politically exposed since decision" in item.note
    # A decision made before the client was a PEP can no longer be confirmed.
    other = make_client(session, external_ref="C-8")
    make_assessment(session, other, tier=Tier.HIGH)
    session.commit()
    stale = decide(session=session, client_ref="C-8", action=A.APPROVE, reason="ok", actor="rita")
    make_assessment(session, other, tier=Tier.HIGH, rule_hits=[PEP_HIT])
    session.commit()
    with pytest.raises(ConflictError, match="became politically exposed"):
        confirm(session=session, decision_id=stale.id, actor="sam")
