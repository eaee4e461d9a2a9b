"""Read models: the roster, alerts and the audit log, as the web pages and the JSON API list them.

Plain library functions (the caller owns the session) so pages, the JSON API and tests share
them; nothing here knows about HTTP (it lived in ``web/`` until issue 22 moved it here).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from duediligence.db.enums import (
    ClientStatus,
    DecisionStatus,
    MatchStatus,
    Tier,
)
from duediligence.db.models import (
    Assessment,
    AuditEvent,
    Client,
    Decision,
    ScreeningMatch,
    Watchlist,
    WatchlistEntity,
)
from duediligence.db.queries import current_assessment_ids
from duediligence.errors import InputError
from duediligence.matching.compare import DEFAULT_THRESHOLD
from duediligence.risk.rules import describe_match

log = logging.getLogger(__name__)

SORTS: dict[str, tuple[str, bool]] = {
    "risk": ("risk", True),
    "name": ("name", False),
    "ref": ("ref", False),
    "assessed": ("assessed", True),
    "status": ("status", False),
}
PAGE_SIZES = (25, 50, 100)


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster: a client and its newest assessment (if any)."""

    client_id: int
    external_ref: str
    name: str
    country: str | None
    industry: str | None
    status: str
    tier: str | None
    probability: float | None
    as_of: date | None
    assessed_at: datetime | None
    pending_matches: int


@dataclass
class RosterPage:
    """A filtered, sorted page of the roster with the counts a pager needs."""

    rows: list[RosterRow]
    total: int
    page: int
    per_page: int
    tier_counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the filtered roster has (at least one)."""
        return max(1, -(-self.total // self.per_page))


def _latest_ids() -> Any:
    """Every client's current assessment id (``client_id``, ``assessment_id``)."""
    current = current_assessment_ids().subquery()
    return select(
        current.c.client_id.label("client_id"), current.c.id.label("assessment_id")
    ).subquery()


def roster_page(
    *,
    session: Session,
    tier: Tier | None = None,
    status: ClientStatus | None = None,
    text: str | None = None,
    sort: str = "risk",
    descending: bool | None = None,
    page: int = 1,
    per_page: int = 25,
) -> RosterPage:
    """Clients with their latest assessment, filtered by tier, status and text, sorted, paged.

    ``text`` matches the client's name or reference (case-insensitive substring). ``sort`` is
    one of ``risk``, ``name``, ``ref``, ``assessed``, ``status``; ``descending`` defaults to the
    natural direction of the column (riskiest and newest first).
    """
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if per_page not in PAGE_SIZES:
        raise InputError(f"page size must be one of {PAGE_SIZES}")
    page = max(1, page)
    latest = _latest_ids()
    pending = (
        select(ScreeningMatch.client_id, func.count().label("n"))
        .where(ScreeningMatch.status == MatchStatus.PENDING)
        .group_by(ScreeningMatch.client_id)
        .subquery()
    )
    base = (
        select(Client, Assessment, func.coalesce(pending.c.n, 0))
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(Assessment, Assessment.id == latest.c.assessment_id)
        .outerjoin(pending, pending.c.client_id == Client.id)
    )
    filters = []
    if status is not None:
        filters.append(Client.status == status)
    if text and text.strip():
        needle = f"%{text.strip().lower()}%"
        filters.append(
            or_(func.lower(Client.name).like(needle), func.lower(Client.external_ref).like(needle))
        )
    # Tier counts ignore the tier filter, so the filter chips can show what each would give.
    count_query = (
        select(Assessment.tier, func.count())
        .select_from(Client)
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(Assessment, Assessment.id == latest.c.assessment_id)
        .where(*filters)
        .group_by(Assessment.tier)
    )
    tier_counts = {
        (t.value if t is not None else "unassessed"): n for t, n in session.execute(count_query)
    }
    if tier is not None:
        filters.append(Assessment.tier == tier)
    query = base.where(*filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    key, natural_desc = SORTS[sort]
    desc = natural_desc if descending is None else descending
    rank = func.coalesce(Assessment.probability, -1.0)
    columns: dict[str, list[Any]] = {
        "risk": [_tier_order(), rank],
        "name": [func.lower(Client.name)],
        "ref": [Client.external_ref],
        "assessed": [func.coalesce(Assessment.as_of, date(1970, 1, 1)), Assessment.id],
        "status": [Client.status],
    }
    order = [c.desc() if desc else c.asc() for c in columns[key]]
    query = query.order_by(*order, Client.id).offset((page - 1) * per_page).limit(per_page)
    rows = [
        RosterRow(
            client_id=c.id,
            external_ref=c.external_ref,
            name=c.name,
            country=c.country,
            industry=c.industry,
            status=c.status.value,
            tier=a.tier.value if a else None,
            probability=a.probability if a else None,
            as_of=a.as_of if a else None,
            assessed_at=a.created_at if a else None,
            pending_matches=int(n),
        )
        for c, a, n in session.execute(query)
    ]
    return RosterPage(rows, total, page, per_page, tier_counts)


def _tier_order() -> Any:
    from sqlalchemy import case

    return case(
        *[(Assessment.tier == t, t.rank + 1) for t in Tier],
        else_=0,
    )


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class Alert:
    """Something that needs a person: a pending watch-list match or an undecided risky client."""

    kind: Literal["watchlist_match", "high_risk_undecided"]
    client_ref: str
    client_name: str
    created_at: datetime
    detail: str
    tier: str | None = None
    score: float | None = None
    match_id: int | None = None
    assessment_id: int | None = None


def alerts(*, session: Session, limit: int = 100, offset: int = 0) -> tuple[list[Alert], int]:
    """Open alerts: first the pending watch-list matches at or above the screening threshold
    (each puts its client's verdict on hold; oldest first), then the other pending matches and
    the high/prohibited clients with no decision on their current assessment, newest first.
    Returns ``(page, total)``."""
    items: list[Alert] = []
    pending = session.execute(
        select(ScreeningMatch, Client, WatchlistEntity, Watchlist.name)
        .join(Client, Client.id == ScreeningMatch.client_id)
        .join(WatchlistEntity, WatchlistEntity.id == ScreeningMatch.entity_id)
        .join(Watchlist, Watchlist.id == WatchlistEntity.watchlist_id)
        .where(ScreeningMatch.status == MatchStatus.PENDING)
    )
    held: list[Alert] = []
    for m, c, e, list_name in pending:
        hit = describe_match(
            {
                "subject": m.subject_name,
                "entity": e.name,
                "list": f"{list_name} {e.source_id}",
                "programs": e.programs,
                "score": m.score,
            }
        )
        on_hold = m.score >= DEFAULT_THRESHOLD
        (held if on_hold else items).append(
            Alert(
                kind="watchlist_match",
                client_ref=c.external_ref,
                client_name=c.name,
                created_at=m.created_at,
                detail=f"Potential sanctions match — on hold: {hit}" if on_hold else hit,
                score=m.score,
                match_id=m.id,
            )
        )
    latest = _latest_ids()
    effective = select(Decision.assessment_id).where(
        Decision.status.in_([DecisionStatus.EFFECTIVE, DecisionStatus.AWAITING_CONFIRMATION])
    )
    risky = session.execute(
        select(Assessment, Client)
        .join(latest, latest.c.assessment_id == Assessment.id)
        .join(Client, Client.id == Assessment.client_id)
        .where(
            Assessment.tier.in_([Tier.HIGH, Tier.PROHIBITED]),
            Assessment.id.not_in(effective),
            Client.status != ClientStatus.OFFBOARDED,
        )
    )
    for a, c in risky:
        items.append(
            Alert(
                kind="high_risk_undecided",
                client_ref=c.external_ref,
                client_name=c.name,
                created_at=a.created_at,
                detail=str(a.explanation.get("summary") or f"{a.tier.value} risk"),
                tier=a.tier.value,
                score=a.probability,
                assessment_id=a.id,
            )
        )
    items.sort(key=lambda x: (x.created_at, x.client_ref), reverse=True)
    held.sort(key=lambda x: (x.created_at, x.match_id or 0))
    everything = held + items
    return everything[offset : offset + limit], len(everything)


# --------------------------------------------------------------------------- audit log


@dataclass
class AuditPage:
    """A page of audit events, newest first."""

    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))


def audit_page(
    *,
    session: Session,
    client_id: int | None = None,
    action: str | None = None,
    actor: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Audit events, newest first, optionally of one client, action prefix or actor."""
    from duediligence.audit.trail import audit_query

    query = audit_query(
        client_id=client_id,
        action=action.strip() if action else None,
        actor=actor.strip() if actor else None,
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    events = list(
        session.scalars(
            query.order_by(AuditEvent.sequence.desc()).offset((page - 1) * per_page).limit(per_page)
        )
    )
    return AuditPage(events, total, page, per_page)


def audit_actions(*, session: Session) -> list[str]:
    """The distinct audit actions recorded so far (for the filter menu)."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


@dataclass(frozen=True)
class ChainStatus:
    """The audit chain's verification, as the audit page shows it."""

    intact: bool
    message: str


def chain_status(*, session: Session) -> ChainStatus:
    """Verify the whole audit chain (read-only) and summarise the outcome in one line."""
    from duediligence.audit.trail import verify_chain

    report = verify_chain(session=session)
    if report.ok:
        return ChainStatus(True, f"chain intact: all {report.count} events verified")
    assert report.problem is not None
    return ChainStatus(False, f"chain broken: {report.problem.message}")
