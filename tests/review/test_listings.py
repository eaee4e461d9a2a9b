"""The read models the web app lists: roster paging, alerts, audit paging, signal review."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from duediligence.db.enums import ClientStatus, MatchStatus, Tier
from duediligence.errors import InputError
from duediligence.review import listings as queries
from tests.factories import (
    make_assessment,
    make_client,
    make_entity,
    make_watchlist,
)


def test_roster_page_filters_sorts_and_counts(session: Session) -> None:
    a = make_client(session, name="Alpha Widgets", external_ref="R-1")
    b = make_client(session, name="beta Widgets", external_ref="R-2", status=ClientStatus.PROSPECT)
    make_client(session, name="Gamma Gadgets", external_ref="R-3")  # never assessed
    make_assessment(session, a, tier=Tier.LOW, probability=0.1)
    make_assessment(session, a, tier=Tier.HIGH, probability=0.9)  # the newest one counts
    make_assessment(session, b, tier=Tier.MEDIUM, probability=0.4)
    page = queries.roster_page(session=session)
    assert [r.external_ref for r in page.rows] == ["R-1", "R-2", "R-3"]  # riskiest first
    assert page.rows[0].tier == "high" and page.rows[2].tier is None
    assert page.tier_counts == {"high": 1, "medium": 1, "unassessed": 1}
    widgets = queries.roster_page(session=session, text="WIDGETS", sort="name", descending=True)
    assert [r.name for r in widgets.rows] == ["beta Widgets", "Alpha Widgets"]
    assert [
        r.external_ref for r in queries.roster_page(session=session, tier=Tier.MEDIUM).rows
    ] == ["R-2"]
    prospects = queries.roster_page(session=session, status=ClientStatus.PROSPECT)
    assert [r.external_ref for r in prospects.rows] == ["R-2"]
    paged = queries.roster_page(session=session, sort="ref", per_page=25, page=2)
    assert paged.rows == [] and paged.total == 3 and paged.pages == 1
    with pytest.raises(InputError):
        queries.roster_page(session=session, sort="nonsense")
    with pytest.raises(InputError):
        queries.roster_page(session=session, per_page=7)


def test_alerts_are_pending_matches_and_undecided_high_risk(session: Session) -> None:
    from duediligence.db.models import ScreeningMatch

    risky = make_client(session, name="Risky Co", external_ref="A-1")
    calm = make_client(session, name="Calm Co", external_ref="A-2")
    gone = make_client(session, name="Gone Co", external_ref="A-3", status=ClientStatus.OFFBOARDED)
    make_assessment(session, risky, tier=Tier.HIGH, probability=0.9)
    make_assessment(session, calm, tier=Tier.LOW)
    make_assessment(session, gone, tier=Tier.PROHIBITED, probability=1.0)
    snapshot = make_watchlist(session)
    entity = make_entity(session, snapshot, "Calm Company", schema="Company")
    match = ScreeningMatch(
        client_id=calm.id,
        subject_key=f"client:{calm.id}",
        subject_name="Calm Co",
        entity_id=entity.id,
        snapshot_id=snapshot.id,
        score=0.91,
        matcher_version="test",
        status=MatchStatus.PENDING,
    )
    session.add(match)
    session.flush()
    items, total = queries.alerts(session=session)
    kinds = sorted((i.kind, i.client_ref) for i in items)
    assert kinds == [("high_risk_undecided", "A-1"), ("watchlist_match", "A-2")]
    assert total == 2
    match.status = MatchStatus.DISMISSED
    session.flush()
    items, total = queries.alerts(session=session)
    assert [(i.kind, i.client_ref) for i in items] == [("high_risk_undecided", "A-1")]


def test_audit_page_filters(session: Session) -> None:
    from duediligence.audit.trail import record_event

    client = make_client(session)
    for n in range(3):
        record_event(
            session=session, actor="rita", action="thing.done", object_type="x", object_id=n
        )
    record_event(
        session=session, actor="sam", action="other.done", object_type="x", client_id=client.id
    )
    everything = queries.audit_page(session=session, per_page=2)
    assert everything.total == 4 and everything.pages == 2
    assert [e.action for e in everything.events] == ["other.done", "thing.done"]  # newest first
    assert queries.audit_page(session=session, actor="rita").total == 3
    assert queries.audit_page(session=session, action="other").total == 1
    assert queries.audit_page(session=session, client_id=client.id).events[0].actor == "sam"
    assert queries.chain_status(session=session).intact
    assert "4 events" in queries.chain_status(session=session).message
