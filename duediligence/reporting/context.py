"""Report contexts: plain, JSON-able dicts built from the database for one stored assessment
(client report), the latest assessments (roster report) or the knowability of risky clients
(exposure report). The HTML/PDF templates and the JSON format render exactly these dicts; the
JSON layout is documented in docs/report-json.md.

A client report shows what its assessment saw: signals published by the assessment's as-of
date and recorded before it was created, the list snapshots and screening matches that existed
when it was created. Reviewers' resolutions and decisions are shown as they stand when the
report is rendered, and ``integrity.review_record_as_of`` names the newest of them. News
published before the as-of date but recorded after the assessment is not in it: a new
assessment takes it in. Two renderings of one assessment therefore give the same bytes unless
the review record changed in between.

One verdict per report: the verdict box, the tier band, the knowable-since sentence and the
factors all come from the one stored assessment. The band re-scores the record *as the
assessment saw it* (signals and matches recorded by its creation, verdicts given by then) with
the assessment's own model version, and its point at the as-of date is the stored assessment
itself (:func:`duediligence.risk.knowability.knowability` with ``assessment=``). Should the
re-scored record no longer give the stored inputs hash (a model that cannot be loaded, a signal
re-classified since), ``knowability.consistent`` is false and the report says so.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence import __version__
from duediligence.db.enums import AssessmentState, DecisionStatus, LinkStatus, Tier
from duediligence.db.models import (
    Assessment,
    Client,
    Decision,
    ModelVersion,
    Party,
    ScreeningMatch,
    Signal,
    Watchlist,
    WatchlistEntity,
    WatchlistSnapshot,
)
from duediligence.db.queries import current_assessment_ids
from duediligence.errors import IntegrityError, NotFoundError
from duediligence.jsonutil import to_jsonable
from duediligence.matching.compare import DEFAULT_THRESHOLD, MATCHER_VERSION
from duediligence.modelstore import load_model
from duediligence.review.edd import edd_steps
from duediligence.risk.knowability import Knowability, band_at, knowability
from duediligence.risk.model import FALLBACK_VERSION, Scorer
from duediligence.risk.pep import pep_hit, pep_summary
from duediligence.risk.reference import tier_thresholds
from duediligence.risk.verdict import headline, hold_hit
from duediligence.signals.taxonomy import TAXONOMY

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
LEGAL_KINDS = ("legal_action", "regulatory_action", "sanction")


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) URL with a host, else None (never javascript:, data: ...)."""
    if not url:
        return None
    text = url.strip()
    if any(ord(ch) < 32 or ch.isspace() for ch in text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def format_evidence(item: dict[str, Any]) -> str:
    """One evidence item of a risk factor as reader-facing text (``source: X; lists: a, b``)."""
    parts = []
    for key, value in item.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{str(key).replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _signal(s: Signal) -> dict[str, Any]:
    from duediligence.signals.classifier import confidence_band

    confidence = (
        s.adverse_probability
        if s.adverse_probability is not None
        else (s.label_probabilities or {}).get(s.label or "")
    )
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
        "confidence": round(float(confidence), 4) if confidence is not None else None,
        "confidence_band": confidence_band(float(confidence)) if confidence is not None else None,
        "role": s.role,
        "evidence": list(s.evidence or []),
        "classifier_version": s.model_version,
        "review_status": s.review_status.value,
        "adverse": s.label not in (None, "none"),
        "link_status": s.link_status.value,
        "link": _link(s),
    }


def _link(s: Signal) -> dict[str, Any]:
    """How a signal was tied to the client: the linker's evidence in words ("headline mention
    of 'Acme Ltd'"), the party it is about ("about its owner John Doe") and whether a reviewer
    confirmed the link (see :mod:`duediligence.review.links`)."""
    from duediligence.review.links import describe_evidence, describe_link, describe_party

    evidence = s.link_evidence or {}
    party = s.link_party
    return {
        "how": describe_evidence(s.link_evidence),
        "mention": evidence.get("mention"),
        "where": evidence.get("where"),
        "sentence": evidence.get("sentence"),
        "reasons": [str(r) for r in evidence.get("reasons") or []],
        "party": party.name if party is not None else None,
        "party_role": party.role.value if party is not None else None,
        "about": describe_party(party.name, party.role.value) if party is not None else None,
        "reviewed": s.link_reviewed_by is not None,
        "reviewed_by": s.link_reviewed_by,
        "reviewed_at": s.link_reviewed_at,
        "text": describe_link(s),
    }


def snapshots_at(session: Session, moment: datetime | None) -> list[dict[str, Any]]:
    """The newest snapshot of every active list imported up to ``moment`` (all if None)."""
    newest = (
        select(func.max(WatchlistSnapshot.id))
        .join(Watchlist, Watchlist.id == WatchlistSnapshot.watchlist_id)
        .where(Watchlist.active.is_(True))
        .group_by(WatchlistSnapshot.watchlist_id)
    )
    if moment is not None:
        newest = newest.where(WatchlistSnapshot.imported_at <= moment)
    rows = session.execute(
        select(
            Watchlist.name,
            WatchlistSnapshot.id,
            WatchlistSnapshot.version,
            WatchlistSnapshot.source_sha256,
            WatchlistSnapshot.entity_count,
            WatchlistSnapshot.imported_at,
        )
        .join(Watchlist, Watchlist.id == WatchlistSnapshot.watchlist_id)
        .where(WatchlistSnapshot.id.in_(newest.scalar_subquery()))
        .order_by(Watchlist.name)
    ).all()
    return [
        {
            "list": name,
            "snapshot": snapshot_id,
            "version": version,
            "sha256": sha256,
            "entities": entities,
            "imported_at": imported_at,
        }
        for name, snapshot_id, version, sha256, entities, imported_at in rows
    ]


def _scope(session: Session, assessment: Assessment, know: Knowability) -> dict[str, Any]:
    medium, high = tier_thresholds()
    return {
        "as_of": assessment.as_of,
        "run_id": assessment.run_id,
        "lists": snapshots_at(session, assessment.created_at),
        "match_threshold": DEFAULT_THRESHOLD,
        "matcher_version": MATCHER_VERSION,
        "risk_model_version": assessment.risk_model_version,
        "signal_model_version": assessment.signal_model_version,
        "knowability_model_version": know.model_version,
        "tier_thresholds": {"medium": medium, "high": high},
    }


_scorers: dict[tuple[str, str, str | None], Scorer] = {}
_scorers_lock = threading.Lock()


def scorer_for_version(session: Session, version: str | None) -> Scorer | None:
    """The risk model ``version`` if it can still be loaded (SHA-256 verified), cached.

    None when that version is gone or fails its check: the caller then uses the active model,
    and the report names the version it used.
    """
    if not version:
        return None
    if version == FALLBACK_VERSION:
        return Scorer.fallback()
    from duediligence.config import get_settings

    models_dir = get_settings().models_dir
    expected = session.scalar(
        select(ModelVersion.artifact_sha256).where(ModelVersion.version == version)
    )
    key = (str(models_dir.resolve()), version, expected)
    with _scorers_lock:
        cached = _scorers.get(key)
    if cached is not None:
        return cached
    try:
        scorer = Scorer.from_loaded(load_model(models_dir, version, expected))
    except (NotFoundError, IntegrityError, OSError) as exc:
        log.warning("risk model %s is unavailable: %s; using the active model", version, exc)
        return None
    with _scorers_lock:
        _scorers[key] = scorer
    return scorer


def _hit(
    m: ScreeningMatch, entity: WatchlistEntity, list_name: str, client: Client, party: Party | None
) -> dict[str, Any]:
    """One watch-list hit: the list entry (programmes, listing date) and the listed party's
    birth date, nationality and identifiers side by side with the screened subject's."""
    explanation = m.explanation or {}
    if party is not None:
        ours = {
            "birth_date": party.birth_date.isoformat() if party.birth_date else None,
            "countries": [party.country] if party.country else [],
            "identifiers": [],
        }
    else:
        ours = {
            "birth_date": None,
            "countries": [client.country] if client.country else [],
            "identifiers": [client.registration_number] if client.registration_number else [],
        }
    return {
        "id": m.id,
        "subject": m.subject_name,
        "subject_kind": "party" if party is not None else "client",
        "entity": entity.name,
        "schema": entity.schema,
        "list": list_name,
        "source_id": entity.source_id,
        "programs": entity.programs,
        "topics": entity.topics,
        "listed_on": entity.listed_on,
        "listed_on_source": entity.listed_on_source,
        "score": round(m.score, 4),
        "name_score": explanation.get("name_score"),
        "matched_name": explanation.get("matched_name"),
        "explanation": explanation.get("name"),
        "adjustments": explanation.get("adjustments", []),
        "compare": {
            "birth": {"subject": ours["birth_date"], "listed": entity.birth_dates or []},
            "nationality": {"subject": ours["countries"], "listed": entity.countries or []},
            "identifiers": {"subject": ours["identifiers"], "listed": entity.identifiers or []},
        },
        "matcher_version": m.matcher_version,
        "status": m.status.value,
        "decided_by": m.decided_by,
        "decided_at": m.decided_at,
        "reason": m.decision_reason,
        "snapshot": m.snapshot_id,
    }


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def client_report(session: Session, assessment: Assessment) -> dict[str, Any]:
    """Everything the client review report shows, for one stored assessment."""
    client = session.get(Client, assessment.client_id)
    assert client is not None
    as_of = assessment.as_of
    seen_by = assessment.created_at
    parties = session.scalars(
        select(Party).where(Party.client_id == client.id).order_by(Party.role, Party.name)
    ).all()
    signals = session.scalars(
        select(Signal)
        .where(
            Signal.client_id == client.id,
            Signal.published_at <= as_of,
            Signal.created_at <= seen_by,
        )
        .order_by(Signal.published_at, Signal.id)
    ).all()
    matches = session.execute(
        select(ScreeningMatch, WatchlistEntity, Watchlist.name)
        .join(WatchlistEntity, WatchlistEntity.id == ScreeningMatch.entity_id)
        .join(Watchlist, Watchlist.id == WatchlistEntity.watchlist_id)
        .where(ScreeningMatch.client_id == client.id, ScreeningMatch.created_at <= seen_by)
        .order_by(ScreeningMatch.score.desc(), ScreeningMatch.id)
    ).all()
    know = knowability(
        session,
        client.id,
        model=scorer_for_version(session, assessment.risk_model_version),
        assessment=assessment,
    )
    scope = _scope(session, assessment, know)
    hits = []
    lists_with_hits: set[str] = set()
    review_moments: list[datetime | None] = []
    party_by_id = {p.id: p for p in parties}
    for m, entity, list_name in matches:
        lists_with_hits.add(list_name)
        review_moments.append(m.decided_at)
        party = party_by_id.get(m.party_id) if m.party_id is not None else None
        hits.append(_hit(m, entity, list_name, client, party))
    negative = [
        {
            "list": lst["list"],
            "snapshot": lst["version"],
            "text": (
                f"No match at or above {DEFAULT_THRESHOLD:.2f} in {lst['list']}, "
                f"snapshot {lst['version']}, for any of the "
                f"{1 + len(client.aliases or []) + len(parties)} names screened"
            ),
        }
        for lst in scope["lists"]
        if lst["list"] not in lists_with_hits
    ]
    adverse: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in signals:
        # A confirmed match's sanction signal is a list finding (shown with the hits and the
        # legal actions), not adverse media.
        if s.label not in (None, "none") and s.screening_match_id is None:
            adverse[TAXONOMY[s.label].title if s.label in TAXONOMY else str(s.label)].append(
                _signal(s)
            )
    actions = [_signal(s) for s in signals if s.kind.value in LEGAL_KINDS]
    engagements_after = [
        {"date": e["date"], "kind": e["kind"], "description": e["description"]}
        for e in know.engagements_after
    ]
    all_engagements = [
        {"date": e.date, "kind": e.kind.value, "description": e.description}
        for e in sorted(client.engagements, key=lambda e: (e.date, e.id))
        if e.date <= as_of
    ]
    decisions = session.scalars(
        select(Decision)
        .where(Decision.client_id == client.id)
        .order_by(Decision.made_at, Decision.id)
    ).all()
    for d in decisions:
        review_moments.extend([d.made_at, d.checked_at])
    factors = [
        {
            **f,
            "evidence_text": [format_evidence(e) for e in f.get("evidence", [])],
        }
        for f in assessment.explanation.get("factors", [])
    ]
    pep = pep_hit(assessment.rule_hits or [])
    edd_decision = next(
        (d for d in reversed(decisions) if d.assessment_id == assessment.id and d.requires_senior),
        None,
    )
    context: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "report": "client",
        "subject": {
            "external_ref": client.external_ref,
            "name": client.name,
            "aliases": client.aliases or [],
            "legal_form": client.legal_form,
            "country": client.country,
            "registration_number": client.registration_number,
            "website": safe_url(client.website),
            "industry": client.industry,
            "products": client.products or [],
            "status": client.status.value,
            "onboarded_on": client.onboarded_on,
            "offboarded_on": client.offboarded_on,
        },
        "inputs_screened": list(
            dict.fromkeys([client.name, *(client.aliases or []), *[p.name for p in parties]])
        ),
        "scope": scope,
        "assessment": {
            "id": assessment.id,
            "as_of": as_of,
            "tier": assessment.tier.value,
            "state": assessment.state.value,
            "historical": assessment.historical,
            "headline": headline(
                assessment.tier, assessment.state, assessment.probability, assessment.rule_hits
            ),
            "on_hold": hold_hit(assessment.rule_hits),
            "probability": assessment.probability,
            "summary": assessment.explanation.get("summary"),
            "factors": factors,
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
                "ownership_pct": float(p.ownership_pct) if p.ownership_pct is not None else None,
                "country": p.country,
                "birth_date": p.birth_date,
                "pseudonymised": p.pseudonymised_at is not None,
            }
            for p in parties
        ],
        "hits": hits,
        # Political exposure (FATF R.12) and the EDD steps done and missing, for this
        # assessment's decision as the review record stands.
        "pep": (
            {
                "summary": pep_summary(assessment.rule_hits or []),
                "description": pep["description"],
                "exposures": pep.get("pep", []),
                "source": pep.get("source"),
                "edd": edd_steps(assessment, edd_decision),
            }
            if pep is not None
            else None
        ),
        "negative_results": negative,
        "adverse_media": dict(sorted(adverse.items())),
        "legal_actions": actions,
        "signals_considered": len(signals),
        "knowability": {
            "knowable_since": know.knowable_since,
            "tier_then": know.tier_then,
            "tipping_signals": know.tipping_signals,
            "tipped_by": know.tipped_by,
            "engagements_after": engagements_after,
            "timeline": know.timeline,
            # One verdict per report: the band's value at the as-of date is the assessment's.
            "band_at_as_of": band_at(know.timeline, as_of),
            "consistent": know.consistent,
            "recomputed_tier": know.recomputed_tier,
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
                "requires_senior": d.requires_senior,
                "senior_approver": d.senior_approver,
                "senior_approved_at": d.senior_approved_at,
                "source_of_wealth": d.source_of_wealth,
                "source_of_funds": d.source_of_funds,
                "edd_rationale": d.edd_rationale,
            }
            for d in decisions
        ],
        "integrity": {
            "generated_at": assessment.created_at,
            "review_record_as_of": _latest(*review_moments),
            "software_version": __version__,
            "assessment_inputs_hash": assessment.inputs_hash,
        },
    }
    return _with_content_digest(context)


def _with_content_digest(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` as plain JSON, with ``integrity.content_sha256`` set (see
    :func:`duediligence.reporting.signing.content_digest`)."""
    from duediligence.reporting.signing import content_digest

    context = to_jsonable(context)
    context["integrity"]["content_sha256"] = content_digest(context)
    return context


def current_ids(session: Session) -> dict[int, int]:
    """``{client_id: id of its current assessment}`` (never a historical one)."""
    return {cid: aid for cid, aid in session.execute(current_assessment_ids()).all()}


def roster_report(session: Session, top: int = 25) -> dict[str, Any]:
    """Tier distribution, changes since each client's previous assessment, top risks, backlog,
    and the clients on hold for unresolved potential matches. Only current (non-historical)
    assessments count: a back-dated what-if never shows as a tier change.

    Light queries (no JSON columns but for the top risks), so 10,000 clients take well under
    ten seconds.
    """
    ranked_rows = (
        select(
            Assessment.id,
            Assessment.client_id,
            Assessment.tier,
            Assessment.probability,
            Assessment.state,
            Assessment.as_of,
            Assessment.created_at,
            func.row_number()
            .over(
                partition_by=Assessment.client_id,
                order_by=(Assessment.as_of.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        ).where(Assessment.historical.is_(False))
    ).subquery()
    latest: dict[int, Any] = {}
    previous: dict[int, Any] = {}
    for row in session.execute(select(ranked_rows).where(ranked_rows.c.rank <= 2)):
        (latest if row.rank == 1 else previous)[row.client_id] = row
    clients = {
        row.id: row for row in session.execute(select(Client.id, Client.external_ref, Client.name))
    }
    decided = set(
        session.scalars(
            select(Decision.assessment_id).where(Decision.status == DecisionStatus.EFFECTIVE)
        )
    )
    counts = Counter(Tier(a.tier).value for a in latest.values())
    changes = []
    for cid, a in sorted(latest.items()):
        before = previous.get(cid)
        if before is not None and Tier(before.tier) != Tier(a.tier):
            changes.append(
                {
                    "client": clients[cid].external_ref,
                    "name": clients[cid].name,
                    "from": Tier(before.tier).value,
                    "to": Tier(a.tier).value,
                    "direction": "up" if Tier(a.tier).rank > Tier(before.tier).rank else "down",
                    "as_of": a.as_of,
                }
            )
    changes.sort(key=lambda c: (c["direction"] != "up", -Tier(c["to"]).rank, c["client"]))
    ranked = sorted(
        latest.values(), key=lambda a: (-Tier(a.tier).rank, -a.probability, a.client_id)
    )
    summaries: dict[int, dict[str, Any]] = dict(
        session.execute(
            select(Assessment.id, Assessment.explanation).where(
                Assessment.id.in_([a.id for a in ranked[:top]])
            )
        ).all()
    )
    held_ids = [a.id for a in ranked if AssessmentState(a.state) == AssessmentState.ON_HOLD]
    summaries.update(
        session.execute(
            select(Assessment.id, Assessment.explanation).where(
                Assessment.id.in_([i for i in held_ids if i not in summaries])
            )
        ).all()
    )

    def line(a: Any) -> dict[str, Any]:
        return {
            "client": clients[a.client_id].external_ref,
            "name": clients[a.client_id].name,
            "tier": Tier(a.tier).value,
            "state": AssessmentState(a.state).value,
            "probability": a.probability,
            "as_of": a.as_of,
            "assessment": a.id,
            "summary": (summaries.get(a.id) or {}).get("summary"),
        }

    held = set(held_ids)
    on_hold = [line(a) for a in ranked if a.id in held]
    top_risks = [line(a) for a in ranked[:top]]
    awaiting = [
        {
            "client": clients[a.client_id].external_ref,
            "name": clients[a.client_id].name,
            "tier": Tier(a.tier).value,
            "probability": a.probability,
            "assessment": a.id,
        }
        for a in ranked
        if Tier(a.tier).rank >= Tier.MEDIUM.rank and a.id not in decided
    ]
    generated = max((a.created_at for a in latest.values()), default=None)
    return _with_content_digest(
        {
            "schema_version": SCHEMA_VERSION,
            "report": "roster",
            "clients": len(latest),
            "unassessed_clients": len(set(clients) - set(latest)),
            "tiers": {t.value: counts.get(t.value, 0) for t in Tier},
            "on_hold": on_hold,
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
    """Every engagement the vendor had with a client while it was knowably high risk or worse.

    For each client whose current assessment is high or prohibited, the public record is
    re-scored at every date it changed up to that assessment's as-of date; the engagements on
    or after the first high-risk date are listed with the signals that tipped it.
    """
    latest = current_ids(session)
    risky = session.execute(
        select(Assessment.client_id, Assessment.as_of, Assessment.risk_model_version).where(
            Assessment.id.in_(list(latest.values()) or [0]),
            Assessment.tier.in_([Tier.HIGH, Tier.PROHIBITED]),
        )
    ).all()
    rows: list[dict[str, Any]] = []
    for cid, as_of, version in sorted(risky):
        k = knowability(session, cid, until=as_of, model=scorer_for_version(session, version))
        if k.knowable_since is None or not k.engagements_after:
            continue
        rows.append(
            {
                "client": k.client_ref,
                "name": k.client_name,
                "as_of": as_of,
                "knowable_since": k.knowable_since,
                "tier_then": k.tier_then,
                "tipping_signals": k.tipping_signals,
                "tipped_by": k.tipped_by,
                "engagements": [
                    {
                        "date": e["date"],
                        "kind": e["kind"],
                        "description": e["description"],
                        "value": e["value"],
                    }
                    for e in k.engagements_after
                ],
                "model_version": k.model_version,
            }
        )
    rows.sort(key=lambda r: (r["knowable_since"], r["client"]))
    generated = session.scalar(
        select(func.max(Assessment.created_at)).where(
            Assessment.id.in_(list(latest.values()) or [0])
        )
    )
    return _with_content_digest(
        {
            "schema_version": SCHEMA_VERSION,
            "report": "exposure",
            "clients": rows,
            "engagements": sum(len(r["engagements"]) for r in rows),
            "integrity": {"generated_at": generated, "software_version": __version__},
        }
    )
