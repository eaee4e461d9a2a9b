"""Showing news links costs a fixed number of SQL statements, whatever the number of signals
linked through parties: the parties (and clients) they were linked through are loaded in one
query, not one look-up per signal (the links to review, the client report)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from duediligence.db.enums import PartyRole
from duediligence.db.models import Client
from duediligence.reporting.context import client_report
from duediligence.review.links import link_dict, links_to_review
from duediligence.risk import assess_client
from tests.factories import make_client, make_party, make_party_linked_signal
from tests.reporting.test_reports_read import statements


def _client_with_party_links(session: Session, ref: str, parties: int) -> Client:
    """A client with ``parties`` owners, each the subject of one party-linked article."""
    client = make_client(session, external_ref=ref, name=f"{ref} Holdings")
    for i in range(parties):
        owner = make_party(session, client, name=f"Owner{i} {ref.title()}", role=PartyRole.OWNER)
        make_party_linked_signal(
            session,
            client,
            owner,
            sentence=f"Police questioned {owner.name}.",
            count=1,
            reasons=["headline mention"],
            title=f"{owner.name} questioned over bribes",
            published_at=date(2020, 1, 1) + timedelta(days=i),
            label="corruption",
        )
    return client


def test_links_to_review_load_clients_and_parties_in_bulk(session: Session) -> None:
    def listing() -> tuple[int, list[str | None]]:
        session.expire_all()
        with statements(session) as log:
            views = [link_dict(s) for s in links_to_review(session=session)]
        return len(log), [v["party"] for v in views]

    _client_with_party_links(session, "FEW", 2)
    session.commit()
    few, parties = listing()
    assert len(parties) == 2 and all(parties)
    for i in range(8):  # more clients, more parties
        _client_with_party_links(session, f"MANY{i}", 3)
    session.commit()
    many, parties = listing()
    assert len(parties) == 26 and all(parties)
    assert many == few, (few, many)


def test_client_report_loads_linked_parties_in_bulk(session: Session) -> None:
    sent = {}
    for ref, n in (("FEWR", 2), ("MANYR", 20)):
        client = _client_with_party_links(session, ref, n)
        session.commit()
        assessment = assess_client(
            session=session, client=client.id, as_of=date(2024, 1, 1), actor="system"
        )
        session.commit()
        session.expire_all()
        with statements(session) as log:
            ctx = client_report(session=session, assessment=assessment)
        sent[ref] = len(log)
        abouts = [s["link"]["about"] for group in ctx["adverse_media"].values() for s in group]
        assert len(abouts) == n and all(a and a.startswith("about its owner") for a in abouts)
    assert sent["MANYR"] == sent["FEWR"], sent
