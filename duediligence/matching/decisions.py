"""Reading screening matches (a reviewer's verdict on one is ``review.verdicts.decide_match``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import MatchStatus
from duediligence.db.models import ScreeningMatch


def list_matches(*, session: Session, status: MatchStatus | None = None) -> list[ScreeningMatch]:
    """Screening matches, optionally of one status, highest score first."""
    query = select(ScreeningMatch).order_by(ScreeningMatch.score.desc(), ScreeningMatch.id)
    if status is not None:
        query = query.where(ScreeningMatch.status == status)
    return list(session.scalars(query))
