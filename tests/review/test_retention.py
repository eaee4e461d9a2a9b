"""Retention purge: person parties of long-offboarded clients are pseudonymised, nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import is_redacted, record_event, verify_chain
from duediligence.db.enums import ClientStatus, PartyKind
from duediligence.db.models import Assessment, AuditEvent, ScreeningMatch
from duediligence.errors import PermissionDenied
from duediligence.jsonutil import canonical_json
from duediligence.review.retention import purge_personal_data, years_before
from tests.factories import (
    make_assessment,
    make_client,
    make_entity,
    make_party,
    make_watchlist,
)
from tests.review.conftest import event_count, last_events

BEFORE = date(2026, 6, 1)


@pytest.fixture
def roster(session: Session, people: dict) -> dict:
    """An old offboarded client (purge), a recent one and an active one (keep)."""
    old = make_client(
        session, status=ClientStatus.OFFBOARDED, offboarded_on=date(2020, 5, 31), name="Old Co"
    )
    recent = make_client(
        session, status=ClientStatus.OFFBOARDED, offboarded_on=date(2021, 6, 1), name="Recent Co"
    )
    active = make_client(session, name="Active Co")
    person = make_party(
        session, old, name="Ivana Petrova", birth_date=date(1970, 1, 2), country="BG"
    )
    company = make_party(session, old, name="Holding Ltd", kind=PartyKind.COMPANY)
    kept = [make_party(session, c, name=f"Kept Person {c.id}") for c in (recent, active)]
    assessment = make_assessment(session, old, features={"x": 1.0})
    snapshot = make_watchlist(session)
    entity = make_entity(session, snapshot, "Ivana PETROVA")
    match = ScreeningMatch(
        client_id=old.id,
        party_id=person.id,
        subject_key=f"party:{person.id}",
        subject_name=person.name,
        entity_id=entity.id,
        snapshot_id=snapshot.id,
        score=0.93,
        explanation={"name": "Ivana Petrova ~ Ivana PETROVA"},
        matcher_version="test",
        subject_hash="a" * 64,
    )
    session.add(match)
    session.flush()
    mention = record_event(
        session=session,
        actor="ana",
        action="match.created",
        object_type="screening_match",
        client_id=old.id,
        after={"subject": "IVANA PETROVA", "entity": "Ivana PETROVA"},
    )
    plain = record_event(
        session=session,
        actor="ana",
        action="client.updated",
        object_type="client",
        client_id=old.id,
        after={"industry": "software"},
    )
    session.commit()
    return {
        "old": old,
        "person": person,
        "company": company,
        "kept": kept,
        "assessment": assessment,
        "match": match,
        "mention": mention.sequence,
        "plain": plain.sequence,
    }


def test_years_before_handles_leap_day() -> None:
    assert years_before(date(2024, 2, 29), 5) == date(2019, 2, 28)
    assert years_before(BEFORE, 5) == date(2021, 6, 1)


def test_dry_run_changes_nothing(session: Session, roster: dict) -> None:
    n = event_count(session)
    result = purge_personal_data(session=session, before=BEFORE, dry_run=True, actor=None)
    assert result.dry_run and result.parties == 1 and result.matches == 1
    assert result.clients == [roster["old"].external_ref]
    assert result.redacted_events == [roster["mention"]]
    session.commit()
    assert event_count(session) == n
    assert roster["person"].name == "Ivana Petrova"


def test_purge_pseudonymises_and_keeps_the_chain(session: Session, roster: dict) -> None:
    person = roster["person"]
    frozen = canonical_json(
        {
            k: getattr(roster["assessment"], k)
            for k in ("probability", "tier", "features", "explanation", "inputs_hash")
        }
    )
    result = purge_personal_data(session=session, before=BEFORE, actor="admin")
    session.commit()
    assert result.parties == 1
    assert person.name == f"Pseudonymised person {person.id}"
    assert person.birth_date is None and person.country is None
    assert person.pseudonymised_at is not None
    assert roster["company"].name == "Holding Ltd"
    assert all(p.name.startswith("Kept Person") for p in roster["kept"])
    match = roster["match"]
    assert "Petrova" not in canonical_json([match.subject_name, match.explanation])
    stored = session.get(Assessment, roster["assessment"].id)
    assert stored is not None
    assert frozen == canonical_json(
        {
            k: getattr(stored, k)
            for k in ("probability", "tier", "features", "explanation", "inputs_hash")
        }
    )
    events = {e.sequence: e for e in session.scalars(select(AuditEvent))}
    assert is_redacted(events[roster["mention"]].after)
    assert not is_redacted(events[roster["plain"]].after)
    everything = canonical_json([[e.before, e.after] for e in events.values()]).casefold()
    assert "petrova" not in everything
    (purge_event,) = last_events(session, 1)
    assert purge_event.action == "retention.purged" and purge_event.actor == "admin"
    assert purge_event.after is not None
    assert purge_event.after["redacted_events"] == [roster["mention"]]
    report = verify_chain(session=session)
    assert report.ok and report.redacted == 1
    # Idempotent: nothing left to purge, no new event.
    n = event_count(session)
    again = purge_personal_data(session=session, before=BEFORE, actor="admin")
    assert again.parties == 0 and event_count(session) == n


def test_only_admins_purge(session: Session, roster: dict) -> None:
    for actor in ("rita", "audrey", "ana", None):
        with pytest.raises(PermissionDenied):
            purge_personal_data(session=session, before=BEFORE, actor=actor)
    assert roster["person"].pseudonymised_at is None


def test_nothing_old_enough(session: Session, roster: dict) -> None:
    result = purge_personal_data(session=session, before=date(2025, 5, 31), actor="admin")
    assert result.parties == 0 and result.clients == []
