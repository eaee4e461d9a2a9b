"""Politically exposed persons (FATF R.12): topics drive the consequence of a confirmed match;
a PEP owner makes a client high with enhanced due diligence, never prohibited; a relative
through a family link is an RCA; a former PEP decays after the configured period."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.config import get_settings
from duediligence.db.enums import MatchStatus, PartyKind, Tier
from duediligence.db.models import Assessment, Client, ScreeningMatch
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists.loader import import_watchlist
from duediligence.matching import screen_clients
from duediligence.review.verdicts import decide_match
from duediligence.risk import assess_client
from duediligence.risk.pep import add_months, exposures
from duediligence.risk.topics import TOPIC_RULES, Consequence, rules_for, table, topic_rule
from tests.factories import make_client, make_entity, make_party, make_reviewer, make_watchlist

FIXTURE = Path(__file__).resolve().parents[2] / "sample_data" / "examples" / "pep"
MODELS = Path(__file__).resolve().parents[2] / "models"
EDD_EXAMPLE = {
    "source_of_wealth": "salary as deputy minister (asset declarations 2019-2025), documented",
    "source_of_funds": "the company's own revenue, paid from its account at a MD bank",
    "edd_rationale": "ownership verified in the registry; no adverse media; low contract value",
}


def load_pep_fixture(session: Session) -> dict[str, Client]:
    """The PEP fixture list, its three clients and their parties, screened, every match at or
    above the threshold confirmed by a reviewer; ``{external_ref: client}``."""
    import_watchlist(session=session, path=FIXTURE / "pep.ftm.json", fmt="ftm", name="pep-fixture")
    import_file(session=session, path=FIXTURE / "clients.csv", kind="clients")
    import_file(session=session, path=FIXTURE / "parties.csv", kind="parties")
    session.commit()
    clients = {c.external_ref: c for c in session.scalars(select(Client))}
    screen_clients(session=session, actor="system", client_ids=[c.id for c in clients.values()])
    reviewer = make_reviewer(session)
    for match in session.scalars(select(ScreeningMatch).order_by(ScreeningMatch.id)).all():
        if match.status == MatchStatus.PENDING:
            decide_match(
                session=session,
                match_id=match.id,
                confirm=True,
                reason="same person",
                actor=reviewer,
            )
    session.commit()
    return clients


def _hit(a: Assessment, rule: str) -> dict[str, Any] | None:
    return next((h for h in a.rule_hits if h["rule"] == rule), None)


# --------------------------------------------------------------------------- the topic table


def test_topics_follow_their_hierarchy_and_each_rule_names_its_source() -> None:
    assert topic_rule("crime.traffick.human") == topic_rule("crime")
    assert topic_rule("crime.fin").consequence == Consequence.CRIME  # type: ignore[union-attr]
    assert topic_rule("role.pep").consequence == Consequence.PEP  # type: ignore[union-attr]
    assert topic_rule("role.rca").consequence == Consequence.PEP  # type: ignore[union-attr]
    assert topic_rule("role.pol").consequence == Consequence.PEP  # type: ignore[union-attr]
    assert topic_rule("role.journo") is None and topic_rule("gov.soe") is None
    assert all(r.source and r.label for r in TOPIC_RULES)
    assert any("FATF Recommendation 12" in row["source"] for row in table())
    # A PEP is never prohibited by its topic; a sanctioned entity is.
    assert [r.min_tier for r in rules_for(["role.pep"])] == [Tier.HIGH]
    assert rules_for(["sanction", "role.pep"])[0].min_tier == Tier.PROHIBITED
    assert rules_for([])[0].rule == "confirmed_sanctions_match"  # untagged lists: sanctioned
    # sanction.linked blocks under a named programme, else it is high and checked by hand.
    assert rules_for(["sanction.linked"], ["RUSSIA-EO14024"])[0].min_tier == Tier.PROHIBITED
    assert rules_for(["sanction.linked"])[0].min_tier == Tier.HIGH
    assert [r.rule for r in rules_for(["poi"])] == ["person_of_interest"]
    assert rules_for(["poi"])[0].min_tier == Tier.MEDIUM
    assert rules_for(["role.journo"]) == []


def test_former_pep_status_by_date() -> None:
    match = {
        "match_id": 1,
        "subject": "Grigore Ionescu",
        "entity": "Grigore Ionescu",
        "list": "x",
        "relation": "owner",
        "topics": ["role.pep"],
        "known_since": "2015-01-20",
        "political": {
            "occupancies": [
                {
                    "function": "Mayor",
                    "country": "MD",
                    "start_date": "2015-01-15",
                    "end_date": "2023-06-30",
                    "status": "ended",
                }
            ],
            "positions": [],
            "relatives": [],
        },
    }
    assert exposures(match, date(2023, 6, 30), 12)[0].status == "in office"
    former = exposures(match, date(2024, 6, 30), 12)[0]
    assert former.status == "former" and former.pep_until == date(2024, 6, 30)
    assert exposures(match, date(2024, 7, 1), 12) == []
    assert exposures(match, date(2024, 7, 1), 24)[0].pep_until == date(2025, 6, 30)
    assert exposures(match, date(2014, 12, 31), 12) == []  # not yet in office
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


# --------------------------------------------------------------------------- end to end


def test_a_pep_owner_makes_the_client_high_with_edd_not_prohibited(session: Session) -> None:
    clients = load_pep_fixture(session)
    a = assess_client(session=session, client=clients["PEP-001"].id, actor="system")
    assert a.tier == Tier.HIGH, a.rule_hits
    hit = _hit(a, "politically_exposed_person")
    assert hit is not None and _hit(a, "confirmed_sanctions_match") is None
    assert hit["description"].startswith(
        "politically exposed person: owner Viktor Andreyevich Morozov: PEP — "
        "Deputy Minister of Finance (MD, since 2019-03-01)"
    )
    assert "senior management approval" in hit["description"]
    assert "FATF Recommendation 12" in hit["source"]
    (pep,) = hit["pep"]
    assert pep["relation"] == "owner" and pep["status"] == "in office"
    assert pep["functions"][0]["start_date"] == "2019-03-01"
    assert pep["short"] == "PEP (owner: Deputy Minister of Finance, MD)"
    # The PEP match is not a sanctions match: the model's sanctions feature stays at zero.
    assert a.features["sanctions_match"] == 0.0


def test_an_rca_through_a_family_link(session: Session) -> None:
    clients = load_pep_fixture(session)
    a = assess_client(session=session, client=clients["PEP-002"].id, actor="system")
    assert a.tier == Tier.HIGH
    hit = _hit(a, "politically_exposed_person")
    assert hit is not None
    (pep,) = hit["pep"]
    assert pep["kind"] == "RCA" and pep["relation"] == "director"
    assert pep["pep"] == "Viktor Andreyevich Morozov" and pep["link"] == "daughter"
    assert (
        "director Elena Viktorovna Morozova: RCA of Viktor Andreyevich Morozov (daughter)"
        in (hit["description"])
    )


@pytest.fixture
def tiers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(text: str) -> None:
        path = tmp_path / "tiers.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("DD_TIERS_FILE", str(path))
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_a_former_pep_decays_after_the_configured_period(session: Session, tiers_file) -> None:  # type: ignore[no-untyped-def]
    clients = load_pep_fixture(session)
    cid = clients["PEP-003"].id
    during = assess_client(session=session, client=cid, as_of=date(2024, 6, 30), actor="system")
    hit = _hit(during, "politically_exposed_person")
    assert hit is not None and hit["pep"][0]["status"] == "former"
    assert hit["pep"][0]["pep_until"] == "2024-06-30"
    assert "former PEP (left office 2023-06-30), a PEP until 2024-06-30" in hit["description"]
    after = assess_client(session=session, client=cid, as_of=date(2024, 7, 1), actor="system")
    assert _hit(after, "politically_exposed_person") is None
    tiers_file("[thresholds]\nmedium = 0.35\nhigh = 0.6\n[pep]\nformer_pep_months = 24\n")
    longer = assess_client(session=session, client=cid, as_of=date(2024, 7, 1), actor="system")
    assert _hit(longer, "politically_exposed_person") is not None
    assert longer.tier == Tier.HIGH


def test_a_sanctioned_owner_is_still_prohibited_even_when_also_a_pep(session: Session) -> None:
    snap = make_watchlist(session, "test-ftm")
    make_entity(session, snap, "Arkady Rotenberg", topics=["sanction", "role.pep"])
    make_entity(session, snap, "Boris Listed", topics=["sanction"], programs=["RUSSIA-EO14024"])
    client = make_client(session, name="Cabot Payments", country="IE")
    make_party(session, client, name="Arkady Rotenberg", kind=PartyKind.PERSON)
    other = make_client(session, name="Dunmore Software", country="IE")
    make_party(session, other, name="Boris Listed", kind=PartyKind.PERSON)
    session.commit()
    screen_clients(session=session, actor="system", client_ids=[client.id, other.id])
    reviewer = make_reviewer(session)
    for match in session.scalars(select(ScreeningMatch)).all():
        decide_match(
            session=session, match_id=match.id, confirm=True, reason="same person", actor=reviewer
        )
    a = assess_client(session=session, client=client.id, actor="system")
    assert a.tier == Tier.PROHIBITED
    assert _hit(a, "confirmed_sanctions_match") is not None
    assert _hit(a, "politically_exposed_person") is not None
    b = assess_client(session=session, client=other.id, actor="system")
    assert b.tier == Tier.PROHIBITED and _hit(b, "politically_exposed_person") is None


def test_onboarding_a_pep_owned_prospect_holds_then_names_the_pep(
    session: Session, tmp_path: Path
) -> None:
    from duediligence.onboarding import onboard
    from duediligence.reporting.context import client_report

    import_watchlist(session=session, path=FIXTURE / "pep.ftm.json", fmt="ftm", name="pep-fixture")
    session.commit()
    first = onboard(
        session=session,
        prospect={
            "name": "Prut Data Services",
            "country": "MD",
            "owners": [{"name": "Viktor Andreyevich Morozov", "ownership_pct": 100}],
        },
        actor="system",
        reports_dir=tmp_path,
        models_dir=MODELS,
    )
    assert first.state == "on_hold"
    assert first.headline.startswith("POTENTIAL PEP MATCH — ON HOLD: Viktor Andreyevich Morozov")
    assert first.hits[0]["topics"] == ["role.pep"]
    reviewer = make_reviewer(session)
    done = decide_match(
        session=session,
        match_id=first.hits[0]["id"],
        confirm=True,
        reason="same person",
        actor=reviewer,
    )
    a = done.assessment
    assert a is not None and a.tier == Tier.HIGH
    ctx = client_report(session=session, assessment=a)
    assert ctx["assessment"]["headline"].startswith("HIGH (p=")
    assert ctx["assessment"]["headline"].endswith(
        "— PEP (owner: Deputy Minister of Finance, MD): enhanced due diligence and senior "
        "sign-off required"
    )
    assert ctx["pep"]["summary"] == "PEP (owner: Deputy Minister of Finance, MD)"
    assert next(s["step"] for s in ctx["pep"]["edd"] if not s["done"]) == (
        "source of wealth established"
    )
