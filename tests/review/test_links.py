"""Reviewers' actions on news links: confirm, re-link, reject (review.links)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyRole, ReviewStatus
from duediligence.db.models import Assessment, AuditEvent, Client, Signal, SignalLinkRejection
from duediligence.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from duediligence.matching import link_signals
from duediligence.review.decisions import review_queue
from duediligence.review.links import (
    confirm_link,
    describe_link,
    link_dict,
    links_to_review,
    reject_link,
    rejected_links,
    relink,
    unreject_link,
)
from tests.factories import make_client, make_party, make_signal
from tests.review.conftest import event_count, last_events


def _evidence(mention: str, **kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "mention": mention,
        "sentence": f"Police raided {mention} on Monday.",
        "where": "headline",
        "count": 2,
        "matched_name": mention,
        "via": "client",
        "party_role": None,
        "score": 0.95,
        "reasons": ["headline mention", "2 mentions"],
    }
    values.update(kw)
    return values


def _linked(session: Session, client: Client, **kw: Any) -> Signal:
    return make_signal(
        session,
        client,
        link_status=LinkStatus.LINKED,
        link_score=0.95,
        link_evidence=_evidence(client.name),
        **kw,
    )


def _ambiguous(session: Session, *clients: Client, **kw: Any) -> Signal:
    candidates: list[dict[str, Any]] = [{"reason": "several clients match the name"}]
    candidates += [
        {"client": c.external_ref, "name": c.name, "score": 0.9, "evidence": _evidence(c.name)}
        for c in clients
    ]
    return make_signal(
        session, None, link_status=LinkStatus.AMBIGUOUS, link_candidates=candidates, **kw
    )


def _assessments(session: Session, client: Client) -> int:
    return len(session.scalars(select(Assessment).where(Assessment.client_id == client.id)).all())


def test_confirm_link_needs_a_reviewer_and_is_audited(
    session: Session, people: dict[str, str]
) -> None:
    client = make_client(session, name="Acme Trading Ltd")
    signal = _linked(session, client)
    for who in (people["analyst"], people["admin"], people["auditor"], None):
        with pytest.raises(PermissionDenied):
            confirm_link(session=session, signal_id=signal.id, actor=who)
    before = event_count(session)
    done = confirm_link(
        session=session, signal_id=signal.id, actor="rita", reason="the raid named them"
    )
    assert done.signal.link_reviewed_by == "rita" and done.signal.link_reviewed_at is not None
    assert done.assessments == []  # the record did not change
    assert event_count(session) == before + 1
    (event,) = last_events(session, 1)
    assert event.action == "signal.link_confirmed" and event.actor == "rita"
    assert event.client_id == client.id and event.object_id == str(signal.id)
    assert event.before is not None and event.after is not None
    assert event.before["link_reviewed_by"] is None and event.after["link_reviewed_by"] == "rita"
    assert event.after["how"] == (
        "headline mention of 'Acme Trading Ltd', 2 mentions; link confirmed by rita"
    )
    with pytest.raises(ConflictError, match="confirmed by rita already"):
        confirm_link(session=session, signal_id=signal.id, actor="sam")
    assert signal not in links_to_review(session=session)


def test_an_ambiguous_signal_is_resolved_by_relinking_to_a_candidate(
    session: Session, people: dict[str, str]
) -> None:
    a = make_client(session, name="Orion Logistics", country="DE")
    b = make_client(session, name="Orion Logistics", country="US")
    signal = _ambiguous(session, a, b)
    assert signal in links_to_review(session=session)
    (item,) = [i for i in review_queue(session=session) if i.kind == "link_review"]
    assert item.signal_id == signal.id and item.client_ref == a.external_ref
    assert f"could be about {a.external_ref}, {b.external_ref}" in item.note
    with pytest.raises(ConflictError, match="ambiguous"):
        confirm_link(session=session, signal_id=signal.id, actor="rita")
    with pytest.raises(InputError, match="reason"):
        relink(
            session=session,
            signal_id=signal.id,
            client_ref=b.external_ref,
            actor="rita",
            reason=" ",
        )
    with pytest.raises(PermissionDenied):
        relink(
            session=session,
            signal_id=signal.id,
            client_ref=b.external_ref,
            actor="ana",
            reason="US story",
        )
    done = relink(
        session=session,
        signal_id=signal.id,
        client_ref=b.external_ref,
        actor="rita",
        reason="the US firm",
    )
    assert signal.client_id == b.id and signal.link_status == LinkStatus.LINKED
    assert signal.link_reviewed_by == "rita"
    # the candidate's evidence became the link's, with the reviewer's word on it
    assert signal.link_evidence is not None
    assert signal.link_evidence["mention"] == "Orion Logistics"
    assert signal.link_evidence["reviewer"] == "re-linked by rita: the US firm"
    assert (
        describe_link(signal)
        == "headline mention of 'Orion Logistics', 2 mentions; re-linked by rita"
    )
    assert [x.client_id for x in done.assessments] == [b.id]
    actions = [e.action for e in last_events(session, 2)]
    assert actions == ["signal.relinked", "assessment.created"]
    relinked = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "signal.relinked")
    ).one()
    assert relinked.before is not None and relinked.after is not None
    assert relinked.before["link_status"] == "ambiguous" and relinked.before["client"] is None
    assert relinked.after["client"] == b.external_ref and relinked.after["reason"] == "the US firm"
    assert signal not in links_to_review(session=session)
    assert not [i for i in review_queue(session=session) if i.kind == "link_review"]


def test_relink_through_a_party_clears_the_previous_clients_verdict(
    session: Session, people: dict[str, str]
) -> None:
    wrong = make_client(session, name="John Doe Holdings")
    right = make_client(session, name="Blue Harbor Shipping")
    owner = make_party(session, right, name="John Doe", role=PartyRole.OWNER)
    signal = _linked(
        session,
        wrong,
        review_status=ReviewStatus.CONFIRMED,
        reviewed_by="sam",
        review_reason="looks right",
    )
    with pytest.raises(InputError, match="has no party 'Jane Roe'"):
        relink(
            session=session,
            signal_id=signal.id,
            client_ref=right.external_ref,
            party="Jane Roe",
            actor="rita",
            reason="x",
        )
    done = relink(
        session=session,
        signal_id=signal.id,
        client_ref=right.external_ref,
        party="john doe",
        actor="rita",
        reason="about the shipping firm's owner",
    )
    assert signal.client_id == right.id and signal.link_party_id == owner.id
    assert signal.review_status == ReviewStatus.UNREVIEWED and signal.reviewed_by is None
    assert sorted(a.client_id for a in done.assessments) == sorted([wrong.id, right.id])
    assert "about its owner John Doe" in describe_link(signal)
    view = link_dict(signal)
    assert view["party"] == "John Doe" and view["party_role"] == "owner"
    with pytest.raises(ConflictError, match="that way already"):
        relink(
            session=session,
            signal_id=signal.id,
            client_ref=right.external_ref,
            party=owner.id,
            actor="sam",
            reason="x",
        )


def test_reject_link_unlinks_and_is_never_made_again(
    session: Session, people: dict[str, str]
) -> None:
    client = make_client(session, name="Meridian Shipping Company")
    signal = make_signal(
        session,
        None,
        title="Meridian Shipping Company charged with smuggling",
        subject_name="Meridian Shipping Company",
    )
    # the linker links it by its subject name
    assert link_signals(session=session, signals=[signal], actor="system").linked == 1
    assert signal.client_id == client.id
    with pytest.raises(PermissionDenied):
        reject_link(session=session, signal_id=signal.id, actor="ana", reason="namesake")
    with pytest.raises(InputError, match="reason"):
        reject_link(session=session, signal_id=signal.id, actor="rita", reason="")
    done = reject_link(
        session=session, signal_id=signal.id, actor="rita", reason="a namesake in Greece"
    )
    assert signal.client_id is None and signal.link_status == LinkStatus.UNLINKED
    assert signal.link_evidence is None and signal.link_reviewed_by is None
    assert [a.client_id for a in done.assessments] == [client.id]
    rejection = session.scalars(select(SignalLinkRejection)).one()
    assert (rejection.signal_id, rejection.client_id) == (signal.id, client.id)
    assert rejection.rejected_by == "rita" and rejection.reason == "a namesake in Greece"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "signal.link_rejected")
    ).one()
    assert event.before is not None and event.after is not None
    assert event.before["client"] == client.external_ref and event.after["client"] is None
    assert event.after["rejected_client"] == client.external_ref
    # linking again does not make the rejected link
    result = link_signals(session=session, signals=[signal], actor="system")
    assert result.linked == 0 and signal.client_id is None
    with pytest.raises(ConflictError, match="rejected already"):
        reject_link(
            session=session,
            signal_id=signal.id,
            actor="sam",
            reason="again",
            client_ref=client.external_ref,
        )
    with pytest.raises(InputError, match="rejected"):
        relink(
            session=session,
            signal_id=signal.id,
            client_ref=client.external_ref,
            actor="sam",
            reason="it was them",
        )


def test_rejecting_one_candidate_leaves_the_others_ambiguous(
    session: Session, people: dict[str, str]
) -> None:
    a = make_client(session, name="Orion Freight")
    b = make_client(session, name="Orion Freight Group")
    c = make_client(session, name="Orion Freight Lines")
    signal = _ambiguous(session, a, b, c)
    done = reject_link(
        session=session,
        signal_id=signal.id,
        actor="rita",
        reason="a is domestic only",
        client_ref=a.external_ref,
    )
    assert done.assessments == []  # it was linked to nobody
    assert signal.link_status == LinkStatus.AMBIGUOUS
    refs = [x.get("client") for x in signal.link_candidates or [] if x.get("client")]
    assert refs == [b.external_ref, c.external_ref]
    # linked to b by a reviewer, then b rejected: c remains, so it is ambiguous again
    relink(
        session=session,
        signal_id=signal.id,
        client_ref=b.external_ref,
        actor="sam",
        reason="their logo",
    )
    reject_link(session=session, signal_id=signal.id, actor="rita", reason="the logo is c's")
    assert signal.client_id is None and signal.link_status == LinkStatus.AMBIGUOUS
    assert [x.get("client") for x in signal.link_candidates or [] if x.get("client")] == [
        c.external_ref
    ]
    reject_link(
        session=session, signal_id=signal.id, actor="rita", reason="none", client_ref=c.external_ref
    )
    assert signal.link_status == LinkStatus.UNLINKED and signal.link_candidates is None
    with pytest.raises(InputError, match="name the candidate"):
        reject_link(session=session, signal_id=signal.id, actor="rita", reason="x")
    with pytest.raises(NotFoundError):
        reject_link(session=session, signal_id=999_999, actor="rita", reason="x")


def test_ambiguous_links_come_first_then_the_oldest(session: Session) -> None:
    """A reviewer sees first what links nothing until they decide (ambiguous items), then the
    linker's unconfirmed links, oldest first within each."""
    from datetime import date

    a = make_client(session, name="Orion Logistics", country="DE")
    b = make_client(session, name="Orion Logistics", country="US")
    c = make_client(session, name="Vega Freight")
    old_link = _linked(session, c, published_at=date(2010, 1, 1))
    new_link = _linked(session, c, published_at=date(2020, 1, 1))
    new_ambiguous = _ambiguous(session, a, b, published_at=date(2024, 1, 1))
    old_ambiguous = _ambiguous(session, a, b, published_at=date(2015, 1, 1))
    order = [s.id for s in links_to_review(session=session)]
    assert order == [old_ambiguous.id, new_ambiguous.id, old_link.id, new_link.id]


def test_a_rejection_made_in_error_is_withdrawn_and_the_linker_links_again(
    session: Session, people: dict[str, str]
) -> None:
    client = make_client(session, name="Meridian Shipping Company")
    other = make_client(session, name="Vega Freight")
    signal = make_signal(
        session,
        None,
        title="Meridian Shipping Company charged with smuggling",
        text="Prosecutors charged Meridian Shipping Company on Monday.",
    )
    assert link_signals(session=session, signals=[signal], actor="system").linked == 1
    reject_link(session=session, signal_id=signal.id, actor="rita", reason="clicked the wrong row")
    assert signal.client_id is None
    (listed,) = rejected_links(session=session)
    assert (listed.signal, listed.rejected_client, listed.rejected_by) == (
        signal.id,
        client.external_ref,
        "rita",
    )
    assert listed.reason == "clicked the wrong row" and listed.status == "unlinked"
    with pytest.raises(PermissionDenied):
        unreject_link(session=session, signal_id=signal.id, actor="ana", reason="mistake")
    with pytest.raises(InputError, match="reason"):
        unreject_link(session=session, signal_id=signal.id, actor="sam", reason=" ")
    with pytest.raises(ConflictError, match=f"no reviewer rejected {other.external_ref}"):
        unreject_link(
            session=session,
            signal_id=signal.id,
            actor="sam",
            reason="mistake",
            client_ref=other.external_ref,
        )
    before = event_count(session)
    done = unreject_link(
        session=session, signal_id=signal.id, actor="sam", reason="rita clicked the wrong row"
    )
    # the rejection is gone and the linker linked it again at once (awaiting confirmation)
    assert session.scalars(select(SignalLinkRejection)).all() == []
    assert rejected_links(session=session) == []
    assert done.signal.client_id == client.id and signal.link_status == LinkStatus.LINKED
    assert signal.link_reviewed_by is None and signal in links_to_review(session=session)
    assert signal.link_evidence is not None and signal.link_evidence["where"] == "headline"
    assert [a.client_id for a in done.assessments] == [client.id]
    actions = [e.action for e in last_events(session, event_count(session) - before)]
    assert actions == ["signal.link_unrejected", "signal.linked", "assessment.created"]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "signal.link_unrejected")
    ).one()
    assert event.actor == "sam" and event.client_id == client.id
    assert event.before is not None and event.after is not None
    assert event.before["rejection"]["rejected_by"] == "rita"
    assert event.before["rejection"]["reason"] == "clicked the wrong row"
    assert event.after["reason"] == "rita clicked the wrong row"
    assert event.after["unrejected_client"] == client.external_ref
    with pytest.raises(InputError, match="has no rejected link"):
        unreject_link(session=session, signal_id=signal.id, actor="sam", reason="again")


def test_withdrawing_one_of_several_rejections_names_the_client(
    session: Session, people: dict[str, str]
) -> None:
    a = make_client(session, name="Orion Freight")
    b = make_client(session, name="Orion Freight Group")
    c = make_client(session, name="Orion Freight Lines")
    signal = _ambiguous(session, a, b, c)
    reject_link(
        session=session, signal_id=signal.id, actor="rita", reason="x", client_ref=a.external_ref
    )
    reject_link(
        session=session, signal_id=signal.id, actor="rita", reason="y", client_ref=b.external_ref
    )
    relink(
        session=session,
        signal_id=signal.id,
        client_ref=c.external_ref,
        actor="rita",
        reason="their logo",
    )
    with pytest.raises(InputError, match=f"rejected links to {a.external_ref}, {b.external_ref}"):
        unreject_link(session=session, signal_id=signal.id, actor="sam", reason="mistake")
    done = unreject_link(
        session=session,
        signal_id=signal.id,
        actor="sam",
        reason="a was struck out by mistake",
        client_ref=a.external_ref,
    )
    # linked to c by a reviewer meanwhile: the link stays, only the rejection of a goes
    assert done.signal.client_id == c.id and signal.link_reviewed_by == "rita"
    assert done.assessments == []  # no client's record changed
    assert [r.rejected_client for r in rejected_links(session=session)] == [b.external_ref]
    assert [r.client for r in rejected_links(session=session)] == [c.external_ref]
    with pytest.raises(NotFoundError):
        unreject_link(session=session, signal_id=999_999, actor="sam", reason="x")
