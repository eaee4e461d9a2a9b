"""What was knowable, and when: the first date a client's public record put it at high risk,
the signals that tipped it, and the vendor's engagements with it from that date on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import MatchStatus, Tier
from duediligence.db.models import Client, Engagement, Party, ScreeningMatch, Signal
from duediligence.risk.assess import load_records, load_scorer, resolve_client, score_records
from duediligence.risk.model import Scorer
from duediligence.risk.reference import listings


@dataclass
class Knowability:
    """The answer to the question a court asks a vendor."""

    client_ref: str
    client_name: str
    knowable_since: date | None
    tier_then: str | None
    tipping_signals: list[dict[str, Any]] = field(default_factory=list)
    engagements_after: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    model_version: str = ""


def change_dates(session: Session, client_id: int, until: date) -> list[date]:
    """Every date the client's public record changed: signals published, matches confirmed,
    and its or its owners' countries put on (or taken off) a jurisdiction list."""
    dates = set(
        session.scalars(
            select(Signal.published_at).where(
                Signal.client_id == client_id, Signal.published_at <= until
            )
        )
    )
    for decided in session.scalars(
        select(ScreeningMatch.decided_at).where(
            ScreeningMatch.client_id == client_id, ScreeningMatch.status == MatchStatus.CONFIRMED
        )
    ):
        if decided is not None and decided.date() <= until:
            dates.add(decided.date())
    countries = {session.get(Client, client_id).country} | set(  # type: ignore[union-attr]
        session.scalars(select(Party.country).where(Party.client_id == client_id))
    )
    for listing in listings():
        if listing.country in countries:
            dates.update(d for d in (listing.since, listing.until) if d is not None and d <= until)
    return sorted(dates)


def knowability(
    session: Session,
    client: str | int,
    *,
    until: date | None = None,
    model: Scorer | None = None,
) -> Knowability:
    """Score the client at every date its public record changed and find when it became high.

    ``model`` is the risk model to score with (default: the active one).
    """
    row = resolve_client(session, client)
    until = until or date.today()
    scorer = model or load_scorer(session)
    dates = change_dates(session, row.id, until)
    records = [load_records(session, [row.id], d)[0] for d in dates]
    results = score_records(records, scorer)
    timeline = [
        {
            "date": r.as_of,
            "tier": r.tier.value,
            "probability": round(r.probability, 4),
            "summary": r.explanation["summary"],
        }
        for r in results
    ]
    crossed = next((r for r in results if r.tier.rank >= Tier.HIGH.rank), None)
    answer = Knowability(
        row.external_ref, row.name, None, None, timeline=timeline, model_version=scorer.version
    )
    if crossed is None:
        return answer
    answer.knowable_since = crossed.as_of
    answer.tier_then = crossed.tier.value
    tipping_ids = {s["id"] for f in crossed.explanation["factors"] for s in f["signals"]}
    for hit in crossed.rule_hits:
        tipping_ids.update(hit.get("signals", []))
    tipping = session.scalars(
        select(Signal).where(Signal.id.in_(tipping_ids)).order_by(Signal.published_at)
    ).all()
    answer.tipping_signals = [
        {
            "id": s.id,
            "published_at": s.published_at,
            "title": s.title,
            "source": s.source,
            "kind": s.kind.value,
            "label": s.label,
            "severity": s.severity.value if s.severity else None,
        }
        for s in tipping
    ]
    answer.engagements_after = [
        {"date": e.date, "kind": e.kind.value, "description": e.description, "value": e.value}
        for e in session.scalars(
            select(Engagement)
            .where(Engagement.client_id == row.id, Engagement.date >= crossed.as_of)
            .order_by(Engagement.date)
        )
    ]
    return answer
