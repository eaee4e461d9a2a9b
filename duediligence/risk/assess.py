"""Point-in-time assessment: load what was public at ``as_of``, score it, store it immutably.

``score_clients`` is the bulk, read-only path the nightly batch uses: a handful of queries per
chunk of clients, then pure Python/numpy. ``store_results`` writes immutable assessment rows
with one audit event each; ``assess_client`` does both for one client.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, event, select
from sqlalchemy.orm import Session

from duediligence.audit.trail import PendingEvent, record_events
from duediligence.db.base import utcnow
from duediligence.db.bulk import bulk_insert
from duediligence.db.enums import MatchStatus, ModelKind, PartyRole, ReviewStatus, Tier
from duediligence.db.models import (
    Assessment,
    Client,
    Engagement,
    Party,
    ScreeningMatch,
    Signal,
    WatchlistEntity,
)
from duediligence.errors import IntegrityError, NotFoundError
from duediligence.jsonutil import sha256_canonical
from duediligence.modelstore import active_versions, load_active
from duediligence.risk.features import (
    FEATURE_NAMES,
    ClientRecord,
    SignalFact,
    compute_features,
)
from duediligence.risk.model import Scorer, explain, tier_for
from duediligence.risk.rules import apply_rules

log = logging.getLogger(__name__)


@dataclass
class RiskResult:
    """The outcome of scoring one client at one date (not yet stored)."""

    client_id: int
    as_of: date
    probability: float
    tier: Tier
    rule_hits: list[dict[str, Any]]
    features: dict[str, float]
    explanation: dict[str, Any]
    inputs_hash: str
    risk_model_version: str
    signal_model_version: str | None


@event.listens_for(Assessment, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: Assessment) -> None:
    raise IntegrityError(f"assessment {target.id} is immutable; store a new assessment instead")


@event.listens_for(Assessment, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: Assessment) -> None:
    raise IntegrityError(f"assessment {target.id} is immutable and cannot be deleted")


def load_scorer(session: Session | None = None, models_dir: Path | None = None) -> Scorer:
    """The active risk model, or the transparent fallback when none is active."""
    if models_dir is None:
        from duediligence.config import get_settings

        models_dir = get_settings().models_dir
    if str(ModelKind.RISK) not in active_versions(models_dir) and session is None:
        return Scorer.fallback()
    try:
        return Scorer.from_loaded(load_active(models_dir, ModelKind.RISK, session=session))
    except NotFoundError:
        log.info("no active risk model: using the fallback weights")
        return Scorer.fallback()


LISTED_TOPICS = frozenset({"sanction", "role.pep", "crime"})


def file_match(
    confirmed_by_client: dict[int, list[dict[str, Any]]],
    pending_by_client: dict[int, list[dict[str, Any]]],
    as_of: date,
    *,
    client_id: int,
    match_id: int,
    confirmed: bool,
    score: float,
    created: date,
    decided: date | None,
    subject: str,
    entity: str,
    topics: list[str] | None,
) -> None:
    """File one non-dismissed screening match where a record as of ``as_of`` counts it.

    Confirmed matches count once decided by then, others as pending once raised by then; a match
    on an entity whose topics name none of :data:`LISTED_TOPICS` is not counted (no topics at all
    is). Shared by :func:`load_records` and the batch's fast loader so both file alike.
    """
    if topics and not LISTED_TOPICS & set(topics):
        return
    item = {
        "match_id": match_id,
        "subject": subject,
        "entity": entity,
        "topics": topics,
        "score": score,
    }
    if confirmed:
        if decided is None or decided <= as_of:
            confirmed_by_client[client_id].append(item)
    elif created <= as_of:
        pending_by_client[client_id].append(item)


def load_records(session: Session, client_ids: Sequence[int], as_of: date) -> list[ClientRecord]:
    """The public record of each client as of ``as_of`` (a few queries for the whole chunk)."""
    ids = list(client_ids)
    clients = {c.id: c for c in session.scalars(select(Client).where(Client.id.in_(ids)))}
    missing = set(ids) - set(clients)
    if missing:
        raise NotFoundError(f"no client with id {sorted(missing)[0]}")
    owners: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in session.execute(
        select(Party.client_id, Party.kind, Party.role, Party.country).where(
            Party.client_id.in_(ids)
        )
    ):
        owners[p.client_id].append(
            {"kind": p.kind.value, "role": p.role.value, "country": p.country}
        )
    signals: dict[int, list[SignalFact]] = defaultdict(list)
    for sig in session.execute(
        select(
            Signal.id,
            Signal.client_id,
            Signal.title,
            Signal.kind,
            Signal.published_at,
            Signal.source,
            Signal.severity,
            Signal.credibility,
            Signal.label,
            Signal.label_probabilities,
        )
        .where(
            Signal.client_id.in_(ids),
            Signal.published_at <= as_of,
            Signal.review_status != ReviewStatus.DISMISSED,
        )
        .order_by(Signal.published_at, Signal.id)
    ):
        signals[sig.client_id].append(
            SignalFact(
                sig.id,
                sig.title,
                sig.kind.value,
                sig.published_at,
                sig.source,
                sig.severity.value if sig.severity else None,
                sig.credibility if sig.credibility is not None else 0.6,
                sig.label,
                sig.label_probabilities,
            )
        )
    matches: dict[int, list[dict[str, Any]]] = defaultdict(list)
    pending: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mt in session.execute(
        select(
            ScreeningMatch.id,
            ScreeningMatch.client_id,
            ScreeningMatch.status,
            ScreeningMatch.score,
            ScreeningMatch.created_at,
            ScreeningMatch.decided_at,
            ScreeningMatch.subject_name,
            WatchlistEntity.name,
            WatchlistEntity.topics,
        )
        .join(WatchlistEntity, WatchlistEntity.id == ScreeningMatch.entity_id)
        .where(ScreeningMatch.client_id.in_(ids), ScreeningMatch.status != MatchStatus.DISMISSED)
    ):
        file_match(
            matches,
            pending,
            as_of,
            client_id=mt.client_id,
            match_id=mt.id,
            confirmed=mt.status == MatchStatus.CONFIRMED,
            score=mt.score,
            created=mt.created_at.date(),
            decided=mt.decided_at.date() if mt.decided_at is not None else None,
            subject=mt.subject_name,
            entity=mt.name,
            topics=mt.topics,
        )
    engagements: dict[int, list[str]] = defaultdict(list)
    for e in session.execute(
        select(Engagement.client_id, Engagement.kind).where(
            Engagement.client_id.in_(ids), Engagement.date <= as_of
        )
    ):
        engagements[e.client_id].append(e.kind.value)
    return (
        [
            ClientRecord(
                client_id=cid,
                as_of=as_of,
                profile_version=clients[cid].profile_version,
                country=clients[cid].country,
                industry=clients[cid].industry,
                products=list(clients[cid].products or []),
                owners=[o for o in owners[cid] if o["role"] in (PartyRole.OWNER.value,)],
                signals=signals[cid],
                confirmed_matches=matches[cid],
                pending_matches=pending[cid],
                engagement_kinds=engagements[cid],
            )
            for cid in ids
        ]
        if ids
        else []
    )


def _inputs_hash(record: ClientRecord, profile_version: int, scorer_version: str) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of what the score considered (client, as-of
    date, profile version, signals with label and severity, confirmed matches, engagement
    kinds, model version)."""
    payload = {
        "client": record.client_id,
        "as_of": record.as_of.isoformat(),
        "profile": profile_version,
        "signals": [[s.id, s.label, s.severity] for s in record.signals],
        "matches": [m["match_id"] for m in record.confirmed_matches],
        "engagements": record.engagement_kinds,
        "model": scorer_version,
    }
    return sha256_canonical(payload)


def score_records(
    records: list[ClientRecord],
    scorer: Scorer,
    signal_model: str | None = None,
) -> list[RiskResult]:
    """Score already loaded records (pure: no database)."""
    if not records:
        return []
    computed = [compute_features(r) for r in records]
    matrix = np.array([[f[name].value for name in FEATURE_NAMES] for f in computed], dtype=float)
    probabilities, contributions = scorer.probabilities(matrix)
    results = []
    for i, record in enumerate(records):
        features = computed[i]
        probability = float(probabilities[i])
        hits = apply_rules(record, features)
        tier = tier_for(probability, hits)
        results.append(
            RiskResult(
                client_id=record.client_id,
                as_of=record.as_of,
                probability=round(probability, 6),
                tier=tier,
                rule_hits=[h.as_dict() for h in hits],
                features={name: round(features[name].value, 6) for name in FEATURE_NAMES},
                explanation=explain(features, contributions[i], probability, tier, hits),
                inputs_hash=_inputs_hash(record, record.profile_version, scorer.version),
                risk_model_version=scorer.version,
                signal_model_version=signal_model,
            )
        )
    return results


def score_clients(
    session: Session, client_ids: Sequence[int], as_of: date, *, model: Scorer | None = None
) -> list[RiskResult]:
    """Score clients as of ``as_of`` from what was public then (read-only, bulk)."""
    scorer = model or load_scorer(session)
    records = load_records(session, client_ids, as_of)
    return score_records(records, scorer, _signal_model_version())


def _signal_model_version() -> str | None:
    from duediligence.config import get_settings

    return active_versions(get_settings().models_dir).get(str(ModelKind.SIGNALS))


def _row(r: RiskResult, run_id: int | None, actor: str | None, now: Any) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "as_of": r.as_of,
        "run_id": run_id,
        "signal_model_version": r.signal_model_version,
        "risk_model_version": r.risk_model_version,
        "probability": r.probability,
        "tier": r.tier,
        "rule_hits": r.rule_hits,
        "features": r.features,
        "explanation": r.explanation,
        "inputs_hash": r.inputs_hash,
        "created_at": now,
        "created_by": actor or "system",
    }


def _event(r: RiskResult, run_id: int | None, assessment_id: int | None = None) -> PendingEvent:
    return PendingEvent(
        "assessment.created",
        "assessment",
        assessment_id,
        r.client_id,
        after={
            "as_of": r.as_of,
            "tier": r.tier.value,
            "probability": r.probability,
            "inputs_hash": r.inputs_hash,
            "run_id": run_id,
        },
    )


def store_results(
    session: Session,
    results: Sequence[RiskResult],
    *,
    run_id: int | None = None,
    actor: str | None = None,
) -> int:
    """Insert immutable assessment rows for ``results`` with one audit event each."""
    if not results:
        return 0
    now = utcnow()
    rows = [_row(r, run_id, actor, now) for r in results]
    bulk_insert(session, cast(Table, Assessment.__table__), rows)
    record_events(session, actor=actor, events=[_event(r, run_id) for r in results])
    return len(rows)


def resolve_client(session: Session, ref: str | int) -> Client:
    """A client by external reference (or id); :class:`NotFoundError` if there is none."""
    client = (
        session.get(Client, ref)
        if isinstance(ref, int)
        else session.scalar(select(Client).where(Client.external_ref == ref))
    )
    if client is None:
        raise NotFoundError(f"no client {ref!r}")
    return client


def assess_client(
    session: Session, client: str | int, *, as_of: date | None = None, actor: str | None = None
) -> Assessment:
    """Score one client as of a date (default today) and store the immutable assessment."""
    row = resolve_client(session, client)
    result = score_clients(session, [row.id], as_of or date.today())[0]
    stored = Assessment(**_row(result, None, actor, utcnow()))
    session.add(stored)
    session.flush()
    record_events(session, actor=actor, events=[_event(result, None, stored.id)])
    return stored


def latest_assessment(session: Session, client_id: int) -> Assessment | None:
    """The newest stored assessment of a client."""
    return session.scalar(
        select(Assessment)
        .where(Assessment.client_id == client_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    )
