"""Verdicts a compliance officer can rely on: unresolved hits hold the client, back-dated
assessments stay historical, listing dates drive knowability, one set of role rules, and
evidence that says what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.accounts.roles import PERMISSIONS, Permission
from duediligence.accounts.users import add_user
from duediligence.db.enums import AssessmentState, MatchStatus, PartyKind, SignalKind, Tier
from duediligence.db.models import ScreeningMatch, Signal
from duediligence.db.queries import current_assessment, utc_today
from duediligence.errors import ConflictError, InputError, PermissionDenied
from duediligence.ingest.roster import import_file
from duediligence.matching import screen_clients
from duediligence.reporting.context import client_report, roster_report
from duediligence.review.decisions import decide, review_queue
from duediligence.review.listings import alerts
from duediligence.review.verdicts import decide_match, review_signal
from duediligence.risk import assess_client
from duediligence.risk.knowability import knowability
from duediligence.risk.model import Scorer
from tests.factories import (
    make_client,
    make_entity,
    make_party,
    make_reviewer,
    make_signal,
    make_watchlist,
)

FALLBACK = Scorer.fallback()


def _sanctioned_owner(session: Session, **entity: Any) -> tuple[int, ScreeningMatch]:
    """A prospect whose owner is an exact match for a listed person; returns (client id, match)."""
    snap = make_watchlist(session, "test-sdn")
    make_entity(
        session,
        snap,
        "ROTENBERG, Arkady",
        programs=["UKRAINE-EO13661"],
        birth_dates=["1951-12-15"],
        countries=["RU"],
        **entity,
    )
    client = make_client(session, name="Cabot Payments", country="IE", industry="software")
    make_party(session, client, name="Arkady Rotenberg", kind=PartyKind.PERSON)
    session.commit()
    screen_clients(session=session, actor="system", client_ids=[client.id])
    match = session.scalars(select(ScreeningMatch)).one()
    assert match.score >= 0.99
    return client.id, match


# --------------------------------------------------------------------------- 1. the hold


def test_a_prospect_owned_by_a_sanctioned_person_is_on_hold_and_at_least_high(
    session: Session,
) -> None:
    client_id, _match = _sanctioned_owner(session)
    a = assess_client(session=session, client=client_id, actor="system")
    assert a.state == AssessmentState.ON_HOLD
    assert a.tier.rank >= Tier.HIGH.rank
    assert a.probability < 0.5  # the model alone says low: the rule holds it
    hold = next(h for h in a.rule_hits if h["rule"] == "potential_match_on_hold")
    assert "ROTENBERG, Arkady" in hold["description"]
    assert "UKRAINE-EO13661" in hold["description"] and "1.00" in hold["description"]
    assert a.explanation["summary"].startswith("ON HOLD")
    report = client_report(session=session, assessment=a)
    assert report["assessment"]["headline"].startswith("POTENTIAL SANCTIONS MATCH — ON HOLD")
    assert report["hits"][0]["compare"]["birth"]["listed"] == ["1951-12-15"]


def test_pending_hits_lead_the_queue_and_alerts_even_for_a_low_model_tier(
    session: Session,
) -> None:
    client_id, match = _sanctioned_owner(session)
    # Screened but not yet assessed: the hit is already in the queue.
    first = review_queue(session=session)
    assert first[0].kind == "potential_match" and first[0].tier is None
    other = make_client(session, name="Already High Ltd", industry="arms_dealer", country="KP")
    assess_client(session=session, client=other.id, actor="system")
    assess_client(session=session, client=client_id, actor="system")
    items = review_queue(session=session, min_tier=Tier.MEDIUM)
    assert [i.kind for i in items][:2] == ["potential_match", "first_review"]
    assert items[0].match_id == match.id and "ROTENBERG, Arkady" in items[0].note
    page, _total = alerts(session=session)
    assert page[0].match_id == match.id
    assert page[0].detail.startswith("Potential sanctions match — on hold")


def test_dismissing_the_last_hit_re_assesses_and_releases_the_hold(session: Session) -> None:
    client_id, match = _sanctioned_owner(session)
    assess_client(session=session, client=client_id, actor="system")
    done = decide_match(
        session=session,
        match_id=match.id,
        confirm=False,
        reason="born 1970, not him",
        actor=make_reviewer(session),
    )
    assert done.assessment.state == AssessmentState.SCORED
    assert current_assessment(session=session, client_id=client_id) == done.assessment
    assert not [i for i in review_queue(session=session) if i.kind == "potential_match"]


def test_confirming_the_hit_makes_the_client_prohibited_at_once(session: Session) -> None:
    _client_id, match = _sanctioned_owner(session)
    done = decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same DOB, nationality",
        actor=make_reviewer(session),
    )
    assert done.assessment.tier == Tier.PROHIBITED
    assert done.assessment.state == AssessmentState.SCORED


# --------------------------------------------------------------------------- 2. history


def test_a_back_dated_assessment_is_historical_and_never_current(session: Session) -> None:
    client = make_client(session, industry="adult_entertainment", country="KP")
    current = assess_client(session=session, client=client.id, actor="system")
    assert current.tier.rank >= Tier.HIGH.rank and not current.historical
    what_if = assess_client(
        session=session, client=client.id, as_of=date(2000, 1, 1), actor="system"
    )
    assert what_if.historical and what_if.id > current.id
    assert current_assessment(session=session, client_id=client.id) == current
    rita = make_reviewer(session)
    # A decision is made on the current assessment, never on the what-if ...
    with pytest.raises(ConflictError, match="historical view as of 2000-01-01"):
        decide(
            session=session,
            client_ref=client.external_ref,
            action="approve",
            reason="ok",
            actor=rita,
            assessment_id=what_if.id,
        )
    decision = decide(
        session=session, client_ref=client.external_ref, action="approve", reason="ok", actor=rita
    )
    assert decision.assessment_id == current.id and decision.requires_second
    # ... the roster, queue and report keep reading the current one.
    roster = roster_report(session=session)
    assert roster["changes"] == []
    assert roster["top_risks"][0]["assessment"] == current.id
    queued = [i for i in review_queue(session=session) if i.client_ref == client.external_ref]
    assert queued and all(i.assessment_id == current.id for i in queued)
    historical = client_report(session=session, assessment=what_if)
    assert historical["assessment"]["historical"] is True
    # `report client` without --as-of renders the current assessment, not the newer what-if.
    from duediligence.reporting.render import find_assessment

    assert find_assessment(session=session, client=client.external_ref) == current


def test_an_as_of_date_after_today_is_refused(session: Session) -> None:
    client = make_client(session)
    with pytest.raises(InputError, match="after today"):
        assess_client(session=session, client=client.id, as_of=utc_today() + timedelta(days=1))


# --------------------------------------------------------------------------- 3. listing dates


def test_knowability_of_a_confirmed_match_dates_from_the_listing_not_the_import(
    session: Session,
) -> None:
    client_id, match = _sanctioned_owner(
        session, listed_on=date(2014, 3, 20), listed_on_source="UN LISTED_ON"
    )
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same",
        actor=make_reviewer(session),
    )
    k = knowability(session=session, client=client_id, model=FALLBACK)
    assert k.knowable_since == date(2014, 3, 20)
    assert k.tier_then == "prohibited"
    assert "listed 2014-03-20 (UN LISTED_ON)" in k.tipped_by[0]["text"]
    signal = session.scalars(select(Signal).where(Signal.kind == SignalKind.SANCTION)).one()
    assert signal.published_at == date(2014, 3, 20) and signal.screening_match_id == match.id


def test_without_a_listing_date_the_snapshot_publication_date_is_used(session: Session) -> None:
    client_id, match = _sanctioned_owner(session)
    snapshot = match.entity.watchlist.snapshots[0]
    snapshot.published_on, snapshot.published_source = date(2021, 2, 1), "given on import"
    session.commit()
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same",
        actor=make_reviewer(session),
    )
    k = knowability(session=session, client=client_id, model=FALLBACK)
    assert k.knowable_since == date(2021, 2, 1)
    assert "the source gives no listing date" in k.tipped_by[0]["text"]


def test_list_readers_keep_listing_and_publication_dates(
    session: Session, shared_data: Path
) -> None:
    from duediligence.db.models import WatchlistEntity, WatchlistSnapshot
    from duediligence.ingest.watchlists import import_watchlist

    un = import_watchlist(
        session=session, path=shared_data / "watchlists/un/consolidated.xml", fmt="un"
    )
    assert un.published_on == date(2026, 2, 27) and "dateGenerated" in (un.published_source or "")
    badege = session.scalars(
        select(WatchlistEntity).where(WatchlistEntity.source_id == "6907993")
    ).one()
    assert badege.listed_on == date(2012, 12, 31)
    import_watchlist(
        session=session, path=shared_data / "watchlists/ftm/zala.ftm.json", fmt="ftm", name="zala"
    )
    dated = session.scalars(
        select(WatchlistEntity).where(WatchlistEntity.listed_on_source.like("FtM Sanction%"))
    ).all()
    assert dated, "entities with Sanction entities pointing at them carry a listing date"
    ftm = session.scalars(
        select(WatchlistSnapshot).order_by(WatchlistSnapshot.id.desc()).limit(1)
    ).one()
    assert ftm.published_on is not None and ftm.published_source


# --------------------------------------------------------------------------- 4. role rules


@pytest.mark.parametrize("who", ["admin", "ana"])
def test_only_reviewers_give_verdicts_in_the_library(session: Session, who: str) -> None:
    client_id, match = _sanctioned_owner(session)
    make_reviewer(session)
    add_user(session=session, username="ana", role="analyst", actor="admin")
    signal = make_signal(session, match.client)
    for attempt in (
        lambda: decide_match(
            session=session, match_id=match.id, confirm=False, reason="x", actor=who
        ),
        lambda: review_signal(
            session=session, signal_id=signal.id, confirm=False, reason="x", actor=who
        ),
        lambda: decide(
            session=session, client_ref=client_id, action="approve", reason="x", actor=who
        ),
    ):
        with pytest.raises(PermissionDenied, match="needs reviewer"):
            attempt()


def test_the_one_table_gives_verdicts_and_decisions_to_reviewers_only() -> None:
    for permission in (
        Permission.REVIEW_MATCH,
        Permission.REVIEW_SIGNAL,
        Permission.DECIDE,
        Permission.CONFIRM_DECISION,
    ):
        assert [r.value for r in PERMISSIONS[permission]] == ["reviewer"]


@pytest.mark.parametrize("who", ["admin", "ana"])
def test_admin_and_analyst_cannot_confirm_or_dismiss_a_match_from_the_cli(
    cli: Callable[..., Any], session: Session, who: str
) -> None:
    _client_id, match = _sanctioned_owner(session)
    make_reviewer(session)
    add_user(session=session, username="ana", role="analyst", actor="admin")
    session.commit()
    for verb in ("confirm", "dismiss"):
        result = cli("matches", verb, str(match.id), "--reason", "x", "--as", who)
        assert result.exit_code == 4, result.output
        assert "needs reviewer" in result.output
    session.expire_all()
    assert session.get(ScreeningMatch, match.id).status == MatchStatus.PENDING
    ok = cli("matches", "dismiss", str(match.id), "--reason", "born 1970", "--as", "rita")
    assert ok.exit_code == 0, ok.output
    assert "re-assessed" in ok.output


# --------------------------------------------------------------------------- 5. evidence


def test_a_confirmed_sanctions_match_counts_once(session: Session) -> None:
    _client_id, match = _sanctioned_owner(session, listed_on=date(2014, 3, 20))
    a = decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same",
        actor=make_reviewer(session),
    ).assessment
    assert a.features["sanctions_match"] == 1.0
    for name in ("adverse_financial_crime", "distinct_sources", "official_actions"):
        assert a.features[name] == 0.0, name
    report = client_report(session=session, assessment=a)
    assert report["adverse_media"] == {}
    assert any(s["kind"] == "sanction" for s in report["legal_actions"])


def test_a_factor_with_no_information_contributes_nothing(session: Session) -> None:
    client = make_client(session, industry=None, country=None)
    a = assess_client(session=session, client=client.id, actor="system")
    assert a.features["industry_risk"] is None
    assert a.features["ownership_opacity"] is None
    assert a.features["jurisdiction_risk"] is None
    labels = [f["feature"] for f in a.explanation["factors"]]
    assert not {"industry_risk", "ownership_opacity", "jurisdiction_risk"} & set(labels)
    assert "Line of business" not in a.explanation["summary"]


def test_an_unknown_industry_is_refused_on_import_with_the_known_ones(
    session: Session, tmp_path: Path
) -> None:
    from duediligence.errors import ValidationFailed

    bad = tmp_path / "clients.csv"
    bad.write_text("external_ref,name,industry\nC-1,Widget Co,widgets\nC-2,Cabot,payments\n")
    with pytest.raises(ValidationFailed) as failed:
        import_file(session=session, path=bad, kind="clients")
    text = str(failed.value.problems[0])
    assert "unknown industry 'widgets'" in text and "online_classifieds" in text
    good = tmp_path / "ok.csv"
    good.write_text("external_ref,name,industry\nC-2,Cabot,Payments\n")
    import_file(session=session, path=good, kind="clients")
    from duediligence.db.queries import resolve_client

    assert resolve_client(session=session, ref="C-2").industry == "money_services"


def test_knowability_names_profile_causes_when_no_signal_tipped_it(session: Session) -> None:
    client = make_client(session, industry="arms_dealer", country="KP")
    k = knowability(session=session, client=client.id, model=FALLBACK)
    assert k.knowable_since is not None
    assert k.tipped_by, "something must be named"
    assert any("KP" in c["text"] for c in k.tipped_by)
    assert all(c["date"] for c in k.tipped_by)
