"""Hard rules on top of the model: findings no score may talk away.

- ``potential_match_on_hold``: a watch-list match at or above the screening threshold that no
  reviewer has confirmed or dismissed holds the verdict at ``high`` at least, and the assessment
  is *on hold* until every such hit is resolved. An unresolved 1.00 match on a sanctioned person
  is not "low risk": dealing with a designated person is prohibited (e.g. the OFAC blocking
  regulations of 31 CFR chapter V; EU Regulation 269/2014 art. 2), so the relationship waits
  for the review.
- confirmed matches: what a confirmed match leads to follows the list entity's FollowTheMoney
  topics, by the one table of :mod:`duediligence.risk.topics` (each rule with its source):
  ``sanction`` (and ``sanction.linked`` under a named programme) → ``confirmed_sanctions_match``,
  ``prohibited``; ``crime.*``, ``export.control``, ``debarment`` → ``high``; ``poi``,
  ``corp.disqual`` … → ``medium``. One hit per rule, naming its first match.
- ``politically_exposed_person``: the client, an owner, a director or an officer is a PEP, a
  politician, or a relative or close associate of one (:mod:`duediligence.risk.pep`) → ``high``
  with the reason "politically exposed person: …"; never ``prohibited`` by itself: FATF R.12
  asks for enhanced due diligence and senior approval (:mod:`duediligence.review.decisions`).
  A former PEP counts until the configured period after leaving office ends.
- ``call_for_action_jurisdiction``: the client or an owner in a FATF call-for-action
  jurisdiction → ``high`` (FATF Recommendation 19).
- ``serious_conviction`` and ``official_trafficking_finding`` → ``high``.
- ``criminal_conviction``: the client itself convicted (the source's severity, or read from the
  news of an item about the client as the accused) of any other offence of the taxonomy — each
  label is a FATF designated category of offence (FATF Recommendations, General Glossary) —
  → ``high``. A conviction is the strongest adverse information a public record holds about a
  customer (FATF R.10 INR para. 15(a); EU Directive 2015/849 art. 18(3), Annex III); an
  allegation, a charge or a regulator's fine stays with ``adverse_media_about_client``.
- ``adverse_media_about_party``: adverse media still standing about one of the client's owners,
  directors or officers (news linked to the client *through* that party) is ownership
  exposure, not the client's own wrongdoing: it never feeds the model's adverse-media features
  (:func:`duediligence.risk.features.party_exposure`) and raises the tier to ``medium`` at
  least, with the reason "adverse media about its owner X (2019): money laundering" — the
  customer's beneficial owners and those who control it are part of the customer due diligence
  (FATF R.10(b)-(c); EU Directive 2015/849 art. 13(1)(b)), and what is known of them is a risk
  factor of the relationship (FATF R.10 INR para. 15; EU Directive 2015/849 art. 18(3)). A
  conviction or sanction of a party for trafficking, forced labour or terrorism raises it to
  ``high``, as the same finding about the client does (``serious_conviction``).
- ``adverse_media_about_client``: adverse media still standing about the client itself (the
  classifier read the client as the item's subject, or a person or upstream system labelled it)
  raises the tier to ``medium`` at least, whatever the model makes of one item: adverse
  information on the customer is a higher-risk factor calling for enhanced measures (FATF R.10
  INR para. 15(a); EU Directive 2015/849 art. 18(3) and Annex III), and the client's own record
  must never weigh less than its owner's (``adverse_media_about_party``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from duediligence.db.enums import Tier
from duediligence.matching.compare import DEFAULT_THRESHOLD
from duediligence.risk.features import (
    ClientRecord,
    Feature,
    SignalFact,
    effective_signals,
    party_exposure,
)
from duediligence.risk.pep import PEP_RULE, exposures
from duediligence.risk.reference import listings
from duediligence.risk.topics import (
    PEP_SOURCE,
    Consequence,
    TopicRule,
    is_sanctioned,
    rules_for,
)
from duediligence.signals.taxonomy import TAXONOMY

SERIOUS_LABELS = {"human_trafficking", "forced_labour", "terrorism"}
HOLD_RULE = "potential_match_on_hold"
PARTY_RULE = "adverse_media_about_party"
CLIENT_MEDIA_RULE = "adverse_media_about_client"
CONVICTION_RULE = "criminal_conviction"
CONVICTION_SOURCE = (
    "FATF General Glossary (designated categories of offences); FATF R.10 INR para. 15(a); "
    "EU Directive 2015/849 art. 18(3), Annex III"
)
CLIENT_MEDIA_SOURCE = "FATF R.10 INR para. 15(a); EU Directive 2015/849 art. 18(3), Annex III"
PARTY_SOURCE = "FATF R.10(b)-(c) and INR.10 para. 15; EU Directive 2015/849 arts. 13(1)(b), 18(3)"


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, the tier it demands at least, and the evidence."""

    rule: str
    description: str
    min_tier: Tier
    evidence: tuple[int, ...] = ()  # signal ids
    matches: tuple[dict[str, Any], ...] = ()  # screening-match evidence items
    since: str | None = None  # ISO date the finding dates from, when it is not a signal's
    source: str | None = None  # the rule's source (law, regulation), for topic rules
    pep: tuple[dict[str, Any], ...] = ()  # PEP exposures (politically_exposed_person only)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form stored on the assessment."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "description": self.description,
            "min_tier": self.min_tier.value,
            "signals": list(self.evidence),
            "matches": list(self.matches),
            "since": self.since,
        }
        if self.source:
            out["source"] = self.source
        if self.pep:
            out["pep"] = list(self.pep)
        return out


def describe_match(match: dict[str, Any]) -> str:
    """``subject ~ LISTED NAME (list, programmes) score 0.99`` for a match evidence item."""
    programs = ", ".join(match.get("programs") or [])
    where = f"{match['list']}, {programs}" if programs else match["list"]
    return f"{match['subject']} ~ {match['entity']} ({where}) score {match['score']:.2f}"


def is_sanction_match(match: dict[str, Any]) -> bool:
    """Whether a match evidence item is on a sanctioned entity, by the topic table (no topics
    counts as one; ``sanction.linked`` only under a named programme)."""
    return is_sanctioned(match.get("topics") or [], match.get("programs") or [])


def _more(items: tuple[Any, ...] | list[Any]) -> str:
    return f" and {len(items) - 1} more" if len(items) > 1 else ""


def confirmed_match_hits(record: ClientRecord) -> list[RuleHit]:
    """The topic rules the record's confirmed matches trigger (one hit per rule, most severe
    first), and the PEP rule when anyone on the file is politically exposed as of the record's
    date."""
    by_rule: dict[str, tuple[TopicRule, list[dict[str, Any]]]] = {}
    for m in record.confirmed_matches:
        for rule in rules_for(m.get("topics") or [], m.get("programs") or []):
            if rule.consequence == Consequence.PEP:
                continue  # the PEP rule below: it needs the functions and their dates
            kept = by_rule.setdefault(rule.rule, (rule, []))
            if rule.min_tier.rank > kept[0].min_tier.rank:
                by_rule[rule.rule] = (rule, kept[1])
            by_rule[rule.rule][1].append(m)
    hits = []
    for rule, matches in sorted(by_rule.values(), key=lambda v: (-v[0].min_tier.rank, v[0].rule)):
        first = min(matches, key=lambda m: (m["known_since"], m["match_id"]))
        what = (
            "Confirmed match on a sanctions or watch list"
            if rule.rule == "confirmed_sanctions_match"
            else f"Confirmed match on a list entity tagged {rule.label.lower()}"
        )
        hits.append(
            RuleHit(
                rule.rule,
                f"{what}: {describe_match(first)}; {first['known_since_source']}{_more(matches)}",
                rule.min_tier,
                matches=tuple(matches),
                source=rule.source,
            )
        )
    peps = [e for m in record.confirmed_matches for e in exposures(m, record.as_of)]
    if peps:
        pep_matches = tuple(
            m for m in record.confirmed_matches if m["match_id"] in {e.match_id for e in peps}
        )
        hits.append(
            RuleHit(
                PEP_RULE,
                "politically exposed person: "
                + "; ".join(e.describe() for e in peps)
                + " — enhanced due diligence and senior management approval required",
                Tier.HIGH,
                matches=pep_matches,
                since=min(e.since for e in peps).isoformat(),
                source=PEP_SOURCE,
                pep=tuple(e.as_dict() for e in peps),
            )
        )
    return hits


def _call_since(country: str | None, record: ClientRecord) -> str | None:
    """When ``country``'s FATF call-for-action listing in force at the record's date began."""
    starts = [
        item.since
        for item in listings()
        if item.country == country
        and item.list == "fatf_call_for_action"
        and item.in_force(record.as_of)
    ]
    return min(starts).isoformat() if starts else None


def hold_kind(matches: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> str:
    """``SANCTIONS`` when a pending hit is on a sanctioned entity, else ``PEP`` when one is on a
    politically exposed one (or a PEP's relative), else ``WATCH-LIST``."""
    if any(is_sanction_match(m) for m in matches):
        return "SANCTIONS"
    if any(
        m.get("political") or set(m.get("topics") or []) & {"role.pep", "role.rca", "role.pol"}
        for m in matches
    ):
        return "PEP"
    return "WATCH-LIST"


def potential_match_hold(record: ClientRecord) -> RuleHit | None:
    """The hold on a verdict while potential matches at or above the screening threshold await
    a reviewer (strongest first in the description); None when there are none."""
    pending = sorted(
        (m for m in record.pending_matches if m["score"] >= DEFAULT_THRESHOLD),
        key=lambda m: (-m["score"], m["match_id"]),
    )
    if not pending:
        return None
    kind = hold_kind(pending).lower().replace("pep", "PEP")
    more = f" and {len(pending) - 1} more" if len(pending) > 1 else ""
    return RuleHit(
        HOLD_RULE,
        f"Potential {kind} match — on hold until a reviewer confirms or dismisses it: "
        f"{describe_match(pending[0])}{more}",
        Tier.HIGH,
        matches=tuple(pending),
    )


def apply_rules(record: ClientRecord, features: dict[str, Feature]) -> list[RuleHit]:
    """Every rule that fires for ``record``, the hold first."""
    hits = []
    hold = potential_match_hold(record)
    if hold is not None:
        hits.append(hold)
    hits.extend(confirmed_match_hits(record))
    if features["jurisdiction_risk"].value >= 1.0:
        listed = [
            (e["who"], e["country"], _call_since(e["country"], record))
            for e in features["jurisdiction_risk"].evidence
            if "fatf_call_for_action" in e.get("lists", [])
        ]
        where = "; ".join(
            f"{who} in {country}" + (f" (listed since {since})" if since else "")
            for who, country, since in listed
        )
        hits.append(
            RuleHit(
                "call_for_action_jurisdiction",
                f"Client or owner in a FATF call-for-action jurisdiction: {where}",
                Tier.HIGH,
                since=min((since for *_, since in listed if since), default=None),
            )
        )
    standing = effective_signals(record)
    convictions = [
        s.id
        for s in standing
        if s.label in SERIOUS_LABELS and s.stage_of_matter in ("conviction", "sanction")
    ]
    if convictions:
        read = [s for s in standing if s.id in convictions and not s.severity]
        hits.append(
            RuleHit(
                "serious_conviction",
                "Convicted or sanctioned for trafficking, forced labour or terrorism"
                + (
                    f" (read from the news: {read[0].title}"
                    + (f" and {len(read) - 1} more" if len(read) > 1 else "")
                    + ")"
                    if read
                    else ""
                ),
                Tier.HIGH,
                tuple(convictions),
            )
        )
    other_convictions = [
        s
        for s in standing
        if s.label in TAXONOMY
        and s.label != "none"
        and s.label not in SERIOUS_LABELS
        and s.stage_of_matter == "conviction"
    ]
    if other_convictions:
        first, labels, more = _summary(other_convictions)
        how = "read from the news: " if not first.severity else ""
        hits.append(
            RuleHit(
                CONVICTION_RULE,
                f"Convicted of {labels}: {how}{first.title} "
                f"({first.published_at.isoformat()}){more}",
                Tier.HIGH,
                tuple(s.id for s in other_convictions),
                since=first.published_at.isoformat(),
                source=CONVICTION_SOURCE,
            )
        )
    official = [
        s.id
        for s in standing
        if s.label in {"human_trafficking", "forced_labour"}
        and s.kind in ("legal_action", "regulatory_action")
        and s.credibility >= 0.9
    ]
    if official:
        hits.append(
            RuleHit(
                "official_trafficking_finding",
                "Public authorities formally accuse the client of trafficking",
                Tier.HIGH,
                tuple(official),
            )
        )
    if standing and not any(h.min_tier.rank >= Tier.MEDIUM.rank for h in hits):
        first, labels, more = _summary(standing)
        hits.append(
            RuleHit(
                CLIENT_MEDIA_RULE,
                f"adverse media about the client still standing: {first.title} "
                f"({first.published_at.isoformat()}){more}: {labels}",
                Tier.MEDIUM,
                tuple(s.id for s in standing),
                since=first.published_at.isoformat(),
                source=CLIENT_MEDIA_SOURCE,
            )
        )
    party_hit = party_exposure_hit(record)
    if party_hit is not None:
        hits.append(party_hit)
    return hits


def _label_words(label: str | None) -> str:
    return (label or "adverse media").replace("_", " ")


def _summary(items: list[SignalFact]) -> tuple[SignalFact, str, str]:
    """The first item (oldest), the items' offences in words, and " and N more"."""
    first = min(items, key=lambda s: (s.published_at, s.id))
    labels = ", ".join(dict.fromkeys(_label_words(s.label) for s in items))
    return first, labels, _more(items)


def party_exposure_hit(record: ClientRecord) -> RuleHit | None:
    """The ownership-exposure rule (see the module docstring): one hit naming every party that
    standing adverse media is about, with the year of the first item and its offence, e.g.
    ``adverse media about its owner John Doe (2019): money laundering``; None when there is
    none."""
    exposed = party_exposure(record)
    if not exposed:
        return None
    parts = []
    serious = False
    for name, role, items in exposed:
        labels = ", ".join(dict.fromkeys(_label_words(s.label) for s in items))
        more = f", {len(items)} items" if len(items) > 1 else ""
        parts.append(f"its {role} {name} ({items[0].published_at.year}{more}): {labels}")
        serious = serious or any(
            s.label in SERIOUS_LABELS and s.stage_of_matter in ("conviction", "sanction")
            for s in items
        )
    return RuleHit(
        PARTY_RULE,
        "adverse media about " + "; about ".join(parts) + " — ownership exposure, not the "
        "client's own record",
        Tier.HIGH if serious else Tier.MEDIUM,
        tuple(s.id for _n, _r, items in exposed for s in items),
        since=min(items[0].published_at for _n, _r, items in exposed).isoformat(),
        source=PARTY_SOURCE,
    )
