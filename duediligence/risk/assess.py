"""Point-in-time assessment: load what was public at ``as_of``, score it, store it immutably.

``score_clients`` is the bulk, read-only path the nightly batch uses: a handful of queries per
chunk of clients (:mod:`duediligence.risk.records`), then pure Python/numpy. ``store_results``
writes immutable assessment rows with one audit event each; ``assess_client`` does both for
one client.

An assessment is *historical* when its as-of date is before the day it is made (the day a run
started, for the batch): a point-in-time view that never becomes the client's current
assessment (:mod:`duediligence.db.queries`). An as-of date after today is refused. An
assessment is *on hold* while a potential watch-list match awaits a reviewer
(:func:`duediligence.risk.rules.potential_match_hold`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, event
from sqlalchemy.orm import Session

from duediligence.audit.trail import PendingEvent, record_events
from duediligence.db.base import utcnow
from duediligence.db.bulk import bulk_insert
from duediligence.db.enums import AssessmentState, ModelKind, Tier
from duediligence.db.models import Assessment
from duediligence.db.queries import resolve_client, utc_today
from duediligence.errors import InputError, IntegrityError, NotFoundError
from duediligence.jsonutil import sha256_canonical
from duediligence.modelstore import active_versions, load_active, require_models_dir
from duediligence.risk.features import (
    FEATURE_NAMES,
    ClientRecord,
    compute_features,
    feature_matrix,
)
from duediligence.risk.model import Scorer, explain, tier_for
from duediligence.risk.records import load_records
from duediligence.risk.rules import HOLD_RULE, apply_rules

log = logging.getLogger(__name__)


@dataclass
class RiskResult:
    """The outcome of scoring one client at one date (not yet stored)."""

    client_id: int
    as_of: date
    probability: float
    tier: Tier
    rule_hits: list[dict[str, Any]]
    features: dict[str, float | None]  # None: no information on file
    explanation: dict[str, Any]
    inputs_hash: str
    risk_model_version: str
    signal_model_version: str | None
    state: AssessmentState = AssessmentState.SCORED


@event.listens_for(Assessment, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: Assessment) -> None:
    raise IntegrityError(f"assessment {target.id} is immutable; store a new assessment instead")


@event.listens_for(Assessment, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: Assessment) -> None:
    raise IntegrityError(f"assessment {target.id} is immutable and cannot be deleted")


def load_scorer(*, session: Session | None = None, models_dir: Path | None = None) -> Scorer:
    """The active risk model, or the transparent fallback when *no* model is active.

    Raises :class:`~duediligence.errors.ConfigError` when the models folder does not exist
    (a wrong ``DD_MODELS_DIR`` must not silently score with the fallback weights) and
    :class:`~duediligence.errors.ModelArtifactError` (exit 2) when a model is active but its
    artifact is missing or changed: the fallback is never a stand-in for a broken model."""
    if models_dir is None:
        from duediligence.config import get_settings

        models_dir = get_settings().models_dir
    require_models_dir(models_dir)
    if str(ModelKind.RISK) not in active_versions(models_dir) and session is None:
        return Scorer.fallback()
    try:
        return Scorer.from_loaded(load_active(models_dir, ModelKind.RISK, session=session))
    except NotFoundError:
        log.info("no active risk model: using the fallback weights")
        return Scorer.fallback()


def _inputs_hash(record: ClientRecord, profile_version: int, scorer_version: str) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of what the score considered (client, as-of
    date, profile version, signals with label and severity, the items about its parties when
    there are any, confirmed matches, engagement kinds, model version)."""
    payload = {
        "client": record.client_id,
        "as_of": record.as_of.isoformat(),
        "profile": profile_version,
        # the stage read from the text only where there is one: other hashes stay as they were
        "signals": [
            [s.id, s.label, s.severity, s.role] + ([s.stage] if s.stage else [])
            for s in record.signals
        ],
        "matches": [m["match_id"] for m in record.confirmed_matches],
        "pending": [m["match_id"] for m in record.pending_matches],
        "engagements": record.engagement_kinds,
        "model": scorer_version,
    }
    if record.party_signals:  # only then: the hashes of records without any stay as they were
        payload["party_signals"] = [
            [s.id, s.label, s.severity, s.role, s.party] + ([s.stage] if s.stage else [])
            for s in record.party_signals
        ]
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
    matrix = feature_matrix(computed)
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
                features={
                    name: round(features[name].value, 6) if features[name].known else None
                    for name in FEATURE_NAMES
                },
                explanation=explain(features, contributions[i], probability, tier, hits),
                inputs_hash=_inputs_hash(record, record.profile_version, scorer.version),
                risk_model_version=scorer.version,
                signal_model_version=signal_model,
                state=(
                    AssessmentState.ON_HOLD
                    if any(h.rule == HOLD_RULE for h in hits)
                    else AssessmentState.SCORED
                ),
            )
        )
    return results


def score_clients(
    *,
    session: Session,
    client_ids: Sequence[int],
    as_of: date,
    model: Scorer | None = None,
    signal_model_version: str | None = None,
) -> list[RiskResult]:
    """Score clients as of ``as_of`` from what was public then (read-only, bulk).

    ``model`` defaults to the active risk model; ``signal_model_version`` (recorded on each
    result) to the active adverse-media model's version."""
    scorer = model or load_scorer(session=session)
    records = load_records(session=session, client_ids=client_ids, as_of=as_of)
    return score_records(records, scorer, signal_model_version or _signal_model_version())


def _signal_model_version() -> str | None:
    from duediligence.config import get_settings

    return active_versions(get_settings().models_dir).get(str(ModelKind.SIGNALS))


def _row(
    r: RiskResult, run_id: int | None, actor: str | None, now: Any, made_on: date
) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "as_of": r.as_of,
        "historical": r.as_of < made_on,
        "state": r.state,
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


def _event(
    r: RiskResult, run_id: int | None, made_on: date, assessment_id: int | None = None
) -> PendingEvent:
    return PendingEvent(
        "assessment.created",
        "assessment",
        assessment_id,
        r.client_id,
        after={
            "as_of": r.as_of,
            "tier": r.tier.value,
            "state": r.state.value,
            "historical": r.as_of < made_on,
            "probability": r.probability,
            "inputs_hash": r.inputs_hash,
            "run_id": run_id,
        },
    )


def store_results(
    *,
    session: Session,
    results: Sequence[RiskResult],
    run_id: int | None = None,
    actor: str | None = None,
    made_on: date | None = None,
) -> int:
    """Insert immutable assessment rows for ``results`` with one audit event each.

    ``made_on`` is the day the scoring was made (a run's start day; default today, UTC): a
    result as of an earlier date is stored as historical."""
    if not results:
        return 0
    now = utcnow()
    made_on = made_on or now.date()
    rows = [_row(r, run_id, actor, now, made_on) for r in results]
    bulk_insert(session=session, table=cast(Table, Assessment.__table__), rows=rows)
    record_events(
        session=session, actor=actor, events=[_event(r, run_id, made_on) for r in results]
    )
    return len(rows)


def check_as_of(as_of: date | None) -> date:
    """``as_of`` (default today, UTC), refused with :class:`InputError` when after today: the
    product answers what was public on a date, and the future is not public yet."""
    today = utc_today()
    if as_of is None:
        return today
    if as_of > today:
        raise InputError(f"as-of date {as_of} is after today ({today}): nothing is public yet")
    return as_of


def assess_client(
    *, session: Session, client: str | int, as_of: date | None = None, actor: str | None = None
) -> Assessment:
    """Score one client as of a date (default today) and store the immutable assessment.

    An as-of date before today gives a historical assessment (a point-in-time view that never
    becomes the client's current one); after today is an :class:`InputError`."""
    row = resolve_client(session=session, ref=client)
    as_of = check_as_of(as_of)
    now = utcnow()
    result = score_clients(session=session, client_ids=[row.id], as_of=as_of)[0]
    stored = Assessment(**_row(result, None, actor, now, now.date()))
    session.add(stored)
    session.flush()
    record_events(
        session=session, actor=actor, events=[_event(result, None, now.date(), stored.id)]
    )
    return stored
