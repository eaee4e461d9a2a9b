"""Reviewers' decisions on screening matches; a confirmed sanctions match becomes a signal."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import LinkStatus, MatchStatus, Severity, SignalKind
from duediligence.db.models import ScreeningMatch, Signal, Watchlist, WatchlistSnapshot
from duediligence.review.verdicts import MATCH_VERDICT, apply_verdict


def decide_match(
    session: Session, match_id: int, *, confirm: bool, reason: str, actor: str | None
) -> ScreeningMatch:
    """Confirm or dismiss a pending match, with a reason (audited).

    Confirming a match on a sanctions list records a ``sanction`` signal against the client,
    dated when the listing became public (the entry's listing date when the list gives one,
    else the date the list snapshot was imported).
    """
    new_status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
    match = apply_verdict(
        session,
        MATCH_VERDICT,
        match_id,
        new_status,
        reason=reason,
        actor=actor,
        decided_by=actor or "system",
    )
    if confirm and "sanction" in (match.entity.topics or []):
        _sanction_signal(session, match)
    return match


def _sanction_signal(session: Session, match: ScreeningMatch) -> Signal:
    entity = match.entity
    snapshot = session.get(WatchlistSnapshot, match.snapshot_id)
    listed = (entity.raw or {}).get("listed_on")
    published = (
        date.fromisoformat(listed[:10])
        if listed
        else snapshot.imported_at.date()
        if snapshot
        else utcnow().date()
    )
    list_name = session.scalar(select(Watchlist.name).where(Watchlist.id == entity.watchlist_id))
    content_hash = hashlib.sha256(f"match:{match.id}".encode()).hexdigest()
    existing = session.scalar(select(Signal).where(Signal.content_hash == content_hash))
    if existing is not None:
        return existing
    signal = Signal(
        client_id=match.client_id,
        kind=SignalKind.SANCTION,
        title=f"Confirmed match: {match.subject_name} is listed on {list_name} as {entity.name}",
        text=f"Screening match {match.id} confirmed: {match.decision_reason}",
        source=list_name,
        published_at=published,
        content_hash=content_hash,
        subject_name=match.subject_name,
        severity=Severity.SANCTION,
        credibility=1.0,
        label="sanctions_evasion",
        link_status=LinkStatus.LINKED,
        link_score=match.score,
    )
    session.add(signal)
    session.flush()
    record_event(
        session,
        actor="system",
        action="signal.created",
        object_type="signal",
        object_id=signal.id,
        client_id=match.client_id,
        after={"kind": "sanction", "from_match": match.id},
    )
    return signal


def list_matches(session: Session, status: MatchStatus | None = None) -> list[ScreeningMatch]:
    """Screening matches, optionally of one status, highest score first."""
    query = select(ScreeningMatch).order_by(ScreeningMatch.score.desc(), ScreeningMatch.id)
    if status is not None:
        query = query.where(ScreeningMatch.status == status)
    return list(session.scalars(query))
