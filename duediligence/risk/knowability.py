"""What was knowable, and when: the first date a client's public record put it at high risk,
what tipped it (signals, watch-list matches, or profile facts such as a jurisdiction listing),
and the vendor's engagements with it from that date on.

The record is loaded once (:func:`~duediligence.risk.records.load_facts`) and scored at every
date it changed: signals published, listings of confirmed matches made public (their listing
dates, not the day a reviewer confirmed them), potential matches raised, and jurisdiction lists
changing for the client's or an owner's country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import Tier
from duediligence.db.models import Assessment, Client, Engagement, Signal
from duediligence.db.queries import resolve_client, utc_today
from duediligence.risk.assess import RiskResult, load_scorer, score_records
from duediligence.risk.features import evidence_text, stage_of_item
from duediligence.risk.model import Scorer, tier_for
from duediligence.risk.records import ClientFacts, change_dates, load_facts, record_as_of
from duediligence.risk.reference import listings
from duediligence.risk.rules import HOLD_RULE

# Factors of the client's own profile: what they say is dated by the profile, not by news.
PROFILE_FACTORS = ("jurisdiction_risk", "industry_risk", "ownership_opacity", "product_exposure")


@dataclass
class Knowability:
    """The answer to the question a court asks a vendor.

    ``tipped_by`` names every cause of the first high-risk verdict, each with a date and a
    reader-facing text (``kind`` is ``signal``, ``match``, ``rule`` or ``profile``);
    ``tipping_signals`` repeats the signals among them with their details.
    """

    client_ref: str
    client_name: str
    knowable_since: date | None
    tier_then: str | None
    tipping_signals: list[dict[str, Any]] = field(default_factory=list)
    tipped_by: list[dict[str, Any]] = field(default_factory=list)
    engagements_after: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    model_version: str = ""
    # For one stored assessment (see knowability(assessment=...)): the band's point at the
    # assessment's date is the assessment itself; ``recomputed_tier`` is what re-scoring the
    # record as the assessment saw it gives, and ``consistent`` whether its inputs hash equals
    # the stored one (False: the stored verdict rests on inputs that have since changed).
    assessment_id: int | None = None
    recomputed_tier: str | None = None
    consistent: bool | None = None


def band_at(timeline: list[dict[str, Any]], day: date) -> str | None:
    """The tier the band shows on ``day``: the last point dated on or before it (None when
    the band starts later). Points are ``{"date", "tier"}``; the tier holds from its date on."""
    before = [t for t in timeline if t["date"] <= day]
    return max(before, key=lambda t: t["date"])["tier"] if before else None


def _listing_since(country: str | None, lists: list[str], as_of: date) -> date | None:
    """Since when ``country`` has been on one of ``lists`` (the listing in force at ``as_of``)."""
    starts = [
        item.since
        for item in listings()
        if item.country == country and item.list in lists and item.in_force(as_of)
    ]
    return min(starts) if starts else None


def _profile_causes(factor: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """Reader-facing causes for one profile factor of the crossing assessment, dated."""
    name, label = factor["feature"], factor["label"]
    if name == "jurisdiction_risk":
        out = []
        for e in factor.get("evidence", []):
            since = _listing_since(e.get("country"), e.get("lists", []), as_of) or as_of
            lists = ", ".join(str(x).replace("_", " ") for x in e.get("lists", []))
            out.append(
                {
                    "kind": "profile",
                    "date": since,
                    "text": f"{label}: {e.get('who')} country {e.get('country')} on {lists} "
                    f"since {since}",
                }
            )
        return out
    details = " | ".join(
        text for text in (evidence_text(e) for e in factor.get("evidence", [])) if text
    )
    return [
        {
            "kind": "profile",
            "date": as_of,
            "text": f"{label} (client profile as on file): {details}" if details else label,
        }
    ]


def _causes(crossed: RiskResult) -> tuple[list[dict[str, Any]], set[int]]:
    """Every cause of a high-risk result, and the ids of the signals among them: the hard rules
    that demand high or more (with their matches and signals), and — when the model's score
    alone reached high — the factors that raised it."""
    causes: list[dict[str, Any]] = []
    signal_ids: set[int] = set()
    for hit in crossed.rule_hits:
        if Tier(hit["min_tier"]).rank < Tier.HIGH.rank:
            continue
        matches = hit.get("matches") or []
        for m in matches:
            confirmed = hit["rule"] != HOLD_RULE
            on = m["known_since"] if confirmed else m["raised_on"]
            causes.append(
                {
                    "kind": "match",
                    "date": date.fromisoformat(on),
                    "text": f"{hit['description'].split(':')[0]}: {m['subject']} ~ {m['entity']} "
                    f"({m['list']} {m['source_id']}, score {m['score']:.2f}); "
                    + (
                        m["known_since_source"]
                        if confirmed
                        else f"raised {m['raised_on']}, awaiting review"
                    ),
                    "match_id": m["match_id"],
                }
            )
        signal_ids.update(hit.get("signals", []))
        if not matches and not hit.get("signals"):
            since = hit.get("since")
            when = date.fromisoformat(since) if since else crossed.as_of
            causes.append({"kind": "rule", "date": when, "text": hit["description"]})
    if tier_for(crossed.probability, []).rank < Tier.HIGH.rank:
        return causes, signal_ids
    for factor in crossed.explanation["factors"]:
        signal_ids.update(s["id"] for s in factor["signals"])
        if factor["feature"] in PROFILE_FACTORS:
            causes.extend(_profile_causes(factor, crossed.as_of))
    return causes, signal_ids


def _stored(assessment: Assessment) -> RiskResult:
    """A stored assessment as a scoring result (the band's point at its date)."""
    return RiskResult(
        client_id=assessment.client_id,
        as_of=assessment.as_of,
        probability=assessment.probability,
        tier=Tier(assessment.tier),
        rule_hits=list(assessment.rule_hits or []),
        features=dict(assessment.features or {}),
        explanation=dict(assessment.explanation or {}),
        inputs_hash=assessment.inputs_hash,
        risk_model_version=assessment.risk_model_version or "",
        signal_model_version=assessment.signal_model_version,
    )


def _scored(
    ref: str,
    name: str,
    facts: ClientFacts,
    scorer: Scorer,
    assessment: Assessment | None,
) -> tuple[Knowability, RiskResult | None]:
    """Score the loaded record at every date it changed (pure: no database); the answer without
    its tipping signals and engagements, and the first high-risk result (None: never high)."""
    days = change_dates(facts)
    if assessment is not None and facts.until not in days:
        days.append(facts.until)
    results = score_records([record_as_of(facts, d) for d in days], scorer)
    recomputed: RiskResult | None = None
    if assessment is not None:
        recomputed = results[-1]
        results[-1] = _stored(assessment)
    timeline = [
        {
            "date": r.as_of,
            "tier": r.tier.value,
            "probability": round(r.probability, 4),
            "summary": r.explanation.get("summary", ""),
        }
        for r in results
    ]
    crossed = next((r for r in results if r.tier.rank >= Tier.HIGH.rank), None)
    answer = Knowability(ref, name, None, None, timeline=timeline, model_version=scorer.version)
    if assessment is not None and recomputed is not None:
        answer.assessment_id = assessment.id
        answer.recomputed_tier = recomputed.tier.value
        answer.consistent = recomputed.inputs_hash == assessment.inputs_hash
    if crossed is not None:
        answer.knowable_since = crossed.as_of
        answer.tier_then = crossed.tier.value
    return answer, crossed


def _explain_crossings(
    *, session: Session, crossings: Sequence[tuple[int, Knowability, RiskResult]]
) -> None:
    """Fill in what tipped each ``(client_id, answer, first high-risk result)`` and the
    engagements from that date on: two queries for all of them."""
    if not crossings:
        return
    causes: dict[int, list[dict[str, Any]]] = {}
    tipping_ids: dict[int, set[int]] = {}
    for client_id, _answer, crossed in crossings:
        causes[client_id], tipping_ids[client_id] = _causes(crossed)
    wanted = set().union(*tipping_ids.values())
    tipping = (
        session.scalars(
            select(Signal).where(Signal.id.in_(wanted)).order_by(Signal.published_at, Signal.id)
        ).all()
        if wanted
        else []
    )
    engagements: dict[int, list[Engagement]] = defaultdict(list)
    for e in session.scalars(
        select(Engagement)
        .where(Engagement.client_id.in_([cid for cid, _a, _c in crossings]))
        .order_by(Engagement.client_id, Engagement.date, Engagement.id)
    ):
        engagements[e.client_id].append(e)
    for client_id, answer, crossed in crossings:
        answer.tipping_signals = [
            {
                "id": s.id,
                "published_at": s.published_at,
                "title": s.title,
                "source": s.source,
                "kind": s.kind.value,
                "label": s.label,
                "severity": s.severity.value if s.severity else None,
                "stage": stage_of_item(
                    severity=s.severity.value if s.severity else None,
                    role=s.role,
                    title=s.title,
                    evidence=s.evidence,
                ),
            }
            for s in tipping
            if s.id in tipping_ids[client_id]
        ]
        signal_causes = [
            {
                "kind": "signal",
                "date": s["published_at"],
                "text": f"{s['title']} ({s['source'] or 'source unknown'})",
                "signal_id": s["id"],
            }
            for s in answer.tipping_signals
        ]
        answer.tipped_by = sorted(
            causes[client_id] + signal_causes, key=lambda c: (c["date"], c["text"])
        )
        answer.engagements_after = [
            {"date": e.date, "kind": e.kind.value, "description": e.description, "value": e.value}
            for e in engagements[client_id]
            if e.date >= crossed.as_of
        ]


def knowability(
    *,
    session: Session,
    client: str | int,
    until: date | None = None,
    model: Scorer | None = None,
    assessment: Assessment | None = None,
) -> Knowability:
    """Score the client at every date its public record changed and find when it became high.

    ``until`` is the last date considered (default today, UTC); ``model`` the risk model to
    score with (default: the active one). :class:`NotFoundError` for an unknown client.

    With ``assessment`` (a report's), the answer is that assessment's: the record is taken as
    the database held it when the assessment was made (``load_facts(seen_by=...)``), up to its
    as-of date, scored with ``model`` (the caller passes the assessment's own model version),
    and the band's point at the as-of date *is* the stored assessment — so the verdict, the
    band's value at the assessment date and the knowable-since date cannot disagree.

    The record is loaded once (one query per table) and sliced in memory at every date, so the
    number of queries does not grow with the number of signals.
    """
    row = resolve_client(session=session, ref=client)
    if assessment is not None:
        until = assessment.as_of
    until = until or utc_today()
    scorer = model or load_scorer(session=session)
    seen_by = assessment.created_at if assessment is not None else None
    facts = load_facts(session=session, client_ids=[row.id], until=until, seen_by=seen_by)[0]
    answer, crossed = _scored(row.external_ref, row.name, facts, scorer, assessment)
    if crossed is not None:
        _explain_crossings(session=session, crossings=[(row.id, answer, crossed)])
    return answer


def knowability_of_clients(
    *,
    session: Session,
    wanted: Sequence[tuple[int, date, Scorer]],
    chunk_size: int = 1000,
) -> list[Knowability]:
    """:func:`knowability` of many clients at once, in the order given: each
    ``(client_id, until, model)`` is the client's record up to ``until`` scored with ``model``.

    Loads the records of a chunk of clients in one go (:func:`load_facts`, up to the chunk's
    latest ``until``; each record is then cut at its own date) and explains every crossing with
    two more queries, so a roster-level report takes a handful of queries per chunk, not several
    per client. Same answers as :func:`knowability` one client at a time.
    :class:`NotFoundError` names a missing client.
    """
    out: list[Knowability] = []
    for start in range(0, len(wanted), chunk_size):
        chunk = wanted[start : start + chunk_size]
        ids = [cid for cid, _until, _model in chunk]
        names = {
            cid: (ref, name)
            for cid, ref, name in session.execute(
                select(Client.id, Client.external_ref, Client.name).where(Client.id.in_(ids))
            )
        }
        loaded = load_facts(
            session=session, client_ids=ids, until=max(until for _cid, until, _model in chunk)
        )
        crossings: list[tuple[int, Knowability, RiskResult]] = []
        for (cid, until, scorer), facts in zip(chunk, loaded, strict=True):
            ref, name = names[cid]
            answer, crossed = _scored(ref, name, replace(facts, until=until), scorer, None)
            if crossed is not None:
                crossings.append((cid, answer, crossed))
            out.append(answer)
        _explain_crossings(session=session, crossings=crossings)
    return out
