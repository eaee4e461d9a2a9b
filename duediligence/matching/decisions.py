"""Reviewers' decisions on screening matches; a confirmed sanctions match becomes a signal."""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.base import utcnow
from duediligence.db.enums import DateBasis, LinkStatus, MatchStatus, Severity, SignalKind
from duediligence.db.models import (
    ScreeningMatch,
    Signal,
    Watchlist,
    WatchlistEntity,
    WatchlistSnapshot,
)
from duediligence.ingest.dates import (
    DateRefused,
    PublicationTime,
    listing_time,
    publication_time,
)
from duediligence.review.audit import record_event
from duediligence.review.verdicts import MATCH_VERDICT, apply_verdict

log = logging.getLogger(__name__)


def decide_match(
    session: Session, match_id: int, *, confirm: bool, reason: str, actor: str | None
) -> ScreeningMatch:
    """Confirm or dismiss a pending match, with a reason (audited).

    Confirming a match on a sanctions list records a ``sanction`` signal against the client,
    dated when the listing became public: the entry's listing date under the date rule
    (``duediligence.ingest.dates``) when the list gives one it accepts, else the date the
    list snapshot was imported (flagged as estimated, ``published_basis`` ``snapshot``).
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


def listing_publication(
    entity: WatchlistEntity, snapshot: WatchlistSnapshot | None
) -> PublicationTime:
    """When a list entry became public: its listing date (``raw["listed_on"]``, as the UN and
    FtM parsers keep it) under the date rule, else the snapshot's import time, estimated."""
    now = utcnow()
    try:
        listed = listing_time((entity.raw or {}).get("listed_on"), now=now)
    except DateRefused as exc:
        log.warning("entity %s: %s; dating by the snapshot import", entity.source_id, exc)
        listed = None
    if listed is not None:
        return listed
    imported = snapshot.imported_at if snapshot is not None else now
    return publication_time(imported, now=now).as_estimate(DateBasis.SNAPSHOT)


def _sanction_signal(session: Session, match: ScreeningMatch) -> Signal:
    entity = match.entity
    snapshot = session.get(WatchlistSnapshot, match.snapshot_id)
    published = listing_publication(entity, snapshot)
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
        published_at=published.utc_date,
        published_original=published.original,
        published_utc_offset=published.utc_offset_minutes,
        published_basis=published.basis,
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
