"""Report contexts: plain, JSON-able dicts built from the database for one stored assessment
(client report), the latest assessments (roster report) or the knowability of risky clients
(exposure report). The HTML/PDF templates and the JSON format render exactly these dicts. Their
shape is typed, object by object, in :mod:`duediligence.reporting.schema` (``ClientReport``,
``RosterReport``, ``ExposureReport``), and docs/report-json.md is checked against those types by
a test. A client report reads its sources once (:func:`load_client_sources`) and builds each
section with its own pure function.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

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
from duediligence.reporting.schema import (
    AssessmentSection,
    AwaitingReview,
    Cause,
    ClientIntegrity,
    ClientReport,
    DecisionItem,
    EngagementItem,
    ExposureClient,
    ExposureReport,
    Factor,
    Hit,
    KnowabilitySection,
    ListSnapshot,
    NegativeResult,
    PartyItem,
    Pep,
    RosterLine,
    RosterReport,
    Scope,
    SignalItem,
    SignalLink,
    Subject,
    TierChange,
    TierCounts,
    TimelineSignal,
    TippingSignal,
)
from duediligence.review.edd import edd_steps
from duediligence.risk.assess import load_scorer
from duediligence.risk.features import stage_of_item
from duediligence.risk.knowability import (
    Knowability,
    band_at,
    knowability,
    knowability_of_clients,
)
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
    """One evidence item of a risk factor as reader-facing text (``source: X; lists: a, b``):
    :func:`duediligence.risk.features.evidence_text`, the wording every surface uses."""
    from duediligence.risk.features import evidence_text

    return evidence_text(item)


def _iso(value: date) -> str:
    """A date or timestamp as ISO text (as :func:`duediligence.jsonutil.to_jsonable` writes it)."""
    return value.isoformat()


def _iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _signal(s: Signal) -> SignalItem:
    from duediligence.signals.classifier import confidence_band

    confidence = (
        s.adverse_probability
        if s.adverse_probability is not None
        else (s.label_probabilities or {}).get(s.label or "")
    )
    return {
        "id": s.id,
        "published_at": _iso(s.published_at),
        "kind": s.kind.value,
        "title": s.title,
        "text": (s.text or "")[:600],
        "source": s.source,
        "url": safe_url(s.url),
        "severity": s.severity.value if s.severity else None,
        "stage": stage_of_item(
            severity=s.severity.value if s.severity else None,
            role=s.role,
            title=s.title,
            evidence=s.evidence,
        ),
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


def _link(s: Signal) -> SignalLink:
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
        "reviewed_at": _iso_or_none(s.link_reviewed_at),
        "text": describe_link(s),
    }


def snapshots_at(*, session: Session, moment: datetime | None) -> list[ListSnapshot]:
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
            "imported_at": _iso(imported_at),
        }
        for name, snapshot_id, version, sha256, entities, imported_at in rows
    ]


_scorers: dict[tuple[str, str, str | None], Scorer] = {}
_scorers_lock = threading.Lock()


def scorer_for_version(*, session: Session, version: str | None) -> Scorer | None:
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
) -> Hit:
    """One watch-list hit: the list entry (programmes, listing date) and the listed party's
    birth date, nationality and identifiers side by side with the screened subject's."""
    explanation = m.explanation or {}
    if party is not None:
        birth = party.birth_date.isoformat() if party.birth_date else None
        countries = [party.country] if party.country else []
        identifiers: list[str] = []
    else:
        birth = None
        countries = [client.country] if client.country else []
        identifiers = [client.registration_number] if client.registration_number else []
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
        "listed_on": _iso_or_none(entity.listed_on),
        "listed_on_source": entity.listed_on_source,
        "score": round(m.score, 4),
        "name_score": explanation.get("name_score"),
        "matched_name": explanation.get("matched_name"),
        "explanation": explanation.get("name"),
        "adjustments": explanation.get("adjustments", []),
        "compare": {
            "birth": {"subject": birth, "listed": entity.birth_dates or []},
            "nationality": {"subject": countries, "listed": entity.countries or []},
            "identifiers": {"subject": identifiers, "listed": entity.identifiers or []},
        },
        "matcher_version": m.matcher_version,
        "status": m.status.value,
        "decided_by": m.decided_by,
        "decided_at": _iso_or_none(m.decided_at),
        "reason": m.decision_reason,
        "snapshot": m.snapshot_id,
    }


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


# --------------------------------------------------------------------------- client report


@dataclass(frozen=True)
class ClientSources:
    """Everything a client report reads, loaded once by :func:`load_client_sources`: the
    section builders below are pure functions of it (no database)."""

    client: Client
    assessment: Assessment
    parties: Sequence[Party]
    signals: Sequence[Signal]  # as the assessment saw them, by publication date
    matches: Sequence[tuple[ScreeningMatch, WatchlistEntity, str]]  # best first
    decisions: Sequence[Decision]  # oldest first
    lists: list[ListSnapshot]  # the newest snapshot of each list when the assessment was made
    know: Knowability


def load_client_sources(*, session: Session, assessment: Assessment) -> ClientSources:
    """Read what the client report of ``assessment`` shows: the client, its parties, the
    signals published by the as-of date and recorded before the assessment was made, the
    screening matches recorded by then (with their list entries), the reviewers' decisions as
    they stand, the list snapshots of the time, and the knowability of the record as the
    assessment saw it (re-scored with the assessment's own model when it can still be loaded).
    A fixed number of queries whatever the size of the record."""
    client = session.get(Client, assessment.client_id)
    assert client is not None
    seen_by = assessment.created_at
    parties = session.scalars(
        select(Party).where(Party.client_id == client.id).order_by(Party.role, Party.name)
    ).all()
    signals = session.scalars(
        select(Signal)
        .options(selectinload(Signal.link_party))  # the parties linked through, in one query
        .where(
            Signal.client_id == client.id,
            Signal.published_at <= assessment.as_of,
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
        session=session,
        client=client.id,
        model=scorer_for_version(session=session, version=assessment.risk_model_version),
        assessment=assessment,
    )
    decisions = session.scalars(
        select(Decision)
        .where(Decision.client_id == client.id)
        .order_by(Decision.made_at, Decision.id)
    ).all()
    return ClientSources(
        client=client,
        assessment=assessment,
        parties=parties,
        signals=signals,
        matches=[(m, entity, name) for m, entity, name in matches],
        decisions=decisions,
        lists=snapshots_at(session=session, moment=assessment.created_at),
        know=know,
    )


def subject_section(client: Client) -> Subject:
    """The client as on file (``subject``)."""
    return {
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
        "onboarded_on": _iso_or_none(client.onboarded_on),
        "offboarded_on": _iso_or_none(client.offboarded_on),
    }


def inputs_screened_section(src: ClientSources) -> list[str]:
    """Every name screened: the client's name, its aliases, its parties' names (``inputs_screened``)."""
    client = src.client
    return list(
        dict.fromkeys([client.name, *(client.aliases or []), *[p.name for p in src.parties]])
    )


def scope_section(src: ClientSources) -> Scope:
    """What the assessment ran with (``scope``)."""
    medium, high = tier_thresholds()
    assessment = src.assessment
    return {
        "as_of": _iso(assessment.as_of),
        "run_id": assessment.run_id,
        "lists": src.lists,
        "match_threshold": DEFAULT_THRESHOLD,
        "matcher_version": MATCHER_VERSION,
        "risk_model_version": assessment.risk_model_version,
        "signal_model_version": assessment.signal_model_version,
        "knowability_model_version": src.know.model_version,
        "tier_thresholds": {"medium": medium, "high": high},
    }


def assessment_section(assessment: Assessment) -> AssessmentSection:
    """The stored assessment, its factors' evidence as readable text (``assessment``)."""
    factors = [
        # The factor as stored (every stored key kept), plus its evidence in words.
        cast(
            Factor,
            {**f, "evidence_text": [format_evidence(e) for e in f.get("evidence", [])]},
        )
        for f in assessment.explanation.get("factors", [])
    ]
    return {
        "id": assessment.id,
        "as_of": _iso(assessment.as_of),
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
        "created_at": _iso(assessment.created_at),
        "created_by": assessment.created_by,
    }


def parties_section(parties: Sequence[Party]) -> list[PartyItem]:
    """Owners, directors and officers (``parties``)."""
    return [
        {
            "name": p.name,
            "kind": p.kind.value,
            "role": p.role.value,
            "ownership_pct": float(p.ownership_pct) if p.ownership_pct is not None else None,
            "country": p.country,
            "birth_date": _iso_or_none(p.birth_date),
            "pseudonymised": p.pseudonymised_at is not None,
        }
        for p in parties
    ]


def hits_section(src: ClientSources) -> list[Hit]:
    """The screening matches, best first, each beside the screened party (``hits``)."""
    party_by_id = {p.id: p for p in src.parties}
    return [
        _hit(
            m,
            entity,
            list_name,
            src.client,
            party_by_id.get(m.party_id) if m.party_id is not None else None,
        )
        for m, entity, list_name in src.matches
    ]


def pep_section(src: ClientSources) -> Pep | None:
    """Political exposure (FATF R.12) and the EDD steps done and missing for this assessment's
    decision as the review record stands (``pep``); None when nobody is politically exposed."""
    assessment = src.assessment
    pep = pep_hit(assessment.rule_hits or [])
    if pep is None:
        return None
    edd_decision = next(
        (
            d
            for d in reversed(src.decisions)
            if d.assessment_id == assessment.id and d.requires_senior
        ),
        None,
    )
    return {
        "summary": pep_summary(assessment.rule_hits or []),
        "description": pep["description"],
        "exposures": pep.get("pep", []),
        "source": pep.get("source"),
        "edd": [
            {"step": s["step"], "done": s["done"], "detail": s["detail"]}
            for s in edd_steps(assessment, edd_decision)
        ],
    }


def negative_results_section(src: ClientSources) -> list[NegativeResult]:
    """One line per list of the scope with no hit (``negative_results``)."""
    with_hits = {list_name for _m, _entity, list_name in src.matches}
    names = 1 + len(src.client.aliases or []) + len(src.parties)
    return [
        {
            "list": lst["list"],
            "snapshot": lst["version"],
            "text": (
                f"No match at or above {DEFAULT_THRESHOLD:.2f} in {lst['list']}, "
                f"snapshot {lst['version']}, for any of the {names} names screened"
            ),
        }
        for lst in src.lists
        if lst["list"] not in with_hits
    ]


def adverse_media_section(signals: Sequence[Signal]) -> dict[str, list[SignalItem]]:
    """Adverse signals by category title, oldest first (``adverse_media``)."""
    adverse: dict[str, list[SignalItem]] = defaultdict(list)
    for s in signals:
        # A confirmed match's sanction signal is a list finding (shown with the hits and the
        # legal actions), not adverse media.
        if s.label not in (None, "none") and s.screening_match_id is None:
            adverse[TAXONOMY[s.label].title if s.label in TAXONOMY else str(s.label)].append(
                _signal(s)
            )
    return dict(sorted(adverse.items()))


def legal_actions_section(signals: Sequence[Signal]) -> list[SignalItem]:
    """Legal actions, regulatory actions and sanctions (``legal_actions``)."""
    return [_signal(s) for s in signals if s.kind.value in LEGAL_KINDS]


def tipping_signal_items(know: Knowability) -> list[TippingSignal]:
    """The knowability's tipping signals in their JSON form."""
    return [
        {
            "id": s["id"],
            "published_at": _iso(s["published_at"]),
            "title": s["title"],
            "source": s["source"],
            "kind": s["kind"],
            "label": s["label"],
            "severity": s["severity"],
            "stage": s["stage"],
        }
        for s in know.tipping_signals
    ]


def cause_items(know: Knowability) -> list[Cause]:
    """The knowability's causes (``tipped_by``) in their JSON form."""
    causes: list[Cause] = []
    for c in know.tipped_by:
        cause: Cause = {"kind": c["kind"], "date": _iso(c["date"]), "text": c["text"]}
        if "match_id" in c:
            cause["match_id"] = c["match_id"]
        if "signal_id" in c:
            cause["signal_id"] = c["signal_id"]
        causes.append(cause)
    return causes


def knowability_section(know: Knowability, as_of: date) -> KnowabilitySection:
    """What was knowable and when, as the assessment saw the record (``knowability``)."""
    return {
        "knowable_since": _iso_or_none(know.knowable_since),
        "tier_then": know.tier_then,
        "tipping_signals": tipping_signal_items(know),
        "tipped_by": cause_items(know),
        "engagements_after": [
            {"date": _iso(e["date"]), "kind": e["kind"], "description": e["description"]}
            for e in know.engagements_after
        ],
        "timeline": [
            {
                "date": _iso(t["date"]),
                "tier": t["tier"],
                "probability": t["probability"],
                "summary": t["summary"],
            }
            for t in know.timeline
        ],
        # One verdict per report: the band's value at the as-of date is the assessment's.
        "band_at_as_of": band_at(know.timeline, as_of),
        "consistent": know.consistent,
        "recomputed_tier": know.recomputed_tier,
    }


def timeline_signals_section(signals: Sequence[Signal]) -> list[TimelineSignal]:
    """Every signal considered as a mark on the timeline chart (``timeline_signals``)."""
    return [
        {"published_at": _iso(s.published_at), "adverse": s.label not in (None, "none")}
        for s in signals
    ]


def engagements_section(client: Client, as_of: date) -> list[EngagementItem]:
    """Every engagement up to the as-of date (``engagements``)."""
    return [
        {"date": _iso(e.date), "kind": e.kind.value, "description": e.description}
        for e in sorted(client.engagements, key=lambda e: (e.date, e.id))
        if e.date <= as_of
    ]


def decisions_section(decisions: Sequence[Decision]) -> list[DecisionItem]:
    """Reviewer decisions on the client, oldest first (``decisions``)."""
    return [
        {
            "id": d.id,
            "action": d.action.value,
            "rationale": d.rationale,
            "status": d.status.value,
            "maker": d.maker,
            "made_at": _iso(d.made_at),
            "checker": d.checker,
            "checked_at": _iso_or_none(d.checked_at),
            "assessment_id": d.assessment_id,
            "requires_senior": d.requires_senior,
            "senior_approver": d.senior_approver,
            "senior_approved_at": _iso_or_none(d.senior_approved_at),
            "source_of_wealth": d.source_of_wealth,
            "source_of_funds": d.source_of_funds,
            "edd_rationale": d.edd_rationale,
        }
        for d in decisions
    ]


def client_integrity_section(src: ClientSources) -> ClientIntegrity:
    """When the content was fixed and the newest review record shown (``integrity``; the
    digest is added last, over the whole report)."""
    review_moments: list[datetime | None] = [m.decided_at for m, _e, _n in src.matches]
    for d in src.decisions:
        review_moments.extend([d.made_at, d.checked_at])
    return {
        "generated_at": _iso(src.assessment.created_at),
        "review_record_as_of": _iso_or_none(_latest(*review_moments)),
        "software_version": __version__,
        "assessment_inputs_hash": src.assessment.inputs_hash,
    }


def client_report(*, session: Session, assessment: Assessment) -> ClientReport:
    """Everything the client review report shows, for one stored assessment: its sources read
    once (:func:`load_client_sources`), then one builder per section."""
    src = load_client_sources(session=session, assessment=assessment)
    report: ClientReport = {
        "schema_version": SCHEMA_VERSION,
        "report": "client",
        "subject": subject_section(src.client),
        "inputs_screened": inputs_screened_section(src),
        "scope": scope_section(src),
        "assessment": assessment_section(assessment),
        "parties": parties_section(src.parties),
        "hits": hits_section(src),
        "pep": pep_section(src),
        "negative_results": negative_results_section(src),
        "adverse_media": adverse_media_section(src.signals),
        "legal_actions": legal_actions_section(src.signals),
        "signals_considered": len(src.signals),
        "knowability": knowability_section(src.know, assessment.as_of),
        "timeline_signals": timeline_signals_section(src.signals),
        "engagements": engagements_section(src.client, assessment.as_of),
        "decisions": decisions_section(src.decisions),
        "integrity": client_integrity_section(src),
    }
    return _with_content_digest(report)


_R = TypeVar("_R", ClientReport, RosterReport, ExposureReport)


def _with_content_digest(context: _R) -> _R:
    """``context`` as plain JSON (a deep copy), with ``integrity.content_sha256`` set (see
    :func:`duediligence.reporting.signing.content_digest`)."""
    from duediligence.reporting.signing import content_digest

    plain: dict[str, Any] = to_jsonable(context)
    plain["integrity"]["content_sha256"] = content_digest(plain)
    return cast(_R, plain)


def current_ids(*, session: Session) -> dict[int, int]:
    """``{client_id: id of its current assessment}`` (never a historical one)."""
    return {cid: aid for cid, aid in session.execute(current_assessment_ids()).all()}


def roster_report(*, session: Session, top: int = 25) -> RosterReport:
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
    changes: list[TierChange] = []
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
                    "as_of": _iso(a.as_of),
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

    def line(a: Any) -> RosterLine:
        return {
            "client": clients[a.client_id].external_ref,
            "name": clients[a.client_id].name,
            "tier": Tier(a.tier).value,
            "state": AssessmentState(a.state).value,
            "probability": a.probability,
            "as_of": _iso(a.as_of),
            "assessment": a.id,
            "summary": (summaries.get(a.id) or {}).get("summary"),
        }

    held = set(held_ids)
    on_hold = [line(a) for a in ranked if a.id in held]
    top_risks = [line(a) for a in ranked[:top]]
    awaiting: list[AwaitingReview] = [
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
    tiers: TierCounts = {
        "low": counts.get(Tier.LOW.value, 0),
        "medium": counts.get(Tier.MEDIUM.value, 0),
        "high": counts.get(Tier.HIGH.value, 0),
        "prohibited": counts.get(Tier.PROHIBITED.value, 0),
    }
    return _with_content_digest(
        RosterReport(
            schema_version=SCHEMA_VERSION,
            report="roster",
            clients=len(latest),
            unassessed_clients=len(set(clients) - set(latest)),
            tiers=tiers,
            on_hold=on_hold,
            changes=changes,
            top_risks=top_risks,
            awaiting_review=awaiting,
            unlinked_signals=session.scalar(
                select(func.count())
                .select_from(Signal)
                .where(Signal.link_status == LinkStatus.AMBIGUOUS)
            )
            or 0,
            integrity={
                "generated_at": _iso_or_none(generated),
                "software_version": __version__,
            },
        )
    )


def exposure_report(*, session: Session) -> ExposureReport:
    """Every engagement the vendor had with a client while it was knowably high risk or worse.

    For each client whose current assessment is high or prohibited, the public record is
    re-scored at every date it changed up to that assessment's as-of date; the engagements on
    or after the first high-risk date are listed with the signals that tipped it.
    The records are loaded in bulk (:func:`~duediligence.risk.knowability.knowability_of_clients`):
    a handful of queries per thousand risky clients.
    """
    latest = current_ids(session=session)
    risky = session.execute(
        select(Assessment.client_id, Assessment.as_of, Assessment.risk_model_version).where(
            Assessment.id.in_(list(latest.values()) or [0]),
            Assessment.tier.in_([Tier.HIGH, Tier.PROHIBITED]),
        )
    ).all()
    rows: list[ExposureClient] = []
    scorers: dict[str | None, Scorer] = {}
    active: list[Scorer] = []

    def scorer(version: str | None) -> Scorer:
        if version not in scorers:
            found = scorer_for_version(session=session, version=version)
            if found is None:  # the assessment's model is gone: the active one, named
                if not active:
                    active.append(load_scorer(session=session))
                found = active[0]
            scorers[version] = found
        return scorers[version]

    ordered = sorted(risky)
    answers = knowability_of_clients(
        session=session, wanted=[(cid, as_of, scorer(version)) for cid, as_of, version in ordered]
    )
    for (_cid, as_of, _version), k in zip(ordered, answers, strict=True):
        if k.knowable_since is None or not k.engagements_after:
            continue
        rows.append(
            {
                "client": k.client_ref,
                "name": k.client_name,
                "as_of": _iso(as_of),
                "knowable_since": _iso(k.knowable_since),
                "tier_then": k.tier_then,
                "tipping_signals": tipping_signal_items(k),
                "tipped_by": cause_items(k),
                "engagements": [
                    {
                        "date": _iso(e["date"]),
                        "kind": e["kind"],
                        "description": e["description"],
                        "value": str(e["value"]) if e["value"] is not None else None,
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
        ExposureReport(
            schema_version=SCHEMA_VERSION,
            report="exposure",
            clients=rows,
            engagements=sum(len(r["engagements"]) for r in rows),
            integrity={"generated_at": _iso_or_none(generated), "software_version": __version__},
        )
    )
