"""The factories produce rows the schema accepts (on both backends)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import (
    make_assessment,
    make_client,
    make_engagement,
    make_entity,
    make_party,
    make_signal,
    make_watchlist,
)


def test_factories_roundtrip(session: Session) -> None:
    client = make_client(session)
    make_party(session, client)
    make_engagement(session, client)
    make_signal(session, client)
    snap = make_watchlist(session)
    make_entity(session, snap, "JOHN DOE")
    make_assessment(session, client)
    session.commit()
    assert len(client.parties) == 1
    assert client.signals[0].client_id == client.id
