"""Factories for test data: real rows in a real database, no mocks.

Each factory adds one row with sensible defaults, flushes, and returns it; override any field by
keyword. Tests commit when they need to.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from duediligence.db.enums import (
    ClientStatus,
    EngagementKind,
    LinkStatus,
    PartyKind,
    PartyRole,
    SignalKind,
    Tier,
)
from duediligence.db.models import (
    Assessment,
    Client,
    Engagement,
    Party,
    Signal,
    Watchlist,
    WatchlistEntity,
    WatchlistSnapshot,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_client(session: Session, **kw: Any) -> Client:
    """A client; ``external_ref`` and ``name`` are unique by default."""
    n = _n()
    values: dict[str, Any] = {
        "external_ref": f"T-{n:05d}",
        "name": f"Test Company {n}",
        "country": "US",
        "industry": "software",
        "status": ClientStatus.ACTIVE,
        "products": ["crm"],
    }
    values.update(kw)
    client = Client(**values)
    session.add(client)
    session.flush()
    return client


def make_party(session: Session, client: Client, **kw: Any) -> Party:
    """An owner (person) of ``client``."""
    n = _n()
    values: dict[str, Any] = {
        "client_id": client.id,
        "party_key": f"p{n}",
        "name": f"Person {n}",
        "kind": PartyKind.PERSON,
        "role": PartyRole.OWNER,
    }
    values.update(kw)
    party = Party(**values)
    session.add(party)
    session.flush()
    return party


def make_engagement(session: Session, client: Client, **kw: Any) -> Engagement:
    """A contract with ``client`` on 2020-01-01 unless told otherwise."""
    n = _n()
    values: dict[str, Any] = {
        "client_id": client.id,
        "engagement_key": f"e{n}",
        "date": date(2020, 1, 1),
        "kind": EngagementKind.CONTRACT,
        "description": "CRM licence",
    }
    values.update(kw)
    engagement = Engagement(**values)
    session.add(engagement)
    session.flush()
    return engagement


def make_signal(session: Session, client: Client | None = None, **kw: Any) -> Signal:
    """A news signal (about ``client`` when given) with a unique content hash."""
    n = _n()
    values: dict[str, Any] = {
        "client_id": client.id if client else None,
        "kind": SignalKind.NEWS,
        "title": f"Headline {n}",
        "text": "Body text.",
        "source": "Test Wire",
        "published_at": date(2020, 6, 1),
        "content_hash": hashlib.sha256(f"signal-{n}".encode()).hexdigest(),
    }
    values.update(kw)
    signal = Signal(**values)
    session.add(signal)
    session.flush()
    return signal


def make_ambiguous_signal(
    session: Session, clients: list[Client], *, mention: str, sentence: str, score: float, **kw: Any
) -> Signal:
    """A news signal the linker left ambiguous between ``clients``, each candidate with the same
    headline mention of ``mention`` in ``sentence`` (the linker's ``link_candidates`` shape)."""
    candidates: list[dict[str, Any]] = [{"reason": "several clients match the name"}]
    candidates += [
        {
            "client": c.external_ref,
            "name": c.name,
            "score": score,
            "evidence": {"mention": mention, "where": "headline", "sentence": sentence},
        }
        for c in clients
    ]
    return make_signal(
        session, None, link_status=LinkStatus.AMBIGUOUS, link_candidates=candidates, **kw
    )


def make_party_linked_signal(
    session: Session,
    client: Client,
    party: Party,
    *,
    sentence: str,
    count: int,
    reasons: list[str],
    **kw: Any,
) -> Signal:
    """A news signal the linker linked to ``client`` through ``party`` by a headline mention of
    the party's name (the linker's ``link_evidence`` shape)."""
    return make_signal(
        session,
        client,
        link_status=LinkStatus.LINKED,
        link_party_id=party.id,
        link_evidence={
            "mention": party.name,
            "sentence": sentence,
            "where": "headline",
            "count": count,
            "via": "party",
            "party_role": party.role.value,
            "reasons": reasons,
        },
        **kw,
    )


def make_watchlist(session: Session, name: str = "test-list", **kw: Any) -> WatchlistSnapshot:
    """A watchlist with one snapshot; returns the snapshot (``.watchlist`` is the list)."""
    watchlist = Watchlist(name=name, source_format=kw.pop("source_format", "ftm"), **kw)
    session.add(watchlist)
    session.flush()
    snapshot = WatchlistSnapshot(
        watchlist_id=watchlist.id,
        version="test",
        source_sha256=hashlib.sha256(name.encode()).hexdigest(),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def make_entity(
    session: Session, snapshot: WatchlistSnapshot, name: str, **kw: Any
) -> WatchlistEntity:
    """A listed entity on ``snapshot``'s list; ``names`` defaults to ``[name]``."""
    n = _n()
    values: dict[str, Any] = {
        "watchlist_id": snapshot.watchlist_id,
        "source_id": str(n),
        "schema": "Person",
        "name": name,
        "names": [name],
        "topics": ["sanction"],
        "content_hash": hashlib.sha256(f"entity-{n}".encode()).hexdigest(),
        "first_seen_snapshot_id": snapshot.id,
        "last_seen_snapshot_id": snapshot.id,
    }
    values.update(kw)
    entity = WatchlistEntity(**values)
    session.add(entity)
    session.flush()
    return entity


def make_assessment(session: Session, client: Client, **kw: Any) -> Assessment:
    """A stored assessment of ``client`` (tier low unless told otherwise)."""
    values: dict[str, Any] = {
        "client_id": client.id,
        "as_of": date(2024, 1, 1),
        "probability": 0.1,
        "tier": Tier.LOW,
        "rule_hits": [],
        "features": {},
        "explanation": {},
        "inputs_hash": hashlib.sha256(f"inputs-{_n()}".encode()).hexdigest(),
    }
    values.update(kw)
    assessment = Assessment(**values)
    session.add(assessment)
    session.flush()
    return assessment


def make_reviewer(session: Session, username: str = "rita") -> str:
    """An active reviewer called ``username`` (bootstrapping an ``admin`` first if there are no
    users yet); returns the username. No password: Argon2 is slow on purpose."""
    from duediligence.accounts.users import add_user, count_users, get_user
    from duediligence.db.enums import Role

    if count_users(session=session) == 0:
        add_user(session=session, username="admin", role=Role.ADMIN, actor=None)
    try:
        get_user(session=session, username=username)
    except Exception:
        add_user(session=session, username=username, role=Role.REVIEWER, actor="admin")
    return username
