"""A client report shows how each news item was linked, the owner it is about, whether a reviewer
confirmed the link, and the ownership exposure in its verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyRole, ReportFormat
from duediligence.reporting.render import render_client_report
from duediligence.review.links import confirm_link
from duediligence.risk import assess_client
from tests.factories import make_client, make_party, make_reviewer, make_signal


def test_report_shows_party_linked_evidence_and_owner_exposure(
    session: Session, tmp_path: Path, cli_env: Callable[[str], None]
) -> None:
    client = make_client(session, name="Blue Harbor Shipping", external_ref="BH-1")
    owner = make_party(session, client, name="John Doe", role=PartyRole.OWNER)
    signal = make_signal(
        session,
        client,
        title="Shipping magnate John Doe held over laundering",
        published_at=date(2019, 3, 4),
        label="money_laundering",
        role="subject",
        adverse_probability=0.92,
        link_status=LinkStatus.LINKED,
        link_party_id=owner.id,
        link_evidence={
            "mention": "John Doe",
            "sentence": "Police held John Doe on Tuesday.",
            "where": "headline",
            "count": 1,
            "via": "party",
            "party_role": "owner",
            "reasons": ["headline mention"],
        },
    )
    direct = make_signal(
        session,
        client,
        title="Blue Harbor Shipping fined for fraud",
        published_at=date(2020, 1, 2),
        label="fraud",
        adverse_probability=0.8,
        role="subject",
        link_status=LinkStatus.LINKED,
        link_evidence={"mention": "Blue Harbor Shipping", "where": "body", "count": 3},
    )
    make_reviewer(session, "rita")
    confirm_link(session=session, signal_id=signal.id, actor="rita")
    assess_client(session=session, client=client.id)
    session.commit()

    path, _ = render_client_report(
        session=session, client="BH-1", fmt=ReportFormat.JSON, reports_dir=tmp_path
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    items = {s["id"]: s for group in data["adverse_media"].values() for s in group}
    via_owner, own = items[signal.id]["link"], items[direct.id]["link"]
    assert via_owner["how"] == "headline mention of 'John Doe'"
    assert via_owner["about"] == "about its owner John Doe" and via_owner["party_role"] == "owner"
    assert via_owner["reviewed"] is True and via_owner["reviewed_by"] == "rita"
    assert via_owner["text"] == (
        "headline mention of 'John Doe'; about its owner John Doe; link confirmed by rita"
    )
    assert own["about"] is None and own["reviewed"] is False
    assert own["text"] == "body mention of 'Blue Harbor Shipping', 3 mentions; link not reviewed"
    headline = data["assessment"]["headline"]
    assert "adverse media about its owner John Doe (2019): money laundering" in headline
    rules = [h["rule"] for h in data["assessment"]["rule_hits"]]
    assert "adverse_media_about_party" in rules

    html_path, _ = render_client_report(
        session=session, client="BH-1", fmt=ReportFormat.HTML, reports_dir=tmp_path
    )
    html = html_path.read_text(encoding="utf-8")
    assert "<strong>about its owner John Doe</strong>" in html
    assert "Linked: headline mention of &#39;John Doe&#39;; about its owner John Doe; link " in html
    assert "adverse media about its owner John Doe (2019)" in html
