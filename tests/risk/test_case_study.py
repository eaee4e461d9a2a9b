"""The case-study targets: Backpage was knowably high risk before the vendor's first contract."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import EngagementKind, Tier
from duediligence.db.models import Assessment, Client, Engagement
from duediligence.errors import IntegrityError
from duediligence.risk import assess_client
from duediligence.risk.knowability import knowability


def test_backpage_high_before_first_contract(sample_session: Session) -> None:
    as_then = assess_client(session=sample_session, client="CS-BACKPAGE", as_of=date(2013, 11, 1))
    assert as_then.tier.rank >= Tier.HIGH.rank
    assert as_then.explanation["factors"][0]["signals"], "top factor must name its signals"
    k = knowability(session=sample_session, client="CS-BACKPAGE")
    first_contract = sample_session.scalar(
        select(func.min(Engagement.date))
        .join(Client, Client.id == Engagement.client_id)
        .where(Client.external_ref == "CS-BACKPAGE", Engagement.kind == EngagementKind.CONTRACT)
    )
    assert first_contract is not None
    assert k.knowable_since is not None and k.knowable_since < first_contract
    assert len(k.engagements_after) >= 5
    assert all(e["date"] >= k.knowable_since for e in k.engagements_after)
    assert all({"date", "kind", "description"} <= set(e) for e in k.engagements_after)
    # the tipping point is a real red flag, not the site's launch announcement
    assert all(s["published_at"] <= k.knowable_since for s in k.tipping_signals)
    assert all(s["label"] == "human_trafficking" for s in k.tipping_signals)
    assert {e["kind"] for e in k.engagements_after} >= {"contract", "consultation", "custom_build"}
    assert k.tipping_signals


def test_contrasts(sample_session: Session) -> None:
    safe = knowability(session=sample_session, client="CS-SAFEMARKET")
    assert safe.knowable_since is None
    assert {t["tier"] for t in safe.timeline} == {"low"}
    dismissed = knowability(session=sample_session, client="CS-DISMISSED")
    after = [t for t in dismissed.timeline if t["date"] >= date(2019, 1, 22)]
    assert after and all(t["tier"] in ("low", "medium") for t in after)


def test_as_of_uses_only_what_was_public(sample_session: Session) -> None:
    early = assess_client(session=sample_session, client="CS-BACKPAGE", as_of=date(2005, 1, 1))
    assert early.tier == Tier.LOW or early.tier == Tier.MEDIUM
    assert (
        early.inputs_hash != assess_client(session=sample_session, client="CS-BACKPAGE").inputs_hash
    )


def test_assessments_are_immutable(sample_session: Session) -> None:
    a = assess_client(session=sample_session, client="CS-SAFEMARKET")
    sample_session.commit()
    a.tier = Tier.HIGH
    with pytest.raises(IntegrityError):
        sample_session.flush()
    sample_session.rollback()
    stored = sample_session.get(Assessment, a.id)
    assert stored is not None
    with pytest.raises(IntegrityError):
        sample_session.delete(stored)
        sample_session.flush()
    sample_session.rollback()


def test_cli_assess_and_knowability(cli, sample_session: Session) -> None:
    import json

    result = cli("assess", "CS-BACKPAGE", "--as-of", "2013-11-01", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tier"] in ("high", "prohibited")
    k = json.loads(cli("knowability", "CS-BACKPAGE", "--json").output)
    assert k["knowable_since"] < "2013-11-15"
    assert cli("assess", "NOPE").exit_code == 2
    assert cli("assess", "CS-BACKPAGE", "--as-of", "yesterday").exit_code == 2


def test_knowability_sees_a_jurisdiction_listing(session: Session) -> None:
    from tests.factories import make_client, make_engagement, make_party

    client = make_client(session, country="GB", industry="software")
    make_party(session, client, country="KP")  # an owner in North Korea
    make_engagement(session, client, date=date(2010, 6, 1))
    make_engagement(session, client, date=date(2012, 6, 1), kind=EngagementKind.RENEWAL)
    session.commit()
    k = knowability(session=session, client=client.external_ref)
    # no news at all: the FATF call for action on North Korea (2011-02-25) is the tipping point
    assert k.knowable_since == date(2011, 2, 25)
    assert [e["date"] for e in k.engagements_after] == [date(2012, 6, 1)]
    assert [t["date"] for t in k.timeline] == [date(2011, 2, 25), date(2016, 7, 14)]


def test_case_study_verdicts_read_like_an_auditor_would(sample_session: Session) -> None:
    """The 2004 launch announcement is not adverse; the 2018 seizure is adverse about Backpage
    under human trafficking, with evidence naming it; the clean marketplace's crime-fighting news
    is not adverse about it; the dismissal clears Harrow & Lyle."""
    from duediligence.db.models import Signal

    def signal(ref: str) -> Signal:
        found = sample_session.scalar(select(Signal).where(Signal.external_id == ref))
        assert found is not None, ref
        return found

    launch = signal("CS-BP-S01")
    assert launch.label == "none"
    seizure = signal("CS-BP-S13")
    assert seizure.label == "human_trafficking" and seizure.role == "subject"
    assert seizure.adverse_probability is not None and seizure.adverse_probability >= 0.66
    assert seizure.evidence and any("Backpage" in e for e in seizure.evidence)
    for ref in ("CS-SM-S01", "CS-SM-S02", "CS-SM-S03", "CS-SM-S04"):
        assert signal(ref).label == "none", ref
    assert signal("CS-HL-S02").role == "cleared"
    assert signal("CS-HL-S01").role == "subject"


def test_cli_knowability_without_engagements_after_says_so(cli, session: Session) -> None:
    """A client knowably high risk with no engagement after that date: one plain sentence,
    not an empty table under "0 engagements"; with engagements, the table lists them."""
    from tests.factories import make_client, make_engagement, make_party

    quiet = make_client(session, country="GB", industry="software")
    make_party(session, quiet, country="KP")
    busy = make_client(session, country="GB", industry="software")
    make_party(session, busy, country="KP")
    make_engagement(session, busy, date=date(2012, 6, 1), kind=EngagementKind.RENEWAL)
    session.commit()
    result = cli("knowability", quiet.external_ref)
    assert result.exit_code == 0, result.output
    assert "knowably high risk since 2011-02-25" in result.output
    assert "no engagements on or after that date" in result.output
    assert "description" not in result.output  # no empty table
    result = cli("knowability", busy.external_ref)
    assert "1 engagement on or after that date:" in result.output
    assert "2012-06-01" in result.output and "renewal" in result.output
