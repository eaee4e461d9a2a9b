"""One verdict per report: the verdict box, the tier band, the knowable-since sentence and the
factors come from the same assessment and model version. Reports are rendered for clients
whose tier changed over time, and the band's value at each assessment date equals the verdict."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from duediligence.db.enums import Severity, SignalKind, Tier
from duediligence.db.models import Assessment
from duediligence.reporting.context import client_report
from duediligence.reporting.render import render_html
from duediligence.risk import assess_client
from duediligence.risk.knowability import band_at
from tests.factories import make_client, make_signal
from tests.risk.test_pep import load_pep_fixture


def _check(session: Session, a: Assessment) -> dict[str, Any]:
    """Render ``a``'s report and check that every part of it tells the same verdict."""
    ctx = client_report(session=session, assessment=a)
    k = ctx["knowability"]
    as_of = date.fromisoformat(ctx["assessment"]["as_of"])
    band = [{"date": date.fromisoformat(t["date"]), "tier": t["tier"]} for t in k["timeline"]]
    assert band_at(band, as_of) == a.tier.value == ctx["assessment"]["tier"]
    assert k["band_at_as_of"] == a.tier.value
    assert k["consistent"] is True, (k["recomputed_tier"], a.tier)
    assert k["recomputed_tier"] == a.tier.value
    # The factors are the assessment's, and the band was scored with its model.
    assert ctx["scope"]["knowability_model_version"] == a.risk_model_version
    assert [f["feature"] for f in ctx["assessment"]["factors"]] == [
        f["feature"] for f in a.explanation["factors"]
    ]
    if a.tier.rank >= Tier.HIGH.rank:  # a high verdict was knowable by its own date
        assert k["knowable_since"] is not None and k["knowable_since"] <= ctx["assessment"]["as_of"]
    html = render_html("client", ctx)
    assert f'<span class="tier {a.tier.value}">' in html
    assert f"its value on {a.as_of} is this assessment's verdict ({a.tier.value})" in html
    if k["knowable_since"] and a.tier.rank < Tier.HIGH.rank:
        assert f"by {a.as_of}, the date of this assessment, its verdict is" in html
    return ctx


def test_reports_of_a_client_whose_tier_rose_tell_one_verdict_each(session: Session) -> None:
    client = make_client(session, name="Harbour Freight Ltd", country="GB", industry="logistics")
    make_signal(
        session,
        client,
        kind=SignalKind.LEGAL_ACTION,
        title="Harbour Freight convicted of forced labour on its ships",
        published_at=date(2021, 5, 4),
        label="forced_labour",
        severity=Severity.CONVICTION,
        credibility=0.95,
        role="subject",
    )
    session.commit()
    before = assess_client(
        session=session, client=client.id, as_of=date(2021, 1, 1), actor="system"
    )
    after = assess_client(session=session, client=client.id, as_of=date(2021, 6, 1), actor="system")
    assert before.tier.rank < Tier.HIGH.rank <= after.tier.rank  # the tier changed over time
    _check(session, before)
    ctx = _check(session, after)
    assert ctx["knowability"]["knowable_since"] == "2021-05-04"


def test_news_recorded_after_an_assessment_does_not_turn_its_band(session: Session) -> None:
    """The issue's report: MEDIUM in the verdict while the band showed high from 2021-05-04.
    An item published before the as-of date but recorded after the assessment is not what the
    assessment saw: its report's band must not show it (a new assessment will)."""
    client = make_client(session, name="Quayside Traders", country="GB", industry="logistics")
    session.commit()
    a = assess_client(session=session, client=client.id, as_of=date(2021, 6, 1), actor="system")
    assert a.tier.rank < Tier.HIGH.rank
    make_signal(
        session,
        client,
        kind=SignalKind.LEGAL_ACTION,
        title="Quayside Traders convicted of human trafficking",
        published_at=date(2021, 5, 4),
        label="human_trafficking",
        severity=Severity.CONVICTION,
        credibility=0.95,
        role="subject",
    )
    session.commit()
    ctx = _check(session, a)
    assert ctx["knowability"]["knowable_since"] is None
    newer = assess_client(session=session, client=client.id, as_of=date(2021, 6, 1), actor="system")
    assert newer.tier.rank >= Tier.HIGH.rank
    assert _check(session, newer)["knowability"]["knowable_since"] == "2021-05-04"


def test_reports_of_a_former_pep_before_and_after_the_decay(session: Session) -> None:
    clients = load_pep_fixture(session)
    cid = clients["PEP-003"].id
    during = assess_client(session=session, client=cid, as_of=date(2024, 6, 30), actor="system")
    after = assess_client(session=session, client=cid, as_of=date(2024, 7, 1), actor="system")
    assert during.tier == Tier.HIGH and after.tier.rank < Tier.HIGH.rank
    _check(session, during)
    ctx = _check(session, after)
    # High while a PEP (known since the listing), no longer after the period ended.
    assert ctx["knowability"]["knowable_since"] == "2015-01-20"
    assert (
        band_at(
            [
                {"date": date.fromisoformat(t["date"]), "tier": t["tier"]}
                for t in ctx["knowability"]["timeline"]
            ],
            date(2024, 6, 30),
        )
        == "high"
    )
