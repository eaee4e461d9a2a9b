"""Incremental change detection: which clients need a new assessment, and why.

A client needs re-scoring when something its score depends on changed after its last
assessment was taken. "Taken" is the start of the run that stored it (or, for an assessment
made outside a run, its creation time), so a change made while a run was under way is picked up
again by the next run rather than lost. The kinds of change:

- ``new``: the client has never been assessed;
- ``signals``: a signal about it was added, re-classified, reviewed or re-linked, or one was
  published between the last assessment's as-of date and this run's;
- ``matches``: a screening match was created, confirmed, dismissed or re-opened;
- ``profile`` / ``parties``: the client's profile or its owners and directors changed (the
  importer bumps ``profile_version`` and ``updated_at`` on both);
- ``engagements``: the vendor's own engagements changed, or one is dated inside the window;
- ``lists``: a list on which the client has a match got a new snapshot;
- ``jurisdictions``: a dated jurisdiction listing (FATF, EU, secrecy) of the client's or an
  owner's country starts or ends between the two as-of dates;
- ``model``: the active risk or signal model is not the one the last assessment used.

Detection reads a few columns with one query per table and filters in Python, so it costs a
fraction of scoring; rows older than the oldest watermark are never fetched.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from duediligence.db.enums import MatchStatus, PartyRole, RunStatus
from duediligence.db.models import (
    Client,
    Engagement,
    Party,
    ScoringRun,
    ScreeningMatch,
    Signal,
    WatchlistEntity,
    WatchlistSnapshot,
)
from duediligence.risk.reference import listings

log = logging.getLogger(__name__)

CHANGE_KINDS = (
    "new",
    "signals",
    "matches",
    "profile",
    "parties",
    "engagements",
    "lists",
    "jurisdictions",
    "model",
)


@dataclass(frozen=True)
class LastAssessment:
    """What re-scoring needs to know of a client's newest assessment."""

    as_of: date
    seen_at: datetime  # data changed after this instant may not be in the assessment
    risk_model_version: str | None
    signal_model_version: str | None


@dataclass
class ChangeSet:
    """Clients to re-score with the kinds of change found for each."""

    reasons: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    total_clients: int = 0

    def add(self, client_id: int, kind: str) -> None:
        """Record that ``client_id`` changed in ``kind``."""
        self.reasons[client_id].add(kind)

    @property
    def client_ids(self) -> list[int]:
        """The changed clients, in id order."""
        return sorted(self.reasons)

    def counts(self) -> dict[str, int]:
        """How many clients changed in each kind (a client may count under several)."""
        out = dict.fromkeys(CHANGE_KINDS, 0)
        for kinds in self.reasons.values():
            for kind in kinds:
                out[kind] = out.get(kind, 0) + 1
        return {k: v for k, v in out.items() if v}


_LAST = text(
    "SELECT a.client_id, a.as_of, a.run_id, a.created_at, a.risk_model_version, "
    "a.signal_model_version FROM assessments a JOIN (SELECT client_id, max(id) AS id "
    "FROM assessments GROUP BY client_id) m ON m.id = a.id"
)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)  # SQLite: UTC, naive


def last_assessments(*, session: Session) -> dict[int, LastAssessment]:
    """The newest assessment of every assessed client, historical ones included: change
    detection asks what changed since the client was last scored, whatever the as-of date, and
    the as-of window (see the module docstring) catches what a back-dated assessment missed.

    Read as plain rows (no ORM, no type processing) and shared per run: on a 100k roster this
    is the largest part of change detection.
    """
    started = {
        run_id: _instant(when)
        for run_id, when in session.execute(text("SELECT id, started_at FROM scoring_runs"))
    }
    shared: dict[tuple[Any, ...], LastAssessment] = {}
    out: dict[int, LastAssessment] = {}
    for client_id, as_of, run_id, created, risk_version, signal_version in session.execute(_LAST):
        key = (as_of, run_id, risk_version, signal_version)
        item = shared.get(key) if run_id is not None else None
        if item is None:
            seen = started.get(run_id) if run_id is not None else None
            item = LastAssessment(
                _day(as_of), seen or _instant(created), risk_version, signal_version
            )
            if run_id is not None:
                shared[key] = item
        out[client_id] = item
    return out


def last_completed_run(*, session: Session) -> ScoringRun | None:
    """The newest run that completed."""
    return session.scalar(
        select(ScoringRun)
        .where(ScoringRun.status == RunStatus.COMPLETED)
        .order_by(ScoringRun.id.desc())
        .limit(1)
    )


def _between(day: date | None, a: date, b: date) -> bool:
    """``day`` lies in the half-open window between two as-of dates (either order)."""
    if day is None or a == b:
        return False
    low, high = (a, b) if a < b else (b, a)
    return low < day <= high


def detect_changes(
    *,
    session: Session,
    as_of: date,
    risk_model_version: str,
    signal_model_version: str | None,
) -> ChangeSet:
    """Every client whose inputs changed since its last assessment, with the kinds of change."""
    changes = ChangeSet()
    all_ids = list(session.scalars(select(Client.id)))
    changes.total_clients = len(all_ids)
    last = last_assessments(session=session)
    for client_id in all_ids:
        prev = last.get(client_id)
        if prev is None:
            changes.add(client_id, "new")
        elif (
            prev.risk_model_version != risk_model_version
            or prev.signal_model_version != signal_model_version
        ):
            changes.add(client_id, "model")
    if not last:
        return changes
    watermark = min(p.seen_at for p in last.values())
    as_ofs = [p.as_of for p in last.values()]
    low = min([*as_ofs, as_of])
    high = max([*as_ofs, as_of])

    def changed_after(cid: int | None, when: datetime | None) -> bool:
        prev = last.get(cid) if cid is not None else None
        return prev is not None and when is not None and when > prev.seen_at

    def in_window(cid: int | None, day: date | None) -> bool:
        prev = last.get(cid) if cid is not None else None
        return prev is not None and _between(day, prev.as_of, as_of)

    window_active = low != high
    signal_filter = Signal.updated_at > watermark
    if window_active:
        signal_filter = or_(
            signal_filter, Signal.published_at.between(low + timedelta(days=1), high)
        )
    for cid, updated, published in session.execute(
        select(Signal.client_id, Signal.updated_at, Signal.published_at).where(
            Signal.client_id.is_not(None), signal_filter
        )
    ):
        if cid is not None and (changed_after(cid, updated) or in_window(cid, published)):
            changes.add(cid, "signals")

    eng_filter = Engagement.updated_at > watermark
    if window_active:
        eng_filter = or_(eng_filter, Engagement.date.between(low + timedelta(days=1), high))
    for cid, updated, day in session.execute(
        select(Engagement.client_id, Engagement.updated_at, Engagement.date).where(eng_filter)
    ):
        if changed_after(cid, updated) or in_window(cid, day):
            changes.add(cid, "engagements")

    for cid, updated, created, decided in session.execute(
        select(
            ScreeningMatch.client_id,
            ScreeningMatch.updated_at,
            ScreeningMatch.created_at,
            ScreeningMatch.decided_at,
        ).where(
            or_(
                ScreeningMatch.updated_at > watermark,
                ScreeningMatch.created_at > datetime.combine(low, datetime.min.time()),
                ScreeningMatch.decided_at > datetime.combine(low, datetime.min.time()),
            )
        )
    ):
        if (
            changed_after(cid, updated)
            or in_window(cid, created.date() if created else None)
            or in_window(cid, decided.date() if decided else None)
        ):
            changes.add(cid, "matches")

    for cid, updated in session.execute(
        select(Client.id, Client.updated_at).where(Client.updated_at > watermark)
    ):
        if changed_after(cid, updated):
            changes.add(cid, "profile")
    for cid, updated in session.execute(
        select(Party.client_id, Party.updated_at).where(Party.updated_at > watermark)
    ):
        if changed_after(cid, updated):
            changes.add(cid, "parties")

    _detect_lists(session=session, changes=changes, last=last, watermark=watermark)
    if window_active:
        _detect_jurisdictions(
            session=session, changes=changes, last=last, as_of=as_of, low=low, high=high
        )
    log.info(
        "change detection: %d of %d clients changed",
        len(changes.reasons),
        changes.total_clients,
        extra={"changed": len(changes.reasons), "by_kind": changes.counts()},
    )
    return changes


def _detect_lists(
    *, session: Session, changes: ChangeSet, last: dict[int, LastAssessment], watermark: datetime
) -> None:
    """Clients with a live match on a list that got a snapshot after their last assessment."""
    fresh: dict[int, datetime] = {}
    for watchlist_id, imported in session.execute(
        select(WatchlistSnapshot.watchlist_id, WatchlistSnapshot.imported_at).where(
            WatchlistSnapshot.imported_at > watermark
        )
    ):
        fresh[watchlist_id] = max(imported, fresh.get(watchlist_id, imported))
    if not fresh:
        return
    for cid, watchlist_id in session.execute(
        select(ScreeningMatch.client_id, WatchlistEntity.watchlist_id)
        .join(WatchlistEntity, WatchlistEntity.id == ScreeningMatch.entity_id)
        .where(
            WatchlistEntity.watchlist_id.in_(list(fresh)),
            ScreeningMatch.status != MatchStatus.DISMISSED,
        )
    ):
        prev = last.get(cid)
        if prev is not None and fresh[watchlist_id] > prev.seen_at:
            changes.add(cid, "lists")


def _detect_jurisdictions(
    *,
    session: Session,
    changes: ChangeSet,
    last: dict[int, LastAssessment],
    as_of: date,
    low: date,
    high: date,
) -> None:
    """Clients whose (or whose owners') country entered or left a dated list in the window."""
    boundaries: dict[str, list[date]] = defaultdict(list)
    for item in listings():
        for day in (item.since, item.until):
            if day is not None and low < day <= high:
                boundaries[item.country].append(day)
    if not boundaries:
        return
    countries = list(boundaries)

    def crosses(cid: int, country: str | None) -> bool:
        prev = last.get(cid)
        if prev is None or country not in boundaries:
            return False
        a, b = sorted((prev.as_of, as_of))
        # A listing in force from ``since`` changes at ``since``; one ending at ``until`` changes
        # at ``until`` (in_force uses as_of < until).
        return any(a < day <= b for day in boundaries[country])

    for cid, country in session.execute(
        select(Client.id, Client.country).where(Client.country.in_(countries))
    ):
        if crosses(cid, country):
            changes.add(cid, "jurisdictions")
    for cid, country in session.execute(
        select(Party.client_id, Party.country).where(
            Party.country.in_(countries), Party.role == PartyRole.OWNER
        )
    ):
        if crosses(cid, country):
            changes.add(cid, "jurisdictions")
