"""Shared look-ups every layer needs: a client by reference, and a client's *current* assessment.

Current vs historical: an assessment whose as-of date is before the day it was made is a
point-in-time (historical) view — a what-if, or the record as it stood on a past date. It is
kept and can be reported on, but it never stands for the client today. A client's *current*
assessment is the newest non-historical one: the one with the newest as-of date, and among
those the last stored. Decisions, the review queue, the roster and exposure reports, the web
pages, the API, batch alerts and ``report client`` without ``--as-of`` all read it through
:func:`current_assessment` or :func:`current_assessment_ids`, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from duediligence.db.models import Assessment, Client
from duediligence.errors import NotFoundError


def utc_today() -> date:
    """Today's date in UTC: the one calendar every as-of date and "today" in the product uses."""
    return datetime.now(UTC).date()


def resolve_client(*, session: Session, ref: str | int) -> Client:
    """A client by external reference (or database id); :class:`NotFoundError` if there is none."""
    client = (
        session.get(Client, ref)
        if isinstance(ref, int)
        else session.scalar(select(Client).where(Client.external_ref == ref))
    )
    if client is None:
        raise NotFoundError(f"no client {ref!r}")
    return client


def current_assessment_ids(client_ids: Iterable[int] | None = None) -> Select[int, int]:
    """A query of ``(client_id, assessment id)``: every client's current assessment.

    Newest as-of date among the client's non-historical assessments, then the highest id among
    those. ``client_ids`` narrows it to some clients. Use it as a subquery (``.subquery()``)
    or execute it.
    """
    newest = select(
        Assessment.client_id.label("client_id"), func.max(Assessment.as_of).label("as_of")
    ).where(Assessment.historical.is_(False))
    if client_ids is not None:
        newest = newest.where(Assessment.client_id.in_(list(client_ids)))
    day = newest.group_by(Assessment.client_id).subquery("newest_day")
    return (
        select(Assessment.client_id, func.max(Assessment.id).label("id"))
        .join(day, and_(day.c.client_id == Assessment.client_id, day.c.as_of == Assessment.as_of))
        .where(Assessment.historical.is_(False))
        .group_by(Assessment.client_id)
    )


def current_assessment(*, session: Session, client_id: int) -> Assessment | None:
    """The client's current assessment (see the module docstring), or None if it has none."""
    return session.scalar(
        select(Assessment)
        .where(Assessment.client_id == client_id, Assessment.historical.is_(False))
        .order_by(Assessment.as_of.desc(), Assessment.id.desc())
        .limit(1)
    )


def is_current(*, session: Session, assessment: Assessment) -> bool:
    """Whether ``assessment`` is its client's current assessment."""
    current = current_assessment(session=session, client_id=assessment.client_id)
    return current is not None and current.id == assessment.id
