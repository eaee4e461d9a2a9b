"""The sanction signal a confirmed match records, on the client page: it is reviewed through
its match, so the page offers no signal verdict or link buttons for it (they could only fail,
or leave the signal disagreeing with the match) and says which match it follows."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from duediligence.db.enums import PartyKind
from duediligence.db.models import ScreeningMatch
from duediligence.db.session import session_scope
from duediligence.matching import screen_clients
from duediligence.review.verdicts import decide_match
from tests.factories import make_client, make_entity, make_party, make_signal, make_watchlist

AsUser = Callable[[str], tuple[TestClient, str]]


def _signal_row(page: str, signal_id: int) -> str:
    row = re.search(rf'<tr id="signal-{signal_id}">(.*?)</tr>', page, re.S)
    assert row, f"no row for signal {signal_id}"
    return row.group(1)


def test_a_match_sanction_signal_is_reviewed_through_its_match(
    seeded_engine: Engine, as_user: AsUser
) -> None:
    with session_scope(seeded_engine) as session:
        snap = make_watchlist(session, "page-sdn")
        make_entity(session, snap, "KOVALCHUK, Yuri Valentinovich", programs=["UKRAINE-EO13661"])
        client = make_client(session, external_ref="UF-001", name="Baltika Freight OOO")
        make_party(session, client, name="Yuri Valentinovich Kovalchuk", kind=PartyKind.PERSON)
        news = make_signal(session, client)
        session.flush()
        news_id = news.id
        screen_clients(session=session, actor="system", client_ids=[client.id])
        match = session.scalars(
            select(ScreeningMatch).where(ScreeningMatch.client_id == client.id)
        ).one()
        verdict = decide_match(
            session=session, match_id=match.id, confirm=True, reason="same man", actor="rita"
        )
        assert verdict.signal is not None
        match_id, signal_id = match.id, verdict.signal.id
    rita, csrf = as_user("rita")
    page = rita.get("/clients/UF-001").text
    row = _signal_row(page, signal_id)
    assert f"from screening match {match_id} (confirmed by rita)" in row
    assert f'href="#match-{match_id}"' in row
    assert "link not reviewed" not in row and "Reject link" not in row
    assert f"/signals/{signal_id}" not in row  # no verdict or link form for it
    # An ordinary signal keeps its buttons.
    assert f"/clients/UF-001/signals/{news_id}" in _signal_row(page, news_id)
    # Posting a verdict directly is refused with the match to review.
    refused = rita.post(
        f"/clients/UF-001/signals/{signal_id}",
        data={"verdict": "dismiss", "reason": "x", "csrf_token": csrf},
    )
    assert refused.status_code == 409 and f"match {match_id}" in refused.text
