"""Reviewers' confirm/dismiss verdicts on screening matches and signals (audited).

A screening match and a signal are both reviewed the same way: a reviewer confirms or dismisses
it with a reason, the new status, reviewer, time and reason are stored on the row, and one audit
event records the change. :func:`apply_verdict` is that common step; :func:`decide_match` and
:func:`review_signal` are the verdicts, and only a reviewer may give them
(:data:`~duediligence.accounts.roles.PERMISSIONS`), whatever the surface.

A verdict on a match also:

- records, when a match on a sanctioned entity (by the topic table of
  :mod:`duediligence.risk.topics`) is confirmed, a ``sanction`` signal against the
  client dated by when the listing became public (the entry's listing date, else the
  publication date of the first list snapshot that held it — see
  :func:`duediligence.risk.records.known_since`). That signal is the dated public record of the
  finding; it is never classified or counted as adverse media, because the match itself counts
  (once) in scoring. Dismissing the match later dismisses its signal too;
- re-assesses the client at once, so its current verdict leaves (or enters) the hold, or turns
  prohibited, without waiting for the nightly re-scoring.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.accounts.roles import Permission
from duediligence.accounts.users import require_permission
from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import (
    DateBasis,
    LinkStatus,
    MatchStatus,
    ReviewStatus,
    Severity,
    SignalKind,
)
from duediligence.db.models import (
    Assessment,
    ScreeningMatch,
    Signal,
    Watchlist,
    WatchlistSnapshot,
)
from duediligence.errors import ConflictError, InputError, NotFoundError
from duediligence.risk.topics import is_sanctioned

Row = TypeVar("Row", ScreeningMatch, Signal)


@dataclass(frozen=True)
class VerdictFields(Generic[Row]):
    """Where a verdict is stored on one reviewable model, and how it is named and audited."""

    model: type[Row]
    noun: str  # in "already ..." messages and the audit action (``match.confirmed``)
    missing: str  # in "no ..." messages
    object_type: str  # the audit event's object type
    status: str  # attribute names on the model
    by: str
    at: str
    reason: str


MATCH_VERDICT = VerdictFields(
    ScreeningMatch,
    noun="match",
    missing="screening match",
    object_type="screening_match",
    status="status",
    by="decided_by",
    at="decided_at",
    reason="decision_reason",
)
SIGNAL_VERDICT = VerdictFields(
    Signal,
    noun="signal",
    missing="signal",
    object_type="signal",
    status="review_status",
    by="reviewed_by",
    at="reviewed_at",
    reason="review_reason",
)


def apply_verdict(
    *,
    session: Session,
    fields: VerdictFields[Row],
    object_id: int,
    new_status: Enum,
    reason: str,
    actor: str | None,
    decided_by: str,
) -> Row:
    """Store a confirm/dismiss verdict on one row and append its audit event.

    Raises :class:`InputError` for a blank reason, :class:`NotFoundError` for an unknown id and
    :class:`ConflictError` when the row already has ``new_status``. The audit event (action
    ``<noun>.<status>``, by ``actor``) holds the status and reason before and after.
    """
    if not reason or not reason.strip():
        raise InputError("a reason is required")
    row = session.get(fields.model, object_id)
    if row is None:
        raise NotFoundError(f"no {fields.missing} {object_id}")
    current: Enum = getattr(row, fields.status)
    if current == new_status:
        raise ConflictError(f"{fields.noun} {object_id} is already {new_status.value}")
    before: dict[str, Any] = {fields.status: current.value, "reason": getattr(row, fields.reason)}
    setattr(row, fields.status, new_status)
    setattr(row, fields.by, decided_by)
    setattr(row, fields.at, utcnow())
    setattr(row, fields.reason, reason.strip())
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action=f"{fields.noun}.{new_status.value}",
        object_type=fields.object_type,
        object_id=row.id,
        client_id=row.client_id,
        before=before,
        after={fields.status: new_status.value, "reason": getattr(row, fields.reason)},
    )
    return row


def review_signal(
    *, session: Session, signal_id: int, confirm: bool, reason: str, actor: str | None
) -> Signal:
    """A reviewer confirms a signal is about the client (and adverse) or dismisses it (audited).

    A dismissed signal no longer counts towards the client's risk at the next assessment.
    :class:`PermissionDenied` unless ``actor`` is an active reviewer.
    """
    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_SIGNAL)
    new_status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.DISMISSED
    return apply_verdict(
        session=session,
        fields=SIGNAL_VERDICT,
        object_id=signal_id,
        new_status=new_status,
        reason=reason,
        actor=user.username,
        decided_by=user.username,
    )


@dataclass(frozen=True)
class MatchVerdict:
    """A verdict on a match and the client's new current assessment it led to."""

    match: ScreeningMatch
    assessment: Assessment
    signal: Signal | None  # the sanction signal of a confirmed sanctions match


def decide_match(
    *, session: Session, match_id: int, confirm: bool, reason: str, actor: str | None
) -> MatchVerdict:
    """Confirm or dismiss a screening match, with a reason (audited), then re-assess the client.

    :class:`PermissionDenied` unless ``actor`` is an active reviewer; :class:`InputError` for a
    blank reason; :class:`NotFoundError` / :class:`ConflictError` as :func:`apply_verdict`.
    """
    from duediligence.risk.assess import assess_client

    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_MATCH)
    new_status = MatchStatus.CONFIRMED if confirm else MatchStatus.DISMISSED
    match = apply_verdict(
        session=session,
        fields=MATCH_VERDICT,
        object_id=match_id,
        new_status=new_status,
        reason=reason,
        actor=user.username,
        decided_by=user.username,
    )
    signal = _match_signal(session=session, match=match, actor=user.username)
    assessment = assess_client(session=session, client=match.client_id, actor=user.username)
    return MatchVerdict(match, assessment, signal)


def _match_signal(*, session: Session, match: ScreeningMatch, actor: str) -> Signal | None:
    """Keep the sanction signal of a match in step with its verdict (see the module docstring).

    Creates it when a sanctions match is confirmed (dated by the listing), restores it when a
    dismissed one is confirmed again, dismisses it when the match is dismissed."""
    from duediligence.risk.records import known_since

    signal = session.scalar(select(Signal).where(Signal.screening_match_id == match.id))
    if match.status == MatchStatus.DISMISSED:
        if signal is not None and signal.review_status != ReviewStatus.DISMISSED:
            _follow(
                session=session,
                signal=signal,
                status=ReviewStatus.DISMISSED,
                match=match,
                actor=actor,
            )
        return signal
    if signal is not None:
        if signal.review_status != ReviewStatus.CONFIRMED:
            _follow(
                session=session,
                signal=signal,
                status=ReviewStatus.CONFIRMED,
                match=match,
                actor=actor,
            )
        return signal
    entity = match.entity
    if not is_sanctioned(entity.topics or [], entity.programs or []):
        return None  # a PEP, crime or debarment match is no sanction (the topic table)
    first = session.get(WatchlistSnapshot, entity.first_seen_snapshot_id)
    list_name = session.scalar(select(Watchlist.name).where(Watchlist.id == entity.watchlist_id))
    assert first is not None and list_name is not None
    published, how, estimated = known_since(
        entity.listed_on,
        entity.listed_on_source,
        first.published_on,
        first.published_source,
        first.imported_at,
        list_name,
    )
    programs = ", ".join(entity.programs or [])
    signal = Signal(
        client_id=match.client_id,
        kind=SignalKind.SANCTION,
        title=f"Sanctions listing: {match.subject_name} is listed on {list_name} as "
        f"{entity.name}" + (f" ({programs})" if programs else ""),
        text=f"Screening match {match.id} confirmed by {actor}: {match.decision_reason}. "
        f"Dated: {how}.",
        source=list_name,
        published_at=published,
        published_original=published.isoformat(),
        published_basis=DateBasis.SNAPSHOT if estimated else DateBasis.DATE,
        content_hash=hashlib.sha256(f"match:{match.id}".encode()).hexdigest(),
        subject_name=match.subject_name,
        severity=Severity.SANCTION,
        credibility=1.0,
        link_status=LinkStatus.LINKED,
        link_score=match.score,
        review_status=ReviewStatus.CONFIRMED,
        reviewed_by=actor,
        reviewed_at=utcnow(),
        review_reason=f"screening match {match.id} confirmed",
        screening_match_id=match.id,
    )
    session.add(signal)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="signal.created",
        object_type="signal",
        object_id=signal.id,
        client_id=match.client_id,
        after={
            "kind": "sanction",
            "from_match": match.id,
            "published_at": published,
            "dated_by": how,
        },
    )
    return signal


def _follow(
    *, session: Session, signal: Signal, status: ReviewStatus, match: ScreeningMatch, actor: str
) -> None:
    """A match's sanction signal follows the match's verdict (one audit event)."""
    apply_verdict(
        session=session,
        fields=SIGNAL_VERDICT,
        object_id=signal.id,
        new_status=status,
        reason=f"screening match {match.id} {match.status.value}",
        actor=actor,
        decided_by=actor,
    )
