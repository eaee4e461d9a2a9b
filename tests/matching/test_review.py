"""Roster screening across list updates, decisions, and the signal a confirmed match becomes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, MatchStatus, PartyKind, SignalKind
from duediligence.db.models import (
    AuditEvent,
    ScreeningMatch,
    Signal,
    WatchlistEntity,
    WatchlistSnapshot,
)
from duediligence.errors import ConflictError, InputError, NotFoundError
from duediligence.matching import (
    MATCHER_VERSION,
    list_matches,
    screen,
    screen_clients,
)
from duediligence.review.verdicts import decide_match
from tests.factories import make_client, make_entity, make_party, make_reviewer, make_watchlist


def _setup(session: Session) -> tuple[WatchlistSnapshot, WatchlistEntity]:
    snap = make_watchlist(session, "test-sdn")
    entity = make_entity(
        session,
        snap,
        "SALEK, Abdulhai",
        source_id="100",
        birth_dates=["1970-05-01"],
        countries=["AF"],
        listed_on=date(2019, 3, 4),
        listed_on_source="test LISTED_ON",
    )
    client = make_client(session, name="Kabul Traders")
    make_party(session, client, name="Abdulhai Salek", kind=PartyKind.PERSON)
    session.commit()
    return snap, entity


def _new_snapshot(session: Session, snap: WatchlistSnapshot, entity: WatchlistEntity) -> None:
    """A later import of the same list in which ``entity`` is still listed."""
    newer = WatchlistSnapshot(
        watchlist_id=snap.watchlist_id, version="test-2", source_sha256="b" * 64
    )
    session.add(newer)
    session.flush()
    entity.last_seen_snapshot_id = newer.id
    session.commit()


def test_dismissed_match_survives_a_new_list_version_when_the_entry_is_unchanged(
    session: Session,
) -> None:
    snap, entity = _setup(session)
    screen_clients(session=session, actor="ann")
    match = session.scalars(select(ScreeningMatch)).one()
    assert match.matcher_version == MATCHER_VERSION and match.snapshot_id == snap.id
    decide_match(
        session=session,
        match_id=match.id,
        confirm=False,
        reason="born 1982, not him",
        actor=make_reviewer(session, "ann"),
    )
    session.commit()
    _new_snapshot(session, snap, entity)
    again = screen_clients(session=session, actor="ann")
    assert (again.kept_dismissed, again.reopened, again.new_matches) == (1, 0, 0)
    assert session.get(ScreeningMatch, match.id).status == MatchStatus.DISMISSED


def test_dismissed_match_realerts_when_the_list_entry_changes(session: Session) -> None:
    snap, entity = _setup(session)
    screen_clients(session=session, actor="ann")
    match = session.scalars(select(ScreeningMatch)).one()
    decide_match(
        session=session,
        match_id=match.id,
        confirm=False,
        reason="not him",
        actor=make_reviewer(session, "ann"),
    )
    session.commit()
    entity.content_hash = "c" * 64  # the list now says something else about the entry
    entity.birth_dates = ["1971-01-01"]
    _new_snapshot(session, snap, entity)
    result = screen_clients(session=session, actor="ann")
    assert result.reopened == 1
    reopened = session.get(ScreeningMatch, match.id)
    assert reopened.status == MatchStatus.PENDING
    assert reopened.snapshot_id != snap.id  # refers to the list version that re-alerted
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "match.reopened")).one()
    assert event.before is not None and event.before["reason"] == "not him"


def test_pending_match_is_updated_not_duplicated(session: Session) -> None:
    _setup(session)
    assert screen_clients(session=session, actor="ann").new_matches == 1
    second = screen_clients(session=session, actor="ann")
    assert (second.new_matches, second.unchanged) == (0, 1)
    assert len(list_matches(session=session)) == 1
    assert len(list_matches(session=session, status=MatchStatus.PENDING)) == 1
    assert list_matches(session=session, status=MatchStatus.CONFIRMED) == []


def test_confirmed_sanctions_match_becomes_a_dated_signal(session: Session) -> None:
    _setup(session)
    screen_clients(session=session, actor="ann")
    match = session.scalars(select(ScreeningMatch)).one()
    bob = make_reviewer(session, "bob")
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same DOB and nationality",
        actor=bob,
    )
    session.commit()
    signal = session.scalars(select(Signal).where(Signal.kind == SignalKind.SANCTION)).one()
    assert signal.client_id == match.client_id
    assert signal.published_at == date(2019, 3, 4)  # the listing date, not today
    assert signal.link_status == LinkStatus.LINKED
    assert "test-sdn" in signal.title
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["match.confirmed", "signal.created", "assessment.created"]
    # Deciding again the same way is refused; the signal is not duplicated.
    with pytest.raises(ConflictError):
        decide_match(session=session, match_id=match.id, confirm=True, reason="again", actor=bob)


def test_confirmed_match_on_a_non_sanctions_list_makes_no_sanction_signal(
    session: Session,
) -> None:
    snap = make_watchlist(session, "peps")
    make_entity(session, snap, "Abdulhai Salek", topics=["role.pep"])
    client = make_client(session, name="Kabul Traders")
    make_party(session, client, name="Abdulhai Salek", kind=PartyKind.PERSON)
    session.commit()
    screen_clients(session=session, actor="ann")
    match = session.scalars(select(ScreeningMatch)).one()
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="is the minister",
        actor=make_reviewer(session),
    )
    assert session.scalars(select(Signal)).all() == []


def test_decisions_need_a_reason_and_an_existing_match(session: Session) -> None:
    _setup(session)
    screen_clients(session=session, actor="ann")
    match = session.scalars(select(ScreeningMatch)).one()
    ann = make_reviewer(session, "ann")
    with pytest.raises(InputError):
        decide_match(session=session, match_id=match.id, confirm=False, reason="  ", actor=ann)
    with pytest.raises(NotFoundError):
        decide_match(session=session, match_id=9999, confirm=False, reason="x", actor=ann)


def test_secondary_identifiers_are_explained(session: Session) -> None:
    _setup(session)
    plain = screen(session=session, name="Abdulhai Salek", schema="Person")[0]
    assert plain.adjustments == [] and plain.explanation
    older = screen(
        session=session, name="Abdulhai Salek", schema="Person", birth_date="1950", threshold=0
    )
    assert older[0].score < plain.score
    assert older[0].adjustments == ["birth year 1950 differs from the list's 1970 (-0.25)"]
    same = screen(session=session, name="Abdulhai Salek", schema="Person", birth_date="1970-05-01")[
        0
    ]
    assert same.score > plain.score or same.score == 1.0
    assert "birth year 1970 matches" in same.adjustments[0]
    country = screen(session=session, name="Abdulhai Salek", schema="Person", country="af")[0]
    assert "country AF matches (+0.03)" in country.adjustments
    elsewhere = screen(session=session, name="Abdulhai Salek", schema="Person", country="FR")[0]
    assert elsewhere.score == plain.score  # a different country is not evidence either way


def test_a_birth_year_does_not_turn_a_weak_name_match_into_a_hit(session: Session) -> None:
    snap = make_watchlist(session, "test-sdn")
    make_entity(
        session,
        snap,
        "JARRAYA, Khalil",
        names=["JARRAYA, Khalil", "OMAR"],  # a one-word weak alias, as OFAC lists them
        birth_dates=["1971"],
        countries=["TN"],
        identifiers=["P-778899"],
    )
    session.commit()
    weak = screen(session=session, name="Omar Fischer", schema="Person", threshold=0.0)
    assert weak and weak[0].name_score < 0.8 and weak[0].score == weak[0].name_score
    assert (
        screen(
            session=session, name="Omar Fischer", schema="Person", birth_date="1971", country="TN"
        )
        == []
    )
    # An ID number is decisive all the same.
    by_id = screen(session=session, name="Omar Fischer", schema="Person", identifiers=["P778899"])
    assert by_id and by_id[0].score == 1.0
