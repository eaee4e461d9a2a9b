"""Reviewers' confirm/dismiss verdicts on screening matches and signals (audited).

A screening match and a signal are both reviewed the same way: a reviewer confirms or dismisses
it with a reason, the new status, reviewer, time and reason are stored on the row, and one audit
event records the change. :func:`apply_verdict` is that common step; :func:`review_signal` is
the verdict on a signal (the verdict on a match is
:func:`duediligence.matching.decisions.decide_match`, which may also record a sanction signal).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import ReviewStatus
from duediligence.db.models import ScreeningMatch, Signal
from duediligence.errors import ConflictError, InputError, NotFoundError

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
    session: Session,
    fields: VerdictFields[Row],
    object_id: int,
    new_status: Enum,
    *,
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
        session,
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
    session: Session, signal_id: int, *, confirm: bool, reason: str, actor: str
) -> Signal:
    """A reviewer confirms a signal is about the client (and adverse) or dismisses it (audited).

    A dismissed signal no longer counts towards the client's risk at the next assessment.
    """
    new_status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.DISMISSED
    return apply_verdict(
        session,
        SIGNAL_VERDICT,
        signal_id,
        new_status,
        reason=reason,
        actor=actor,
        decided_by=actor,
    )
