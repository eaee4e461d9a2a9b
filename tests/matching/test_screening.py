"""Screening on small lists made with factories; roster screening, decisions and linking."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, MatchStatus, PartyKind, SignalKind
from duediligence.db.models import AuditEvent, ScreeningMatch, Signal
from duediligence.matching import link_signals, screen, screen_batch, screen_clients
from duediligence.review.verdicts import decide_match
from tests.factories import (
    make_client,
    make_entity,
    make_party,
    make_reviewer,
    make_signal,
    make_watchlist,
)


def _lists(session: Session) -> None:
    snap = make_watchlist(session, "test-sdn")
    make_entity(
        session,
        snap,
        "SALEK, Abdulhai",
        source_id="100",
        birth_dates=["1970-05-01"],
        countries=["AF"],
        identifiers=["P1234567"],
    )
    make_entity(session, snap, "SALEK, Karim", source_id="101", birth_dates=["1985"])
    make_entity(
        session,
        snap,
        "BLUE OCEAN SHIPPING LLC",
        source_id="102",
        schema="Organization",
        names=["BLUE OCEAN SHIPPING LLC", "BOS LINES"],
    )
    session.commit()


def test_screen_name_with_secondary_identifiers(session: Session) -> None:
    _lists(session)
    hits = screen(session=session, name="Abdulhai Salek", schema="Person")
    assert [h.source_id for h in hits] == ["100"]
    assert hits[0].list_name == "test-sdn"
    older = screen(session=session, name="Abdulhai Salek", schema="Person", birth_date="1950")[0:1]
    assert not older or older[0].score < hits[0].score
    by_id = screen(
        session=session, name="A. Salek", schema="Person", identifiers=["P-1234567"], threshold=0.5
    )
    assert by_id and by_id[0].score == 1.0 and "decisive" in by_id[0].adjustments[0]
    country = screen(session=session, name="Abdulhai Salek", schema="Person", country="AF")[0]
    assert country.score >= hits[0].score and "country AF" in country.adjustments[0]
    assert screen(session=session, name="Karim Salek", schema="Person")[0].source_id == "101"
    # A person query never hits a company, and vice versa.
    assert screen(session=session, name="Blue Ocean Shipping", schema="Person") == []
    assert (
        screen(session=session, name="Blue Ocean Shipping Ltd", schema="Company")[0].source_id
        == "102"
    )


def test_batch_screening(session: Session, tmp_path: Path) -> None:
    _lists(session)
    queries = tmp_path / "q.csv"
    queries.write_text(
        "id,name,schema,birth_date,country\n1,Abdulhai Salek,Person,,\n"
        "2,Nobody Here,Person,,\n3,,Person,,\n4,Blue Ocean Shipping,Company,,\n"
    )
    out = tmp_path / "hits.csv"
    result = screen_batch(session=session, queries=queries, output=out)
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [
        "query_id",
        "query_name",
        "rank",
        "score",
        "list",
        "source_id",
        "entity_name",
        "explanation",
    ]
    assert {(r["query_id"], r["source_id"]) for r in rows} == {("1", "100"), ("4", "102")}
    assert result.queries == 3 and len(result.skipped) == 1


def test_roster_screening_dismissal_persists_and_reopens(session: Session) -> None:
    _lists(session)
    client = make_client(session, name="Kabul Traders")
    party = make_party(session, client, name="Abdulhai Salek", kind=PartyKind.PERSON)
    session.commit()
    first = screen_clients(session=session, actor="ann")
    assert first.new_matches == 1
    match = session.scalar(select(ScreeningMatch))
    assert match is not None and match.party_id == party.id and match.status == MatchStatus.PENDING
    decide_match(
        session=session,
        match_id=match.id,
        confirm=False,
        reason="different person",
        actor=make_reviewer(session),
    )
    session.commit()
    again = screen_clients(session=session, actor="ann")
    assert again.kept_dismissed == 1 and again.new_matches == 0
    assert session.get(ScreeningMatch, match.id).status == MatchStatus.DISMISSED
    party.birth_date = date(1970, 5, 1)  # the subject's data changed: re-alert
    session.commit()
    third = screen_clients(session=session, actor="ann")
    assert third.reopened == 1
    assert session.get(ScreeningMatch, match.id).status == MatchStatus.PENDING
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"match.created", "match.dismissed", "match.reopened"} <= actions


def test_confirmed_sanctions_match_becomes_signal(session: Session) -> None:
    _lists(session)
    client = make_client(session, name="Blue Ocean Shipping LLC")
    session.commit()
    screen_clients(session=session, actor="ann")
    match = session.scalar(select(ScreeningMatch))
    assert match is not None
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same company and address",
        actor=make_reviewer(session),
    )
    signal = session.scalar(select(Signal).where(Signal.kind == SignalKind.SANCTION))
    assert signal is not None and signal.client_id == client.id


def test_link_signals(session: Session) -> None:
    a = make_client(session, name="Quarry Manufacturing", country="DE")
    make_client(session, name="Harbor Logistics", country="US")
    make_client(session, name="Harbor Logistics Ltd", country="GB")
    clear = make_signal(
        session, None, subject_name="Quarry Manufacturing GmbH", title="Quarry Manufacturing fined"
    )
    ambiguous = make_signal(session, None, subject_name="Harbor Logistics", title="x")
    elsewhere = make_signal(
        session,
        None,
        subject_name="Quarry Manufacturing",
        title="Fraud charges",
        text="The company is registered in Spain.",
    )
    nobody = make_signal(session, None, subject_name="Unknown Widgets", title="y")
    session.commit()
    result = link_signals(session=session, actor="ann")
    assert (result.linked, result.ambiguous, result.unlinked) == (1, 2, 1)
    assert clear.client_id == a.id and clear.link_status == LinkStatus.LINKED
    assert ambiguous.link_status == LinkStatus.AMBIGUOUS and ambiguous.client_id is None
    assert elsewhere.link_status == LinkStatus.AMBIGUOUS
    assert elsewhere.link_candidates[0]["reason"].startswith("the item places its subject in ES")
    assert nobody.link_status == LinkStatus.UNLINKED


def test_cli_screen_and_matches(cli: Any, session: Session) -> None:
    _lists(session)
    client = make_client(session, name="Kabul Traders")
    make_party(session, client, name="Abdulhai Salek", kind=PartyKind.PERSON)
    rita = make_reviewer(session)
    session.commit()
    result = cli("screen", "name", "Abdulhai Salek", "--schema", "Person", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["source_id"] == "100"
    assert cli("screen", "clients", "--as", rita).exit_code == 0
    listed = json.loads(cli("matches", "list", "--status", "pending", "--json").output)
    assert len(listed) == 1
    done = cli("matches", "dismiss", str(listed[0]["id"]), "--reason", "not him", "--as", rita)
    assert done.exit_code == 0, done.output
    again = cli("matches", "dismiss", str(listed[0]["id"]), "--reason", "not him", "--as", rita)
    assert again.exit_code == 1 and "already" in again.output
    missing = cli("matches", "confirm", "999", "--reason", "x", "--as", rita)
    assert missing.exit_code == 2
    assert session.scalar(select(func.count()).select_from(ScreeningMatch)) == 1


def test_snapshot_key_follows_new_snapshots_and_inactive_lists(session: Session) -> None:
    from duediligence.db.models import WatchlistSnapshot
    from duediligence.ingest.watchlists.loader import current_snapshot_ids
    from duediligence.matching.screening import _snapshot_key

    first = make_watchlist(session, "list-a")
    second = make_watchlist(session, "list-b")
    expected = tuple(sorted(current_snapshot_ids(session=session).values()))
    assert _snapshot_key(session=session) == expected == tuple(sorted([first.id, second.id]))
    newer = WatchlistSnapshot(watchlist_id=first.watchlist_id, version="2", source_sha256="0" * 64)
    session.add(newer)  # not flushed: the key flushes first, as an ORM query would
    assert _snapshot_key(session=session) == tuple(sorted([newer.id, second.id]))
    second.watchlist.active = False
    assert _snapshot_key(session=session) == (newer.id,)
    assert _snapshot_key(session=session) == tuple(
        sorted(current_snapshot_ids(session=session).values())
    )
