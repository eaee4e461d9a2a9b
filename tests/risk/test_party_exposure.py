"""News linked to a client through one of its parties is ownership exposure, not the client's own
adverse media (issue 17, item 3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyRole, Severity, Tier
from duediligence.db.models import Client, Party
from duediligence.risk.assess import score_clients
from duediligence.risk.model import Scorer
from duediligence.risk.rules import CONVICTION_RULE, PARTY_RULE
from duediligence.risk.verdict import headline
from tests.factories import make_client, make_party, make_signal

AS_OF = date(2024, 1, 1)


def _article(session: Session, client: Client, party: Party | None, **kw: object) -> None:
    fields: dict[str, object] = {
        "title": "John Doe arrested in laundering probe",
        "published_at": date(2019, 5, 3),
        "label": "money_laundering",
        "role": "subject",
        "adverse_probability": 0.93,
        "credibility": 0.9,
        "link_status": LinkStatus.LINKED,
        "link_party_id": party.id if party is not None else None,
        "link_evidence": {"mention": "John Doe", "where": "headline", "via": "party"},
    }
    make_signal(session, client, **{**fields, **kw})


def _score(session: Session, client: Client):  # type: ignore[no-untyped-def]
    return score_clients(
        session=session,
        client_ids=[client.id],
        as_of=AS_OF,
        model=Scorer.fallback(),
        signal_model_version="test",
    )[0]


def test_a_party_linked_article_is_owner_exposure_not_the_clients_own_adverse_media(
    session: Session,
) -> None:
    direct = make_client(session, name="Direct Co")
    via_owner = make_client(session, name="Owned Co")
    clean = make_client(session, name="Clean Co")
    for c in (direct, via_owner, clean):
        make_party(session, c, name="John Doe", role=PartyRole.OWNER)
    owner = via_owner.parties[0]
    _article(session, direct, None)
    _article(session, via_owner, owner)

    own = _score(session, direct)
    exposed = _score(session, via_owner)
    nothing = _score(session, clean)
    # the client's own article raises its adverse features; the owner's does not
    assert own.features["adverse_financial_crime"] > 0
    assert (
        exposed.features["adverse_financial_crime"] == nothing.features["adverse_financial_crime"]
    )
    assert exposed.features["distinct_sources"] == nothing.features["distinct_sources"]
    assert exposed.probability == nothing.probability
    assert PARTY_RULE not in [h["rule"] for h in own.rule_hits]
    # ... but shows as ownership exposure: a rule hit, the explanation and the verdict
    (hit,) = [h for h in exposed.rule_hits if h["rule"] == PARTY_RULE]
    assert hit["min_tier"] == "medium" and hit["since"] == "2019-05-03"
    assert hit["description"].startswith(
        "adverse media about its owner John Doe (2019): money laundering"
    )
    assert exposed.tier.rank >= Tier.MEDIUM.rank
    assert "adverse media about its owner John Doe (2019)" in exposed.explanation["summary"]
    verdict = headline(exposed.tier, exposed.state, exposed.probability, exposed.rule_hits)
    assert verdict.endswith("— adverse media about its owner John Doe (2019): money laundering")


def test_an_owner_convicted_of_trafficking_raises_the_client_to_high(session: Session) -> None:
    client = make_client(session)
    owner = make_party(session, client, name="Jane Roe", role=PartyRole.DIRECTOR)
    make_signal(
        session,
        client,
        title="Jane Roe convicted of human trafficking",
        published_at=date(2021, 2, 1),
        label="human_trafficking",
        severity=Severity.CONVICTION,
        role="subject",
        adverse_probability=0.97,
        link_status=LinkStatus.LINKED,
        link_party_id=owner.id,
    )
    result = _score(session, client)
    assert result.features["adverse_trafficking"] == 0
    assert "serious_conviction" not in [h["rule"] for h in result.rule_hits]
    (hit,) = [h for h in result.rule_hits if h["rule"] == PARTY_RULE]
    assert hit["min_tier"] == "high" and result.tier == Tier.HIGH
    assert "about its director Jane Roe (2021): human trafficking" in hit["description"]


def test_an_exonerated_owner_and_a_non_adverse_item_are_no_exposure(session: Session) -> None:
    client = make_client(session)
    owner = make_party(session, client, name="John Doe")
    common = {"link_status": LinkStatus.LINKED, "link_party_id": owner.id}
    make_signal(
        session,
        client,
        title="John Doe charged with fraud",
        published_at=date(2018, 1, 1),
        label="fraud",
        severity=Severity.CHARGE,
        role="subject",
        adverse_probability=0.9,
        **common,
    )
    make_signal(
        session,
        client,
        title="Court acquits John Doe",
        published_at=date(2019, 1, 1),
        label="none",
        role="cleared",
        **common,
    )
    make_signal(
        session,
        client,
        title="John Doe opens a shelter",
        published_at=date(2020, 1, 1),
        label="none",
        **common,
    )
    result = _score(session, client)
    assert PARTY_RULE not in [h["rule"] for h in result.rule_hits]


def test_the_clients_own_standing_adverse_media_weighs_no_less_than_its_owners(
    session: Session,
) -> None:
    """One article naming the client as the subject of a laundering charge raises it to medium
    at least (adverse_media_about_client), as the same article about its owner does; an article
    in which the client is the victim, or one a later acquittal cleared, does not."""
    from duediligence.risk.rules import CLIENT_MEDIA_RULE

    accused = make_client(session, name="Accused Co")
    _article(session, accused, None, title="Accused Co charged with money laundering")
    victim = make_client(session, name="Victim Co")
    _article(session, victim, None, title="Victim Co defrauded by hackers", role="victim")
    cleared = make_client(session, name="Cleared Co")
    _article(session, cleared, None, title="Cleared Co charged with fraud", severity="charge")
    make_signal(
        session,
        cleared,
        title="Cleared Co acquitted of all charges",
        published_at=date(2021, 2, 1),
        label="none",
        role="cleared",
        adverse_probability=0.1,
        credibility=0.9,
    )

    own = _score(session, accused)
    (hit,) = [h for h in own.rule_hits if h["rule"] == CLIENT_MEDIA_RULE]
    assert hit["min_tier"] == "medium" and hit["since"] == "2019-05-03"
    assert "Accused Co charged with money laundering (2019-05-03)" in hit["description"]
    assert own.tier.rank >= Tier.MEDIUM.rank
    for other in (victim, cleared):
        result = _score(session, other)
        assert CLIENT_MEDIA_RULE not in [h["rule"] for h in result.rule_hits], other.name


def test_a_news_item_reporting_a_trafficking_conviction_meets_the_conviction_rule(
    session: Session,
) -> None:
    """A feed gives no severity: the stage is read from the headline and evidence sentences of
    an item about the client as the accused. A conviction read that way meets the conviction
    rule (HIGH) and says it was read from the news; an arrest does not, nor a conviction in an
    item where the client is not the accused, nor an item the source already graded."""
    convicted = make_client(session, name="Redwood Lodges")
    _article(
        session,
        convicted,
        None,
        title="Motel chain owner and manager guilty in sex trafficking case",
        label="human_trafficking",
        evidence=["A jury convicted Redwood Lodges and its manager of sex trafficking on Friday."],
    )
    arrested = make_client(session, name="Birch Inns")
    _article(
        session,
        arrested,
        None,
        title="Birch Inns manager arrested on trafficking charges",
        label="human_trafficking",
        evidence=["Police arrested the manager of Birch Inns on trafficking charges."],
    )
    victim = make_client(session, name="Cedar Rooms")
    _article(
        session,
        victim,
        None,
        title="Trafficker who used Cedar Rooms jailed",
        label="none",
        role="other party",
        evidence=["A man who rented rooms at Cedar Rooms was jailed for trafficking."],
    )
    graded = make_client(session, name="Aspen Stays")
    _article(
        session,
        graded,
        None,
        title="Aspen Stays sentenced over trafficking",
        label="human_trafficking",
        severity=Severity.ALLEGATION,
    )

    result = _score(session, convicted)
    (hit,) = [h for h in result.rule_hits if h["rule"] == "serious_conviction"]
    assert hit["min_tier"] == "high" and result.tier.rank >= Tier.HIGH.rank
    assert "read from the news: Motel chain owner and manager guilty" in hit["description"]
    for other in (arrested, victim, graded):
        hits = [h["rule"] for h in _score(session, other).rule_hits]
        assert "serious_conviction" not in hits, other.name


def test_a_client_convicted_of_any_offence_is_high_a_charge_or_fine_is_not(
    session: Session,
) -> None:
    """A conviction of the client itself for fraud, laundering, corruption … (a FATF designated
    category of offence) is HIGH by ``criminal_conviction``, whether the source graded it or the
    stage was read from the news; a charge, a fine (sanction stage of a non-serious offence), the
    conviction of someone else, and a client's owner convicted (ownership exposure) are not."""
    read = make_client(session, name="Varden Clinics")
    _article(
        session,
        read,
        None,
        title="Varden Clinics convicted of billing fraud",
        label="fraud",
        evidence=["A court convicted Varden Clinics of defrauding the health insurer."],
    )
    graded = make_client(session, name="Graded Bank")
    _article(
        session,
        graded,
        None,
        title="Graded Bank and the laundering case",
        label="money_laundering",
        severity=Severity.CONVICTION,
    )
    charged = make_client(session, name="Charged Co")
    _article(
        session,
        charged,
        None,
        title="Charged Co charged with bribery",
        label="corruption",
        severity=Severity.CHARGE,
    )
    fined = make_client(session, name="Fined Co")
    _article(
        session,
        fined,
        None,
        title="Fined Co fined over money laundering controls",
        label="money_laundering",
        severity=Severity.SANCTION,
    )
    other = make_client(session, name="Witness Co")
    _article(
        session,
        other,
        None,
        title="Fraudster who used Witness Co services jailed",
        label="none",
        role="other party",
        evidence=["A man who bought Witness Co services was jailed for fraud."],
    )
    owned = make_client(session, name="Owned Clinics")
    owner = make_party(session, owned, name="John Doe", role=PartyRole.OWNER)
    _article(
        session,
        owned,
        owner,
        title="John Doe convicted of fraud",
        label="fraud",
        evidence=["John Doe was convicted of fraud on Monday."],
    )

    result = _score(session, read)
    (hit,) = [h for h in result.rule_hits if h["rule"] == CONVICTION_RULE]
    assert hit["min_tier"] == "high" and result.tier.rank >= Tier.HIGH.rank
    assert hit["description"] == (
        "Convicted of fraud: read from the news: Varden Clinics convicted of billing fraud "
        "(2019-05-03)"
    )
    (hit,) = [h for h in _score(session, graded).rule_hits if h["rule"] == CONVICTION_RULE]
    assert hit["description"].startswith("Convicted of money laundering: Graded Bank and")
    for client in (charged, fined, other, owned):
        result = _score(session, client)
        assert CONVICTION_RULE not in [h["rule"] for h in result.rule_hits], client.name
    assert _score(session, owned).tier == Tier.MEDIUM


def test_the_report_shows_the_stage_read_from_the_news(session: Session) -> None:
    """The conviction rule reads the stage from the news when the source gave none; the report
    must show that stage (it showed an empty "stage" beside a "Convicted of …" hard rule),
    saying it was read from the news, in the adverse-media list and the tipping signals."""
    from duediligence.reporting.context import client_report
    from duediligence.reporting.render import render_html
    from duediligence.risk import assess_client

    client = make_client(session, name="Varden Clinics")
    _article(
        session,
        client,
        None,
        title="Varden Clinics convicted of billing fraud",
        label="fraud",
        evidence=["A court convicted Varden Clinics of defrauding the health insurer."],
    )
    session.commit()
    assessment = assess_client(session=session, client=client.id, as_of=AS_OF)
    ctx = client_report(session=session, assessment=assessment)
    (item,) = [s for items in ctx["adverse_media"].values() for s in items]
    assert (item["severity"], item["stage"]) == (None, "conviction")
    assert [s["stage"] for s in ctx["knowability"]["tipping_signals"]] == ["conviction"]
    html = render_html("client", ctx)
    assert "[conviction, read from the news]" in html
    assert "conviction<br><small>read from the news</small>" in html
