"""Report contexts: plain, JSON-able dicts built from the database for one stored assessment
(client report), the latest assessments (roster report) or the knowability of risky clients
(exposure report). Templates and the JSON format render exactly these dicts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence import __version__
from duediligence.db.enums import DecisionStatus, LinkStatus, Tier
from duediligence.db.models import (
    Assessment,
    Client,
    Decision,
    Party,
    ScreeningMatch,
    Signal,
    Watchlist,
    WatchlistEntity,
    WatchlistSnapshot,
)
from duediligence.ingest.watchlists.loader import current_snapshot_ids
from duediligence.jsonutil import canonical_json, sha256_text, to_jsonable
from duediligence.matching.compare import DEFAULT_THRESHOLD, MATCHER_VERSION
from duediligence.risk.knowability import knowability
from duediligence.risk.reference import tier_thresholds
from duediligence.signals.taxonomy import TAXONOMY

SCHEMA_VERSION = "1"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None (no javascript:, data: ... links ever)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "id": s.id,
        "published_at": s.published_at,
        "kind": s.kind.value,
        "title": s.title,
        "text": (s.text or "")[:600],
        "source": s.source,
        "url": safe_url(s.url),
        "severity": s.severity.value if s.severity else None,
        "label": s.label,
        "label_title": TAXONOMY[s.label].title if s.label in TAXONOMY else None,
        "confidence": (s.label_probabilities or {}).get(s.label or "", None),
        "review_status": s.review_status.value,
        "adverse": s.label not in (None, "none"),
        "link_status": s.link_status.value,
    }


def _scope(session: Session, assessment: Assessment) -> dict[str, Any]:
    snapshots = current_snapshot_ids(session)
    lists = []
    for watchlist_id, snapshot_id in sorted(snapshots.items()):
        wl = session.get(Watchlist, watchlist_id)
        snap = session.get(WatchlistSnapshot, snapshot_id)
        if wl is None or snap is None:
            continue
        lists.append(
            {
                "list": wl.name,
                "snapshot": snap.id,
                "version": snap.version,
                "sha256": snap.source_sha256,
                "entities": snap.entity_count,
                "imported_at": snap.imported_at,
            }
        )
    medium, high = tier_thresholds()
    return {
        "as_of": assessment.as_of,
        "run_id": assessment.run_id,
        "lists": lists,
        "match_threshold": DEFAULT_THRESHOLD,
        "matcher_version": MATCHER_VERSION,
        "risk_model_version": assessment.risk_model_version,
        "signal_model_version": assessment.signal_model_version,
        "tier_thresholds": {"medium": medium, "high": high},
    }


def client_report(session: Session, assessment: Assessment) -> dict[str, Any]:
    """Everything the client review report shows, for one stored assessment."""
    client = session.get(Client, assessment.client_id)
    assert client is not None
    as_of = assessment.as_of
    parties = session.scalars(
        select(Party).where(Party.client_id == client.id).order_by(Party.role, Party.name)
    ).all()
    signals = session.scalars(
        select(Signal)
        .where(Signal.client_id == client.id, Signal.published_at <= as_of)
        .order_by(Signal.published_at, Signal.id)
    ).all()
    matches = session.scalars(
        select(ScreeningMatch)
        .where(ScreeningMatch.client_id == client.id)
        .order_by(ScreeningMatch.score.desc(), ScreeningMatch.id)
    ).all()
    scope = _scope(session, assessment)
    hits = []
    lists_with_hits = set()
    for m in matches:
        entity = session.get(WatchlistEntity, m.entity_id)
        list_name = (
            session.scalar(select(Watchlist.name).where(Watchlist.id == entity.watchlist_id))
            if entity
            else None
        )
        lists_with_hits.add(list_name)
        hits.append(
            {
                "id": m.id,
                "subject": m.subject_name,
                "entity": entity.name if entity else None,
                "list": list_name,
                "source_id": entity.source_id if entity else None,
                "programs": entity.programs if entity else [],
                "score": m.score,
                "explanation": m.explanation,
                "status": m.status.value,
                "decided_by": m.decided_by,
                "decided_at": m.decided_at,
                "reason": m.decision_reason,
                "snapshot": m.snapshot_id,
            }
        )
    negative = [
        f"No match at or above {DEFAULT_THRESHOLD:.2f} in {lst['list']}, snapshot {lst['version']}"
        for lst in scope["lists"]
        if lst["list"] not in lists_with_hits
    ]
    adverse: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in signals:
        if s.label not in (None, "none"):
            adverse[TAXONOMY[s.label].title if s.label in TAXONOMY else str(s.label)].append(
                _signal(s)
            )
    actions = [_signal(s) for s in signals if s.kind.value in ("legal_action", "regulatory_action")]
    know = knowability(session, client.id, until=as_of)
    engagements = [
        {"date": e["date"], "kind": e["kind"], "description": e["description"]}
        for e in know.engagements_after
    ]
    all_engagements = [
        {"date": e.date, "kind": e.kind.value, "description": e.description}
        for e in sorted(client.engagements, key=lambda e: (e.date, e.id))
        if e.date <= as_of
    ]
    decisions = session.scalars(
        select(Decision).where(Decision.client_id == client.id).order_by(Decision.made_at)
    ).all()
    context: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "report": "client",
        "subject": {
            "external_ref": client.external_ref,
            "name": client.name,
            "aliases": client.aliases,
            "legal_form": client.legal_form,
            "country": client.country,
            "registration_number": client.registration_number,
            "website": safe_url(client.website),
            "industry": client.industry,
            "products": client.products,
            "status": client.status.value,
            "onboarded_on": client.onboarded_on,
            "offboarded_on": client.offboarded_on,
        },
        "inputs_screened": [client.name, *client.aliases, *[p.name for p in parties]],
        "scope": scope,
        "assessment": {
            "id": assessment.id,
            "as_of": as_of,
            "tier": assessment.tier.value,
            "probability": assessment.probability,
            "summary": assessment.explanation.get("summary"),
            "factors": assessment.explanation.get("factors", []),
            "rule_hits": assessment.rule_hits,
            "features": assessment.features,
            "inputs_hash": assessment.inputs_hash,
            "created_at": assessment.created_at,
            "created_by": assessment.created_by,
        },
        "parties": [
            {
                "name": p.name,
                "kind": p.kind.value,
                "role": p.role.value,
                "ownership_pct": p.ownership_pct,
                "country": p.country,
                "birth_date": p.birth_date,
                "pseudonymised": p.pseudonymised_at is not None,
            }
            for p in parties
        ],
        "hits": hits,
        "negative_results": negative,
        "adverse_media": dict(sorted(adverse.items())),
        "legal_actions": actions,
        "signals_considered": len(signals),
        "knowability": {
            "knowable_since": know.knowable_since,
            "tier_then": know.tier_then,
            "tipping_signals": know.tipping_signals,
            "engagements_after": engagements,
            "timeline": know.timeline,
        },
        "timeline_signals": [
            {"published_at": s.published_at, "adverse": s.label not in (None, "none")}
            for s in signals
        ],
        "engagements": all_engagements,
        "decisions": [
            {
                "id": d.id,
                "action": d.action.value,
                "rationale": d.rationale,
                "status": d.status.value,
                "maker": d.maker,
                "made_at": d.made_at,
                "checker": d.checker,
                "checked_at": d.checked_at,
                "assessment_id": d.assessment_id,
            }
            for d in decisions
        ],
        "integrity": {
            "generated_at": assessment.created_at,
            "software_version": __version__,
            "assessment_inputs_hash": assessment.inputs_hash,
        },
    }
    context["integrity"]["content_sha256"] = sha256_text(canonical_json(context))
    return to_jsonable(context)


def latest_assessments(session: Session) -> dict[int, Assessment]:
    """The newest assessment of every client."""
    newest = (
        select(Assessment.client_id, func.max(Assessment.id).label("id"))
        .group_by(Assessment.client_id)
        .subquery()
    )
    rows = session.scalars(select(Assessment).join(newest, Assessment.id == newest.c.id))
    return {a.client_id: a for a in rows}


def roster_report(session: Session, top: int = 25) -> dict[str, Any]:
    """Tier distribution, changes since the previous assessment, top risks, review backlog."""
    latest = latest_assessments(session)
    previous_ids = (
        select(Assessment.client_id, func.max(Assessment.id).label("id"))
        .where(Assessment.id.not_in([a.id for a in latest.values()] or [0]))
        .group_by(Assessment.client_id)
        .subquery()
    )
    previous = {
        a.client_id: a
        for a in session.scalars(
            select(Assessment).join(previous_ids, Assessment.id == previous_ids.c.id)
        )
    }
    clients = {c.id: c for c in session.scalars(select(Client))}
    decided = set(
        session.scalars(
            select(Decision.assessment_id).where(Decision.status == DecisionStatus.EFFECTIVE)
        )
    )
    counts = Counter(a.tier.value for a in latest.values())
    changes = []
    for cid, a in latest.items():
        before = previous.get(cid)
        if before is not None and before.tier != a.tier:
            changes.append(
                {
                    "client": clients[cid].external_ref,
                    "name": clients[cid].name,
                    "from": before.tier.value,
                    "to": a.tier.value,
                    "direction": "up" if a.tier.rank > before.tier.rank else "down",
                }
            )
    ranked = sorted(latest.values(), key=lambda a: (-a.tier.rank, -a.probability, a.client_id))
    top_risks = [
        {
            "client": clients[a.client_id].external_ref,
            "name": clients[a.client_id].name,
            "tier": a.tier.value,
            "probability": a.probability,
            "as_of": a.as_of,
            "summary": a.explanation.get("summary"),
        }
        for a in ranked[:top]
    ]
    awaiting = [
        {
            "client": clients[a.client_id].external_ref,
            "name": clients[a.client_id].name,
            "tier": a.tier.value,
            "assessment": a.id,
        }
        for a in ranked
        if a.tier.rank >= Tier.MEDIUM.rank and a.id not in decided
    ]
    generated = max((a.created_at for a in latest.values()), default=None)
    return to_jsonable(
        {
            "schema_version": SCHEMA_VERSION,
            "report": "roster",
            "clients": len(latest),
            "tiers": {t.value: counts.get(t.value, 0) for t in Tier},
            "changes": changes,
            "top_risks": top_risks,
            "awaiting_review": awaiting,
            "unlinked_signals": session.scalar(
                select(func.count())
                .select_from(Signal)
                .where(Signal.link_status == LinkStatus.AMBIGUOUS)
            ),
            "integrity": {"generated_at": generated, "software_version": __version__},
        }
    )


def exposure_report(session: Session) -> dict[str, Any]:
    """Every engagement the vendor had with a client while it was knowably high risk or worse."""
    latest = latest_assessments(session)
    rows: list[dict[str, Any]] = []
    n_engagements = 0
    for cid, a in sorted(latest.items()):
        if a.tier.rank < Tier.HIGH.rank:
            continue
        k = knowability(session, cid, until=max(a.as_of, date.today()))
        if k.knowable_since is None or not k.engagements_after:
            continue
        rows.append(
            {
                "client": k.client_ref,
                "name": k.client_name,
                "knowable_since": k.knowable_since,
                "tier_then": k.tier_then,
                "tipping_signals": k.tipping_signals,
                "engagements": k.engagements_after,
            }
        )
    generated = max((a.created_at for a in latest.values()), default=None)
    return to_jsonable(
        {
            "schema_version": SCHEMA_VERSION,
            "report": "exposure",
            "clients": rows,
            "engagements": n_engagements,
            "integrity": {"generated_at": generated, "software_version": __version__},
        }
    )
