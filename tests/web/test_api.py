"""The JSON API: yente-shaped matching, a client's assessment and signals (with their link
evidence), alerts; Bearer tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from duediligence.db.enums import LinkStatus, PartyRole
from duediligence.db.session import session_scope
from duediligence.matching.screening import COMPATIBLE
from duediligence.review.links import relink
from duediligence.web.api import MatchableSchema, SignalLinkResponse
from tests.factories import make_client, make_party, make_party_linked_signal, make_signal


@pytest.fixture
def api(app: FastAPI, tokens: dict[str, str]) -> Iterator[TestClient]:
    """A client sending the analyst's token."""
    with TestClient(app, headers={"Authorization": f"Bearer {tokens['ana']}"}) as client:
        yield client


def test_match_is_shaped_like_yente(api: TestClient) -> None:
    body = {
        "queries": {
            "q1": {
                "schema": "Company",
                "properties": {"name": ["Backpage.com"], "country": ["us"]},
            },
            "q2": {
                "schema": "Person",
                "properties": {"name": ["Ivan Petrov Testovich"], "birthDate": ["1960-03-01"]},
            },
            "q3": {"schema": "Person", "properties": {"name": "Nobody Nowhere Whatsoever"}},
        }
    }
    response = api.post("/api/match/default", json=body, params={"limit": 3})
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == {"responses", "matcher", "limit"}
    assert data["limit"] == 3
    assert "name_similarity" in data["matcher"]
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200
    assert q1["query"]["schema"] == "Company"
    assert q1["total"]["relation"] == "eq"
    top = q1["results"][0]
    assert set(top) >= {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "score",
        "match",
        "features",
    }
    assert top["caption"] == "Backpage.com LLC"
    assert top["schema"] == "Company"
    assert top["match"] is True and top["score"] >= 0.8
    assert top["datasets"] == ["test-list.ftm"]
    assert top["properties"]["name"] == ["Backpage.com LLC"]
    assert top["features"]["name_similarity"] > 0.8
    # Word order differs, the birth year agrees: a hit, and the feature says so.
    q2 = data["responses"]["q2"]["results"]
    assert q2 and q2[0]["caption"] == "Ivan Testovich Petrov"
    assert q2[0]["features"]["birth_year_match"] == 1.0
    assert data["responses"]["q3"]["results"] == []
    assert data["responses"]["q3"]["total"]["value"] == 0


def test_match_threshold_and_dataset(api: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Backpage.com"]}}}}
    strict = api.post("/api/match/test-list.ftm", json=body, params={"threshold": 1.0}).json()
    assert strict["responses"]["q"]["results"][0]["id"] == "test-list.ftm-test-bp-1"
    missing = api.post("/api/match/no-such-list", json=body)
    assert missing.status_code == 404
    assert "no dataset" in missing.json()["detail"]


def test_match_rejects_bad_queries(api: TestClient) -> None:
    # A schema we cannot match is refused by the request model (documented 422).
    ship = {"queries": {"q": {"schema": "Ship", "properties": {"name": ["x"]}}}}
    response = api.post("/api/match/default", json=ship)
    assert response.status_code == 422
    # A query without a usable name gets its own status 400, the others still run.
    body = {
        "queries": {
            "nameless": {"schema": "Person", "properties": {"birthDate": ["1960"]}},
            "blank": {"schema": "Person", "properties": {"name": ["   "]}},
            "fine": {"schema": "Company", "properties": {"name": ["Backpage.com"]}},
        }
    }
    data = api.post("/api/match/default", json=body).json()["responses"]
    assert data["nameless"]["status"] == data["blank"]["status"] == 400
    assert "name" in data["nameless"]["detail"]
    assert data["fine"]["status"] == 200 and data["fine"]["results"]


def test_matchable_schemas_are_the_screening_schemas() -> None:
    assert set(get_args(MatchableSchema)) == set(COMPATIBLE)


def test_assessment_and_alerts(api: TestClient) -> None:
    a = api.get("/api/clients/CS-BACKPAGE/assessment")
    assert a.status_code == 200
    data = a.json()
    assert data["client"] == "CS-BACKPAGE" and data["tier"] in ("high", "prohibited")
    assert data["factors"] and data["rule_hits"]
    assert data["decision_in_force"] is None
    assert api.get("/api/clients/NOPE/assessment").status_code == 404
    unassessed = api.get("/api/clients/C-0299/assessment")
    assert unassessed.status_code == 404 and "not been assessed" in unassessed.json()["detail"]
    alerts = api.get("/api/alerts", params={"limit": 100}).json()
    kinds = {(x["kind"], x["client"]) for x in alerts["results"]}
    assert ("watchlist_match", "CS-BACKPAGE") in kinds
    assert alerts["total"]["value"] == len(alerts["results"])
    page = api.get("/api/alerts", params={"limit": 1, "offset": 1}).json()
    assert page["results"] == alerts["results"][1:2]


def test_tokens(app: FastAPI, tokens: dict[str, str]) -> None:
    with TestClient(app) as client:
        assert client.get("/api/alerts").status_code == 401
        assert client.get("/api/alerts").headers["www-authenticate"] == "Bearer"
        bad = {"Authorization": "Bearer " + tokens["ana"][:-2] + "xx"}
        assert client.get("/api/alerts", headers=bad).status_code == 401
        ok = client.get(
            "/api/openapi.json", headers={"Authorization": f"Bearer {tokens['audrey']}"}
        )
        assert ok.status_code == 200
        spec = ok.json()
        assert set(spec["paths"]) == {
            "/api/match/{dataset}",
            "/api/clients/{ref}/assessment",
            "/api/clients/{ref}/signals",
            "/api/alerts",
        }
        link = spec["components"]["schemas"]["SignalLinkResponse"]["properties"]
        assert {"party", "mention", "sentence", "reasons", "reviewed_by", "reviewed_at"} <= set(
            link
        )
        assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_client_signals_carry_their_link_evidence(api: TestClient, seeded_engine: Engine) -> None:
    with session_scope(seeded_engine) as session:
        client = make_client(session, name="Blue Harbor Shipping", external_ref="API-LINK")
        other = make_client(session, name="Blue Harbour Shipping", external_ref="API-OTHER")
        owner = make_party(session, client, name="John Doe", role=PartyRole.OWNER)
        via_owner = make_party_linked_signal(
            session,
            client,
            owner,
            sentence="Police held shipping magnate John Doe on Tuesday.",
            count=3,
            reasons=["headline mention", "3 mentions"],
            title="John Doe held in laundering probe",
            url="javascript:alert(1)",
        )
        imported = make_signal(
            session, client, title="Blue Harbor Shipping sued", link_status=LinkStatus.IMPORTED
        )
        moved = make_signal(
            session,
            other,
            title="Blue Harbor Shipping fined",
            link_status=LinkStatus.LINKED,
            link_evidence={"mention": "Blue Harbor Shipping", "where": "body", "count": 1},
        )
        session.flush()
        relink(
            session=session,
            signal_id=moved.id,
            client_ref="API-LINK",
            actor="rita",
            reason="our client, not the other",
        )
        ids = (via_owner.id, imported.id, moved.id)

    body = api.get("/api/clients/API-LINK/signals").json()
    assert body["total"] == {"value": 3, "relation": "eq"}
    by_id = {s["id"]: s for s in body["results"]}
    assert set(by_id) == set(ids)
    link = by_id[ids[0]]["link"]
    assert set(link) == set(SignalLinkResponse.model_fields)
    assert link["via"] == "party" and link["party"] == "John Doe"
    assert link["party_role"] == "owner" and isinstance(link["party_id"], int)
    assert link["mention"] == "John Doe" and link["where"] == "headline" and link["count"] == 3
    assert link["sentence"] == "Police held shipping magnate John Doe on Tuesday."
    assert link["reasons"] == ["headline mention", "3 mentions"]
    assert link["how"] == (
        "headline mention of 'John Doe', 3 mentions; about its owner John Doe; link not reviewed"
    )
    assert link["reviewed_by"] is None and by_id[ids[0]]["url"] is None  # not http(s)
    assert by_id[ids[1]]["link"]["via"] == "imported"
    assert by_id[ids[1]]["link"]["how"] == "named in the imported file"
    relinked = by_id[ids[2]]["link"]
    assert relinked["reviewed_by"] == "rita" and relinked["reviewed_at"]
    assert relinked["reviewer_note"] == "re-linked by rita: our client, not the other"
    page = api.get("/api/clients/API-LINK/signals", params={"limit": 1, "offset": 1}).json()
    assert page["results"] == body["results"][1:2] and page["total"]["value"] == 3
    assert api.get("/api/clients/NOPE/signals").status_code == 404
